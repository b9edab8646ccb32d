"""What some tests need of the machine beyond Python: programs, servers, and the site run as
its own process behind an HTTPS proxy (the process itself: tests/live_site.py).

`require` is the one rule for a missing service: on a developer's machine the test is skipped
with the reason and what to do; under CI (CI=true), where everything must run, it fails.
"""

from __future__ import annotations

import os
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.live_site import NoRedirect, production_env

PUBLIC_HOST = "dichvucong.example.gov.vn"


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


def behind_proxy(var_dir: Path, **settings: str) -> dict[str, str]:
    """The production settings docs/deploy.md gives a site behind an HTTPS proxy at
    PUBLIC_HOST; `settings` add or replace."""
    documented = {
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{PUBLIC_HOST}",
        "TRUST_X_FORWARDED_PROTO": "1",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
    }
    return production_env(var_dir, **(documented | settings))


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One request as the proxy passes it (to PUBLIC_HOST unless `headers` say otherwise),
    redirects not followed: status, headers and body."""
    request = urllib.request.Request(url, headers={"Host": PUBLIC_HOST, **headers})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
