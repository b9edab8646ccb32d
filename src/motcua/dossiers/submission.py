"""Turning a valid submission form into a dossier: shared by the pages and the API."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog import reception
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
    points = reception.receiving_points(procedure)
    chosen = form.agency_code()
    agency = next((a for a in points if a.code == chosen), points[0] if len(points) == 1 else None)
    dossier = _draft(procedure, applicant, form.cleaned_data["token"], agency)
    if dossier.status != Status.DRAFT:
        return dossier  # a resent form or a replayed request: the dossier is registered
    services.save_draft(dossier, applicant, form.answers(), agency, form.uploads())
    if submitting:
        dossier = services.submit(dossier, actor=applicant)
    return dossier


def _draft(procedure: Procedure, applicant, token: str, agency=None) -> Dossier:
    dossier, _created = services.start_draft(
        procedure=procedure,
        agency=agency,
        applicant=applicant,
        form_data={},
        idempotency_key=token,
    )
    if dossier.procedure_id != procedure.pk:
        raise ValidationError(_("This form belongs to another dossier; open the form again."))
    return dossier


@transaction.atomic
def keep_accepted_files(procedure: Procedure, applicant, form: SubmissionForm) -> Dossier | None:
    """Keep on the draft the files a form with errors elsewhere accepted, so that the applicant
    corrects the answers without choosing the files again. The draft, or None when nothing
    was kept (no acceptable file, no token, or the dossier is no longer a draft)."""
    token = form.cleaned_data.get("token")
    accepted = {
        int(name.removeprefix("document_")): upload
        for name, upload in form.cleaned_data.items()
        if name.startswith("document_") and upload and name not in form.errors
    }
    if not token or not accepted:
        return None
    dossier = _draft(procedure, applicant, token)
    if dossier.status != Status.DRAFT:
        return None
    services.save_draft(dossier, applicant, {}, None, accepted)
    return dossier
