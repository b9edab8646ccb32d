"""The receipt (form 01 of Circular 01/2018/TT-VPCP) a citizen downloads after submitting online."""

import pytest

from motcua.dossiers import receipts
from motcua.dossiers.models import Dossier, Status
from tests.factories import form_data, pdf_text


@pytest.fixture
def submitted(signed_in, marriage):
    signed_in.post(f"/thu-tuc/{marriage.code}/nop/", form_data(marriage))
    return Dossier.objects.get()


def receipt_path(code) -> str:
    return f"/ho-so/{code}/giay-tiep-nhan.pdf"


def test_the_receipt_is_a_pdf_with_the_code_the_date_and_the_procedure(
    signed_in, submitted, marriage
):
    response = signed_in.get(receipt_path(submitted.code))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == f'inline; filename="giay-tiep-nhan-{submitted.code}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert submitted.code in text
    assert submitted.due_date.strftime("%d/%m/%Y") in text
    for written in ("Đăng ký kết hôn", "Tờ khai đăng ký kết hôn", "Trần Văn Bình", "0905123456"):
        assert written in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "Ủy ban nhân dân xã Phú An".upper() in text.upper()


def test_the_detail_page_links_to_the_receipt(signed_in, submitted):
    page = signed_in.get(f"/ho-so/{submitted.code}/").content.decode()
    assert f'href="{receipt_path(submitted.code)}"' in page


def test_the_qr_code_leads_to_the_public_lookup(signed_in, submitted, monkeypatch):
    """No QR decoder is at hand: check the code drawn for the lookup URL is the one printed."""
    rendered = []
    original = receipts.receipt_html

    def spy(dossier, lookup_url):
        rendered.append((lookup_url, html := original(dossier, lookup_url)))
        return html

    monkeypatch.setattr(receipts, "receipt_html", spy)
    signed_in.get(receipt_path(submitted.code))
    [(url, html)] = rendered
    assert url == f"http://testserver/tra-cuu/?code={submitted.code}"
    assert receipts.qr_svg(url) in html and url in html
    assert receipts.qr_svg(url).startswith("<svg") and "<path" in receipts.qr_svg(url)
    lookup = signed_in.get(url.removeprefix("http://testserver")).content.decode()
    assert submitted.code in lookup and "Đã nộp" in lookup


def test_another_citizen_gets_no_receipt(submitted, client, django_user_model):
    other = django_user_model.objects.create_user("0912345678", password="x-y-z-w-1234")
    client.force_login(other)
    assert client.get(receipt_path(submitted.code)).status_code == 404


def test_a_visitor_must_log_in(submitted, client):
    client.logout()
    response = client.get(receipt_path(submitted.code))
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_a_draft_has_no_receipt(signed_in, marriage):
    document = marriage.documents.get()
    draft = form_data(marriage, submit=None, draft="1")
    draft.pop(f"document_{document.pk}")
    signed_in.post(f"/thu-tuc/{marriage.code}/nop/", draft)
    saved = Dossier.objects.get()
    assert saved.status == Status.DRAFT
    assert signed_in.get(receipt_path(saved.code)).status_code == 404
    # Even a draft that somehow carried a code was never received, so it has no receipt.
    Dossier.objects.filter(pk=saved.pk).update(code="000.01.31.H57-250425-0009")
    assert signed_in.get(receipt_path("000.01.31.H57-250425-0009")).status_code == 404


def test_the_receipt_prints_its_form_number_first(signed_in, submitted):
    text = pdf_text(signed_in.get(receipt_path(submitted.code)).content)
    assert text.startswith("Mẫu số 01"), text[:80]
