"""The statistics dashboard in a browser: the charts are drawn from the API, change with the
period and the agency, and fall back to tables without JavaScript. A screenshot of the dashboard
is kept in artifacts/ at the root of the repository."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.staticfiles import finders
from django.utils import timezone
from playwright.sync_api import expect

from motcua.accounts.models import Role, User
from motcua.dossiers.models import Channel, Status
from motcua.stats import indicators
from motcua.stats.views import CHART_LIBRARY
from tests.factories import advance, at_nine, register
from tests.second_factor import give_authenticator, pass_second_factor

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PASSWORD = "thong-ke-dich-vu-cong"
D = datetime.date
# (procedure, agency, channel, received, result ready): the commune goes online in April, the
# district never does and is late.
SEEDS = [
    ("marriage", "commune_a", Channel.ONLINE, D(2020, 1, 6), D(2020, 1, 8)),
    ("marriage", "commune_a", Channel.DESK, D(2020, 1, 7), D(2020, 1, 14)),
    ("marriage", "commune_b", Channel.DESK, D(2020, 1, 8), D(2020, 1, 10)),
    ("construction", "district", Channel.DESK, D(2020, 2, 3), D(2020, 3, 20)),
    ("construction", "district", Channel.POST, D(2020, 2, 4), D(2020, 2, 7)),
    ("criminal_record", "justice", Channel.ONLINE, D(2020, 2, 5), D(2020, 2, 12)),
    ("birth", "commune_a", Channel.ONLINE, D(2020, 4, 6), D(2020, 4, 7)),
    ("birth", "commune_a", Channel.ONLINE, D(2020, 4, 7), None),
    ("birth", "commune_b", Channel.ONLINE, D(2020, 5, 4), None),
    ("construction", "district", Channel.DESK, D(2020, 5, 5), None),
]


@pytest.fixture
def seeded(catalog, province, citizen, monkeypatch):
    """The dossiers of SEEDS, accepted when received and finished on their day."""
    for procedure, agency, channel, day, ready in SEEDS:
        dossier = register(catalog[procedure], province[agency], citizen, day, channel)
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda day=day: at_nine(day))
            dossier = advance(dossier, Status.ACCEPTED)
            if ready:
                clock.setattr(timezone, "now", lambda ready=ready: at_nine(ready))
                advance(dossier, Status.FINISHED)
    return province


@pytest.fixture
def chart_library():
    """`make install` vendors Chart.js; a browser test fails without it, never skips."""
    assert finders.find(CHART_LIBRARY) is not None, (
        "the chart library is not vendored: run `make install` (needs npm)"
    )


@pytest.fixture
def targets(transactional_db):
    """The Resolution 17 targets the migration installs, which a live-server test's flush of
    the tables before it takes away."""
    migration = importlib.import_module("motcua.stats.migrations.0002_resolution_17_targets")
    migration.add_targets(django_apps, None)


@pytest.fixture
def supervisor_page(browser, live_server, seeded, targets):
    """A supervisor of the province, logged in, on a laptop's screen in Vietnamese."""
    supervisor = User.objects.create_user(
        "giamsat", password=PASSWORD, kind="official", role=Role.SUPERVISOR, agency=seeded["root"]
    )
    authenticator = give_authenticator(supervisor)
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        viewport={"width": 1280, "height": 900},
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill("giamsat")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    pass_second_factor(page, authenticator)
    page.wait_for_url("**/")
    yield page
    context.close()


def drawn(page, query: str) -> None:
    """Wait until the charts show the report for `query`."""
    page.locator(f'#stats[data-drawn="/api/v1/stats/summary?{query}"]').wait_for()


def chart(page, name: str) -> dict:
    """The labels and the values of the chart drawn in figure `name`."""
    return page.evaluate(
        """name => {
            const chart = Chart.getChart(document.querySelector(`#chart-${name} canvas`));
            return {labels: chart.data.labels, values: chart.data.datasets.map(d => d.data)};
        }""",
        name,
    )


def expected_series(start: datetime.date, end: datetime.date, agency=None) -> dict:
    series = indicators.summary(start, end, agency)["series"]
    return {
        "labels": [f"{p['month'][5:]}/{p['month'][:4]}" for p in series],
        "values": [[p["online_rate"] for p in series], [p["target"] for p in series]],
    }


def test_charts_follow_the_period_and_the_agency(supervisor_page, seeded, chart_library):
    page = supervisor_page
    page.goto("/mot-cua/thong-ke/?from=2020-01-01&to=2020-03-31")
    drawn(page, "from=2020-01-01&to=2020-03-31")
    first_quarter = chart(page, "series")
    assert first_quarter == expected_series(D(2020, 1, 1), D(2020, 3, 31))
    assert set(first_quarter["values"][1]) == {20}, "the 2020 target line is drawn"
    canvas = page.locator("#chart-series canvas")
    expect(canvas).to_have_attribute("role", "img")
    expect(page.locator("#chart-series details table")).to_be_hidden()

    page.locator("#id_to").fill("2020-05-26")
    page.locator("#stats form button[type=submit]").click()
    drawn(page, "from=2020-01-01&to=2020-05-26")
    five_months = chart(page, "series")
    assert five_months == expected_series(D(2020, 1, 1), D(2020, 5, 26))
    assert five_months != first_quarter
    province_agencies = chart(page, "agencies")["labels"]
    assert seeded["justice"].name in province_agencies

    district = seeded["district"]
    page.locator("#id_agency").select_option(district.code)
    drawn(page, f"from=2020-01-01&to=2020-05-26&agency={district.code}")
    assert chart(page, "series") == expected_series(D(2020, 1, 1), D(2020, 5, 26), district)
    assert chart(page, "series") != five_months
    rows = indicators.summary(D(2020, 1, 1), D(2020, 5, 26), district)["by_agency"]
    assert chart(page, "on-time")["values"] == [[r["dossiers"]["on_time_rate"] for r in rows]]
    in_district = chart(page, "agencies")["labels"]
    assert seeded["commune_a"].name in in_district and seeded["justice"].name not in in_district
    assert f"agency={district.code}" in page.url  # the address keeps the report
    page.go_back()
    drawn(page, "from=2020-01-01&to=2020-05-26")
    assert chart(page, "series") == five_months
    page.go_forward()
    drawn(page, f"from=2020-01-01&to=2020-05-26&agency={district.code}")

    today = datetime.date.today()
    page.locator(f'.quick-periods a[href*="from={today.year}-01-01"]').first.click()
    drawn(page, f"from={today.year}-01-01&to={today:%Y-%m-%d}&agency={district.code}")

    page.goto(f"/mot-cua/thong-ke/?from=2020-01-01&to=2020-05-26&agency={district.code}")
    drawn(page, f"from=2020-01-01&to=2020-05-26&agency={district.code}")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "stats-dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


def test_without_javascript_the_figures_are_tables(phone_page, seeded):
    phone_page.goto("/thong-ke/?from=2020-01-01&to=2020-05-26")
    series = phone_page.locator("#chart-series")
    expect(series.locator("table")).to_be_visible()
    assert series.locator("canvas").count() == 0
    rows = series.locator("tbody tr")
    expect(rows).to_have_count(5)
    months = expected_series(D(2020, 1, 1), D(2020, 5, 26))["labels"]
    expect(rows.locator("th")).to_have_text(months)
    # Another period by the plain form.
    phone_page.locator("#id_to").fill("2020-02-29")
    phone_page.locator("#stats form button[type=submit]").click()
    expect(series.locator("tbody tr")).to_have_count(2)
