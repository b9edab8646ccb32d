"""Online submissions per second through the whole HTTP stack (gunicorn, the API, the
database), and the latency of a public lookup. On PostgreSQL when DATABASE_URL names one (a
database `motcua_bench` is made beside it), else on a SQLite file."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import Result

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
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


def _database_url(workdir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import psycopg

    base, _name = url.rsplit("/", 1)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS motcua_bench WITH (FORCE)")
        connection.execute("CREATE DATABASE motcua_bench")
    return f"{base}/motcua_bench"


def _environment(workdir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + "k" * 40,
        DATABASE_URL=database_url,
        VAR_DIR=str(workdir),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        LOOKUPS_PER_MINUTE="1000000",
        DJANGO_SETTINGS_MODULE="motcua.settings",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


def _serve(env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "motcua.wsgi", "-b", f"127.0.0.1:{port}", "-w", "4"],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = _environment(workdir, _database_url(workdir))
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_demo")
        (workdir / "procedure.json").write_text(json.dumps([PROCEDURE], ensure_ascii=False))
        _manage(env, "import_procedures", str(workdir / "procedure.json"))
        server, base = _serve(env, workdir)
        try:
            return _measure(base, "postgres" in env["DATABASE_URL"])
        finally:
            server.terminate()
            server.wait(timeout=10)


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
