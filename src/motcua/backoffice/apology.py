"""When a dossier will be late: the apology with a new date (form 04), drafted then signed.

The law allows the new date to be set once; the leader's signature makes it the dossier's
appointment date and the applicant sees the letter on their dossier.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.backoffice.models import Apology
from motcua.core import audit
from motcua.core.calendar import add_working_days
from motcua.dossiers import services
from motcua.dossiers.models import BEFORE_APPROVAL, UNDECIDED, Dossier
from motcua.dossiers.reads import chain_of

DRAFTERS = (Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.LEADER, Role.DESK_OFFICER)


def suggested_new_date(dossier: Dossier, today: datetime.date | None = None) -> datetime.date:
    """Half the processing time again (at least one working day) after the current date, or
    after today for a dossier already overdue."""
    extra = max(1, math.ceil(dossier.procedure.processing_days / 2))
    return add_working_days(max(dossier.due_date, today or timezone.localdate()), extra)


def in_time(dossier: Dossier, today: datetime.date | None = None) -> bool:
    """The apology comes at least one day before the deadline (Decree 61/2018): a dossier whose
    appointment date is today or past is late, and no letter signed afterwards changes that."""
    return dossier.due_date is not None and (today or timezone.localdate()) < dossier.due_date


def may_apologise(dossier: Dossier, today: datetime.date | None = None) -> bool:
    """An open dossier, still before its date, whose date was never reset; an unsigned draft
    may still be revised."""
    return (
        dossier.status in UNDECIDED
        and in_time(dossier, today)
        and not Apology.objects.filter(dossier=dossier).exclude(signed_at=None).exists()
    )


def running_late(today: datetime.date) -> QuerySet[Dossier]:
    """Dossiers that will be late: due by the next working day, still before their date, and not
    yet sent for approval; those without an apology. An overdue dossier gets none: too late."""
    next_day = add_working_days(today, 1)
    return Dossier.objects.filter(
        status__in=BEFORE_APPROVAL,
        due_date__gt=today,
        due_date__lte=next_day,
        apology=None,
    ).select_related("procedure")


def draft_for_late_dossiers(today: datetime.date | None = None) -> int:
    """Draft the apology of every dossier running late, for its leader to sign; how many."""
    today = today or timezone.localdate()
    drafted = 0
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The dossier could not be settled by its appointment date.")
        for dossier in running_late(today).iterator():
            with transaction.atomic():
                Apology.objects.create(
                    dossier=dossier,
                    reason=reason,
                    original_due_date=dossier.due_date,
                    new_due_date=suggested_new_date(dossier, today),
                )
                chain = chain_of(dossier)
                audit.log("apology.draft", dossier.code, None, chain=chain, automatic=True)
            drafted += 1
    return drafted


def _refuse_when_too_late(dossier: Dossier, today: datetime.date | None) -> None:
    if dossier.due_date is not None and not in_time(dossier, today):
        raise ValidationError(
            _(
                "The apology must be signed at least one day before the appointment date"
                " %(day)s: this dossier is late and stays late."
            )
            % {"day": dossier.due_date.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def draft(
    dossier: Dossier,
    official,
    reason: str,
    new_due_date: datetime.date,
    today: datetime.date | None = None,
) -> Apology:
    if official.role not in DRAFTERS:
        raise ValidationError(_("Your role may not draft an apology."))
    _refuse_when_too_late(dossier, today)
    if not may_apologise(dossier, today):
        raise ValidationError(
            _("This dossier cannot get an apology: it is closed, or its date was already reset.")
        )
    if not reason.strip():
        raise ValidationError(_("Give the reason for the delay."))
    if new_due_date <= dossier.due_date:
        raise ValidationError(_("The new date must come after the current appointment date."))
    apology, _created = Apology.objects.update_or_create(
        dossier=dossier,
        defaults={
            "reason": reason.strip(),
            "original_due_date": dossier.due_date,
            "new_due_date": new_due_date,
            "drafted_by": official,
        },
    )
    audit.log(
        "apology.draft",
        dossier.code,
        official,
        chain=chain_of(dossier),
        new_due_date=new_due_date.isoformat(),
    )
    return apology


@transaction.atomic
def sign(apology: Apology, leader, today: datetime.date | None = None) -> Apology:
    """The leader signs: the new date becomes the dossier's appointment date (the workflow
    table says who may; a refusal raises TransitionRefused and changes nothing). Only before
    the date the letter replaces: once it has passed, the dossier keeps it and stays late."""
    if apology.signed_at is not None:
        raise ValidationError(_("This apology is already signed."))
    _refuse_when_too_late(apology.dossier, today)
    note = _("Apology: new appointment date %(day)s. %(reason)s") % {
        "day": apology.new_due_date.strftime("%d/%m/%Y"),
        "reason": apology.reason,
    }
    services.set_new_date(apology.dossier, leader, apology.new_due_date, note)
    apology.signed_by, apology.signed_at = leader, timezone.now()
    apology.save(update_fields=["signed_by", "signed_at"])
    return apology
