"""Sending a text message, for the one-time codes: the project's one SMS path.

The gateways (tried in order, the next when one fails), the limits per phone number and per
client address and the count the statistics read all belong to the notifications app, which
sits above accounts: it plugs its sender in here in its AppConfig.ready, as other apps
register workflow guards, so that accounts sends codes without importing it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


class SmsRefused(Exception):
    """Sending would go over a limit; `message` says so, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SmsFailed(OSError):
    """No gateway took the message (an OSError, as a mail server that cannot be reached)."""


# phone, text, purpose ("code", or a notice's kind)
Sender = Callable[[str, str, str], None]
_sender: list[Sender] = []


def register_sender(sender: Sender) -> None:
    _sender[:] = [sender]


def send_sms(phone: str, text: str, purpose: str = "code") -> None:
    """Send `text` to `phone`; SmsRefused past a limit, SmsFailed when no gateway took it."""
    if not _sender:
        raise ImproperlyConfigured("No SMS sender: motcua.notifications must be installed.")
    _sender[0](phone, text, purpose)
