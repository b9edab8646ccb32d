"""Paying through the national payment platform (PayGov) against its simulator, over real HTTP:
the payer's round trip, the notification taken by the payments flow, forged and wrong-amount
notifications refused, the query of a payment whose notification never came, refunds and the
statement."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from motcua.core import national
from motcua.core.models import AuditEntry
from motcua.payments import paygov_signing as wire
from motcua.payments import providers, services
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.signals import payment_settled
from tests.factories import submitted
from tests.payment_sandbox import exchange, path_of, query_of, running_simulator

pytestmark = pytest.mark.django_db(transaction=True)
MERCHANT = "MOTCUA-H57"
SECRET = "paygov-test-secret"
IPN_PATH = "/api/v1/payments/paygov/ipn"
DUE = 210_000


class Platform:
    """The simulator as a tester drives it."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def control(self, name: str, **data) -> dict:
        status, _headers, body = exchange(
            "POST", f"{self.url}/control/{name}", json.dumps(data).encode()
        )
        assert status == 200, body
        return json.loads(body)

    def state(self) -> dict:
        return json.loads(exchange("GET", f"{self.url}/control/state")[2])

    def pay(self, order_id: str, outcome: str = "00") -> str:
        form = f"order_id={order_id}&outcome={outcome}&bank=BIDV".encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, response_headers, body = exchange("POST", f"{self.url}/pay/confirm", form, headers)
        assert status == 302, body
        return response_headers["Location"]


@pytest.fixture(scope="session")
def paygov_url():
    with running_simulator("paygov", MERCHANT, SECRET) as url:
        yield url


@pytest.fixture
def platform(paygov_url, live_server, settings) -> Platform:
    platform = Platform(paygov_url)
    platform.control("reset", ipn_url=f"{live_server.url}{IPN_PATH}")
    settings.PAYMENT_PROVIDERS = {
        "paygov": {
            "CLASS": "motcua.payments.paygov.PaygovProvider",
            "MERCHANT_CODE": MERCHANT,
            "SECRET": SECRET,
            "PAY_URL": f"{platform.url}/pay",
            "API_URL": f"{platform.url}/api/transaction",
            "STATEMENT_URL": f"{platform.url}/api/statement",
            "TIMEOUT": "10",
        }
    }
    settings.PAYMENT_PROVIDER = "paygov"
    return platform


@pytest.fixture
def dossier(fee_procedure, citizen):
    return submitted(fee_procedure, citizen, ho_ten="Trần Văn Bình", so_ban=2)


def begin(client, platform: Platform, dossier) -> Payment:
    """The applicant clicks "pay" and their browser opens the platform's page."""
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 302 and response["Location"].startswith(platform.url)
    status, _headers, page = exchange("GET", response["Location"])
    assert status == 200 and "210.000 VND" in page.decode() and dossier.code in page.decode()
    return Payment.objects.get(dossier=dossier, status=PaymentStatus.PENDING)


def refusals() -> list[dict]:
    return [e.detail for e in AuditEntry.objects.filter(action="payment.ipn_refused")]


def test_paid_on_the_platform_then_settled_by_its_notification(signed_in, platform, dossier):
    settled = []
    payment_settled.connect(listen := lambda sender, payment, **kw: settled.append(payment.pk))
    try:
        payment = begin(signed_in, platform, dossier)
        back = platform.pay(payment.reference)
    finally:
        payment_settled.disconnect(listen)

    payment.refresh_from_db()
    assert payment.provider == "paygov" and payment.amount == DUE
    assert payment.status == PaymentStatus.PAID and payment.bank_code == "BIDV"
    assert payment.provider_transaction.startswith("PG") and settled == [payment.pk]
    assert platform.state()["sent"][0]["answer"] == {"code": "00", "message": "Confirmed"}
    assert wire.verify(query_of(back), SECRET)
    page = signed_in.get(path_of(back)).content.decode()
    assert "Đã thanh toán" in page
    assert platform.control("corrupt", order_id=payment.reference, changes={}, resign=True)[
        "answer"
    ] == {"code": "02", "message": "Order already confirmed"}


def lose_notifications(platform: Platform) -> str:
    """The platform's notifications go nowhere from now on; answers where they went before."""
    live = platform.state()["ipn_url"]
    platform.control("config", ipn_url="http://127.0.0.1:9/")
    return live


def test_forged_and_wrong_amount_notifications_change_nothing(signed_in, platform, dossier):
    payment = begin(signed_in, platform, dossier)
    platform.control("config", ipn_url=lose_notifications(platform))

    def notify(resign: bool, **changes: str) -> dict:
        answer = platform.control(
            "corrupt", order_id=payment.reference, changes=changes, resign=resign
        )
        return answer["answer"]

    with pytest.raises(AssertionError):
        notify(False)  # nothing paid yet: the platform has no notification to send
    live = lose_notifications(platform)
    platform.pay(payment.reference)
    platform.control("config", ipn_url=live)

    assert notify(False, result_code="00", amount="1000") == {
        "code": "97",
        "message": "Invalid checksum",
    }
    assert notify(True, amount="1000") == {"code": "04", "message": "Invalid amount"}
    assert notify(True, merchant_code="KHAC") == {"code": "99", "message": "Invalid request"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert [r["why"] for r in refusals()] == [
        "checksum does not match",
        f"1000 VND for {DUE} VND",
        "another merchant's transaction",
    ]
    assert notify(True) == {"code": "00", "message": "Confirmed"}  # the genuine one, late
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_a_payment_whose_notification_never_came_is_settled_by_asking(signed_in, platform, dossier):
    payment = begin(signed_in, platform, dossier)
    lose_notifications(platform)
    platform.pay(payment.reference)
    Payment.objects.filter(pk=payment.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert services.sweep() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.provider_transaction


def test_a_tampered_payment_request_is_refused_by_the_platform(signed_in, platform, dossier):
    response = signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/")
    tampered = response["Location"].replace(f"amount={DUE}", "amount=1000")
    status, _headers, page = exchange("GET", tampered)
    assert status == 400 and "checksum" in page.decode()
    assert platform.state()["orders"] == []


def test_refund_and_statement_through_the_platform_api(signed_in, platform, dossier, official):
    payment = begin(signed_in, platform, dossier)
    platform.pay(payment.reference)
    payment.refresh_from_db()
    services.refund(payment, official)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    gateway = providers.get("paygov")
    day = timezone.localdate()
    lines = gateway.parse_statement(gateway.fetch_statement(day))
    assert [(line.reference, line.amount, line.status) for line in lines] == [
        (payment.reference, DUE, PaymentStatus.REFUNDED)
    ]


def test_the_connection_page_hears_how_the_payment_platform_stands(signed_in, platform, dossier):
    assert national.state(national.PAYMENT).working is None
    payment = begin(signed_in, platform, dossier)
    assert national.state(national.PAYMENT).backlog == 1
    platform.pay(payment.reference)
    state = national.state(national.PAYMENT)
    assert state.configured and state.working and state.backlog == 0
    assert state.detail == "Người dân thanh toán qua nền tảng này."
