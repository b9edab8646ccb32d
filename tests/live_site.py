"""The site run as its own process, as in production: its environment (DEBUG off, its own
database and VAR_DIR), its management commands, Python run in that environment, and gunicorn
on a free local port.

One module for the deployment tests, the schemathesis run (tests/schemathesis_run.py) and the
benchmarks that go through the whole HTTP stack (bench/), so that they start the same site.
It needs nothing but the standard library: pytest is not loaded by the last two.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The settings of the process that starts the site, never the site's own.
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
}


def production_env(var_dir: Path, database_url: str = "", **settings: str) -> dict[str, str]:
    """Production settings for a site whose files live in `var_dir`, on `database_url` (a
    SQLite file in `var_dir` by default), reached as 127.0.0.1; `settings` add or replace."""
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    env.update(
        DEBUG="0",
        SECRET_KEY="production-like-site-only-" + "x" * 40,
        AUDIT_KEY="production-like-site-only-audit-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url or f"sqlite:///{var_dir / 'motcua.sqlite3'}",
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="motcua.settings",
    )
    env.update(settings)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`manage.py args` in the site's environment, its output kept; with `check`, a failure
    raises with what the command wrote on its standard error."""
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return _run(command, env, f"manage.py {' '.join(args)}", check)


def python(env: dict[str, str], code: str, *args: str, cwd: Path = ROOT) -> str:
    """`code` (which sets Django up itself if it needs it) run by Python in the site's
    environment with `args`; what it printed."""
    return _run([sys.executable, "-c", code, *args], env, "a script", True, cwd).stdout


def _run(
    command: list[str], env: dict[str, str], what: str, check: bool, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if check and done.returncode:
        raise RuntimeError(f"{what} failed in the site's environment:\n{done.stderr}")
    return done


def free_port() -> int:
    """A local TCP port nothing listens on (free when asked)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(
    env: dict[str, str],
    cwd: Path,
    workers: int = 2,
    app: str = "motcua.wsgi",
    log: Path | None = None,
) -> Iterator[str]:
    """gunicorn serving `app` (the site by default) with `workers` workers; its base URL once
    a worker answers, the server stopped afterwards. Its output goes to `log` if given."""
    with gunicorn(env, cwd, [app, "--workers", str(workers)], log) as base:
        yield base


@contextmanager
def gunicorn(
    env: dict[str, str], cwd: Path, arguments: list[str], log: Path | None = None
) -> Iterator[str]:
    """gunicorn with `arguments` (the application and options, without --bind) on a free
    local port: its base URL once a worker answers; stopped afterwards."""
    port = free_port()
    output = log.open("ab") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), *arguments, "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=cwd,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answered(base)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if log:
            output.close()


def wait_until_answered(base: str, seconds: float = 120) -> None:
    """Until a worker answers, whatever it says: the port opens before the workers have loaded
    the site, and the first request loads it, slow on a busy machine."""
    deadline = time.monotonic() + seconds
    opener = urllib.request.build_opener(NoRedirect)
    while True:
        try:
            opener.open(base + "/", timeout=seconds).close()
            return
        except urllib.error.HTTPError:
            return  # an answer
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at, not to follow."""

    def redirect_request(self, *args, **kwargs) -> None:
        return None
