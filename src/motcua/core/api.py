from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.routers import APIRootView


class StandardPagination(PageNumberPagination):
    """DRF's page envelope (count, next, previous, results); clients may ask up to 100 a page."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class PublicAPIRootView(APIRootView):
    """The API's index of links is public, like the catalog it leads to."""

    permission_classes = [AllowAny]
