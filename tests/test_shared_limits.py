"""Rate limits hold across gunicorn's workers when the cache is Redis, as docs/deploy.md asks:
the lookups of one client are counted once, whichever worker answers them."""

import socket
import subprocess
import time

import pytest
import redis

from tests.environment import BIN, fetch, free_port, manage, production_env

REDIS_DB = 13
LIMIT = 20


def wait_for_workers(base: str, port: int) -> None:
    """Until the site answers: the port opens before the workers have loaded the application."""
    for _attempt in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    for _attempt in range(8):
        for _worker in range(4):
            try:
                fetch(f"{base}/tra-cuu/", **{"X-Forwarded-Proto": "https"})
            except TimeoutError:
                break
        else:
            return


@pytest.fixture
def workers_on_redis(tmp_path):
    """Four gunicorn workers of one site, sharing a Redis cache emptied for the test."""
    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    redis.Redis.from_url(url).flushdb()
    env = production_env(tmp_path) | {"REDIS_URL": url, "LOOKUPS_PER_MINUTE": str(LIMIT)}
    done = manage(env, "migrate", "--noinput")
    assert done.returncode == 0, done.stderr
    port = free_port()
    command = [str(BIN / "gunicorn"), "motcua.wsgi", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", "4"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_workers(base, port)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        redis.Redis.from_url(url).flushdb()


def test_the_lookup_limit_is_counted_once_across_workers(workers_on_redis):
    statuses = [
        fetch(
            f"{workers_on_redis}/api/v1/lookup/H57-{n:06d}-0000",
            **{"X-Forwarded-Proto": "https", "X-Forwarded-For": f"198.51.100.{n}"},
        )[0]
        for n in range(LIMIT + 5)
    ]
    assert statuses == [404] * LIMIT + [429] * 5
