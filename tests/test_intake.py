"""Paper dossiers: handed in at the desk or by post, registered by the desk officer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import Role
from motcua.core.models import AuditEntry
from motcua.dossiers.models import Dossier, Status
from tests.factories import PDF, official


@pytest.fixture
def desk(client, province):
    officer = official(province["commune_a"], Role.DESK_OFFICER)
    client.force_login(officer)
    return officer


def paper(marriage, **changes):
    document = marriage.documents.order_by("pk").first()
    data = {
        "procedure": marriage.code,
        "token": "paper-1",
        "channel": "desk",
        "applicant_name": "Hồ Thị Lan",
        "applicant_id_number": "046190001234",
        "applicant_phone": "0935 222 333",
        "field_ho_ten": "Hồ Thị Lan",
        "field_cccd_vo": "046190001234",
        f"document_{document.pk}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
    }
    data.update(changes)
    return data


def test_a_walk_in_dossier_is_registered_and_accepted(client, desk, marriage):
    response = client.post("/mot-cua/tiep-nhan/", paper(marriage))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/mot-cua/ho-so/{dossier.code}/"
    assert dossier.code.startswith("000.01.31.H57-") and dossier.channel == "desk"
    assert dossier.applicant is None and dossier.applicant_name == "Hồ Thị Lan"
    assert dossier.applicant_phone == "0935222333" and dossier.due_date
    assert dossier.applicant_id_number == "046190001234"
    assert dossier.status == Status.ACCEPTED
    assert [e.to_status for e in dossier.events.all()] == [Status.SUBMITTED, Status.ACCEPTED]
    assert dossier.attachments.get().content_type == "application/pdf"
    again = client.post("/mot-cua/tiep-nhan/", paper(marriage))
    assert again["Location"] == response["Location"] and Dossier.objects.count() == 1


def test_the_post_channel_is_recorded(client, desk, marriage):
    client.post("/mot-cua/tiep-nhan/", paper(marriage, channel="post"))
    assert Dossier.objects.get().channel == "post"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"applicant_id_number": "123"}, "đúng 12 chữ số"),
        ({"applicant_phone": "12345"}, "10 chữ số"),
        ({"applicant_name": ""}, "bắt buộc"),
    ],
)
def test_bad_paper_input_changes_nothing(client, desk, marriage, changes, message):
    response = client.post("/mot-cua/tiep-nhan/", paper(marriage, **changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert Dossier.objects.count() == 0


def test_only_desk_officers_register_and_only_their_agencys_procedures(
    client, province, marriage, catalog
):
    specialist = official(province["commune_a"], Role.SPECIALIST)
    client.force_login(specialist)
    assert client.get("/mot-cua/tiep-nhan/").status_code == 403
    client.force_login(official(province["commune_a"], Role.DESK_OFFICER))
    foreign = catalog["criminal_record"]
    page = client.get("/mot-cua/tiep-nhan/", {"procedure": foreign.code}).content.decode()
    assert foreign.name not in page and "Đăng ký kết hôn" in page


def test_files_and_receipt_for_officials_with_every_download_logged(
    client, desk, marriage, province
):
    client.post("/mot-cua/tiep-nhan/", paper(marriage))
    dossier = Dossier.objects.get()
    attachment = dossier.attachments.get()
    download = client.get(f"/mot-cua/ho-so/{dossier.code}/tep/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="attachment.download", actor=desk).exists()
    receipt = client.get(f"/mot-cua/ho-so/{dossier.code}/giay-tiep-nhan.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")

    client.force_login(official(province["commune_b"], Role.DESK_OFFICER))
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/tep/{attachment.pk}/").status_code == 404
    assert client.get(f"/mot-cua/ho-so/{dossier.code}/giay-tiep-nhan.pdf").status_code == 404
