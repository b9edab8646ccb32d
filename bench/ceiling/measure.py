"""The ceiling site served by gunicorn, measured the way the benchmarks measure the project:
requests per second from concurrent clients, and the latency of one request at a time."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from harness import (
    WORKERS,
    Ceiling,
    Result,
    drop_postgres_database,
    fresh_postgres_database,
    median_ms,
)

from tests.live_site import served

HERE = Path(__file__).resolve().parent
DATABASE = f"motcua_bench_ceiling_{os.getpid()}"  # its own: other benchmarks may run meanwhile
CLIENTS = 8
REQUESTS = 600  # per round, over all clients
ROUNDS = 3
LATENCY_RUNS = 100
BARE, INSERT = "the bare view", "the one-row insert"


def measure(workers: int = WORKERS, clients: int = CLIENTS) -> list[Ceiling]:
    """Both views' rates with `clients` clients and their latencies, on a fresh database of
    the engine DATABASE_URL names (a SQLite file when it names none)."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = fresh_postgres_database(DATABASE) or f"sqlite:///{workdir / 'c.sqlite3'}"
        env = _environment(database_url)
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--run-syncdb", "--noinput"],
            env=env,
            cwd=workdir,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        try:
            with served(env, workdir, workers, app="ceiling.wsgi") as base:
                return _measure(base, clients)
        finally:
            drop_postgres_database(DATABASE)


def results(ceilings: list[Ceiling], engine: str) -> list[Result]:
    """The ceilings as figures of their own, to be reported and recorded like any other."""
    names = {BARE: "bare_view", INSERT: "one_row_insert"}
    return [
        Result(
            f"ceiling_{names[c.label]}{'_per_second' if c.unit == '/s' else ''}_{engine}",
            c.value,
            unit=c.unit,
            higher_is_better=c.unit == "/s",
        )
        for c in ceilings
    ]


def _environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="ceiling.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")])),
    )
    return env


def _fetch(url: str, post: bool) -> None:
    request = urllib.request.Request(url, data=b"" if post else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.read() == b"ok"


def _rate(url: str, post: bool, clients: int) -> float:
    def one(_n: int) -> None:
        _fetch(url, post)

    rates = []
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(clients * 2)))  # warm the workers
        for _round in range(ROUNDS):
            start = time.perf_counter()
            list(pool.map(one, range(REQUESTS)))
            rates.append(REQUESTS / (time.perf_counter() - start))
    return statistics.median(rates)


def _measure(base: str, clients: int) -> list[Ceiling]:
    ceilings = []
    for label, path, post in ((BARE, "/ok", False), (INSERT, "/row", True)):
        ceilings.append(Ceiling(label, _rate(base + path, post, clients), "/s"))
        latency = median_ms(partial(_fetch, base + path, post), LATENCY_RUNS, warmup=10)
        ceilings.append(Ceiling(label, latency, "ms"))
    for ceiling in ceilings:
        print(f"ceiling: {ceiling.label} {ceiling.value:.2f} {ceiling.unit}", flush=True)
    return ceilings
