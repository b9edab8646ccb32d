"""Sending text messages through a configurable gateway (settings.SMS_BACKEND)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend:
    """A gateway: one class per provider, named in settings, so the callers never change."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(SmsBackend):
    """For development: the message goes to the log instead of a phone."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)


class LocmemSmsBackend(SmsBackend):
    """For tests: messages are kept in `outbox`, as Django keeps mail in mail.outbox."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.outbox.append((phone, text))


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(phone, text)
