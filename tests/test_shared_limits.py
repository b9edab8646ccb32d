"""Rate limits hold across gunicorn's workers when the cache is Redis, as docs/deploy.md asks:
the lookups of one client are counted once, whichever worker answers them."""

import pytest
import redis

from tests.environment import behind_proxy, fetch
from tests.live_site import manage, served

REDIS_DB = 13
LIMIT = 20
WORKERS = 4


def warm(base: str) -> None:
    """Until every worker has loaded the site: a request each, none too slow."""
    for _attempt in range(8):
        for _worker in range(WORKERS):
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
    env = behind_proxy(tmp_path, REDIS_URL=url, LOOKUPS_PER_MINUTE=str(LIMIT))
    manage(env, "migrate", "--noinput")
    try:
        with served(env, tmp_path, workers=WORKERS) as base:
            warm(base)
            yield base
    finally:
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
