"""The public pages stay light on a phone's data plan: each transfers less than 200 KB, all it
loads counted as served (gzip where the server compresses), measured in Chromium against the
site run as in production (gunicorn, DEBUG off, static files collected and compressed by
WhiteNoise), on the demo catalog with a few dossiers so that the statistics draw charts."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Channel, Status
from tests.factories import advance, at_nine, register
from tests.live_site import manage, production_env, python, served

pytestmark = pytest.mark.browser
BUDGET = 200 * 1024
D = datetime.date
# (day received, day finished or None, channel) of the seeded dossiers.
DOSSIERS = [
    (D(2020, 1, 6), D(2020, 1, 8), Channel.ONLINE),
    (D(2020, 1, 7), D(2020, 1, 14), Channel.DESK),
    (D(2020, 2, 3), D(2020, 2, 7), Channel.ONLINE),
    (D(2020, 3, 2), None, Channel.DESK),
    (D(2020, 4, 6), D(2020, 4, 7), Channel.ONLINE),
    (D(2020, 5, 4), None, Channel.ONLINE),
]
PAGES = ["/", "/thu-tuc/?q=ket+hon", "/thu-tuc/{procedure}/", "/thong-ke/"]
# What the page loaded, the page itself included, as the bytes that crossed the network.
TRANSFERRED = """() => performance.getEntries()
    .filter(e => e.entryType === "navigation" || e.entryType === "resource")
    .map(e => [e.name, e.encodedBodySize])"""


def seed_dossiers() -> str:
    """Run in the site's own process: the demo citizen's dossiers of DOSSIERS at the agencies
    of level-4 procedures, finished on their day; the code of the first procedure."""
    applicant = User.objects.get(username="congdan")
    procedures = Procedure.objects.filter(level=4).exclude(agencies=None).order_by("code")[:3]
    for number, (received, finished, channel) in enumerate(DOSSIERS):
        procedure = procedures[number % len(procedures)]
        dossier = register(procedure, procedure.agencies.first(), applicant, received, channel)
        with mock.patch.object(timezone, "now", return_value=at_nine(received)):
            dossier = advance(dossier, Status.ACCEPTED)
        if finished:
            with mock.patch.object(timezone, "now", return_value=at_nine(finished)):
                advance(dossier, Status.FINISHED)
    return procedures[0].code


SEED = """import django
django.setup()
from tests.browser.test_page_weight import seed_dossiers
print(seed_dossiers())"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo catalog and a few dossiers, served as in production; its base URL and the code
    of a procedure with dossiers."""
    var_dir = tmp_path_factory.mktemp("site")
    env = production_env(var_dir)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_demo", "--without-dossiers")
    manage(env, "make_demo_certificate")  # approving a dossier signs its result
    procedure = python(env, SEED).strip()
    with served(env, var_dir) as base:
        yield base, procedure


def transferred(browser, url: str) -> dict[str, int]:
    """Each response the page loaded in a fresh browser, and its size as it was sent."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    if "/thong-ke/" in url:
        page.locator("#stats[data-drawn]").wait_for()
    sizes = dict(page.evaluate(TRANSFERRED))
    context.close()
    return sizes


def test_each_public_page_transfers_less_than_200_kb(browser, site):
    base, procedure = site
    weights, heavy = {}, {}
    for path in PAGES:
        sizes = transferred(browser, base + path.format(procedure=procedure))
        assert all(sizes.values()), f"a response of {path} was not measured: {sizes}"
        weights[path] = sum(sizes.values())
        if weights[path] >= BUDGET:
            heavy[path] = sizes
    print("bytes transferred per page:", weights)
    assert heavy == {}, f"pages of 200 KB or more: {weights}"
