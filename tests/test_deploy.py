"""What docs/deploy.md promises: gunicorn with DEBUG off behind a proxy serves the site."""

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.environment import behind_proxy, fetch
from tests.live_site import NOT_INHERITED, ROOT, gunicorn, manage, served


@pytest.fixture
def gunicorn_site(tmp_path):
    env = behind_proxy(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    with served(env, tmp_path) as base:
        yield base, env


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    env = behind_proxy(tmp_path)
    done = manage(env, "check", "--deploy")
    # Only the owner of the domain can answer these two; everything else is clean.
    reported = {word.strip(":()") for word in done.stderr.split() if word.startswith("(security.")}
    assert reported == {"security.W005", "security.W021"}, done.stderr
    env.update(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
    manage(env, "check", "--deploy", "--fail-level", "WARNING")


def test_refuses_to_start_without_a_secret_key(tmp_path):
    env = behind_proxy(tmp_path)
    del env["SECRET_KEY"]
    done = manage(env, "check", check=False)
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
    _variables, command = server_command("run")
    assert Path(command[0]).name == "gunicorn" and "runserver" not in run[-1]
    assert int(command[command.index("--workers") + 1]) >= 2
    assert int(command[command.index("--backlog") + 1]) >= 1024
    _variables, runserver = server_command("dev")
    assert runserver[-2:] == ["runserver", "127.0.0.1:8000"]
    for companion in ("celery -A motcua worker", "motcua.payments.simulator"):
        assert companion in run[-1] and companion in dev[-1]


def test_the_gunicorn_of_make_run_serves_pages_and_static_files(tmp_path):
    variables, command = server_command("run")
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(variables, VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'm.db'}")
    manage(env, "migrate", "--noinput")
    bind = command.index("--bind")
    with gunicorn(env, ROOT, command[1:bind] + command[bind + 2 :]) as base:
        status, _headers, body = fetch(f"{base}/thu-tuc/", Host="127.0.0.1")
        assert status == 200 and "Tra cứu thủ tục hành chính" in body.decode()
        status, headers, css = fetch(f"{base}/static/motcua/site.css", Host="127.0.0.1")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and css
