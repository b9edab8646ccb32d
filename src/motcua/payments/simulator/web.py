"""The simulator's pages and endpoints, as a plain WSGI application.

Payer: GET /paymentv2/vpcpay.html (the order), POST /paymentv2/pay (pay, cancel or fail).
Merchant: POST /merchant_webapi/api/transaction (querydr, refund),
GET /merchant_webapi/statement (the day's CSV).
Tests: GET /control/state; POST /control/config, /control/release, /control/resend,
/control/corrupt, /control/reset (JSON bodies).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from motcua.payments.simulator.gateway import OUTCOMES, Gateway, GatewayError, Order
from motcua.payments.vnpay_signing import parse_time

Response = tuple[str, list[tuple[str, str]], bytes]
BANKS = ("NCB", "VIETCOMBANK", "VIETINBANK", "BIDV", "AGRIBANK", "TPBANK")
STYLE = """
body { font-family: system-ui, sans-serif; margin: 0; color: #1b1f24; line-height: 1.5; }
.sandbox { background: #b3261e; color: #fff; font-weight: 700; text-align: center;
  padding: .6rem 1rem; letter-spacing: .03em; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dt { color: #4a5560; } dd { margin: 0; font-weight: 600; }
button { font: inherit; font-weight: 700; padding: .6rem 1rem; margin: .3rem .3rem 0 0;
  border-radius: .3rem; border: 2px solid #0a4a86; background: #fff; color: #0a4a86; }
button.pay { background: #0a4a86; color: #fff; }
table { border-collapse: collapse; } td, th { border: 1px solid #c9d3dd; padding: .2rem .5rem; }
code, pre { background: #eef3f8; }
"""


def page(title: str, body: str, status: str = "200 OK") -> Response:
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · SANDBOX</title><style>{STYLE}</style></head><body>"
        '<p class="sandbox" role="banner">MÔI TRƯỜNG THỬ NGHIỆM (SANDBOX) — '
        "không có tiền thật nào được chuyển</p>"
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return status, [("Content-Type", "text/html; charset=utf-8")], html.encode()


def as_json(data: Any, status: str = "200 OK") -> Response:
    body = json.dumps(data, ensure_ascii=False).encode()
    return status, [("Content-Type", "application/json; charset=utf-8")], body


def refused(error: GatewayError) -> Response:
    body = (
        f"<p>Giao dịch không hợp lệ: {escape(error.message)} (mã {escape(error.code)}).</p>"
        "<p>Đơn vị chấp nhận thanh toán cần kiểm tra lại yêu cầu gửi sang cổng.</p>"
    )
    return page("Không thể xử lý giao dịch", body, "400 Bad Request")


def _money(amount_x100: str) -> str:
    return f"{int(amount_x100) // 100:,}".replace(",", ".") + " VND"


def _time(text: str) -> str:
    try:
        return parse_time(text).strftime("%H:%M:%S %d/%m/%Y")
    except ValueError:
        return "—"


def order_page(gateway: Gateway, order: Order) -> Response:
    params = order.params
    facts = (
        "<dl>"
        f"<dt>Đơn vị chấp nhận thanh toán</dt><dd>{escape(gateway.tmn_code)}</dd>"
        f"<dt>Mã giao dịch</dt><dd>{escape(order.reference)}</dd>"
        f"<dt>Nội dung</dt><dd>{escape(params['vnp_OrderInfo'])}</dd>"
        f"<dt>Số tiền</dt><dd id='amount'>{_money(params['vnp_Amount'])}</dd>"
        f"<dt>Hết hạn lúc</dt><dd>{_time(params.get('vnp_ExpireDate', ''))}</dd>"
        "</dl>"
    )
    if order.status != "pending":
        link = escape(gateway.return_url(order))
        body = (
            f"{facts}<p>Giao dịch đã được xử lý: {escape(OUTCOMES[order.response_code])}.</p>"
            f'<p><a href="{link}">Quay lại trang của đơn vị</a></p>'
        )
        return page("Giao dịch đã xử lý", body)
    banks = "".join(f"<option>{bank}</option>" for bank in BANKS)
    failures = "".join(
        f'<button type="submit" name="outcome" value="{code}">'
        f"Thất bại: {escape(text)} ({code})</button>"
        for code, text in OUTCOMES.items()
        if code not in ("00", "24", "11")
    )
    form = (
        '<form method="post" action="/paymentv2/pay">'
        f'<input type="hidden" name="vnp_TxnRef" value="{escape(order.reference)}">'
        f'<label for="bank">Ngân hàng</label> <select id="bank" name="bank">{banks}</select>'
        '<p><button type="submit" class="pay" name="outcome" value="00">Thanh toán</button>'
        '<button type="submit" name="outcome" value="24">Hủy giao dịch</button></p>'
        f"<p>{failures}</p></form>"
    )
    return page("Cổng thanh toán thử nghiệm", facts + form)


def home(gateway: Gateway) -> Response:
    state = gateway.state()
    rows = "".join(
        f"<tr><td>{escape(o['reference'])}</td><td>{o['amount']:,}</td>"
        f"<td>{escape(o['status'])}</td><td>{escape(o['response_code'])}</td></tr>"
        for o in state["orders"]
    )
    body = (
        f"<p>Mã đơn vị: <code>{escape(gateway.tmn_code)}</code>. IPN gửi tới: "
        f"<code>{escape(state['ipn_url'] or '(chưa cấu hình)')}</code>, chế độ "
        f"<code>{escape(state['ipn_mode'])}</code>; IPN đang giữ: {len(state['held'])}.</p>"
        "<h2>Giao dịch</h2><table><tr><th>Mã</th><th>Số tiền (VND)</th><th>Trạng thái</th>"
        f"<th>Mã phản hồi</th></tr>{rows}</table>"
        "<h2>API điều khiển (JSON)</h2><pre>"
        "GET  /control/state\n"
        'POST /control/config   {"ipn_url": "...", "ipn_mode": "immediate|hold|delay",'
        ' "delay_seconds": 5, "api_up": true}\n'
        'POST /control/release  {"ids": [2, 1]}\n'
        'POST /control/resend   {"reference": "...", "times": 10, "concurrent": false}\n'
        'POST /control/corrupt  {"reference": "...", "changes": {"vnp_Amount": "100"},'
        ' "resign": false}\n'
        "POST /control/reset\n"
        "GET  /merchant_webapi/statement?vnp_TmnCode=...&amp;vnp_Date=yyyyMMdd"
        "&amp;vnp_SecureHash=...</pre>"
    )
    return page("Cổng thanh toán thử nghiệm", body)


class Simulator:
    """The WSGI application around one `Gateway`."""

    def __init__(self, gateway: Gateway):
        self.gateway = gateway
        self.routes: dict[tuple[str, str], Callable[[dict, bytes], Response]] = {
            ("GET", "/"): lambda query, body: home(self.gateway),
            ("GET", "/paymentv2/vpcpay.html"): self.show_order,
            ("POST", "/paymentv2/pay"): self.pay,
            ("POST", "/merchant_webapi/api/transaction"): self.api,
            ("GET", "/merchant_webapi/statement"): self.statement,
            ("GET", "/control/state"): lambda query, body: as_json(self.gateway.state()),
            ("POST", "/control/config"): self.control(self._config),
            ("POST", "/control/release"): self.control(
                lambda data: {"answers": self.gateway.release(data.get("ids"))}
            ),
            ("POST", "/control/resend"): self.control(
                lambda data: {
                    "answers": self.gateway.resend(
                        data["reference"], int(data.get("times", 1)), bool(data.get("concurrent"))
                    )
                }
            ),
            ("POST", "/control/corrupt"): self.control(
                lambda data: {
                    "answer": self.gateway.corrupt(
                        data["reference"], data.get("changes", {}), bool(data.get("resign"))
                    )
                }
            ),
            ("POST", "/control/reset"): self.control(self._reset),
        }

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = (environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"))
        handler = self.routes.get(key)
        if handler is None:
            status, headers, body = page("Không tìm thấy trang", "", "404 Not Found")
        else:
            query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
            length = int(environ.get("CONTENT_LENGTH") or 0)
            status, headers, body = handler(query, environ["wsgi.input"].read(length))
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def show_order(self, query: dict, body: bytes) -> Response:
        try:
            return order_page(self.gateway, self.gateway.open_order(query))
        except GatewayError as error:
            return refused(error)

    def pay(self, query: dict, body: bytes) -> Response:
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        try:
            order = self.gateway.pay(
                form.get("vnp_TxnRef", ""), form.get("outcome", ""), form.get("bank", "")
            )
        except GatewayError as error:
            return refused(error)
        return "302 Found", [("Location", self.gateway.return_url(order))], b""

    def api(self, query: dict, body: bytes) -> Response:
        if not self.gateway.api_up:
            return as_json({"error": "Hệ thống đang bảo trì"}, "503 Service Unavailable")
        try:
            request = json.loads(body)
        except ValueError:
            return as_json({"error": "Yêu cầu không phải JSON"}, "400 Bad Request")
        return as_json(self.gateway.api(request if isinstance(request, dict) else {}))

    def statement(self, query: dict, body: bytes) -> Response:
        try:
            csv_text = self.gateway.statement(query)
        except GatewayError as error:
            return as_json({"code": error.code, "error": error.message}, "400 Bad Request")
        return "200 OK", [("Content-Type", "text/csv; charset=utf-8")], csv_text.encode()

    def control(self, action: Callable[[dict], Any]) -> Callable[[dict, bytes], Response]:
        """A control endpoint: a JSON body in, a JSON answer out, a clear error otherwise."""

        def handle(query: dict, body: bytes) -> Response:
            try:
                data = json.loads(body or b"{}")
                return as_json(action(data if isinstance(data, dict) else {}))
            except GatewayError as error:
                return as_json({"code": error.code, "error": error.message}, "400 Bad Request")
            except (ValueError, KeyError, TypeError) as error:
                return as_json({"error": f"Yêu cầu không hợp lệ: {error}"}, "400 Bad Request")

        return handle

    def _config(self, data: dict) -> dict:
        self.gateway.configure(data)
        return self.gateway.state()

    def _reset(self, data: dict) -> dict:
        self.gateway.reset(data.get("ipn_url", self.gateway.ipn_url))
        return self.gateway.state()
