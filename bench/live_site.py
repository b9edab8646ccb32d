"""A Motcua site for the benchmarks that go through the whole HTTP stack: its own database,
production settings, and gunicorn on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = 4  # gunicorn workers of every served site, the ceiling's included


def environment(workdir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) for a site living in `workdir`."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + "k" * 40,
        AUDIT_KEY="benchmark-only-audit-" + "k" * 40,
        DATABASE_URL=database_url,
        VAR_DIR=str(workdir),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        DJANGO_SETTINGS_MODULE="motcua.settings",
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def served(
    env: dict[str, str], workdir: Path, workers: int = WORKERS, app: str = "motcua.wsgi"
) -> Iterator[str]:
    """gunicorn serving the site (or `app`); yields its base URL and stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), app, "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def fresh_postgres_database(name: str) -> str | None:
    """A new, empty database `name` beside DATABASE_URL's; None when that is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return f"{url.rsplit('/', 1)[0]}/{name}"
