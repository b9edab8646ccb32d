"""What the back office adds to the applicant's dossier page (see dossiers.panels)."""

from __future__ import annotations

from django.http import HttpRequest

from motcua.backoffice.models import Apology
from motcua.dossiers.models import Dossier


def apology_panel(request: HttpRequest, dossier: Dossier) -> dict | None:
    """The agency's signed apology for a delay and the new appointment date."""
    letter = Apology.objects.filter(dossier=dossier, signed_at__isnull=False).first()
    return {"apology": letter} if letter else None
