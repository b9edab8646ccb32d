"""The official paper forms of the one-stop process, as PDFs, in the version of the right date.

A dossier is documented with the forms of the circular in force when it was received: Circular
01/2018/TT-VPCP before 1 July 2025, Circular 03/2025/TT-VPCP from then on. Forms are versioned,
never overwritten, so a dossier of 2020 still prints the 2018 forms. Form 01, the receipt, is
made by `motcua.dossiers.receipts`.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from motcua.agencies.models import Agency
from motcua.catalog.models import StepKind
from motcua.core import calendar
from motcua.core.pdf import html_to_pdf, qr_svg
from motcua.dossiers import deadlines, workflow
from motcua.dossiers.models import Channel, Dossier, Event, Status, SupplementRequest

EDITION_2018, EDITION_2025 = "2018", "2025"
# Decree 118/2025 and the forms of Circular 03/2025/TT-VPCP apply to dossiers received from here.
EDITION_2025_FROM = datetime.date(2025, 7, 1)
CIRCULARS = {EDITION_2018: "01/2018/TT-VPCP", EDITION_2025: "03/2025/TT-VPCP"}

SUPPLEMENT_REQUEST = "supplement_request"
REFUSAL = "refusal"
APOLOGY = "apology"
STOP_NOTICE = "stop_notice"
CONTROL_SHEET = "control_sheet"
REGISTER = "register"

_DIR = "backoffice/forms/"
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Form:
    """One form of one circular: its number, its fixed title and the template that draws it."""

    edition: str
    number: str
    kind: str
    title: str
    template: str

    @property
    def circular(self) -> str:
        return CIRCULARS[self.edition]


def _form(edition: str, number: str, kind: str, title: str, template: str) -> Form:
    return Form(edition, number, kind, title, _DIR + template)


# The one table of form versions. Titles are those printed on the forms of each circular.
FORMS: dict[tuple[str, str], Form] = {
    (form.edition, form.number): form
    for form in [
        _form(
            EDITION_2018,
            "02",
            SUPPLEMENT_REQUEST,
            "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "supplement_request.html",
        ),
        _form(
            EDITION_2018,
            "03",
            REFUSAL,
            "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            "refusal.html",
        ),
        _form(
            EDITION_2018,
            "04",
            APOLOGY,
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            "apology_2018.html",
        ),
        _form(
            EDITION_2018,
            "05",
            CONTROL_SHEET,
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            "control_sheet.html",
        ),
        _form(EDITION_2018, "06", REGISTER, "Sổ theo dõi hồ sơ", "register.html"),
        _form(
            EDITION_2025,
            "02",
            SUPPLEMENT_REQUEST,
            "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "supplement_request.html",
        ),
        _form(
            EDITION_2025,
            "03",
            REFUSAL,
            "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            "refusal.html",
        ),
        _form(
            EDITION_2025,
            "04",
            APOLOGY,
            "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            "apology_2025.html",
        ),
        _form(
            EDITION_2025,
            "05",
            STOP_NOTICE,
            "Thông báo dừng giải quyết hồ sơ",
            "stop_notice.html",
        ),
        _form(
            EDITION_2025,
            "06",
            CONTROL_SHEET,
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            "control_sheet.html",
        ),
        _form(EDITION_2025, "07", REGISTER, "Sổ theo dõi hồ sơ", "register.html"),
    ]
}
_BY_KIND = {(form.edition, form.kind): form for form in FORMS.values()}
KINDS = frozenset(form.kind for form in FORMS.values())
# The event whose note a form reports, for forms that answer one step of the history.
_EVENT_OF = {REFUSAL: Status.NOT_ACCEPTED, STOP_NOTICE: Status.STOPPED}


class FormUnavailable(Exception):
    """The form cannot be made for this dossier; the message says why, in the user's language."""


def edition_for(day: datetime.date) -> str:
    """The edition of the forms in force on `day`."""
    return EDITION_2025 if day >= EDITION_2025_FROM else EDITION_2018


def received_on(dossier: Dossier) -> datetime.date:
    """The dossier's receipt date, in local time: it decides which forms apply."""
    if dossier.submitted_at is None:
        raise ValueError("A draft was never received and has no forms.")
    return calendar.received_on(dossier.submitted_at, online=dossier.channel == Channel.ONLINE)


def form_for(kind: str, day: datetime.date) -> Form:
    """The form of `kind` in force on `day`, or a refusal naming the circular that lacks it."""
    if kind not in KINDS:
        raise FormUnavailable(_("There is no form “%(kind)s”.") % {"kind": kind})
    edition = edition_for(day)
    form = _BY_KIND.get((edition, kind))
    if form is None:
        other = next(f for f in FORMS.values() if f.kind == kind)
        raise FormUnavailable(
            _(
                "The form “%(title)s” does not exist under Circular %(circular)s, "
                "in force on %(day)s."
            )
            % {"title": other.title, "circular": CIRCULARS[edition], "day": f"{day:%d/%m/%Y}"}
        )
    return form


def applicable_forms(dossier: Dossier) -> list[Form]:
    """The forms an official may print for the dossier now, in the order of their numbers."""
    edition = edition_for(received_on(dossier))
    reached = set(dossier.events.values_list("to_status", flat=True))
    wanted = {CONTROL_SHEET}
    if dossier.supplements.exists():
        wanted.add(SUPPLEMENT_REQUEST)
    wanted |= {kind for kind, status in _EVENT_OF.items() if status in reached}
    found = [_BY_KIND.get((edition, kind)) for kind in wanted]
    return sorted((form for form in found if form), key=lambda form: form.number)


# --- What each form prints ------------------------------------------------------------------


@dataclass(frozen=True)
class HandOver:
    """One row of the control sheet: the dossier passed from one person to the next."""

    step: str
    giver: str
    at: datetime.datetime
    receiver: str
    result: str  # "early", "on_time", "late" or "" when the dossier has no appointment date
    note: str


def _person(user, dossier: Dossier) -> str:
    """Who acted, with their role for officials; no actor means the applicant themself."""
    if user is None:
        return dossier.applicant_name
    return f"{user} ({user.get_role_display()})" if user.role else str(user)


_BACK_TO_APPLICANT = {Status.SUPPLEMENT, Status.NOT_ACCEPTED, Status.STOPPED, Status.RETURNED}


# The step of the time plan a move ends (workflow.plan): it is judged against that step's day.
_STEP_ENDED_BY = {
    Status.UNDER_REVIEW: StepKind.PROCESS,
    Status.AWAITING_APPROVAL: StepKind.REVIEW,
    Status.FINISHED: StepKind.APPROVE,
    Status.RETURNED: StepKind.RETURN,
}
_STEP_ENDED_BY_ACTION = {"transfer": StepKind.TRANSFER, "give_opinion": StepKind.CONSULT}


def _step_due(dossier: Dossier, steps: dict[str, datetime.date], event: Event):
    """The last day of the step `event` belongs to: the step it ends, else the specialist's
    (the final appointment date for a dossier without a plan)."""
    kind = _STEP_ENDED_BY_ACTION.get(event.action) or _STEP_ENDED_BY.get(event.to_status)
    return steps.get(kind) or steps.get(StepKind.PROCESS) or dossier.due_date


def hand_overs(dossier: Dossier) -> list[HandOver]:
    """The dossier's history as hand-overs: each step goes to whoever took the next one, and
    is judged against the last day its own step of the time plan allows."""
    events = list(dossier.events.select_related("actor").order_by("at", "pk"))
    steps = {step.kind: step.due_date for step in workflow.plan(dossier)}
    rows = []
    for index, event in enumerate(events):
        following = events[index + 1] if index + 1 < len(events) else None
        if following is not None:
            receiver = _person(following.actor, dossier)
        elif event.to_status in _BACK_TO_APPLICANT:
            receiver = dossier.applicant_name
        else:
            receiver = ""
        rows.append(
            HandOver(
                step=event.label,
                giver=_person(event.actor, dossier),
                at=event.at,
                receiver=receiver,
                result=(
                    deadlines.judge(timezone.localdate(event.at), due)
                    if (due := _step_due(dossier, steps, event))
                    else ""
                ),
                note="; ".join(filter(None, (event.note, event.internal_note))),
            )
        )
    return rows


def _last_event(dossier: Dossier, status: str, form: Form) -> Event:
    event = dossier.events.filter(to_status=status).select_related("actor").last()
    if event is None:
        raise FormUnavailable(_nothing_to_print(form))
    return event


def _supplement(dossier: Dossier, form: Form, pk: int | None = None) -> SupplementRequest:
    requests = dossier.supplements.select_related("requested_by")
    request = requests.filter(pk=pk).first() if pk is not None else requests.last()
    if request is None:
        raise FormUnavailable(_nothing_to_print(form))
    return request


def _nothing_to_print(form: Form) -> str:
    return _("This dossier has nothing to print on the form “%(title)s”.") % {"title": form.title}


def _context(form: Form, dossier: Dossier, extra: dict[str, Any]) -> dict[str, Any]:
    """What the form's template needs beyond the dossier, gathered from its history."""
    context: dict[str, Any] = {}
    # A form answering one step is dated that step's day, whenever it is printed.
    if form.kind == SUPPLEMENT_REQUEST:
        request = _supplement(dossier, form, extra.pop("supplement_id", None))
        context.update(request=request, issued=timezone.localdate(request.requested_at))
    elif form.kind in _EVENT_OF:
        event = _last_event(dossier, _EVENT_OF[form.kind], form)
        context.update(event=event, issued=timezone.localdate(event.at))
    elif form.kind == CONTROL_SHEET:
        context["rows"] = hand_overs(dossier)
    elif form.kind == APOLOGY:
        # Until the apology is recorded on the dossier, an absent reason or date is left blank
        # to be written by hand.
        context["reason"] = extra.pop("reason", "")
        context["new_date"] = extra.pop("new_date", None)
        context["original_date"] = extra.pop("original_date", None)
    lookup = extra.pop("lookup_url", "")
    if lookup and form.kind != CONTROL_SHEET:
        # qrcode writes the markup itself; the URL only sets which squares are dark.
        context.update(lookup_url=lookup, qr=mark_safe(qr_svg(lookup)))
    return context


def _pdf(form: Form, context: dict[str, Any]) -> bytes:
    html = render_to_string(form.template, {"form": form, "issued": timezone.localdate()} | context)
    return html_to_pdf(html)


def render_form(kind: str, dossier: Dossier, **extra: Any) -> bytes:
    """The PDF of one form for `dossier`, in the edition of its receipt date.

    `extra` may carry `lookup_url` (printed with a QR code on the forms sent to the applicant),
    `supplement_id` (which request; the latest by default), and for the apology `reason`,
    `original_date` (the date it replaces; the dossier's date by default) and `new_date`.
    Raises FormUnavailable when the edition has no such form or the dossier has nothing for it.
    """
    form = form_for(kind, received_on(dossier))
    if form.kind == REGISTER:
        raise FormUnavailable(_("The register covers an agency's dossiers, not one dossier."))
    context = {"dossier": dossier, "agency": dossier.agency, **_context(form, dossier, extra)}
    return _pdf(form, context | extra)


# --- The register -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterLine:
    """One dossier in the register, with the dates of its milestones."""

    dossier: Dossier
    outcome_at: datetime.datetime | None  # result ready, supplement asked or refused
    returned_at: datetime.datetime | None


def _received_between(agency: Agency, start: datetime.date, end: datetime.date) -> QuerySet:
    """The agency's dossiers received from `start` to `end` included, local dates."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(end + ONE_DAY, datetime.time.min, tzinfo=zone)
    return (
        Dossier.objects.exclude(status=Status.DRAFT)
        .filter(agency=agency, submitted_at__gte=first, submitted_at__lt=after)
        .select_related("procedure")
        .prefetch_related("events")
        .order_by("submitted_at", "pk")
    )


_OUTCOMES = {Status.FINISHED, Status.SUPPLEMENT, Status.NOT_ACCEPTED, Status.STOPPED}


def _line(dossier: Dossier) -> RegisterLine:
    events = list(dossier.events.all())
    outcome = next((e.at for e in events if e.to_status in _OUTCOMES), None)
    returned = next((e.at for e in events if e.to_status == Status.RETURNED), None)
    return RegisterLine(dossier, outcome, returned)


class RegisterTooLong(Exception):
    """The period holds more dossiers than one register PDF is drawn with in good time."""


def check_register_size(agency: Agency, start: datetime.date, end: datetime.date) -> None:
    """Refuse a register longer than `REGISTER_MAX_DOSSIERS` lines: drawing a PDF takes time
    that grows faster than its lines (a week of a busy centre would hold a worker past its
    timeout), so a long period is printed as several shorter ones."""
    count = _received_between(agency, start, end).count()
    limit = settings.REGISTER_MAX_DOSSIERS
    if count > limit:
        raise RegisterTooLong(
            _(
                "This period holds %(count)s dossiers; one register PDF holds at most "
                "%(limit)s. Choose a shorter period."
            )
            % {"count": count, "limit": limit}
        )


def render_register(agency: Agency, start: datetime.date, end: datetime.date) -> bytes:
    """The register of dossiers received by `agency` in a period, each dossier on the edition
    of the form in force on its receipt day (a period across 1 July 2025 prints two parts);
    RegisterTooLong for a period with too many dossiers."""
    check_register_size(agency, start, end)
    parts = []
    for first, last in _edition_spans(start, end):
        form = form_for(REGISTER, first)
        lines = [_line(dossier) for dossier in _received_between(agency, first, last)]
        context = {"agency": agency, "start": first, "end": last, "lines": lines}
        parts.append(_pdf(form, context))
    return parts[0] if len(parts) == 1 else _joined(parts)


def _edition_spans(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, ...]]:
    """The period cut where a new edition of the forms comes into force."""
    if start < EDITION_2025_FROM <= end:
        return [(start, EDITION_2025_FROM - ONE_DAY), (EDITION_2025_FROM, end)]
    return [(start, end)]


def _joined(documents: list[bytes]) -> bytes:
    writer = PdfWriter()
    for document in documents:
        writer.append(PdfReader(io.BytesIO(document)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
