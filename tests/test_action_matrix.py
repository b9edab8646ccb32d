"""Every action on a dossier × every identity × every door that takes it.

The actions come from the workflow table and the doors from the URL configuration: a new action
or a new dossier URL without a place here fails `test_every_action_has_a_door` or
`test_every_dossier_door_is_in_the_matrix`. The identities' parts are declared here, apart from
the code that decides them (`workflow.actors_of`): an action is taken exactly when the table
names the caller's part, and a refused one changes nothing and is never a server error.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from motcua.accounts.models import Role, User
from motcua.backoffice import apology
from motcua.core.models import AuditEntry
from motcua.dossiers import services, workflow
from motcua.dossiers.models import Dossier, Rating, Status
from motcua.payments.models import Payment
from tests.factories import PDF

OWN, OTHER = "commune_a", "commune_b"
PROCESSING = [Role.DESK_OFFICER, Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.LEADER]


@dataclass(frozen=True)
class Identity:
    name: str
    person: User | None
    # The parts the table may give this person on the matrix's dossiers (received and decided
    # by commune A, whose opinions are asked of commune B); none for most.
    parts: frozenset[str] = frozenset()


@pytest.fixture
def identities(province, citizen, staff):
    people = [
        Identity("anonymous", None),
        Identity("applicant", citizen, frozenset({workflow.APPLICANT})),
        Identity("another citizen", User.objects.create_user("0912000111", password="x")),
    ]
    for role in [*PROCESSING, Role.AGENCY_ADMIN]:
        people.append(Identity(f"{role} of the agency", staff[(OWN, role)], _own_part(role)))
        consulted = {workflow.CONSULTED} if role in workflow.OPINION_ROLES else set()
        people.append(
            Identity(f"{role} of another agency", staff[(OTHER, role)], frozenset(consulted))
        )
    people.append(Identity("supervisor above the agency", staff["supervisor_district"]))
    people.append(Identity("supervisor elsewhere", staff["supervisor_justice"]))
    admin = User.objects.create_superuser("quantri-matrix", password="x")
    people.append(Identity("system administrator", admin))
    return people


def _own_part(role: str) -> frozenset[str]:
    """A desk officer of an agency that decides what it receives is both of its desks."""
    if role == Role.DESK_OFFICER:
        return frozenset({role, workflow.DECIDER_DESK})
    return frozenset({role}) if role in PROCESSING else frozenset()


# --- Putting a dossier where an action starts --------------------------------------------------


def _draft(marriage, citizen, key: str) -> Dossier:
    """A complete draft of the marriage form at commune A, with its document."""
    draft, _ = services.start_draft(
        procedure=marriage,
        agency=marriage.agencies.get(code="000.01.31.H57"),
        applicant=citizen,
        form_data={"ho_ten": "Trần Văn Bình", "cccd_vo": "046190001234"},
        idempotency_key=key,
    )
    upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    document = marriage.documents.order_by("pk").first()
    services.save_draft(draft, citizen, {}, None, {document.pk: upload})
    return Dossier.objects.get(pk=draft.pk)


def _in(dossier: Dossier, status: str) -> Dossier:
    Dossier.objects.filter(pk=dossier.pk).update(status=status)
    return Dossier.objects.get(pk=dossier.pk)


# The state each action starts from; a callable builds what the action needs beside it.
START: dict[str, str | Callable] = {
    "accept": Status.SUBMITTED,
    "refuse_intake": Status.SUBMITTED,
    "request_supplement": Status.SUBMITTED,
    "withdraw": Status.SUBMITTED,
    "assign": Status.ACCEPTED,
    "send_for_review": Status.PROCESSING,
    "consult": Status.PROCESSING,
    "pause": Status.PROCESSING,
    "stop": Status.PROCESSING,
    "send_back": Status.UNDER_REVIEW,
    "submit_for_approval": Status.UNDER_REVIEW,
    "approve": Status.AWAITING_APPROVAL,
    "return_result": Status.FINISHED,
    "collect_online": Status.FINISHED,
    "rate": Status.FINISHED,
    "request_fees": Status.PROCESSING,
}


def prepare(action: str, marriage, citizen, staff, consulted, serial: int) -> Dossier:
    key = f"matrix-{serial}"
    draft = _draft(marriage, citizen, key)
    if action in ("edit_draft", "submit"):
        return draft
    dossier = services.submit(draft, actor=citizen)
    desk, specialist = staff[(OWN, Role.DESK_OFFICER)], staff[(OWN, Role.SPECIALIST)]
    leader = staff[(OWN, Role.LEADER)]
    if action == "answer_supplement":
        services.request_supplement(dossier, desk, ["Giấy xác nhận tình trạng hôn nhân"])
    elif action == "give_opinion":
        _in(dossier, Status.PROCESSING)
        services.perform(dossier, "consult", specialist, reason="Xin ý kiến", agency=consulted)
    elif action == "resume":
        _in(dossier, Status.PROCESSING)
        services.perform(dossier, "pause", leader, reason="Chờ giám định")
    elif action == "confirm_fees":
        _in(dossier, Status.PROCESSING)
        services.perform(dossier, "request_fees", leader, reason="Lệ phí 50.000 đồng")
    elif action == "transfer":
        # Received by commune A's desk for commune B, which decides it.
        Dossier.objects.filter(pk=dossier.pk).update(status=Status.ACCEPTED, decider=consulted)
    elif action == "set_new_date":
        dossier = _in(dossier, Status.PROCESSING)
        apology.draft(dossier, specialist, "Chờ xác minh", apology.suggested_new_date(dossier))
    else:
        _in(dossier, START[action])
    return Dossier.objects.get(pk=dossier.pk)


# --- Doors -------------------------------------------------------------------------------------


@dataclass
class Call:
    """What a door needs: the dossier, the staff (for assignees), and a client of the caller."""

    dossier: Dossier
    staff: dict
    caller: Identity
    marriage: object
    consulted: object  # the agency asked for an opinion: commune B

    def page(self) -> Client:
        client = Client()
        if self.caller.person is not None:
            client.force_login(self.caller.person)
        return client

    def api(self) -> APIClient:
        client = APIClient()
        if self.caller.person is not None:
            client.force_authenticate(self.caller.person)
        return client

    def official_fields(self, action: str) -> dict:
        specialist = self.staff[(OWN, Role.SPECIALIST)]
        return {
            "action": action,
            "reason": "Lý do",
            "assignee": str(specialist.pk),
            "items": "Giấy xác nhận tình trạng hôn nhân",
            "agency": str(self.consulted.pk),
            "delivery": "desk",
        }

    def api_fields(self, action: str) -> dict:
        return {
            "action": action,
            "comment": "Lý do",
            "assignee": self.staff[(OWN, Role.SPECIALIST)].username,
            "items": ["Giấy xác nhận tình trạng hôn nhân"],
            "agency": self.consulted.code,
            "delivery": "desk",
        }

    def form(self, **extra) -> dict:
        document = self.marriage.documents.order_by("pk").first()
        return {
            "token": self.dossier.idempotency_key,
            "agency": "000.01.31.H57",
            "field_ho_ten": "Người Khác",
            "field_cccd_vo": "046190001234",
            f"document_{document.pk}": SimpleUploadedFile("khac.pdf", PDF, "application/pdf"),
            **extra,
        }

    @property
    def code(self) -> str:
        return self.dossier.code


def official_page(action):
    def door(call: Call):
        return call.page().post(f"/mot-cua/ho-so/{call.code}/xu-ly/", call.official_fields(action))

    return door


def official_api(action):
    def door(call: Call):
        return call.api().post(
            f"/api/v1/dossiers/{call.code}/transitions", call.api_fields(action), format="json"
        )

    return door


def opinion_page(call: Call):
    asked = call.dossier.consultations.get()
    return call.page().post(f"/mot-cua/lien-thong/{asked.pk}/", {"opinion": "Đồng ý"})


def applicant_page(path: str, data: dict):
    def door(call: Call):
        return call.page().post(f"/ho-so/{call.code}/{path}", data)

    return door


def applicant_api(path: str, data: dict):
    def door(call: Call):
        return call.api().post(f"/api/v1/dossiers/{call.code}/{path}", data)

    return door


def apply_page(button: str):
    def door(call: Call):
        procedure = call.dossier.procedure.code
        return call.page().post(f"/thu-tuc/{procedure}/nop/", call.form(**{button: "1"}))

    return door


def autosave_page(call: Call):
    procedure = call.dossier.procedure.code
    return call.page().post(f"/thu-tuc/{procedure}/nop/luu-nhap/", call.form())


def submission_api(call: Call):
    body = {"procedure": call.dossier.procedure.code, "agency": "000.01.31.H57"}
    body["fields"] = '{"ho_ten": "Người Khác", "cccd_vo": "046190001234"}'
    document = call.marriage.documents.order_by("pk").first()
    body[f"document_{document.pk}"] = SimpleUploadedFile("khac.pdf", PDF, "application/pdf")
    return call.api().post(
        "/api/v1/dossiers/", body, HTTP_IDEMPOTENCY_KEY=call.dossier.idempotency_key
    )


def sign_apology_page(call: Call):
    return call.page().post(f"/mot-cua/ho-so/{call.code}/xin-loi/ky/")


DOORS: dict[str, dict[str, Callable]] = {
    action: {"page": official_page(action), "api": official_api(action)}
    for action in workflow.OFFICIAL_ACTIONS
}
DOORS |= {
    "give_opinion": {"page": opinion_page, "api": official_api("give_opinion")},
    "withdraw": {
        "page": applicant_page("rut/", {"withdraw-reason": "Nộp nhầm"}),
        "api": applicant_api("withdraw", {"reason": "Nộp nhầm"}),
    },
    "answer_supplement": {
        "page": applicant_page("bo-sung/", {"supplement-note": "Đã bổ sung"}),
        "api": applicant_api("supplement", {"note": "Đã bổ sung"}),
    },
    "rate": {
        "page": applicant_page("danh-gia/", {"rating-level": "very_satisfied"}),
        "api": applicant_api("rating", {"level": "very_satisfied"}),
    },
    "collect_online": {"page": applicant_page("nhan-ket-qua/", {})},
    "edit_draft": {
        "page": apply_page("draft"),
        "autosave": autosave_page,
    },
    "submit": {"page": apply_page("submit"), "api": submission_api},
    "set_new_date": {"page": sign_apology_page},
}
# Registering at the desk makes a new dossier: its matrix is `test_only_a_desk_registers`.
DESK_REGISTRATION = "register_at_desk"


def snapshot(dossier: Dossier) -> tuple:
    """All an action may change about a dossier."""
    row = Dossier.objects.get(pk=dossier.pk)
    return (
        row.status,
        row.due_date,
        row.form_data,
        row.agency_id,
        row.delivery,
        row.events.count(),
        row.attachments.count(),
        Rating.objects.filter(dossier=row).exists(),
        AuditEntry.objects.filter(action="dossier.status", object_ref=row.code or "").count(),
    )


CASES = [
    (action, door)
    for action in sorted(workflow.TRANSITIONS)
    if action != DESK_REGISTRATION
    for door in sorted(DOORS.get(action, {}))
]
_serial = itertools.count()


@pytest.mark.parametrize(("action", "door"), CASES)
def test_only_the_part_the_table_names_takes_the_action(
    action, door, identities, marriage, citizen, staff, province
):
    transition = workflow.TRANSITIONS[action]
    for identity in identities:
        dossier = prepare(action, marriage, citizen, staff, province[OTHER], next(_serial))
        before = snapshot(dossier)
        call = Call(dossier, staff, identity, marriage, province[OTHER])
        response = DOORS[action][door](call)
        where = (action, door, identity.name, response.status_code)
        assert response.status_code < 500, where
        taken = snapshot(dossier) != before
        assert taken == bool(identity.parts & transition.actors), where
        if not taken:
            assert response.status_code in (200, 201, 302, 400, 401, 403, 404, 405, 409), where


@pytest.mark.parametrize("identity_index", range(16))
def test_only_a_desk_registers(identity_index, identities, marriage, province):
    """The desk's intake page: a desk officer of an agency receiving the procedure registers a
    paper dossier there; nobody else makes one."""
    identity = identities[identity_index]
    client = Client()
    if identity.person is not None:
        client.force_login(identity.person)
    document = marriage.documents.order_by("pk").first()
    response = client.post(
        "/mot-cua/tiep-nhan/",
        {
            "procedure": marriage.code,
            "token": f"paper-{identity_index}",
            "channel": "desk",
            "applicant_name": "Hồ Thị Lan",
            "field_ho_ten": "Hồ Thị Lan",
            "field_cccd_vo": "046190001234",
            f"document_{document.pk}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code < 500
    is_desk = identity.person is not None and identity.person.role == Role.DESK_OFFICER
    registered = Dossier.objects.filter(idempotency_key=f"paper-{identity_index}")
    assert registered.exists() == is_desk, identity.name
    if is_desk:
        assert registered.get().agency == identity.person.agency


def test_the_identities_cover_every_part(identities):
    """Each part of the table is held by someone in the matrix, and someone holds none."""
    parts = set().union(*(identity.parts for identity in identities))
    named = set().union(*(t.actors for t in workflow.TRANSITIONS.values()))
    assert named <= parts and any(not identity.parts for identity in identities)
    assert len(identities) == 16


def test_every_action_has_a_door():
    assert set(workflow.TRANSITIONS) == {*DOORS, DESK_REGISTRATION}


# URL names of dossier pages that only read: a GET by anyone changes nothing (checked below).
READS = {
    "dossiers:receipt",
    "dossiers:result",
    "dossiers:detail",
    "dossiers:verify",
    "backoffice:receipt",
    "backoffice:attachment",
    "backoffice:dossier",
    "backoffice:result",
    "backoffice:form",
    "api-lookup",
    "dossier-detail",
    "dossier-history",
}
# Dossier URLs that change something, by what they change.
CHANGES = {
    "dossiers:apply": ["edit_draft", "submit"],
    "dossiers:autosave": ["edit_draft"],
    "dossiers:receive_result": ["collect_online"],
    "dossiers:answer_supplement": ["answer_supplement"],
    "dossiers:withdraw": ["withdraw"],
    "dossiers:rate": ["rate"],
    "backoffice:act": sorted(workflow.OFFICIAL_ACTIONS),
    "backoffice:draft_apology": ["draft an apology: tests/test_apology.py"],
    "backoffice:sign_apology": ["set_new_date"],
    "backoffice:consultation": ["give_opinion"],
    "dossier-transitions": [*sorted(workflow.OFFICIAL_ACTIONS), "give_opinion"],
    "dossier-withdraw": ["withdraw"],
    "dossier-supplement": ["answer_supplement"],
    "dossier-rating": ["rate"],
    "dossier-list": ["submit"],
    "payments:start": ["pay: test_paying_is_the_applicants_alone"],
}


def _named_routes(resolver: URLResolver, namespace: str = "") -> dict[str, str]:
    routes = {}
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, route in _named_routes(entry, inner).items():
                routes[name] = str(entry.pattern) + route
        elif isinstance(entry, URLPattern) and entry.name:
            routes[namespace + entry.name] = str(entry.pattern)
    return routes


def _is_dossier_door(name: str, route: str) -> bool:
    """A URL that names a dossier (or consultation) or a procedure to submit to."""
    if name.startswith("dossier-") or name == "api-lookup":
        return True
    app = name.split(":")[0] if ":" in name else ""
    return app in ("dossiers", "backoffice", "payments") and (
        "<str:code>" in route or "<int:pk>" in route
    )


def test_every_dossier_door_is_in_the_matrix():
    """Every URL that takes a dossier code (or a procedure to submit to) is a read or a
    change the matrix covers."""
    routes = _named_routes(get_resolver())
    dossier_doors = {name for name, route in routes.items() if _is_dossier_door(name, route)}
    assert dossier_doors <= READS | set(CHANGES), sorted(dossier_doors - READS - set(CHANGES))
    covered = {action for actions in CHANGES.values() for action in actions}
    assert set(workflow.TRANSITIONS) - {DESK_REGISTRATION} <= covered


@pytest.mark.parametrize("route", ["/ho-so/{code}/", "/ho-so/{code}/ket-qua.pdf"])
def test_reading_changes_nothing(route, marriage, citizen, staff, province, identities):
    """The applicant reading a finished dossier and its result hands nothing over."""
    dossier = prepare("collect_online", marriage, citizen, staff, province[OTHER], next(_serial))
    leader = staff[(OWN, Role.LEADER)]
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.AWAITING_APPROVAL)
    services.perform(Dossier.objects.get(pk=dossier.pk), "approve", leader)
    before = snapshot(dossier)
    client = Client()
    client.force_login(citizen)
    assert client.get(route.format(code=dossier.code)).status_code == 200
    assert snapshot(dossier) == before


def test_paying_is_the_applicants_alone(marriage, citizen, staff, province, identities):
    """Only the applicant starts paying a dossier's fees, by page or API; others make no
    payment and learn nothing."""
    dossier = prepare("withdraw", marriage, citizen, staff, province[OTHER], next(_serial))
    for identity in identities:
        if workflow.APPLICANT in identity.parts:
            continue
        call = Call(dossier, staff, identity, marriage, province[OTHER])
        page = call.page().post(f"/thanh-toan/ho-so/{dossier.code}/")
        api = call.api().post("/api/v1/payments/", {"dossier": dossier.code}, format="json")
        assert page.status_code in (302, 403, 404), identity.name
        assert api.status_code in (401, 403, 404), identity.name
    assert not Payment.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RETURNED])
@pytest.mark.parametrize("door", ["page-draft", "page-submit", "autosave", "api"])
def test_a_submitted_dossier_is_never_rewritten_through_a_draft(
    door, status, marriage, catalog, citizen, staff, province
):
    """Its applicant reusing the dossier's key, for its own procedure or another one (moving it
    to another agency), changes nothing: it changes only through the workflow's actions."""
    dossier = prepare("withdraw", marriage, citizen, staff, province[OTHER], next(_serial))
    dossier = _in(dossier, status)
    before = snapshot(dossier)
    other_procedure = catalog["criminal_record"]  # decided by the Department of Justice
    for procedure in (marriage, other_procedure):
        document = procedure.documents.order_by("pk").first()
        fields = {
            "token": dossier.idempotency_key,
            "agency": procedure.agencies.first().code,
            "field_ho_ten": "Kẻ Sửa Đổi",
            **({f"document_{document.pk}": SimpleUploadedFile("x.pdf", PDF)} if document else {}),
        }
        client = Client()
        client.force_login(citizen)
        if door == "page-draft":
            response = client.post(f"/thu-tuc/{procedure.code}/nop/", {**fields, "draft": "1"})
        elif door == "page-submit":
            response = client.post(f"/thu-tuc/{procedure.code}/nop/", {**fields, "submit": "1"})
        elif door == "autosave":
            response = client.post(f"/thu-tuc/{procedure.code}/nop/luu-nhap/", fields)
        else:
            api = APIClient()
            api.force_authenticate(citizen)
            body = {"procedure": procedure.code, "agency": fields["agency"]}
            response = api.post(
                "/api/v1/dossiers/",
                {**body, "fields": '{"ho_ten": "Kẻ Sửa Đổi"}'},
                HTTP_IDEMPOTENCY_KEY=dossier.idempotency_key,
            )
        assert response.status_code < 500, (door, procedure.code)
        assert snapshot(dossier) == before, (door, procedure.code)
        assert Dossier.objects.get(pk=dossier.pk).procedure == marriage
