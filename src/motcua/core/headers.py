"""Answers that carry someone's personal data are never kept by a browser or a proxy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


def is_private(request: HttpRequest) -> bool:
    """Whether the answer may hold personal data: everything a signed-in person sees (pages,
    PDFs, downloads) and every API answer, whoever asks (a bearer token is only known inside
    the API view). Static files and the public pages of anonymous visitors stay cacheable."""
    user = getattr(request, "user", None)
    return request.path.startswith(API_PREFIX) or bool(user and user.is_authenticated)


class NoStoreMiddleware:
    """`Cache-Control: no-store` (with Django's other never-cache headers) on private answers,
    so that a shared computer's back button or disk cache, or a proxy, keeps none of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request):
            add_never_cache_headers(response)
        return response
