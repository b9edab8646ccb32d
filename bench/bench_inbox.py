"""The desk officer's inbox (/mot-cua/ and GET /api/v1/inbox) with 1,000,000 dossiers.

Only on PostgreSQL: a database `motcua_bench_inbox` (or BENCH_INBOX_DATABASE) is made beside
DATABASE_URL, migrated, given the demo province and a million dossiers made by the database
itself (bench/scale.py), then served by gunicorn as in production. The page and the API are timed
through HTTP; the page's own SQL, captured from Django, is timed straight on the database as the
baseline. When the page is over budget, the plans are printed and the index that should fix it
is tried in the benchmark database (never in the project's migrations) and measured again.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

from ceiling import measure as ceiling
from harness import WORKERS, Result, median_ms, on_postgresql
from scale import OFFICER, captured, demo_database, load_million, open_statuses, sql_ms

from tests.live_site import manage, served

# Its own name: `make bench` may run bench_submission meanwhile.
DATABASE = os.environ.get("BENCH_INBOX_DATABASE", "motcua_bench_inbox")
RUNS = 30
WARMUP = 5
BUDGET_MS = 100.0
# The workspace's largest tab, every open dossier of the officer's agency, a page of 50 rows with
# every tab's count; then the tab the desk lands on, and a search by a name typed without
# diacritics, over all the agency's dossiers.
PAGE = "/mot-cua/?tab=all"
LANDING = "/mot-cua/"
SEARCH = "/mot-cua/?q=nguyen+van"
PAGE_ROWS = 50
API = "/api/v1/inbox"
TRIAL_INDEX = "bench_inbox_open_due"

# Captures, in a Django process on the benchmark database, the SQL of one request to each URL.
CAPTURE = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from motcua.accounts.authentication import issue_token
from motcua.accounts.models import User

user = User.objects.get(username=sys.argv[1])
token, _expires = issue_token(user)
page = Client(HTTP_HOST="127.0.0.1")
page.force_login(user)
# The officer's second factor, passed with their demo authenticator as the login page would.
import django_otp
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

verified = HttpRequest()
verified.session, verified.user = page.session, user
django_otp.login(verified, TOTPDevice.objects.get(user=user, confirmed=True))
verified.session.save()
api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
captured = {}
for name, client, path in (("page", page, sys.argv[2]), ("api", api, sys.argv[3])):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    captured[name] = [q["sql"] for q in queries.captured_queries]
print(json.dumps(captured))
"""


def run() -> list[Result]:
    if not on_postgresql("bench_inbox"):
        return []
    settings = {"API_LOGINS_PER_MINUTE": "1000", "SECURE_COOKIES": "0"}  # it logs in over HTTP
    with demo_database(DATABASE, **settings) as (env, workdir, db):
        manage(env, "collectstatic", "--noinput")  # the pages need the static manifest
        load_million(db, "bench_inbox")
        sql = _capture(env, workdir)
        with served(env, workdir, WORKERS) as base:
            results = _measure(db, base, sql)
    ceilings = ceiling.measure()
    return [result.against(ceilings) for result in results]


def _capture(env: dict[str, str], workdir: Path) -> dict[str, list[str]]:
    """The SQL Django runs for one page and one API request, as it sends it."""
    sql = captured(env, workdir, CAPTURE, OFFICER, PAGE, API)
    # The officer's read is audited: that entry's seal is unique, so its statements cannot be
    # replayed on the database; they stay in the timings of the page and the API.
    return {name: [q for q in sqls if "core_audit" not in q] for name, sqls in sql.items()}


def _login(base: str) -> urllib.request.OpenerDirector:
    """A browser session of the officer, logged in through the login form."""
    from motcua.demo.province import DEMO_PASSWORD

    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    login = f"{base}/tai-khoan/dang-nhap/"
    with browser.open(login, timeout=30) as response:
        form = response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": csrf,
            "username": OFFICER,
            "password": DEMO_PASSWORD,
            "next": PAGE,
        }
    ).encode()
    request = urllib.request.Request(login, data=body, headers={"Referer": login})
    with browser.open(request, timeout=30) as response:
        second_step, form = response.url, response.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "code": _demo_code(), "next": PAGE}
    ).encode()
    request = urllib.request.Request(second_step, data=body, headers={"Referer": second_step})
    with browser.open(request, timeout=30) as response:
        assert response.url.endswith(PAGE), f"login failed: landed on {response.url}"
    return browser


def _demo_code(steps_ahead: int = 0) -> str:
    """The code the demo officers' authenticator shows now (or `steps_ahead` steps later: a
    code is accepted once, and one step of drift is allowed)."""
    import base64

    from django_otp.oath import totp

    from motcua.demo.province import DEMO_TOTP_SECRET

    return str(totp(base64.b32decode(DEMO_TOTP_SECRET), drift=steps_ahead)).zfill(6)


def _token(base: str) -> str:
    """The officer's API token, asked with the demo authenticator's current code."""
    from motcua.demo.province import DEMO_PASSWORD

    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps(
            {"username": OFFICER, "password": DEMO_PASSWORD, "otp": _demo_code(steps_ahead=1)}
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def _measure(db, base: str, captured: dict[str, list[str]]) -> list[Result]:
    browser = _login(base)
    token = _token(base)

    def opened(path: str) -> bytes:
        with browser.open(base + path, timeout=30) as response:
            assert response.status == 200
            return response.read()

    def page() -> None:
        assert opened(PAGE).count(b'<tr class="deadline-') == PAGE_ROWS

    def landing() -> None:
        assert b'aria-current="page"' in opened(LANDING)

    def search() -> None:
        assert opened(SEARCH).count(b'<tr class="deadline-') == PAGE_ROWS

    def api() -> None:
        request = urllib.request.Request(
            base + API, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert len(json.loads(response.read())["results"]) == 20

    page_ms, api_ms = median_ms(page, RUNS, WARMUP), median_ms(api, RUNS, WARMUP)
    landing_ms, search_ms = median_ms(landing, RUNS, WARMUP), median_ms(search, RUNS, WARMUP)
    print(
        f"bench_inbox: the tab the desk lands on {landing_ms:.2f} ms; a search by name"
        f" without diacritics {search_ms:.2f} ms",
        flush=True,
    )
    page_sql, api_sql = captured["page"], captured["api"]
    page_main = _main_query(page_sql, f"LIMIT {PAGE_ROWS + 1}")
    api_main = _main_query(api_sql, "LIMIT 20")
    api_count = next(q for q in api_sql if "COUNT(*)" in q.upper())
    sql = {
        "page main": sql_ms(db, page_main),
        "page all": sql_ms(db, *page_sql),
        "api list": sql_ms(db, api_main),
        "api count": sql_ms(db, api_count),
        "api all": sql_ms(db, *api_sql),
    }
    print(
        f"bench_inbox: page {page_ms:.2f} ms for {len(page_sql)} queries, whose SQL takes"
        f" {sql['page all']:.2f} ms straight on the database (the inbox query"
        f" {sql['page main']:.2f} ms): page/SQL {page_ms / sql['page all']:.1f}x"
        f" (/inbox query {page_ms / sql['page main']:.1f}x)",
        flush=True,
    )
    print(
        f"bench_inbox: API {api_ms:.2f} ms for {len(api_sql)} queries, whose SQL takes"
        f" {sql['api all']:.2f} ms (list {sql['api list']:.2f} ms, count"
        f" {sql['api count']:.2f} ms): API/SQL {api_ms / sql['api all']:.1f}x",
        flush=True,
    )
    _verdict(db, page_sql, api_sql, page_main, api_count)
    if page_ms > BUDGET_MS:
        _try_index(db, page, api, page_main, api_count)
    return [
        Result("inbox_page_1m_postgresql", page_ms, budget=BUDGET_MS),
        Result("inbox_api_1m_postgresql", api_ms, budget=BUDGET_MS),
        Result("inbox_landing_tab_1m_postgresql", landing_ms, budget=BUDGET_MS),
        Result("inbox_search_1m_postgresql", search_ms),
    ]


def _main_query(queries: list[str], limit: str) -> str:
    return next(q for q in queries if '"dossiers_dossier"."due_date"' in q and limit in q)


def _plan(db, query: str) -> str:
    rows = db.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}").fetchall()
    return "\n".join(row[0] for row in rows)


def _verdict(db, page_sql, api_sql, page_main: str, api_count: str) -> None:
    """The plans of the two heavy queries, and what they say about the usual suspects."""
    for name, queries in (("page", page_sql), ("API", api_sql)):
        shapes: dict[str, int] = {}
        for query in queries:
            shape = re.sub(r"'[^']*'|\b\d+\b", "?", query)
            shapes[shape] = shapes.get(shape, 0) + 1
        repeated = max(shapes.values())
        print(
            f"bench_inbox: {name} runs {len(queries)} queries"
            + (f"; one shape {repeated} times: N+1" if repeated > 2 else "; no N+1"),
            flush=True,
        )
    for name, query in (("page inbox query", page_main), ("API count", api_count)):
        plan = _plan(db, query)
        print(f"bench_inbox: plan of the {name}:\n  " + plan.replace("\n", "\n  "), flush=True)
        if "Seq Scan on dossiers_dossier" in plan:
            print(f"bench_inbox: the {name} reads the whole dossier table", flush=True)


def _try_index(db, page, api, page_main: str, api_count: str) -> None:
    """The index the inbox lacks, made by hand in the benchmark database only, and its effect."""
    statuses = ", ".join(f"'{status}'" for status in open_statuses())
    start = time.perf_counter()
    db.execute(
        f"CREATE INDEX {TRIAL_INDEX} ON dossiers_dossier (agency_id, due_date, submitted_at)"
        f" WHERE status IN ({statuses})"
    )
    db.execute("ANALYZE dossiers_dossier")
    built = (time.perf_counter() - start) * 1000
    page_ms, api_ms = median_ms(page, RUNS, WARMUP), median_ms(api, RUNS, WARMUP)
    print(
        f"bench_inbox: with {TRIAL_INDEX} (built in {built:.0f} ms): page {page_ms:.2f} ms,"
        f" API {api_ms:.2f} ms, inbox query {sql_ms(db, page_main):.2f} ms, API count"
        f" {sql_ms(db, api_count):.2f} ms",
        flush=True,
    )
    print("  " + _plan(db, page_main).replace("\n", "\n  "), flush=True)
    db.execute(f"DROP INDEX {TRIAL_INDEX}")
