"""Online submissions per second through the whole HTTP stack (gunicorn, the API, the
database), all to one agency and spread round-robin over 20 communes, and the latency of a
public lookup; each against the framework's ceiling (bench/ceiling) measured in the same run.
On PostgreSQL when DATABASE_URL names one (a database `motcua_bench_submit` is made beside
it), else on a SQLite file."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ceiling import measure as ceiling
from harness import WORKERS, Result, fresh_postgres_database

from tests.live_site import manage, production_env, served

DATABASE = "motcua_bench_submit"  # its own name: other benchmarks may run meanwhile
CLIENTS = 8
SUBMISSIONS = 200
LOOKUPS = 300
SPREAD = 20  # communes of the demo receiving the spread submissions
PROCEDURE = {
    "code": "9.000001",
    "name": "Xác nhận thông tin cư trú (thủ tục đo tải)",
    "sector": "Cư trú",
    "tiers": ["commune"],
    "agencies": [],  # the SPREAD communes, filled in once the demo is loaded
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
COMMUNES = f"""
from motcua.agencies.models import Agency
codes = Agency.objects.filter(tier="commune", has_one_stop_desk=True).order_by("path")
print(",".join(codes.values_list("code", flat=True)[:{SPREAD}]))
"""


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
        database_url = fresh_postgres_database(DATABASE) or ""  # else SQLite in workdir
        env = production_env(workdir, database_url, LOOKUPS_PER_MINUTE="1000000")
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        agencies = _communes(env)
        procedure = {**PROCEDURE, "agencies": agencies}
        (workdir / "procedure.json").write_text(json.dumps([procedure], ensure_ascii=False))
        manage(env, "import_procedures", str(workdir / "procedure.json"))
        engine = "postgresql" if database_url else "sqlite"
        with served(env, workdir, WORKERS) as base:
            results = _measure(base, agencies, engine)
    ceilings = ceiling.measure()  # after the site has stopped: the two never share the CPUs
    return [r.against(ceilings) for r in results] + ceiling.results(ceilings, engine)


def _communes(env: dict[str, str]) -> list[str]:
    codes = manage(env, "shell", "-c", COMMUNES).stdout.strip().splitlines()[-1].split(",")
    assert len(codes) == SPREAD, codes
    return codes


def _rate(submit, pool: ThreadPoolExecutor) -> tuple[float, list[str]]:
    """The median of three rounds of SUBMISSIONS submissions, and the last round's codes."""
    rates = []
    codes: list[str] = []
    for _round in range(3):
        start = time.perf_counter()
        codes = list(pool.map(submit, range(SUBMISSIONS)))
        rates.append(SUBMISSIONS / (time.perf_counter() - start))
    assert len(set(codes)) == SUBMISSIONS
    return statistics.median(rates), codes


def _measure(base: str, agencies: list[str], engine: str) -> list[Result]:
    from motcua.demo.province import DEMO_PASSWORD

    token = _call(f"{base}/api/v1/auth/token", {"username": "congdan", "password": DEMO_PASSWORD})[
        "token"
    ]
    fields = {"ho_ten": "Nguyễn Văn An", "so_cccd": "046085001234"}

    def submitter(spread: int):
        def submit(n: int) -> str:
            agency = agencies[n % spread]
            body = {"procedure": PROCEDURE["code"], "agency": agency, "fields": fields}
            return _call(f"{base}/api/v1/dossiers", body, token, uuid.uuid4().hex)["code"]

        return submit

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(submitter(SPREAD), range(CLIENTS * 2)))  # warm the workers
        one_agency, codes = _rate(submitter(1), pool)
        spread, _codes = _rate(submitter(SPREAD), pool)

    timings = []
    for code in codes[:LOOKUPS]:
        start = time.perf_counter()
        assert _call(f"{base}/api/v1/lookup/{code}")["code"] == code
        timings.append((time.perf_counter() - start) * 1000)
    rate = {"unit": "/s", "higher_is_better": True}
    return [
        Result(f"submissions_per_second_{engine}", one_agency, **rate),
        Result(f"submissions_per_second_{SPREAD}_agencies_{engine}", spread, **rate),
        Result(f"public_lookup_{engine}", statistics.median(timings)),
    ]
