"""Bad input at any door gets a clear 4xx in Vietnamese and changes nothing, never a 500: NUL
bytes in addresses and forms, statistics periods out of reach, a damaged PDF as a result."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from rest_framework.test import APIClient
from weasyprint import HTML

from motcua.accounts.models import Role
from motcua.core.models import AuditEntry
from motcua.dossiers.models import Dossier, ResultDocument, Status
from tests.factories import dossier_in

NUL_MESSAGE = "chứa ký tự không được phép"


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/agencies/?tier=%00",
        "/api/v1/agencies/?parent=%00",
        "/api/v1/agencies/%00",
        "/api/v1/procedures/%00",
        "/api/v1/sectors/%00",
        "/api/v1/lookup/%00",
        "/api/v1/procedures/?q=ok&%00=1",
    ],
)
def test_a_nul_byte_in_an_api_address_is_a_400_in_json(api, catalog, url):
    response = api.get(url)
    assert response.status_code == 400
    assert NUL_MESSAGE in response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/thu-tuc/?q=%00",
        "/thu-tuc/%00/",
        "/tra-cuu/?code=%00",
        "/xac-thuc/%00/",
        "/co-quan/?tier=%00",
    ],
)
def test_a_nul_byte_in_a_page_address_is_a_400_page(client, catalog, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert NUL_MESSAGE in page and "<h1>Yêu cầu không hợp lệ</h1>" in page


def test_a_nul_byte_in_a_urlencoded_form_is_refused_before_any_login_attempt(client, citizen):
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": "congdan\x00", "password": "x"}, follow=False
    )
    assert response.status_code == 400 and NUL_MESSAGE in response.content.decode()
    response = client.post(
        "/api/v1/auth/token",
        "username=congdan%00&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400 and NUL_MESSAGE in response.json()["detail"]


def test_ordinary_addresses_and_forms_pass(client, api, catalog):
    assert api.get("/api/v1/agencies/?tier=commune").status_code == 200
    assert client.get("/thu-tuc/?q=k%E1%BA%BFt+h%C3%B4n").status_code == 200
    response = client.post("/tai-khoan/dang-nhap/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200  # the form again, with its message


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01&to=9999-12-31",
        "from=9999-12-31&to=9999-12-31",
        "from=0001-01-01&to=0001-01-01",
        "to=0001-01-01",
        "from=9999-12-01",
    ],
)
def test_statistics_of_days_out_of_reach_are_a_400(api, province, query):
    response = api.get(f"/api/v1/stats/summary?{query}")
    assert response.status_code == 400
    errors = [message for messages in response.json().values() for message in messages]
    assert any("Hãy chọn một ngày từ 01/01/1900 đến 31/12/2999" in m for m in errors), errors


def test_the_public_statistics_page_shows_days_out_of_reach_as_a_form_error(client, province):
    response = client.get("/thong-ke/?from=0001-01-01&to=9999-12-31")
    assert response.status_code == 200
    assert "Hãy chọn một ngày từ 01/01/1900 đến 31/12/2999" in response.content.decode()
    assert client.get("/thong-ke/?from=1900-01-01&to=2999-12-31").status_code == 200


def test_the_agency_schema_says_parent_may_be_null(api, province):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parent = schema["components"]["schemas"]["Agency"]["properties"]["parent"]
    assert parent.get("nullable") is True
    root = api.get("/api/v1/agencies/000.00.00.H57").json()
    assert root["parent"] is None


def a_pdf() -> bytes:
    return HTML(string="<h1>QUYẾT ĐỊNH</h1>").write_pdf()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(a_pdf())))
    writer.encrypt("mat-khau", "chu-so-huu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DAMAGED = {
    "header only": lambda: b"%PDF-1.7\n" + b"garbage " * 200,
    "truncated": lambda: a_pdf()[:2000],
    "no pages": lambda: b"%PDF-1.4\n%%EOF\n",
}


def assert_unchanged(dossier: Dossier) -> None:
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_APPROVAL
    assert not ResultDocument.objects.filter(dossier=dossier).exists()
    assert not dossier.events.filter(to_status=Status.FINISHED).exists()
    assert not AuditEntry.objects.filter(action="result.sign", object_ref=dossier.code).exists()


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_pdf_as_result_is_refused_through_the_api(
    api, staff, marriage, citizen, province, kind
):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    api.force_login(staff[("commune_a", Role.LEADER)])
    upload = SimpleUploadedFile("quyet-dinh.pdf", DAMAGED[kind](), "application/pdf")
    response = api.post(
        f"/api/v1/dossiers/{dossier.code}/transitions",
        {"action": "approve", "result_file": upload},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "PDF bị hỏng hoặc không đầy đủ" in str(response.json())
    assert_unchanged(dossier)


def test_a_password_protected_pdf_as_result_is_refused_on_the_page(
    client, staff, marriage, citizen, province
):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    client.force_login(staff[("commune_a", Role.LEADER)])
    upload = SimpleUploadedFile("quyet-dinh.pdf", encrypted_pdf(), "application/pdf")
    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/xu-ly/",
        {"action": "approve", "result_file": upload},
        follow=True,
    )
    assert response.status_code == 200
    assert "được bảo vệ bằng mật khẩu" in response.content.decode()
    assert_unchanged(dossier)


def test_a_damaged_pdf_as_result_is_refused_on_the_page(client, staff, marriage, citizen, province):
    dossier = dossier_in(marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL)
    client.force_login(staff[("commune_a", Role.LEADER)])
    upload = SimpleUploadedFile("quyet-dinh.pdf", DAMAGED["truncated"](), "application/pdf")
    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/xu-ly/",
        {"action": "approve", "result_file": upload},
        follow=True,
    )
    assert "PDF bị hỏng hoặc không đầy đủ" in response.content.decode()
    assert_unchanged(dossier)


def test_a_token_request_with_a_name_longer_than_any_account_is_refused_by_its_field(api, db):
    response = api.post("/api/v1/auth/token", {"username": "a" * 300, "password": "x"})
    assert response.status_code == 400 and "username" in response.json()
    assert "254" in response.json()["username"][0]


def test_a_nul_byte_anywhere_in_a_json_body_is_a_400(api, citizen, marriage):
    api.force_authenticate(citizen)
    for body in (
        {"procedure": "\x00"},
        {"procedure": marriage.code, "fields": {"ho_ten": ["Bình", {"\x00": 1}]}},
    ):
        response = api.post("/api/v1/dossiers/", body, format="json")
        assert response.status_code == 400 and NUL_MESSAGE in response.json()["detail"]
    assert not citizen.dossiers.exists()
    response = api.post("/api/v1/dossiers/", {"procedure": "không-có"}, format="json")
    assert response.status_code == 404, "an ordinary body reaches the view"
