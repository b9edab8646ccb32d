"""The second factor (TOTP, django-otp) of officials and staff, at every door.

Officials hold personal data of many people, so a password alone does not open the back office,
the admin site or an official's API token. After the password step, `SecondFactorMiddleware`
keeps an official (or a staff member) on the pages of this module until one of their devices
has verified the session: the authenticator app (a `TOTPDevice`) or one of the recovery codes
(a `StaticDevice`, each code used once). Whoever has no confirmed authenticator yet enrols one
first. Wrong codes are throttled by django-otp with growing delays, per device.
"""

from __future__ import annotations

import base64
import re

import django_otp
import qrcode
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp.admin import OTPAdminSite
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathImage

from motcua.accounts.landing import landing_url
from motcua.accounts.models import AccountKind
from motcua.core import audit

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"
NEW_CODES = "two_factor_new_codes"
TOTP_CODE = re.compile(r"\d{6}")
# Pages an official may open between the password and the second factor.
OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor",
        "accounts:two_factor_enrol",
        "accounts:two_factor_recovery",
        "set_language",
        "api-token",
        "oidc_authentication_callback",
        "oidc_logout",
    }
)


class CodeRefused(Exception):
    """A second-factor code was not accepted; the message says why, for the person."""


# ---------------------------------------------------------------- who and which device


def needs_second_factor(user) -> bool:
    """Officials of every role, staff and superusers log in with a second factor."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.kind == AccountKind.OFFICIAL or user.is_staff or user.is_superuser)
    )


def is_verified(user) -> bool:
    """Whether this request's session passed the second factor (django-otp's middleware)."""
    return bool(getattr(user, "is_verified", lambda: False)())


def authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_authenticator(user) -> TOTPDevice:
    """The authenticator being enrolled: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app asks for, in groups of four for typing."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address of the device as an inline SVG QR code, for the app to scan."""
    return qrcode.make(device.config_url, image_factory=SvgPathImage).to_string(encoding="unicode")


def _normalized(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


# ---------------------------------------------------------------- verification


def _refuse_if_throttled(device: Device) -> None:
    allowed, detail = device.verify_is_allowed()
    if allowed:
        return
    locked_until = (detail or {}).get("locked_until")
    if locked_until is None:
        raise CodeRefused(_("This code cannot be checked now. Try again later."))
    seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    raise CodeRefused(
        _("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {"seconds": seconds}
    )


def _verify(user, device: Device | None, code: str, wrong: str = "") -> Device:
    wrong = wrong or _(
        "This code is wrong or has expired. Enter the 6 digits your authenticator app shows "
        "now, or one of your recovery codes."
    )
    if device is None:
        raise CodeRefused(wrong)
    _refuse_if_throttled(device)
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        raise CodeRefused(wrong)
    return verified


def verify_code(user, code: str) -> Device:
    """The device that accepts `code`: six digits for the authenticator, otherwise a recovery
    code (used up). Raises CodeRefused; every wrong try counts toward that device's delay."""
    code = _normalized(code)
    if TOTP_CODE.fullmatch(code):
        device = authenticator(user)
    else:
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return _verify(user, device, code)


def confirm_authenticator(user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with its first code; returns it with a fresh set of
    recovery codes (the old ones no longer work). Raises CodeRefused."""
    code = _normalized(code)
    wrong = _("This code is wrong or has expired. Enter the 6 digits the app shows now.")
    device = _verify(user, pending_authenticator(user), code, wrong)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = new_recovery_codes(user)
        audit.log("second_factor.enrol", f"user:{user.pk}", user, chain=_chain(user))
    return device, codes


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes; only now are they seen in clear."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def check_api_code(user, code: str) -> None:
    """The token endpoint's rule: an official's token needs the code of a confirmed device.
    Raises CodeRefused."""
    if not needs_second_factor(user):
        return
    if authenticator(user) is None:
        raise CodeRefused(
            _("Set up two-step verification by logging in on the website first, then ask again.")
        )
    if not code:
        raise CodeRefused(_("Enter the code of your authenticator app in the field otp."))
    device = verify_code(user, code)
    audit.log(
        "second_factor.verify",
        f"user:{user.pk}",
        user,
        chain=_chain(user),
        door="api",
        device=device.name,
    )


def _chain(user) -> str:
    """The audit chain of the official's agency, so logins at different agencies never queue."""
    return user.agency.code if user.agency_id else ""


# ---------------------------------------------------------------- the gate


class SecondFactorMiddleware:
    """Until the second factor, an official or staff member reaches only the pages above.

    Put after django-otp's OTPMiddleware. Bearer-token API requests are left to the token
    endpoint, which asks for the code before issuing a token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not needs_second_factor(user) or is_verified(user):
            return None
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if request.path_info.startswith("/api/"):
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                return None
            return JsonResponse({"detail": _("Two-step verification is required.")}, status=403)
        target = reverse("accounts:two_factor")
        if request.method == "GET":
            return redirect_to_login(request.get_full_path(), target)
        return redirect(target)


class SecondFactorAdminSite(OTPAdminSite):
    """The admin site opens to verified staff only, and its login is the site's own."""

    def login(self, request, extra_context=None):
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index", current_app=self.name)
        )


# ---------------------------------------------------------------- pages


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return landing_url(request.user)


def _with_next(name: str, target: str) -> str:
    return redirect_to_login(target, reverse(name)).url


def _done(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()
    user = request.user
    audit.log(
        "second_factor.verify", f"user:{user.pk}", user, chain=_chain(user), device=device.name
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator's code, or a recovery code, after the password."""
    target = _next(request)
    if not needs_second_factor(request.user) or is_verified(request.user):
        return redirect(target)
    if authenticator(request.user) is None:
        return redirect(_with_next("accounts:two_factor_enrol", target))
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _(
        "The 6 digits your authenticator app shows now, or one of your recovery codes."
    )
    if request.method == "POST" and form.is_valid():
        try:
            device = verify_code(request.user, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            _done(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You logged in with a recovery code; %(left)s remain. Ask your "
                        "administrator for new codes if you lost your authenticator."
                    )
                    % {"left": recovery_codes_left(request.user)},
                )
            return redirect(target)
    return render(request, "accounts/two_factor.html", {"next": target, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app: scan the QR code (or type the secret), confirm one code."""
    target = _next(request)
    if not needs_second_factor(request.user) or authenticator(request.user) is not None:
        return redirect(_with_next("accounts:two_factor", target))
    device = pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    form.fields["code"].help_text = _("The 6 digits the app shows after you added the account.")
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = confirm_authenticator(request.user, form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            _done(request, device)
            request.session[NEW_CODES] = codes
            return redirect(_with_next("accounts:two_factor_recovery", target))
    context = {
        "next": target,
        "form": form,
        "qr": qr_svg(device),
        "secret": secret_text(device),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: the page after enrolment, never again."""
    codes = request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect(_next(request))
    context = {"next": _next(request), "codes": codes}
    return render(request, "accounts/two_factor_recovery.html", context)
