"""What happens to a dossier, in one place: pages, the API and the desk all call these."""

from __future__ import annotations

import datetime
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import AccountKind
from motcua.agencies.models import Agency
from motcua.catalog import reception
from motcua.core import audit
from motcua.core.calendar import add_working_days, received_on
from motcua.dossiers import effects, signals, workflow
from motcua.dossiers.codes import next_code
from motcua.dossiers.models import (
    Attachment,
    Channel,
    Consultation,
    Delivery,
    Dossier,
    Event,
    Rating,
    Status,
    SupplementRequest,
)
from motcua.dossiers.reads import chain_of
from motcua.dossiers.uploads import check_total, check_upload

# The row's milestone field that the first move into a state sets.
MILESTONES = {
    Status.ACCEPTED: "accepted_at",
    Status.FINISHED: "finished_at",
    Status.RETURNED: "returned_at",
}


def _record(
    dossier: Dossier,
    to_status: str,
    actor,
    note: str = "",
    *,
    action: str,
    internal_note: str = "",
) -> Event:
    """Move `dossier` to `to_status` by the table's `action`, write the step into its history
    (`note` for the applicant to read, `internal_note` for the officials only) and the audit log.

    Listeners of `signals.status_changed` (the statistics, the outbox, notifications) run in
    the same transaction; the audit entry is written last, so its chain is held only for the
    end of the transaction.
    """
    elsewhere = actor is workflow.ON_ANOTHER_PORTAL
    if elsewhere:
        actor = None  # the applicant of another portal has no account here
    event = Event.objects.create(
        dossier=dossier,
        actor=actor,
        action=action,
        from_status=dossier.status,
        to_status=to_status,
        note=note,
        internal_note=internal_note,
    )
    from_status = dossier.status
    dossier.status = to_status
    changed = ["status", "updated_at"]
    milestone = MILESTONES.get(to_status)
    if milestone and getattr(dossier, milestone) is None:
        setattr(dossier, milestone, event.at)
        changed.append(milestone)
    if to_status == Status.SUPPLEMENT:
        dossier.supplement_count += 1
        changed.append("supplement_count")
    dossier.save(update_fields=changed)
    signals.status_changed.send(
        Dossier,
        dossier=dossier,
        from_status=from_status,
        to_status=to_status,
        at=event.at,
        event=event,
    )
    audit.log(
        "dossier.status",
        dossier.code or f"draft:{dossier.pk}",
        actor,
        chain=chain_of(dossier),
        step=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        internal_note=internal_note,
        **({"door": "national-portal"} if elsewhere else {}),
    )
    return event


def submit(dossier: Dossier, actor=None, now: datetime.datetime | None = None) -> Dossier:
    """Register a complete draft: give it its code and its appointment date.

    `actor` is the person submitting; without one, the dossier's own applicant (internal
    callers such as the demo). Only the applicant submits: the desk registers instead.
    The processing time counts in working days from the next working day after receipt.
    Submitting a dossier that is no longer a draft changes nothing (a double click, a retry).
    """
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if dossier.status != Status.DRAFT:
            return dossier
        actor = actor if actor is not None else dossier.applicant
        workflow.check(dossier, "submit", actor)
        _register(dossier, now or timezone.now())
        _record(dossier, Status.SUBMITTED, actor, action="submit")
    return dossier


def _register(dossier: Dossier, now: datetime.datetime, code: str = "") -> None:
    """Give a draft its code (the agency's next, unless another portal gave it one), receipt
    time, appointment date and the fees due.

    The fees are fixed now, from the procedure's fee lines and the form's answers.
    """
    from motcua.catalog.fees import amount_due

    if dossier.agency is None:
        raise ValidationError(_("Choose where to submit the dossier."), code="agency")
    # The catalog's receiving points and deciding agencies, read once for both questions.
    prefetch_related_objects([dossier.procedure], "agencies", "receiving_points")
    if not reception.receives(dossier.procedure, dossier.agency):
        raise ValidationError(
            _("%(agency)s does not receive this procedure.") % {"agency": dossier.agency.name},
            code="agency",
        )
    received = received_on(now, online=dossier.channel == Channel.ONLINE)
    dossier.decider = reception.decider_for(dossier.procedure, dossier.agency) or dossier.agency
    dossier.for_another_agency = dossier.decider != dossier.agency
    dossier.code = code or next_code(dossier.agency, received)
    dossier.submitted_at, dossier.received_on = now, received
    dossier.due_date = add_working_days(received, dossier.procedure.processing_days)
    dossier.fee_amount = amount_due(dossier.procedure, dossier.form_data)
    dossier.save(
        update_fields=[
            "code",
            "decider",
            "for_another_agency",
            "submitted_at",
            "received_on",
            "due_date",
            "fee_amount",
            "updated_at",
        ]
    )


@transaction.atomic
def register_at_desk(
    dossier: Dossier,
    officer,
    uploads: dict[int, UploadedFile],
    note: str = "",
    *,
    on_paper: tuple[int, ...] = (),
) -> Dossier:
    """The desk registers and accepts a dossier handed in on paper, with its scanned files;
    the required documents in `on_paper` are kept on paper only (not digitised)."""
    dossier, _transition = _locked(dossier, "register_at_desk", officer)
    _store_uploads(dossier, uploads)
    _keep_on_paper(dossier, [d for d in on_paper if d not in uploads])
    _register(dossier, timezone.now())
    _record(dossier, Status.SUBMITTED, officer, action="register_at_desk")
    _record(dossier, Status.ACCEPTED, officer, note, action="register_at_desk")
    return dossier


@transaction.atomic
def register_external(
    dossier: Dossier, code: str, uploads: dict[int, UploadedFile], submitted_at: datetime.datetime
) -> Dossier:
    """Register a dossier submitted on another portal (the national one) under the code it got
    there, with its files; it then waits at the desk like a dossier submitted here, received
    and timed by the same rules. Registering it again changes nothing."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.status != Status.DRAFT:
        return dossier
    _store_uploads(dossier, uploads)
    _register(dossier, submitted_at, code)
    _record(dossier, Status.SUBMITTED, None, action="submit")
    return dossier


@transaction.atomic
def save_draft(
    dossier: Dossier,
    person,
    answers: dict,
    agency: Agency | None,
    uploads: dict[int, UploadedFile],
) -> None:
    """Keep the applicant's answers and files; a file for a document replaces the earlier one.

    Only a draft changes this way, and only by its applicant: a submitted dossier changes
    through the workflow's actions alone.
    """
    dossier, _transition = _locked(dossier, "edit_draft", person)
    dossier.form_data = {**dossier.form_data, **answers}
    dossier.agency = agency or dossier.agency
    dossier.save(update_fields=["form_data", "agency", "updated_at"])
    _store_uploads(dossier, uploads)


def _keep_on_paper(dossier: Dossier, document_ids: list[int]) -> None:
    """Record the procedure's required documents received on paper without a scan."""
    documents = dossier.procedure.documents.filter(pk__in=document_ids)
    Attachment.objects.bulk_create(
        Attachment(
            dossier=dossier,
            document=document,
            on_paper=True,
            original_name=document.name[:255],
            content_type="",
            size=0,
        )
        for document in documents
    )


def _store_uploads(dossier: Dossier, uploads: dict[int, UploadedFile]) -> None:
    """Attach a file per required document, each replacing the one sent before for it."""
    kept = dossier.attachments.exclude(document_id__in=uploads)
    check_total([a.size for a in kept] + [u.size for u in uploads.values()])
    dossier.attachments.filter(document_id__in=uploads).delete()
    for document_id, upload in uploads.items():
        Attachment.objects.create(
            dossier=dossier,
            document_id=document_id,
            file=upload,
            original_name=upload.name[:255],
            content_type=check_upload(upload),
            size=upload.size,
        )


def start_draft(
    *,
    procedure,
    agency: Agency | None,
    applicant,
    form_data: dict,
    channel: str = Channel.ONLINE,
    idempotency_key: str = "",
) -> tuple[Dossier, bool]:
    """A new draft, or the dossier this applicant already made with the same idempotency key.

    Answers the dossier and whether it was created now. Officials' accounts work on dossiers,
    they do not hand them in (PermissionDenied: every door answers 403).
    """
    if applicant.kind == AccountKind.OFFICIAL:
        raise PermissionDenied(_("An official's account does not submit dossiers."))
    if idempotency_key:
        existing = Dossier.objects.filter(
            applicant=applicant, idempotency_key=idempotency_key
        ).first()
        if existing:
            return existing, False
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(
                procedure=procedure,
                agency=agency,
                applicant=applicant,
                applicant_name=applicant.full_name or applicant.get_username(),
                applicant_id_number=applicant.id_number or "",
                applicant_phone=applicant.phone or "",
                applicant_email=applicant.email,
                identity_verified=applicant.identity_verified,
                channel=channel,
                form_data=form_data,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # Two identical requests raced (a double click); the other one is making it.
        return _made_by_the_other_request(applicant, idempotency_key), False
    return dossier, True


def _made_by_the_other_request(applicant, idempotency_key: str) -> Dossier:
    """The dossier a concurrent identical request created, once its transaction is visible."""
    for _attempt in range(50):
        found = Dossier.objects.filter(applicant=applicant, idempotency_key=idempotency_key)
        if dossier := found.first():
            return dossier
        time.sleep(0.05)
    raise ValidationError(_("This form is being sent already; open your dossiers in a moment."))


def _locked(dossier: Dossier, action: str, person) -> tuple[Dossier, workflow.Transition]:
    """The dossier's current row, locked for this transaction, and the transition `person`
    may take on it now (or TransitionRefused)."""
    current = Dossier.objects.select_for_update().get(pk=dossier.pk)
    return current, workflow.check(current, action, person)


@transaction.atomic
def withdraw(dossier: Dossier, applicant, reason: str = "") -> Dossier:
    dossier, transition = _locked(dossier, "withdraw", applicant)
    _record(dossier, transition.target, applicant, reason, action="withdraw")
    return dossier


def request_supplement(
    dossier: Dossier, official, items: list[str], note: str = "", now=None
) -> SupplementRequest:
    """Ask the applicant for what is missing (the table's `request_supplement`)."""
    perform(dossier, "request_supplement", official, reason=note, items=items, now=now)
    return dossier.supplements.latest("requested_at")


@transaction.atomic
def answer_supplement(
    dossier: Dossier, applicant, uploads: list[UploadedFile], note: str = "", now=None
) -> Dossier:
    """Hand in what was asked; the clock goes on from where it stopped."""
    dossier, _transition = _locked(dossier, "answer_supplement", applicant)
    request = dossier.supplements.filter(answered_at=None).last()
    if not uploads and not note.strip():
        raise ValidationError(_("Attach the documents asked for or write an answer."))
    kept = list(dossier.attachments.values_list("size", flat=True))
    check_total(kept + [upload.size for upload in uploads])
    now = now or timezone.now()
    for upload in uploads:
        Attachment.objects.create(
            dossier=dossier,
            supplement=request,
            file=upload,
            original_name=upload.name[:255],
            content_type=check_upload(upload),
            size=upload.size,
        )
    request.answered_at, request.answer_note = now, note
    request.save(update_fields=["answered_at", "answer_note"])
    days = request.remaining_days
    if days is None:
        days = dossier.procedure.processing_days
    dossier.due_date = add_working_days(timezone.localdate(now), days)
    dossier.save(update_fields=["due_date", "updated_at"])
    back_to = dossier.events.filter(to_status=Status.SUPPLEMENT).last().from_status
    _record(dossier, back_to, applicant, note, action="answer_supplement")
    return dossier


@transaction.atomic
def rate(dossier: Dossier, applicant, level: str, comment: str = "") -> Rating:
    """The applicant's rating of the service, once, when the result is out."""
    dossier, _transition = _locked(dossier, "rate", applicant)
    if Rating.objects.filter(dossier=dossier).exists():
        raise workflow.TransitionRefused(_("This dossier has already been rated."))
    rating = Rating.objects.create(dossier=dossier, level=level, comment=comment)
    # A rating is a change of the dossier that the national portal hears of (Decision
    # 31/2021): its step in the history tells the status listeners, the outbox among them.
    _record(dossier, dossier.status, applicant, action="rate")
    return rating


@transaction.atomic
def perform(dossier: Dossier, action: str, official, reason: str = "", **given) -> Dossier:
    """An official's action on a dossier of their agency, as the workflow table allows it and
    does it (its transition's effect, the move, then what follows).

    `given` holds what the action needs (effects.Given: reason, assignee, items, agency,
    delivery, result_file, findings). A refused action raises TransitionRefused (or
    ValidationError for missing input) and changes nothing.
    """
    if action not in workflow.OFFICIAL_ACTIONS:
        raise workflow.TransitionRefused(_("Unknown action %(action)s.") % {"action": action})
    given["items"] = tuple(given.get("items") or ())
    given["now"] = given.get("now") or timezone.now()
    given = effects.Given(reason=reason, **given)
    dossier, transition = _locked(dossier, action, official)
    if workflow.REASON in transition.needs and not given.reason.strip():
        raise ValidationError(_("Give the reason."), code="reason")
    if given.findings and workflow.FINDINGS not in transition.needs:
        raise ValidationError(
            _("Findings are given only when sending for review."), code="findings"
        )
    outcome = transition.effect(dossier, official, given) if transition.effect else None
    outcome = outcome or effects.NOTHING_MORE
    note, internal_note = _notes(action, given, outcome)
    target = outcome.target or transition.target
    _record(
        dossier,
        dossier.status if target == workflow.SAME else target,
        official,
        note,
        action=action,
        internal_note=internal_note,
    )
    if transition.then:
        transition.then(dossier, official, given)
    return dossier


def _notes(action: str, given: effects.Given, outcome: effects.Outcome) -> tuple[str, str]:
    """The step's note for the applicant and the officials' internal remark.

    The reason of an action addressed to the applicant (workflow.NOTES_TO_APPLICANT: a refusal,
    a supplement request, a pause…) is theirs to read; any other comment stays internal unless
    the official shares it. What the effect writes (the missing items, the transfer) is public.
    """
    reason = given.reason.strip()
    shared = action in workflow.NOTES_TO_APPLICANT or given.to_applicant
    public = reason if shared else ""
    return (public if outcome.note is None else outcome.note), ("" if shared else reason)


@transaction.atomic
def settle_fees(dossier: Dossier) -> Dossier:
    """The fees asked for before the result are paid online: the dossier goes on as the
    table's `confirm_fees` takes it on (the clock given back), with no official's hand. A
    dossier not waiting for its fees is left as it is."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.status != Status.FEES_REQUESTED:
        return dossier
    transition = workflow.TRANSITIONS["confirm_fees"]
    outcome = transition.effect(dossier, None, effects.Given())
    _record(dossier, outcome.target, None, action=transition.action)
    return dossier


@transaction.atomic
def set_new_date(dossier: Dossier, leader, new_date: datetime.date, note: str) -> Dossier:
    """The leader's signed apology gives the dossier its new appointment date."""
    dossier, _transition = _locked(dossier, "set_new_date", leader)
    dossier.due_date = new_date
    dossier.save(update_fields=["due_date", "updated_at"])
    _record(dossier, dossier.status, leader, note, action="set_new_date")
    return dossier


@transaction.atomic
def give_opinion(consultation: Consultation, official, opinion: str) -> Dossier:
    """The consulted agency answers, once; the dossier returns to its specialist."""
    if official.agency_id != consultation.agency_id or consultation.answered_at is not None:
        raise workflow.TransitionRefused(
            _("Only an official of the agency consulted answers, once."), forbidden=True
        )
    if not opinion.strip():
        raise ValidationError(_("Write the opinion."), code="reason")
    dossier, transition = _locked(consultation.dossier, "give_opinion", official)
    consultation.answered_by, consultation.answered_at = official, timezone.now()
    consultation.opinion = opinion.strip()
    consultation.save(update_fields=["answered_by", "answered_at", "opinion"])
    _record(
        dossier, transition.target, official, action="give_opinion", internal_note=opinion.strip()
    )
    return dossier


@transaction.atomic
def collect_online(dossier: Dossier, applicant) -> Dossier:
    """The applicant receives a level-4 result online: the hand-over, recorded once."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.status == Status.RETURNED and dossier.delivery == Delivery.ONLINE:
        return dossier  # received already: a second click changes nothing
    workflow.check(dossier, "collect_online", applicant)
    dossier.delivery = Delivery.ONLINE
    dossier.save(update_fields=["delivery", "updated_at"])
    _record(dossier, Status.RETURNED, applicant, action="collect_online")
    return dossier
