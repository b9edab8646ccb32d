"""A citizen pays a level-4 procedure's fees at the gateway simulator and keeps the e-receipt."""

# The shared fixtures (the simulator, a procedure with fees) are imported by name, and the
# tests take them as arguments of the same name.

import io
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from motcua.accounts.models import User
from motcua.payments.models import Payment, PaymentStatus

pytestmark = pytest.mark.browser
PASSWORD = "song-huong-xanh"


def test_submit_pay_return_and_download_the_receipt(page, sandbox, fee_procedure):
    User.objects.create_user(
        "0905123456", password=PASSWORD, full_name="Trần Văn Bình", phone="0905123456"
    )
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill("0905123456")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(f"/thu-tuc/{fee_procedure.code}/nop/")
    expect(page.get_by_label("Họ và tên")).to_have_value("Trần Văn Bình")
    page.get_by_label("Số bản sao").fill("2")
    page.get_by_label("Số bản sao").blur()
    expect(page.get_by_text("Đã tự động lưu nháp")).to_be_visible()  # the draft is saved first
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_text("Hồ sơ của bạn đã được nộp.")).to_be_visible()
    expect(page.locator("#fee-amount")).to_have_text("210.000 đồng")
    expect(page.locator("#payment-state")).to_have_text("Chưa thanh toán")

    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    expect(page.get_by_text("MÔI TRƯỜNG THỬ NGHIỆM (SANDBOX)")).to_be_visible()
    expect(page.locator("#amount")).to_have_text("210.000 VND")
    page.get_by_label("Ngân hàng").select_option("VIETCOMBANK")
    page.get_by_role("button", name="Thanh toán", exact=True).click()

    expect(page.locator("#payment-state")).to_have_text("Đã thanh toán")
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.PAID and payment.bank_code == "VIETCOMBANK"
    receipt = page.get_by_role("link", name="Tải biên lai điện tử (PDF)")
    response = page.context.request.get(receipt.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(response.body())).pages
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in pages))
    assert "210.000 đồng" in text and payment.reference in text

    page.get_by_role("link", name="Quay lại hồ sơ").click()
    expect(page.locator("#payment-state")).to_have_text("Đã thanh toán")
    expect(page.get_by_role("button", name="Thanh toán trực tuyến")).to_have_count(0)
