"""The statistics summary (GET /api/v1/stats/summary) for a year of 10,000,000 dossiers.

Only on PostgreSQL: a database `motcua_bench_stats` is made beside DATABASE_URL, migrated, given
the demo province (without its dossiers) and ten million dossiers of one year made by the
database itself (INSERT … SELECT over generate_series, bench/scale.py), then counted by
`rebuild_stats` as a bulk loader would. The summary is timed through HTTP (gunicorn, a
supervisor's token, every table of the answer); the baseline is the same figures computed
straight from the dossier table with plain SQL. Both must agree, figure by figure.
"""

from __future__ import annotations

import datetime
import json
import time
import urllib.request

from ceiling import measure as ceiling
from harness import WORKERS, Result, median_ms, on_postgresql
from scale import bulk_insert, demo_database

from tests.live_site import manage, served

DATABASE = "motcua_bench_stats"
DOSSIERS = 10_000_000
YEAR = 2024
RUNS = 30
WARMUP = 5
BASELINE_RUNS = 5
BUDGET_MS = 500.0
SUPERVISOR = "giamsat"  # the provincial supervisor: sees every agency
ZONE = "Asia/Ho_Chi_Minh"

# Each agency draws from the procedures it carries out, the first ones far more often (the
# cube of a uniform number), so that many online services see few dossiers or none.
INSERT = """
WITH offer AS MATERIALIZED (
    SELECT agency_id, procedure_id, processing_days, fee,
           row_number() OVER (PARTITION BY agency_id ORDER BY procedure_id)::int AS k
    FROM (
        SELECT pa.agency_id, p.id AS procedure_id, p.processing_days,
               (SELECT COALESCE(sum(f.amount), 0) FROM catalog_fee f
                WHERE f.procedure_id = p.id) AS fee
        FROM catalog_procedure_agencies pa JOIN catalog_procedure p ON p.id = pa.procedure_id
        UNION ALL  -- the service center receives the departments' procedures
        SELECT a.id, p.id, p.processing_days, 0
        FROM agencies_agency a CROSS JOIN catalog_procedure p
        WHERE NOT EXISTS (SELECT FROM catalog_procedure_agencies pa WHERE pa.agency_id = a.id)
          AND EXISTS (SELECT FROM catalog_proceduretier t
                      WHERE t.procedure_id = p.id AND t.tier = 'department')
    ) offered
),
menu AS MATERIALIZED (
    SELECT agency_id, size,
           %(dossiers)s / count(*) OVER ()
               + CASE WHEN row_number() OVER (ORDER BY agency_id)
                           <= %(dossiers)s %% count(*) OVER () THEN 1 ELSE 0 END AS n
    FROM (SELECT agency_id, count(*)::int AS size FROM offer GROUP BY agency_id) sizes
),
made AS (
    SELECT a.id AS agency_id, a.code AS agency_code, j,
           %(first_day)s::date + (j %% %(days)s)::int AS day,
           j / %(days)s + 1 AS number,
           random() AS r, random() AS r2, random() AS r3, random() AS r4,
           1 + floor(power(random(), 3) * menu.size)::int AS k
    FROM menu JOIN agencies_agency a ON a.id = menu.agency_id
    CROSS JOIN LATERAL generate_series(0, menu.n - 1) AS j
),
timed AS (
    SELECT s.*, o.procedure_id, o.processing_days, o.fee,
           (s.day::timestamp + make_interval(mins => 450 + floor(s.r3 * 540)::int))
               AT TIME ZONE %(zone)s AS submitted_at,
           s.day + ceil(o.processing_days * 1.4)::int AS due,
           -- days taken: around the processing time, one in ten past the due date
           (CASE WHEN s.r4 < 0.1
                 THEN ceil(o.processing_days * 1.4)::int + 1 + floor(s.r3 * 10)::int
                 ELSE floor(s.r4 * (ceil(o.processing_days * 1.4) + 1))::int END) AS taken,
           CASE
               WHEN s.r < 0.02 THEN 'not_accepted'
               WHEN s.r < 0.05 THEN 'withdrawn'
               WHEN s.r < 0.06 THEN 'stopped'
               WHEN s.r < 0.10 THEN 'processing'
               WHEN s.r < 0.40 THEN 'finished'
               ELSE 'returned'
           END AS status
    FROM made s JOIN offer o ON o.agency_id = s.agency_id AND o.k = s.k
)
INSERT INTO dossiers_dossier (
    code, applicant_name, applicant_id_number, applicant_phone, applicant_email, channel,
    status, form_data, submitted_at, due_date, accepted_at, finished_at, returned_at,
    delivery, supplement_count, fee_amount, idempotency_key, created_at, updated_at,
    agency_id, procedure_id
)
SELECT
    t.agency_code || '-' || to_char(t.day, 'YYMMDD') || '-' || lpad(t.number::text, 5, '0'),
    'Nguyễn Văn An', '', '', '',
    CASE WHEN t.r2 < 0.09 THEN 'online' WHEN t.r2 < 0.95 THEN 'desk' ELSE 'post' END,
    t.status, '{}'::jsonb, t.submitted_at, t.due,
    CASE WHEN t.status <> 'not_accepted' THEN t.submitted_at + interval '1 hour' END,
    CASE WHEN t.status IN ('finished', 'returned')
         THEN t.submitted_at + make_interval(days => t.taken) END,
    CASE WHEN t.status = 'returned' THEN t.submitted_at + make_interval(days => t.taken + 1) END,
    CASE WHEN t.status = 'returned' THEN 'desk' ELSE '' END,
    CASE WHEN t.r3 < 0.01 THEN 2 WHEN t.r3 < 0.08 THEN 1 ELSE 0 END,
    t.fee, '', t.submitted_at,
    t.submitted_at + make_interval(days => t.taken),
    t.agency_id, t.procedure_id
FROM timed t
"""

# The same figures straight from the dossier table: per agency (the tables by agency and tier)
# and per procedure (unused services, simplification candidates).
BASELINE_AGENCIES = """
WITH d AS (
    SELECT agency_id, channel, status, due_date, supplement_count,
           (submitted_at AT TIME ZONE %(zone)s)::date AS received,
           (COALESCE(finished_at, CASE WHEN status IN ('not_accepted', 'withdrawn', 'stopped')
                                       THEN updated_at END) AT TIME ZONE %(zone)s)::date AS closed,
           finished_at IS NOT NULL AS finished
    FROM dossiers_dossier
    WHERE submitted_at < %(after)s AND status <> 'draft'
)
SELECT agency_id,
    count(*) FILTER (WHERE received < %(start)s AND (closed IS NULL OR closed >= %(start)s)),
    count(*) FILTER (WHERE received >= %(start)s),
    count(*) FILTER (WHERE received >= %(start)s AND channel = 'online'),
    count(*) FILTER (WHERE finished AND closed BETWEEN %(start)s AND %(end)s
                     AND closed < due_date),
    count(*) FILTER (WHERE finished AND closed BETWEEN %(start)s AND %(end)s
                     AND closed = due_date),
    count(*) FILTER (WHERE finished AND closed BETWEEN %(start)s AND %(end)s
                     AND closed > due_date),
    count(*) FILTER (WHERE closed IS NULL OR closed > %(end)s),
    count(*) FILTER (WHERE (closed IS NULL OR closed > %(end)s) AND due_date < %(end)s)
FROM d GROUP BY agency_id
"""
BASELINE_PROCEDURES = """
SELECT procedure_id, count(*), count(*) FILTER (WHERE channel = 'online'),
       sum(supplement_count), count(*) FILTER (WHERE status = 'not_accepted')
FROM dossiers_dossier
WHERE submitted_at >= %(start_at)s AND submitted_at < %(after)s AND status <> 'draft'
GROUP BY procedure_id
"""
FIGURES = (
    "carried_over",
    "received",
    "online",
    "early",
    "on_time",
    "late",
    "pending",
    "pending_overdue",
)


def run() -> list[Result]:
    if not on_postgresql("bench_stats"):
        return []
    with demo_database(DATABASE) as (env, workdir, db):
        _load(db)
        started = time.perf_counter()
        manage(env, "rebuild_stats")
        rebuilt = time.perf_counter() - started
        print(f"bench_stats: rebuild_stats counted them in {rebuilt:.1f} s", flush=True)
        _sizes(db)
        with served(env, workdir, WORKERS) as base:
            measured = _measure(db, base)
    ceilings = ceiling.measure()  # the HTTP figures against it, not the SQL baseline
    return [
        *(r if "sql" in r.name else r.against(ceilings) for r in measured),
        Result("stats_rebuild_10m_postgresql", rebuilt, unit="s"),
    ]


def _load(db) -> None:
    """DOSSIERS dossiers over YEAR, spread evenly over the agencies, then analysed."""
    first_day = datetime.date(YEAR, 1, 1)
    days = (datetime.date(YEAR + 1, 1, 1) - first_day).days
    params = {"first_day": first_day, "days": days, "dossiers": DOSSIERS, "zone": ZONE}
    inserted, _rebuilt, total = bulk_insert(db, INSERT, params, 0.2024, "512MB")
    count = db.execute("SELECT count(*) FROM dossiers_dossier").fetchone()[0]
    print(
        f"bench_stats: loaded {count:,} dossiers of {YEAR} in {total:.1f} s"
        f" (INSERT … SELECT {inserted:.1f} s)",
        flush=True,
    )


def _sizes(db) -> None:
    rows = db.execute(
        "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname LIKE 'stats_%%'"
        " ORDER BY relname"
    ).fetchall()
    print("bench_stats: rows " + ", ".join(f"{name} {n:,}" for name, n in rows), flush=True)


def _token(base: str) -> str:
    from motcua.demo.province import DEMO_PASSWORD

    request = urllib.request.Request(
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": SUPERVISOR, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def _measure(db, base: str) -> list[Result]:
    token = _token(base)
    url = f"{base}/api/v1/stats/summary?from={YEAR}-01-01&to={YEAR}-12-31"
    answers = []

    def api() -> None:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answers.append(json.loads(response.read()))

    def public() -> None:
        with urllib.request.urlopen(url, timeout=60) as response:
            assert "by_agency" not in json.loads(response.read())

    api_ms, public_ms = median_ms(api, RUNS, WARMUP), median_ms(public, RUNS, WARMUP)
    baseline = []
    sql_ms = median_ms(lambda: baseline.append(_baseline(db)), BASELINE_RUNS, 1)
    _check(answers[-1], baseline[-1])
    print(
        f"bench_stats: summary {api_ms:.1f} ms (public {public_ms:.1f} ms) against"
        f" {sql_ms:.0f} ms for the same figures straight from the dossiers:"
        f" {sql_ms / api_ms:.0f}x faster",
        flush=True,
    )
    return [
        Result("stats_summary_10m_postgresql", api_ms, budget=BUDGET_MS),
        Result("stats_summary_public_10m_postgresql", public_ms, budget=BUDGET_MS),
        Result("stats_summary_sql_baseline_10m_postgresql", sql_ms),
    ]


def _baseline(db) -> dict:
    """The year's figures per agency and per procedure, from the dossier table alone."""
    start = datetime.date(YEAR, 1, 1)
    end = datetime.date(YEAR, 12, 31)
    params = {
        "zone": ZONE,
        "start": start,
        "end": end,
        "start_at": f"{start} 00:00:00+07",
        "after": f"{end + datetime.timedelta(days=1)} 00:00:00+07",
    }
    agencies = db.execute(BASELINE_AGENCIES, params).fetchall()
    procedures = db.execute(BASELINE_PROCEDURES, params).fetchall()
    totals = [sum(column) for column in list(zip(*agencies, strict=True))[1:]]
    return {"totals": dict(zip(FIGURES, totals, strict=True)), "procedures": len(procedures)}


def _check(answer: dict, baseline: dict) -> None:
    """The pre-aggregated figures equal the ones counted from the dossiers."""
    dossiers = answer["dossiers"]
    for name, value in baseline["totals"].items():
        assert dossiers[name] == value, (name, dossiers[name], value)
    used = answer["unused_services"]["online_services"] - answer["unused_services"]["count"]
    print(
        f"bench_stats: figures agree ({dossiers['received']:,} received,"
        f" {dossiers['online_rate']} % online, {dossiers['pending']:,} pending);"
        f" {baseline['procedures']} procedures used, {used} of them online services",
        flush=True,
    )
