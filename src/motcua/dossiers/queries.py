"""Who may see which dossiers, decided once, in the query."""

from django.db.models import QuerySet

from motcua.dossiers.models import Dossier, Status


def visible_to_applicant(user) -> QuerySet[Dossier]:
    """The dossiers an applicant may open: their own, and nobody else's."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant=user).select_related("procedure", "agency")


def publicly_traceable() -> QuerySet[Dossier]:
    """Dossiers anyone holding the code may trace (status and dates only): submitted ones."""
    return Dossier.objects.exclude(status=Status.DRAFT).exclude(code=None)
