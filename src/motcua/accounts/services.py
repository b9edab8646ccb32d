"""Accounts: who someone is, by phone or e-mail, confirmed by a one-time code.

Codes are limited twice, in the database so that every worker process counts alike: sends per
phone number or e-mail address and hour, and wrong codes per account over all its codes. The
answers never tell whether an account exists, in words or in time: both branches hash alike.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import (
    AccountKind,
    ApiToken,
    CodeDelivery,
    OneTimeCode,
    Role,
    User,
    WrongCode,
)
from motcua.accounts.sms import SmsRefused, send_sms
from motcua.core import audit
from motcua.core.validators import normalize_phone, validate_phone

logger = logging.getLogger(__name__)

CODE_LIFETIME = datetime.timedelta(minutes=10)
SEND_WINDOW = datetime.timedelta(hours=1)


class CodeError(Exception):
    """A code could not be sent or checked; `message` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooManySends(CodeError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Too many codes have been sent to this phone number or e-mail address."
                " Please wait an hour before asking for another."
            )
        )


class TooManyGuesses(CodeError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Too many wrong codes have been typed for this account."
                " Please try again tomorrow, or ask the one-stop desk for help."
            )
        )


class DeliveryFailed(CodeError):
    def __init__(self) -> None:
        super().__init__(
            _("The message could not be sent just now. Please try again in a few minutes.")
        )


def parse_contact(value: str) -> tuple[str, str]:
    """("phone", "0905123456") or ("email", "an@example.vn") from what a person typed."""
    value = value.strip()
    if "@" in value:
        validate_email(value)
        return "email", value.lower()
    validate_phone(value)
    phone = normalize_phone(value)
    return "phone", "0" + phone[3:] if phone.startswith("+84") else phone


def address_of(typed: str) -> str:
    """What a person typed, spelled as limits count it: a phone or e-mail in its usual form."""
    try:
        return parse_contact(typed)[1]
    except ValidationError:
        return typed.strip().lower()


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


def spend_hashing_time(secret: str) -> None:
    """Hash `secret` and throw it away, so that a branch without an account takes as long."""
    make_password(secret)


# Sending -----------------------------------------------------------------------------------


def count_send(address: str) -> None:
    """Count one message to `address`; refuse past CODE_SENDS_PER_HOUR in the last hour."""
    since = timezone.now() - SEND_WINDOW
    if (
        CodeDelivery.objects.filter(address=address, sent_at__gte=since).count()
        >= settings.CODE_SENDS_PER_HOUR
    ):
        raise TooManySends
    CodeDelivery.objects.create(address=address)


def deliver(address: str, subject: str, text: str) -> None:
    """Send `text` by SMS to a phone number, or by mail to an address; counted and limited."""
    count_send(address)
    try:
        if "@" in address:
            send_mail(subject, text, None, [address])
        else:
            send_sms(address, text)
    except SmsRefused as error:
        raise CodeError(error.message) from error
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("A message to %s could not be sent: %s", address[-4:], error)
        raise DeliveryFailed from error


def send_code(user: User) -> None:
    """Send a fresh six-digit code to the user's phone, or e-mail when there is no phone."""
    address = user.phone or user.email
    code = f"{secrets.randbelow(1_000_000):06d}"
    count_send(address)
    OneTimeCode.objects.filter(user=user, used=False).update(used=True)
    OneTimeCode.objects.create(
        user=user, code_hash=make_password(code), expires_at=timezone.now() + CODE_LIFETIME
    )
    text = _("Your Motcua confirmation code is %(code)s. It is valid for 10 minutes.") % {
        "code": code
    }
    try:
        if user.phone:
            send_sms(user.phone, text)
        else:
            send_mail(_("Confirmation code"), text, None, [user.email])
    except SmsRefused as error:
        raise CodeError(error.message) from error
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("A code for account %s could not be sent: %s", user.pk, error)
        raise DeliveryFailed from error


# Checking ----------------------------------------------------------------------------------


def wrong_guesses(user: User) -> int:
    """Wrong codes typed for the account within the window, over all its codes."""
    spent = OneTimeCode.objects.filter(user=user, created_at__gte=guess_window_start()).aggregate(
        total=Sum("attempts")
    )["total"]
    return spent or 0


def confirm_code(user: User, code: str) -> bool:
    """Whether `code` is the user's current code; TooManyGuesses once the account's are spent."""
    if wrong_guesses(user) >= settings.CODE_WRONG_GUESSES:
        spend_hashing_time(code)
        raise TooManyGuesses
    current = OneTimeCode.objects.filter(
        user=user, used=False, expires_at__gt=timezone.now()
    ).last()
    if current is None:
        spend_hashing_time(code)
        return False
    if not check_password(code.strip(), current.code_hash):
        current.attempts += 1
        current.save(update_fields=["attempts"])
        return False
    current.used = True
    current.save(update_fields=["used"])
    # Whoever holds the code holds the phone or mailbox: the count starts again.
    OneTimeCode.objects.filter(user=user).update(attempts=0)
    return True


def check_guess_without_account(address: str, code: str) -> None:
    """A guess where no account is behind `address`: wrong, counted and limited like one."""
    spend_hashing_time(code)
    if WrongCode.objects.filter(address=address, typed_at__gte=guess_window_start()).count() >= (
        settings.CODE_WRONG_GUESSES
    ):
        raise TooManyGuesses
    WrongCode.objects.create(address=address)


def guess_window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.CODE_GUESS_WINDOW_MINUTES)


def forget_old_counts() -> None:
    """Sends and wrong codes older than their windows count no more: delete them."""
    CodeDelivery.objects.filter(sent_at__lt=timezone.now() - SEND_WINDOW).delete()
    WrongCode.objects.filter(typed_at__lt=guess_window_start()).delete()


# Registration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What a person typed on the registration form, cleaned."""

    kind: str
    contact_kind: str
    contact: str
    full_name: str
    password: str
    birth_date: datetime.date | None = None
    id_number: str | None = None
    tax_code: str = ""


def registration_deadline() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=settings.REGISTRATION_EXPIRY_MINUTES)


def unconfirmed() -> Q:
    return Q(is_active=False, registration_expires_at__isnull=False)


def purge_expired_registrations() -> int:
    """Delete registrations never confirmed in time: they hold no phone, e-mail or CCCD."""
    expired = User.objects.filter(unconfirmed(), registration_expires_at__lte=timezone.now())
    count = 0
    for user in expired.only("pk"):
        user.delete()
        count += 1
    return count


def holders_of(contact_kind: str, contact: str) -> list[User]:
    match = Q(phone=contact) if contact_kind == "phone" else Q(email__iexact=contact)
    return list(User.objects.filter(match | Q(username=contact)))


def start_registration(data: Registration) -> User | None:
    """A pending account, sent its code; None when the phone or e-mail already has an account.

    That account's owner is told instead, and the person registering sees the same answer,
    after the same hashing, so the form tells nobody which phones and addresses are known.
    A still pending registration of the same phone or e-mail is replaced: only the code proves
    the contact, and it goes to the contact.
    """
    purge_expired_registrations()
    password_hash = make_password(data.password)
    holders = holders_of(data.contact_kind, data.contact)
    if any(holder.registration_expires_at is None for holder in holders):
        spend_hashing_time(data.password)  # as send_code hashes the code
        notify_owner(data.contact)
        return None
    with transaction.atomic():
        for pending in holders:
            pending.delete()
        user = User(
            username=data.contact,
            full_name=data.full_name,
            kind=data.kind,
            birth_date=data.birth_date,
            id_number=data.id_number,
            tax_code=data.tax_code,
            is_active=False,
            password=password_hash,
            registration_expires_at=registration_deadline(),
        )
        if data.contact_kind == "phone":
            user.phone = data.contact
        else:
            user.email = data.contact
        user.save()
        send_code(user)
    return user


def notify_owner(contact: str) -> None:
    deliver(
        contact,
        _("Someone tried to register with your address"),
        _(
            "Someone asked to register a Motcua account with this phone number or e-mail,"
            " which already has an account. If it was you, log in, or use “Forgot your"
            " password?”. If it was not you, ignore this message."
        ),
    )


def pending_registration(pk: int | None) -> User | None:
    """The registration waiting for its code, unless it has expired."""
    if pk is None:
        return None
    return User.objects.filter(
        unconfirmed(), pk=pk, registration_expires_at__gt=timezone.now()
    ).first()


def resend_registration_code(user: User) -> None:
    with transaction.atomic():
        send_code(user)
        user.registration_expires_at = registration_deadline()
        user.save(update_fields=["registration_expires_at"])


def confirm_registration(user: User, code: str) -> bool:
    """Activate the pending account if `code` is right."""
    if not confirm_code(user, code):
        return False
    user.is_active = True
    user.registration_expires_at = None
    user.save(update_fields=["is_active", "registration_expires_at"])
    return True


# Password reset ----------------------------------------------------------------------------


def can_reset(user: User | None) -> bool:
    return bool(user and user.is_active and user.has_usable_password())


def send_code_to_account(typed: str, eligible: Callable[[User | None], bool]) -> User | None:
    """Send a code to the account of `typed` if `eligible`; the same limits and time either way."""
    user = find_by_contact(typed)
    if eligible(user):
        send_code(user)
        return user
    count_send(address_of(typed))
    spend_hashing_time(typed)
    return None


def request_password_reset(typed: str) -> User | None:
    return send_code_to_account(typed, can_reset)


def reset_password(user: User, code: str, password: str) -> bool:
    """Set `password` if `code` is right; the new password ends the account's API tokens."""
    if not confirm_code(user, code):
        return False
    user.set_password(password)
    user.save(update_fields=["password"])
    return True


# API tokens --------------------------------------------------------------------------------


def may_revoke_tokens_of_others(actor) -> bool:
    """System staff, and agency administrators for the officials of their agency."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_staff or actor.is_superuser:
        return True
    return (
        actor.kind == AccountKind.OFFICIAL
        and actor.role == Role.AGENCY_ADMIN
        and bool(actor.agency_id)
    )


def may_revoke_tokens(actor, account: User) -> bool:
    """Whether `actor` may end every API token of `account`."""
    if not may_revoke_tokens_of_others(actor):
        return False
    if actor.is_superuser or (actor.is_staff and not account.is_superuser):
        return True
    return (
        account.kind == AccountKind.OFFICIAL
        and account.agency_id == actor.agency_id
        and not account.is_staff
        and not account.is_superuser
    )


def revoke_tokens(actor, account: User) -> int:
    """End every API token of `account`, audited; PermissionDenied for anyone else."""
    if not may_revoke_tokens(actor, account):
        raise PermissionDenied(_("You may not revoke the API tokens of this account."))
    with transaction.atomic():
        count, _deleted = ApiToken.objects.filter(user=account).delete()
        audit.log("accounts.tokens_revoked", f"user:{account.username}", actor, count=count)
    return count
