"""What every benchmark shares: a throw-away database, a timer and the report line.

The benchmarks that serve the site as in production start it with tests/live_site.py, the
module the deployment tests use: the repository's root is on the path for `tests`.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

BASELINES = Path(__file__).with_name("baselines.json")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
WORKERS = 4  # gunicorn workers of every served site, the ceiling's included


def setup_django() -> None:
    """Django with the test settings, but hashing passwords and rendering as production does."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings_test")
    import django
    from django.conf import settings

    django.setup()
    from motcua import settings as production  # importable now that the test key is set

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


@contextmanager
def fresh_database() -> Iterator[None]:
    """A new, empty test database (SQLite in memory unless DATABASE_URL names another).

    On PostgreSQL it is named after DATABASE_URL's with a `_scratch` suffix, never `test_…`:
    the test suites of the same server own those names.
    """
    from django.db import connection

    if connection.vendor == "postgresql" and not connection.settings_dict["TEST"].get("NAME"):
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_scratch"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def on_postgresql(benchmark: str) -> bool:
    """Whether DATABASE_URL names PostgreSQL; if not, says that `benchmark` is skipped."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return True
    print(f"{benchmark}: skipped, it needs PostgreSQL (DATABASE_URL=postgres://…)", flush=True)
    return False


def fresh_postgres_database(name: str) -> str | None:
    """A new, empty database `name` beside DATABASE_URL's; None when that is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return f"{url.rsplit('/', 1)[0]}/{name}"


def drop_postgres_database(name: str) -> None:
    """Drop the database `name` made by `fresh_postgres_database`, if there is one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass(frozen=True)
class Ceiling:
    """What a bare Django site (bench/ceiling) gives on this machine, measured in the same run:
    a rate (/s) with the same concurrent clients or a latency (ms) of one request at a time."""

    label: str
    value: float
    unit: str


@dataclass(frozen=True)
class Result:
    """One measured figure: a median in `unit`, with its budget when it has one, and the
    ceilings of the run it is compared with (those in the same unit)."""

    name: str
    median: float
    budget: float | None = None
    unit: str = "ms"
    higher_is_better: bool = False
    ceilings: tuple[Ceiling, ...] = ()

    def against(self, ceilings: list[Ceiling]) -> Result:
        """This figure, compared with the ceilings in its unit."""
        return replace(self, ceilings=tuple(c for c in ceilings if c.unit == self.unit))

    def ceiling_ratios(self) -> str:
        """How much of each ceiling the figure reaches: 1.00x would be as fast as the bare
        site, whether the figure is a rate (median / ceiling) or a latency (ceiling / median)."""
        ratios = [
            f"{_ratio(self.median / c.value if self.higher_is_better else c.value / self.median)}"
            f" {c.label} ({c.value:.2f} {c.unit})"
            for c in self.ceilings
            if c.value and self.median
        ]
        return ", " + ", ".join(ratios) if ratios else ""

    def report(self) -> str:
        baseline = json.loads(BASELINES.read_text()).get(self.name) if BASELINES.exists() else None
        ratio = (
            f"{self.median / baseline:.2f}x baseline ({baseline:.2f} {self.unit})"
            if baseline
            else "no baseline"
        )
        budget = ""
        if self.budget is not None:
            verdict = "within" if self.within_budget else "OUTSIDE"
            bound = "at least" if self.higher_is_better else "at most"
            budget = f", {verdict} budget ({bound} {self.budget:g} {self.unit})"
        return (
            f"{self.name}: median {self.median:.2f} {self.unit}, {ratio}"
            f"{self.ceiling_ratios()}{budget}"
        )

    @property
    def within_budget(self) -> bool:
        if self.budget is None:
            return True
        return self.median >= self.budget if self.higher_is_better else self.median <= self.budget


def _ratio(value: float) -> str:
    """Two decimals, or two significant digits below 0.1 (0.0042x, not 0.00x)."""
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.2g}x"


def median_ms(action: Callable[[], object], runs: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)
