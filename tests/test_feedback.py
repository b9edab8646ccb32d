"""Citizen feedback: its deadlines in working days, who may act on it, the pages, what is
published, and how it counts in the statistics."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import Role, User
from motcua.core.models import AuditEntry
from motcua.dossiers.models import Dossier, Status
from motcua.feedback import rules, services, stats
from motcua.feedback.forms import FeedbackForm
from motcua.feedback.models import Feedback, State, Subject
from tests.factories import PDF, dossier_in, official, vi

D = datetime.date


def send(author, procedure, agency=None, **data) -> tuple[Feedback, str]:
    """Feedback about `procedure` through the form, as the page and the API send it."""
    fields = {
        "subject": Subject.PROCEDURE,
        "procedure": procedure.code,
        "agency": agency.code if agency else "",
        "title": "Thời gian chờ quá lâu",
        "text": "Tôi chờ ở bộ phận một cửa hơn hai giờ.",
        "publish_consent": True,
        **data,
    }
    form = FeedbackForm(author, fields)
    assert form.is_valid(), form.errors
    return services.submit(form.cleaned_data, author)


@pytest.fixture
def justice_staff(province):
    return {role: official(province["justice"], role) for role in rules.HANDLING_ROLES}


@pytest.fixture
def criminal_record(catalog):
    return catalog["criminal_record"]


# ---------------------------------------------------------------- deadlines, checked by hand


@pytest.mark.parametrize(
    ("sent", "received", "refuse_by", "ask_by", "answer_due"),
    [
        # Friday 04/12/2026: three plain weeks.
        ((2026, 12, 4, 9), D(2026, 12, 4), D(2026, 12, 8), D(2026, 12, 11), D(2026, 12, 25)),
        # Friday 18/12/2026: a weekend, New Year's Day (Friday 01/01/2027), another weekend.
        ((2026, 12, 18, 9), D(2026, 12, 18), D(2026, 12, 22), D(2026, 12, 25), D(2027, 1, 11)),
        # Friday 20/11/2026: Vietnam Cultural Day, Tuesday 24/11, is off from 2026.
        ((2026, 11, 20, 9), D(2026, 11, 20), D(2026, 11, 25), D(2026, 11, 30), D(2026, 12, 14)),
        # Sent Friday 04/12/2026 at 18:00, after office hours: received Monday 07/12.
        ((2026, 12, 4, 18), D(2026, 12, 7), D(2026, 12, 9), D(2026, 12, 14), D(2026, 12, 28)),
    ],
)
def test_deadlines_in_working_days(
    clock, citizen, criminal_record, sent, received, refuse_by, ask_by, answer_due
):
    clock.set(*sent)
    feedback, _key = send(citizen, criminal_record)
    assert (feedback.received_on, feedback.refuse_by, feedback.ask_by, feedback.answer_due) == (
        received,
        refuse_by,
        ask_by,
        answer_due,
    )


def test_asking_for_information_stops_the_clock_until_the_reply(
    clock, citizen, criminal_record, justice_staff
):
    clock.set(2026, 12, 4, 9)
    feedback, _key = send(citizen, criminal_record)
    clock.set(2026, 12, 9, 10)  # Wednesday: 12 working days left before Friday 25/12
    asked = services.perform(
        feedback, "request_info", justice_staff[Role.SPECIALIST], text="Quầy số mấy?"
    )
    assert (asked.state, asked.remaining_days) == (State.INFO_REQUESTED, 12)
    clock.set(2026, 12, 28, 9)  # past the first answer date, but the clock stood still
    assert rules.timeliness(asked) == rules.Timeliness.WAITING
    clock.set(2026, 12, 21, 9)  # Monday 21/12: 12 working days on, over New Year's Day
    replied = services.perform(asked, "reply", citizen, text="Quầy số 3.")
    assert (replied.state, replied.answer_due) == (State.RECEIVED, D(2027, 1, 7))


def test_a_refusal_only_within_two_working_days_and_a_question_within_five(
    clock, citizen, criminal_record, justice_staff
):
    clock.set(2026, 12, 4, 9)
    feedback, _key = send(citizen, criminal_record)
    leader = justice_staff[Role.LEADER]
    clock.set(2026, 12, 9, 9)  # Wednesday: the refusal was due by Tuesday 08/12
    with pytest.raises(rules.Refused) as refused:
        services.perform(feedback, "refuse", leader, text="Không thuộc thẩm quyền")
    assert "2 ngày làm việc" in vi(refused.value.reason)
    clock.set(2026, 12, 14, 9)  # Monday: questions were due by Friday 11/12
    with pytest.raises(rules.Refused):
        services.perform(feedback, "request_info", leader, text="?")
    assert Feedback.objects.get().state == State.RECEIVED
    assert [m.action for m in rules.allowed(Feedback.objects.get(), leader)] == ["answer"]


# ---------------------------------------------------------------- routing


def test_feedback_about_a_dossier_goes_to_its_deciding_agency(
    signed_in, citizen, marriage, province
):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.PROCESSING)
    Dossier.objects.filter(pk=dossier.pk).update(decider=province["justice"])
    response = signed_in.post(
        "/phan-anh/gui/",
        {"subject": "dossier", "dossier": dossier.code, "title": "Chậm", "text": "Quá hạn."},
    )
    feedback = Feedback.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{feedback.code}/")
    assert (feedback.agency, feedback.dossier, feedback.author) == (
        province["justice"],
        dossier,
        citizen,
    )
    assert feedback.code.startswith("PAKN-")


def test_only_ones_own_dossier(signed_in, marriage, province):
    someone = User.objects.create_user("0912000111", password="x", phone="0912000111")
    theirs = dossier_in(marriage, someone, province["commune_a"], Status.SUBMITTED)
    response = signed_in.post(
        "/phan-anh/gui/",
        {"subject": "dossier", "dossier": theirs.code, "title": "x", "text": "y"},
    )
    assert response.status_code == 400
    assert "Chọn một hồ sơ của chính bạn" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_procedure_of_several_agencies_asks_which(client, marriage, province):
    data = {
        "subject": "procedure",
        "procedure": marriage.code,
        "title": "Hỏi",
        "text": "Nội dung",
        "name": "Lê Thị Mai",
        "email": "mai@example.vn",
    }
    refused = client.post("/phan-anh/gui/", data)
    assert refused.status_code == 400 and not Feedback.objects.exists()
    assert "Chọn cơ quan đã giải quyết thủ tục" in refused.content.decode()
    response = client.post("/phan-anh/gui/", {**data, "agency": province["commune_b"].code})
    assert response.status_code == 200
    assert Feedback.objects.get().agency == province["commune_b"]


# ---------------------------------------------------------------- bad input, changing nothing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Hãy cho biết họ tên"),
        ({"phone": "", "email": ""}, "số điện thoại di động hoặc địa chỉ e-mail"),
        ({"phone": "12345"}, "Số điện thoại di động gồm 10 chữ số"),
        ({"email": "khong-phai-email"}, "địa chỉ email hợp lệ"),
        ({"text": "Có\x00ký tự"}, "chứa ký tự không được phép"),
        ({"agency": "000.99.99.H57"}, "Chọn cơ quan"),
    ],
)
def test_bad_input_on_the_page_is_told_in_vietnamese(client, province, changes, message):
    data = {
        "subject": "agency",
        "agency": province["justice"].code,
        "title": "Thái độ phục vụ",
        "text": "Nội dung",
        "name": "Lê Thị Mai",
        "phone": "0905 111 222",
        **changes,
    }
    response = client.post("/phan-anh/gui/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Feedback.objects.exists()


def test_an_attachment_is_checked_by_its_content(client, province):
    data = {
        "subject": "agency",
        "agency": province["justice"].code,
        "title": "Ảnh",
        "text": "Xem tệp",
        "name": "Lê Thị Mai",
        "phone": "0905111222",
    }
    fake = SimpleUploadedFile("anh.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = client.post("/phan-anh/gui/", {**data, "attachment": fake})
    assert response.status_code == 400 and "không phải là tệp PDF, JPEG hoặc PNG" in (
        response.content.decode()
    )
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (50 * 1024 * 1024), "application/pdf")
    response = client.post("/phan-anh/gui/", {**data, "attachment": big})
    assert response.status_code == 400 and "mỗi tệp tối đa 10 MB" in response.content.decode()
    assert not Feedback.objects.exists()
    good = SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf")
    assert client.post("/phan-anh/gui/", {**data, "attachment": good}).status_code == 200
    stored = Feedback.objects.get()
    assert stored.content_type == "application/pdf" and stored.attachment.name.endswith(".pdf")
    assert "don" not in stored.attachment.name


# ---------------------------------------------------------------- who may act, and who may not


@pytest.fixture
def sent(citizen, criminal_record):
    feedback, _key = send(citizen, criminal_record)
    return feedback


def _as(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def test_the_agency_leader_answers_from_the_page(sent, justice_staff):
    leader = _as(justice_staff[Role.LEADER])
    listed = leader.get("/mot-cua/phan-anh/")
    assert sent.code in listed.content.decode()
    page = leader.get(f"/mot-cua/phan-anh/{sent.code}/").content.decode()
    assert "Trần Văn Bình" in page and "0905123456" in page
    response = leader.post(
        f"/mot-cua/phan-anh/{sent.code}/xu-ly/", {"action": "answer", "text": "Đã chấn chỉnh."}
    )
    assert response.status_code == 302
    answered = Feedback.objects.get()
    assert (answered.state, answered.answer) == (State.ANSWERED, "Đã chấn chỉnh.")
    assert list(
        AuditEntry.objects.filter(object_ref=sent.code).values_list("action", flat=True)
    ) == ["feedback.received", "feedback.view", "feedback.answer"]


@pytest.mark.parametrize(
    "who", ["other_agency_leader", "other_citizen", "anonymous", "supervisor", "desk_officer"]
)
def test_who_may_not_answer(who, sent, province, staff, justice_staff):
    person = {
        "other_agency_leader": staff[("commune_a", Role.LEADER)],
        "other_citizen": User.objects.create_user("0912000111", password="x"),
        "anonymous": None,
        "supervisor": staff["supervisor_justice"],
        "desk_officer": official(province["justice"], Role.DESK_OFFICER),
    }[who]
    client = _as(person)
    response = client.post(
        f"/mot-cua/phan-anh/{sent.code}/xu-ly/", {"action": "answer", "text": "Trả lời"}
    )
    assert response.status_code in {302, 403, 404}
    assert response.status_code != 302 or "/dang-nhap/" in response["Location"]
    assert Feedback.objects.get().state == State.RECEIVED
    with pytest.raises(rules.Refused):
        services.perform(sent, "answer", person, text="Trả lời")


def test_a_specialist_asks_but_does_not_answer(sent, justice_staff):
    specialist = _as(justice_staff[Role.SPECIALIST])
    url = f"/mot-cua/phan-anh/{sent.code}/xu-ly/"
    refused = specialist.post(url, {"action": "answer", "text": "Trả lời"})
    assert refused.status_code == 403 and Feedback.objects.get().state == State.RECEIVED
    assert specialist.post(url, {"action": "request_info", "text": "Ngày nào?"}).status_code == 302
    assert Feedback.objects.get().state == State.INFO_REQUESTED


def test_a_supervisor_reads_the_subtree_but_other_agencies_see_nothing(
    sent, province, staff, justice_staff
):
    root_supervisor = official(province["root"], Role.SUPERVISOR)
    assert _as(root_supervisor).get(f"/mot-cua/phan-anh/{sent.code}/").status_code == 200
    assert (
        _as(staff["supervisor_district"]).get(f"/mot-cua/phan-anh/{sent.code}/").status_code == 404
    )
    other = _as(staff[("commune_a", Role.LEADER)])
    assert sent.code not in other.get("/mot-cua/phan-anh/").content.decode()
    assert (
        _as(User.objects.create_user("x", password="x")).get("/mot-cua/phan-anh/").status_code
        == 403
    )


def test_the_sender_replies_and_rates_and_no_one_else(sent, citizen, justice_staff):
    services.perform(sent, "request_info", justice_staff[Role.HEAD_OF_DIVISION], text="Ngày nào?")
    stranger = _as(User.objects.create_user("0912000111", password="x"))
    url = f"/phan-anh/cua-toi/{sent.code}/"
    assert stranger.post(url, {"action": "reply", "text": "x"}).status_code == 404
    own = _as(citizen)
    assert own.post(url, {"action": "reply", "text": "Ngày 3/12"}).status_code == 302
    services.perform(Feedback.objects.get(), "answer", justice_staff[Role.LEADER], text="Đã xử lý")
    assert stranger.post(url, {"action": "rate", "rating": "satisfied"}).status_code == 404
    assert own.post(url, {"action": "rate", "rating": "satisfied"}).status_code == 302
    again = own.post(url, {"action": "rate", "rating": "dissatisfied"}, follow=True)
    assert "Câu trả lời đã được đánh giá" in again.content.decode()
    assert Feedback.objects.get().rating == "satisfied"


def test_an_anonymous_sender_follows_with_the_key_only(client, province, justice_staff):
    data = {
        "subject": "agency",
        "agency": province["justice"].code,
        "title": "Hỏi",
        "text": "Nội dung",
        "name": "Lê Thị Mai",
        "phone": "0905111222",
    }
    page = client.post("/phan-anh/gui/", data).content.decode()
    feedback = Feedback.objects.get()
    assert feedback.author is None and feedback.code in page
    link = page.split('id="follow-link" href="')[1].split('"')[0]
    services.perform(feedback, "answer", justice_staff[Role.LEADER], text="Đã trả lời")
    assert "Đã trả lời" in Client().get(link).content.decode()
    assert Client().get(f"/phan-anh/theo-doi/{feedback.code}/sai-khoa/").status_code == 404
    assert Client().post(link, {"action": "rate", "rating": "very_satisfied"}).status_code == 302
    assert Feedback.objects.get().rating == "very_satisfied"


# ---------------------------------------------------------------- publication


def test_the_answer_is_published_only_with_consent_and_without_personal_data(
    client, citizen, criminal_record, justice_staff
):
    published, _key = send(
        citizen,
        criminal_record,
        text="Tôi là Trần Văn Bình, CCCD 046085001234, gọi 0905 123 456 hoặc binh@example.vn.",
    )
    private, _key = send(citizen, criminal_record, publish_consent=False, title="Riêng tư")
    for feedback in (published, private):
        services.perform(feedback, "answer", justice_staff[Role.LEADER], text="Đã gọi 0905123456.")
    listing = client.get("/phan-anh/").content.decode()
    assert published.code in listing and "Riêng tư" not in listing
    page = client.get(f"/phan-anh/{published.code}/").content.decode()
    assert "Đã gọi ***." in page
    for personal in ("Trần Văn Bình", "046085001234", "0905 123 456", "binh@example.vn"):
        assert personal not in page
    assert client.get(f"/phan-anh/{private.code}/").status_code == 404


# ---------------------------------------------------------------- statistics


def test_an_answer_after_its_date_counts_as_late(clock, citizen, criminal_record, justice_staff):
    leader = justice_staff[Role.LEADER]
    clock.set(2026, 12, 4, 9)
    on_time, _k = send(citizen, criminal_record)
    late, _k = send(citizen, criminal_record)
    pending, _k = send(citizen, criminal_record)
    waiting, _k = send(citizen, criminal_record)
    clock.set(2026, 12, 7, 9)
    services.perform(waiting, "request_info", leader, text="?")
    clock.set(2026, 12, 25, 16)  # the answer date itself: on time
    services.perform(on_time, "answer", leader, text="Kịp")
    clock.set(2026, 12, 28, 9)  # the next working day: late
    services.perform(late, "answer", leader, text="Muộn")
    services.perform(Feedback.objects.get(pk=on_time.pk), "rate", citizen, rating="satisfied")
    services.perform(Feedback.objects.get(pk=late.pk), "rate", citizen, rating="dissatisfied")
    counts = stats.counts(D(2026, 12, 1), D(2026, 12, 31))
    assert counts == {
        "received": 4,
        "answered": 2,
        "answered_on_time": 1,
        "answered_late": 1,
        "refused": 0,
        "pending": 2,
        "pending_overdue": 1,
        "waiting_for_sender": 1,
        "ratings": 2,
        "very_satisfied": 0,
        "satisfied": 1,
        "dissatisfied": 1,
    }
    assert Feedback.objects.get(pk=pending.pk).answer_due < D(2026, 12, 28)
    # Judged on 24/12, before either answer and before the answer date, nothing is late.
    early = stats.counts(D(2026, 12, 1), D(2026, 12, 24))
    assert (early["answered"], early["pending"], early["pending_overdue"]) == (0, 4, 0)
