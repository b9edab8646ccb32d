"""The simulated gateway: orders, their outcome, the IPN calls and the merchant API.

No HTTP here except the IPN calls it makes; `web.py` serves it.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import threading
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from motcua.payments import vnpay_signing as wire

REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
)
# What a tester may make happen, by response code.
OUTCOMES = {
    "00": "Giao dịch thành công",
    "24": "Khách hàng hủy giao dịch",
    "51": "Tài khoản không đủ số dư",
    "65": "Tài khoản vượt quá hạn mức giao dịch trong ngày",
    "75": "Ngân hàng thanh toán đang bảo trì",
    "11": "Đã hết hạn chờ thanh toán",
}
STATUS_BY_OUTCOME = {"00": "paid", "24": "cancelled", "11": "expired"}
IPN_MODES = ("immediate", "hold", "delay")


class GatewayError(Exception):
    """A request the gateway refuses; `code` is the protocol's, `message` the tester's words."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Order:
    params: dict[str, str]
    status: str = "pending"
    response_code: str = ""
    transaction_no: str = ""
    bank_code: str = ""
    pay_date: str = ""
    refund_date: str = ""

    @property
    def reference(self) -> str:
        return self.params["vnp_TxnRef"]

    @property
    def expired(self) -> bool:
        expiry = self.params.get("vnp_ExpireDate")
        return bool(expiry) and wire.format_time(now()) > expiry

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "amount": int(self.params["vnp_Amount"]) // 100,
            "status": self.status,
            "response_code": self.response_code,
            "transaction_no": self.transaction_no,
            "pay_date": self.pay_date,
        }


@dataclass
class IpnCall:
    id: int
    reference: str
    params: dict[str, str]
    answer: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "reference": self.reference, "answer": self.answer}


def now() -> datetime.datetime:
    return datetime.datetime.now(wire.VIETNAM)


class Gateway:
    """One merchant's view of the gateway; thread-safe, as the server answers in threads."""

    def __init__(self, tmn_code: str, secret: str, ipn_url: str = ""):
        self.tmn_code = tmn_code
        self.secret = secret
        self.lock = threading.RLock()
        self.reset(ipn_url)

    def reset(self, ipn_url: str = "") -> None:
        with self.lock:
            self.ipn_url = ipn_url
            self.ipn_mode = "immediate"
            self.delay_seconds = 0.0
            self.api_up = True
            self.orders: dict[str, Order] = {}
            self.held: list[IpnCall] = []
            self.sent: list[IpnCall] = []
            self._call_ids = itertools.count(1)
            self._transactions = itertools.count(14_000_001)

    def configure(self, settings: dict[str, Any]) -> None:
        with self.lock:
            mode = settings.get("ipn_mode", self.ipn_mode)
            if mode not in IPN_MODES:
                raise GatewayError("99", f"ipn_mode phải là một trong {', '.join(IPN_MODES)}")
            self.ipn_mode = mode
            self.ipn_url = settings.get("ipn_url", self.ipn_url)
            self.delay_seconds = float(settings.get("delay_seconds", self.delay_seconds))
            self.api_up = bool(settings.get("api_up", self.api_up))

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "ipn_url": self.ipn_url,
                "ipn_mode": self.ipn_mode,
                "delay_seconds": self.delay_seconds,
                "api_up": self.api_up,
                "orders": [order.as_dict() for order in self.orders.values()],
                "held": [call.as_dict() for call in self.held],
                "sent": [call.as_dict() for call in self.sent],
            }

    # ------------------------------------------------------------ the payer's pages

    def open_order(self, params: dict[str, str]) -> Order:
        """The order a merchant's signed payment URL describes; GatewayError if it is not one."""
        if not wire.verify(params, self.secret):
            raise GatewayError("97", "Sai chữ ký (vnp_SecureHash)")
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise GatewayError("02", "Mã đơn vị (vnp_TmnCode) không đúng")
        missing = [name for name in REQUIRED if not params.get(name)]
        if missing:
            raise GatewayError("03", f"Thiếu tham số: {', '.join(missing)}")
        if params["vnp_Version"] != wire.VERSION or params["vnp_Command"] != "pay":
            raise GatewayError("03", "Phiên bản hoặc lệnh không được hỗ trợ")
        if not params["vnp_Amount"].isdigit() or params["vnp_CurrCode"] != "VND":
            raise GatewayError("03", "Số tiền hoặc loại tiền không hợp lệ")
        request = {k: v for k, v in params.items() if k not in wire.HASH_FIELDS}
        with self.lock:
            order = self.orders.get(params["vnp_TxnRef"])
            if order is None:
                order = self.orders[params["vnp_TxnRef"]] = Order(request)
            elif order.params != request:
                raise GatewayError("94", "Mã giao dịch (vnp_TxnRef) đã được dùng cho đơn khác")
        return order

    def pay(self, reference: str, outcome: str, bank_code: str) -> Order:
        """What the tester chose; an order past its expiry date can only time out."""
        if outcome not in OUTCOMES:
            raise GatewayError("99", "Kết quả không hợp lệ")
        with self.lock:
            order = self.orders.get(reference)
            if order is None:
                raise GatewayError("01", "Không tìm thấy giao dịch")
            if order.status != "pending":
                return order
            if order.expired:
                outcome = "11"
            order.status = STATUS_BY_OUTCOME.get(outcome, "failed")
            order.response_code = outcome
            order.transaction_no = str(next(self._transactions))
            order.bank_code = bank_code[:20] or "NCB"
            order.pay_date = wire.format_time(now())
        self.notify(order)
        return order

    def result_params(self, order: Order) -> dict[str, str]:
        """The signed parameters of the return and IPN calls."""
        paid = order.response_code == "00"
        params = {
            "vnp_Amount": order.params["vnp_Amount"],
            "vnp_BankCode": order.bank_code,
            "vnp_BankTranNo": f"VNP{order.transaction_no}" if paid else "",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": order.params["vnp_OrderInfo"],
            "vnp_PayDate": order.pay_date,
            "vnp_ResponseCode": order.response_code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": order.transaction_no,
            "vnp_TransactionStatus": "00" if paid else "02",
            "vnp_TxnRef": order.reference,
        }
        return wire.sign(params, self.secret)

    def return_url(self, order: Order) -> str:
        return f"{order.params['vnp_ReturnUrl']}?{urlencode(self.result_params(order))}"

    # ------------------------------------------------------------ IPN calls

    def notify(self, order: Order) -> None:
        """Send the order's IPN as the current mode says: now, later, or when released."""
        call = self._call(order.reference, self.result_params(order))
        with self.lock:
            mode, delay = self.ipn_mode, self.delay_seconds
            if mode == "hold":
                self.held.append(call)
                return
        if mode == "delay":
            threading.Timer(delay, self.send, [call]).start()
        else:
            self.send(call)

    def _call(self, reference: str, params: dict[str, str]) -> IpnCall:
        with self.lock:
            return IpnCall(next(self._call_ids), reference, params)

    def send(self, call: IpnCall) -> dict[str, Any]:
        """GET the merchant's IPN URL with the call's parameters; its JSON answer, or the error."""
        url = f"{self.ipn_url}?{urlencode(call.params)}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                call.answer = json.loads(response.read())
        except (OSError, ValueError) as exc:
            call.answer = {"error": str(exc)}
        with self.lock:
            self.sent.append(call)
        return call.answer

    def release(self, ids: list[int] | None = None) -> list[dict[str, Any]]:
        """Send held calls, in the order of `ids` (all of them, oldest first, by default)."""
        with self.lock:
            by_id = {call.id: call for call in self.held}
            chosen = [by_id[i] for i in ids if i in by_id] if ids else list(self.held)
            self.held = [call for call in self.held if call not in chosen]
        return [self.send(call) for call in chosen]

    def resend(self, reference: str, times: int, concurrent: bool) -> list[dict[str, Any]]:
        """The order's IPN again, `times` times: one after the other, or all at once."""
        order = self._order(reference)
        calls = [self._call(reference, self.result_params(order)) for _ in range(times)]
        if not concurrent:
            return [self.send(call) for call in calls]
        start = threading.Barrier(len(calls))

        def send_together(call: IpnCall) -> None:
            start.wait(timeout=30)
            self.send(call)

        threads = [threading.Thread(target=send_together, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return [call.answer for call in calls]

    def corrupt(self, reference: str, changes: dict[str, str], resign: bool) -> dict[str, Any]:
        """The order's IPN with `changes`, signed again (a bad gateway) or not (a forger)."""
        params = {**self.result_params(self._order(reference)), **changes}
        if resign:
            unsigned = {k: v for k, v in params.items() if k not in wire.HASH_FIELDS}
            params = wire.sign(unsigned, self.secret)
        return self.send(self._call(reference, params))

    def _order(self, reference: str) -> Order:
        with self.lock:
            order = self.orders.get(reference)
        if order is None or not order.response_code:
            raise GatewayError("01", f"Không có giao dịch đã xử lý mang mã {reference}")
        return order

    # ------------------------------------------------------------ the merchant API

    def api(self, body: dict[str, Any]) -> dict[str, Any]:
        """querydr and refund, answered and signed as the gateway does."""
        command = body.get("vnp_Command")
        if command == "querydr":
            return self._querydr(body)
        if command == "refund":
            return self._refund(body)
        return self._api_answer(wire.QUERY_ANSWER_FIELDS, body, "03", "Lệnh không được hỗ trợ")

    def _querydr(self, body: dict[str, Any]) -> dict[str, Any]:
        fields = wire.QUERY_ANSWER_FIELDS
        if not wire.api_message_valid(wire.QUERY_REQUEST_FIELDS, body, self.secret):
            return self._api_answer(fields, body, "97", "Sai chữ ký")
        if body.get("vnp_TmnCode") != self.tmn_code:
            return self._api_answer(fields, body, "02", "Mã đơn vị không đúng")
        with self.lock:
            order = self.orders.get(str(body.get("vnp_TxnRef", "")))
        if order is None:
            return self._api_answer(fields, body, "91", "Không tìm thấy giao dịch")
        return self._api_answer(fields, body, "00", "Truy vấn thành công", order)

    def _refund(self, body: dict[str, Any]) -> dict[str, Any]:
        fields = wire.REFUND_ANSWER_FIELDS
        if not wire.api_message_valid(wire.REFUND_REQUEST_FIELDS, body, self.secret):
            return self._api_answer(fields, body, "97", "Sai chữ ký")
        with self.lock:
            order = self.orders.get(str(body.get("vnp_TxnRef", "")))
            if order is None:
                return self._api_answer(fields, body, "91", "Không tìm thấy giao dịch")
            if order.status != "paid" or body.get("vnp_Amount") != order.params["vnp_Amount"]:
                return self._api_answer(fields, body, "95", "Giao dịch không thể hoàn tiền")
            order.status = "refunded"
            order.refund_date = wire.format_time(now())
        return self._api_answer(fields, body, "00", "Hoàn tiền thành công", order)

    def _api_answer(
        self,
        fields: tuple[str, ...],
        body: dict[str, Any],
        code: str,
        message: str,
        order: Order | None = None,
    ) -> dict[str, Any]:
        answer = {
            "vnp_ResponseId": f"{next(self._transactions)}",
            "vnp_Command": str(body.get("vnp_Command", "")),
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": str(body.get("vnp_TxnRef", "")),
        }
        if order is not None:
            answer.update(
                {
                    "vnp_Amount": order.params["vnp_Amount"],
                    "vnp_BankCode": order.bank_code,
                    "vnp_PayDate": order.pay_date,
                    "vnp_TransactionNo": order.transaction_no,
                    "vnp_TransactionType": "02" if order.refund_date else "01",
                    "vnp_TransactionStatus": _transaction_status(order),
                    "vnp_OrderInfo": order.params["vnp_OrderInfo"],
                }
            )
        return wire.signed_api_message(fields, answer, self.secret)

    # ------------------------------------------------------------ the daily statement

    def statement(self, params: dict[str, str]) -> str:
        """The CSV of a day's transactions: one row per payment, one more per refund."""
        if not wire.verify(params, self.secret) or params.get("vnp_TmnCode") != self.tmn_code:
            raise GatewayError("97", "Sai chữ ký hoặc mã đơn vị")
        day = params.get("vnp_Date", "")
        if len(day) != 8 or not day.isdigit():
            raise GatewayError("03", "vnp_Date phải có dạng yyyyMMdd")
        output = io.StringIO()
        writer = csv.writer(output, lineterminator="\n")
        writer.writerow(wire.STATEMENT_COLUMNS)
        with self.lock:
            orders = list(self.orders.values())
        for order in orders:
            row = [order.reference, order.transaction_no, order.params["vnp_Amount"]]
            if order.pay_date.startswith(day):
                paid = order.response_code == "00"
                status = "00" if paid else "02"
                writer.writerow([*row, order.bank_code, order.pay_date, "01", status])
            if order.refund_date.startswith(day):
                writer.writerow([*row, order.bank_code, order.refund_date, "02", "00"])
        return output.getvalue()


def _transaction_status(order: Order) -> str:
    if not order.response_code:
        return "01"
    return "00" if order.response_code == "00" else "02"
