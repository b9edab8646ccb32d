"""Under the Content-Security-Policy the pages still work, and the browser reports no
violation: no inline script, handler or style is left for it to block."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from motcua.dossiers.models import Dossier
from tests.browser.test_stats_dashboard import (  # noqa: F401  (fixtures)
    chart_library,
    drawn,
    seeded,
    supervisor_page,
    targets,
)
from tests.factories import PDF

# The dashboard's fixtures are imported by name, and the tests take them as arguments.
# ruff: noqa: F811

pytestmark = pytest.mark.browser

# Installed before any page script: keeps every violation the browser reports.
WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error it reports kept."""
    page.context.add_init_script(WATCH)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    return page


def assert_clean(page) -> None:
    assert page.evaluate("window.cspViolations") == []
    assert [e for e in page.errors if "Content Security Policy" in e] == []


def test_htmx_search_on_the_catalog_works_under_the_policy(watched, catalog):
    page = watched
    page.goto("/thu-tuc/")
    policy = page.request.get("/thu-tuc/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    expect(page.get_by_text("Tìm thấy 6 thủ tục")).to_be_visible()
    page.get_by_label("Tên hoặc mã thủ tục").press_sequentially("khai sinh", delay=30)
    expect(page.get_by_text("Tìm thấy 1 thủ tục")).to_be_visible()  # swapped in by htmx
    expect(page).to_have_url(re.compile(r"q=khai(\+|%20)sinh"))
    page.go_back()
    expect(page.get_by_text("Tìm thấy 6 thủ tục")).to_be_visible()
    assert_clean(page)


def test_the_api_docs_render_under_the_policy(watched, db):
    page = watched
    page.goto("/api/docs/")
    expect(page.get_by_role("heading", name=re.compile("Motcua API"))).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    assert_clean(page)


def test_a_double_click_submits_a_dossier_once(watched, live_server, citizen, marriage, tmp_path):
    page = watched
    session = Client()
    session.force_login(citizen)
    page.context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/thu-tuc/{marriage.code}/nop/")
    page.get_by_label("Nơi nộp hồ sơ").select_option(label="Ủy ban nhân dân xã Phú An")
    page.get_by_label("Số CCCD bên nữ").fill("046190001234")
    declaration = tmp_path / "to-khai.pdf"
    declaration.write_bytes(PDF)
    page.locator("input[type=file]").first.set_input_files(declaration)
    page.get_by_role("button", name="Nộp hồ sơ").dblclick()
    expect(page.get_by_text(re.compile("Mã hồ sơ"))).to_be_visible()
    assert Dossier.objects.exclude(code="").count() == 1
    assert_clean(page)


def test_the_statistics_charts_draw_under_the_policy(supervisor_page, chart_library):
    page = supervisor_page
    page.context.add_init_script(WATCH)
    page.goto("/mot-cua/thong-ke/?from=2020-01-01&to=2020-03-31")
    drawn(page, "from=2020-01-01&to=2020-03-31")
    assert page.evaluate("window.cspViolations") == []
