"""Run every benchmark (bench/bench_*.py) and print each median, its ratio to the baseline
and its budget. `--record` writes the medians as the new baselines (figures are per database
engine: run once on SQLite and once with DATABASE_URL on PostgreSQL). Names given run only the
benchmarks whose file name contains one of them (`bench/run.py inbox`). Exits 1 if over budget."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import BASELINES, fresh_database, setup_django  # noqa: E402


def main() -> int:
    setup_django()
    results = []
    wanted = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    for path in sorted(HERE.glob("bench_*.py")):
        if wanted and not any(name in path.stem for name in wanted):
            continue
        with fresh_database():
            for result in importlib.import_module(path.stem).run():
                print(result.report(), flush=True)
                results.append(result)
    if "--record" in sys.argv:  # keeps the other database's baselines
        recorded = json.loads(BASELINES.read_text()) if BASELINES.exists() else {}
        recorded.update({r.name: round(r.median, 2) for r in results})
        BASELINES.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    return 0 if all(r.within_budget for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
