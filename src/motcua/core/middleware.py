import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Vietnamese unless the visitor chose another language with the language switch.

    The browser's Accept-Language is ignored on purpose: many phones in Vietnam are set to
    English, and the portal must still speak Vietnamese to their owners.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# PostgreSQL refuses these characters in text (and in jsonb); anywhere else they have no use in
# an address or a form, so they are refused before any view passes them to the database.
FORBIDDEN_CHARACTERS = frozenset("\x00")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_TYPE = "application/json"


def has_forbidden_character(text: str) -> bool:
    return not FORBIDDEN_CHARACTERS.isdisjoint(text)


def _any_forbidden(data: QueryDict) -> bool:
    return any(
        has_forbidden_character(key) or any(has_forbidden_character(v) for v in values)
        for key, values in data.lists()
    )


def _json_has_forbidden(body: bytes) -> bool:
    """Whether a key or a string anywhere in a JSON document holds a forbidden character."""
    try:
        pending = [json.loads(body)]
    except (ValueError, RecursionError):
        return False  # the view answers a body it cannot read, as it would have
    while pending:
        item = pending.pop()
        if isinstance(item, str) and has_forbidden_character(item):
            return True
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return False


class ForbiddenCharacterMiddleware:
    """A NUL byte in the path, the query string, a form's fields or a JSON body answers 400 with
    a clear message, once for every view, instead of failing in the database (a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.refused(request):
            return self.bad_request(request)
        return self.get_response(request)

    @staticmethod
    def refused(request: HttpRequest) -> bool:
        if has_forbidden_character(request.path_info) or _any_forbidden(request.GET):
            return True
        if request.content_type == JSON_TYPE:
            try:
                return _json_has_forbidden(request.body)
            except RequestDataTooBig:
                return False  # the view decides what to do with a body that large
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return False
        try:
            return _any_forbidden(request.POST)
        except MultiPartParserError:
            return False  # the view answers a form it cannot read, as it would have

    @staticmethod
    def bad_request(request: HttpRequest) -> HttpResponse:
        message = _(
            "The address or the form holds a character that is not allowed (a NUL byte). "
            "Check what was typed or pasted and try again."
        )
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=400)
        return render(request, "core/bad_request.html", {"message": message}, status=400)
