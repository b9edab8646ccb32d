from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from motcua.catalog import reception
from motcua.catalog.forms import CatalogSearchForm
from motcua.catalog.models import Procedure
from motcua.catalog.services import search_procedures

PAGE_SIZE = 20


def search(request):
    form = CatalogSearchForm(request.GET or None)
    procedures = search_procedures(form.catalog_query()).prefetch_related("tier_links")
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {"form": form, "page": page, "query_string": query_without_page.urlencode()}
    template = "catalog/_results.html" if request.htmx else "catalog/search.html"
    return render(request, template, context)


def detail(request, code: str):
    procedure = get_object_or_404(
        Procedure.objects.select_related("sector").prefetch_related(
            "tier_links", "agencies", "receiving_points", "fees", "documents"
        ),
        code=code,
        published=True,
    )
    context = {"procedure": procedure, "points": reception.receiving_points(procedure)}
    return render(request, "catalog/detail.html", context)
