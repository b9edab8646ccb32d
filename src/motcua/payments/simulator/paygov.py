"""A simulator of the national payment platform (PayGov), speaking `paygov_signing`'s model.

Payer: GET /pay (the order), POST /pay/confirm (pay, cancel or fail).
Merchant: POST /api/transaction (query, refund), GET /api/statement (the day's CSV).
Tests: GET /control/state; POST /control/reset, /control/config (its notification address),
/control/corrupt (a notification changed, signed again or not) (JSON bodies).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import threading
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode

from motcua.payments import paygov_signing as wire
from motcua.payments.simulator.gateway import now
from motcua.payments.simulator.web import Response, as_json, page

REQUIRED = (
    "version",
    "merchant_code",
    "order_id",
    "amount",
    "currency",
    "order_info",
    "return_url",
    "create_time",
)
OUTCOMES = {
    "00": "Giao dịch thành công",
    "24": "Người nộp hủy giao dịch",
    "51": "Tài khoản không đủ số dư",
    "11": "Đã hết hạn chờ thanh toán",
}
STATUS_BY_OUTCOME = {"00": "paid", "24": "cancelled", "11": "expired"}


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Order:
    params: dict[str, str]
    status: str = "pending"
    result_code: str = ""
    transaction_id: str = ""
    bank_code: str = ""
    pay_time: str = ""
    refund_time: str = ""

    @property
    def order_id(self) -> str:
        return self.params["order_id"]


class Platform:
    """One merchant's view of the platform; thread-safe."""

    def __init__(self, merchant: str, secret: str, ipn_url: str = ""):
        self.merchant, self.secret = merchant, secret
        self.lock = threading.RLock()
        self.reset(ipn_url)

    def reset(self, ipn_url: str = "") -> None:
        with self.lock:
            self.ipn_url = ipn_url
            self.orders: dict[str, Order] = {}
            self.sent: list[dict[str, Any]] = []
            self._transactions = itertools.count(91_000_001)

    def state(self) -> dict[str, Any]:
        with self.lock:
            orders = [
                {"order_id": o.order_id, "amount": int(o.params["amount"]), "status": o.status}
                for o in self.orders.values()
            ]
            return {"ipn_url": self.ipn_url, "orders": orders, "sent": list(self.sent)}

    def open_order(self, params: dict[str, str]) -> Order:
        if not wire.verify(params, self.secret):
            raise Refused("97", "Sai mã kiểm tra (checksum)")
        if params.get("merchant_code") != self.merchant:
            raise Refused("02", "Mã đơn vị (merchant_code) không đúng")
        missing = [name for name in REQUIRED if not params.get(name)]
        if missing:
            raise Refused("03", f"Thiếu tham số: {', '.join(missing)}")
        if not params["amount"].isdigit() or params["currency"] != "VND":
            raise Refused("03", "Số tiền hoặc loại tiền không hợp lệ")
        request = {k: v for k, v in params.items() if k != wire.CHECKSUM}
        with self.lock:
            order = self.orders.setdefault(params["order_id"], Order(request))
            if order.params != request:
                raise Refused("94", "Mã đơn hàng (order_id) đã được dùng cho đơn khác")
        return order

    def pay(self, order_id: str, outcome: str, bank_code: str) -> Order:
        if outcome not in OUTCOMES:
            raise Refused("99", "Kết quả không hợp lệ")
        with self.lock:
            order = self._order(order_id)
            if order.status == "pending":
                expiry = order.params.get("expire_time", "")
                if expiry and wire.format_time(now()) > expiry:
                    outcome = wire.EXPIRED
                order.status = STATUS_BY_OUTCOME.get(outcome, "failed")
                order.result_code = outcome
                order.transaction_id = f"PG{next(self._transactions)}"
                order.bank_code = bank_code[:20] or "VIETCOMBANK"
                order.pay_time = wire.format_time(now())
        self.send(self.result(order))
        return order

    def _order(self, order_id: str) -> Order:
        order = self.orders.get(order_id)
        if order is None:
            raise Refused("01", f"Không tìm thấy đơn hàng {order_id}")
        return order

    def result(self, order: Order) -> dict[str, str]:
        """The signed fields of the notification and of the payer's return."""
        fields = {
            "merchant_code": self.merchant,
            "order_id": order.order_id,
            "amount": order.params["amount"],
            "currency": "VND",
            "result_code": order.result_code,
            "transaction_id": order.transaction_id,
            "bank_code": order.bank_code,
            "pay_time": order.pay_time,
        }
        return wire.sign(fields, self.secret)

    def send(self, params: dict[str, str]) -> dict[str, Any]:
        """GET the merchant's notification address; its JSON answer, or the error."""
        try:
            url = f"{self.ipn_url}?{urlencode(params)}"
            with urllib.request.urlopen(url, timeout=30) as response:
                answer = json.loads(response.read())
        except (OSError, ValueError) as exc:
            answer = {"error": str(exc)}
        with self.lock:
            self.sent.append({"order_id": params.get("order_id"), "answer": answer})
        return answer

    def corrupt(self, order_id: str, changes: dict[str, str], resign: bool) -> dict[str, Any]:
        """The order's notification with `changes`, signed again (a bad platform) or not."""
        with self.lock:
            order = self._order(order_id)
            if not order.result_code:
                raise Refused("01", f"Đơn hàng {order_id} chưa được thanh toán")
            params = {**self.result(order), **changes}
        if resign:
            params = wire.sign(params, self.secret)
        return self.send(params)

    def api(self, body: dict[str, Any]) -> dict[str, str]:
        if not wire.verify(body, self.secret) or body.get("merchant_code") != self.merchant:
            return wire.sign({"code": "97", "message": "Sai mã kiểm tra"}, self.secret)
        with self.lock:
            order = self.orders.get(str(body.get("order_id", "")))
            if order is None:
                return wire.sign({"code": "01", "message": "Không tìm thấy"}, self.secret)
            if body.get("command") == "query":
                answer = {**self.result(order), "code": "00"}
                if not order.result_code:
                    answer["result_code"] = wire.PENDING
                return wire.sign(answer, self.secret)
            refundable = (
                order.status == "paid" and str(body.get("amount")) == order.params["amount"]
            )
            if body.get("command") == "refund" and refundable:
                order.status, order.refund_time = "refunded", wire.format_time(now())
                return wire.sign({"code": "00", "order_id": order.order_id}, self.secret)
        return wire.sign({"code": "95", "message": "Không thực hiện được"}, self.secret)

    def statement(self, params: dict[str, str]) -> str:
        if not wire.verify(params, self.secret) or params.get("merchant_code") != self.merchant:
            raise Refused("97", "Sai mã kiểm tra hoặc mã đơn vị")
        day = params.get("date", "")
        output = io.StringIO()
        writer = csv.writer(output, lineterminator="\n")
        writer.writerow(wire.STATEMENT_COLUMNS)
        with self.lock:
            for order in self.orders.values():
                row = [order.order_id, order.transaction_id, order.params["amount"]]
                if order.pay_time.startswith(day) and day:
                    status = wire.PAID if order.result_code == wire.PAID else "99"
                    writer.writerow([*row, wire.PAYMENT, status, order.pay_time])
                if order.refund_time.startswith(day) and day:
                    writer.writerow([*row, wire.REFUND, wire.PAID, order.refund_time])
        return output.getvalue()


def order_page(order: Order) -> Response:
    params = order.params
    amount = f"{int(params['amount']):,}".replace(",", ".")
    facts = (
        f"<dl><dt>Mã đơn hàng</dt><dd>{escape(order.order_id)}</dd>"
        f"<dt>Hồ sơ</dt><dd>{escape(params.get('dossier_code', ''))}</dd>"
        f"<dt>Nội dung</dt><dd>{escape(params['order_info'])}</dd>"
        f"<dt>Số tiền</dt><dd id='amount'>{amount} VND</dd></dl>"
    )
    buttons = "".join(
        f'<button type="submit" name="outcome" value="{code}" class="{kind}">'
        f"{escape(text)}</button>"
        for code, text in OUTCOMES.items()
        if code != wire.EXPIRED
        for kind in ["pay" if code == wire.PAID else "other"]
    )
    form = (
        '<form method="post" action="/pay/confirm">'
        f'<input type="hidden" name="order_id" value="{escape(order.order_id)}">'
        '<input type="hidden" name="bank" value="VIETCOMBANK">'
        f"<p>{buttons}</p></form>"
    )
    return page("Nền tảng thanh toán quốc gia (PayGov) thử nghiệm", facts + form)


class PaygovSimulator:
    """The WSGI application around one `Platform`."""

    def __init__(self, platform: Platform):
        self.platform = platform
        self.routes: dict[tuple[str, str], Callable[[dict, bytes], Response]] = {
            ("GET", "/pay"): lambda query, body: order_page(self.platform.open_order(query)),
            ("POST", "/pay/confirm"): self.confirm,
            ("POST", "/api/transaction"): lambda query, body: as_json(
                self.platform.api(_object(body))
            ),
            ("GET", "/api/statement"): self.statement,
            ("GET", "/control/state"): lambda query, body: as_json(self.platform.state()),
            ("POST", "/control/reset"): lambda query, body: as_json(self._reset(_object(body))),
            ("POST", "/control/config"): lambda query, body: as_json(self._config(_object(body))),
            ("POST", "/control/corrupt"): lambda query, body: as_json(self._corrupt(_object(body))),
        }

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        handler = self.routes.get((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")))
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        try:
            status, headers, content = (
                handler(query, body) if handler else page("Không tìm thấy", "", "404 Not Found")
            )
        except (Refused, KeyError) as error:
            error = error if isinstance(error, Refused) else Refused("03", f"Thiếu {error}")
            message = f"<p>{escape(error.message)} (mã {escape(error.code)}).</p>"
            status, headers, content = page("Giao dịch không hợp lệ", message, "400 Bad Request")
        start_response(status, [*headers, ("Content-Length", str(len(content)))])
        return [content]

    def confirm(self, query: dict, body: bytes) -> Response:
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        order = self.platform.pay(
            form.get("order_id", ""), form.get("outcome", ""), form.get("bank", "")
        )
        back = f"{order.params['return_url']}?{urlencode(self.platform.result(order))}"
        return "302 Found", [("Location", back)], b""

    def statement(self, query: dict, body: bytes) -> Response:
        text = self.platform.statement(query)
        return "200 OK", [("Content-Type", "text/csv; charset=utf-8")], text.encode()

    def _reset(self, data: dict) -> dict:
        self.platform.reset(str(data.get("ipn_url", self.platform.ipn_url)))
        return self.platform.state()

    def _config(self, data: dict) -> dict:
        with self.platform.lock:
            self.platform.ipn_url = str(data.get("ipn_url", self.platform.ipn_url))
        return self.platform.state()

    def _corrupt(self, data: dict) -> dict:
        changes = {str(k): str(v) for k, v in dict(data.get("changes", {})).items()}
        answer = self.platform.corrupt(str(data["order_id"]), changes, bool(data.get("resign")))
        return {"answer": answer}


def _object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
