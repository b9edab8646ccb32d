"""The first page of the dossier list (GET /api/v1/dossiers) with 1,000,000 dossiers, for the
province's supervisor (every agency) and for a desk officer of one agency (50,000 of them).

Only on PostgreSQL: a database `motcua_bench_list` is made beside DATABASE_URL, migrated, given
the demo province and the million dossiers of bench_inbox (bench/scale.py), then served by
gunicorn as in production. Each page is timed through HTTP, its SQL (captured from Django)
straight on the database, and the first line of each list query's plan is printed with the
node that reads the dossiers, which names the index it uses. The one-status inbox of the same
officer (GET /api/v1/inbox?status=…) is explained likewise, and each list query is timed once
more without the list's indexes (dropped in a transaction that is rolled back), as it ran
before them.
"""

from __future__ import annotations

import json
import urllib.request

from ceiling import measure as ceiling
from harness import WORKERS, Result, median_ms, on_postgresql
from scale import OFFICER, captured, demo_database, load_million, sql_ms

from tests.live_site import served

DATABASE = "motcua_bench_list"  # its own name: other benchmarks may run meanwhile
READERS = {"supervisor": "giamsat", "official": OFFICER}
LIST = "/api/v1/dossiers"
INBOX_OF_ONE_STATUS = "/api/v1/inbox?status=processing"
RUNS = 30
WARMUP = 5
LIST_INDEXES = ("dossier_list_idx", "dossier_agency_list_idx")
BUDGET_MS = 100.0  # a page of 20 at a million dossiers, audit entry included

# In a Django process on the benchmark database: a token for each reader, and the SQL of one
# request to each of their URLs.
CAPTURE = """
import json, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from motcua.accounts.authentication import issue_token
from motcua.accounts.models import User

readers, urls = json.loads(sys.argv[1]), json.loads(sys.argv[2])
captured = {}
for name, username in readers.items():
    token, _expires = issue_token(User.objects.get(username=username))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    sql = {}
    for url in urls[name]:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        sql[url] = [q["sql"] for q in queries.captured_queries]
    captured[name] = {"token": token, "sql": sql}
print(json.dumps(captured))
"""


def run() -> list[Result]:
    if not on_postgresql("bench_dossier_list"):
        return []
    with demo_database(DATABASE) as (env, workdir, db):
        load_million(db, "bench_dossier_list")
        urls = {name: [LIST] for name in READERS}
        urls["official"].append(INBOX_OF_ONE_STATUS)
        sql = captured(env, workdir, CAPTURE, json.dumps(READERS), json.dumps(urls))
        with served(env, workdir, WORKERS) as base:
            results = _measure(db, base, sql)
    ceilings = ceiling.measure()
    return [result.against(ceilings) for result in results]


def _measure(db, base: str, captured: dict[str, dict]) -> list[Result]:
    results = []
    for name, reader in captured.items():
        page_ms = median_ms(lambda token=reader["token"]: _page(base, token), RUNS, WARMUP)
        queries = reader["sql"][LIST]
        main, count = _list_query(queries), _count_query(queries)
        reads = [q for q in queries if q.lstrip().upper().startswith("SELECT")]  # not the audit's
        print(
            f"bench_dossier_list: {name} ({READERS[name]}): page {page_ms:.2f} ms for"
            f" {len(queries)} queries, whose {len(reads)} reads take {sql_ms(db, *reads):.2f} ms"
            f" straight on the database (list {sql_ms(db, main):.2f} ms, count"
            f" {sql_ms(db, count):.2f} ms)",
            flush=True,
        )
        _explain(db, f"{name}'s list", main)
        _without_list_indexes(db, name, main)
        results.append(Result(f"dossier_list_{name}_1m_postgresql", page_ms, budget=BUDGET_MS))
    inbox = captured["official"]["sql"][INBOX_OF_ONE_STATUS]
    if query := _list_query(inbox):  # none when no dossier has the status
        _explain(db, "officer's inbox of one status", query)
    return results


def _without_list_indexes(db, name: str, query: str) -> None:
    """The list query as it was before its indexes: dropped in a transaction rolled back."""
    with db.transaction(force_rollback=True):
        for index in LIST_INDEXES:
            db.execute(f"DROP INDEX {index}")
        took = median_ms(lambda: db.execute(query).fetchall(), runs=5, warmup=1)  # it sorts
        first = db.execute(f"EXPLAIN {query}").fetchone()[0]
    print(
        f"bench_dossier_list: without {' and '.join(LIST_INDEXES)}, the {name}'s list query"
        f" takes {took:.2f} ms: {first}",
        flush=True,
    )


def _page(base: str, token: str) -> None:
    request = urllib.request.Request(
        base + LIST, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert len(json.loads(response.read())["results"]) == 20


def _list_query(queries: list[str]) -> str:
    return next((q for q in queries if "ORDER BY" in q and "LIMIT 20" in q), "")


def _count_query(queries: list[str]) -> str:
    return next(q for q in queries if "COUNT(*)" in q.upper())


def _explain(db, name: str, query: str) -> None:
    """The plan's first line and the node reading the dossiers, which names its index."""
    plan = [row[0] for row in db.execute(f"EXPLAIN (ANALYZE) {query}").fetchall()]
    reading = next((line.strip() for line in plan if " on dossiers_dossier" in line), "")
    print(f"bench_dossier_list: plan of the {name}: {plan[0]}\n  {reading}", flush=True)
    if "Seq Scan on dossiers_dossier" in reading:
        print(f"bench_dossier_list: the {name} reads the whole table", flush=True)
    for line in plan:
        if line.lstrip(" ->").startswith("Sort  ("):
            print(f"bench_dossier_list: the {name} sorts: {line.strip()}", flush=True)
