"""The servers the notification tests deliver to, each real and local: an SMTP server
(aiosmtpd, in a thread of the test process) and the messaging simulator (two SMS gateways and
Zalo's ZNS API, its own process, real HTTP), with the helpers that read what they received."""

from __future__ import annotations

import contextlib
import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.live_site import free_port
from tests.simulators import Controlled, running

ZALO_APP_ID = "motcua-test"
ZALO_SECRET = "test-suite-zalo-secret"
ZALO_REFRESH = "test-suite-first-refresh-token"


class Mailbox:
    """aiosmtpd's handler: every message accepted, kept parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@contextlib.contextmanager
def running_simulator() -> Iterator[str]:
    """The simulator on a free port: its base URL; stopped afterwards."""
    options = ("--port", "0", "--zalo-app-id", ZALO_APP_ID, "--zalo-secret", ZALO_SECRET)
    refresh = ("--zalo-refresh-token", ZALO_REFRESH)
    with running("motcua.notifications.simulator", "SIMULATOR", *options, *refresh) as words:
        yield words[0]


class Simulator(Controlled):
    """The simulator as a tester drives it."""

    def __init__(self, url: str):
        self.url = self.control_url = url

    def sms_to(self, phone: str) -> list[dict]:
        international = "84" + phone[1:]
        return [m for m in self.state()["sms"] if m["to"] == international]

    def channels(self, sms_timeout: float = 5) -> dict:
        """NOTIFICATION_CHANNELS with both SMS gateways and Zalo on the simulator."""
        gateway = "motcua.notifications.sms.JsonHttpGateway"
        return {
            "in_app": {"CLASS": "motcua.notifications.channels.InAppChannel"},
            "email": {"CLASS": "motcua.notifications.channels.EmailChannel"},
            "sms": {
                "CLASS": "motcua.notifications.channels.SmsChannel",
                "GATEWAYS": [
                    {
                        "NAME": name,
                        "CLASS": gateway,
                        "URL": f"{self.url}/sms/{path}/send",
                        "API_KEY": f"key-{path}",
                        "SENDER": "MOTCUA",
                        "TIMEOUT": str(sms_timeout),
                    }
                    for name, path in (("primary", "a"), ("secondary", "b"))
                ],
            },
            "zalo": {
                "CLASS": "motcua.notifications.zalo.ZaloChannel",
                "APP_ID": ZALO_APP_ID,
                "SECRET_KEY": ZALO_SECRET,
                "REFRESH_TOKEN": ZALO_REFRESH,
                "API_URL": f"{self.url}/zalo",
                "OAUTH_URL": f"{self.url}/zalo/oa/access_token",
                "TIMEOUT": "5",
            },
        }
