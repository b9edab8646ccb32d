"""Who may see which dossiers, decided once, in the query."""

from django.db.models import QuerySet

from motcua.accounts.models import AccountKind, Role
from motcua.dossiers.models import Dossier, Status


def visible_to_applicant(user) -> QuerySet[Dossier]:
    """The dossiers an applicant may open: their own, and nobody else's."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant=user).select_related("procedure", "agency")


def readable_by_official(user) -> QuerySet[Dossier]:
    """Dossiers an official may read: their agency's; a supervisor's, their whole subtree."""
    if not user.is_authenticated or user.kind != AccountKind.OFFICIAL or user.agency_id is None:
        return Dossier.objects.none()
    registered = Dossier.objects.exclude(status=Status.DRAFT).select_related("procedure", "agency")
    if user.role == Role.SUPERVISOR:
        return registered.filter(agency__path__startswith=user.agency.path)
    return registered.filter(agency_id=user.agency_id)


def actionable_by(user) -> QuerySet[Dossier]:
    """Dossiers an official may act on: their own agency's, never as a supervisor."""
    if getattr(user, "role", "") == Role.SUPERVISOR:
        return Dossier.objects.none()
    return readable_by_official(user)


def visible_to(user) -> QuerySet[Dossier]:
    """What anyone may read through the API: officials their scope, applicants their own."""
    if getattr(user, "kind", "") == AccountKind.OFFICIAL:
        return readable_by_official(user)
    return visible_to_applicant(user)


def publicly_traceable() -> QuerySet[Dossier]:
    """Dossiers anyone holding the code may trace (status and dates only): submitted ones."""
    return Dossier.objects.exclude(status=Status.DRAFT).exclude(code=None)
