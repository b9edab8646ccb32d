"""What the tests' simulators (payment gateways, SMS and Zalo, the national portal) have in
common: each runs in its own process on free ports, says where on its first line, and is driven
over real HTTP through its control API."""

from __future__ import annotations

import contextlib
import http.client
import json
import selectors
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit


@contextlib.contextmanager
def running(module: str, banner: str, *options: str) -> Iterator[list[str]]:
    """`python -m module options` (asked for port 0): the words after `banner` on the first
    line it prints, its addresses; stopped afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *options, "--quiet"], stdout=subprocess.PIPE, text=True
    )
    try:
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=30):
            raise RuntimeError(f"{module} did not start within 30 seconds")
        words = process.stdout.readline().split()
        assert words and words[0] == banner, words
        yield [word.rstrip("/") for word in words[1:]]
    finally:
        process.terminate()
        process.wait(timeout=10)


def exchange(method: str, url: str, body: bytes | None = None, headers=None):
    """One real HTTP exchange, redirects not followed: status, headers and body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, target, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Controlled:
    """A simulator driven through its control API at `control_url`."""

    control_url: str

    def control(self, name: str, **data) -> dict:
        status, _headers, body = exchange(
            "POST",
            f"{self.control_url}/control/{name}",
            json.dumps(data).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 200, body
        return json.loads(body)

    def state(self) -> dict:
        return json.loads(exchange("GET", f"{self.control_url}/control/state")[2])
