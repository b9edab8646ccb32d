"""What every benchmark shares: a throw-away database, a timer and the report line."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASELINES = Path(__file__).with_name("baselines.json")


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
    """A new, empty test database (SQLite in memory unless DATABASE_URL names another)."""
    from django.db import connection

    name = connection.creation.create_test_db(verbosity=0)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


@dataclass(frozen=True)
class Result:
    """One measured figure: a median in `unit`, with its budget when it has one."""

    name: str
    median: float
    budget: float | None = None
    unit: str = "ms"
    higher_is_better: bool = False

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
        return f"{self.name}: median {self.median:.2f} {self.unit}, {ratio}{budget}"

    @property
    def within_budget(self) -> bool:
        if self.budget is None:
            return True
        return self.median >= self.budget if self.higher_is_better else self.median <= self.budget


def median_ms(action: Callable[[], object], runs: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)
