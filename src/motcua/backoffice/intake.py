"""Dossiers handed in at the desk or by post: the officer registers them for the applicant."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from motcua.catalog.models import Procedure
from motcua.dossiers import services
from motcua.dossiers.models import Channel, Dossier


@dataclass(frozen=True)
class Applicant:
    """Who handed the paper dossier in; they may have no account."""

    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""


@transaction.atomic
def register_at_desk(
    *,
    procedure: Procedure,
    officer,
    applicant: Applicant,
    answers: dict,
    uploads: dict[int, UploadedFile],
    channel: str,
    token: str,
    on_paper: tuple[int, ...] = (),
) -> Dossier:
    """Register and accept a paper dossier: code, appointment date and receipt at once.

    `on_paper` names the required documents kept on paper without a scan.

    The form's one-time `token` makes a resent form return the dossier already registered.
    """
    earlier = Dossier.objects.filter(agency=officer.agency, idempotency_key=token).first()
    if earlier:
        return earlier
    dossier = Dossier.objects.create(
        procedure=procedure,
        agency=officer.agency,
        applicant=None,
        applicant_name=applicant.name,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        channel=channel,
        applicant_id_number=applicant.id_number,
        form_data=answers,
        idempotency_key=token,
    )
    return services.register_at_desk(
        dossier, officer, uploads, _channel_note(channel), on_paper=on_paper
    )


def _channel_note(channel: str) -> str:
    return str(Channel(channel).label)
