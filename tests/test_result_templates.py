"""Results in their official form: the procedure's wording, its sandbox, its preview and the
generic notice, and the signed PDF a leader's approval issues."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.catalog import result_templates, sandbox
from motcua.catalog.formdef import definition_errors
from motcua.catalog.models import ResultTemplate
from motcua.catalog.result_templates import Issue
from motcua.demo.province import WELL_KNOWN
from motcua.demo.results import FORMS, MARRIAGE, WORDINGS
from motcua.dossiers import services
from motcua.dossiers.models import Status
from tests import factories
from tests.factories import flat_pdf_text, pdf_text, signature_status, stored

FIELDS = [
    {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "gioi_tinh", "label": "Giới tính", "type": "radio", "choices": ["Nam", "Nữ"]},
    {"name": "xac_nhan", "label": "Yêu cầu xác nhận", "type": "checkbox"},
    {"name": "dien_thoai", "label": "Số điện thoại", "type": "text", "validator": "phone"},
    {"name": "thu_dien_tu", "label": "Thư điện tử", "type": "text", "validator": "email"},
    {"name": "so_ban", "label": "Số bản sao", "type": "integer"},
    {"name": "ghi_chu_noi_bo", "label": "Ghi chú", "type": "text", "internal": True},
]
ANSWERS = {
    "ho_ten": "Lê Thị Hồng",
    "ngay_sinh": "1995-03-05",
    "gioi_tinh": "Nữ",
    "xac_nhan": True,
    "dien_thoai": "0912345678",
    "thu_dien_tu": "hong@example.vn",
    "so_ban": 3,
    "ghi_chu_noi_bo": "Đã gọi điện hẹn",
}
INTERNAL = ("0912345678", "hong@example.vn", "Đã gọi điện hẹn", "Số bản sao")


@pytest.fixture
def certificate(catalog, province):
    """A commune's procedure whose fee is counted per copy, so `so_ban` is internal too."""
    return factories.procedure(
        "Cấp bản sao giấy xác nhận",
        agencies=[province["commune_a"]],
        level=4,
        form_fields=FIELDS,
        fees=[{"kind": "charge", "description": "Phí", "amount": 8000, "per_field": "so_ban"}],
    )


def issue(agency, **changes) -> Issue:
    return Issue(
        **{
            "agency": agency,
            "number": "000.01.31.H57-200302-0001",
            "day": datetime.date(2020, 3, 2),
            "applicant": "Lê Thị Hồng",
            "dossier_code": "000.01.31.H57-200302-0001",
            "signer": "Phạm Văn Lãnh",
            **changes,
        }
    )


# ---------------------------------------------------------------- the answers as printed


def test_answers_are_printed_as_a_document_writes_them_and_internal_ones_never(certificate):
    printed = result_templates.public_values(certificate, ANSWERS)
    assert printed == {
        "ho_ten": "Lê Thị Hồng",
        "ngay_sinh": "05/03/1995",
        "gioi_tinh": "Nữ",
        "xac_nhan": "Có",
    }
    assert result_templates.public_values(certificate, {"ho_ten": "An"})["xac_nhan"] == ""
    assert result_templates.internal_names(certificate) == {
        "dien_thoai",
        "thu_dien_tu",
        "so_ban",
        "ghi_chu_noi_bo",
    }


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (datetime.date(2026, 3, 1), "ngày 01 tháng 3 năm 2026"),
        (datetime.date(2026, 12, 17), "ngày 17 tháng 12 năm 2026"),
    ],
)
def test_dates_in_words_follow_decree_30(day, words):
    assert sandbox.in_words(day) == words
    assert sandbox.date_in_words(day.strftime("%d/%m/%Y")) == words


def test_placeholders_are_filled_escaped_and_laid_out_in_paragraphs():
    source = 'Ông/bà {{ ho_ten|upper }}, sinh {{ ngay|ngay_thang_nam }}\n<b>{{ x|default:"—" }}'
    source += "\n\nĐoạn hai"
    values = {"ho_ten": "Nguyễn <An>", "ngay": "05/02/1990", "x": ""}
    assert sandbox.render(source, values) == (
        '<div class="group"><p>Ông/bà NGUYỄN &lt;AN&gt;, sinh ngày 05 tháng 02 năm 1990</p>'
        '<p>&lt;b&gt;—</p></div><div class="group"><p>Đoạn hai</p></div>'
    )


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("{% load static %}{% static 'x' %}", "tag"),
        ("{% include 'base.html' %}", "tag"),
        ("{% if ho_ten %}x{% endif %}", "tag"),
        ("{{ ho_ten.__class__ }}", "syntax"),
        ("{{ ho_ten.upper }}", "attribute"),
        ("{{ ho_ten|safe }}", "filter"),
        ("{{ ho_ten|slice:':1' }}", "filter"),
        ("{{ ho_ten|default:ma_ho_so }}", "argument"),
        ("{{ dien_thoai }}", "internal"),
        ("{{ so_ban }}", "internal"),
        ("{{ ghi_chu_noi_bo|default:'' }}", "internal"),
        ("{{ settings }}", "unknown"),
        ("{{ }}", "syntax"),
    ],
)
def test_the_sandbox_refuses_more_than_placeholders(certificate, source, code):
    template = ResultTemplate(procedure=certificate, document_type="Giấy", body=source)
    with pytest.raises(ValidationError) as refused:
        result_templates.check_wording(template)
    assert refused.value.error_dict["body"][0].code == code


def test_the_form_definition_takes_internal_as_true_or_false():
    field = {"name": "ghi_chu", "label": "Ghi chú", "type": "text"}
    assert definition_errors([{**field, "internal": True}]) == []
    [error] = definition_errors([{**field, "internal": "có"}])
    assert error == "Trường thứ 1: internal (nội bộ) phải là true hoặc false."


# ---------------------------------------------------------------- the document


def test_a_procedure_without_wording_issues_the_generic_notice(certificate, province):
    html = result_templates.result_html(certificate, ANSWERS, issue(province["commune_a"]))
    for written in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "THÔNG BÁO",
        "Về kết quả giải quyết thủ tục hành chính",
        "<span>Số: 000.01.31.H57-200302-0001</span><wbr><span>/TB</span>",
        "Phú An, ngày 02 tháng 3 năm 2020",
        "Cấp bản sao giấy xác nhận",
        "05/03/1995",
        "Yêu cầu xác nhận:</th><td>Có",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Phạm Văn Lãnh",
    ):
        assert written in html
    assert "1995-03-05" not in html
    for secret in INTERNAL:
        assert secret not in html


def test_a_department_prints_its_governing_body_its_province_and_its_director(catalog, province):
    procedure = catalog["criminal_record"]
    html = result_templates.result_html(procedure, {}, issue(province["justice"]))
    header = html.split('class="national"')[1].split("</table>")[0]
    assert header.index("Ủy ban nhân dân tỉnh Thừa Thiên Huế") < header.index("Sở Tư pháp")
    assert "Thừa Thiên Huế, ngày 02 tháng 3 năm 2020" in html
    assert '<div class="position">GIÁM ĐỐC</div>' in html


def test_the_demo_wordings_fit_their_forms(catalog, province):
    """Every demo wording passes the admin's check against the form the demo gives it."""
    forms = {**FORMS, MARRIAGE: WELL_KNOWN[MARRIAGE]["form_fields"]}
    assert set(forms) == set(WORDINGS)
    for name, fields in forms.items():
        assert definition_errors(fields) == []
        procedure = factories.procedure(name, agencies=[province["commune_a"]], form_fields=fields)
        template = ResultTemplate(procedure=procedure, **WORDINGS[name])
        template.full_clean()
        html = result_templates.result_html(
            procedure, result_templates.sample_answers(procedure), issue(province["commune_a"])
        )
        assert "0905123456" not in html and "{{" not in html


# ---------------------------------------------------------------- the admin


def test_the_admin_refuses_an_unsafe_wording_in_vietnamese(admin_client, certificate):
    page = admin_client.post(
        "/admin/catalog/resulttemplate/add/",
        {
            "procedure": certificate.pk,
            "document_type": "Giấy xác nhận",
            "body": "{% load static %}Ông/bà {{ ho_ten }}",
            "recipients": "- Lưu: VT.",
        },
    )
    assert page.status_code == 200
    assert "Không được dùng thẻ như {% load %}" in page.content.decode()
    assert not ResultTemplate.objects.exists()


def test_the_admin_previews_a_wording_with_sample_answers(admin_client, certificate):
    template = ResultTemplate.objects.create(
        procedure=certificate,
        document_type="Giấy xác nhận",
        symbol="GXN",
        body="Xác nhận ông/bà {{ ho_ten }}, sinh {{ ngay_sinh }}, giới tính {{ gioi_tinh }}.",
    )
    change = admin_client.get(f"/admin/catalog/resulttemplate/{template.pk}/change/")
    assert "{{ ngay_sinh }}" in change.content.decode()
    assert "{{ dien_thoai }}" not in change.content.decode()
    url = f"/admin/catalog/resulttemplate/{template.pk}/preview/"
    pdf = admin_client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = flat_pdf_text(pdf.content)
    assert "GIẤY XÁC NHẬN" in text
    assert "Xác nhận ông/bà Nguyễn Văn An, sinh 15/03/1995, giới tính Nam." in text
    html = admin_client.get(url, {"html": "1"}).content.decode()
    assert "<span>Số: ……</span><wbr><span>/GXN</span>" in html and "0905123456" not in html


def test_only_staff_previews(client, certificate, staff):
    template = ResultTemplate.objects.create(
        procedure=certificate, document_type="Giấy", body="{{ ho_ten }}"
    )
    client.force_login(staff[("commune_a", Role.LEADER)])
    answer = client.get(f"/admin/catalog/resulttemplate/{template.pk}/preview/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]


# ---------------------------------------------------------------- the signed result


def test_the_issued_result_prints_the_wording_and_nothing_internal(marriage, citizen, province):
    marriage.form_fields = WELL_KNOWN[MARRIAGE]["form_fields"]
    marriage.save()
    ResultTemplate.objects.create(procedure=marriage, **WORDINGS[MARRIAGE])
    answers = {
        "ho_ten_chong": "Trần Văn Bình",
        "cccd_chong": "046085001234",
        "ngay_sinh_chong": "1985-07-21",
        "ho_ten_vo": "Lê Thị Hồng",
        "cccd_vo": "046195004321",
        "ngay_sinh_vo": "1995-03-05",
        "dien_thoai": "0912345678",
        "so_ban_sao": 2,
    }
    dossier = factories.dossier(
        marriage, citizen, province["commune_a"], Status.AWAITING_APPROVAL, form_data=answers
    )
    leader = factories.builder_official(province["commune_a"], Role.LEADER)
    approved = services.perform(dossier, "approve", leader)
    content = stored(approved.result)
    status = signature_status(content)
    assert status.intact and status.valid and status.trusted
    text = flat_pdf_text(content)
    assert "Số: 1/ĐKKH" in text, "the first number of the commune's register of marriages"
    today = timezone.localdate()
    for written in (
        "ỦY BAN NHÂN DÂN XÃ PHÚ AN Số:",
        f"Phú An, {sandbox.in_words(today)}",
        "GIẤY CHỨNG NHẬN KẾT HÔN",
        "Họ, chữ đệm, tên chồng: TRẦN VĂN BÌNH",
        "Ngày, tháng, năm sinh: 21/07/1985",
        "Họ, chữ đệm, tên vợ: LÊ THỊ HỒNG",
        "Ngày, tháng, năm sinh: 05/03/1995",
        f"số đăng ký {approved.code}",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH",
        leader.full_name or leader.get_username(),
    ):
        assert written in text, written
    for internal in ("0912345678", "Số bản sao", "1985-07-21", "1995-03-05"):
        assert internal not in pdf_text(content)
