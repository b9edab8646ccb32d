"""The desk officer's inbox (/mot-cua/ and GET /api/v1/inbox) with 1,000,000 dossiers.

Only on PostgreSQL: a database `motcua_bench_inbox` (or BENCH_INBOX_DATABASE) is made beside
DATABASE_URL, migrated, given
the demo province and a million dossiers made by the database itself (INSERT … SELECT over
generate_series), then served by gunicorn as in production. The page and the API are timed
through HTTP; the page's own SQL, captured from Django, is timed straight on the database as the
baseline. When the page is over budget, the plans are printed and the index that should fix it
is tried in the benchmark database (never in the project's migrations) and measured again.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from ceiling import measure as ceiling
from harness import Result, median_ms
from live_site import environment, fresh_postgres_database, manage, served

# Its own name: `make bench` may run bench_submission meanwhile.
DATABASE = os.environ.get("BENCH_INBOX_DATABASE", "motcua_bench_inbox")
OFFICER = "motcua.trungtam"  # the desk officer of the provincial service center
DOSSIERS = 1_000_000
OFFICER_AGENCY_DOSSIERS = 50_000  # the rest is shared by the demo's 175 other agencies
YEARS = 5
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
    bench_url = fresh_postgres_database(DATABASE)
    if bench_url is None:
        print("bench_inbox: skipped, it needs PostgreSQL (DATABASE_URL=postgres://…)", flush=True)
        return []
    import psycopg

    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            env = environment(workdir, bench_url, API_LOGINS_PER_MINUTE="1000")
            manage(env, "migrate", "--noinput")
            manage(env, "load_demo", "--without-dossiers")
            manage(env, "collectstatic", "--noinput")  # the pages need the static manifest
            with psycopg.connect(bench_url, autocommit=True) as db:
                _load(db)
                captured = _capture(env, workdir)
                with served(env, workdir) as base:
                    results = _measure(db, base, captured)
        ceilings = ceiling.measure()
        return [result.against(ceilings) for result in results]
    finally:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


# ---------------------------------------------------------------- the million dossiers


def _shares(agencies: list[int], officer_agency: int) -> dict[int, int]:
    """OFFICER_AGENCY_DOSSIERS for the officer's agency, the rest evenly over the others."""
    others = [a for a in agencies if a != officer_agency]
    rest = DOSSIERS - OFFICER_AGENCY_DOSSIERS
    shares = {a: rest // len(others) for a in others}
    for a in others[: rest - sum(shares.values())]:
        shares[a] += 1
    shares[officer_agency] = OFFICER_AGENCY_DOSSIERS
    return shares


INSERT = """
WITH offer AS MATERIALIZED (  -- the procedures each agency carries out, numbered from 1
    SELECT agency_id, procedure_id, processing_days,
           row_number() OVER (PARTITION BY agency_id ORDER BY procedure_id)::int AS k
    FROM (
        SELECT pa.agency_id, p.id AS procedure_id, p.processing_days
        FROM catalog_procedure_agencies pa JOIN catalog_procedure p ON p.id = pa.procedure_id
        UNION ALL  -- an agency without procedures of its own (the service center) takes any
        SELECT a.id, p.id, p.processing_days
        FROM agencies_agency a CROSS JOIN catalog_procedure p
        WHERE NOT EXISTS (SELECT FROM catalog_procedure_agencies pa WHERE pa.agency_id = a.id)
    ) offered
),
menu AS MATERIALIZED (SELECT agency_id, count(*)::int AS size FROM offer GROUP BY agency_id),
made AS (
    SELECT
        a.id AS agency_id, a.code AS agency_code, j AS id,
        %(first_day)s::date + (j %% %(days)s)::int AS day,
        j / %(days)s + 1 AS number,
        (%(first_day)s::date + (j %% %(days)s)::int)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
            + make_interval(mins => 450 + floor(random() * 540)::int) AS submitted_at,
        CASE WHEN %(days)s - 1 - (j %% %(days)s) < 45
             THEN 0.85 * (1 - (%(days)s - 1 - (j %% %(days)s)) / 45.0) + 0.005
             ELSE 0.005 END AS open_share,
        CASE WHEN %(days)s - 1 - (j %% %(days)s) < 45 THEN 0.10 ELSE 0.015 END AS finished_share,
        random() AS r, random() AS r2,
        1 + floor(random() * menu.size)::int AS k
    FROM unnest(%(agencies)s::bigint[], %(counts)s::int[]) AS plan(agency, n)
    JOIN agencies_agency a ON a.id = plan.agency
    JOIN menu ON menu.agency_id = a.id
    CROSS JOIN LATERAL generate_series(0, plan.n - 1) AS j
)
INSERT INTO dossiers_dossier (
    code, applicant_name, applicant_name_folded, applicant_id_number, applicant_phone,
    applicant_email, channel, status, form_data,
    submitted_at, due_date, idempotency_key, created_at, updated_at,
    agency_id, decider_id, for_another_agency, identity_verified,
    applicant_id, procedure_id, assignee_id, delivery, supplement_count, fee_amount
)
SELECT
    s.agency_code || '-' || to_char(s.day, 'YYMMDD') || '-' || lpad(s.number::text, 4, '0'),
    (ARRAY['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em',
           'Võ Thị Giang', 'Đặng Văn Hải', 'Bùi Thị Hoa', 'Đỗ Văn Khoa', 'Ngô Thị Lan'])
        [1 + s.number %% 10],
    (ARRAY[' nguyen van an ', ' tran thi binh ', ' le van cuong ', ' pham thi dung ',
           ' hoang van em ', ' vo thi giang ', ' dang van hai ', ' bui thi hoa ', ' do van khoa ',
           ' ngo thi lan '])[1 + s.number %% 10],
    '',
    '09' || lpad((s.id %% 100000000)::text, 8, '0'),
    '',
    CASE WHEN s.r2 < 0.6 THEN 'online' WHEN s.r2 < 0.95 THEN 'desk' ELSE 'post' END,
    CASE
        WHEN s.r < s.open_share THEN
            (ARRAY['submitted', 'accepted', 'processing', 'processing', 'processing',
                   'under_review', 'awaiting_approval', 'supplement'])[1 + floor(s.r2 * 8)::int]
        WHEN s.r < s.open_share + s.finished_share THEN 'finished'
        WHEN s.r < s.open_share + s.finished_share + 0.01 THEN 'withdrawn'
        WHEN s.r < s.open_share + s.finished_share + 0.02 THEN 'not_accepted'
        WHEN s.r < s.open_share + s.finished_share + 0.025 THEN 'stopped'
        ELSE 'returned'
    END,
    '{}'::jsonb,
    s.submitted_at,
    s.day + ceil(o.processing_days * 1.4)::int,
    '',
    s.submitted_at,
    s.submitted_at + make_interval(days => o.processing_days),
    s.agency_id,
    s.agency_id,  -- each agency decides what it receives
    false,
    false,
    (%(applicants)s::bigint[])[1 + (s.id %% 2)::int],
    o.procedure_id,
    NULL,
    '',
    0,
    0
FROM made s
JOIN offer o ON o.agency_id = s.agency_id AND o.k = s.k
ORDER BY s.submitted_at
"""


def _load(db) -> None:
    """A million dossiers over YEARS years, in the order they were submitted, then analysed."""
    import datetime

    officer_agency = db.execute(
        "SELECT agency_id FROM accounts_user WHERE username = %s", [OFFICER]
    ).fetchone()[0]
    agencies = [row[0] for row in db.execute("SELECT id FROM agencies_agency ORDER BY id")]
    applicants = [
        row[0]
        for row in db.execute(
            "SELECT id FROM accounts_user WHERE username IN ('congdan', 'doanhnghiep') ORDER BY id"
        )
    ]
    shares = _shares(agencies, officer_agency)
    days = YEARS * 365
    today = datetime.date.today()
    start = time.perf_counter()
    db.execute("SET work_mem = '256MB'")
    db.execute("SET maintenance_work_mem = '256MB'")
    db.execute("SET synchronous_commit = off")
    db.execute("SELECT setseed(0.2020)")
    rebuild = _drop_constraints_and_indexes(db)
    db.execute(
        INSERT,
        {
            "agencies": list(shares),
            "counts": list(shares.values()),
            "applicants": applicants,
            "days": days,
            "first_day": today - datetime.timedelta(days=days - 1),
        },
    )
    inserted = time.perf_counter() - start
    for statement in rebuild:
        db.execute(statement)
    rebuilt = time.perf_counter() - start - inserted
    for setting in ("work_mem", "maintenance_work_mem", "synchronous_commit"):
        db.execute(f"RESET {setting}")  # the timings below run with the server's settings
    db.execute("VACUUM (ANALYZE) dossiers_dossier")
    total = time.perf_counter() - start
    count, officer_count, officer_open = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE agency_id = %(a)s),"
        " count(*) FILTER (WHERE agency_id = %(a)s AND status = ANY(%(open)s))"
        " FROM dossiers_dossier",
        {"a": officer_agency, "open": _open_statuses()},
    ).fetchone()
    statuses = db.execute(
        "SELECT status, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    assert count == DOSSIERS, count
    print(
        f"bench_inbox: loaded {count:,} dossiers in {total:.1f} s (INSERT … SELECT"
        f" {inserted:.1f} s, indexes and constraints {rebuilt:.1f} s, VACUUM ANALYZE"
        f" {total - inserted - rebuilt:.1f} s); {officer_count:,}"
        f" in {OFFICER}'s agency, {officer_open:,} of them open",
        flush=True,
    )
    print("bench_inbox: statuses " + ", ".join(f"{s} {n:,}" for s, n in statuses), flush=True)


def _drop_constraints_and_indexes(db) -> list[str]:
    """Drop the table's foreign keys, unique constraints and indexes (all but the primary key),
    answering the statements that make them again, exactly as they were.

    Checked row by row, the three foreign keys alone cost minutes for a million rows; made
    again afterwards, each is validated in one pass and each index is built in one sort.
    """
    constraints = db.execute(
        "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint"
        " WHERE conrelid = 'dossiers_dossier'::regclass AND contype IN ('f', 'u')"
    ).fetchall()
    indexes = db.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = 'dossiers_dossier'::regclass AND NOT i.indisprimary"
        " AND i.indexrelid NOT IN (SELECT conindid FROM pg_constraint"
        "  WHERE conrelid = 'dossiers_dossier'::regclass)"
    ).fetchall()
    for name, _definition, _index in constraints:
        db.execute(f'ALTER TABLE dossiers_dossier DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        db.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE dossiers_dossier ADD CONSTRAINT "{name}" {definition}'
        for name, definition, _index in constraints
    ]


def _open_statuses() -> list[str]:
    from motcua.dossiers.models import OPEN_STATUSES

    return [str(status) for status in OPEN_STATUSES]


# ---------------------------------------------------------------- the server and its SQL


def _capture(env: dict[str, str], workdir: Path) -> dict[str, list[str]]:
    """The SQL Django runs for one page and one API request, as it sends it."""
    done = subprocess.run(
        [sys.executable, "-c", CAPTURE, OFFICER, PAGE, API],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"capturing the inbox's SQL failed:\n{done.stderr}")
    captured = json.loads(done.stdout.strip().splitlines()[-1])
    # The officer's read is audited: that entry's seal is unique, so its statements cannot be
    # replayed on the database; they stay in the timings of the page and the API.
    return {name: [q for q in sqls if "core_audit" not in q] for name, sqls in captured.items()}


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
        "page main": _sql_ms(db, page_main),
        "page all": _sql_ms(db, *page_sql),
        "api list": _sql_ms(db, api_main),
        "api count": _sql_ms(db, api_count),
        "api all": _sql_ms(db, *api_sql),
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


def _sql_ms(db, *queries: str) -> float:
    def execute() -> None:
        for query in queries:
            cursor = db.execute(query)
            if cursor.description is not None:
                cursor.fetchall()

    return median_ms(execute, RUNS, WARMUP)


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
    statuses = ", ".join(f"'{status}'" for status in _open_statuses())
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
        f" API {api_ms:.2f} ms, inbox query {_sql_ms(db, page_main):.2f} ms, API count"
        f" {_sql_ms(db, api_count):.2f} ms",
        flush=True,
    )
    print("  " + _plan(db, page_main).replace("\n", "\n  "), flush=True)
    db.execute(f"DROP INDEX {TRIAL_INDEX}")
