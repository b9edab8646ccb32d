"""Where a procedure is received and which agency decides a dossier received there.

The one rule of the one-stop door (Circular 01/2018): a procedure is received at the receiving
points the catalog names (the Service Center, a district's one-stop unit, an agency's own
desk), or, when it names none, at each deciding agency's own desk. A dossier received at a
point is decided by the deciding agency nearest to it in the agency tree: the point itself,
else one below it, else one below its parent, and so on up to the root. A center of one
province-level unit receiving for an agency of another works the same way.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure


def receiving_points(procedure: Procedure) -> list[Agency]:
    """The agencies where the procedure may be handed in, in the tree's order."""
    named = list(procedure.receiving_points.all())
    points = named or list(procedure.agencies.all())
    return sorted(points, key=lambda agency: agency.path)


def received_at(point: Agency) -> QuerySet[Procedure]:
    """The procedures a desk at `point` receives: those naming it as a receiving point, and
    those it decides that name no receiving point."""
    named = Q(receiving_points=point)
    with_points = Procedure.receiving_points.through.objects.values("procedure")
    own = Q(agencies=point) & ~Q(pk__in=with_points)
    return Procedure.objects.filter(named | own).distinct()


def receives(procedure: Procedure, point: Agency) -> bool:
    return any(agency.pk == point.pk for agency in receiving_points(procedure))


def decider_for(procedure: Procedure, point: Agency) -> Agency | None:
    """The agency that decides the procedure's dossiers received at `point`, or None."""
    deciders = sorted(procedure.agencies.all(), key=lambda agency: agency.path)
    if any(agency.pk == point.pk for agency in deciders):
        return point
    ancestors = point.path.split("/")[:-1]
    for depth in range(len(ancestors), 0, -1):
        prefix = "/".join(ancestors[:depth]) + "/"
        below = [agency for agency in deciders if agency.path.startswith(prefix)]
        if below:
            return below[0]
    return deciders[0] if deciders else None
