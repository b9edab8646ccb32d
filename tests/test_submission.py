"""Submitting a dossier online over HTTP, with every bad input a citizen can make."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.models import Attachment, Dossier, Status
from tests.factories import PNG, form_data, pdf


def test_submission_gives_a_code_and_an_appointment_date(signed_in, marriage):
    response = signed_in.post(f"/thu-tuc/{marriage.code}/nop/", form_data(marriage))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{dossier.code}/"
    assert re.fullmatch(r"000\.01\.31\.H57-\d{6}-0001", dossier.code)
    assert dossier.status == Status.SUBMITTED and dossier.channel == "online"
    assert dossier.form_data == {"ho_ten": "Trần Văn Bình", "cccd_vo": "046190001234", "so_ban": 2}
    assert dossier.due_date is not None
    attachment = dossier.attachments.get()
    assert (
        attachment.content_type == "application/pdf" and attachment.original_name == "to-khai.pdf"
    )
    page = signed_in.get(response["Location"]).content.decode()
    assert dossier.code in page and "Đã nộp" in page


def test_the_form_is_prefilled_from_the_profile(signed_in, marriage):
    page = signed_in.get(f"/thu-tuc/{marriage.code}/nop/").content.decode()
    assert 'value="Trần Văn Bình"' in page


def test_double_submit_creates_one_dossier(signed_in, marriage):
    first = signed_in.post(f"/thu-tuc/{marriage.code}/nop/", form_data(marriage))
    second = signed_in.post(f"/thu-tuc/{marriage.code}/nop/", form_data(marriage))
    assert Dossier.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == first["Location"]


def test_draft_is_kept_and_resumed(signed_in, marriage):
    document = marriage.documents.get()
    draft = form_data(marriage, submit=None, draft="1", field_cccd_vo="")
    draft.pop(f"document_{document.pk}")
    assert signed_in.post(f"/thu-tuc/{marriage.code}/nop/", draft).status_code == 302
    saved = Dossier.objects.get()
    assert saved.status == Status.DRAFT and saved.code is None
    page = signed_in.get(f"/thu-tuc/{marriage.code}/nop/").content.decode()
    assert 'value="t-1"' in page and 'value="2"' in page
    finished = form_data(marriage)
    signed_in.post(f"/thu-tuc/{marriage.code}/nop/", finished)
    saved.refresh_from_db()
    assert saved.status == Status.SUBMITTED and Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"field_cccd_vo": "12345"}, "đúng 12 chữ số"),
        ({"field_ho_ten": ""}, "Trường này là bắt buộc"),
        ({"agency": "000.00.02.H57"}, "Hãy chọn một lựa chọn hợp lệ"),
        ({"field_so_ban": "-1"}, "lớn hơn hoặc bằng với 0"),
    ],
)
def test_bad_answers_are_explained_and_register_nothing(signed_in, marriage, changes, message):
    response = signed_in.post(f"/thu-tuc/{marriage.code}/nop/", form_data(marriage, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Dossier.objects.exclude(status=Status.DRAFT).exists()
    # The file the form accepted waits on the draft, shown as chosen, for the corrected answers.
    assert [a.original_name for a in Attachment.objects.all()] == ["to-khai.pdf"]
    assert "đã chọn: to-khai.pdf" in response.content.decode()


def test_missing_mandatory_document_is_refused(signed_in, marriage):
    data = form_data(marriage)
    data.pop(f"document_{marriage.documents.get().pk}")
    response = signed_in.post(f"/thu-tuc/{marriage.code}/nop/", data)
    assert response.status_code == 400 and Dossier.objects.count() == 0


def test_a_renamed_file_is_judged_by_its_content(signed_in, marriage):
    document = marriage.documents.get()
    fake = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 this is a program", "application/pdf")
    response = signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/", form_data(marriage, **{f"document_{document.pk}": fake})
    )
    assert response.status_code == 400
    assert "to-khai.pdf không phải là tệp PDF, JPEG hoặc PNG" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_images_are_accepted(signed_in, marriage):
    document = marriage.documents.get()
    photo = SimpleUploadedFile("anh.png", PNG, "image/png")
    signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/", form_data(marriage, **{f"document_{document.pk}": photo})
    )
    assert Attachment.objects.get().content_type == "image/png"


def test_oversize_file_is_refused(signed_in, marriage, settings):
    settings.UPLOAD_MAX_FILE_MB = 1
    document = marriage.documents.get()
    big = pdf(size=1024 * 1024)
    response = signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/", form_data(marriage, **{f"document_{document.pk}": big})
    )
    assert response.status_code == 400 and "tối đa 1 MB" in response.content.decode()
    assert Dossier.objects.count() == 0


def test_oversize_dossier_is_refused(signed_in, marriage, settings):
    settings.UPLOAD_MAX_FILE_MB = 1
    settings.UPLOAD_MAX_DOSSIER_MB = 1
    document = marriage.documents.get()
    draft = form_data(
        marriage, submit=None, draft="1", **{f"document_{document.pk}": pdf(size=700_000)}
    )
    signed_in.post(f"/thu-tuc/{marriage.code}/nop/", draft)
    extra = marriage.documents.create(name="Giấy xác nhận", mandatory=False)
    response = signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/",
        form_data(
            marriage, **{f"document_{document.pk}": None, f"document_{extra.pk}": pdf(size=700_000)}
        ),
    )
    assert response.status_code == 400 and "tối đa 1 MB" in response.content.decode()
    assert Dossier.objects.get().status == Status.DRAFT and Attachment.objects.count() == 1


def test_login_is_required_to_submit(client, marriage):
    response = client.get(f"/thu-tuc/{marriage.code}/nop/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_offline_procedure_cannot_be_submitted(signed_in, catalog):
    response = signed_in.get(f"/thu-tuc/{catalog['construction'].code}/nop/")
    assert response.status_code == 302 and Dossier.objects.count() == 0


def test_another_citizens_dossier_is_not_found(signed_in, marriage, client, django_user_model):
    signed_in.post(f"/thu-tuc/{marriage.code}/nop/", form_data(marriage))
    dossier = Dossier.objects.get()
    other = django_user_model.objects.create_user("0912345678", password="x-y-z-w-1234")
    client.force_login(other)
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 404
    assert dossier.code not in client.get("/ho-so/").content.decode()


def test_public_lookup_shows_status_and_dates_only(signed_in, marriage, client):
    signed_in.post(f"/thu-tuc/{marriage.code}/nop/", form_data(marriage))
    dossier = Dossier.objects.get()
    client.logout()
    page = client.get("/tra-cuu/", {"code": dossier.code}).content.decode()
    assert dossier.code in page and "Đã nộp" in page
    for private in ("Trần Văn Bình", "046190001234", "0905123456", marriage.name):
        assert private not in page
    assert (
        "Không có hồ sơ nào"
        in client.get("/tra-cuu/", {"code": "H57-000000-0000"}).content.decode()
    )


def test_public_lookup_is_rate_limited(client, db):
    from django.core.cache import cache

    cache.clear()
    statuses = [client.get("/tra-cuu/", {"code": f"X-{n}"}).status_code for n in range(25)]
    assert statuses[:20] == [200] * 20 and statuses[20:] == [429] * 5


def test_appointment_counts_working_days_from_the_next_working_day(marriage, citizen):
    marriage.processing_days = 3
    marriage.save()
    dossier, _ = services.start_draft(
        procedure=marriage, agency=marriage.agencies.first(), applicant=citizen, form_data={}
    )
    friday_evening = datetime.datetime(2025, 4, 25, 17, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    dossier = services.submit(dossier, now=friday_evening)
    # After the office closed: received on the next working day. In 2025 the Government gave
    # Fri 2 May off in exchange for working Sat 26 Apr, so it is received on Sat 26 Apr; then
    # Mon 28 Apr is day 1, Tue 29 Apr day 2, and after 30 Apr, 1 and 2 May, Mon 5 May day 3.
    assert dossier.due_date == datetime.date(2025, 5, 5)
    # The code is taken on the day of receipt (Circular 01/2018), not of the online submission.
    assert dossier.code.endswith("-250426-0001")


def test_answers_are_saved_as_they_are_typed(signed_in, marriage):
    page = signed_in.get(f"/thu-tuc/{marriage.code}/nop/").content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page).group(1)
    response = signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/luu-nhap/",
        {"token": token, "field_ho_ten": "Trần Văn Bình", "field_so_ban": "3"},
        HTTP_HX_REQUEST="true",
    )
    assert "Đã tự động lưu nháp" in response.content.decode()
    draft = Dossier.objects.get()
    assert draft.status == Status.DRAFT and draft.form_data["so_ban"] == 3
    again = signed_in.get(f"/thu-tuc/{marriage.code}/nop/").content.decode()
    assert f'value="{token}"' in again and 'value="3"' in again
    bad = signed_in.post(
        f"/thu-tuc/{marriage.code}/nop/luu-nhap/", {"token": token, "field_so_ban": "-4"}
    )
    assert "Chưa lưu" in bad.content.decode()
    draft.refresh_from_db()
    assert draft.form_data["so_ban"] == 3
