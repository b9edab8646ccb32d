"""The dashboard explains itself on an official's laptop (1366×768): it opens on the latest period
with dossiers, its progress report's columns add up on every row, and its labels are words in
both languages, never the program's keys. Screenshots are kept in artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_stats_dashboard import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    seeded,
    supervisor_page,
    targets,
)

pytestmark = pytest.mark.browser
# Keys of the statistics that must never reach the page as text.
RAW_KEYS = (
    "department",
    "commune",
    "not_accepted",
    "fees_requested",
    "pending_within_time",
    "on_time_rate",
    "online_services_used",
    "full_marks",
)
ROW_SUMS = """() => [...document.querySelectorAll("table.progress tr:has(td)")]
    .map(row => [...row.querySelectorAll("td")].slice(0, -1)
        .map(cell => Number(cell.textContent.replace(/[.,]/g, ""))))
    .map(([carried, received, online, desk, post, finished, early, onTime, late, ...rest]) =>
        [carried + received, finished + rest.reduce((a, b) => a + b, 0)])"""


def test_the_dashboard_opens_on_the_latest_period_and_adds_up(supervisor_page, seeded):  # noqa: F811
    page = supervisor_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/mot-cua/thong-ke/")
    expect(page.locator("#id_from")).to_have_value("2020-01-01")
    expect(page.locator("#id_to")).to_have_value("2020-05-05")  # the last dossier received
    expect(page.locator("#stats-scope")).to_contain_text("từ 01/01/2020 đến 05/05/2020")
    progress = page.locator("table.progress thead")
    for label in ("Kết thúc không có kết quả", "Đang chờ, không tính thời gian", "Chờ nộp phí"):
        expect(progress).to_contain_text(label)
    sums = page.evaluate(ROW_SUMS)
    assert len(sums) >= 3 and all(to_process == counted for to_process, counted in sums), sums
    text = page.locator("main").inner_text()
    assert not [key for key in RAW_KEYS if key in text]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stats-explained-vi.png"))
    page.locator("#progress-title").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "stats-explained-progress-vi.png"))

    page.goto("/mot-cua/thong-ke/?from=2019-01-01&to=2019-12-31")
    expect(page.locator("#empty-title")).to_have_text("Không có hồ sơ nào trong kỳ này")
    assert not [key for key in RAW_KEYS if key in page.locator("main").inner_text()]
    page.get_by_role("link", name="Xem kỳ gần nhất có hồ sơ").click()
    expect(page.locator("#id_to")).to_have_value("2020-05-05")
    page.locator("#stats[data-drawn]").wait_for()  # the charts came with the report

    page.get_by_role("button", name="English").click()
    page.goto("/mot-cua/thong-ke/")
    expect(page.locator("table.progress thead")).to_contain_text("Ended without a result")
    text = page.locator("main").inner_text()
    assert not [key for key in RAW_KEYS if key in text]
    assert page.evaluate(ROW_SUMS) == sums
    page.locator("#progress-title").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "stats-explained-progress-en.png"))
