"""The one-stop door in the browser: the Service Center's desk receives a dossier of the
Department of Justice, online or on paper, transfers it, the department processes and signs it,
and the result comes back to the center's desk or to the citizen's phone. Each official sees
in the action panel only what the workflow table lets them do."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from motcua.accounts.models import Role, User
from motcua.dossiers import services, workflow
from motcua.dossiers.models import Dossier, Status
from tests.browser.offices import SCREEN, act, logged_in, offered, person
from tests.factories import PDF, flat_pdf_text, signature_status

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CENTER = "Trung tâm Phục vụ hành chính công tỉnh"
JUSTICE = "Sở Tư pháp"
FORM, ID_COPY = "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "Bản chụp giấy tờ tùy thân"
FINDING = "Không có án tích."


@pytest.fixture
def record(record):
    """The judicial record, whose specialist states what the judicial record database holds."""
    record.form_fields = [
        *record.form_fields,
        {
            "name": "an_tich",
            "label": "Tình trạng án tích",
            "type": "textarea",
            "required": True,
            "official": True,
        },
    ]
    record.save()
    return record


@pytest.fixture
def staff(transactional_db, province, center):
    """The center's desk officer and the department's head, specialist and leader, each with a
    password and an authenticator; the department's own desk officer too."""
    justice = province["justice"]
    for username, name, role, agency in (
        ("tn-trungtam", "Nguyễn Thị Thu", Role.DESK_OFFICER, center),
        ("vt-sotuphap", "Hồ Văn Tâm", Role.DESK_OFFICER, justice),
        ("tp-sotuphap", "Lê Văn Hải", Role.HEAD_OF_DIVISION, justice),
        ("cv-sotuphap", "Phạm Thị Dung", Role.SPECIALIST, justice),
        ("gd-sotuphap", "Đặng Văn Quang", Role.LEADER, justice),
    ):
        person(username, full_name=name, kind="official", role=role, agency=agency)


@pytest.fixture
def shot(tmp_path):
    """A screenshot of the page as it stands, numbered in the journey's order."""
    taken = []

    def take(page, name: str) -> None:
        taken.append(name)
        page.screenshot(path=tmp_path / f"{len(taken):02d}-{name}.png", full_page=True)

    return take


@pytest.fixture
def offices(browser, live_server, staff):
    """Each official at their own screen, logged in once; closed at the end."""
    opened = {}

    def at(username: str):
        if username not in opened:
            opened[username] = logged_in(browser, live_server, username, viewport=SCREEN)
        return opened[username][1]

    yield at
    for context, _page in opened.values():
        context.close()


def allowed_to(code: str, username: str) -> set[str]:
    """What the workflow table lets this official do on the dossier now, from the panel."""
    dossier, official = Dossier.objects.get(code=code), User.objects.get(username=username)
    return {t.action for t in workflow.allowed(dossier, official)} & workflow.OFFICIAL_ACTIONS


def take(code: str, action: str, username: str, **given) -> None:
    """The official takes the action through the services, off screen."""
    dossier, official = Dossier.objects.get(code=code), User.objects.get(username=username)
    services.perform(dossier, action, official, **given)


def expect_done(page, status: str) -> None:
    expect(page.locator("#status")).to_have_text(status)
    expect(page.get_by_text(f"Hồ sơ hiện ở trạng thái “{status}”")).to_be_visible()


def the_department_decides(offices, code: str, shot) -> None:
    """The head assigns the specialist, who sends it for review; the head submits it for
    approval and the leader approves it, which signs the result. Each from their own tab."""
    head = offices("tp-sotuphap")
    head.goto("/mot-cua/")
    expect(head.locator('[data-tab="assignment"]')).to_have_attribute("aria-current", "page")
    head.get_by_role("link", name=code).click()
    expect(head.locator("#decider")).to_have_text(JUSTICE)
    assert offered(head) == allowed_to(code, "tp-sotuphap")
    act(head, code, "assign", **{"Chuyên viên": "Phạm Thị Dung"})
    expect_done(head, "Đang xử lý")
    shot(head, "head-assigned")

    specialist = offices("cv-sotuphap")
    specialist.goto("/mot-cua/")
    expect(specialist.locator('[data-tab="mine"]')).to_have_attribute("aria-current", "page")
    expect(specialist.get_by_role("link", name=code)).to_be_visible()
    specialist.goto(f"/mot-cua/ho-so/{code}/")
    expect(specialist.get_by_label("Tình trạng án tích")).to_be_visible()
    shot(specialist, "specialist-findings")
    act(
        specialist,
        code,
        "send_for_review",
        **{"Tình trạng án tích": FINDING, "Ghi chú": "Đủ điều kiện cấp Phiếu"},
    )
    expect_done(specialist, "Trưởng phòng đang xem xét")

    head.goto("/mot-cua/?tab=decision")
    expect(head.get_by_role("link", name=code)).to_be_visible()
    act(head, code, "submit_for_approval")
    expect_done(head, "Chờ lãnh đạo phê duyệt")

    leader = offices("gd-sotuphap")
    expect(leader.locator('[data-tab="decision"]')).to_have_attribute("aria-current", "page")
    expect(leader.get_by_role("link", name=code)).to_be_visible()
    leader.get_by_role("link", name=code).click()
    assert offered(leader) == allowed_to(code, "gd-sotuphap")
    assert {"transfer", "return_result"}.isdisjoint(offered(leader))
    expect(leader.locator("#findings-title")).to_be_visible()
    expect(leader.get_by_text(FINDING)).to_be_visible()
    act(leader, code, "approve")
    expect_done(leader, "Đã có kết quả")
    expect(leader.get_by_role("link", name="Tải văn bản kết quả đã ký số (PDF)")).to_be_visible()
    shot(leader, "leader-approved")


def the_center_transfers(desk, code: str, shot) -> None:
    """From the "to transfer" tab, the desk sends the accepted dossier to the department."""
    desk.goto("/mot-cua/?tab=transfer")
    expect(desk.locator('[data-tab="transfer"] .count')).to_have_text("1")
    desk.get_by_role("link", name=code).click()
    assert offered(desk) == allowed_to(code, "tn-trungtam") == {"transfer", "request_supplement"}
    expect(desk.locator('button[data-action="transfer"]')).to_have_text(
        "Chuyển hồ sơ đến cơ quan giải quyết"
    )
    desk.locator('button[data-action="transfer"]').click()
    expect(desk.locator("#status")).to_have_text("Đã tiếp nhận")
    expect(desk.get_by_text(f"Đã chuyển đến {JUSTICE}.")).to_be_visible()
    expect(desk.locator("#transferred")).to_be_visible()
    shot(desk, "center-transferred")
    assert {"transfer", "assign", "approve"}.isdisjoint(offered(desk))
    desk.goto("/mot-cua/?tab=transfer")
    expect(desk.get_by_role("link", name=code)).to_have_count(0)


def test_online_at_the_center_decided_by_the_department_downloaded_by_the_citizen(
    browser, live_server, offices, record, shot, tmp_path
):
    person(
        "0905123456",
        full_name="Trần Văn Bình",
        phone="0905123456",
        id_number="046085001234",
    )
    citizen_context, phone = logged_in(browser, live_server, "0905123456", **PHONE)

    # The citizen, on a phone: the procedure, the place of submission, two scans, submit.
    phone.goto(f"/thu-tuc/{record.code}/")
    phone.get_by_role("link", name="Nộp trực tuyến").click()
    phone.get_by_label("Nơi nộp hồ sơ").select_option(label=CENTER)
    for name in (FORM, ID_COPY):
        scan = tmp_path / f"{len(name)}.pdf"
        scan.write_bytes(PDF)
        phone.get_by_label(name).set_input_files(str(scan))
    shot(phone, "citizen-form")
    phone.get_by_role("button", name="Nộp hồ sơ").click()
    expect(phone.get_by_text("Hồ sơ của bạn đã được nộp.")).to_be_visible()
    code = phone.locator("#dossier-code").inner_text()
    expect(phone.locator("#status")).to_have_text("Đã nộp, chờ tiếp nhận")
    expect(phone.locator("#receiving-point")).to_have_text(CENTER)
    expect(phone.locator("#decider")).to_have_text(JUSTICE)
    documents = phone.locator("ul.documents li")
    expect(documents.nth(0)).to_contain_text(FORM)
    expect(documents.nth(1)).to_contain_text(ID_COPY)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "citizen-submitted")

    # The center's desk lands on "awaiting intake", opens the dossier and accepts it.
    desk = offices("tn-trungtam")
    intake = desk.locator('[data-tab="intake"]')
    expect(intake).to_have_attribute("aria-current", "page")
    expect(intake.locator(".count")).to_have_text("1")
    shot(desk, "center-inbox")
    desk.get_by_role("link", name=code).click()
    expect(desk.locator("#receiving-point")).to_have_text(CENTER)
    expect(desk.locator("#decider")).to_have_text(JUSTICE)
    assert offered(desk) == {"accept", "refuse_intake", "request_supplement"}
    shot(desk, "center-dossier")
    desk.locator('button[data-action="accept"]').click()
    expect_done(desk, "Đã tiếp nhận")
    the_center_transfers(desk, code, shot)

    the_department_decides(offices, code, shot)

    # Back at the center: the result waits in "results to hand over".
    desk.goto("/mot-cua/?tab=handover")
    expect(desk.locator('[data-tab="handover"]')).to_have_attribute("aria-current", "page")
    expect(desk.get_by_role("link", name=code)).to_be_visible()
    shot(desk, "center-handover")

    # The citizen sees the result on the dossier's page and downloads it, signed.
    phone.goto(f"/ho-so/{code}/")
    expect(phone.locator("#status")).to_have_text("Đã có kết quả")
    expect(phone.locator("#decider")).to_have_text(JUSTICE)
    expect(phone.locator("#transferred")).to_be_visible()
    shot(phone, "citizen-result")
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Nhận văn bản kết quả đã ký số (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    phone.goto(f"/ho-so/{code}/")
    expect(phone.locator("#status")).to_have_text("Đã trả kết quả")
    link = phone.get_by_role("link", name="Tải văn bản kết quả đã ký số (PDF)")
    signed = phone.request.get(link.get_attribute("href"))
    assert signed.ok and signed.headers["content-type"] == "application/pdf"
    assert signature_status(signed.body()).bottom_line
    printed = flat_pdf_text(signed.body())
    assert JUSTICE.upper() in printed.upper() and FINDING in printed
    shot(phone, "citizen-downloaded")

    # The desk sees it handed over online, and has nothing left to do.
    desk.goto(f"/mot-cua/ho-so/{code}/")
    expect(desk.locator("#status")).to_have_text("Đã trả kết quả")
    expect(desk.locator("#action-panel")).to_have_count(0)
    citizen_context.close()


def test_paper_at_the_center_with_a_document_kept_on_paper_handed_over_at_the_desk(
    offices, record, shot, tmp_path
):
    desk = offices("tn-trungtam")

    # The desk registers what Lê Thị Hoa brought: the form scanned, the ID copy kept on paper.
    desk.get_by_role("link", name="Tiếp nhận hồ sơ giấy").click()
    desk.get_by_label("Tên hoặc mã thủ tục").fill("ly lich tu phap")
    desk.get_by_role("button", name="Tìm kiếm").click()
    desk.get_by_role("link", name=record.name).click()
    desk.get_by_label("Họ và tên người nộp").fill("Lê Thị Hoa")
    desk.get_by_label("Số CCCD người nộp").fill("046190001234")
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF)
    desk.get_by_label(FORM).set_input_files(str(scan))
    paper = record.documents.get(name=ID_COPY)
    desk.locator(f"#id_paper_{paper.pk}").check()
    shot(desk, "center-paper-intake")
    desk.get_by_role("button", name="Tiếp nhận hồ sơ").click()

    expect(desk.get_by_text("Đã tiếp nhận hồ sơ.")).to_be_visible()
    expect(desk.locator("#status")).to_have_text("Đã tiếp nhận")
    expect(desk.locator("#decider")).to_have_text(JUSTICE)
    documents = desk.locator("ul.documents li")
    expect(documents).to_have_count(2)
    expect(documents.nth(0)).to_contain_text(FORM)
    expect(documents.nth(0)).not_to_contain_text("đã nhận bản giấy")
    expect(documents.nth(1)).to_contain_text(ID_COPY)
    expect(documents.nth(1)).to_contain_text("đã nhận bản giấy")
    # The paper document has no file: it is named, not linked.
    expect(documents.nth(1).get_by_role("link")).to_have_count(0)
    scanned = desk.request.get(documents.nth(0).get_by_role("link").get_attribute("href"))
    assert scanned.ok and scanned.body() == PDF
    code = desk.locator(".facts .code").first.inner_text()
    dossier = Dossier.objects.get(code=code)
    assert (dossier.channel, dossier.form_data.get("applicant_name", "Lê Thị Hoa")) == (
        "desk",
        "Lê Thị Hoa",
    )
    shot(desk, "center-paper-registered")

    # Form 01, the receipt for the applicant, names both agencies and the paper document.
    receipt = desk.request.get(
        desk.get_by_role("link", name="Giấy tiếp nhận (mẫu 01)").get_attribute("href")
    )
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    text = flat_pdf_text(receipt.body())
    assert code in text and CENTER.upper() in text.upper() and JUSTICE in text
    assert ID_COPY in text

    the_center_transfers(desk, code, shot)
    the_department_decides(offices, code, shot)

    # The center's desk hands the signed result over at the counter.
    desk.goto("/mot-cua/?tab=handover")
    desk.get_by_role("link", name=code).click()
    assert offered(desk) == {"return_result"}
    form = desk.locator("form.action")
    form.get_by_label("Nhận tại bộ phận một cửa").check()
    form.locator('button[data-action="return_result"]').click()
    expect_done(desk, "Đã trả kết quả")
    expect(desk.get_by_text("Nhận tại bộ phận một cửa")).to_be_visible()
    shot(desk, "center-handed-over")
    assert Dossier.objects.get(code=code).status == Status.RETURNED


def test_each_side_is_offered_only_its_own_actions(offices, record, citizen, center, shot):
    """The department waits for the transfer; the center never assigns nor approves; the
    department's own desk has nothing to do with a dossier the center received."""
    draft, _ = services.start_draft(
        procedure=record, agency=center, applicant=citizen, form_data={}
    )
    code = services.submit(draft, actor=citizen).code
    head, own_desk, desk = (offices(u) for u in ("tp-sotuphap", "vt-sotuphap", "tn-trungtam"))

    # Submitted: only the center's desk takes it in; the department reads it, acts on nothing.
    for page in (head, own_desk):
        page.goto(f"/mot-cua/ho-so/{code}/")
        expect(page.locator("#decider")).to_have_text(JUSTICE)
        expect(page.locator("#action-panel")).to_have_count(0)
    act(desk, code, "accept")
    expect_done(desk, "Đã tiếp nhận")

    # Accepted, not yet transferred: the head may not assign it yet, nor transfer it.
    head.goto(f"/mot-cua/ho-so/{code}/")
    expect(head.locator("#action-panel")).to_have_count(0)
    shot(head, "head-before-transfer")
    head.goto("/mot-cua/?tab=assignment")
    expect(head.get_by_role("link", name=code)).to_have_count(0)
    desk.goto(f"/mot-cua/ho-so/{code}/")
    assert "assign" not in offered(desk)
    desk.locator('button[data-action="transfer"]').click()
    expect(desk.get_by_text(f"Đã chuyển đến {JUSTICE}.")).to_be_visible()

    # Transferred: the head assigns; the center's desk neither assigns nor transfers again.
    head.goto(f"/mot-cua/ho-so/{code}/")
    assert offered(head) == allowed_to(code, "tp-sotuphap") == {"assign"}
    desk.goto(f"/mot-cua/ho-so/{code}/")
    assert offered(desk) == allowed_to(code, "tn-trungtam")
    assert {"transfer", "assign", "approve"}.isdisjoint(offered(desk))
    own_desk.goto(f"/mot-cua/ho-so/{code}/")
    assert offered(own_desk) == allowed_to(code, "vt-sotuphap") == {"assign"}

    # Awaiting the leader's approval: the center's desk has nothing to approve.
    specialist = User.objects.get(username="cv-sotuphap")
    take(code, "assign", "tp-sotuphap", assignee=specialist)
    take(code, "send_for_review", "cv-sotuphap", findings={"an_tich": FINDING})
    take(code, "submit_for_approval", "tp-sotuphap")
    desk.goto(f"/mot-cua/ho-so/{code}/")
    expect(desk.locator("#status")).to_have_text("Chờ lãnh đạo phê duyệt")
    expect(desk.locator("#action-panel")).to_have_count(0)
    shot(desk, "center-awaiting-approval")
    assert "approve" in allowed_to(code, "gd-sotuphap")
