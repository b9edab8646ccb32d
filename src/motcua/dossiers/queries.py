"""Who may see which dossiers, decided once, in the query."""

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import AccountKind, Role
from motcua.agencies.models import Agency
from motcua.catalog.models import Level
from motcua.dossiers import workflow
from motcua.dossiers.models import RESULT_OUT, Consultation, Dossier, Status


def visible_to_applicant(user) -> QuerySet[Dossier]:
    """The dossiers an applicant may open: their own, and nobody else's."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant=user).select_related("procedure", "agency")


def delivered_to(user) -> QuerySet[Dossier]:
    """The applicant's dossiers whose result is out and, at level 4, delivered online."""
    return visible_to_applicant(user).filter(
        status__in=RESULT_OUT, procedure__level__gte=Level.PAYMENT
    )


def readable_by_official(user) -> QuerySet[Dossier]:
    """Dossiers an official may read: those their agency receives or decides; a supervisor's,
    those received or decided anywhere in their subtree.

    The agency administrator manages accounts and the catalog, not dossiers: no workflow step
    needs them to read one, so they read none.
    """
    if not user.is_authenticated or user.kind != AccountKind.OFFICIAL or user.agency_id is None:
        return Dossier.objects.none()
    if user.role == Role.AGENCY_ADMIN:
        return Dossier.objects.none()
    registered = Dossier.objects.exclude(status=Status.DRAFT).select_related("procedure", "agency")
    if user.role == Role.SUPERVISOR:
        below = user.agency.path
        return _received_or_decided(
            registered, lambda side: Q(**{f"{side}__path__startswith": below})
        )
    return _received_or_decided(registered, lambda side: Q(**{f"{side}_id": user.agency_id}))


def _received_or_decided(dossiers: QuerySet[Dossier], at: Callable[[str], Q]) -> QuerySet[Dossier]:
    """The dossiers received or decided at the agencies `at` names (`at("agency")`, the
    receiving side, and `at("decider")`, the deciding side).

    Most agencies only decide what they receive: then one side is the whole answer and the
    list is read from one index in its order. Both sides are asked for only where dossiers
    really crossed in both directions.
    """
    received, decided = at("agency"), at("decider")
    crossed = dossiers.filter(for_another_agency=True)
    if not crossed.filter(decided).exclude(received).exists():
        return dossiers.filter(received)
    if not crossed.filter(received).exclude(decided).exists():
        return dossiers.filter(decided)
    return dossiers.filter(received | decided)


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


def consultations_for(user) -> QuerySet[Consultation]:
    """Open requests for the opinion of the official's agency on other agencies' dossiers."""
    if getattr(user, "kind", "") != AccountKind.OFFICIAL or user.role not in workflow.OPINION_ROLES:
        return Consultation.objects.none()
    return Consultation.objects.filter(
        agency_id=user.agency_id, answered_at=None, dossier__status=Status.CONSULTING
    ).select_related("dossier__procedure", "dossier__agency")


def consultable_agencies(dossier: Dossier) -> QuerySet[Agency]:
    """Agencies a dossier may be sent to for an opinion: the procedure's own inter-agency
    steps when it has them, otherwise any other agency in operation."""
    today = timezone.localdate()
    named = dossier.procedure.workflow_steps.exclude(consulted_agency=None)
    agencies = Agency.objects.active_on(today).exclude(pk=dossier.deciding_agency_id)
    if named.exists():
        agencies = agencies.filter(pk__in=named.values("consulted_agency"))
    return agencies.order_by("name")
