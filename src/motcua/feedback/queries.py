"""Who may see which feedback, decided once, in the query."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import AccountKind, Role
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.queries import visible_to_applicant
from motcua.feedback.models import Feedback, State
from motcua.feedback.rules import HANDLING_ROLES

_RELATED = ("agency", "procedure")


def of_author(user) -> QuerySet[Feedback]:
    """The feedback a signed-in citizen sent, and nobody else's."""
    if not user.is_authenticated:
        return Feedback.objects.none()
    return Feedback.objects.filter(author=user).select_related(*_RELATED)


def readable_by_official(user) -> QuerySet[Feedback]:
    """Feedback sent to the official's agency (leader, head, specialist); a supervisor's,
    to any agency of their subtree. Nobody else's, and no other role's."""
    if not user.is_authenticated or user.kind != AccountKind.OFFICIAL or user.agency_id is None:
        return Feedback.objects.none()
    every = Feedback.objects.select_related(*_RELATED)
    if user.role == Role.SUPERVISOR:
        return every.filter(agency__path__startswith=user.agency.path)
    if user.role in HANDLING_ROLES:
        return every.filter(agency_id=user.agency_id)
    return Feedback.objects.none()


def actionable_by(user) -> QuerySet[Feedback]:
    """Feedback the official may act on: their own agency's, never as a supervisor."""
    if getattr(user, "role", "") not in HANDLING_ROLES:
        return Feedback.objects.none()
    return readable_by_official(user)


def published() -> QuerySet[Feedback]:
    """Answers anyone may read: answered feedback whose sender agreed to publication."""
    return (
        Feedback.objects.filter(state=State.ANSWERED, publish_consent=True)
        .select_related(*_RELATED)
        .order_by("-closed_at", "-pk")
    )


def dossiers_of(user) -> QuerySet[Dossier]:
    """The dossiers a citizen may send feedback about: their own registered ones."""
    return visible_to_applicant(user).exclude(status=Status.DRAFT).exclude(code=None)
