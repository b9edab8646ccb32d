"""Audit entries appended per second by 8 threads, all on one chain or spread over 20.

Only on PostgreSQL, where each chain's head row is locked until the appending transaction
commits: on one chain the appends queue one behind the other, over 20 chains (the agencies)
they proceed side by side. A database `motcua_bench_audit` is made beside DATABASE_URL and
migrated; the appends run in a separate process with production settings, each thread on its
own connection, each append in its own transaction as the last statement before commit.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from harness import Result, drop_postgres_database, fresh_postgres_database, on_postgresql

from tests.live_site import manage, production_env, python

DATABASE = "motcua_bench_audit"  # its own name: other benchmarks may run meanwhile
THREADS = 8
APPENDS = 250  # per thread and round
ROUNDS = 3
SPREAD = 20

# Runs in a Django process on the benchmark database; prints the appends per second of each
# round, for `chains` chains (each thread takes them in turn).
MEASURE = """
import json, sys, threading, time
import django
django.setup()
from django.db import connection
from motcua.core import audit

threads, appends, rounds, chains = (int(arg) for arg in sys.argv[1:5])
names = [f"BENCH.{n:02d}" for n in range(chains)]
for name in names:  # open every chain first: openings are not what is measured
    audit.log("bench.open", name, chain=name)

def append(worker, start):
    start.wait()
    for n in range(appends):
        chain = names[(worker + n * threads) % chains]
        audit.log("bench.append", f"{worker}-{n}", chain=chain, n=n)
    connection.close()

rates = []
for _round in range(rounds):
    start = threading.Barrier(threads + 1)
    pool = [threading.Thread(target=append, args=(w, start)) for w in range(threads)]
    for thread in pool:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in pool:
        thread.join()
    rates.append(threads * appends / (time.perf_counter() - began))
checked, broken = audit.verify()
assert broken is None, broken
print(json.dumps(rates))
"""


def run() -> list[Result]:
    if not on_postgresql("bench_audit"):
        return []
    with tempfile.TemporaryDirectory() as tmp:
        env = production_env(Path(tmp), fresh_postgres_database(DATABASE))
        try:
            manage(env, "migrate", "--noinput")
            return [
                _measure(env, 1, "audit_appends_per_second_one_chain_postgresql"),
                _measure(env, SPREAD, f"audit_appends_per_second_{SPREAD}_chains_postgresql"),
            ]
        finally:
            drop_postgres_database(DATABASE)


def _measure(env: dict[str, str], chains: int, name: str) -> Result:
    args = (str(THREADS), str(APPENDS), str(ROUNDS), str(chains))
    rates = json.loads(python(env, MEASURE, *args).strip().splitlines()[-1])
    return Result(name, statistics.median(rates), unit="/s", higher_is_better=True)
