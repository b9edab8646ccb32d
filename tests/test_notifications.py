"""Notices reach citizens and officials on the right channels, once, in their language: e-mail
through a real SMTP server, SMS and Zalo over real HTTP to the local simulator."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils import timezone, translation

from motcua.accounts.models import Role
from motcua.accounts.sms import SmsRefused
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Dossier, Status
from motcua.notifications import channels, limits, messages, services, tasks
from motcua.notifications.forms import TemplateForm
from motcua.notifications.models import (
    Delivery,
    DeliveryStatus,
    Kind,
    Notice,
    Preference,
    ProviderToken,
    Template,
)
from motcua.notifications.sms import LocmemGateway
from tests import factories
from tests.messaging import Simulator, SmtpServer, running_simulator

PHONE = "0905123456"
EMAIL = "binh@example.vn"


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def simulator_url():
    with running_simulator() as url:
        yield url


@pytest.fixture
def wire(settings, smtp, simulator_url) -> Simulator:
    """Every channel on a real server: SMTP, the two SMS gateways and Zalo."""
    simulator = Simulator(simulator_url)
    simulator.control("reset")
    smtp.mailbox.messages.clear()
    settings.NOTIFICATION_CHANNELS = simulator.channels(sms_timeout=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", smtp.port, False
    return simulator


@pytest.fixture
def applicant(citizen):
    citizen.email = EMAIL
    citizen.save(update_fields=["email"])
    return citizen


def submit(procedure, person) -> Dossier:
    return factories.submitted(procedure, person, ho_ten="Trần Văn Bình", cccd_vo="046185001234")


def day(value: datetime.date) -> str:
    return value.strftime("%d/%m/%Y")


def test_a_journey_tells_the_applicant_and_the_officials_exactly_once_each(
    wire, smtp, applicant, marriage, province, now
):
    desk = factories.official(province["commune_a"], Role.DESK_OFFICER)
    head, leader = (
        factories.builder_official(province["commune_a"], role)
        for role in (Role.HEAD_OF_DIVISION, Role.LEADER)
    )
    dossier = now(submit, marriage, applicant)
    received_due = dossier.due_date
    dossier = now(factories.advance, dossier, Status.SUPPLEMENT)
    now(dossier_services.answer_supplement, dossier, applicant, [], note="Đã nộp bản sao")
    dossier = now(factories.advance, Dossier.objects.get(pk=dossier.pk), Status.FINISHED)
    code = dossier.code

    mails = smtp.mailbox.to(EMAIL)
    assert [m["Subject"].strip() for m in mails] == [
        f"Hồ sơ {code} đã được tiếp nhận",
        f"Hồ sơ {code} cần bổ sung",
        f"Hồ sơ {code} đã có kết quả",
    ]
    assert f"Ngày hẹn trả kết quả: {day(received_due)}." in mails[0].get_content()
    assert "Giấy xác nhận tình trạng hôn nhân" in mails[1].get_content()
    assert f"/ho-so/{code}/" in mails[2].get_content()
    texts = [m["text"] for m in wire.sms_to(PHONE)]
    assert len(texts) == 3 and all(code in text for text in texts)
    assert texts[1].startswith(f"Hồ sơ {code} cần bổ sung: Giấy xác nhận")
    assert {m["gateway"] for m in wire.sms_to(PHONE)} == {"a"}
    assert wire.state()["zalo"] == []  # not chosen

    told = Notice.objects.filter(recipient=applicant).order_by("pk")
    assert [n.kind for n in told] == [Kind.RECEIVED, Kind.SUPPLEMENT, Kind.RESULT]
    assert all(n.deliveries.count() == 3 for n in told)  # e-mail, SMS, on the site
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    assert not Notice.objects.filter(undelivered_at__isnull=False).exists()
    # Officials: the desk of a new dossier, the specialist given it, the head and the leader
    # it reaches; on the site only (none has an e-mail address), never by SMS.
    assert Notice.objects.get(recipient=desk).kind == Kind.ARRIVED
    assert Notice.objects.get(recipient=dossier.assignee).kind == Kind.ASSIGNED
    assert Notice.objects.get(recipient=head).kind == Kind.ARRIVED
    assert Notice.objects.get(recipient=leader).kind == Kind.ARRIVED
    assert len(wire.state()["sms"]) == 3 and len(smtp.mailbox.messages) == 3


def test_sms_fails_over_to_the_second_gateway_when_the_first_answers_500(
    wire, citizen, marriage, now
):
    wire.control("config", gateway="a", status=500)
    now(submit, marriage, citizen)
    assert [m["gateway"] for m in wire.sms_to(PHONE)] == ["b"]
    delivery = Delivery.objects.get(notice__recipient=citizen, channel="sms")
    assert delivery.status == DeliveryStatus.SENT and delivery.provider == "secondary"


def test_sms_fails_over_when_the_first_gateway_is_slow(wire, settings, citizen, marriage, now):
    settings.NOTIFICATION_CHANNELS = wire.channels(sms_timeout=0.5)
    wire.control("config", gateway="a", delay=3, status=504)
    started = time.monotonic()
    now(submit, marriage, citizen)
    assert time.monotonic() - started < 2.5
    assert [m["gateway"] for m in wire.sms_to(PHONE)] == ["b"]
    assert Delivery.objects.get(notice__recipient=citizen, channel="sms").provider == "secondary"


def test_zalo_refreshes_its_token_and_sends_again_once_on_an_expired_one(
    wire, citizen, marriage, now
):
    Template.objects.filter(kind=Kind.RECEIVED, channel="zalo").update(zns_template_id="231101")
    Preference.objects.create(user=citizen, email=False, sms=False, zalo=True)
    first = now(submit, marriage, citizen)
    state = wire.state()
    assert state["refreshes"] == 1 and len(state["zalo"]) == 1
    assert state["zalo"][0]["template_id"] == "231101"
    assert state["zalo"][0]["phone"] == "84905123456"
    assert state["zalo"][0]["template_data"] == {
        "code": first.code,
        "submitted_on": day(timezone.localdate(first.submitted_at)),
        "due_date": day(first.due_date),
    }

    wire.control("expire")  # Zalo ends the access token before its time
    second = now(submit, marriage, citizen)
    state = wire.state()
    assert state["refreshes"] == 2
    assert [m["template_data"]["code"] for m in state["zalo"]] == [first.code, second.code]
    # The refresh token Zalo gave last is the one kept for next time.
    assert ProviderToken.objects.get(provider="zalo").refresh_token == state["refresh_token"]
    assert Delivery.objects.filter(channel="zalo", status=DeliveryStatus.SENT).count() == 2


def test_a_retried_task_or_a_repeated_event_sends_nothing_twice(
    wire, smtp, applicant, marriage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        dossier = submit(marriage, applicant)
    notice = Notice.objects.get(recipient=applicant)
    tasks.deliver_notice.apply(args=[notice.pk])
    tasks.deliver_notice.apply(args=[notice.pk])  # the broker delivered the task again
    for callback in after_commit:  # and the task queued by the commit runs late
        callback()
    services.sweep(older_than=datetime.timedelta(0))
    assert len(smtp.mailbox.to(EMAIL)) == 1 and len(wire.sms_to(PHONE)) == 1

    submitted = dossier.events.get(action="submit")
    assert services.notify(dossier, submitted) == []
    assert Notice.objects.filter(recipient=applicant).count() == 1


def test_a_claim_whose_worker_stopped_is_given_up_never_resent_and_the_desk_calls(
    wire, smtp, applicant, marriage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # written, never handed to a worker
        submit(marriage, applicant)
    notice = Notice.objects.get(recipient=applicant)
    deliveries = notice.deliveries.all()
    # A worker claimed every delivery, then stopped before any provider answered.
    assert all(services._claim(delivery) for delivery in deliveries)
    services.sweep(older_than=datetime.timedelta(0))
    assert set(notice.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENDING}

    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    notice.deliveries.exclude(channel="in_app").update(claimed_at=eleven_minutes_ago)
    services.sweep(older_than=datetime.timedelta(0))
    services.sweep(older_than=datetime.timedelta(0))
    statuses = dict(notice.deliveries.values_list("channel", "status"))
    assert statuses == {
        "email": DeliveryStatus.FAILED,
        "sms": DeliveryStatus.FAILED,
        "in_app": DeliveryStatus.SENDING,  # claimed a minute ago: its worker may be alive
    }
    assert notice.deliveries.get(channel="sms").error == services.STALLED_ERROR
    assert smtp.mailbox.to(EMAIL) == [] and wire.sms_to(PHONE) == []
    notice.refresh_from_db()
    assert notice.undelivered_at is not None  # on the desk's list to call


def test_a_notice_no_channel_delivered_is_on_the_desks_list_to_call(
    wire, client, citizen, marriage, province, now
):
    wire.control("config", gateway="a", status=500)
    wire.control("config", gateway="b", status=503)
    desk = factories.official(province["commune_a"], Role.DESK_OFFICER)
    elsewhere = factories.official(province["commune_b"], Role.DESK_OFFICER)
    dossier = now(submit, marriage, citizen)
    notice = Notice.objects.get(recipient=citizen, kind=Kind.RECEIVED)
    assert notice.undelivered_at is not None

    client.force_login(elsewhere)
    assert dossier.code not in client.get("/thong-bao/can-goi/").content.decode()
    client.post(f"/thong-bao/can-goi/{notice.pk}/da-goi/")
    notice.refresh_from_db()
    assert notice.called_at is None

    client.force_login(desk)
    page = client.get("/thong-bao/can-goi/").content.decode()
    assert dossier.code in page and PHONE in page and "HTTP 503" in page
    response = client.post(f"/thong-bao/can-goi/{notice.pk}/da-goi/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.called_by == desk
    assert dossier.code not in client.get("/thong-bao/can-goi/").content.decode()


def test_the_apology_reaches_an_applicant_who_chose_the_site_only_by_sms(
    wire, citizen, marriage, province, now
):
    Preference.objects.create(user=citizen, email=False, sms=False, zalo=False)
    dossier = factories.advance(submit(marriage, citizen), Status.PROCESSING)
    leader = factories.builder_official(province["commune_a"], Role.LEADER)
    new_date = dossier.due_date + datetime.timedelta(days=7)
    now(dossier_services.set_new_date, dossier, leader, new_date, "Chờ xác minh")
    notice = Notice.objects.get(recipient=citizen, kind=Kind.NEW_DATE)
    assert {d.channel for d in notice.deliveries.all()} == {"sms", "in_app"}
    assert f"Hẹn trả kết quả ngày {day(new_date)}" in wire.sms_to(PHONE)[-1]["text"]


def test_an_english_account_is_told_in_english(wire, smtp, applicant, marriage, now):
    Preference.objects.create(user=applicant, language="en")
    dossier = now(submit, marriage, applicant)
    assert [m["Subject"].strip() for m in smtp.mailbox.to(EMAIL)] == [
        f"Dossier {dossier.code} has been received"
    ]
    assert wire.sms_to(PHONE)[0]["text"].startswith(f"Dossier {dossier.code} was received on")


@pytest.mark.django_db
def test_codes_past_the_client_limit_are_refused_in_vietnamese(client, settings):
    settings.SMS_PER_CLIENT_PER_HOUR = 2
    LocmemGateway.outbox.clear()
    pages = [
        client.post(
            "/tai-khoan/dang-ky/",
            {
                "kind": "citizen",
                "full_name": "Trần Văn Bình",
                "contact": phone,
                "birth_date": "1985-03-02",
                "password1": "hoa-sen-tren-song",
                "password2": "hoa-sen-tren-song",
            },
            REMOTE_ADDR="203.0.113.7",
        )
        for phone in ("0905000001", "0905000002", "0905000003")
    ]
    assert [page.status_code for page in pages] == [302, 302, 200]
    assert "Quá nhiều tin nhắn đã được yêu cầu từ mạng của bạn" in pages[2].content.decode()
    assert len(LocmemGateway.outbox) == 2
    # Another address may still ask.
    other = client.post(
        "/tai-khoan/dang-ky/",
        {
            "kind": "citizen",
            "full_name": "Lê Thị Hoa",
            "contact": "0905000004",
            "birth_date": "1990-01-01",
            "password1": "hoa-sen-tren-song",
            "password2": "hoa-sen-tren-song",
        },
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_sms_to_one_phone_are_limited_per_day(settings):
    settings.SMS_PER_PHONE_PER_DAY = 1
    channels.send_sms(PHONE, "Mã xác nhận 123456")
    with translation.override("vi"), pytest.raises(SmsRefused) as refused:
        channels.send_sms(PHONE, "Mã xác nhận 654321")
    assert "Quá nhiều tin nhắn đã được gửi đến số điện thoại này hôm nay" in refused.value.message
    today = timezone.localdate()
    assert limits.sent_per_day(today, today)[today] == {"sms": 1}


def test_officials_hear_of_dossiers_coming_due_once_a_day(citizen, marriage, now):
    dossier = factories.advance(submit(marriage, citizen), Status.PROCESSING)
    assert now(services.remind_deadlines, dossier.due_date) == 1
    notice = Notice.objects.get(kind=Kind.DEADLINE)
    assert notice.recipient == dossier.assignee
    assert day(dossier.due_date) in notice.deliveries.get(channel="in_app").body
    assert now(services.remind_deadlines, dossier.due_date) == 0


def test_the_profile_sets_the_channels_and_the_header_counts_unread_notices(
    client, citizen, marriage, now
):
    client.force_login(citizen)
    profile = client.get("/tai-khoan/thong-tin-ca-nhan/").content.decode()
    assert 'name="zalo"' in profile and "Cách chúng tôi báo tin" in profile
    client.post(
        "/thong-bao/cai-dat/", {"email": "on", "in_app": "on", "zalo": "on", "language": "en"}
    )
    choice = Preference.objects.get(user=citizen)
    assert (choice.sms, choice.zalo, choice.language) == (False, True, "en")

    dossier = now(submit, marriage, citizen)
    assert 'class="badge"' in client.get("/ho-so/").content.decode()
    inbox = client.get("/thong-bao/").content.decode()
    assert f"Dossier {dossier.code} for" in inbox
    assert services.unread_count(citizen) == 0


@pytest.mark.django_db
def test_an_administrator_cannot_save_a_text_with_an_unknown_placeholder():
    data = {"kind": "received", "channel": "sms", "language": "vi", "subject": ""}
    for body in ("Hồ sơ {code.__class__}", "Mã {secret}", "Hồ sơ {code"):
        assert not TemplateForm({**data, "body": body}).is_valid(), body
    assert messages.placeholders("Hồ sơ {code} hẹn {due_date}") == ["code", "due_date"]


def test_the_statistics_count_the_messages_sent_per_day_and_channel(
    wire, client, applicant, marriage, now, django_user_model
):
    dossier = now(submit, marriage, applicant)
    sent_on = timezone.localdate(dossier.submitted_at).isoformat()
    client.force_login(applicant)
    assert client.get("/api/v1/stats/messages").status_code == 403
    client.force_login(django_user_model.objects.create_superuser("quantri", password="x"))
    answer = client.get(f"/api/v1/stats/messages?from={sent_on}&to={sent_on}").json()
    assert answer["days"] == [{"day": sent_on, "email": 1, "sms": 1, "zalo": 0}]
