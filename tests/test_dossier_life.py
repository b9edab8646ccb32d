"""What follows submission on the citizen's side: supplements, withdrawal, rating."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.models import Rating, Status
from motcua.dossiers.workflow import TransitionRefused
from tests import factories
from tests.factories import PDF

HUE = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args):
    return datetime.datetime(*args, tzinfo=HUE)


def test_supplement_round_trip(signed_in, dossier, official):
    services.request_supplement(dossier, official, ["Bản sao sổ hộ khẩu"], "Thiếu giấy tờ")
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Bản sao sổ hộ khẩu" in page and "Cơ quan yêu cầu bổ sung hồ sơ" in page

    upload = SimpleUploadedFile("so-ho-khau.pdf", PDF, "application/pdf")
    response = signed_in.post(
        f"/ho-so/{dossier.code}/bo-sung/",
        {"supplement-files": [upload], "supplement-note": "Đã bổ sung"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.attachments.filter(original_name="so-ho-khau.pdf").exists()
    history = [e.to_status for e in dossier.events.all()]
    assert history == [Status.SUBMITTED, Status.SUPPLEMENT, Status.SUBMITTED]


def test_a_wrong_file_in_a_supplement_changes_nothing(signed_in, dossier, official):
    services.request_supplement(dossier, official, ["Bản sao sổ hộ khẩu"])
    fake = SimpleUploadedFile("so-ho-khau.pdf", b"just text", "application/pdf")
    response = signed_in.post(f"/ho-so/{dossier.code}/bo-sung/", {"supplement-files": [fake]})
    assert response.status_code == 400 and "không phải là tệp PDF" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT and dossier.attachments.count() == 1


def test_supplement_during_processing_keeps_the_remaining_days(marriage, citizen, official):
    marriage.processing_days = 5
    marriage.save()
    draft, _ = services.start_draft(
        procedure=marriage, agency=marriage.agencies.first(), applicant=citizen, form_data={}
    )
    dossier = services.submit(draft, now=at(2025, 3, 3, 9))  # Monday; due Monday 10 March
    assert dossier.due_date == datetime.date(2025, 3, 10)
    dossier = factories.advance(dossier, Status.PROCESSING)
    # Asked on Wednesday 5 March with 3 working days left (Thu, Fri, Mon).
    request = services.request_supplement(dossier, official, ["Tờ khai"], now=at(2025, 3, 5, 10))
    assert request.remaining_days == 3
    upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    # Answered two weeks later, on Wednesday 19 March: Thu 20, Fri 21, Mon 24.
    dossier = services.answer_supplement(dossier, citizen, [upload], now=at(2025, 3, 19, 15))
    assert dossier.due_date == datetime.date(2025, 3, 24)
    assert dossier.status == Status.PROCESSING


def test_supplement_before_acceptance_restarts_the_full_time(marriage, citizen, official):
    marriage.processing_days = 2
    marriage.save()
    draft, _ = services.start_draft(
        procedure=marriage, agency=marriage.agencies.first(), applicant=citizen, form_data={}
    )
    dossier = services.submit(draft, now=at(2025, 3, 3, 9))
    request = services.request_supplement(dossier, official, ["Tờ khai"], now=at(2025, 3, 3, 10))
    assert request.remaining_days is None
    upload = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    dossier = services.answer_supplement(dossier, citizen, [upload], now=at(2025, 3, 6, 8))
    assert dossier.due_date == datetime.date(2025, 3, 10)  # Thursday + 2: Fri 7, Mon 10


def test_an_empty_supplement_request_is_refused(dossier, official):
    with pytest.raises(Exception, match="Hãy liệt kê"):
        services.request_supplement(dossier, official, ["  "])
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_answering_without_a_request_is_refused(signed_in, dossier):
    upload = SimpleUploadedFile("x.pdf", PDF, "application/pdf")
    response = signed_in.post(f"/ho-so/{dossier.code}/bo-sung/", {"supplement-files": [upload]})
    assert response.status_code == 302
    assert "không thể" in signed_in.get(response["Location"]).content.decode()
    assert dossier.attachments.count() == 1


def test_withdraw_until_decided(signed_in, dossier):
    response = signed_in.post(f"/ho-so/{dossier.code}/rut/", {"withdraw-reason": "Nộp nhầm"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.events.last().note == "Nộp nhầm"
    with pytest.raises(TransitionRefused):
        services.withdraw(dossier, None)


def test_a_decided_dossier_cannot_be_withdrawn(signed_in, dossier, official):
    factories.advance(dossier, Status.FINISHED)
    signed_in.post(f"/ho-so/{dossier.code}/rut/", {})
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED


def test_rating_after_the_result_once(signed_in, dossier, official):
    early = signed_in.post(f"/ho-so/{dossier.code}/danh-gia/", {"rating-level": "satisfied"})
    assert early.status_code == 302 and early["Location"] == f"/ho-so/{dossier.code}/"
    assert not Rating.objects.exists(), "no rating before the result"
    factories.advance(dossier, Status.RETURNED)
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    assert "Rất hài lòng" in page
    signed_in.post(
        f"/ho-so/{dossier.code}/danh-gia/",
        {"rating-level": "very_satisfied", "rating-comment": "Nhanh"},
    )
    signed_in.post(f"/ho-so/{dossier.code}/danh-gia/", {"rating-level": "dissatisfied"})
    rating = Rating.objects.get()
    assert (rating.level, rating.comment) == ("very_satisfied", "Nhanh")


def test_another_citizen_cannot_act_on_my_dossier(client, dossier, django_user_model):
    other = django_user_model.objects.create_user("0912000000", password="x")
    client.force_login(other)
    for action in ("rut", "danh-gia", "bo-sung"):
        assert client.post(f"/ho-so/{dossier.code}/{action}/", {}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_the_page_title_is_just_the_code(signed_in, dossier):
    page = signed_in.get(f"/ho-so/{dossier.code}/").content.decode()
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert title.startswith(dossier.code) and "<" not in title
