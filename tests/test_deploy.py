"""What docs/deploy.md promises: gunicorn with DEBUG off behind a proxy serves the site."""

import os
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.environment import BIN, ROOT, fetch, free_port, manage, production_env


def wait_until_served(base: str, host: str, seconds: float = 120) -> None:
    """Until a worker answers: the first request loads the whole site, slow on a busy machine."""
    deadline = time.monotonic() + seconds
    while True:
        headers = {"Host": host, "X-Forwarded-Proto": "https"}  # no redirect to https
        request = urllib.request.Request(f"{base}/api/v1/", headers=headers)
        try:
            urllib.request.urlopen(request, timeout=seconds).close()
            return
        except urllib.error.HTTPError:
            return  # an answer, whatever it says
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


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
        wait_until_served(base, "dichvucong.example.gov.vn")
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


def make_commands(target: str) -> list[str]:
    """The shell lines `make <target>` would run, without running them."""
    done = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def server_command(target: str) -> tuple[dict[str, str], list[str]]:
    """The variables and the command of the server `make <target>` starts last."""
    words = shlex.split(make_commands(target)[-1].rsplit("; ", 1)[-1])
    assignments = [word for word in words if "=" in word and not word.startswith("-")]
    variables = dict(word.split("=", 1) for word in assignments[: words.index(assignments[-1]) + 1])
    return variables, words[len(variables) :]


def test_make_run_serves_with_gunicorn_and_make_dev_with_the_development_server():
    run, dev = make_commands("run"), make_commands("dev")
    assert run[:-1] == dev[:-1], "the same set-up steps"
    assert any("load_demo --if-empty" in line for line in run)
    _variables, gunicorn = server_command("run")
    assert Path(gunicorn[0]).name == "gunicorn" and "runserver" not in run[-1]
    assert int(gunicorn[gunicorn.index("--workers") + 1]) >= 2
    assert int(gunicorn[gunicorn.index("--backlog") + 1]) >= 1024
    _variables, runserver = server_command("dev")
    assert runserver[-2:] == ["runserver", "127.0.0.1:8000"]
    for companion in ("celery -A motcua worker", "motcua.payments.simulator"):
        assert companion in run[-1] and companion in dev[-1]


def test_the_gunicorn_of_make_run_serves_pages_and_static_files(tmp_path):
    variables, command = server_command("run")
    test_only = {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(variables, VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}")
    done = manage(env, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    port = free_port()
    command[0] = str(BIN / "gunicorn")
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(base, "127.0.0.1")
        status, _headers, body = fetch(f"{base}/thu-tuc/", Host="127.0.0.1")
        assert status == 200 and "Tra cứu thủ tục hành chính" in body.decode()
        status, headers, css = fetch(f"{base}/static/motcua/site.css", Host="127.0.0.1")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and css
    finally:
        server.terminate()
        server.wait(timeout=10)
