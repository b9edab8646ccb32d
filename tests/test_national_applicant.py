"""The applicant of a dossier submitted on the national portal answers a supplement request or
withdraws there; the portal hands the step over, over real HTTP from its simulator, and the
dossier goes on here by the same rules as for an applicant of ours, its statuses back to the
portal in order."""

from __future__ import annotations

import json

import pytest

from motcua.accounts.models import Role
from motcua.core.models import AuditEntry
from motcua.dossiers import services, workflow
from motcua.dossiers.models import NATIONAL_STATUS, Dossier, Status
from tests import factories
from tests.national_portal import INBOUND_TOKEN, a_file
from tests.payment_sandbox import exchange
from tests.test_national_portal import CODE, files, kept, national_dossier

MISSING = "Giấy xác nhận tình trạng hôn nhân"


@pytest.fixture
def taken_in(simulator, marriage, province) -> Dossier:
    """A marriage dossier submitted on the national portal, taken in by the commune."""
    pushed = simulator.submit(national_dossier(marriage, province), files(marriage))
    assert pushed["pushed"]["status"] == 201, pushed
    return Dossier.objects.get(code=CODE)


@pytest.fixture
def asked(taken_in, province) -> Dossier:
    """The commune's desk asked for a supplement at intake."""
    desk = factories.builder_official(province["commune_a"], Role.DESK_OFFICER)
    services.request_supplement(taken_in, desk, [MISSING])
    return Dossier.objects.get(pk=taken_in.pk)


def scan(by_url: bool = False) -> dict:
    return a_file(MISSING, factories.PDF, by_url=by_url)


def post(live_server, code: str, step: str, body, token: str | None = INBOUND_TOKEN):
    headers = {"Content-Type": "application/json", "Accept-Language": "vi"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    url = f"{live_server.url}/api/v1/national/dossiers/{code}/{step}"
    status, _headers, answer = exchange("POST", url, json.dumps(body).encode(), headers)
    return status, json.loads(answer)


def test_an_answer_given_on_the_portal_takes_the_dossier_on_once(
    simulator, asked, client, province
):
    request_message = kept(simulator, CODE)[-1]
    assert request_message["status"] == NATIONAL_STATUS[Status.SUPPLEMENT]
    assert MISSING in request_message["history"][0]["note"]

    answer = simulator.applicant(CODE, "supplement", note="Đã bổ sung", files=[scan(by_url=True)])
    assert answer["status"] == 201 and answer["body"]["created"] is True, answer
    dossier = Dossier.objects.get(pk=asked.pk)
    assert dossier.status == Status.SUBMITTED
    supplement = dossier.supplements.get()
    assert (supplement.answer_note, supplement.answered_at is not None) == ("Đã bổ sung", True)
    assert dossier.attachments.filter(supplement=supplement).get().content_type == "application/pdf"
    step = dossier.events.order_by("at", "pk").last()
    assert (step.action, step.actor) == ("answer_supplement", None)
    audited = AuditEntry.objects.filter(object_ref=CODE, action="dossier.status").last()
    assert audited.detail["door"] == "national-portal" and audited.actor is None
    client.force_login(factories.builder_official(province["commune_a"], Role.DESK_OFFICER))
    history = client.get(f"/mot-cua/ho-so/{CODE}/").content.decode()
    assert history.count("(người nộp, trên Cổng Dịch vụ công quốc gia)") == 2  # submit, answer

    again = simulator.applicant(CODE, "supplement", note="Đã bổ sung", files=[scan()])
    assert again["status"] == 200 and again["body"]["created"] is False, again
    assert dossier.attachments.count() == 2  # the form, and the one supplement file

    messages = kept(simulator, CODE)
    assert [m["sequence"] for m in messages] == [1, 2, 3]
    assert [m["local_status"] for m in messages] == ["submitted", "supplement", "submitted"]
    assert simulator.received(CODE)["duplicates"] == 0


def test_a_withdrawal_on_the_portal_ends_the_dossier_once(simulator, taken_in):
    answer = simulator.applicant(CODE, "withdraw", reason="Không cần nữa")
    assert answer["status"] == 201 and answer["body"]["local_status"] == "withdrawn", answer
    assert Dossier.objects.get(pk=taken_in.pk).status == Status.WITHDRAWN
    again = simulator.applicant(CODE, "withdraw", reason="Không cần nữa")
    assert again["status"] == 200 and again["body"]["created"] is False
    assert [m["local_status"] for m in kept(simulator, CODE)] == ["submitted", "withdrawn"]


def test_a_decided_dossier_is_not_withdrawn_from_the_portal(simulator, taken_in, live_server):
    factories.advance(taken_in, Status.FINISHED)
    status, answer = post(live_server, CODE, "withdraw", {"reason": "Đổi ý"})
    assert status == 409 and "rút" in " ".join(answer["detail"]), answer
    assert Dossier.objects.get(pk=taken_in.pk).status == Status.FINISHED


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"note": "", "documents": []}, "đính kèm"),
        ({"documents": [{"file_name": "a.pdf", "content_base64": "@@"}]}, "base64"),
        ({"documents": [{"file_name": "a.pdf"}]}, "đường dẫn"),
        ([{"note": "một danh sách"}], ""),
        ({"note": "x" * 2001}, "2000"),
    ],
)
def test_a_bad_answer_is_refused_in_vietnamese_and_changes_nothing(
    simulator, asked, live_server, body, words
):
    status, answer = post(live_server, CODE, "supplement", body)
    assert status == 400 and words in json.dumps(answer, ensure_ascii=False), answer
    dossier = Dossier.objects.get(pk=asked.pk)
    assert dossier.status == Status.SUPPLEMENT and dossier.supplements.get().answered_at is None
    assert dossier.attachments.count() == 1


def test_the_portal_acts_only_for_its_own_applicants_and_with_its_credential(
    simulator, taken_in, live_server, marriage, citizen, province
):
    body = {"note": "Đã bổ sung", "documents": []}
    assert post(live_server, CODE, "supplement", body, token=None)[0] == 401
    assert post(live_server, CODE, "withdraw", {}, token="not-the-portal")[0] == 401
    status, answer = post(live_server, CODE, "supplement", body)
    assert status == 409, answer  # not waiting for a supplement

    ours = factories.dossier(marriage, citizen, province["commune_a"])
    status, answer = post(live_server, ours.code, "withdraw", {})
    assert status == 404 and "cổng" in " ".join(answer["detail"]).lower(), answer
    assert post(live_server, "000.01.31.H57-250801-0000", "withdraw", {})[0] == 404
    assert Dossier.objects.get(pk=ours.pk).status == Status.SUBMITTED
    assert Dossier.objects.get(pk=taken_in.pk).status == Status.SUBMITTED


def test_the_applicant_on_another_portal_is_the_applicant_of_its_dossiers_only(
    marriage, citizen, province
):
    ours = factories.dossier(marriage, citizen, province["commune_a"])
    assert workflow.actors_of(ours, workflow.ON_ANOTHER_PORTAL) == frozenset()
    ours.applicant, ours.channel = None, "desk"  # registered at the desk for someone
    assert workflow.actors_of(ours, workflow.ON_ANOTHER_PORTAL) == frozenset()
    ours.channel = "online"
    assert workflow.actors_of(ours, workflow.ON_ANOTHER_PORTAL) == {workflow.APPLICANT}
    with pytest.raises(workflow.TransitionRefused):
        services.withdraw(
            factories.dossier(marriage, citizen, province["commune_b"]), workflow.ON_ANOTHER_PORTAL
        )
