"""The API against its own OpenAPI schema, as CI runs it: `python tests/schemathesis_run.py`.

The site is served as in production (gunicorn, DEBUG off) on the demo province in a temporary
VAR_DIR; schemathesis then sends generated requests to every operation, once anonymously and
once with a demo citizen's bearer token, bounded in examples and time. Any 5xx answer or any
answer outside the schema fails the run. The rate limits are raised for the run, so that the
token and lookup operations are tested rather than answered 429.

Environment: SCHEMATHESIS_EXAMPLES (per operation, default 25), SCHEMATHESIS_SECONDS (per
identity, default 60), SCHEMATHESIS_SEED (default fixed, so that CI is reproducible).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, by CI

from tests.live_site import BIN, manage, production_env, served

CITIZEN = {"username": "congdan", "password": "demo-motcua-2020"}  # the demo's, published
CHECKS = "not_a_server_error,response_schema_conformance"


def site_env(var_dir: Path) -> dict[str, str]:
    """Production settings, with tasks run at once and limits the run does not reach."""
    return production_env(
        var_dir,
        CELERY_TASK_ALWAYS_EAGER="1",
        API_LOGINS_PER_MINUTE="100000",
        LOOKUPS_PER_MINUTE="100000",
        LOG_LEVEL="WARNING",
    )


def citizen_token(base: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/auth/token",
        data=json.dumps(CITIZEN).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def schemathesis(base: str, *headers: str) -> int:
    """One bounded run over every operation; schemathesis's exit code."""
    command = [
        str(BIN / "st"),
        "run",
        f"{base}/api/schema/?format=json",
        "--url",
        base,
        "--checks",
        CHECKS,
        "--max-examples",
        os.environ.get("SCHEMATHESIS_EXAMPLES", "25"),
        "--max-time",
        os.environ.get("SCHEMATHESIS_SECONDS", "60"),
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20200526"),
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--no-color",
    ]
    for header in headers:
        command += ["--header", header]
    return subprocess.run(command, check=False).returncode


def main() -> int:
    var_dir = Path(tempfile.mkdtemp(prefix="motcua-schemathesis-"))
    started = time.monotonic()
    try:
        env = site_env(var_dir)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(env, "make_demo_certificate")
        manage(env, "load_demo")
        print(f"demo loaded in {time.monotonic() - started:.0f} s", flush=True)
        with served(env, var_dir, log=var_dir / "gunicorn.log") as base:
            print("== schemathesis, anonymous", flush=True)
            anonymous = schemathesis(base)
            print("== schemathesis, a citizen's bearer token", flush=True)
            citizen = schemathesis(base, f"Authorization: Bearer {citizen_token(base)}")
        errors = (var_dir / "gunicorn.log").read_text(errors="replace")
        if anonymous or citizen:
            print(errors[-20000:], file=sys.stderr)
        print(f"schemathesis run: {time.monotonic() - started:.0f} s in all", flush=True)
        return 1 if anonymous or citizen else 0
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
