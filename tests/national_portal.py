"""The national portal simulator the integration tests run against: its own process, real HTTP.

`start` runs it on free ports; `Simulator` drives it through its control port as a tester
would (and as a citizen submitting on the national portal would).
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Iterator

from tests.simulators import Controlled, exchange, running

TOKEN = "test-suite-national-token"
INBOUND_TOKEN = "test-suite-national-inbound-token"
INTAKE_PATH = "/api/v1/national/dossiers"
FEEDBACK_PATH = "/api/v1/national/feedback"


@contextlib.contextmanager
def start() -> Iterator[tuple[str, str]]:
    """The simulator on free ports: its service URL and its control URL; stopped after."""
    options = ("--port", "0", "--control-port", "0", "--token", TOKEN)
    with running("national_portal_simulator", "NATIONAL", *options) as (service, control, *_):
        yield service, control


class Simulator(Controlled):
    def __init__(self, service_url: str, control_url: str):
        self.url = service_url
        self.control_url = control_url

    def portal_settings(self, timeout: int = 5) -> dict[str, str]:
        return {
            "CLASS": "motcua.integrations.portal.HttpPortal",
            "URL": self.url,
            "TOKEN": TOKEN,
            "INBOUND_TOKEN": INBOUND_TOKEN,
            "TIMEOUT": str(timeout),
        }

    def received(self, code: str) -> dict:
        return json.loads(exchange("GET", f"{self.control_url}/control/received?code={code}")[2])

    def rejected(self) -> list[dict]:
        return json.loads(exchange("GET", f"{self.control_url}/control/rejected")[2])["rejected"]

    def feedback(self, code: str) -> dict:
        """The province's messages about its feedback `code`, in order, and the duplicates."""
        return json.loads(exchange("GET", f"{self.control_url}/control/feedback?code={code}")[2])

    def send_feedback(self, feedback: dict, push: bool = True) -> dict | None:
        """A citizen sends `feedback` on the national portal, which hands it over: the
        province's answer (status and body); None when the portal keeps it to be pulled."""
        return self.control("send-feedback", feedback=feedback, push=push)["pushed"]

    def submit(self, dossier: dict, files: list[dict], push: bool = True) -> dict:
        """A citizen submits `dossier` on the national portal, which hands it over."""
        return self.control("submit", dossier=dossier, files=files, push=push)

    def applicant(self, code: str, step: str, **data) -> dict:
        """The applicant of dossier `code` answers a supplement request (`step` "supplement",
        with `note` and `files`) or withdraws ("withdraw", with `reason`) on the national
        portal, which hands the step over: the province's answer (status and body)."""
        return self.control("applicant", code=code, step=step, **data)["pushed"]

    def mode(self, mode: str, delay: float = 0.0) -> None:
        self.control("config", mode=mode, delay=delay)


def a_file(document: str, content: bytes, by_url: bool = False) -> dict:
    return {
        "document": document,
        "file_name": "to-khai.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(content).decode(),
        "by_url": by_url,
    }
