"""The channels a message goes out on, behind one base class, and their registry.

`settings.NOTIFICATION_CHANNELS` names each channel's class and options, as
`PAYMENT_PROVIDERS` names the payment gateways: another provider is a new class and a settings
entry. Every message handed to a provider away from the site is recorded (SendRecord), for the
limits per phone number and client address and for the statistics.
"""

from __future__ import annotations

import logging
import smtplib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.accounts.sms import SmsFailed
from motcua.notifications import limits
from motcua.notifications.models import EXTERNAL, Channel, SendRecord
from motcua.notifications.sms import GatewayFailed, GatewayRefused, gateways

logger = logging.getLogger(__name__)


class ChannelError(Exception):
    """The channel could not deliver the message; the text says why, for the log and the desk."""


@dataclass(frozen=True)
class Message:
    """What a channel sends: to whom, the words, and for Zalo the approved template's values."""

    address: str
    body: str
    subject: str = ""
    template: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)
    # Unique per notice and channel: providers that keep it can refuse a message twice.
    reference: str = ""
    # "code" for a one-time code, else the notice's kind (counted apart in the statistics).
    purpose: str = ""


class NoticeChannel(ABC):
    """One way of reaching a person. `send` checks the limits, hands the message over and
    records it; subclasses implement `transmit`."""

    def __init__(self, key: str, options: Mapping[str, Any]):
        self.key = key
        self.options = options

    def send(self, message: Message) -> str:
        """Deliver `message`; the provider that took it. ChannelError or SmsRefused if not."""
        self.check_limits(message)
        delivered = False
        try:
            provider = self.transmit(message)
            delivered = True
        finally:
            if self.key in EXTERNAL:
                SendRecord.objects.create(
                    channel=self.key,
                    address=message.address,
                    client_ip=limits.current_client.get(),
                    purpose=message.purpose[:16],
                    delivered=delivered,
                    at=timezone.now(),
                )
        return provider

    def check_limits(self, message: Message) -> None:
        """Raise accounts.sms.SmsRefused when the message would go over a limit; none by default."""
        return

    @abstractmethod
    def transmit(self, message: Message) -> str:
        """Hand the message to the provider; its name. ChannelError when it cannot."""


class InAppChannel(NoticeChannel):
    """The notice's own row is the message: the person reads it on the site."""

    def transmit(self, message: Message) -> str:
        return "site"


class EmailChannel(NoticeChannel):
    """E-mail through Django's mail backend (SMTP in production; BACKEND overrides it)."""

    def transmit(self, message: Message) -> str:
        connection = get_connection(self.options.get("BACKEND"), fail_silently=False)
        mail = EmailMessage(message.subject, message.body, None, [message.address])
        if message.reference:
            mail.extra_headers["X-Motcua-Reference"] = message.reference
        try:
            connection.send_messages([mail])
        except (smtplib.SMTPException, OSError) as error:
            raise ChannelError(f"SMTP: {error}") from error
        return settings.EMAIL_HOST


class SmsChannel(NoticeChannel):
    """SMS through the gateways of options["GATEWAYS"], tried in order: when one fails or does
    not answer in its time, the next is asked. Limited per phone number and client address."""

    def check_limits(self, message: Message) -> None:
        limits.check_sms(message.address, limits.current_client.get())

    def transmit(self, message: Message) -> str:
        failures = []
        for gateway in gateways(self.options.get("GATEWAYS", ())):
            try:
                gateway.send(message.address, message.body, message.reference)
            except GatewayRefused as error:
                raise ChannelError(f"{gateway.name}: {error}") from error
            except GatewayFailed as error:
                logger.warning("SMS gateway %s failed, trying the next: %s", gateway.name, error)
                failures.append(f"{gateway.name}: {error}")
                continue
            return gateway.name
        raise ChannelError("; ".join(failures) or "no SMS gateway configured")


class UnknownChannel(LookupError):
    pass


def get(key: str) -> NoticeChannel:
    """The configured channel named `key`."""
    options = settings.NOTIFICATION_CHANNELS.get(key)
    if options is None:
        raise UnknownChannel(key)
    return import_string(options["CLASS"])(key, options)


def configured() -> frozenset[str]:
    return frozenset(settings.NOTIFICATION_CHANNELS)


def send_sms(phone: str, text: str, purpose: str = "code") -> None:
    """The project's one SMS path, plugged into accounts.sms for the one-time codes: limited
    and recorded like the notices, SmsRefused past a limit, SmsFailed if no gateway took it."""
    try:
        get(Channel.SMS).send(Message(address=phone, body=text, purpose=purpose))
    except ChannelError as error:
        raise SmsFailed(str(error)) from error
