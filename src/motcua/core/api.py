from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView


class StandardPagination(PageNumberPagination):
    """DRF's page envelope (count, next, previous, results); clients may ask up to 100 a page."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


# A list counts its rows up to here; past it, the count says "at least" (a narrower search
# finds the rest) instead of counting a province's million dossiers for every page.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        """The rows, counted up to one past COUNT_CAP: at most that many entries read, in
        whatever order is cheapest (a count does not depend on the list's order)."""
        return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()


class CappedCountPagination(StandardPagination):
    """The page envelope of a list that may hold millions of rows: `count` exact up to
    COUNT_CAP, `count_capped` true when there are more (pages go on while there are)."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        counted = self.page.paginator.count
        response.data["count"] = min(counted, COUNT_CAP)
        response.data["count_capped"] = counted > COUNT_CAP
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        envelope = super().get_paginated_response_schema(schema)
        envelope["properties"]["count"]["description"] = f"exact up to {COUNT_CAP:,}"
        envelope["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true when the list holds more than {COUNT_CAP:,} rows",
        }
        envelope["required"] = [*envelope.get("required", []), "count_capped"]
        return envelope


class PublicAPIRootView(APIRootView):
    """The API's index of links is public, like the catalog it leads to."""

    permission_classes = [AllowAny]
