"""The statistics pages over HTTP, as a browser without JavaScript sees them: the officials'
dashboard and the portal's public summary, on dossiers registered through the real services."""

import datetime

import pytest
from django.utils import translation

from motcua.accounts.models import Role, User
from motcua.dossiers.models import Channel
from motcua.stats import indicators, views
from motcua.stats.models import Target
from tests import factories
from tests.factories import register

D = datetime.date
JANUARY = {"from": "2020-01-01", "to": "2020-01-31"}
DASHBOARD = "/mot-cua/thong-ke/"
PUBLIC = "/thong-ke/"


def official(username: str, agency, role: str = Role.SUPERVISOR) -> User:
    return User.objects.create_user(
        username, password="x", kind="official", role=role, agency=agency
    )


# (procedure, agency, channel) of the dossiers registered on 6 January 2020.
SEEDS = [
    ("marriage", "commune_a", Channel.ONLINE),
    ("marriage", "commune_a", Channel.ONLINE),
    ("birth", "commune_a", Channel.ONLINE),
    ("birth", "commune_b", Channel.DESK),
    ("construction", "district", Channel.DESK),
    ("construction", "district", Channel.POST),
    ("criminal_record", "justice", Channel.ONLINE),
]


@pytest.fixture
def seeded(catalog, province, citizen):
    for procedure, agency, channel in SEEDS:
        register(catalog[procedure], province[agency], citizen, D(2020, 1, 6), channel)
    return province


def percent(part: int, whole: int) -> str:
    """A rate as the Vietnamese pages write it: 57,14."""
    return f"{indicators.rate(part, whole):.2f}".replace(".", ",")


def seeded_in(*agencies: str) -> tuple[int, int]:
    rows = [seed for seed in SEEDS if seed[1] in agencies]
    return len(rows), sum(1 for seed in rows if seed[2] == Channel.ONLINE)


def vi(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_supervisor_sees_the_province_agency_by_agency(client, seeded):
    client.force_login(official("giamsat", seeded["root"]))
    html = page(client, DASHBOARD, **JANUARY)
    received, online = len(SEEDS), seeded_in("commune_a", "commune_b", "justice")[1]
    assert '<html lang="vi">' in html
    assert f"<strong>{received}</strong>" in html
    assert f"({percent(online, received)} %)" in html
    district = seeded_in("district", "commune_a", "commune_b")
    justice = seeded_in("justice")
    row = (
        f"<td>{district[0]}</td><td>{district[1]}</td><td>{percent(district[1], district[0])}</td>"
    )
    assert row in html
    assert seeded["justice"].name in html and percent(*justice[::-1]) in html
    # The exports of the same report, and the basis of the target in force.
    assert "/api/v1/stats/report.xlsx?from=2020-01-01&amp;to=2020-01-31" in html
    assert "/api/v1/stats/dossiers.csv?from=2020-01-01&amp;to=2020-01-31" in html
    assert Target.objects.filter(year__lte=2020).last().basis in html


def test_every_chart_has_its_table_without_javascript(client, seeded):
    client.force_login(official("giamsat", seeded["root"]))
    html = page(client, DASHBOARD, **JANUARY)
    for chart in ("series", "tiers", "agencies", "on_time", "unused"):
        figure = html.index(f'data-chart="{chart}"')
        assert html.index("<table", figure) < html.index("</figure>", figure)
    received, online = len(SEEDS), seeded_in("commune_a", "commune_b", "justice")[1]
    month = f'<th scope="row">01/2020</th><td>{received}</td><td>{online}</td>'
    assert month + f"<td>{percent(online, received)}</td>" in html
    # The page asks the API for the same report, to draw its charts.
    assert 'data-api="/api/v1/stats/summary?from=2020-01-01&amp;to=2020-01-31"' in html


def test_the_agency_picker_narrows_the_report(client, seeded):
    client.force_login(official("giamsat", seeded["root"]))
    district = seeded["district"]
    html = page(client, DASHBOARD, agency=district.code, **JANUARY)
    assert f'<option value="{district.code}" selected>' in html
    scope = html[html.index('id="stats-scope"') :]
    assert district.name in scope[: scope.index("</p>")]
    received, online = seeded_in("district", "commune_a", "commune_b")
    assert f"<strong>{received}</strong>" in html
    assert f"({percent(online, received)} %)" in html
    assert f"agency={district.code}" in html


def test_an_official_sees_only_their_own_subtree(client, seeded):
    elsewhere = factories.agency(
        "000.00.32.H57", "Ủy ban nhân dân huyện Phú Lộc", "district", seeded["root"]
    )
    client.force_login(official("lanhdao.phuloc", elsewhere, Role.LEADER))
    html = page(client, DASHBOARD, **JANUARY)
    report = html[html.index('id="stats"') :]
    for other in ("justice", "district", "commune_a", "commune_b", "root"):
        assert seeded[other].name not in report
    assert vi("No dossiers in this period") in html and 'data-chart="series"' not in html
    for other in ("district", "commune_a", "root"):
        response = client.get(DASHBOARD, {"agency": seeded[other].code, **JANUARY})
        assert response.status_code == 403


def test_the_picker_lists_the_tree_with_ended_agencies_marked(client, seeded):
    merged = seeded["commune_b"]
    merged.valid_to = D(2020, 6, 30)
    merged.save()
    client.force_login(official("giamsat", seeded["root"]))
    html = page(client, DASHBOARD, **JANUARY)
    label = vi("%(name)s (until %(day)s)") % {"name": merged.name, "day": "30/06/2020"}
    assert f'<option value="{merged.code}">' + "\u00a0" * 4 + label in html
    assert html.index(seeded["district"].code) < html.index(merged.code)


def test_a_commune_official_sees_the_commune(client, seeded):
    client.force_login(official("motcua.xa", seeded["commune_a"], Role.DESK_OFFICER))
    html = page(client, DASHBOARD, **JANUARY)
    received, online = seeded_in("commune_a")
    assert f"<strong>{received}</strong>" in html
    assert f"({percent(online, received)} %)" in html
    assert seeded["commune_b"].name not in html


def test_the_dashboard_is_for_officials(client, seeded, citizen):
    assert client.get(DASHBOARD).status_code == 302
    client.force_login(citizen)
    assert client.get(DASHBOARD).status_code == 403


def test_the_public_summary_shows_the_province_without_agency_tables(client, seeded):
    html = page(client, PUBLIC, agency=seeded["district"].code, **JANUARY)
    received, online = len(SEEDS), seeded_in("commune_a", "commune_b", "justice")[1]
    assert f"<strong>{received}</strong>" in html
    assert f"({percent(online, received)} %)" in html
    assert 'data-chart="agencies"' not in html and "report.xlsx" not in html
    assert seeded["justice"].name not in html
    assert 'data-api="/api/v1/stats/summary?from=2020-01-01&amp;to=2020-01-31"' in html
    # Per tier instead: the district tier with its communes' dossiers excluded.
    tier = seeded_in("district")
    assert f"<td>{tier[0]}</td><td>{tier[1]}</td><td>{percent(tier[1], tier[0])}</td>" in html


def test_the_portal_and_the_back_office_link_to_the_figures(client, seeded):
    assert 'href="/thong-ke/"' in page(client, "/")
    client.force_login(official("giamsat", seeded["root"]))
    assert f'href="{DASHBOARD}"' in page(client, "/")


def test_quick_choices_include_the_report_period(client, seeded):
    html = page(client, PUBLIC, **JANUARY)
    assert 'href="/thong-ke/?from=2020-01-01&amp;to=2020-05-26"' in html
    html = page(client, PUBLIC, **{"from": "2020-01-01", "to": "2020-05-26"})
    assert 'href="/thong-ke/?from=2020-01-01&amp;to=2020-05-26" hx-get' in html
    assert 'aria-current="true">' in html


def test_without_dates_the_report_opens_on_the_latest_period_with_dossiers(client, seeded):
    html = page(client, PUBLIC)
    assert 'value="2020-01-01"' in html and 'value="2020-01-06"' in html
    assert f"<strong>{len(SEEDS)}</strong>" in html
    client.force_login(official("giamsat", seeded["root"]))
    district = seeded["district"]
    html = page(client, DASHBOARD, agency=district.code)
    received = seeded_in("district", "commune_a", "commune_b")[0]
    assert 'value="2020-01-06"' in html and f"<strong>{received}</strong>" in html


def test_without_any_dossier_the_report_covers_this_year_and_says_so(client, province):
    html = page(client, PUBLIC)
    today = datetime.date.today()
    assert f'value="{today:%Y}-01-01"' in html and f'value="{today:%Y-%m-%d}"' in html
    assert vi("No dossiers in this period") in html
    assert vi("No dossier has been received yet.") in html
    assert "chart.umd" not in html, "no chart, no chart library"


def test_a_period_without_dossiers_points_to_the_latest_one(client, seeded):
    html = page(client, PUBLIC, **{"from": "2019-01-01", "to": "2019-12-31"})
    assert vi("No dossiers in this period") in html and "chart.umd" not in html
    assert 'href="/thong-ke/?from=2020-01-01&amp;to=2020-01-06"' in html


def test_bad_dates_are_explained_in_vietnamese(client, seeded):
    html = page(client, PUBLIC, **{"from": "2020-13-45", "to": "2020-01-31"})
    assert "Nhập một ngày hợp lệ." in html
    assert 'data-chart="series"' not in html
    html = page(client, PUBLIC, **{"from": "2020-02-01", "to": "2020-01-31"})
    expected = vi("The period must start on or before the day it ends.")
    assert expected in html and 'data-chart="series"' not in html


def test_htmx_gets_the_report_alone(client, seeded):
    response = client.get(PUBLIC, JANUARY, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'id="stats"' in html and 'data-chart="series"' in html
    # The period shown is announced from a live region that stays in place.
    assert '<p id="stats-scope" class="stats-scope" role="status" hx-swap-oob="innerHTML">' in html
    # Restoring a page from the browser's history needs all of it.
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    assert "<html" in client.get(PUBLIC, JANUARY, **headers).content.decode()


def test_charts_only_when_the_chart_library_was_vendored(client, seeded, monkeypatch):
    monkeypatch.setattr(views.finders, "find", lambda path: None)
    html = page(client, PUBLIC, **JANUARY)
    assert "chart.umd.min.js" not in html and "dashboard.js" not in html
    assert 'data-chart="series"' in html
    monkeypatch.setattr(views.finders, "find", lambda path: f"/static/{path}")
    html = page(client, PUBLIC, **JANUARY)
    assert 'data-chart-library="/static/stats/vendor/chart.umd.min.js"' in html


def test_the_scorecard_names_what_it_cannot_compute(client, seeded):
    html = page(client, PUBLIC, **JANUARY)
    scorecard = indicators.summary(D(2020, 1, 1), D(2020, 1, 31), detail=False)["scorecard"]
    for missing in scorecard["not_computed"]:
        assert missing["reason"] in html
    for part in scorecard["parts"]:
        assert part["label"] in html
