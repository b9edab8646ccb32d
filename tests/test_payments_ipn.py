"""Payments against the running gateway simulator, over real HTTP: the IPN in every order and
shape a gateway (or a forger) may send it, the sweep of attempts whose IPN never came, refunds
and the e-receipt."""

# The shared fixtures (the simulator, a procedure with fees) are imported by name, and the
# tests take them as arguments of the same name.

from __future__ import annotations

import datetime
import io
import time
import unicodedata

import pytest
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.core.models import AuditEntry
from motcua.payments import services, tasks
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.signals import payment_settled
from tests.factories import submitted, vi
from tests.payment_sandbox import IPN_PATH, begin, exchange, path_of

pytestmark = pytest.mark.django_db(transaction=True)
DUE = 210_000  # 200.000 đồng, and 2 copies at 5.000 đồng


@pytest.fixture
def dossier(fee_procedure, citizen):
    return submitted(fee_procedure, citizen, ho_ten="Trần Văn Bình", so_ban=2)


@pytest.fixture
def settled():
    """The (payment, state) pairs `payment_settled` announced during the test."""
    received = []

    def listen(sender, payment, **kwargs):
        received.append((payment.pk, payment.status))

    payment_settled.connect(listen)
    yield received
    payment_settled.disconnect(listen)


def status_changes(payment: Payment, to_status: str) -> int:
    entries = AuditEntry.objects.filter(
        action="payment.status", detail__reference=payment.reference
    )
    return sum(1 for entry in entries if entry.detail["to_status"] == to_status)


def refusals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="payment.ipn_refused"))


def overdue(payment: Payment) -> None:
    """The attempt's time ran out (without waiting for it)."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    Payment.objects.filter(pk=payment.pk).update(expires_at=past)


def test_ipn_before_the_return_the_page_shows_it_paid(signed_in, sandbox, dossier, settled):
    payment = begin(signed_in, sandbox, dossier)
    assert payment.amount == DUE == dossier.fee_amount
    back = sandbox.pay(payment.reference, bank="VIETCOMBANK")  # the IPN is answered first

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert payment.bank_code == "VIETCOMBANK" and payment.provider_transaction
    assert settled == [(payment.pk, PaymentStatus.PAID)]
    assert sandbox.state()["sent"][0]["answer"] == {"RspCode": "00", "Message": "Confirm Success"}

    page = signed_in.get(path_of(back)).content.decode()
    assert vi(PaymentStatus.PAID.label) in page
    assert f"/thanh-toan/giao-dich/{payment.reference}/bien-lai.pdf" in page
    detail = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert vi(PaymentStatus.PAID.label) in detail and "210.000 đồng" in detail


def test_a_return_without_ipn_shows_awaiting_and_changes_nothing(
    signed_in, sandbox, dossier, settled
):
    sandbox.control("config", ipn_mode="hold")
    payment = begin(signed_in, sandbox, dossier)
    back = sandbox.pay(payment.reference)
    entries = AuditEntry.objects.count()

    response = signed_in.get(path_of(back))
    page = response.content.decode()
    assert response.status_code == 200 and vi("Awaiting confirmation") in page
    assert 'hx-trigger="every 3s"' in page  # the page follows the payment by itself
    forged = signed_in.get(path_of(back).replace("vnp_Amount=21000000", "vnp_Amount=100"))
    assert forged.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and settled == []
    assert AuditEntry.objects.count() == entries

    assert [answer["RspCode"] for answer in sandbox.release()] == ["00"]
    later = signed_in.get(f"/thanh-toan/giao-dich/{payment.reference}/").content.decode()
    assert vi(PaymentStatus.PAID.label) in later and 'hx-trigger="every 3s"' not in later


def test_the_same_ipn_ten_times_credits_once(signed_in, sandbox, dossier, settled):
    sandbox.control("config", ipn_mode="hold")
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)

    answers = sandbox.resend(payment.reference, times=10)
    assert [a["RspCode"] for a in answers] == ["00"] + ["02"] * 9
    assert sandbox.release()[0]["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert settled == [(payment.pk, PaymentStatus.PAID)]
    assert status_changes(payment, PaymentStatus.PAID) == 1
    assert refusals() == []  # a repeat is acknowledged, not refused


def test_a_tampered_ipn_is_refused_logged_and_changes_nothing(
    signed_in, sandbox, dossier, settled, live_server
):
    sandbox.control("config", ipn_mode="hold")
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)

    assert sandbox.corrupt(payment.reference, resign=False, vnp_Amount="100")["RspCode"] == "97"
    forged = f"{live_server.url}{IPN_PATH}?vnp_TxnRef={payment.reference}&vnp_ResponseCode=00"
    assert exchange("GET", forged)[2] == b'{"RspCode":"97","Message":"Invalid signature"}'
    odd_hash = f"{forged}&vnp_SecureHash=%C3%A1"
    assert b'"97"' in exchange("GET", odd_hash)[2]

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and settled == []
    logged = refusals()
    assert len(logged) == 3
    assert all(entry.detail["answer"]["RspCode"] == "97" for entry in logged)
    assert logged[0].detail["params"]["vnp_Amount"] == "100"
    assert logged[0].detail["source_ip"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("changes", "code", "logged_on_dossier"),
    [
        ({"vnp_Amount": "10000000"}, "04", True),  # 100.000 đồng for 210.000
        ({"vnp_CurrCode": "USD"}, "04", True),
        ({"vnp_Amount": "21000050"}, "04", False),  # not a whole number of đồng
        ({"vnp_TxnRef": "KHONGCO0001"}, "01", False),
        ({"vnp_TmnCode": "KHAC0001"}, "99", False),
    ],
)
def test_a_signed_ipn_that_does_not_match_is_refused(
    signed_in, sandbox, dossier, settled, changes, code, logged_on_dossier
):
    sandbox.control("config", ipn_mode="hold")
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)

    assert sandbox.corrupt(payment.reference, resign=True, **changes)["RspCode"] == code
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and settled == []
    (entry,) = refusals()
    assert entry.detail["answer"]["RspCode"] == code
    assert entry.object_ref == (dossier.code if logged_on_dossier else "payment:vnpay")
    assert sandbox.release()[0]["RspCode"] == "00"  # the genuine one still counts


def test_an_ipn_for_an_unknown_gateway_is_not_found(sandbox, live_server):
    status, _headers, _body = exchange("GET", f"{live_server.url}/api/v1/payments/khac/ipn")
    assert status == 404


def test_a_late_ipn_credits_an_attempt_expired_while_the_gateway_was_silent(
    signed_in, sandbox, dossier, settled
):
    sandbox.control("config", ipn_mode="hold", api_up=False)
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)
    overdue(payment)

    assert tasks.sweep_pending_payments.delay().get() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    (expiry,) = AuditEntry.objects.filter(action="payment.status", detail__to_status="expired")
    assert "gateway not answering" in expiry.detail["via"]

    assert sandbox.release()[0]["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert settled == [(payment.pk, PaymentStatus.PAID)]
    assert services.summary(dossier).paid == payment


def test_the_sweep_asks_the_gateway_and_the_late_ipn_finds_it_settled(
    signed_in, sandbox, dossier, settled
):
    sandbox.control("config", ipn_mode="hold")
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)
    overdue(payment)

    tasks.sweep_pending_payments.delay()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.provider_transaction
    (credit,) = AuditEntry.objects.filter(action="payment.status", detail__to_status="paid")
    assert credit.detail["via"] == "query"
    assert sandbox.release()[0]["RspCode"] == "02"
    assert settled == [(payment.pk, PaymentStatus.PAID)]


def test_attempts_never_paid_expire_and_a_new_one_can_start(signed_in, sandbox, dossier):
    opened = begin(signed_in, sandbox, dossier)  # the gateway knows it, nobody paid
    overdue(opened)
    assert services.sweep() == 1
    opened.refresh_from_db()
    assert opened.status == PaymentStatus.EXPIRED

    response = signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/")  # never opened this time
    never_opened = Payment.objects.get(dossier=dossier, status=PaymentStatus.PENDING)
    assert never_opened.reference != opened.reference and response.status_code == 302
    overdue(never_opened)
    services.sweep()
    never_opened.refresh_from_db()
    assert never_opened.status == PaymentStatus.EXPIRED
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert vi(PaymentStatus.EXPIRED.label) in page and vi("Pay online") in page


def test_a_delayed_ipn_arrives_after_the_payer_is_back(signed_in, sandbox, dossier):
    sandbox.control("config", ipn_mode="delay", delay_seconds=1)
    payment = begin(signed_in, sandbox, dossier)
    back = sandbox.pay(payment.reference)
    assert vi("Awaiting confirmation") in signed_in.get(path_of(back)).content.decode()
    deadline = time.monotonic() + 15
    while not sandbox.state()["sent"] and time.monotonic() < deadline:
        time.sleep(0.2)  # the gateway notes each call once it has our answer
    assert sandbox.state()["sent"][0]["answer"]["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_ipns_released_in_reverse_order_credit_their_own_dossier(
    signed_in, sandbox, fee_procedure, citizen
):
    sandbox.control("config", ipn_mode="hold")
    first = submitted(fee_procedure, citizen, ho_ten="A", so_ban=0)
    second = submitted(fee_procedure, citizen, ho_ten="B", so_ban=4)
    payments = [begin(signed_in, sandbox, d) for d in (first, second)]
    for payment in payments:
        sandbox.pay(payment.reference)
    held = [call["id"] for call in sandbox.state()["held"]]

    assert [a["RspCode"] for a in sandbox.release(list(reversed(held)))] == ["00", "00"]
    for payment, amount in zip(payments, (200_000, 220_000), strict=True):
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.PAID and payment.amount == amount
    assert payments[0].provider_transaction != payments[1].provider_transaction


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a server's concurrent connections; CI runs the suite on PostgreSQL as well",
)
def test_simultaneous_ipns_for_one_payment_credit_it_once(signed_in, sandbox, dossier, settled):
    sandbox.control("config", ipn_mode="hold")
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)

    answers = sandbox.resend(payment.reference, times=20, concurrent=True)
    assert sorted(a["RspCode"] for a in answers) == ["00"] + ["02"] * 19
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert settled == [(payment.pk, PaymentStatus.PAID)]
    assert status_changes(payment, PaymentStatus.PAID) == 1


def test_a_cancelled_or_failed_payment_can_be_tried_again(signed_in, sandbox, dossier):
    payment = begin(signed_in, sandbox, dossier)
    back = sandbox.pay(payment.reference, outcome="24")
    page = signed_in.get(path_of(back)).content.decode()
    assert vi("You cancelled the payment.") in page and vi("Pay again") in page
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED

    detail = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert vi(PaymentStatus.CANCELLED.label) in detail and vi("Pay online") in detail
    second = begin(signed_in, sandbox, dossier)
    sandbox.pay(second.reference, outcome="51")
    second.refresh_from_db()
    assert second.status == PaymentStatus.FAILED and second.response_code == "51"
    third = begin(signed_in, sandbox, dossier)
    sandbox.pay(third.reference)
    third.refresh_from_db()
    assert third.status == PaymentStatus.PAID
    response = signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/", follow=True)
    assert vi("The fees of this dossier are already paid.") in response.content.decode()
    assert dossier.payments.count() == 3


def test_a_refund_goes_through_the_gateway(signed_in, sandbox, dossier, settled):
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)
    admin = User.objects.create_superuser("quantri", password="x")

    services.refund(Payment.objects.get(pk=payment.pk), admin)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_at is not None
    assert settled == [(payment.pk, PaymentStatus.PAID), (payment.pk, PaymentStatus.REFUNDED)]
    assert sandbox.state()["orders"][0]["status"] == "refunded"
    with pytest.raises(services.PaymentRefused):
        services.refund(payment, admin)


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in pages))


def test_the_e_receipt_is_the_payers_alone(signed_in, sandbox, dossier, client):
    payment = begin(signed_in, sandbox, dossier)
    address = f"/thanh-toan/giao-dich/{payment.reference}/bien-lai.pdf"
    assert signed_in.get(address).status_code == 404  # not paid yet
    sandbox.pay(payment.reference)

    response = signed_in.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for written in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        payment.reference,
        dossier.code,
        "Trần Văn Bình",
        "210.000 đồng",
        "Hai trăm mười nghìn đồng",
        "5.000 đồng",
        "VNPay",
    ):
        assert written in text, written

    other = User.objects.create_user("0905999888", password="x")
    client.force_login(other)
    assert client.get(address).status_code == 404
    assert client.get(f"/thanh-toan/giao-dich/{payment.reference}/").status_code == 404
    assert client.post(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 404


def test_a_gateway_contradicting_a_settled_payment_is_written_down(
    signed_in, sandbox, dossier, settled
):
    payment = begin(signed_in, sandbox, dossier)
    sandbox.pay(payment.reference)
    said_failed = {"vnp_ResponseCode": "51", "vnp_TransactionStatus": "02"}
    assert sandbox.corrupt(payment.reference, resign=True, **said_failed)["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and len(settled) == 1
    (entry,) = refusals()
    assert entry.detail["why"] == "says failed, payment is paid"
