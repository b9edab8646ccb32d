"""The gateway simulator the payment tests run against: its own process, real HTTP."""

from __future__ import annotations

import json

from motcua.payments import vnpay_signing as wire
from tests.payment_sandbox import SECRET, exchange, query_of, signed_pay_url

# ---------------------------------------------------------------- the simulator itself

BANNER = "MÔI TRƯỜNG THỬ NGHIỆM (SANDBOX)"


def test_every_page_says_it_is_a_sandbox(sandbox):
    status, page = sandbox.open(signed_pay_url(sandbox))
    assert status == 200 and BANNER in page and "10.000 VND" in page
    for path in ("/", "/khong-co-trang-nay"):
        assert BANNER in exchange("GET", f"{sandbox.url}{path}")[2].decode()
    location = sandbox.pay("LA0001", outcome="24")
    assert query_of(location)["vnp_ResponseCode"] == "24"
    status, page = sandbox.open(signed_pay_url(sandbox))
    assert BANNER in page and "Giao dịch đã được xử lý" in page


def test_a_request_not_signed_by_the_merchant_is_refused(sandbox):
    url = signed_pay_url(sandbox)
    status, page = sandbox.open(url.replace("vnp_Amount=1000000", "vnp_Amount=100"))
    assert status == 400 and "Sai chữ ký" in page and BANNER in page
    status, page = sandbox.open(signed_pay_url(sandbox, vnp_TmnCode="KHAC"))
    assert status == 400 and "vnp_TmnCode" in page
    status, page = sandbox.open(signed_pay_url(sandbox, vnp_ReturnUrl=""))
    assert status == 400 and "vnp_ReturnUrl" in page
    assert sandbox.state()["orders"] == []


def test_the_return_carries_the_gateways_signature(sandbox):
    sandbox.open(signed_pay_url(sandbox))
    location = sandbox.pay("LA0001", outcome="51")
    params = query_of(location)
    assert location.startswith("http://localhost/thanh-toan/ket-qua/vnpay/?")
    assert params["vnp_ResponseCode"] == "51" and params["vnp_TransactionStatus"] == "02"
    assert wire.verify(params, SECRET)
    assert not wire.verify({**params, "vnp_ResponseCode": "00"}, SECRET)


def test_an_order_past_its_expiry_can_only_time_out(sandbox):
    sandbox.open(signed_pay_url(sandbox, vnp_ExpireDate="20200526121500"))
    assert query_of(sandbox.pay("LA0001", outcome="00"))["vnp_ResponseCode"] == "11"


def test_control_api_explains_bad_requests(sandbox):
    status, _headers, body = exchange(
        "POST", f"{sandbox.url}/control/resend", b'{"reference": "KHONGCO"}'
    )
    assert status == 400 and "KHONGCO" in json.loads(body)["error"]
    status, _headers, body = exchange("POST", f"{sandbox.url}/control/config", b'{"ipn_mode": "x"}')
    assert status == 400
