"""The specialist's findings: fields of a procedure's form that the official fills in (the
judicial record's criminal record), never the applicant, printed on the result."""

from __future__ import annotations

import datetime
import json

import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.catalog import importexport, result_templates
from motcua.catalog.formdef import definition_errors, official_fields
from motcua.catalog.models import ResultTemplate
from motcua.demo.results import FORMS, JUDICIAL_RECORD, WORDINGS
from motcua.dossiers import results, services
from motcua.dossiers.forms import SubmissionForm
from motcua.dossiers.models import Dossier, Status
from tests import factories

RECORD = "Có 01 án tích: ngày 05/03/2019, Tòa án nhân dân huyện Phú Vang xử phạt 06 tháng tù."
NOT_BANNED = "Không bị cấm."
FORM = [
    {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
    {
        "name": "an_tich",
        "label": "Tình trạng án tích",
        "type": "textarea",
        "required": True,
        "official": True,
    },
    {
        "name": "cam_dam_nhiem",
        "label": "Thông tin về việc cấm đảm nhiệm chức vụ",
        "type": "text",
        "required": False,
        "official": True,
    },
]


@pytest.fixture
def record(catalog):
    """The judicial record, with its findings and a wording that prints them."""
    procedure = catalog["criminal_record"]
    procedure.form_fields = FORM
    procedure.save()
    ResultTemplate.objects.create(
        procedure=procedure,
        document_type="Phiếu lý lịch tư pháp số 1",
        body="Họ và tên: {{ ho_ten }}\n\nÁn tích: {{ an_tich }}\n\n{{ cam_dam_nhiem }}",
    )
    return procedure


@pytest.fixture
def processing(record, citizen, province) -> Dossier:
    made = factories.dossier(
        record, citizen, province["justice"], form_data={"ho_ten": "Trần Văn Bình"}
    )
    return factories.advance(made, Status.PROCESSING)


@pytest.fixture
def specialist(processing) -> factories.User:
    return processing.assignee


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def send_for_review(user, dossier: Dossier, **body):
    return api_as(user).post(
        f"/api/v1/dossiers/{dossier.code}/transitions",
        {"action": "send_for_review", **body},
        format="json",
    )


# ---------------------------------------------------------------- the definition


def test_a_finding_is_marked_official_true_and_takes_nothing_from_the_profile():
    field = {"name": "an_tich", "label": "Án tích", "type": "text"}
    assert definition_errors([{**field, "official": True}]) == []
    assert definition_errors([{**field, "official": "có"}]) == [
        "Trường thứ 1: official (cán bộ điền) phải là true hoặc false."
    ]
    [error] = definition_errors([{**field, "official": True, "profile": "full_name"}])
    assert "không lấy giá trị từ hồ sơ cá nhân" in error


# ---------------------------------------------------------------- the applicant's doors


def test_the_applicant_is_never_asked_for_a_finding_and_cannot_give_one(record, citizen, client):
    assert list(SubmissionForm(record).fields) == ["token", "field_ho_ten"]
    published = client.get(f"/api/v1/procedures/{record.code}").json()
    assert [field["name"] for field in published["form_fields"]] == ["ho_ten"]

    body = {
        "procedure": record.code,
        "agency": "000.00.02.H57",
        "fields": {"ho_ten": "Trần Văn Bình", "an_tich": "Không có án tích."},
    }
    response = api_as(citizen).post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert dossier.form_data == {"ho_ten": "Trần Văn Bình"} and dossier.findings == {}


def test_the_officials_read_the_findings_and_the_applicant_does_not(
    processing, specialist, province
):
    send_for_review(specialist, processing, findings={"an_tich": RECORD})
    url = f"/api/v1/dossiers/{processing.code}"
    mine = api_as(processing.applicant).get(url).json()
    assert mine["findings"] is None and RECORD not in json.dumps(mine, ensure_ascii=False)
    head = factories.builder_official(province["justice"], Role.HEAD_OF_DIVISION)
    assert api_as(head).get(url).json()["findings"] == {"an_tich": RECORD}


# ---------------------------------------------------------------- the specialist's doors


def test_the_specialist_gives_the_findings_on_the_page_and_the_result_prints_them(
    processing, specialist, client
):
    client.force_login(specialist)
    page = client.get(f"/mot-cua/ho-so/{processing.code}/").content.decode()
    assert "Tình trạng án tích" in page and 'name="field_an_tich"' in page

    url = f"/mot-cua/ho-so/{processing.code}/xu-ly/"
    missing = client.post(url, {"action": "send_for_review"})
    assert missing.status_code == 400 and "field has-error" in missing.content.decode()
    assert Dossier.objects.get(pk=processing.pk).status == Status.PROCESSING

    done = client.post(
        url,
        {"action": "send_for_review", "field_an_tich": RECORD, "field_cam_dam_nhiem": NOT_BANNED},
        follow=True,
    )
    dossier = Dossier.objects.get(pk=processing.pk)
    assert dossier.status == Status.UNDER_REVIEW
    assert dossier.findings == {"an_tich": RECORD, "cam_dam_nhiem": NOT_BANNED}
    assert "Kết quả thẩm định của chuyên viên" in done.content.decode()
    assert RECORD in done.content.decode()

    printed = results.result_html(dossier, "01/LLTP", "https://example.vn/xac-thuc/1")
    assert f"Án tích: {RECORD}" in printed and NOT_BANNED in printed
    assert "Không có án tích" not in printed


def test_findings_sent_back_are_offered_again_and_replaced(
    processing, specialist, province, client
):
    first = send_for_review(specialist, processing, findings={"an_tich": "Không có án tích."})
    assert first.status_code == 200, first.content
    head = factories.builder_official(province["justice"], Role.HEAD_OF_DIVISION)
    services.perform(Dossier.objects.get(pk=processing.pk), "send_back", head, reason="Xem lại")

    client.force_login(specialist)  # the page offers what was found before
    page = client.get(f"/mot-cua/ho-so/{processing.code}/").content.decode()
    assert ">\nKhông có án tích.</textarea>" in page

    assert send_for_review(specialist, processing, findings={"an_tich": RECORD}).status_code == 200
    assert Dossier.objects.get(pk=processing.pk).findings == {"an_tich": RECORD}


@pytest.mark.parametrize(
    ("findings", "says"),
    [
        (["Không có án tích."], "JSON"),
        ("not json", "JSON"),
        ({"cam_dam_nhiem": NOT_BANNED}, "Tình trạng án tích"),
        ({"an_tich": RECORD, "ho_ten": "Người khác"}, "ho_ten"),
        ({"an_tich": "Không\x00có"}, "ký tự"),
    ],
)
def test_bad_findings_say_why_and_change_nothing(processing, specialist, findings, says):
    response = send_for_review(specialist, processing, findings=findings)
    said = json.dumps(response.json(), ensure_ascii=False)
    assert response.status_code == 400 and says in said, said
    dossier = Dossier.objects.get(pk=processing.pk)
    assert (dossier.status, dossier.findings) == (Status.PROCESSING, {})
    assert dossier.form_data == {"ho_ten": "Trần Văn Bình"}


def test_no_one_but_the_assigned_specialist_gives_findings(processing, province, citizen):
    for role in (Role.HEAD_OF_DIVISION, Role.LEADER, Role.DESK_OFFICER):
        official = factories.builder_official(province["justice"], role)
        response = send_for_review(official, processing, findings={"an_tich": RECORD})
        assert response.status_code in (403, 409), (role, response.status_code)
    stranger = factories.official(province["commune_a"], Role.SPECIALIST)
    assert send_for_review(stranger, processing, findings={"an_tich": RECORD}).status_code == 404
    assert send_for_review(citizen, processing, findings={"an_tich": RECORD}).status_code in (
        403,
        404,
    )
    assert Dossier.objects.get(pk=processing.pk).findings == {}


def test_findings_go_with_sending_for_review_only(processing):
    response = api_as(processing.assignee).post(
        f"/api/v1/dossiers/{processing.code}/transitions",
        {"action": "request_fees", "comment": "Lệ phí", "findings": {"an_tich": RECORD}},
        format="json",
    )
    said = json.dumps(response.json(), ensure_ascii=False)
    assert response.status_code == 400 and "Chỉ ghi kết quả thẩm định" in said, said
    dossier = Dossier.objects.get(pk=processing.pk)
    assert (dossier.status, dossier.findings) == (Status.PROCESSING, {})


def test_a_procedure_without_findings_takes_none(catalog, citizen, province):
    made = factories.dossier_in(catalog["marriage"], citizen, province["commune_a"], "processing")
    response = send_for_review(made.assignee, made, findings={"an_tich": RECORD})
    assert response.status_code == 400 and "an_tich" in response.content.decode()
    assert send_for_review(made.assignee, made).status_code == 200


# ---------------------------------------------------------------- the catalog files


def test_the_excel_catalog_carries_the_internal_and_official_flags(record):
    record.form_fields = [*FORM, {**FORM[0], "name": "so_ban", "internal": True}]
    record.save()
    book = importexport.export_xlsx(type(record).objects.filter(pk=record.pk))
    [read] = importexport.read_xlsx(book)
    flags = {f["name"]: (f.get("internal"), f.get("official")) for f in read.data["form_fields"]}
    assert flags == {
        "ho_ten": (None, None),
        "an_tich": (None, True),
        "cam_dam_nhiem": (None, True),
        "so_ban": (True, None),
    }


def test_the_demo_judicial_record_prints_what_the_specialist_found(catalog, province):
    procedure = factories.procedure(
        JUDICIAL_RECORD, agencies=[province["justice"]], form_fields=FORMS[JUDICIAL_RECORD]
    )
    ResultTemplate.objects.create(procedure=procedure, **WORDINGS[JUDICIAL_RECORD])
    assert [f["name"] for f in official_fields(procedure.form_fields)] == [
        "an_tich",
        "cam_dam_nhiem",
    ]
    answers = {**result_templates.sample_answers(procedure), "an_tich": RECORD}
    issue = result_templates.Issue(
        agency=province["justice"],
        number="01",
        day=datetime.date(2026, 12, 7),
        applicant="Trần Văn Bình",
        dossier_code="X",
    )
    printed = result_templates.result_html(procedure, answers, issue)
    assert f"Án tích: {RECORD}" in printed and "Không có án tích" not in printed
