"""Bearer tokens for API clients, kept apart from the views so that DRF can load it early."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from motcua.accounts.models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user) -> tuple[str, datetime.datetime]:
    key = secrets.token_urlsafe(32)
    expires = timezone.now() + datetime.timedelta(seconds=settings.API_TOKEN_LIFETIME)
    ApiToken.objects.create(user=user, key_hash=_hash(key), expires_at=expires)
    return key, expires


class BearerAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        token = (
            ApiToken.objects.select_related("user")
            .filter(
                key_hash=_hash(header[1].decode(errors="replace")), expires_at__gt=timezone.now()
            )
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token is invalid or has expired."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Bearer"


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = BearerAuthentication
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
