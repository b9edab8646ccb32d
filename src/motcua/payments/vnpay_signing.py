"""The VNPay 2.1.0 wire format: what is signed, how, and how dates are written.

Plain Python on purpose: the gateway simulator speaks the same protocol without Django.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from urllib.parse import quote_plus

VERSION = "2.1.0"
# Dates travel as yyyyMMddHHmmss in Vietnam's time (GMT+7, no daylight saving).
VIETNAM = datetime.timezone(datetime.timedelta(hours=7), "GMT+7")
DATE_FORMAT = "%Y%m%d%H%M%S"
HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})


def hash_data(params: Mapping[str, object]) -> str:
    """The text that is signed: the non-empty vnp_ parameters sorted by name, URL-encoded."""
    items = sorted(
        (name, str(value))
        for name, value in params.items()
        if name.startswith("vnp_") and name not in HASH_FIELDS and str(value) != ""
    )
    return "&".join(f"{name}={quote_plus(value)}" for name, value in items)


def hmac_sha512(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def sign(params: Mapping[str, object], secret: str) -> dict[str, str]:
    """The non-empty parameters as text, with their vnp_SecureHash."""
    clean = {name: str(value) for name, value in params.items() if str(value) != ""}
    return {**clean, "vnp_SecureHash": hmac_sha512(secret, hash_data(clean))}


def signed_query(params: Mapping[str, object], secret: str) -> str:
    """A query string the gateway accepts: the signed text followed by its hash."""
    signed = sign(params, secret)
    return f"{hash_data(signed)}&vnp_SecureHash={signed['vnp_SecureHash']}"


def verify(params: Mapping[str, str], secret: str) -> bool:
    """Whether vnp_SecureHash is the signature of the other parameters with `secret`."""
    given = str(params.get("vnp_SecureHash", "")).lower()
    if not given.isascii():
        return False
    return hmac.compare_digest(given, hmac_sha512(secret, hash_data(params)))


def api_checksum(values: Sequence[object], secret: str) -> str:
    """The checksum of the querydr and refund API: fields in the protocol's order, joined by |."""
    return hmac_sha512(secret, "|".join("" if value is None else str(value) for value in values))


def format_time(moment: datetime.datetime) -> str:
    return moment.astimezone(VIETNAM).strftime(DATE_FORMAT)


def parse_time(text: str) -> datetime.datetime:
    """A protocol date as an aware datetime; ValueError when it is not one."""
    return datetime.datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VIETNAM)


# The querydr API's request and answer fields, in the order their checksum joins them.
QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
# A refund's answer signs the query answer's fields without the promotion ones.
REFUND_ANSWER_FIELDS = QUERY_ANSWER_FIELDS[:-2]
# The columns of the daily statement file (its format is documented in docs/configuration.md).
STATEMENT_COLUMNS = (
    "vnp_TxnRef",
    "vnp_TransactionNo",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
)


def signed_api_message(fields: Sequence[str], values: Mapping[str, object], secret: str) -> dict:
    """An API request or answer: `values` with the checksum of `fields` in order."""
    checksum = api_checksum([values.get(name, "") for name in fields], secret)
    return {**values, "vnp_SecureHash": checksum}


def api_message_valid(fields: Sequence[str], message: Mapping[str, object], secret: str) -> bool:
    given = str(message.get("vnp_SecureHash", "")).lower()
    expected = api_checksum([message.get(name, "") for name in fields], secret)
    return given.isascii() and hmac.compare_digest(given, expected)
