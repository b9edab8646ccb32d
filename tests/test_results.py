"""The signed result a leader's approval issues: its signature, its QR code, who may download it."""

import asyncio
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pyhanko.sign.general import load_cert_from_pemder
from pyhanko.sign.validation.status import SignatureCoverageLevel
from weasyprint import HTML

from motcua.accounts.models import Role
from motcua.catalog.models import ResultTemplate
from motcua.core.models import AuditEntry
from motcua.core.pdf import qr_svg
from motcua.dossiers import results, services
from motcua.dossiers.models import ResultRegister, Status
from tests.factories import dossier_in, flat_pdf_text, pdf_text, signature_status, stored


@pytest.fixture
def approved(staff, marriage, citizen, province):
    """A marriage dossier at commune A, approved by its leader through the workflow."""
    marriage.result_type = "Giấy chứng nhận kết hôn"
    marriage.save()
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    return services.perform(dossier, "approve", staff[("commune_a", Role.LEADER)])


def test_approving_issues_a_signed_result(approved, staff):
    document = approved.result
    leader = staff[("commune_a", Role.LEADER)]
    assert approved.status == Status.FINISHED
    assert document.number == "1/TB" and document.signed_by == leader
    assert document.title == "Giấy chứng nhận kết hôn"
    content = stored(document)
    assert hashlib.sha256(content).hexdigest() == document.sha256
    status = signature_status(content)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    text = flat_pdf_text(content)
    for written in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "THÔNG BÁO",
        "Kết quả giải quyết: Giấy chứng nhận kết hôn",
        "Trần Văn Bình",
        "Họ và tên",
        approved.code,
    ):
        assert written in text
    signed = AuditEntry.objects.get(action="result.sign", object_ref=approved.code)
    assert signed.actor == leader and signed.detail["sha256"] == document.sha256


def test_results_are_numbered_in_their_agencys_register_of_the_year(
    approved, staff, marriage, citizen, province
):
    def approve(agency: str):
        dossier = dossier_in(marriage, citizen, province[agency], Status.AWAITING_APPROVAL)
        leader = staff[(agency, Role.LEADER)]
        return services.perform(dossier, "approve", leader).result

    assert approved.result.number == "1/TB"
    assert approve("commune_a").number == "2/TB"
    assert approve("commune_b").number == "1/TB"  # its own register
    ResultTemplate.objects.create(
        procedure=marriage, document_type="Giấy chứng nhận kết hôn", symbol="ĐKKH", body="x"
    )
    assert approve("commune_a").number == "1/ĐKKH"  # a register per kind of result
    register = ResultRegister.objects.get(agency=province["commune_a"], symbol="TB")
    assert (register.year, register.last) == (timezone.localdate().year, 2)
    register.year -= 1  # last year's register: this year's starts again at 1
    register.save()
    ResultTemplate.objects.filter(procedure=marriage).delete()
    assert approve("commune_a").number == "1/TB"


def test_a_changed_byte_breaks_the_signature(approved):
    content = bytearray(stored(approved.result))
    content[10] ^= 0x01  # inside the binary comment under the header: still a readable PDF
    status = signature_status(bytes(content))
    assert not status.intact and not status.bottom_line


def test_the_qr_code_leads_to_the_verification_page(approved, client, monkeypatch):
    """No QR decoder is at hand: check the code drawn for the URL printed is the one opened."""
    document = approved.result
    url = results.verification_url(document.verification_code)
    html = results.result_html(approved, document.number, url)
    assert qr_svg(url) in html and url in html
    assert re.fullmatch(r"https://localhost/xac-thuc/[\w-]{32}/", url)
    page = client.get(url.removeprefix("https://localhost")).content.decode()
    assert document.number in page and document.sha256 in page
    assert "Giấy chứng nhận kết hôn" in page and "Ủy ban nhân dân xã Phú An" in page
    for personal in ("Trần Văn Bình", "Bình", "0905123456"):
        assert personal not in page
    assert url in pdf_text(stored(document)).replace("\n", "")


def test_an_unknown_code_is_not_found(client, db):
    assert client.get("/xac-thuc/no-such-code/").status_code == 404


def test_the_citizen_downloads_the_result_and_nobody_else(
    approved, client, citizen, django_user_model
):
    client.force_login(citizen)
    page = client.get(f"/ho-so/{approved.code}/").content.decode()
    assert f'action="/ho-so/{approved.code}/nhan-ket-qua/"' in page
    response = client.get(f"/ho-so/{approved.code}/ket-qua.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == stored(approved.result)
    assert AuditEntry.objects.filter(
        action="result.download", object_ref=approved.code, actor=citizen
    ).exists()
    approved.refresh_from_db()
    assert approved.status == Status.FINISHED, "a GET changes nothing: no hand-over by download"
    assert client.get(f"/ho-so/{approved.code}/nhan-ket-qua/").status_code == 405
    received = client.post(f"/ho-so/{approved.code}/nhan-ket-qua/")
    assert received.status_code == 302
    assert received["Location"] == f"/ho-so/{approved.code}/ket-qua.pdf"
    approved.refresh_from_db()
    assert (approved.status, approved.delivery) == (Status.RETURNED, "online"), (
        "a level-4 result received by its applicant is handed over online"
    )
    client.post(f"/ho-so/{approved.code}/nhan-ket-qua/")
    assert approved.events.filter(to_status=Status.RETURNED).count() == 1
    page = client.get(f"/ho-so/{approved.code}/").content.decode()
    assert f'href="/ho-so/{approved.code}/ket-qua.pdf"' in page
    other = django_user_model.objects.create_user("0912345678", password="x-y-z-w-1234")
    client.force_login(other)
    assert client.get(f"/ho-so/{approved.code}/ket-qua.pdf").status_code == 404
    assert client.post(f"/ho-so/{approved.code}/nhan-ket-qua/").status_code == 404


def test_no_download_before_the_result_or_below_level_4(approved, client, citizen, marriage):
    client.force_login(citizen)
    path = f"/ho-so/{approved.code}/ket-qua.pdf"
    marriage.level = 3
    marriage.save()
    assert client.get(path).status_code == 404
    assert "ket-qua.pdf" not in client.get(f"/ho-so/{approved.code}/").content.decode()


def test_officials_of_the_agency_download_it_others_get_404(approved, client, staff):
    desk = staff[("commune_a", Role.DESK_OFFICER)]
    client.force_login(desk)
    page = client.get(f"/mot-cua/ho-so/{approved.code}/").content.decode()
    assert f'href="/mot-cua/ho-so/{approved.code}/ket-qua.pdf"' in page
    response = client.get(f"/mot-cua/ho-so/{approved.code}/ket-qua.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(
        action="result.download", object_ref=approved.code, actor=desk
    ).exists()
    client.force_login(staff[("commune_b", Role.LEADER)])
    assert client.get(f"/mot-cua/ho-so/{approved.code}/ket-qua.pdf").status_code == 404


def test_make_demo_certificate_makes_it_once(tmp_path, settings):
    folder = tmp_path / "signing"
    settings.VAR_DIR = tmp_path
    settings.SIGNING_CERT_FILE = str(folder / "certificate.pem")
    settings.SIGNING_KEY_FILE = str(folder / "key.pem")
    settings.SIGNING_KEY_PASSPHRASE = ""
    call_command("make_demo_certificate", stdout=io.StringIO())
    certificate, key = Path(settings.SIGNING_CERT_FILE), Path(settings.SIGNING_KEY_FILE)
    first = certificate.read_bytes(), key.read_bytes()
    assert "Thừa Thiên Huế (demo)" in load_cert_from_pemder(str(certificate)).subject.human_friendly
    assert key.stat().st_mode & 0o077 == 0
    call_command("make_demo_certificate", stdout=io.StringIO())
    assert (certificate.read_bytes(), key.read_bytes()) == first
    call_command("make_demo_certificate", "--force", stdout=io.StringIO())
    assert certificate.read_bytes() != first[0] and key.read_bytes() != first[1]


def test_make_demo_certificate_leaves_a_configured_one_alone(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.SIGNING_CERT_FILE = str(tmp_path / "agency.pem")
    settings.SIGNING_KEY_FILE = str(tmp_path / "agency.key")
    call_command("make_demo_certificate", "--force", stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_the_demo_certificate_signs_verifiable_results(tmp_path, settings):
    """The command's certificate is one pyHanko accepts, passphrase and all."""
    settings.VAR_DIR = tmp_path
    settings.SIGNING_CERT_FILE = str(tmp_path / "signing" / "certificate.pem")
    settings.SIGNING_KEY_FILE = str(tmp_path / "signing" / "key.pem")
    settings.SIGNING_KEY_PASSPHRASE = "mật khẩu"
    call_command("make_demo_certificate", stdout=io.StringIO())
    signed = results.sign_pdf(HTML(string="<p>Quyết định</p>").write_pdf(), "Lãnh đạo")
    status = signature_status(signed)
    assert status.intact and status.valid and status.trusted


def test_signing_works_where_an_event_loop_runs():
    """An async caller, or Playwright's sync API in the test thread, has a running loop."""

    async def sign_inside_a_loop() -> bytes:
        return results.sign_pdf(HTML(string="<p>Giấy phép</p>").write_pdf(), "Lãnh đạo")

    status = signature_status(asyncio.run(sign_inside_a_loop()))
    assert status.intact and status.valid and status.trusted
