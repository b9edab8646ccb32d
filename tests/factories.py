"""Builders of the data tests start from, shared by every test module. Catalog data goes
through the real import path, dossiers through the services and the workflow's actions."""

from __future__ import annotations

import base64
import datetime
import importlib
import io
import itertools
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfReader

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency, Kind, Tier
from motcua.catalog.importexport import Located, ProcedureRecord, import_records
from motcua.catalog.models import Procedure
from motcua.dossiers import services, workflow
from motcua.dossiers.models import Channel, Delivery, Dossier, ResultDocument, Status

_codes = itertools.count(1)


def agency(
    code: str, name: str, tier: str = Tier.DEPARTMENT, parent: Agency | None = None, **extra
) -> Agency:
    kind = extra.pop(
        "kind",
        {
            Tier.PROVINCE: Kind.PEOPLES_COMMITTEE,
            Tier.DEPARTMENT: Kind.DEPARTMENT,
            Tier.DISTRICT: Kind.DISTRICT,
            Tier.COMMUNE: Kind.COMMUNE,
        }[tier],
    )
    return Agency.objects.create(code=code, name=name, tier=tier, kind=kind, parent=parent, **extra)


def procedure(
    name: str,
    *,
    code: str | None = None,
    sector: str = "Hộ tịch",
    tier: str = Tier.COMMUNE,
    agencies: list[Agency] = (),
    level: int = 3,
    fees: list[dict[str, Any]] = (),
    documents: list[dict[str, Any]] = (),
    **data: Any,
) -> Procedure:
    code = code or f"1.{900000 + next(_codes):06d}"
    record = ProcedureRecord(
        where="test",
        data={
            "code": code,
            "name": name,
            "sector": sector,
            "tiers": [tier],
            "agencies": [a.code for a in agencies],
            "level": level,
            "processing_days": data.pop("processing_days", 5),
            **data,
        },
        fees=[Located("test", fee) for fee in fees],
        documents=[Located("test", document) for document in documents],
    )
    import_records([record])
    return Procedure.objects.get(code=code)


def official(agency: Agency, role: str, name: str | None = None) -> User:
    return User.objects.create_user(
        name or f"{role}-{agency.code}", password="x", kind="official", role=role, agency=agency
    )


# ---------------------------------------------------------------- files a citizen uploads

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# A 1×1 PNG picture.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def pdf(name="to-khai.pdf", size=0):
    return SimpleUploadedFile(name, PDF + b"0" * size, content_type="application/pdf")


def form_data(marriage, **changes):
    """The submission page's POST for the marriage procedure; None drops a field."""
    document = marriage.documents.order_by("pk").first()
    data = {
        "token": "t-1",
        "agency": "000.01.31.H57",
        "field_ho_ten": "Trần Văn Bình",
        "field_cccd_vo": "046190001234",
        "field_so_ban": "2",
        f"document_{document.pk}": pdf(),
        "submit": "1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# ---------------------------------------------------------------- dossiers

# The officials' actions that take a submitted dossier to each state, as the table allows them.
_PROCESSING = ("accept", "assign")
_APPROVAL = (*_PROCESSING, "send_for_review", "submit_for_approval")
PATHS: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (),
    Status.ACCEPTED: ("accept",),
    Status.NOT_ACCEPTED: ("refuse_intake",),
    Status.SUPPLEMENT: ("request_supplement",),
    Status.PROCESSING: _PROCESSING,
    Status.CONSULTING: (*_PROCESSING, "consult"),
    Status.PAUSED: (*_PROCESSING, "pause"),
    Status.FEES_REQUESTED: (*_PROCESSING, "request_fees"),
    Status.STOPPED: (*_PROCESSING, "stop"),
    Status.UNDER_REVIEW: (*_PROCESSING, "send_for_review"),
    Status.AWAITING_APPROVAL: _APPROVAL,
    Status.FINISHED: (*_APPROVAL, "approve"),
    Status.RETURNED: (*_APPROVAL, "approve", "return_result"),
}
# Who takes each action on the builder's path.
_ACTOR = {
    "accept": Role.DESK_OFFICER,
    "refuse_intake": Role.DESK_OFFICER,
    "request_supplement": Role.DESK_OFFICER,
    "assign": Role.HEAD_OF_DIVISION,
    "send_for_review": Role.SPECIALIST,
    "consult": Role.SPECIALIST,
    "submit_for_approval": Role.HEAD_OF_DIVISION,
    "approve": Role.LEADER,
    "pause": Role.LEADER,
    "request_fees": Role.SPECIALIST,
    "stop": Role.LEADER,
    "return_result": Role.DESK_OFFICER,
    "transfer": Role.DESK_OFFICER,
}
_RECEIVING_DESK_ACTIONS = {
    "accept",
    "refuse_intake",
    "request_supplement",
    "return_result",
    "transfer",
}


def builder_official(agency: Agency, role: str) -> User:
    """The builder's own official of `agency` in `role`, made once."""
    username = f"builder-{role}-{agency.code}"
    return User.objects.filter(username=username).first() or official(agency, role, username)


def _given(action: str, dossier: Dossier) -> dict[str, Any]:
    """What the action needs, as an official would give it."""
    if action == "assign":
        return {"assignee": builder_official(dossier.decider or dossier.agency, Role.SPECIALIST)}
    if action == "request_supplement":
        return {"items": ["Giấy xác nhận tình trạng hôn nhân"]}
    if action == "consult":
        return {
            "reason": "Xin ý kiến",
            "agency": Agency.objects.exclude(pk=dossier.deciding_agency_id)
            .order_by("code")
            .first(),
        }
    if action == "return_result":
        return {"delivery": Delivery.DESK}
    if action in {"refuse_intake", "pause", "stop", "request_fees"}:
        return {"reason": "Lý do"}
    return {}


def dossier(
    procedure: Procedure,
    applicant: User,
    agency: Agency,
    status: str = Status.SUBMITTED,
    *,
    form_data: dict | None = None,
    uploads: dict[int, Any] | None = None,
    channel: str = Channel.ONLINE,
) -> Dossier:
    """A dossier as its applicant and the agency's officials make it: a draft started and
    saved, submitted, then the officials' actions of the table up to `status`."""
    draft, _created = services.start_draft(
        procedure=procedure, agency=agency, applicant=applicant, form_data={}, channel=channel
    )
    services.save_draft(draft, applicant, form_data or {}, agency, uploads or {})
    made = services.submit(draft, actor=applicant)
    if status == Status.WITHDRAWN:
        return services.withdraw(made, applicant, "Không cần nữa")
    return advance(made, status)


def advance(dossier: Dossier, status: str) -> Dossier:
    """Take a registered dossier on along the builder's path from where it stands to `status`,
    through the officials' actions of the table."""
    path, reached = PATHS[status], Status.SUBMITTED
    done = 0
    while reached != dossier.status:
        reached = workflow.TRANSITIONS[path[done]].target
        done += 1
    for action in path[done:]:
        dossier = Dossier.objects.get(pk=dossier.pk)
        if action == "assign" and workflow.awaits_transfer(dossier):
            _act(dossier, "transfer")
        _act(dossier, action)
    return Dossier.objects.get(pk=dossier.pk)


def _act(dossier: Dossier, action: str) -> None:
    """The action taken by the builder's official of the side that takes it: the receiving
    point's desk for intake, transfer and hand-over, the deciding agency for the rest."""
    desk_side = action in _RECEIVING_DESK_ACTIONS
    agency = dossier.agency if desk_side else dossier.decider or dossier.agency
    actor = builder_official(agency, _ACTOR[action])
    services.perform(dossier, action, actor, **_given(action, dossier))


def dossier_in(marriage, citizen, agency, status):
    """A marriage dossier of `agency` in `status`, reached through the workflow."""
    return dossier(marriage, citizen, agency, status, form_data={"ho_ten": "Bình"})


def submitted(procedure, applicant, **answers) -> Dossier:
    """A dossier submitted to the first agency of the procedure, with these form answers."""
    draft, _created = services.start_draft(
        procedure=procedure,
        agency=procedure.agencies.order_by("code").first(),
        applicant=applicant,
        form_data=answers,
    )
    return services.submit(draft, actor=applicant)


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), ZoneInfo(settings.TIME_ZONE))


def register(procedure, agency, applicant, day: datetime.date, channel: str) -> Dossier:
    """A dossier received at nine on `day` through `channel`."""
    draft, _ = services.start_draft(
        procedure=procedure, agency=agency, applicant=applicant, form_data={}, channel=channel
    )
    return services.submit(draft, now=at_nine(day))


def local(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def received(dossier: Dossier, at: datetime.datetime, due: datetime.date) -> Dossier:
    """Move the dossier's receipt, and its first step, to `at`."""
    Dossier.objects.filter(pk=dossier.pk).update(submitted_at=at, due_date=due)
    dossier.events.filter(to_status=Status.SUBMITTED).update(at=at)
    return Dossier.objects.get(pk=dossier.pk)


def receive_three(catalog, province, citizen) -> datetime.date:
    """Two marriages at commune A (one online), a criminal record at the Justice department."""
    seed_targets()
    for agency, procedure, channel in (
        ("commune_a", "marriage", Channel.ONLINE),
        ("commune_a", "marriage", Channel.DESK),
        ("justice", "criminal_record", Channel.ONLINE),
    ):
        draft, _ = services.start_draft(
            procedure=catalog[procedure],
            agency=province[agency],
            applicant=citizen,
            form_data={},
            channel=channel,
        )
        services.submit(draft)
    return datetime.date.today()


def period(day: datetime.date, **extra) -> dict:
    """From the first of January of `day`'s year to `day`, as query parameters."""
    return {"from": day.replace(month=1, day=1).isoformat(), "to": day.isoformat(), **extra}


def seed_targets():
    """Resolution 17's targets as the migration adds them (a flushing test may have run)."""
    from motcua.stats.models import Target

    seed = importlib.import_module("motcua.stats.migrations.0002_resolution_17_targets")
    for year, online_rate in seed.TARGETS:
        Target.objects.get_or_create(
            year=year, defaults={"online_rate": online_rate, "basis": seed.BASIS}
        )
    return seed


# ---------------------------------------------------------------- reading what the site gives


def vi(message) -> str:
    """A message as the Vietnamese interface shows it."""
    with translation.override("vi"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


def pdf_text(content: bytes) -> str:
    """The PDF's text in composed form, as the procedure names are written."""
    pages = PdfReader(io.BytesIO(content)).pages
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in pages))


def flat_pdf_text(content: bytes) -> str:
    """The PDF's text in composed form, whitespace collapsed: table cells wrap their lines."""
    return " ".join(pdf_text(content).split())


def signature_status(content: bytes):
    """pyHanko's own verdict on the file's one signature, trusting the suite's certificate."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.general import load_cert_from_pemder
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from motcua.dossiers import results

    trusted = ValidationContext(trust_roots=[load_cert_from_pemder(settings.SIGNING_CERT_FILE)])
    [signature] = PdfFileReader(io.BytesIO(content)).embedded_signatures
    return results.off_loop(lambda: validate_pdf_signature(signature, trusted))


def stored(document: ResultDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()
