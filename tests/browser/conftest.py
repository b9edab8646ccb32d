"""Browser tests drive Debian's Chromium through Playwright against a live server."""

import os
from pathlib import Path

import pytest

from tests.environment import require

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Playwright's synchronous API runs an event loop in the test thread, where the tests also
# use the ORM to prepare data; Django allows that only when told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: Playwright's event loop ends with it, so the tests after
    the browser tests can run asyncio code of their own."""
    require(
        CHROMIUM.exists(),
        f"there is no Chromium at {CHROMIUM}: install Debian's chromium to run browser tests",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server, transactional_db):
    context, page = _page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server, transactional_db):
    """A citizen's phone (390 px wide, touch): a browser context, for the journeys that open
    more than one page."""
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def phone_page(browser, live_server, transactional_db):
    """A cheap phone: a narrow screen, a slow finger, no JavaScript."""
    context, page = _page(
        browser, live_server, viewport={"width": 360, "height": 640}, java_script_enabled=False
    )
    yield page
    context.close()
