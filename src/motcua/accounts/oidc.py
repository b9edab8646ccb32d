"""Single sign-on with the national identity provider (VNeID) through OpenID Connect.

The provider vouches for a person's CCCD number, so the CCCD is what identifies them here: the
account holding that number *verified* is theirs, and a person the provider names without a
valid number is not let in. A number merely typed into an account (at registration or on the
profile page) is a claim anyone could make: it never hands that account over. When such claims
exist, the person either proves an account is theirs (its password) to link it, or gets an
account of their own; the other accounts' claims are then released, in the audit log.
Everything stays off while `OIDC_RP_CLIENT_ID` is empty.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

import requests
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from motcua.accounts import services
from motcua.accounts.landing import landing_url
from motcua.accounts.models import AccountKind, User
from motcua.accounts.services import parse_contact, purge_expired_registrations
from motcua.core import audit
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
        return User.objects.filter(id_number=cccd_of(claims), identity_verified=True)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> User | None:
        """The verified account of the CCCD; else, while other accounts claim it, ask first."""
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        purge_expired_registrations()
        verified = self.filter_users_by_claims(claims).first()
        if verified is not None:
            with transaction.atomic():
                release_claims(verified.id_number, verified)
            return verified
        if claimants(cccd_of(claims)).exists():
            keep_for_choice(self.request, claims)
            return None
        return create_verified_account(claims)

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"CCCD ending {cccd_of(claims)[-4:]}"


# Linking, or not, an account that claims the person's CCCD ------------------------------------

CHOICE = "sso_claims"
CHOICE_LIFETIME = 600  # seconds the provider's word is kept while the person chooses
KEPT_CLAIMS = ("name", "email", "phone_number")


def claimants(number: str) -> QuerySet[User]:
    """Usable accounts that name `number` without the provider having vouched for it."""
    return User.objects.filter(id_number=number, identity_verified=False, is_active=True)


def keep_for_choice(request: HttpRequest, claims: dict[str, Any]) -> None:
    kept = {key: str(claims.get(key) or "") for key in KEPT_CLAIMS}
    request.session[CHOICE] = {"cccd": cccd_of(claims), **kept, "at": time.time()}


def kept_claims(request: HttpRequest) -> dict[str, Any] | None:
    """The provider's word kept by the callback, while it is fresh."""
    kept = request.session.get(CHOICE)
    if not kept or time.time() - kept["at"] > CHOICE_LIFETIME:
        return None
    return {settings.OIDC_CCCD_CLAIM: kept["cccd"], **{key: kept[key] for key in KEPT_CLAIMS}}


def release_claims(number: str, owner: User) -> None:
    """Take `number` off every other account that names it unverified; each one is audited."""
    for other in User.objects.filter(id_number=number).exclude(pk=owner.pk):
        other.id_number = None
        other.save(update_fields=["id_number"])
        audit.log(
            "accounts.cccd_claim_released",
            f"user:{other.username}",
            owner,
            cccd_ending=number[-4:],
            verified_account=owner.username,
        )


@transaction.atomic
def create_verified_account(claims: dict[str, Any]) -> User:
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
    release_claims(number, user)
    return user


@transaction.atomic
def link_account(user: User, claims: dict[str, Any]) -> User:
    """The person proved `user` is theirs: from now on it holds their CCCD, vouched for."""
    number = cccd_of(claims)
    user.id_number, user.identity_verified = number, True
    user.save(update_fields=["id_number", "identity_verified"])
    release_claims(number, user)
    audit.log("accounts.identity_linked", f"user:{user.username}", user, cccd_ending=number[-4:])
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
        if kept_claims(self.request) is not None:
            return redirect("accounts:sso_choice")
        messages.error(
            self.request,
            _(
                "Logging in with the national identity account did not succeed."
                " Please try again, or log in with your phone number or e-mail."
            ),
        )
        return redirect("accounts:login")

    def get(self, request: HttpRequest) -> HttpResponse:
        """A new answer of the provider; what an earlier one left waiting is dropped first."""
        request.session.pop(CHOICE, None)
        return super().get(request)


def linkable(user: User | None) -> bool:
    """An account a citizen or business logs into with a password, not yet vouched for."""
    return bool(
        user
        and user.is_active
        and not user.identity_verified
        and user.kind != AccountKind.OFFICIAL
        and not user.is_staff
    )


class LinkForm(forms.Form):
    username = forms.CharField(label=_lazy("Phone number, e-mail or username"), max_length=254)
    password = forms.CharField(label=_lazy("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self) -> dict[str, Any]:
        """The account must be the person's own (its password) and one a citizen logs into."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        user = authenticate(self.request, **cleaned)
        if getattr(self.request, "axes_locked_out", False):
            raise forms.ValidationError(
                _("Too many failed logins: this account is locked for a while.")
            )
        if user is None:
            raise forms.ValidationError(
                _("Wrong username or password, or the account is not confirmed.")
            )
        if not linkable(user):
            raise forms.ValidationError(
                _("This account cannot be linked to a national identity account.")
            )
        cleaned["user"] = user
        return cleaned


class CodeRequestForm(forms.Form):
    contact = forms.CharField(
        label=_lazy("Mobile phone number or e-mail of your account"), max_length=254
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_lazy("Confirmation code"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def send_link_code(request: HttpRequest, contact: str) -> None:
    """A code to the account of `contact`, if it may be linked; the same answer either way."""
    user = services.send_code_to_account(contact, linkable)
    kept = request.session[CHOICE]
    kept.update(code_for=user.pk if user else None, contact=services.address_of(contact))
    request.session[CHOICE] = kept


def check_link_code(request: HttpRequest, form: CodeForm) -> User | None:
    """The account the code was sent to, if `form`'s code is right; else errors on the form."""
    kept = request.session[CHOICE]
    user = User.objects.filter(pk=kept.get("code_for")).first() if kept.get("code_for") else None
    code = form.cleaned_data["code"]
    try:
        if linkable(user) and services.confirm_code(user, code):
            return user
        if user is None:
            services.check_guess_without_account(kept["contact"], code)
    except services.CodeError as error:
        form.add_error("code", error.message)
        return None
    form.add_error("code", _("This code is wrong or has expired."))
    return None


@require_http_methods(["GET", "POST"])
def sso_choice(request: HttpRequest) -> HttpResponse:
    """Another account names the person's CCCD: link an account they prove, or make their own.

    The proof is the account's password, or a code sent to its phone or e-mail.
    """
    claims = kept_claims(request)
    if claims is None:
        return redirect("accounts:login")
    verified = User.objects.filter(id_number=cccd_of(claims), identity_verified=True).first()
    if verified is not None:  # chosen meanwhile, in another tab
        return finish_sign_on(request, verified)
    post = request.POST if request.method == "POST" else {}
    link = LinkForm(request, post if "link" in post else None)
    send = CodeRequestForm(post if "send" in post else None)
    by_code = CodeForm(post if "by_code" in post else None)
    user = None
    if "new" in post:
        user = create_verified_account(claims)
    elif "link" in post and link.is_valid():
        user = link_account(link.cleaned_data["user"], claims)
    elif "send" in post and send.is_valid():
        try:
            send_link_code(request, send.cleaned_data["contact"])
        except services.CodeError as error:
            send.add_error(None, error.message)
        else:
            messages.info(
                request,
                _("If an account has this phone number or e-mail, a code has been sent to it."),
            )
            return redirect("accounts:sso_choice")
    elif "by_code" in post and by_code.is_valid():
        proven = check_link_code(request, by_code)
        user = link_account(proven, claims) if proven else None
    if user is None:
        context = {
            "form": link,
            "send_form": send,
            "code_form": by_code,
            "code_sent": "code_for" in request.session[CHOICE],
        }
        return render(request, "accounts/sso_choice.html", context)
    return finish_sign_on(request, user)


def finish_sign_on(request: HttpRequest, user: User) -> HttpResponse:
    request.session.pop(CHOICE, None)
    if not user.is_active:
        return redirect("accounts:login")
    login(request, user, backend="motcua.accounts.oidc.NationalIdentityBackend")
    return redirect(landing_url(user))
