"""A citizen does a level-4 procedure from a phone, start to finish, without help."""

import re

import pytest
from playwright.sync_api import expect

from motcua.core.calendar import add_working_days, received_on
from motcua.dossiers.models import Dossier
from motcua.notifications.sms import LocmemGateway
from tests.factories import PDF

pytestmark = pytest.mark.browser


def test_register_submit_and_trace_on_a_phone(phone, marriage, tmp_path):
    LocmemGateway.outbox.clear()
    marriage.processing_days = 3
    marriage.save()
    page = phone.new_page()

    page.goto("/")
    page.get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Họ và tên (hoặc tên doanh nghiệp)").fill("Lê Thị Mai")
    page.get_by_label("Số điện thoại di động hoặc e-mail").fill("0935 111 222")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("song-huong-xanh")
    page.get_by_label("Nhập lại mật khẩu").fill("song-huong-xanh")
    page.get_by_role("button", name="Đăng ký").click()

    expect(page.get_by_role("heading", name="Xác nhận tài khoản")).to_be_visible()
    code = re.search(r"\d{6}", LocmemGateway.outbox[-1][1]).group()
    page.get_by_label("Mã xác nhận").fill(code)
    page.get_by_role("button", name="Xác nhận", exact=True).click()
    expect(page.get_by_text("Tài khoản đã được xác nhận")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill("0935111222")
    page.get_by_label(re.compile(r"^Mật khẩu")).fill("song-huong-xanh")
    page.get_by_role("button", name="Đăng nhập").click()

    page.get_by_role("link", name="Trang chủ").click()
    page.get_by_label("Tên hoặc mã thủ tục").fill("dang ky ket hon")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.locator(".result-name").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký kết hôn")
    page.get_by_role("link", name="Nộp trực tuyến").click()

    page.get_by_label("Nơi nộp hồ sơ").select_option(label="Ủy ban nhân dân xã Phú An")
    expect(page.get_by_label("Họ và tên")).to_have_value("Lê Thị Mai")
    page.get_by_label("Số CCCD bên nữ").fill("046190001234")
    page.get_by_label("Số CCCD bên nữ").blur()
    expect(page.get_by_text("Đã tự động lưu nháp")).to_be_visible()
    document = tmp_path / "to-khai-ket-hon.pdf"
    document.write_bytes(PDF)
    page.get_by_label("Tờ khai đăng ký kết hôn").set_input_files(str(document))
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_text("Hồ sơ của bạn đã được nộp.")).to_be_visible()
    dossier = Dossier.objects.get()
    expected = add_working_days(received_on(dossier.submitted_at), 3)
    expect(page.locator("#dossier-code")).to_have_text(dossier.code)
    expect(page.locator("#due-date")).to_have_text(expected.strftime("%d/%m/%Y"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("link", name="Tra cứu hồ sơ").click()
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_text("Đã nộp, chờ tiếp nhận")).to_be_visible()
    expect(page.get_by_text(expected.strftime("%d/%m/%Y"))).to_be_visible()
    expect(page.get_by_text("Lê Thị Mai")).to_have_count(0)
