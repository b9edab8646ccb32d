"""What docs/deploy.md promises: gunicorn with DEBUG off behind a proxy serves the site."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


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


@pytest.fixture
def gunicorn_site(tmp_path):
    env = production_env(tmp_path)
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        done = manage(env, *args)
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "motcua.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    env = production_env(tmp_path)
    done = manage(env, "check", "--deploy")
    assert done.returncode == 0, done.stderr
    # Only the owner of the domain can answer these two; everything else is clean.
    reported = {word.strip(":()") for word in done.stderr.split() if word.startswith("(security.")}
    assert reported == {"security.W005", "security.W021"}, done.stderr
    env.update(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr


def test_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    done = manage(env, "check")
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr


def test_gunicorn_serves_pages_and_static_files_behind_a_proxy(gunicorn_site):
    base, _env = gunicorn_site
    status, _headers, body = fetch(f"{base}/thu-tuc/", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and "Tra cứu thủ tục hành chính" in body.decode()
    css = next(line for line in body.decode().splitlines() if "stylesheet" in line)
    css_url = css.split('href="')[1].split('"')[0]
    assert css_url.startswith("/static/motcua/site.") and css_url != "/static/motcua/site.css"
    status, headers, _ = fetch(base + css_url, **{"X-Forwarded-Proto": "https"})
    assert status == 200 and "max-age=315360000" in headers["Cache-Control"]

    status, headers, _ = fetch(f"{base}/thu-tuc/")
    assert status == 301 and headers["Location"].startswith("https://")

    status, _headers, _ = fetch(f"{base}/thu-tuc/", Host="evil.example.com")
    assert status == 400
