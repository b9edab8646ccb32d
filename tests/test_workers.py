"""What docs/deploy.md promises of background work: a Celery worker takes the site's tasks from
the default folder broker, from Redis and from RabbitMQ."""

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery

from motcua import config
from tests.environment import listening, require
from tests.live_site import BIN, manage, production_env

BROKERS = {
    "filesystem": "filesystem://",
    "redis": "redis://127.0.0.1:6379/15",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
}


def reachable(url: str) -> bool:
    if url.startswith("filesystem://"):
        return True
    return listening(6379 if url.startswith("redis") else 5672)


def wait_for(path: Path, text: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        log = path.read_text(errors="replace") if path.exists() else ""
        if text in log:
            return log
        time.sleep(0.2)
    return path.read_text(errors="replace") if path.exists() else ""


@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_a_worker_runs_the_periodic_apology_task(broker, tmp_path):
    url = BROKERS[broker]
    require(reachable(url), f"no {broker} server on 127.0.0.1: start it (see .ci/run)")
    env = production_env(tmp_path, CELERY_BROKER_URL=url)
    manage(env, "migrate", "--noinput")
    queue = f"motcua-test-{uuid.uuid4().hex}"
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "motcua",
                "worker",
                "--pool",
                "solo",
                "-l",
                "INFO",
                "-Q",
                queue,
            ],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        assert "ready" in wait_for(log, "ready."), log.read_text()
        sender = Celery("sender", broker=url)
        sender.conf.broker_transport_options = config.celery_transport_options(
            url, tmp_path / "celery"
        )
        sender.send_task("motcua.backoffice.tasks.draft_apologies", queue=queue)
        done = wait_for(log, "succeeded")
        assert "motcua.backoffice.tasks.draft_apologies" in done and "succeeded" in done, done
    finally:
        worker.terminate()
        worker.wait(timeout=20)
