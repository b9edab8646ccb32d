"""What an official's action does besides moving the dossier: the `effect` of its transition in
the workflow table (run before the move, in its transaction) and, for the approval, what follows
the move (the signed result). `services.perform` runs them from the table.

An effect raises ValidationError for missing or wrong input; the transaction then changes
nothing. It may name where the dossier goes (resuming returns it to where it was) and what its
history says (a supplement request lists what is missing).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role, User
from motcua.agencies.models import Agency
from motcua.core.calendar import add_working_days, working_days_between
from motcua.dossiers.forms import FindingsForm
from motcua.dossiers.models import (
    Consultation,
    Delivery,
    Dossier,
    Pause,
    Status,
    SupplementRequest,
)
from motcua.dossiers.results import check_result_file, issue_result


@dataclass(frozen=True)
class Given:
    """What the official gave with the action (each action reads what it needs)."""

    reason: str = ""
    assignee: object = None
    items: tuple[str, ...] = ()
    agency: Agency | None = None
    delivery: str = ""
    result_file: UploadedFile | None = None
    # The official shares their comment with the applicant (see workflow.NOTES_TO_APPLICANT).
    to_applicant: bool = False
    # The specialist's findings by field name, as given (catalog.formdef's official fields).
    findings: Mapping[str, Any] = field(default_factory=dict)
    now: datetime.datetime = field(default_factory=timezone.now)


@dataclass(frozen=True)
class Outcome:
    """Where the dossier goes and what its history says, when not the table's target and the
    official's reason."""

    target: str | None = None
    note: str | None = None


NOTHING_MORE = Outcome()
# Decree 61/2018 allows one request for a supplement: a second one needs its reason, and the
# statistics and the control sheet count it as a fault (supplement_count > 1).
SECOND_REQUEST_WARNING = gettext_lazy(
    "A supplement was already requested for this dossier. Decree 61/2018 allows one request: "
    "a second one is counted as a fault of the agency. Give the reason for asking again."
)


def transfer(dossier: Dossier, official, given: Given) -> Outcome:
    """The receiving desk sends an accepted dossier to the agency that decides it."""
    dossier.transferred_at = given.now
    dossier.save(update_fields=["transferred_at", "updated_at"])
    return Outcome(note=_("Transferred to %(agency)s.") % {"agency": dossier.decider.name})


def has_head_of_division(agency_id: int | None) -> bool:
    """Whether the agency has a head of division to review its specialists' work (a ward or
    a commune often has none)."""
    return User.objects.filter(
        agency_id=agency_id, role=Role.HEAD_OF_DIVISION, is_active=True
    ).exists()


def review_or_approval(dossier: Dossier, official, given: Given) -> Outcome:
    """The specialist's work, with their findings, goes to the head of division, or, where the
    deciding agency has none, straight to its leader, who approves it once."""
    record_findings(dossier, given.findings)
    if has_head_of_division(dossier.deciding_agency_id):
        return NOTHING_MORE
    return Outcome(target=Status.AWAITING_APPROVAL)


def record_findings(dossier: Dossier, given: Mapping[str, Any]) -> None:
    """Keep the specialist's findings, checked against the procedure's official fields; a
    required one left empty, a wrong value or an unknown name changes nothing."""
    form = FindingsForm(dossier.procedure, given)
    if not form.fields and not given:
        return
    if not form.is_valid():
        raise ValidationError(form.problems(), code="findings")
    dossier.findings = form.findings()
    dossier.save(update_fields=["findings", "updated_at"])


def assign(dossier: Dossier, official, given: Given) -> Outcome:
    """Put a specialist of the deciding agency in charge."""
    assignee = given.assignee
    if (
        assignee is None
        or assignee.role != Role.SPECIALIST
        or assignee.agency_id != dossier.deciding_agency_id
    ):
        raise ValidationError(_("Choose a specialist of the dossier's agency."), code="assignee")
    dossier.assignee = assignee
    dossier.save(update_fields=["assignee", "updated_at"])
    return NOTHING_MORE


def request_supplement(dossier: Dossier, official, given: Given) -> Outcome:
    """Ask the applicant for what is missing; the appointment waits for the answer, keeping the
    working days left once the dossier was accepted."""
    items = [item.strip() for item in given.items if item.strip()]
    if not items:
        raise ValidationError(_("List what is missing."), code="items")
    if dossier.supplement_count and not given.reason.strip():
        raise ValidationError(SECOND_REQUEST_WARNING, code="reason")
    accepted = dossier.status != Status.SUBMITTED and dossier.due_date is not None
    remaining = (
        working_days_between(timezone.localdate(given.now), dossier.due_date) if accepted else None
    )
    SupplementRequest.objects.create(
        dossier=dossier,
        requested_by=official,
        requested_at=given.now,
        items=items,
        note=given.reason,
        remaining_days=remaining,
    )
    return Outcome(note="; ".join(items))


def consult(dossier: Dossier, official, given: Given) -> Outcome:
    """Send the dossier for another agency's opinion, with its share of the time to answer."""
    from motcua.dossiers.workflow import consultation_days

    agency, today = given.agency, timezone.localdate(given.now)
    if agency is None or agency.pk == dossier.deciding_agency_id or not agency.is_active_on(today):
        raise ValidationError(_("Choose another agency, still in operation."), code="agency")
    Consultation.objects.create(
        dossier=dossier,
        agency=agency,
        question=given.reason.strip(),
        requested_by=official,
        requested_at=given.now,
        due_date=add_working_days(today, consultation_days(dossier, agency)),
    )
    return NOTHING_MORE


def pause(dossier: Dossier, official, given: Given) -> Outcome:
    """Stop the clock (a lawful pause, or fees owed before the result): the working days left
    are kept and given back on resuming."""
    today = timezone.localdate(given.now)
    Pause.objects.create(
        dossier=dossier,
        reason=given.reason.strip(),
        paused_by=official,
        paused_at=given.now,
        remaining_days=working_days_between(today, dossier.due_date) if dossier.due_date else 0,
    )
    return NOTHING_MORE


def resume(dossier: Dossier, official, given: Given) -> Outcome:
    """End the pause (or the wait for fees): the appointment moves by the working days it
    took, and the dossier returns to where the pause found it."""
    paused = dossier.pauses.filter(resumed_at=None).last()
    paused.resumed_by, paused.resumed_at = official, given.now
    paused.save(update_fields=["resumed_by", "resumed_at"])
    dossier.due_date = add_working_days(timezone.localdate(given.now), paused.remaining_days)
    dossier.save(update_fields=["due_date", "updated_at"])
    stopped_by = dossier.events.filter(to_status=dossier.status).last()
    return Outcome(target=stopped_by.from_status)


def hand_over(dossier: Dossier, official, given: Given) -> Outcome:
    """The desk records how the applicant received the result: at the desk or by post."""
    if given.delivery not in (Delivery.DESK, Delivery.POST):
        raise ValidationError(_("Say how the result was handed over."), code="delivery")
    dossier.delivery = given.delivery
    dossier.save(update_fields=["delivery", "updated_at"])
    return NOTHING_MORE


def check_result(dossier: Dossier, official, given: Given) -> Outcome:
    """A result prepared outside must be a PDF that can be signed, before anything moves."""
    if given.result_file is not None:
        check_result_file(given.result_file)
    return NOTHING_MORE


def sign_result(dossier: Dossier, official, given: Given) -> None:
    """The leader signs the result as they approve it (after the move)."""
    issue_result(dossier, official, given.result_file)
