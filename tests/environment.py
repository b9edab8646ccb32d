"""What some tests need of the machine beyond Python: programs, servers, a production-like
environment for the site run as its own process.

`require` is the one rule for a missing service: on a developer's machine the test is skipped
with the reason and what to do; under CI (CI=true), where everything must run, it fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def require(available: bool, missing: str) -> None:
    """Go on if `available`; otherwise skip saying what is `missing` (and how to get it), or
    fail under CI."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test, but {missing}")
    pytest.skip(missing)


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server accepts connections on the port."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def production_env(tmp_path: Path) -> dict[str, str]:
    test_only = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(
        DEBUG="0",
        SECRET_KEY="deployment-test-" + "x" * 40,
        AUDIT_KEY="deployment-test-audit-" + "x" * 40,
        ALLOWED_HOSTS="dichvucong.example.gov.vn",
        CSRF_TRUSTED_ORIGINS="https://dichvucong.example.gov.vn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'motcua.sqlite3'}",
        VAR_DIR=str(tmp_path),
        TRUST_X_FORWARDED_PROTO="1",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        DJANGO_SETTINGS_MODULE="motcua.settings",
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": "dichvucong.example.gov.vn", **headers})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
