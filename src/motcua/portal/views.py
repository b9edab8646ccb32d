from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from motcua.agencies.models import Agency, Tier
from motcua.catalog.forms import CatalogSearchForm
from motcua.catalog.models import Level, Procedure, ProcedureTier


def home(request):
    figures = Procedure.objects.filter(published=True).aggregate(
        total=Count("pk"),
        online=Count("pk", filter=Q(level__gte=Level.SUBMISSION)),
        full=Count("pk", filter=Q(level=Level.PAYMENT)),
    )
    per_tier = dict(
        ProcedureTier.objects.filter(procedure__published=True)
        .values_list("tier")
        .annotate(count=Count("pk"))
    )
    tiers = [(tier, label, per_tier[tier]) for tier, label in Tier.choices if per_tier.get(tier)]
    context = {"form": CatalogSearchForm(), "figures": figures, "tiers": tiers}
    return render(request, "portal/home.html", context)


def agencies(request):
    """Agencies in operation today, as a tree, each linking to the procedures it carries out."""
    active = Agency.objects.active_on(timezone.localdate()).annotate(
        procedure_count=Count("procedures")
    )
    return render(request, "portal/agencies.html", {"agencies": active.order_by("path")})


def agency(request, code: str):
    """One agency's desk: where it is, when it is open, whom to call, what it carries out."""
    found = get_object_or_404(
        Agency.objects.select_related("parent").annotate(procedure_count=Count("procedures")),
        code=code,
    )
    return render(request, "portal/agency.html", {"agency": found})
