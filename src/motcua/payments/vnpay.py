"""VNPay's redirect protocol 2.1.0: the payment URL, the return and IPN calls, the querydr and
refund API, and the daily statement file."""

from __future__ import annotations

import datetime
import json
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.payments import vnpay_signing as wire
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.providers import (
    CallbackRefused,
    GatewayReport,
    GatewayUnavailable,
    IpnResult,
    PaymentProvider,
    StatementInvalid,
    StatementLine,
    fetch,
    statement_rows,
)

IPN_ANSWERS = {
    IpnResult.CONFIRMED: ("00", "Confirm Success"),
    IpnResult.NOT_FOUND: ("01", "Order not found"),
    IpnResult.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    IpnResult.BAD_AMOUNT: ("04", "Invalid amount"),
    IpnResult.BAD_SIGNATURE: ("97", "Invalid signature"),
    IpnResult.INVALID: ("99", "Invalid request"),
}
OUTCOMES = {
    "00": gettext_lazy("The payment went through."),
    "07": gettext_lazy("The money was taken but the bank is checking the transaction."),
    "11": gettext_lazy("The time allowed for paying ran out."),
    "24": gettext_lazy("You cancelled the payment."),
    "51": gettext_lazy("The account does not hold enough money."),
    "65": gettext_lazy("The account has reached its daily limit."),
    "75": gettext_lazy("The bank is under maintenance."),
}
# Transaction states the gateway has not settled yet: pending, charged at the bank but not
# completed at the gateway, suspected fraud under review.
OPEN_TRANSACTION_STATES = frozenset({"01", "04", "07"})
PAYMENT, FULL_REFUND = "01", "02"
# A transaction's rows in a statement come to its latest state: refunded after paid after failed.
STATEMENT_RANK = {PaymentStatus.FAILED: 0, PaymentStatus.PAID: 1, PaymentStatus.REFUNDED: 2}
# The address our server calls the API from, as the protocol asks for one.
SERVER_IP = "127.0.0.1"


def order_info(payment: Payment) -> str:
    """The order's description, without diacritics as the gateway requires."""
    return f"Thanh toan phi le phi ho so {payment.dossier.code}"


def _callback_status(response_code: str, transaction_status: str) -> str:
    if transaction_status in OPEN_TRANSACTION_STATES:
        return ""
    if response_code == "00" and transaction_status == "00":
        return PaymentStatus.PAID
    if response_code == "24":
        return PaymentStatus.CANCELLED
    if response_code == "11":
        return PaymentStatus.EXPIRED
    return PaymentStatus.FAILED


def _query_status(transaction_status: str) -> str:
    if transaction_status in OPEN_TRANSACTION_STATES:
        return ""
    return PaymentStatus.PAID if transaction_status == "00" else PaymentStatus.FAILED


def _amount(raw: object) -> int:
    """VND from the protocol's amount (VND × 100); ValueError for anything else."""
    text = str(raw)
    if not text.isdigit() or int(text) % 100:
        raise ValueError(text)
    return int(text) // 100


def _time(raw: object) -> datetime.datetime | None:
    try:
        return wire.parse_time(str(raw))
    except ValueError:
        return None


class VnpayProvider(PaymentProvider):
    label = "VNPay"

    def __init__(self, key: str, options: Mapping[str, Any]):
        super().__init__(key, options)
        self.tmn_code = options["TMN_CODE"]
        self.secret = options["HASH_SECRET"]
        self.timeout = int(options.get("TIMEOUT", 10))

    # ------------------------------------------------------------ the payer's round trip

    def pay_url(self, payment: Payment, return_url: str, language: str) -> str:
        params = {
            "vnp_Version": wire.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": payment.amount * 100,
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.reference,
            "vnp_OrderInfo": order_info(payment),
            "vnp_OrderType": "billpayment",
            "vnp_Locale": "en" if language == "en" else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": payment.client_ip or SERVER_IP,
            "vnp_CreateDate": wire.format_time(payment.created_at),
            "vnp_ExpireDate": wire.format_time(payment.expires_at),
        }
        return f"{self.options['PAY_URL']}?{wire.signed_query(params, self.secret)}"

    def read_callback(self, params: Mapping[str, str]) -> GatewayReport:
        if not wire.verify(params, self.secret):
            raise CallbackRefused(IpnResult.BAD_SIGNATURE, "signature does not match")
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise CallbackRefused(IpnResult.INVALID, "another merchant's transaction")
        reference = params.get("vnp_TxnRef", "")
        if not reference:
            raise CallbackRefused(IpnResult.INVALID, "no transaction reference")
        try:
            amount = _amount(params.get("vnp_Amount", ""))
        except ValueError as exc:
            raise CallbackRefused(IpnResult.BAD_AMOUNT, "amount is not a VND amount") from exc
        response_code = params.get("vnp_ResponseCode", "")
        return GatewayReport(
            reference=reference,
            amount=amount,
            # VNPay only settles in VND; a currency, when given, must say so.
            currency=params.get("vnp_CurrCode", "VND"),
            status=_callback_status(response_code, params.get("vnp_TransactionStatus", "")),
            provider_transaction=params.get("vnp_TransactionNo", "")[:64],
            bank_code=params.get("vnp_BankCode", "")[:32],
            paid_at=_time(params.get("vnp_PayDate", "")),
            response_code=response_code[:8],
        )

    def answer(self, result: IpnResult) -> dict[str, str]:
        code, message = IPN_ANSWERS[result]
        return {"RspCode": code, "Message": message}

    def outcome_message(self, response_code: str) -> str:
        known = OUTCOMES.get(response_code)
        if known:
            return str(known)
        return _("The bank did not accept the payment (code %(code)s).") % {"code": response_code}

    # ------------------------------------------------------------ the merchant API

    def query(self, payment: Payment) -> GatewayReport | None:
        request = self._api_request(
            wire.QUERY_REQUEST_FIELDS,
            {
                "vnp_Command": "querydr",
                "vnp_TxnRef": payment.reference,
                "vnp_OrderInfo": order_info(payment),
                "vnp_TransactionDate": wire.format_time(payment.created_at),
            },
        )
        answer = self._post(request, wire.QUERY_ANSWER_FIELDS)
        code = answer.get("vnp_ResponseCode")
        if code == "91":  # the gateway never saw this transaction
            return None
        if code != "00" or answer.get("vnp_TxnRef") != payment.reference:
            raise GatewayUnavailable(f"querydr answered {code}: {answer.get('vnp_Message', '')}")
        try:
            amount = _amount(answer.get("vnp_Amount", ""))
        except ValueError as exc:
            raise GatewayUnavailable("querydr answered an amount that is not VND") from exc
        state = str(answer.get("vnp_TransactionStatus", ""))
        return GatewayReport(
            reference=payment.reference,
            amount=amount,
            status=_query_status(state),
            provider_transaction=str(answer.get("vnp_TransactionNo", ""))[:64],
            bank_code=str(answer.get("vnp_BankCode", ""))[:32],
            paid_at=_time(answer.get("vnp_PayDate", "")),
            response_code=state[:8],
        )

    def refund(self, payment: Payment, requested_by: str) -> None:
        request = self._api_request(
            wire.REFUND_REQUEST_FIELDS,
            {
                "vnp_Command": "refund",
                "vnp_TransactionType": FULL_REFUND,
                "vnp_TxnRef": payment.reference,
                "vnp_Amount": str(payment.amount * 100),
                "vnp_TransactionNo": payment.provider_transaction or "0",
                "vnp_TransactionDate": wire.format_time(payment.created_at),
                "vnp_CreateBy": requested_by,
                "vnp_OrderInfo": f"Hoan tien giao dich {payment.reference}",
            },
        )
        answer = self._post(request, wire.REFUND_ANSWER_FIELDS)
        if answer.get("vnp_ResponseCode") != "00":
            raise GatewayUnavailable(
                f"refund answered {answer.get('vnp_ResponseCode')}: {answer.get('vnp_Message', '')}"
            )

    def _api_request(self, fields: tuple[str, ...], values: dict[str, str]) -> dict[str, str]:
        common = {
            "vnp_RequestId": uuid.uuid4().hex,
            "vnp_Version": wire.VERSION,
            "vnp_TmnCode": self.tmn_code,
            "vnp_CreateDate": wire.format_time(timezone.now()),
            "vnp_IpAddr": SERVER_IP,
        }
        return wire.signed_api_message(fields, {**common, **values}, self.secret)

    def _post(self, body: dict[str, str], answer_fields: tuple[str, ...]) -> dict[str, Any]:
        """POST to the merchant API; an answer that is not signed by the gateway is no answer."""
        request = urllib.request.Request(
            self.options["API_URL"],
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        answer = json.loads(fetch(request, self.timeout))
        if not isinstance(answer, dict):
            raise GatewayUnavailable("the API answered something else than an object")
        if not wire.api_message_valid(answer_fields, answer, self.secret):
            raise GatewayUnavailable("the API's answer is not signed by the gateway")
        return answer

    # ------------------------------------------------------------ the daily statement

    def fetch_statement(self, day: datetime.date) -> bytes:
        url = self.options.get("STATEMENT_URL")
        if not url:
            raise GatewayUnavailable(_("No statement address is configured for this gateway."))
        params = wire.sign({"vnp_TmnCode": self.tmn_code, "vnp_Date": f"{day:%Y%m%d}"}, self.secret)
        return fetch(urllib.request.Request(f"{url}?{urlencode(params)}"), self.timeout)

    def parse_statement(self, content: bytes) -> list[StatementLine]:
        """One line per transaction: paid, failed, or refunded when a refund row follows."""
        lines: dict[str, StatementLine] = {}
        for number, row in statement_rows(content, wire.STATEMENT_COLUMNS):
            line = _statement_row(row, number)
            earlier = lines.get(line.reference)
            if earlier is None or STATEMENT_RANK[line.status] > STATEMENT_RANK[earlier.status]:
                lines[line.reference] = line
        return list(lines.values())


def _statement_row(row: dict[str, str], number: int) -> StatementLine:
    reference = (row.get("vnp_TxnRef") or "").strip()
    kind = (row.get("vnp_TransactionType") or "").strip()
    try:
        amount = _amount((row.get("vnp_Amount") or "").strip())
    except ValueError as exc:
        raise StatementInvalid(
            _("Line %(line)s: the amount is not a VND amount.") % {"line": number}
        ) from exc
    if not reference or kind not in (PAYMENT, FULL_REFUND):
        raise StatementInvalid(
            _("Line %(line)s: a transaction reference and type (01 or 02) are needed.")
            % {"line": number}
        )
    succeeded = (row.get("vnp_TransactionStatus") or "").strip() == "00"
    if kind == FULL_REFUND:
        status = PaymentStatus.REFUNDED if succeeded else PaymentStatus.PAID
    else:
        status = PaymentStatus.PAID if succeeded else PaymentStatus.FAILED
    return StatementLine(
        reference=reference,
        amount=amount,
        status=status,
        provider_transaction=(row.get("vnp_TransactionNo") or "").strip(),
    )
