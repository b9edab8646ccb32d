"""An official sets up the authenticator, then logs in with its code or a recovery code."""

import base64
import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from motcua.accounts.models import Role, User
from tests.second_factor import current_code

pytestmark = pytest.mark.browser
PASSWORD = "cau-truong-tien"
GATE = re.compile(r".*/tai-khoan/xac-thuc-hai-buoc/.*")


def log_in_with_password(page) -> None:
    page.goto("/mot-cua/")
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill("motcua.xa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def type_code(page, code: str, button: str = "Xác thực") -> None:
    page.get_by_label("Mã xác thực").fill(code)
    page.get_by_role("button", name=button).click()


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def after_a_wrong_code() -> None:
    """django-otp lets the next try in only after a second (then 2, 4… after more)."""
    time.sleep(1.2)


def test_enrol_then_log_in_with_the_code_or_a_recovery_code(
    browser, live_server, transactional_db, province
):
    official = User.objects.create_user(
        "motcua.xa",
        password=PASSWORD,
        full_name="Lê Văn Cường",
        kind="official",
        role=Role.DESK_OFFICER,
        agency=province["commune_a"],
    )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    inbox = page.get_by_role("heading", name="Hồ sơ cần xử lý")

    # The password alone leads to the set-up page: a QR code, and the secret in text.
    log_in_with_password(page)
    expect(page.get_by_role("heading", name="Cài đặt xác thực hai bước")).to_be_visible()
    expect(page.locator("#totp-qr svg")).to_be_visible()
    page.screenshot(path="/tmp/two_factor_enrol.png", full_page=True)
    page.goto("/mot-cua/")
    expect(page).to_have_url(GATE)  # nothing of the back office before the second factor

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    app = base64.b32decode(secret)  # what the phone's app now holds
    type_code(page, "000000" if totp(app) != 0 else "111111", "Xác nhận và bật")
    expect(page.get_by_text("Mã không đúng hoặc đã hết hạn")).to_be_visible()
    after_a_wrong_code()
    type_code(page, str(totp(app)).zfill(6), "Xác nhận và bật")

    expect(page.get_by_role("heading", name="Đã bật xác thực hai bước")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path="/tmp/two_factor_recovery.png", full_page=True)
    page.get_by_role("link", name="Tôi đã lưu lại, tiếp tục").click()
    expect(inbox).to_be_visible()
    log_out(page)

    # Next time: a wrong code is refused and opens nothing; the app's code opens the desk.
    device = TOTPDevice.objects.get(user=official)
    log_in_with_password(page)
    expect(page.get_by_role("heading", name="Xác thực hai bước")).to_be_visible()
    right = current_code(device)
    type_code(page, "999999" if right != "999999" else "888888")
    expect(page.get_by_text("Mã không đúng hoặc đã hết hạn")).to_be_visible()
    page.screenshot(path="/tmp/two_factor_wrong.png", full_page=True)
    page.goto("/mot-cua/")
    expect(page).to_have_url(GATE)
    after_a_wrong_code()
    type_code(page, current_code(device))
    expect(inbox).to_be_visible()
    log_out(page)

    # The phone is lost: a recovery code opens once.
    log_in_with_password(page)
    type_code(page, codes[0])
    expect(inbox).to_be_visible()
    expect(page.get_by_text("còn lại 9 mã")).to_be_visible()
    log_out(page)
    log_in_with_password(page)
    type_code(page, codes[0])
    expect(page.get_by_text("Mã không đúng hoặc đã hết hạn")).to_be_visible()
    page.goto("/mot-cua/")
    expect(page).to_have_url(GATE)
    context.close()
