"""Fees and their payment without a gateway at hand: what a dossier owes, who may pay it,
what the desk may do before it is paid, the signature scheme, and the API."""

# The shared fixtures (the simulator, a procedure with fees) are imported by name, and the
# tests take them as arguments of the same name.

from __future__ import annotations

import datetime
import hashlib
import hmac
import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.accounts.models import Role, User
from motcua.catalog.fees import amount_due
from motcua.catalog.importexport import export_xlsx, import_records, procedure_as_dict, read_xlsx
from motcua.catalog.models import Procedure
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.workflow import TransitionRefused
from motcua.payments import services, states
from motcua.payments import vnpay_signing as wire
from motcua.payments.models import Payment, PaymentStatus
from motcua.payments.receipts import amount_in_words
from motcua.stats.indicators import summary
from tests import factories
from tests.factories import submitted, vi
from tests.payment_sandbox import GATEWAY


@pytest.fixture
def dossier(fee_dossier):
    return fee_dossier


def paid(dossier: Dossier) -> Payment:
    now = timezone.now()
    return Payment.objects.create(
        dossier=dossier,
        provider="vnpay",
        reference=services.new_reference(now),
        amount=dossier.fee_amount,
        status=PaymentStatus.PAID,
        expires_at=now,
        paid_at=now,
    )


# ---------------------------------------------------------------- what a dossier owes


def test_fees_multiply_by_the_form_answer_they_name(fee_procedure, citizen):
    assert submitted(fee_procedure, citizen, so_ban=3).fee_amount == 215_000
    assert submitted(fee_procedure, citizen, so_ban=0).fee_amount == 200_000
    assert submitted(fee_procedure, citizen).fee_amount == 200_000  # no copies asked for
    assert amount_due(fee_procedure, {"so_ban": "2"}) == 210_000
    assert amount_due(fee_procedure, {"so_ban": "hai"}) == 200_000
    assert amount_due(fee_procedure, {"so_ban": -4}) == 200_000
    assert amount_due(fee_procedure, {"so_ban": True}) == 200_000


def test_the_fee_is_fixed_at_submission_and_shown(signed_in, gateway, fee_procedure):
    document = {"token": "t-1", "field_ho_ten": "Trần Văn Bình", "field_so_ban": "1"}
    response = signed_in.post(f"/thu-tuc/{fee_procedure.code}/nop/", {**document, "submit": "1"})
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and dossier.fee_amount == 205_000
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "205.000 đồng" in page and "5.000 đồng × 1" in page
    assert vi("Not paid") in page and vi("Pay online") in page


def test_a_procedure_without_fees_skips_payment(signed_in, gateway, marriage, citizen):
    dossier = submitted(marriage, citizen, ho_ten="Trần Văn Bình")
    assert dossier.fee_amount == 0
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "/thanh-toan/" not in page and vi("Pay online") not in page
    response = signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/", follow=True)
    assert vi("This dossier has no fees to pay.") in response.content.decode()
    assert not Payment.objects.exists()


def test_fees_of_a_level_3_service_are_paid_at_the_desk(signed_in, gateway, catalog, citizen):
    dossier = submitted(catalog["marriage_foreign"], citizen)
    assert dossier.fee_amount == 1_000_000
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert vi("To be paid at the one-stop desk") in page and vi("Pay online") not in page
    response = signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/", follow=True)
    assert (
        vi("The fees of this dossier are paid at the one-stop desk.") in response.content.decode()
    )
    assert not Payment.objects.exists()


def test_without_a_gateway_fees_are_paid_at_the_desk(signed_in, settings, dossier):
    settings.PAYMENT_PROVIDERS = {}
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert vi("To be paid at the one-stop desk") in page
    assert signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 302
    assert not Payment.objects.exists()


# ---------------------------------------------------------------- starting a payment


def test_starting_twice_reuses_the_open_attempt(signed_in, gateway, dossier):
    first = signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/")
    second = signed_in.post(f"/thanh-toan/ho-so/{dossier.code}/")
    payment = Payment.objects.get()
    assert first["Location"] == second["Location"]
    assert first["Location"].startswith(GATEWAY["vnpay"]["PAY_URL"] + "?")
    params = dict(p.split("=", 1) for p in first["Location"].split("?", 1)[1].split("&"))
    assert params["vnp_Amount"] == "21500000" and params["vnp_TxnRef"] == payment.reference
    assert params["vnp_CurrCode"] == "VND" and params["vnp_TmnCode"] == "MOTCUA01"
    created = wire.parse_time(params["vnp_CreateDate"])
    assert created.utcoffset() == datetime.timedelta(hours=7)
    assert abs(created - payment.created_at) < datetime.timedelta(seconds=1)
    assert wire.parse_time(params["vnp_ExpireDate"]) - created == datetime.timedelta(minutes=15)


def test_an_attempt_past_its_time_gives_way_to_a_new_one(gateway, dossier, citizen):
    first = services.start(dossier, citizen)
    later = first.expires_at + datetime.timedelta(seconds=1)
    second = services.start(dossier, citizen, now=later)
    first.refresh_from_db()
    assert first.status == PaymentStatus.EXPIRED and second.status == PaymentStatus.PENDING
    assert second.reference != first.reference


def test_one_open_attempt_per_dossier_in_the_database(gateway, dossier, citizen):
    services.start(dossier, citizen)
    with pytest.raises(IntegrityError):
        Payment.objects.create(
            dossier=dossier, provider="vnpay", reference="X1", amount=1, expires_at=timezone.now()
        )


def test_a_closed_or_paid_dossier_is_not_paid_again(gateway, dossier, citizen):
    paid(dossier)
    with pytest.raises(
        services.PaymentRefused, match=vi("The fees of this dossier are already paid.")
    ):
        services.start(dossier, citizen)
    withdrawn = submitted(dossier.procedure, citizen, so_ban=1)
    dossier_services.withdraw(withdrawn, citizen)
    with pytest.raises(services.PaymentRefused):
        services.start(withdrawn, citizen)


def test_nobody_pays_or_sees_someone_elses_payment(client, gateway, dossier, citizen):
    payment = services.start(dossier, citizen)
    stranger = User.objects.create_user("0905777666", password="x")
    client.force_login(stranger)
    assert client.post(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 404
    assert client.get(f"/thanh-toan/giao-dich/{payment.reference}/").status_code == 404
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get("/api/v1/payments").json()["count"] == 0
    assert api.get(f"/api/v1/payments/{payment.reference}").status_code == 404
    assert api.post("/api/v1/payments", {"dossier": dossier.code}).status_code == 404
    client.logout()
    assert client.get(f"/thanh-toan/giao-dich/{payment.reference}/").status_code == 302


def test_a_return_that_is_not_the_gateways_is_refused(signed_in, gateway, dossier):
    response = signed_in.get("/thanh-toan/ket-qua/vnpay/?vnp_TxnRef=X&vnp_ResponseCode=00")
    assert response.status_code == 400
    assert signed_in.get("/thanh-toan/ket-qua/khac/").status_code == 404


# ---------------------------------------------------------------- payment before processing


@pytest.fixture
def desk(province):
    return User.objects.create_user(
        "motcua.tuphap",
        password="x",
        kind="official",
        role=Role.DESK_OFFICER,
        agency=province["justice"],
    )


def test_payment_first_holds_the_desk_until_paid(gateway, fee_procedure, dossier, desk, client):
    Procedure.objects.filter(pk=fee_procedure.pk).update(payment_first=True)
    dossier = Dossier.objects.get(pk=dossier.pk)
    with pytest.raises(TransitionRefused) as refusal:
        dossier_services.perform(dossier, "accept", desk)
    expected = vi(
        "This procedure is paid before processing: the dossier can be accepted once "
        "the applicant has paid the %(amount)s due."
    ) % {"amount": "215.000 đồng"}
    assert refusal.value.reason == expected

    api = APIClient()
    api.force_authenticate(desk)
    path = f"/api/v1/dossiers/{dossier.code}/transitions"
    response = api.post(path, {"action": "accept"}, format="json")
    assert response.status_code == 409 and response.json()["detail"] == expected
    client.force_login(desk)
    page = client.post(f"/mot-cua/ho-so/{dossier.code}/xu-ly/", {"action": "accept"}, follow=True)
    assert expected in page.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    desk_page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "215.000 đồng: Chưa thanh toán" in desk_page, "the desk sees what is owed"
    paid(dossier)
    desk_page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    assert "215.000 đồng: Đã thanh toán" in desk_page
    assert api.post(path, {"action": "accept"}, format="json").status_code == 200
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED


def test_without_payment_first_the_desk_accepts_unpaid(gateway, dossier, desk):
    dossier_services.perform(dossier, "accept", desk)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.ACCEPTED


def test_payment_first_does_not_hold_dossiers_paid_at_the_desk(
    gateway, fee_procedure, dossier, desk
):
    Procedure.objects.filter(pk=fee_procedure.pk).update(payment_first=True)
    Dossier.objects.filter(pk=dossier.pk).update(channel=Channel.DESK)
    dossier_services.perform(Dossier.objects.get(pk=dossier.pk), "accept", desk)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.ACCEPTED


def test_the_catalog_files_carry_the_payment_first_flag(province):
    procedure = factories.procedure(
        "Cấp bản sao trích lục hộ tịch", agencies=[province["commune_a"]], payment_first="có"
    )
    assert procedure.payment_first is True
    assert procedure_as_dict(procedure)["payment_first"] is True
    again = read_xlsx(export_xlsx(Procedure.objects.filter(pk=procedure.pk)))
    assert again[0].data["payment_first"] == "Có"
    Procedure.objects.filter(pk=procedure.pk).update(payment_first=False)
    import_records(again)
    assert Procedure.objects.get(pk=procedure.pk).payment_first is True
    assert factories.procedure("Thủ tục khác", agencies=[]).payment_first is False


# ---------------------------------------------------------------- the wire format and states


def test_the_signature_is_hmac_sha512_of_the_sorted_encoded_parameters():
    params = {
        "vnp_TxnRef": "2005261",
        "vnp_Amount": "1000000",
        "vnp_OrderInfo": "Thanh toan le phi/ho so",
        "vnp_BankCode": "",
        "other": "ignored",
    }
    text = "vnp_Amount=1000000&vnp_OrderInfo=Thanh+toan+le+phi%2Fho+so&vnp_TxnRef=2005261"
    assert wire.hash_data(params) == text
    signed = wire.sign(params, "bi-mat")
    expected = hmac.new(b"bi-mat", text.encode(), hashlib.sha512).hexdigest()
    assert signed["vnp_SecureHash"] == expected and "vnp_BankCode" not in signed
    assert wire.verify(signed, "bi-mat") and not wire.verify(signed, "khac")
    assert not wire.verify({**signed, "vnp_Amount": "100"}, "bi-mat")
    assert not wire.verify({**signed, "vnp_SecureHash": "ả"}, "bi-mat")
    moment = datetime.datetime(2020, 5, 26, 5, 0, tzinfo=datetime.UTC)
    assert wire.format_time(moment) == "20200526120000"


def test_the_state_table():
    assert states.may_move("pending", "paid") and states.may_move("expired", "paid")
    assert states.may_move("paid", "refunded")
    assert not states.may_move("paid", "failed") and not states.may_move("failed", "paid")
    assert not states.may_move("refunded", "paid")
    assert set(states.MOVES) == set(PaymentStatus.values)


def test_amounts_in_words():
    assert amount_in_words(215_000) == "Hai trăm mười lăm nghìn đồng"
    assert amount_in_words(1_000_005) == "Một triệu không trăm linh năm đồng"
    assert amount_in_words(21_000) == "Hai mươi mốt nghìn đồng"
    assert amount_in_words(0) == "Không đồng"


# ---------------------------------------------------------------- API and statistics


def test_the_api_starts_and_reads_a_payment(gateway, dossier, citizen, marriage):
    api = APIClient()
    api.force_authenticate(citizen)
    response = api.post("/api/v1/payments", {"dossier": dossier.code}, format="json")
    body = response.json()
    assert response.status_code == 201, body
    assert body["status"] == "pending" and body["amount"] == 215_000
    assert body["pay_url"].startswith(GATEWAY["vnpay"]["PAY_URL"])
    again = api.post("/api/v1/payments", {"dossier": dossier.code}, format="json").json()
    assert again["reference"] == body["reference"]
    read = api.get(f"/api/v1/payments/{body['reference']}").json()
    assert read["dossier"] == dossier.code and read["receipt_url"] is None
    assert api.get(f"/api/v1/payments?dossier={dossier.code}").json()["count"] == 1

    free = submitted(marriage, citizen)
    refused = api.post("/api/v1/payments", {"dossier": free.code}, format="json")
    assert refused.status_code == 409 and refused.json()["detail"]
    assert api.post("/api/v1/payments", {}, format="json").status_code == 400
    assert APIClient().get("/api/v1/payments").status_code in (401, 403)


def test_the_schema_documents_the_payment_api(client):
    schema = client.get("/api/schema/", {"format": "json"}).content.decode()
    paths = json.loads(schema)["paths"]
    assert {"/api/v1/payments/", "/api/v1/payments/{provider}/ipn"} <= set(paths)


def test_the_online_payment_rate(gateway, fee_procedure, citizen, marriage):
    first = submitted(fee_procedure, citizen, so_ban=1)
    submitted(fee_procedure, citizen, so_ban=2)
    submitted(marriage, citizen)  # no fees: not counted
    payment = services.start(first, citizen, client_ip="127.0.0.1")
    with transaction.atomic():
        services.move(payment, PaymentStatus.PAID, via="test")  # as a confirmed IPN settles it
    today = timezone.localdate()
    rate = summary(today, today)["dossiers"]
    assert (rate["paid_online"], rate["with_fee"], rate["online_payment_rate"]) == (1, 2, 50.0)
    before = today - datetime.timedelta(days=1)
    assert summary(before, before)["dossiers"]["online_payment_rate"] is None


def test_the_sweep_is_a_periodic_task_of_the_worker(settings):
    from motcua.celery import app

    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE["payments-sweep"]
    assert entry["task"] in app.tasks


def test_fees_paid_online_let_a_dossier_waiting_for_them_go_on(
    gateway, fee_procedure, citizen, province
):
    dossier = factories.advance(submitted(fee_procedure, citizen, so_ban=1), Status.FEES_REQUESTED)
    due = dossier.due_date
    payment = services.start(dossier, citizen, client_ip="127.0.0.1")
    with transaction.atomic():
        services.move(payment, PaymentStatus.PAID, via="test")  # as a confirmed IPN settles it
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    step = dossier.events.last()
    assert (step.action, step.actor, step.taken_by) == (
        "confirm_fees",
        None,
        "thanh toán trực tuyến",
    )
    assert dossier.due_date >= due  # the days it waited are given back


def test_a_payment_leaves_a_dossier_not_waiting_for_fees_where_it_is(
    gateway, fee_procedure, citizen
):
    dossier = submitted(fee_procedure, citizen, so_ban=1)
    payment = services.start(dossier, citizen, client_ip="127.0.0.1")
    with transaction.atomic():
        services.move(payment, PaymentStatus.PAID, via="test")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert not dossier.events.filter(action="confirm_fees").exists()
