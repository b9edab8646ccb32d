"""A citizen without an account sends feedback from a phone; the agency's leader answers it
on the back office; the answer appears on the public page without the sender's name or phone."""

import pytest
from playwright.sync_api import expect

from motcua.accounts.models import Role, User
from motcua.feedback.models import Feedback, State
from tests.second_factor import give_authenticator, pass_second_factor

pytestmark = pytest.mark.browser
PASSWORD = "mot-cua-dien-tu"


def test_feedback_sent_answered_and_published(browser, live_server, transactional_db, province):
    justice = province["justice"]
    leader = User.objects.create_user(
        "lanhdao.tuphap",
        password=PASSWORD,
        full_name="Đặng Văn Hải",
        kind="official",
        role=Role.LEADER,
        agency=justice,
    )
    device = give_authenticator(leader)

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    phone.set_default_timeout(10_000)
    citizen = phone.new_page()
    citizen.goto("/phan-anh/")
    citizen.get_by_role("link", name="Gửi phản ánh, kiến nghị").first.click()
    citizen.get_by_role("link", name="Một cơ quan").click()
    citizen.get_by_label("Cơ quan").select_option(label="Sở Tư pháp")
    citizen.get_by_label("Tiêu đề").fill("Bộ phận một cửa mở cửa muộn")
    citizen.get_by_label("Nội dung phản ánh, kiến nghị").fill(
        "Sáng thứ Hai bộ phận một cửa mở lúc 8 giờ 15. Tôi là Lê Thị Mai, số 0905111222."
    )
    citizen.get_by_label("Họ và tên").fill("Lê Thị Mai")
    citizen.get_by_label("Số điện thoại di động").fill("0905111222")
    citizen.get_by_label("Đồng ý công khai câu trả lời").check()
    citizen.get_by_role("button", name="Gửi phản ánh, kiến nghị").click()
    expect(
        citizen.get_by_role("heading", name="Phản ánh, kiến nghị của bạn đã được gửi")
    ).to_be_visible()
    code = citizen.locator("#code").inner_text()
    follow = citizen.locator("#follow-link").get_attribute("href")

    office = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    office.set_default_timeout(10_000)
    official = office.new_page()
    official.goto("/tai-khoan/dang-nhap/")
    official.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill("lanhdao.tuphap")
    official.get_by_label("Mật khẩu").fill(PASSWORD)
    official.get_by_role("button", name="Đăng nhập").click()
    pass_second_factor(official, device)
    official.goto("/mot-cua/phan-anh/")
    official.get_by_role("link", name=code).click()
    expect(official.get_by_text("0905111222").first).to_be_visible()
    official.get_by_label("Trả lời phản ánh, kiến nghị").fill(
        "Sở đã nhắc nhở bộ phận một cửa mở cửa đúng 7 giờ 30."
    )
    official.get_by_role("button", name="Trả lời phản ánh, kiến nghị").click()
    expect(official.locator("#state")).to_contain_text("Đã trả lời")
    assert Feedback.objects.get(code=code).state == State.ANSWERED

    citizen.goto(follow)
    expect(citizen.locator("#answer")).to_have_text(
        "Sở đã nhắc nhở bộ phận một cửa mở cửa đúng 7 giờ 30."
    )
    citizen.get_by_text("Hài lòng", exact=True).check()
    citizen.get_by_role("button", name="Gửi đánh giá").click()
    expect(citizen.locator("#rating")).to_have_text("Hài lòng")

    citizen.goto("/phan-anh/")
    citizen.get_by_role("link", name="Bộ phận một cửa mở cửa muộn").click()
    expect(citizen.locator("#answer")).to_contain_text("mở cửa đúng 7 giờ 30")
    page = citizen.content()
    assert "Lê Thị Mai" not in page and "0905111222" not in page
    phone.close()
    office.close()
