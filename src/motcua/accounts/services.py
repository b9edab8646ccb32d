"""Accounts: who someone is, by phone or e-mail, confirmed by a one-time code."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import OneTimeCode, User
from motcua.accounts.sms import send_sms
from motcua.core.validators import normalize_phone, validate_phone

CODE_LIFETIME = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def parse_contact(value: str) -> tuple[str, str]:
    """("phone", "0905123456") or ("email", "an@example.vn") from what a person typed."""
    value = value.strip()
    if "@" in value:
        validate_email(value)
        return "email", value.lower()
    validate_phone(value)
    phone = normalize_phone(value)
    return "phone", "0" + phone[3:] if phone.startswith("+84") else phone


def find_by_contact(value: str) -> User | None:
    """The account whose username, phone or e-mail is `value`."""
    try:
        kind, contact = parse_contact(value)
    except ValidationError:
        return User.objects.filter(username=value.strip()).first()
    match = Q(phone=contact) if kind == "phone" else Q(email__iexact=contact)
    return User.objects.filter(match | Q(username=contact)).first()


def login_name(request, credentials: dict | None) -> str:
    """The name a login attempt is counted under: "0905 123 456" and "+84905123456" are one."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    try:
        return parse_contact(typed)[1]
    except ValidationError:
        return typed.strip().lower()


def send_code(user: User) -> None:
    """Send a fresh six-digit code to the user's phone, or e-mail when there is no phone."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    OneTimeCode.objects.filter(user=user, used=False).update(used=True)
    OneTimeCode.objects.create(
        user=user, code_hash=make_password(code), expires_at=timezone.now() + CODE_LIFETIME
    )
    text = _("Your Motcua confirmation code is %(code)s. It is valid for 10 minutes.") % {
        "code": code
    }
    if user.phone:
        send_sms(user.phone, text)
    else:
        send_mail(_("Confirmation code"), text, None, [user.email])


def confirm_code(user: User, code: str) -> bool:
    """Whether `code` is the user's current code; five wrong tries use it up."""
    current = OneTimeCode.objects.filter(
        user=user, used=False, expires_at__gt=timezone.now()
    ).last()
    if current is None or current.attempts >= MAX_ATTEMPTS:
        return False
    if not check_password(code.strip(), current.code_hash):
        current.attempts += 1
        current.save(update_fields=["attempts"])
        return False
    current.used = True
    current.save(update_fields=["used"])
    return True
