"""Turning a valid submission form into a dossier: shared by the pages and the API."""

from __future__ import annotations

from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.forms import SubmissionForm
from motcua.dossiers.models import Dossier


@transaction.atomic
def save_submission(
    procedure: Procedure, applicant, form: SubmissionForm, submitting: bool
) -> Dossier:
    """Keep the answers and files as a draft and, when `submitting`, register the dossier.

    The form's token is the idempotency key: the same token always means the same dossier.
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
    services.save_draft(dossier, form.answers(), agency, form.uploads())
    if submitting:
        dossier = services.submit(dossier, actor=applicant)
    return dossier
