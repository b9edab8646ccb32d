"""Dossiers by the million for the benchmarks on PostgreSQL: a database of the demo province
(without its dossiers) made beside DATABASE_URL, filled by the database itself (INSERT … SELECT
over generate_series) at the speed of a bulk load, and the SQL Django sends timed straight on it.

`MILLION` is the desk officers' million (bench_inbox, bench_dossier_list); bench_stats inserts
its own year of ten million with `bulk_insert`.
"""

from __future__ import annotations

import datetime
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from harness import drop_postgres_database, fresh_postgres_database, median_ms

from tests.live_site import manage, production_env, python

if TYPE_CHECKING:
    import psycopg

OFFICER = "motcua.trungtam"  # the desk officer of the provincial service center
DOSSIERS = 1_000_000
OFFICER_AGENCY_DOSSIERS = 50_000  # the rest is shared by the demo's 175 other agencies
YEARS = 5
RUNS = 30
WARMUP = 5


@contextmanager
def demo_database(
    database: str, **settings: str
) -> Iterator[tuple[dict[str, str], Path, psycopg.Connection]]:
    """A fresh PostgreSQL database `database` beside DATABASE_URL, migrated and given the demo
    province without its dossiers: the site's production environment (with `settings`), its
    working folder and a connection to it; the database is dropped afterwards."""
    import psycopg

    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            env = production_env(workdir, fresh_postgres_database(database), **settings)
            manage(env, "migrate", "--noinput")
            manage(env, "load_demo", "--without-dossiers")
            with psycopg.connect(env["DATABASE_URL"], autocommit=True) as db:
                yield env, workdir, db
    finally:
        drop_postgres_database(database)


def captured(env: dict[str, str], workdir: Path, script: str, *args: str) -> dict:
    """What `script`, run with `args` in a Django process on the benchmark database, printed
    last as JSON (the SQL of the requests it made, typically)."""
    return json.loads(python(env, script, *args, cwd=workdir).strip().splitlines()[-1])


def sql_ms(db: psycopg.Connection, *queries: str) -> float:
    """The median time of `queries` run one after the other straight on the database."""

    def execute() -> None:
        for query in queries:
            cursor = db.execute(query)
            if cursor.description is not None:
                cursor.fetchall()

    return median_ms(execute, RUNS, WARMUP)


def bulk_insert(
    db: psycopg.Connection, insert: str, params: dict, seed: float, maintenance_memory: str
) -> tuple[float, float, float]:
    """`insert` into the dossier table as a bulk loader would: its indexes and constraints
    dropped before and made again after, then analysed. The seconds the insert, the indexes
    and constraints and the whole took."""
    start = time.perf_counter()
    db.execute("SET work_mem = '256MB'")
    db.execute(f"SET maintenance_work_mem = '{maintenance_memory}'")
    db.execute("SET synchronous_commit = off")
    db.execute("SELECT setseed(%s)", [seed])
    rebuild = _drop_constraints_and_indexes(db)
    db.execute(insert, params)
    inserted = time.perf_counter() - start
    for statement in rebuild:
        db.execute(statement)
    rebuilt = time.perf_counter() - start - inserted
    for setting in ("work_mem", "maintenance_work_mem", "synchronous_commit"):
        db.execute(f"RESET {setting}")  # the timings that follow run with the server's settings
    db.execute("VACUUM (ANALYZE) dossiers_dossier")
    return inserted, rebuilt, time.perf_counter() - start


def _drop_constraints_and_indexes(db: psycopg.Connection) -> list[str]:
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


MILLION = """
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


def load_million(db: psycopg.Connection, benchmark: str) -> None:
    """A million dossiers over YEARS years, in the order they were submitted, then analysed."""
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
    params = {
        "agencies": list(shares),
        "counts": list(shares.values()),
        "applicants": applicants,
        "days": days,
        "first_day": datetime.date.today() - datetime.timedelta(days=days - 1),
    }
    inserted, rebuilt, total = bulk_insert(db, MILLION, params, 0.2020, "256MB")
    count, officer_count, officer_open = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE agency_id = %(a)s),"
        " count(*) FILTER (WHERE agency_id = %(a)s AND status = ANY(%(open)s))"
        " FROM dossiers_dossier",
        {"a": officer_agency, "open": open_statuses()},
    ).fetchone()
    statuses = db.execute(
        "SELECT status, count(*) FROM dossiers_dossier GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    assert count == DOSSIERS, count
    print(
        f"{benchmark}: loaded {count:,} dossiers in {total:.1f} s (INSERT … SELECT"
        f" {inserted:.1f} s, indexes and constraints {rebuilt:.1f} s, VACUUM ANALYZE"
        f" {total - inserted - rebuilt:.1f} s); {officer_count:,}"
        f" in {OFFICER}'s agency, {officer_open:,} of them open",
        flush=True,
    )
    print(f"{benchmark}: statuses " + ", ".join(f"{s} {n:,}" for s, n in statuses), flush=True)


def open_statuses() -> list[str]:
    from motcua.dossiers.models import OPEN_STATUSES

    return [str(status) for status in OPEN_STATUSES]


def _shares(agencies: list[int], officer_agency: int) -> dict[int, int]:
    """OFFICER_AGENCY_DOSSIERS for the officer's agency, the rest evenly over the others."""
    others = [a for a in agencies if a != officer_agency]
    rest = DOSSIERS - OFFICER_AGENCY_DOSSIERS
    shares = {a: rest // len(others) for a in others}
    for a in others[: rest - sum(shares.values())]:
        shares[a] += 1
    shares[officer_agency] = OFFICER_AGENCY_DOSSIERS
    return shares
