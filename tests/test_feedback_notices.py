"""Feedback tells people: its sender hears of the answer, the refusal or the question (in their
language, on their channels; an anonymous sender on the contact they gave), the agency's
officials of new feedback and of answers due soon; and sending it is limited per client
address and per sender, with a Vietnamese message."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from motcua.accounts.models import Role
from motcua.feedback import rules, services
from motcua.feedback.forms import FeedbackForm
from motcua.feedback.models import Feedback, Subject
from motcua.notifications import services as notices
from motcua.notifications.models import Kind, Notice, Preference
from motcua.notifications.sms import LocmemGateway
from tests.factories import official

PHONE = "0912345678"


@pytest.fixture(autouse=True)
def empty_outboxes():
    LocmemGateway.outbox.clear()
    mail.outbox.clear()


@pytest.fixture
def justice(province):
    staff = {role: official(province["justice"], role) for role in rules.HANDLING_ROLES}
    staff[Role.LEADER].email = "lanhdao@sotuphap.example.vn"
    staff[Role.LEADER].save(update_fields=["email"])
    return staff


def fields(procedure, **data) -> dict:
    return {
        "subject": Subject.PROCEDURE,
        "procedure": procedure.code,
        "title": "Thời gian chờ quá lâu",
        "text": "Tôi chờ ở bộ phận một cửa hơn hai giờ.",
        **data,
    }


def send(author, procedure, client: str = "", **data) -> Feedback:
    form = FeedbackForm(author, fields(procedure, **data))
    assert form.is_valid(), form.errors
    return services.submit(form.cleaned_data, author, client=client)[0]


def anonymous() -> AnonymousUser:
    return AnonymousUser()


def test_new_feedback_tells_the_agencys_handlers_on_the_site_and_by_email(
    now, citizen, catalog, justice
):
    feedback = now(send, citizen, catalog["criminal_record"])
    told = Notice.objects.filter(kind=Kind.FEEDBACK_NEW, feedback=feedback)
    assert {notice.recipient for notice in told} == set(justice.values())
    assert [m.subject for m in mail.outbox] == [f"Phản ánh, kiến nghị mới {feedback.code}"]
    assert mail.outbox[0].to == ["lanhdao@sotuphap.example.vn"]
    assert f"/mot-cua/phan-anh/{feedback.code}/" in mail.outbox[0].body
    assert LocmemGateway.outbox == []  # officials never by SMS


def test_the_answer_reaches_a_signed_in_sender_in_their_language_on_their_channels(
    now, citizen, catalog, justice
):
    citizen.email, citizen.phone = "binh@example.vn", PHONE
    citizen.save(update_fields=["email", "phone"])
    Preference.objects.create(user=citizen, sms=False, language="en")
    feedback = now(send, citizen, catalog["criminal_record"])
    mail.outbox.clear()
    now(services.perform, feedback, "answer", justice[Role.LEADER], text="Đã bố trí thêm quầy.")
    notice = Notice.objects.get(kind=Kind.FEEDBACK_ANSWERED)
    assert notice.recipient == citizen and notice.feedback == feedback
    assert {d.channel for d in notice.deliveries.all()} == {"email", "in_app"}
    assert [m.subject for m in mail.outbox] == [f"Your feedback {feedback.code} has been answered"]
    assert "Đã bố trí thêm quầy." in mail.outbox[0].body
    assert f"/phan-anh/cua-toi/{feedback.code}/" in mail.outbox[0].body
    assert LocmemGateway.outbox == []  # SMS not chosen
    # The leader who answered is not told of their own step.
    assert not Notice.objects.filter(recipient=justice[Role.LEADER], kind=Kind.FEEDBACK_ANSWERED)


def test_an_anonymous_sender_hears_of_the_question_and_the_refusal_by_sms_and_email(
    now, catalog, justice, clock
):
    clock.set(2026, 12, 4, 9)
    asked = now(
        send,
        anonymous(),
        catalog["criminal_record"],
        name="Lê Văn An",
        phone=PHONE,
        email="an@example.vn",
    )
    now(services.perform, asked, "request_info", justice[Role.SPECIALIST], text="Quầy số mấy?")
    ((phone, text),) = LocmemGateway.outbox
    assert phone.endswith("912345678")
    assert text.startswith(f"Phản ánh {asked.code} cần bổ sung thông tin: Quầy số mấy?")
    assert "đường dẫn riêng" in text  # the private link, which only the sender holds
    question = [m for m in mail.outbox if m.to == ["an@example.vn"]]
    assert [m.subject for m in question] == [
        f"Phản ánh, kiến nghị {asked.code} cần bổ sung thông tin"
    ]

    refused = now(
        send, anonymous(), catalog["criminal_record"], name="Lê Văn An", email="an@example.vn"
    )
    mail.outbox.clear()
    now(services.perform, refused, "refuse", justice[Role.HEAD_OF_DIVISION], text="Trùng lặp.")
    assert [m.subject for m in mail.outbox] == [
        f"Phản ánh, kiến nghị {refused.code} không được xử lý"
    ]
    assert "Lý do: Trùng lặp." in mail.outbox[0].body
    notice = Notice.objects.get(kind=Kind.FEEDBACK_REFUSED)
    assert (notice.recipient, notice.email, notice.language) == (None, "an@example.vn", "vi")


def test_the_daily_reminder_tells_the_handlers_of_feedback_due_soon_once(
    now, citizen, catalog, justice, clock
):
    clock.set(2026, 12, 4, 9)
    feedback = now(send, citizen, catalog["criminal_record"])  # answer due Friday 25/12/2026
    clock.set(2026, 12, 22, 7)  # Tuesday: three working days before
    assert notices.remind_deadlines() == 0
    clock.set(2026, 12, 23, 7)  # Wednesday: two working days before
    assert now(notices.remind_deadlines) == len(justice)
    assert now(notices.remind_deadlines) == 0
    due = Notice.objects.filter(kind=Kind.FEEDBACK_DUE, feedback=feedback)
    assert {n.recipient for n in due} == set(justice.values())
    body = due.get(recipient=justice[Role.SPECIALIST]).deliveries.get(channel="in_app").body
    assert "25/12/2026" in body


def test_sending_is_limited_per_sender_in_vietnamese_and_changes_nothing(client, catalog, settings):
    settings.FEEDBACK_PER_CONTACT_PER_DAY = 2
    data = fields(catalog["criminal_record"], name="Lê Văn An", phone=PHONE)
    for _ in range(2):
        assert client.post("/phan-anh/gui/", data).status_code == 200
    refused = client.post("/phan-anh/gui/", data)
    assert refused.status_code == 429
    assert "Bạn đã gửi nhiều phản ánh trong hôm nay" in refused.content.decode()
    assert Feedback.objects.count() == 2
    # Another sender from the same address may still send.
    other = fields(catalog["criminal_record"], name="Lê Thị Bình", email="binh@example.vn")
    assert client.post("/phan-anh/gui/", other).status_code == 200


def test_sending_is_limited_per_client_address_in_the_api(client, catalog, settings):
    settings.FEEDBACK_PER_CLIENT_PER_HOUR = 2
    for number in range(2):
        data = fields(catalog["criminal_record"], name="An", phone=f"091234567{number}")
        assert (
            client.post("/api/v1/feedback", data, content_type="application/json").status_code
            == 201
        )
    data = fields(catalog["criminal_record"], name="An", phone="0912345679")
    refused = client.post("/api/v1/feedback", data, content_type="application/json")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Mạng của bạn đã gửi quá nhiều phản ánh")
    assert Feedback.objects.count() == 2
    assert set(Feedback.objects.values_list("client_ip", flat=True)) == {"127.0.0.1"}
