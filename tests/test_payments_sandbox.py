"""The gateway simulator the payment tests run against: its own process, real HTTP.

The fixtures here (`sandbox`, `fee_procedure`) serve the other payment test modules.
"""

from __future__ import annotations

import http.client
import json
import selectors
import subprocess
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.utils import translation

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier
from motcua.payments import vnpay_signing as wire
from motcua.payments.models import Payment, PaymentStatus
from tests import factories

TMN_CODE = "MOTCUA01"
SECRET = "test-suite-sandbox-secret"
IPN_PATH = "/api/v1/payments/vnpay/ipn"


def exchange(method: str, url: str, body: bytes | None = None, headers=None):
    """One real HTTP exchange, redirects not followed: status, headers and body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Sandbox:
    """The simulator as a tester drives it: the payer's clicks and the control API."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

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

    def control(self, name: str, **data) -> dict:
        status, _headers, body = exchange(
            "POST",
            f"{self.url}/control/{name}",
            json.dumps(data).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 200, body
        return json.loads(body)

    def state(self) -> dict:
        return json.loads(exchange("GET", f"{self.url}/control/state")[2])

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


def vi(message) -> str:
    """A message as the Vietnamese interface shows it."""
    with translation.override("vi"):
        return translation.gettext(message) if isinstance(message, str) else str(message)


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


@pytest.fixture(scope="session")
def sandbox_url():
    """The simulator, started once for the run on a free port, stopped at the end."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "motcua.payments.simulator",
            "--port",
            "0",
            "--tmn-code",
            TMN_CODE,
            "--secret",
            SECRET,
            "--quiet",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    if not selector.select(timeout=30):
        process.kill()
        pytest.fail("the gateway simulator did not start within 30 seconds")
    first_line = process.stdout.readline().split()
    assert first_line and first_line[0] == "SANDBOX", first_line
    yield first_line[1]
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sandbox(sandbox_url, transactional_db, live_server, settings) -> Sandbox:
    """A fresh simulator state whose IPN calls reach this test's live server."""
    gateway = Sandbox(sandbox_url)
    gateway.control("reset", ipn_url=f"{live_server.url}{IPN_PATH}")
    settings.PAYMENT_PROVIDERS = gateway.provider_settings()
    settings.PAYMENT_PROVIDER = "vnpay"
    return gateway


@pytest.fixture
def fee_procedure(province):
    """A level-4 procedure with a fee and a charge per copy asked for in its form."""
    return factories.procedure(
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        code="1.001234",
        sector="Lý lịch tư pháp",
        tier="department",
        agencies=[province["justice"]],
        level=4,
        form_fields=[
            {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
            {"name": "so_ban", "label": "Số bản sao", "type": "integer", "required": False},
        ],
        fees=[
            {"kind": "fee", "description": "Lệ phí cấp Phiếu lý lịch tư pháp", "amount": 200000},
            {
                "kind": "charge",
                "description": "Phí cấp thêm bản",
                "amount": 5000,
                "per_field": "so_ban",
            },
        ],
    )


def submitted(procedure, applicant, **answers) -> Dossier:
    draft, _created = dossier_services.start_draft(
        procedure=procedure,
        agency=procedure.agencies.order_by("code").first(),
        applicant=applicant,
        form_data=answers,
    )
    return dossier_services.submit(draft, actor=applicant)


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
