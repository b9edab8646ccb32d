"""The national payment platform (PayGov): the payer's URL, the notification, the query and
refund API and the daily statement, in the wire format of `paygov_signing` (our model of a
protocol that is not public)."""

from __future__ import annotations

import datetime
import json
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.national import LinkState
from motcua.payments import paygov_signing as wire
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
from motcua.payments.vnpay import order_info

ANSWERS = {
    IpnResult.CONFIRMED: ("00", "Confirmed"),
    IpnResult.NOT_FOUND: ("01", "Order not found"),
    IpnResult.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    IpnResult.BAD_AMOUNT: ("04", "Invalid amount"),
    IpnResult.BAD_SIGNATURE: ("97", "Invalid checksum"),
    IpnResult.INVALID: ("99", "Invalid request"),
}
STATUS_BY_RESULT = {
    wire.PAID: PaymentStatus.PAID,
    wire.PENDING: "",
    wire.EXPIRED: PaymentStatus.EXPIRED,
    wire.CANCELLED: PaymentStatus.CANCELLED,
}
OUTCOMES = {
    wire.PAID: gettext_lazy("The payment went through."),
    wire.PENDING: gettext_lazy("The national payment platform has not settled the payment yet."),
    wire.EXPIRED: gettext_lazy("The time allowed for paying ran out."),
    wire.CANCELLED: gettext_lazy("You cancelled the payment."),
    "51": gettext_lazy("The account does not hold enough money."),
}


def _amount(raw: object) -> int:
    text = str(raw)
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _time(raw: object) -> datetime.datetime | None:
    try:
        return wire.parse_time(str(raw))
    except ValueError:
        return None


class PaygovProvider(PaymentProvider):
    label = "PayGov"

    def __init__(self, key: str, options: Mapping[str, Any]):
        super().__init__(key, options)
        self.merchant = options["MERCHANT_CODE"]
        self.secret = options["SECRET"]
        self.timeout = int(options.get("TIMEOUT", 10))

    def pay_url(self, payment: Payment, return_url: str, language: str) -> str:
        params = {
            "version": wire.VERSION,
            "merchant_code": self.merchant,
            "order_id": payment.reference,
            "dossier_code": payment.dossier.code,
            "amount": payment.amount,
            "currency": "VND",
            "order_info": order_info(payment),
            "locale": "en" if language == "en" else "vi",
            "return_url": return_url,
            "create_time": wire.format_time(payment.created_at),
            "expire_time": wire.format_time(payment.expires_at),
        }
        return f"{self.options['PAY_URL']}?{urlencode(wire.sign(params, self.secret))}"

    def read_callback(self, params: Mapping[str, str]) -> GatewayReport:
        if not wire.verify(params, self.secret):
            raise CallbackRefused(IpnResult.BAD_SIGNATURE, "checksum does not match")
        if params.get("merchant_code") != self.merchant:
            raise CallbackRefused(IpnResult.INVALID, "another merchant's transaction")
        if not params.get("order_id"):
            raise CallbackRefused(IpnResult.INVALID, "no order id")
        try:
            amount = _amount(params.get("amount", ""))
        except ValueError as exc:
            raise CallbackRefused(IpnResult.BAD_AMOUNT, "amount is not a VND amount") from exc
        return self._report(params, amount)

    def _report(self, params: Mapping[str, Any], amount: int) -> GatewayReport:
        result = str(params.get("result_code", ""))
        return GatewayReport(
            reference=str(params["order_id"]),
            amount=amount,
            currency=str(params.get("currency", "VND")),
            status=STATUS_BY_RESULT.get(result, PaymentStatus.FAILED),
            provider_transaction=str(params.get("transaction_id", ""))[:64],
            bank_code=str(params.get("bank_code", ""))[:32],
            paid_at=_time(params.get("pay_time", "")),
            response_code=result[:8],
        )

    def answer(self, result: IpnResult) -> dict[str, str]:
        code, message = ANSWERS[result]
        return {"code": code, "message": message}

    def outcome_message(self, response_code: str) -> str:
        known = OUTCOMES.get(response_code)
        if known:
            return str(known)
        return _("The bank did not accept the payment (code %(code)s).") % {"code": response_code}

    # ------------------------------------------------------------ the merchant API

    def query(self, payment: Payment) -> GatewayReport | None:
        answer = self._post({"command": "query", "order_id": payment.reference})
        if answer.get("code") == "01":
            return None
        if answer.get("code") != "00" or answer.get("order_id") != payment.reference:
            raise GatewayUnavailable(f"query answered {answer.get('code')}")
        try:
            return self._report(answer, _amount(answer.get("amount", "")))
        except ValueError as exc:
            raise GatewayUnavailable("query answered an amount that is not VND") from exc

    def refund(self, payment: Payment, requested_by: str) -> None:
        answer = self._post(
            {
                "command": "refund",
                "order_id": payment.reference,
                "amount": payment.amount,
                "requested_by": requested_by,
            }
        )
        if answer.get("code") != "00":
            raise GatewayUnavailable(f"refund answered {answer.get('code')}")

    def _post(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A signed API request; an answer without the platform's checksum is no answer."""
        body = wire.sign(
            {
                **fields,
                "merchant_code": self.merchant,
                "request_id": uuid.uuid4().hex,
                "request_time": wire.format_time(timezone.now()),
            },
            self.secret,
        )
        request = urllib.request.Request(
            self.options["API_URL"],
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        answer = json.loads(fetch(request, self.timeout))
        if not isinstance(answer, dict) or not wire.verify(answer, self.secret):
            raise GatewayUnavailable("the API's answer is not signed by the platform")
        return answer

    # ------------------------------------------------------------ the daily statement

    def fetch_statement(self, day: datetime.date) -> bytes:
        url = self.options.get("STATEMENT_URL")
        if not url:
            raise GatewayUnavailable(_("No statement address is configured for this gateway."))
        params = wire.sign({"merchant_code": self.merchant, "date": f"{day:%Y%m%d}"}, self.secret)
        return fetch(urllib.request.Request(f"{url}?{urlencode(params)}"), self.timeout)

    def parse_statement(self, content: bytes) -> list[StatementLine]:
        lines: dict[str, StatementLine] = {}
        for number, row in statement_rows(content, wire.STATEMENT_COLUMNS):
            line = _statement_row(row, number)
            if line.reference not in lines or line.status != PaymentStatus.FAILED:
                lines[line.reference] = line  # rows come in time order: the last word counts
        return list(lines.values())


def _statement_row(row: dict[str, str], number: int) -> StatementLine:
    reference = (row.get("order_id") or "").strip()
    kind = (row.get("type") or "").strip()
    try:
        amount = _amount((row.get("amount") or "").strip())
    except ValueError as exc:
        raise StatementInvalid(
            _("Line %(line)s: the amount is not a VND amount.") % {"line": number}
        ) from exc
    if not reference or kind not in (wire.PAYMENT, wire.REFUND):
        raise StatementInvalid(
            _("Line %(line)s: an order id and a type (payment or refund) are needed.")
            % {"line": number}
        )
    succeeded = (row.get("status") or "").strip() == wire.PAID
    if kind == wire.REFUND:
        status = PaymentStatus.REFUNDED if succeeded else PaymentStatus.PAID
    else:
        status = PaymentStatus.PAID if succeeded else PaymentStatus.FAILED
    return StatementLine(
        reference=reference,
        amount=amount,
        status=status,
        provider_transaction=(row.get("transaction_id") or "").strip(),
    )


def link_state() -> LinkState:
    """The national payment platform's state for the national portal connection page."""
    keys = [
        key
        for key, options in settings.PAYMENT_PROVIDERS.items()
        if options["CLASS"].endswith(".PaygovProvider")
    ]
    payments = Payment.objects.filter(provider__in=keys)
    last = payments.aggregate(last=Max("paid_at"))["last"]
    default = settings.PAYMENT_PROVIDER in keys
    return LinkState(
        configured=bool(keys),
        working=True if last else None,
        last_success=last,
        backlog=payments.filter(status=PaymentStatus.PENDING).count() if keys else None,
        detail=str(
            _("Citizens pay through it.") if default else _("Configured, not the default gateway.")
        )
        if keys
        else "",
    )
