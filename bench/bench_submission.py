"""Online submissions per second through the whole HTTP stack (gunicorn, the API, the
database), and the latency of a public lookup. On PostgreSQL when DATABASE_URL names one (a
database `motcua_bench` is made beside it), else on a SQLite file."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import Result
from live_site import environment, fresh_postgres_database, manage, served

CLIENTS = 8
SUBMISSIONS = 400
LOOKUPS = 300
PROCEDURE = {
    "code": "9.000001",
    "name": "Xác nhận thông tin cư trú (thủ tục đo tải)",
    "sector": "Cư trú",
    "tiers": ["commune"],
    "agencies": ["000.01.31.H57"],
    "level": 4,
    "processing_days": 3,
    "form_fields": [
        {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
        {
            "name": "so_cccd",
            "label": "Số CCCD",
            "type": "text",
            "required": True,
            "validator": "cccd",
        },
    ],
}


def _call(url: str, body: dict | None = None, token: str = "", key: str = "") -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        database_url = fresh_postgres_database("motcua_bench") or (
            f"sqlite:///{workdir / 'bench.sqlite3'}"
        )
        env = environment(workdir, database_url, LOOKUPS_PER_MINUTE="1000000")
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        (workdir / "procedure.json").write_text(json.dumps([PROCEDURE], ensure_ascii=False))
        manage(env, "import_procedures", str(workdir / "procedure.json"))
        with served(env, workdir) as base:
            return _measure(base, "postgres" in database_url)


def _measure(base: str, on_postgres: bool) -> list[Result]:
    from motcua.demo.province import DEMO_PASSWORD

    token = _call(f"{base}/api/v1/auth/token", {"username": "congdan", "password": DEMO_PASSWORD})[
        "token"
    ]
    body = {
        "procedure": PROCEDURE["code"],
        "fields": {"ho_ten": "Nguyễn Văn An", "so_cccd": "046085001234"},
    }

    def submit(_n: int) -> str:
        return _call(f"{base}/api/v1/dossiers", body, token, uuid.uuid4().hex)["code"]

    rates = []
    codes: list[str] = []
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(submit, range(CLIENTS * 2)))  # warm the workers
        for _round in range(3):
            start = time.perf_counter()
            codes = list(pool.map(submit, range(SUBMISSIONS)))
            rates.append(SUBMISSIONS / (time.perf_counter() - start))
    assert len(set(codes)) == SUBMISSIONS

    timings = []
    for code in codes[:LOOKUPS]:
        start = time.perf_counter()
        assert _call(f"{base}/api/v1/lookup/{code}")["code"] == code
        timings.append((time.perf_counter() - start) * 1000)
    engine = "postgresql" if on_postgres else "sqlite"
    return [
        Result(
            f"submissions_per_second_{engine}",
            statistics.median(rates),
            unit="/s",
            higher_is_better=True,
        ),
        Result(f"public_lookup_{engine}", statistics.median(timings)),
    ]
