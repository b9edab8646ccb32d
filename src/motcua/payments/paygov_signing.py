"""The wire format we model for the national payment platform (PayGov, Nền tảng thanh toán
trực tuyến của Cổng Dịch vụ công quốc gia).

PayGov's merchant protocol is not public, so this is our model of it, kept in this one module
(and docs/configuration.md, "PayGov") so that the real one replaces it here:

- Every message (the payment request in the payer's URL, the notification, the API's requests
  and answers, the statement request) is a flat set of text fields plus `checksum`: the
  HMAC-SHA256, hex, under the secret shared with the platform, of the non-empty fields other
  than `checksum`, sorted by name and joined as `name=value&name=value` (values raw, not
  URL-encoded).
- Amounts are whole VND; times are yyyyMMddHHmmss in Vietnam's time (GMT+7).
- `result_code`: 00 paid, 01 not settled yet, 11 expired, 24 cancelled by the payer,
  51 insufficient funds, 99 other failure.

Plain Python on purpose: the simulator speaks it without Django.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from motcua.payments.vnpay_signing import VIETNAM, format_time, parse_time

__all__ = ["VIETNAM", "format_time", "parse_time", "sign", "verify"]

VERSION = "1.0"
CHECKSUM = "checksum"
PAID, PENDING, EXPIRED, CANCELLED = "00", "01", "11", "24"
# The daily statement's columns: one row per payment, one more per refund.
STATEMENT_COLUMNS = ("order_id", "transaction_id", "amount", "type", "status", "time")
PAYMENT, REFUND = "payment", "refund"


def signing_text(params: Mapping[str, object]) -> str:
    items = sorted(
        (name, str(value))
        for name, value in params.items()
        if name != CHECKSUM and value is not None and str(value) != ""
    )
    return "&".join(f"{name}={value}" for name, value in items)


def checksum(params: Mapping[str, object], secret: str) -> str:
    return hmac.new(secret.encode(), signing_text(params).encode(), hashlib.sha256).hexdigest()


def sign(params: Mapping[str, object], secret: str) -> dict[str, str]:
    """The non-empty fields as text, with their checksum."""
    clean = {name: str(value) for name, value in params.items() if str(value) != ""}
    clean.pop(CHECKSUM, None)
    return {**clean, CHECKSUM: checksum(clean, secret)}


def verify(params: Mapping[str, object], secret: str) -> bool:
    given = str(params.get(CHECKSUM, "")).lower()
    return given.isascii() and hmac.compare_digest(given, checksum(params, secret))
