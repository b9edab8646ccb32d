"""The officials' workspace at the office's screen (1366×768), as the officials see it: where
they land, their agency and role, the tabs and their counts, the search, the applicant's
answers under the form's labels, one action panel and its confirmation; no serious
accessibility fault (axe-core) on the inbox or the dossier page."""

import pytest
from playwright.sync_api import expect

from motcua.accounts.models import Role, User
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, Status
from tests import factories
from tests.browser.axe import serious_violations
from tests.browser.offices import SCREEN, logged_in, person

pytestmark = pytest.mark.browser


def log_in(browser, live_server, username):
    """Through the login page as an official does each morning; the context lets the test
    inject axe-core despite the site's Content-Security-Policy."""
    return logged_in(browser, live_server, username, viewport=SCREEN, bypass_csp=True)


@pytest.fixture
def commune(transactional_db, marriage, province):
    """Commune A with its desk officer and its leader (no head of division), and a new online
    marriage dossier among older ones."""
    place = province["commune_a"]
    person(
        "motcua", full_name="Lê Văn Cường", kind="official", role=Role.DESK_OFFICER, agency=place
    )
    person("lanhdao", full_name="Đặng Văn Hải", kind="official", role=Role.LEADER, agency=place)
    citizen = person("0905123456", full_name="Trần Văn Bình", phone="0905123456")
    marriage.form_fields += [{"name": "ngay_cuoi", "label": "Ngày dự kiến tổ chức", "type": "date"}]
    marriage.save()
    for _older in range(3):
        factories.dossier_in(marriage, citizen, place, Status.PROCESSING)
    other = person("0912000111", full_name="Lê Thị Hoa", phone="0912000111")
    factories.dossier_in(marriage, other, place, Status.SUBMITTED)
    draft, _ = services.start_draft(
        procedure=marriage,
        agency=place,
        applicant=citizen,
        form_data={"ho_ten": "Trần Văn Bình", "cccd_vo": "046190001111", "ngay_cuoi": "2020-05-01"},
    )
    return services.submit(draft, actor=citizen)


def test_the_desk_accepts_a_new_online_dossier_from_its_workspace(
    browser, live_server, commune, tmp_path
):
    code = commune.code
    context, desk = log_in(browser, live_server, "motcua")

    # Screen 1: the workspace, on the desk's first tab, with the new dossier in it.
    expect(desk).to_have_url(f"{live_server.url}/mot-cua/")
    expect(desk.locator("#official-role")).to_have_text("Cán bộ tiếp nhận và trả kết quả")
    expect(desk.locator("#official-agency")).to_have_text("Ủy ban nhân dân xã Phú An")
    intake = desk.locator('[data-tab="intake"]')
    expect(intake).to_have_attribute("aria-current", "page")
    expect(intake.locator(".count")).to_have_text("2")
    expect(desk.locator('[data-count="all"]')).to_have_text("5")
    expect(desk.get_by_role("link", name=code)).to_be_visible()
    desk.screenshot(path=tmp_path / "1-inbox.png")
    assert serious_violations(desk) == []

    # The search finds the applicant without diacritics, as one types (htmx).
    desk.get_by_label("Tìm hồ sơ theo mã hồ sơ, tên người nộp, số CCCD hoặc số điện thoại").fill(
        "le thi"
    )
    expect(desk.get_by_text("Hồ sơ tìm được cho “le thi”")).to_be_visible()
    expect(desk.locator("table.inbox tbody tr")).to_have_count(1)
    expect(desk.get_by_role("link", name=code)).to_have_count(0)
    desk.screenshot(path=tmp_path / "2-search.png")

    # Screen 2: the dossier, the form's labels, one panel opened on the step forward.
    desk.goto("/mot-cua/")
    desk.get_by_role("link", name=code).click()
    expect(desk.get_by_text("Ngày dự kiến tổ chức")).to_be_visible()
    expect(desk.get_by_text("01/05/2020")).to_be_visible()
    expect(desk.get_by_text("ngay_cuoi")).to_have_count(0)
    expect(desk.locator("form.action")).to_have_count(1)
    desk.screenshot(path=tmp_path / "3-dossier.png")
    assert serious_violations(desk) == []

    # Choosing another action shows its fields alone (htmx swaps the panel, the URL stays).
    desk.locator('[data-choose="refuse_intake"]').click()
    expect(desk.locator('button[data-action="refuse_intake"]')).to_be_visible()
    expect(desk.locator("form.action").get_by_label("Lý do")).to_be_visible()
    desk.screenshot(path=tmp_path / "4-refuse-chosen.png")
    desk.locator('[data-choose="accept"]').click()

    # Screen 3: accepted, with the confirmation.
    desk.locator('button[data-action="accept"]').click()
    expect(
        desk.get_by_text("Đã tiếp nhận. Hồ sơ hiện ở trạng thái “Đã tiếp nhận”.")
    ).to_be_visible()
    expect(desk.locator("#status")).to_have_text("Đã tiếp nhận")
    desk.screenshot(path=tmp_path / "5-accepted.png")
    assert Dossier.objects.get(code=code).status == Status.ACCEPTED
    context.close()


def test_a_leader_without_a_head_of_division_approves_once(browser, live_server, commune, tmp_path):
    dossier = Dossier.objects.filter(status=Status.PROCESSING).first()
    specialist = dossier.assignee
    # The builder's head assigned the dossiers; the commune's own staff has none.
    User.objects.filter(role=Role.HEAD_OF_DIVISION).update(is_active=False)
    services.perform(dossier, "send_for_review", specialist, reason="Đủ điều kiện")
    context, leader = log_in(browser, live_server, "lanhdao")
    decision = leader.locator('[data-tab="decision"]')
    expect(decision).to_have_attribute("aria-current", "page")
    expect(decision.locator(".count")).to_have_text("1")
    leader.get_by_role("link", name=dossier.code).click()
    expect(leader.locator('[data-choose="submit_for_approval"]')).to_have_count(0)
    leader.locator('button[data-action="approve"]').click()
    expect(leader.locator("#status")).to_have_text("Đã có kết quả")
    expect(leader.get_by_text("Hồ sơ hiện ở trạng thái “Đã có kết quả”")).to_be_visible()
    leader.screenshot(path=tmp_path / "6-approved.png")
    context.close()
