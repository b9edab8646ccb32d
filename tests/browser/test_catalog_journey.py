import re

from playwright.sync_api import expect

pytestmark = __import__("pytest").mark.browser


def test_find_marriage_registration_and_switch_language(page, catalog):
    page.goto("/")
    expect(page.get_by_role("heading", name="Tìm thủ tục hành chính")).to_be_visible()
    page.get_by_label("Tên hoặc mã thủ tục").fill("dang ky ket hon")
    page.get_by_role("button", name="Tìm kiếm").click()

    expect(page).to_have_url(re.compile(r"/thu-tuc/\?q=dang\+ky\+ket\+hon"))
    results = page.locator(".result-name")
    expect(results.first).to_have_text("Đăng ký kết hôn")
    expect(page.get_by_text("Tìm thấy 3 thủ tục")).to_be_visible()

    results.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký kết hôn")
    expect(page.get_by_role("heading", name="Cần chuẩn bị")).to_be_visible()
    expect(page.get_by_text("Được, toàn trình")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="What to prepare")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.000894/$"))

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.get_by_role("heading", name="Cần chuẩn bị")).to_be_visible()


def test_results_update_while_typing(page, catalog):
    page.goto("/thu-tuc/")
    expect(page.get_by_text("Tìm thấy 6 thủ tục")).to_be_visible()
    page.get_by_label("Tên hoặc mã thủ tục").press_sequentially("khai sinh", delay=30)
    expect(page.get_by_text("Tìm thấy 1 thủ tục")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=khai(\+|%20)sinh"))
    page.get_by_text("Lọc thêm").click()
    page.get_by_label("Cấp thực hiện").select_option("district")
    expect(page.get_by_text("Không tìm thấy thủ tục phù hợp")).to_be_visible()


def test_keyboard_user_can_skip_to_content(page, catalog):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua, đến nội dung chính")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_search_works_on_a_phone_without_javascript(phone_page, catalog):
    phone_page.goto("/")
    phone_page.get_by_label("Tên hoặc mã thủ tục").fill("DANG KY KHAI SINH")
    phone_page.get_by_role("button", name="Tìm kiếm").click()
    expect(phone_page.locator(".result-name").first).to_have_text("Đăng ký khai sinh")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page must not scroll sideways on a phone"
