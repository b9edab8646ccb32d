"""Single sign-on with the national identity provider (VNeID) through OpenID Connect.

The provider vouches for a person's CCCD number, so the CCCD is what identifies them here: the
account holding that number is theirs, and a person the provider names without a valid number
is not let in. Everything stays off while `OIDC_RP_CLIENT_ID` is empty.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from motcua.accounts.models import AccountKind, User
from motcua.accounts.services import parse_contact
from motcua.core.validators import validate_cccd

logger = logging.getLogger(__name__)

# mozilla-django-oidc settings that, left empty, come from the issuer's discovery document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


@functools.lru_cache(maxsize=4)
def discovery(issuer: str) -> dict[str, Any]:
    """The issuer's metadata, fetched once per process: its endpoints rarely move."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    metadata = response.json()
    if str(metadata.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ImproperlyConfigured(f"{url} names issuer {metadata.get('issuer')!r}, not {issuer!r}")
    return metadata


def oidc_setting(name: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting, with empty endpoints found through OIDC_ISSUER."""
    value = import_from_settings(name, *default)
    if name not in DISCOVERED or value:
        return value
    if sso_enabled() and settings.OIDC_ISSUER:
        return discovery(settings.OIDC_ISSUER)[DISCOVERED[name]]
    return None


def cccd_of(claims: dict[str, Any]) -> str:
    return str(claims.get(settings.OIDC_CCCD_CLAIM) or "").strip()


def free_contact(value: Any, kind: str) -> str:
    """`value` spelled as accounts keep it, or "" if it is malformed or already another's."""
    try:
        found, contact = parse_contact(str(value or ""))
    except ValidationError:
        return ""
    if found != kind:
        return ""
    taken = {"phone": contact} if kind == "phone" else {"email__iexact": contact}
    return "" if User.objects.filter(**taken).exists() else contact


class NationalIdentityBackend(OIDCAuthenticationBackend):
    """Log in whoever the identity provider names by a valid CCCD number."""

    get_settings = staticmethod(oidc_setting)
    # Unlike mozilla-django-oidc's, refuse a session whose account was deactivated since.
    get_user = ModelBackend.get_user

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Defer reading the provider's settings: Django builds every backend on each login."""
        self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce; a password login never reaches the provider.
        if not sso_enabled() or request is None or "nonce" not in kwargs:
            return None
        super().__init__()
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        try:
            validate_cccd(cccd_of(claims))
        except ValidationError:
            logger.warning("Single sign-on refused: the claims carry no valid CCCD number")
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(id_number=cccd_of(claims))

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        """The account found by CCCD is linked: from now on its identity is vouched for."""
        if not user.identity_verified:
            user.identity_verified = True
            user.save(update_fields=["identity_verified"])
        return user

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"CCCD ending {cccd_of(claims)[-4:]}"

    def create_user(self, claims: dict[str, Any]) -> User:
        """A citizen's account from the provider's word; it has no password to steal."""
        number = cccd_of(claims)
        user = User(
            username=number,
            id_number=number,
            full_name=str(claims.get("name") or "")[:150],
            email=free_contact(claims.get("email"), "email"),
            phone=free_contact(claims.get("phone_number"), "phone") or None,
            kind=AccountKind.CITIZEN,
            is_active=True,
            identity_verified=True,
        )
        user.set_unusable_password()
        user.save()
        return user


class SingleSignOnView(View):
    """Off without a client id; an unreachable provider sends the person back to log in."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sso_enabled():
            return redirect("accounts:login")
        try:
            return super().dispatch(request, *args, **kwargs)
        except requests.RequestException:
            logger.exception("The identity provider could not be reached")
            messages.error(
                request,
                _("The national identity service cannot be reached now. Please try again later."),
            )
            return redirect("accounts:login")


class AuthenticationRequestView(SingleSignOnView, OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs: Any) -> None:
        """Look the endpoint up in get(), once SSO is known to be on and errors can be shown."""
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(SingleSignOnView, OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "Logging in with the national identity account did not succeed."
                " Please try again, or log in with your phone number or e-mail."
            ),
        )
        return redirect("accounts:login")
