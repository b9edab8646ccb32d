"""SMS gateways: the providers the SMS channel tries in turn.

A gateway that fails (an error of the provider's, an answer it cannot give in its TIMEOUT, a
connection refused) raises GatewayFailed and the channel asks the next one; one that refuses
the message itself (a number it does not serve, a text it will not carry) raises
GatewayRefused, and no other gateway is asked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import requests
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class GatewayFailed(Exception):
    """The gateway did not take the message: another may."""


class GatewayRefused(Exception):
    """The gateway refused this message for what it is: another would too."""


def international(phone: str) -> str:
    """0905123456 or +84905123456 as providers spell it: 84905123456."""
    digits = phone.lstrip("+")
    return "84" + digits[1:] if digits.startswith("0") else digits


class SmsGateway:
    def __init__(self, options: Mapping[str, Any]):
        self.options = options
        self.name = options.get("NAME") or type(self).__name__

    def send(self, phone: str, text: str, reference: str) -> None:
        raise NotImplementedError


class JsonHttpGateway(SmsGateway):
    """A provider's JSON API: POST URL with {"to", "text", "sender", "reference"} and a bearer
    key; any 2xx answer means taken. 5xx, 429 and time-outs fail over; other 4xx refuse."""

    def send(self, phone: str, text: str, reference: str) -> None:
        payload = {
            "to": international(phone),
            "text": text,
            "sender": self.options.get("SENDER", ""),
            "reference": reference,
        }
        try:
            response = requests.post(
                self.options["URL"],
                json=payload,
                headers={"Authorization": f"Bearer {self.options.get('API_KEY', '')}"},
                timeout=float(self.options.get("TIMEOUT", 5)),
            )
        except requests.RequestException as error:
            raise GatewayFailed(type(error).__name__) from error
        if response.status_code >= 500 or response.status_code == 429:
            raise GatewayFailed(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise GatewayRefused(f"HTTP {response.status_code}: {response.text[:200]}")


class ConsoleGateway(SmsGateway):
    """For development: the message goes to the log instead of a phone."""

    def send(self, phone: str, text: str, reference: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)


class LocmemGateway(SmsGateway):
    """For tests: messages are kept in `outbox`, as Django keeps mail in mail.outbox."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str, reference: str) -> None:
        self.outbox.append((phone, text))


def gateways(configured: Iterable[Mapping[str, Any]]) -> list[SmsGateway]:
    """The gateways named in settings, in the order they are tried."""
    return [import_string(options["CLASS"])(options) for options in configured]
