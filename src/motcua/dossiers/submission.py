"""Turning a valid submission form into a dossier: shared by the pages and the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.forms import SubmissionForm
from motcua.dossiers.models import Dossier, Status


@transaction.atomic
def save_submission(
    procedure: Procedure, applicant, form: SubmissionForm, submitting: bool
) -> Dossier:
    """Keep the answers and files as a draft and, when `submitting`, register the dossier.

    The form's token is the idempotency key: the same token always means the same dossier.
    A token already used for a dossier now submitted, or for another procedure, changes
    nothing: a submitted dossier changes only through the workflow's actions.
    Raises ValidationError, having changed nothing, when the files are too large together or
    no agency is chosen.
    """
    agencies = list(procedure.agencies.all())
    chosen = form.agency_code()
    agency = next(
        (a for a in agencies if a.code == chosen), agencies[0] if len(agencies) == 1 else None
    )
    dossier, _created = services.start_draft(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        form_data={},
        idempotency_key=form.cleaned_data["token"],
    )
    if dossier.procedure_id != procedure.pk:
        raise ValidationError(_("This form belongs to another dossier; open the form again."))
    if dossier.status != Status.DRAFT:
        return dossier  # a resent form or a replayed request: the dossier is registered
    services.save_draft(dossier, applicant, form.answers(), agency, form.uploads())
    if submitting:
        dossier = services.submit(dossier, actor=applicant)
    return dossier
