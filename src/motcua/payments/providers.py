"""The gateway interface and the registry of configured gateways.

The dossier and payment code never name a vendor: each gateway is a subclass of
`PaymentProvider` named in `settings.PAYMENT_PROVIDERS`, so another gateway is a new class and
a settings entry.
"""

from __future__ import annotations

import csv
import datetime
import enum
import io
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from motcua.payments.models import Payment


class IpnResult(enum.Enum):
    """How a server-to-server notification was taken; each gateway words its own answer."""

    CONFIRMED = "confirmed"
    NOT_FOUND = "not_found"
    ALREADY_CONFIRMED = "already_confirmed"
    BAD_AMOUNT = "bad_amount"
    BAD_SIGNATURE = "bad_signature"
    INVALID = "invalid"


@dataclass(frozen=True)
class GatewayReport:
    """What the gateway says about one transaction, signature checked and decoded.

    `status` is the PaymentStatus the report leads to, or "" while the gateway has no final word.
    """

    reference: str
    amount: int
    status: str
    currency: str = "VND"
    provider_transaction: str = ""
    bank_code: str = ""
    paid_at: datetime.datetime | None = None
    response_code: str = ""


@dataclass(frozen=True)
class StatementLine:
    """One transaction of the gateway's daily statement, as its final state that day."""

    reference: str
    amount: int
    status: str
    provider_transaction: str = ""


class CallbackRefused(Exception):
    """A callback that cannot be read at all: forged, tampered or malformed."""

    def __init__(self, result: IpnResult, why: str):
        super().__init__(why)
        self.result = result
        self.why = why


class GatewayUnavailable(Exception):
    """The gateway did not answer, or not in a way we can trust."""


class StatementInvalid(Exception):
    """The statement file is not one the gateway writes; the message says where."""


class PaymentProvider(ABC):
    """One gateway: how to send the payer there and how to read what it says back."""

    label = ""

    def __init__(self, key: str, options: Mapping[str, Any]):
        self.key = key
        self.options = options

    @abstractmethod
    def pay_url(self, payment: Payment, return_url: str, language: str) -> str:
        """Where the payer's browser goes to pay `payment`."""

    @abstractmethod
    def read_callback(self, params: Mapping[str, str]) -> GatewayReport:
        """The report of a server-to-server notification; CallbackRefused if not genuine."""

    def read_return(self, params: Mapping[str, str]) -> GatewayReport:
        """The report the payer's browser brings back; shown, never acted upon."""
        return self.read_callback(params)

    @abstractmethod
    def answer(self, result: IpnResult) -> dict[str, str]:
        """The JSON body the gateway expects in reply to a notification."""

    @abstractmethod
    def query(self, payment: Payment) -> GatewayReport | None:
        """The gateway's current word on `payment` (None: it never saw it)."""

    @abstractmethod
    def refund(self, payment: Payment, requested_by: str) -> None:
        """Ask the gateway to give the money back; GatewayUnavailable when it refuses."""

    @abstractmethod
    def fetch_statement(self, day: datetime.date) -> bytes:
        """The gateway's statement file of `day`."""

    @abstractmethod
    def parse_statement(self, content: bytes) -> list[StatementLine]:
        """The lines of a statement file; StatementInvalid naming the bad line."""

    @abstractmethod
    def outcome_message(self, response_code: str) -> str:
        """What a response code means, for the payer."""


class UnknownProvider(LookupError):
    pass


def get(key: str) -> PaymentProvider:
    """The configured gateway named `key`."""
    options = settings.PAYMENT_PROVIDERS.get(key)
    if options is None:
        raise UnknownProvider(key)
    return import_string(options["CLASS"])(key, options)


def default() -> PaymentProvider | None:
    """The gateway citizens pay through, or None while online payment is switched off."""
    key = settings.PAYMENT_PROVIDER
    return get(key) if key in settings.PAYMENT_PROVIDERS else None


def fetch(request: urllib.request.Request, timeout: float) -> bytes:
    """What a gateway's server answers; GatewayUnavailable when it refuses, times out or
    answers with an error status."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except OSError as exc:
        raise GatewayUnavailable(str(exc)) from exc


def statement_rows(content: bytes, columns: Sequence[str]) -> Iterator[tuple[int, dict]]:
    """The rows of a gateway's CSV statement with their line numbers; StatementInvalid when it
    is not UTF-8 text or lacks one of `columns`."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementInvalid(_("The statement is not UTF-8 text.")) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise StatementInvalid(
            _("The statement lacks the columns %(columns)s.") % {"columns": ", ".join(missing)}
        )
    yield from enumerate(reader, start=2)
