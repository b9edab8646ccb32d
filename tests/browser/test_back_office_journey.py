"""One dossier from intake to a signed result, with three officials at work at once."""

import io

import pytest
from django.conf import settings
from playwright.sync_api import expect
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.accounts.models import Role
from motcua.dossiers import results, services
from motcua.dossiers.models import Dossier, Status
from tests.browser.offices import act, logged_in, person
from tests.factories import PDF

pytestmark = pytest.mark.browser


def test_three_officials_take_a_dossier_to_a_signed_result(
    browser, live_server, transactional_db, marriage, province, tmp_path
):
    commune = province["commune_a"]
    citizen = person("0905123456", full_name="Trần Văn Bình", phone="0905123456")
    person(
        "motcua", full_name="Lê Văn Cường", kind="official", role=Role.DESK_OFFICER, agency=commune
    )
    person(
        "chuyenvien",
        full_name="Phạm Thị Dung",
        kind="official",
        role=Role.SPECIALIST,
        agency=commune,
    )
    person("lanhdao", full_name="Đặng Văn Hải", kind="official", role=Role.LEADER, agency=commune)
    draft, _ = services.start_draft(
        procedure=marriage, agency=commune, applicant=citizen, form_data={"ho_ten": "Trần Văn Bình"}
    )
    code = services.submit(draft, actor=citizen).code

    offices = {
        name: logged_in(browser, live_server, name) for name in ("motcua", "chuyenvien", "lanhdao")
    }
    desk, specialist, leader = (offices[name][1] for name in ("motcua", "chuyenvien", "lanhdao"))

    desk.goto("/mot-cua/")
    expect(desk.get_by_role("link", name=code)).to_be_visible()
    act(desk, code, "accept")
    expect(desk.locator("#status")).to_have_text("Đã tiếp nhận")
    act(desk, code, "assign", **{"Chuyên viên": "Phạm Thị Dung"})
    expect(desk.locator("#status")).to_have_text("Đang xử lý")

    act(
        specialist,
        code,
        "request_supplement",
        **{"Nội dung cần bổ sung (mỗi dòng một mục)": "Giấy xác nhận tình trạng hôn nhân"},
    )
    expect(specialist.locator("#status")).to_have_text("Yêu cầu bổ sung")

    citizen_context, citizen_page = logged_in(browser, live_server, "0905123456")
    citizen_page.goto(f"/ho-so/{code}/")
    expect(
        citizen_page.get_by_text("Giấy xác nhận tình trạng hôn nhân", exact=True)
    ).to_be_visible()
    scan = tmp_path / "xac-nhan.pdf"
    scan.write_bytes(PDF)
    citizen_page.get_by_label("Giấy tờ được yêu cầu (tệp PDF, JPEG hoặc PNG)").set_input_files(
        str(scan)
    )
    citizen_page.get_by_role("button", name="Nộp bổ sung").click()
    expect(citizen_page.get_by_text("Đã nộp bổ sung hồ sơ.")).to_be_visible()

    # The commune has no head of division: the leader approves once.
    act(specialist, code, "send_for_review", **{"Ghi chú": "Đủ điều kiện"})
    expect(specialist.locator("#status")).to_have_text("Chờ lãnh đạo phê duyệt")
    act(leader, code, "approve")
    expect(leader.locator("#status")).to_have_text("Đã có kết quả")

    citizen_page.goto(f"/ho-so/{code}/")
    with citizen_page.expect_download():
        citizen_page.get_by_role("button", name="Nhận văn bản kết quả đã ký số (PDF)").click()
    citizen_page.goto(f"/ho-so/{code}/")
    citizen_page.get_by_role("link", name="Tải văn bản kết quả đã ký số (PDF)").wait_for()
    signed = citizen_page.request.get(f"/ho-so/{code}/ket-qua.pdf")
    assert signed.ok and signed.headers["content-type"] == "application/pdf"
    trusted = ValidationContext(trust_roots=[load_cert_from_pemder(settings.SIGNING_CERT_FILE)])
    signature = PdfFileReader(io.BytesIO(signed.body())).embedded_signatures[0]
    status = results.off_loop(lambda: validate_pdf_signature(signature, trusted))
    assert status.intact and status.valid and status.bottom_line

    # A level-4 result received online by its applicant is handed over; the desk sees it.
    desk.goto(f"/mot-cua/ho-so/{code}/")
    expect(desk.locator("#status")).to_have_text("Đã trả kết quả")
    expect(desk.get_by_text("Tải trực tuyến")).to_be_visible()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.RETURNED and dossier.delivery == "online"
    history = [e.to_status for e in dossier.events.all()]
    assert history == [
        "submitted",
        "accepted",
        "processing",
        "supplement",
        "processing",
        "awaiting_approval",
        "finished",
        "returned",
    ]
    for context, _page in offices.values():
        context.close()
    citizen_context.close()
