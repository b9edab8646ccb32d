"""The gateway simulator the payment tests run against: its own process, real HTTP.

Its fixtures (`sandbox_url`, `sandbox`) are in tests/conftest.py; the payment test modules
drive it through the helpers here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

from motcua.payments import vnpay_signing as wire
from motcua.payments.models import Payment, PaymentStatus
from tests.simulators import Controlled, exchange, running

TMN_CODE = "MOTCUA01"
SECRET = "test-suite-sandbox-secret"
IPN_PATH = "/api/v1/payments/vnpay/ipn"
# A configured gateway for the tests that never reach it (the `gateway` fixture).
GATEWAY = {
    "vnpay": {
        "CLASS": "motcua.payments.vnpay.VnpayProvider",
        "TMN_CODE": "MOTCUA01",
        "HASH_SECRET": "unit-test-secret",
        "PAY_URL": "https://sandbox.example.vn/paymentv2/vpcpay.html",
        "API_URL": "https://sandbox.example.vn/merchant_webapi/api/transaction",
        "STATEMENT_URL": "",
    }
}


@contextlib.contextmanager
def running_simulator(protocol: str, merchant: str, secret: str) -> Iterator[str]:
    """A gateway simulator of `protocol` in its own process on a free port: its address."""
    options = ("--protocol", protocol, "--port", "0", "--tmn-code", merchant, "--secret", secret)
    with running("motcua.payments.simulator", "SANDBOX", *options) as (url, *_rest):
        yield url


class Sandbox(Controlled):
    """The simulator as a tester drives it: the payer's clicks and the control API."""

    def __init__(self, url: str):
        self.url = self.control_url = url.rstrip("/")

    def provider_settings(self) -> dict[str, dict[str, str]]:
        return {
            "vnpay": {
                "CLASS": "motcua.payments.vnpay.VnpayProvider",
                "TMN_CODE": TMN_CODE,
                "HASH_SECRET": SECRET,
                "PAY_URL": f"{self.url}/paymentv2/vpcpay.html",
                "API_URL": f"{self.url}/merchant_webapi/api/transaction",
                "STATEMENT_URL": f"{self.url}/merchant_webapi/statement",
                "TIMEOUT": "10",
            }
        }

    def open(self, pay_url: str) -> tuple[int, str]:
        """The payer's browser opening the payment page."""
        status, _headers, body = exchange("GET", pay_url)
        return status, body.decode()

    def pay(self, reference: str, outcome: str = "00", bank: str = "NCB") -> str:
        """The payer's choice on the page; answers where the gateway sends the browser back."""
        form = urlencode({"vnp_TxnRef": reference, "outcome": outcome, "bank": bank}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, response_headers, body = exchange(
            "POST", f"{self.url}/paymentv2/pay", form, headers
        )
        assert status == 302, body
        return response_headers["Location"]

    def release(self, ids: list[int] | None = None) -> list[dict]:
        return self.control("release", ids=ids)["answers"]

    def resend(self, reference: str, times: int = 1, concurrent: bool = False) -> list[dict]:
        return self.control("resend", reference=reference, times=times, concurrent=concurrent)[
            "answers"
        ]

    def corrupt(self, reference: str, resign: bool, **changes: str) -> dict:
        return self.control("corrupt", reference=reference, changes=changes, resign=resign)[
            "answer"
        ]


def begin(client, sandbox, dossier) -> Payment:
    """The applicant clicks "pay" and their browser opens the gateway's page."""
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 302, response.content
    status, page = sandbox.open(response["Location"])
    assert status == 200, page
    return Payment.objects.get(dossier=dossier, status=PaymentStatus.PENDING)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def signed_pay_url(sandbox: Sandbox, **params: str) -> str:
    """A payment URL signed with the merchant's secret, as only the merchant can make one."""
    base = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": TMN_CODE,
        "vnp_Amount": "1000000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "LA0001",
        "vnp_OrderInfo": "Thanh toan thu",
        "vnp_OrderType": "billpayment",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": "http://localhost/thanh-toan/ket-qua/vnpay/",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CreateDate": "20200526120000",
        "vnp_ExpireDate": "20991231235959",
        **params,
    }
    return f"{sandbox.url}/paymentv2/vpcpay.html?{wire.signed_query(base, SECRET)}"
