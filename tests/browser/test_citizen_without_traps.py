"""The citizen's journey on a 390-pixel phone, without the traps testers fell into: what a
person sees after registering from a procedure, after a mistake on the form, in the list of
places, in the fees; and no page wider than a 360-pixel screen, in Vietnamese or in English."""

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from motcua.accounts.models import User
from motcua.dossiers.models import Dossier, ResultDocument, Status
from tests import factories
from tests.factories import PDF

pytestmark = pytest.mark.browser
PASSWORD = "song-huong-xanh"


@pytest.fixture
def mai(transactional_db):
    """A citizen of Hương Thủy, as her profile's address says."""
    return User.objects.create_user(
        "0935111222",
        password=PASSWORD,
        full_name="Lê Thị Mai",
        phone="0935111222",
        id_number="046190001234",
        address="Tổ 5, phường Thủy Dương, thị xã Hương Thủy",
    )


def log_in(page, username: str) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill(username)
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth") and (
        page.evaluate("innerWidth") == width
    )


def test_registering_from_a_procedure_comes_back_to_its_form(phone, marriage):
    """Before: 7 clicks and a second search after the code; now 3 clicks, no search."""
    mail.outbox.clear()
    page = phone.new_page()
    page.goto(f"/thu-tuc/{marriage.code}/")
    page.get_by_role("link", name="Đăng ký rồi điền tờ khai").click()  # click 1
    expect(page.get_by_text("Xác nhận tài khoản xong, bạn quay lại ngay")).to_be_visible()
    page.get_by_label("Họ và tên (hoặc tên doanh nghiệp)").fill("Lê Thị Mai")
    page.get_by_label("Số điện thoại di động hoặc e-mail").fill("mai@example.vn")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()  # click 2
    code = re.search(r"\d{6}", mail.outbox[-1].body).group()
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_role("button", name="Xác nhận", exact=True).click()  # click 3

    expect(page).to_have_url(re.compile(rf"/thu-tuc/{re.escape(marriage.code)}/nop/$"))
    expect(page.get_by_text("Tài khoản đã được xác nhận")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký kết hôn")
    expect(page.get_by_label("Họ và tên")).to_have_value("Lê Thị Mai")


def test_only_the_applicants_own_fields_are_filled(phone, marriage, mai):
    page = phone.new_page()
    log_in(page, mai.username)
    page.goto(f"/thu-tuc/{marriage.code}/nop/")
    expect(page.get_by_label("Họ và tên")).to_have_value("Lê Thị Mai")
    expect(page.get_by_label("Số CCCD bên nữ")).to_have_value("")


def test_a_file_chosen_before_a_mistake_is_kept(phone, marriage, mai, tmp_path):
    document = tmp_path / "to-khai-ket-hon.pdf"
    document.write_bytes(PDF)
    page = phone.new_page()
    log_in(page, mai.username)
    page.goto(f"/thu-tuc/{marriage.code}/nop/")
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="Ủy ban nhân dân xã Phú An")
    page.get_by_label("Số CCCD bên nữ").fill("12345")  # a mistake
    page.get_by_label("Tờ khai đăng ký kết hôn").set_input_files(str(document))
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_text("Vui lòng sửa các mục được đánh dấu bên dưới.")).to_be_visible()
    expect(page.get_by_text("đã chọn: to-khai-ket-hon.pdf")).to_be_visible()
    page.get_by_label("Số CCCD bên nữ").fill("046190001234")
    page.get_by_role("button", name="Nộp hồ sơ").click()  # the file is not chosen again

    expect(page.get_by_text("Hồ sơ của bạn đã được nộp.")).to_be_visible()
    dossier = Dossier.objects.get()
    assert [a.original_name for a in dossier.attachments.all()] == ["to-khai-ket-hon.pdf"]


@pytest.fixture
def two_districts(province, marriage):
    """The marriage is received at the communes of two districts; Mai's is the second."""
    huong_thuy = factories.agency(
        "000.00.32.H57", "Ủy ban nhân dân thị xã Hương Thủy", "district", province["root"]
    )
    thuy_duong = factories.agency(
        "000.01.32.H57", "Ủy ban nhân dân phường Thủy Dương", "commune", huong_thuy
    )
    thuy_phuong = factories.agency(
        "000.02.32.H57", "Ủy ban nhân dân phường Thủy Phương", "commune", huong_thuy
    )
    marriage.agencies.add(thuy_phuong, thuy_duong)
    return marriage


def test_places_are_grouped_by_district_with_the_own_district_first(phone, two_districts, mai):
    page = phone.new_page()
    log_in(page, mai.username)
    page.goto(f"/thu-tuc/{two_districts.code}/nop/")
    place = page.get_by_label("Nơi nộp hồ sơ")
    groups = place.locator("optgroup")
    assert [groups.nth(i).get_attribute("label") for i in range(groups.count())] == [
        "Ủy ban nhân dân thị xã Hương Thủy",
        "Ủy ban nhân dân huyện Phú Vang",
    ]
    expect(groups.first.locator("option").first).to_have_text("Ủy ban nhân dân phường Thủy Dương")

    page.get_by_placeholder("Tìm nơi nộp theo tên").fill("phu my")  # no diacritics needed
    expect(place.locator("option:not([hidden])")).to_have_count(2)  # "—" and Phú Mỹ
    expect(place).to_have_value("000.02.31.H57")


def test_places_are_grouped_without_javascript(phone_page, two_districts, mai):
    log_in(phone_page, mai.username)
    phone_page.goto(f"/thu-tuc/{two_districts.code}/nop/")
    expect(phone_page.locator("select#id_agency optgroup")).to_have_count(2)
    expect(phone_page.get_by_placeholder("Tìm nơi nộp theo tên")).to_have_count(0)
    phone_page.get_by_label("Nơi nộp hồ sơ").select_option(label="Ủy ban nhân dân xã Phú Mỹ")


def test_the_fee_is_on_the_form_before_submitting(phone, fee_procedure, mai):
    page = phone.new_page()
    log_in(page, mai.username)
    page.goto(f"/thu-tuc/{fee_procedure.code}/nop/")
    fees = page.get_by_role("region", name="Phí, lệ phí phải nộp")
    expect(fees.get_by_text("Lệ phí cấp Phiếu lý lịch tư pháp")).to_be_visible()
    expect(page.locator("#fee-total")).to_have_text("200.000 đồng")
    page.get_by_label("Số bản sao").fill("3")
    page.get_by_label("Số bản sao").blur()
    expect(page.locator("#fee-total")).to_have_text("215.000 đồng")


@pytest.fixture
def dossier_asked_for_more(marriage, mai, province):
    """Mai's dossier the commune asks more documents for, with a signed result of another."""
    waiting = factories.dossier_in(marriage, mai, province["commune_a"], Status.SUPPLEMENT)
    finished = factories.dossier_in(marriage, mai, province["commune_a"], Status.ACCEPTED)
    ResultDocument.objects.create(
        dossier=finished,
        file=ContentFile(PDF, name="ket-qua.pdf"),
        title="Giấy chứng nhận kết hôn",
        number="125/2026/GCNKH",
        signed_at=timezone.now(),
        signed_by=User.objects.filter(kind="official").first(),
        verification_code="k7Qm2Zp9XvB4nT8rW3yL",
        sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    )
    return waiting


CITIZEN_PAGES = [
    "/",
    "/thu-tuc/",
    "/thu-tuc/?q=ket+hon&charged=free",
    "/thu-tuc/{procedure}/",
    "/thu-tuc/{procedure}/nop/",
    "/ho-so/",
    "/ho-so/{dossier}/",
    "/tra-cuu/?code={dossier}",
    "/xac-thuc/k7Qm2Zp9XvB4nT8rW3yL/",
    "/co-quan/",
    "/co-quan/000.01.31.H57/",
    "/tai-khoan/thong-tin-ca-nhan/",
]


@pytest.mark.parametrize("language", ["Tiếng Việt", "English"])
def test_no_citizen_page_is_wider_than_a_360_pixel_screen(
    browser, live_server, dossier_asked_for_more, mai, language
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 640}, is_mobile=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, mai.username)
    page.get_by_role("button", name=language).click()
    dossier = dossier_asked_for_more
    wide = []
    for path in CITIZEN_PAGES:
        page.goto(path.format(procedure=dossier.procedure.code, dossier=dossier.code))
        if not fits(page, 360):
            wide.append(path)
    context.close()
    assert wide == [], f"pages wider than the screen in {language}: {wide}"


def test_the_supplement_request_is_at_the_top_and_dates_read_one_way(
    phone, dossier_asked_for_more, mai
):
    page = phone.new_page()
    log_in(page, mai.username)
    page.get_by_role("button", name="English").click()
    page.goto(f"/ho-so/{dossier_asked_for_more.code}/")
    request = page.get_by_role("region", name="The agency asks for more documents")
    assert request.bounding_box()["y"] < 844, "the request is on the first screen"
    # English pages write day first too: the receipt's time and the history's read alike.
    text = page.locator("main").inner_text()
    submitted = timezone.localtime(dossier_asked_for_more.submitted_at)
    assert f"{submitted:%H:%M %d/%m/%Y}" in text
    if submitted.day != submitted.month:
        assert f"{submitted:%m/%d/%Y}" not in text
