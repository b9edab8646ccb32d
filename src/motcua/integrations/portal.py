"""The national portal adapter interface and the configured adapter.

The sync code never names a wire format: an adapter is a subclass of `NationalPortal` named in
`settings.NATIONAL_PORTAL["CLASS"]`, with its endpoint and credentials beside it, so another
format (the real national one, once published to the province) is a new class and a settings
entry. Without a configuration the adapter is `DisabledPortal`: nothing is queued or sent.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils.module_loading import import_string

ACCEPTED, DUPLICATE, GAP, REJECTED = "accepted", "duplicate", "gap", "rejected"


@dataclass(frozen=True)
class Outcome:
    """The portal's word on one message (a dossier's status, a feedback's change).

    ACCEPTED and DUPLICATE (it had it already) both mean delivered; GAP means it expects an
    earlier message first (`expected`); REJECTED means it refused this one (`error`). `code`
    names the dossier or the feedback.
    """

    code: str
    sequence: int
    result: str
    expected: int | None = None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.result in (ACCEPTED, DUPLICATE)


class PortalUnavailable(Exception):
    """The portal did not answer, or answered as a server in trouble (5xx): try later."""


class PortalRefused(Exception):
    """The portal refused the call itself (credentials, a malformed request)."""


class NationalPortal(ABC):
    """One way of talking to the national portal."""

    enabled = True

    def __init__(self, options: Mapping[str, Any]):
        self.options = options

    @property
    def inbound_token(self) -> str:
        """The secret the national portal presents when it sends us a dossier."""
        return self.options.get("INBOUND_TOKEN", "")

    @abstractmethod
    def send_statuses(self, messages: list[dict]) -> list[Outcome]:
        """Send status messages, in order; one outcome per message, in the same order."""

    @abstractmethod
    def send_feedback(self, messages: list[dict]) -> list[Outcome]:
        """Send feedback messages, in order; one outcome per message, in the same order."""

    @abstractmethod
    def fetch_dossiers(self) -> list[dict]:
        """The dossiers submitted on the national portal that wait for us."""

    @abstractmethod
    def acknowledge(self, dossier_code: str, answer: dict) -> None:
        """Tell the portal we took (or refused, in `answer`) a dossier it handed us."""

    @abstractmethod
    def fetch_feedback(self) -> list[dict]:
        """The feedback citizens sent on the national portal that waits for us."""

    @abstractmethod
    def acknowledge_feedback(self, national_code: str, answer: dict) -> None:
        """Tell the portal we took (or refused, in `answer`) a feedback it held for us."""

    @abstractmethod
    def fetch_file(self, url: str) -> bytes:
        """A file of a dossier, sent as a link to the portal."""

    @abstractmethod
    def ping(self) -> bool:
        """Whether the portal answers now."""


class DisabledPortal(NationalPortal):
    """No national portal configured: the outbox keeps nothing and intake is closed."""

    enabled = False

    def send_statuses(self, messages: list[dict]) -> list[Outcome]:
        raise PortalUnavailable("the national portal connection is not configured")

    def send_feedback(self, messages: list[dict]) -> list[Outcome]:
        raise PortalUnavailable("the national portal connection is not configured")

    def fetch_dossiers(self) -> list[dict]:
        return []

    def acknowledge(self, dossier_code: str, answer: dict) -> None:
        return None

    def fetch_feedback(self) -> list[dict]:
        return []

    def acknowledge_feedback(self, national_code: str, answer: dict) -> None:
        return None

    def fetch_file(self, url: str) -> bytes:
        raise PortalRefused("the national portal connection is not configured")

    def ping(self) -> bool:
        return False


class HttpPortal(NationalPortal):
    """JSON over HTTP(S) with a bearer token, the shape the simulator speaks.

    Options: URL (the portal's API root), TOKEN (ours, sent on every call), INBOUND_TOKEN
    (the portal's, checked on what it sends us), TIMEOUT in seconds.
    """

    def __init__(self, options: Mapping[str, Any]):
        super().__init__(options)
        self.base = options["URL"].rstrip("/") + "/"
        self.timeout = float(options.get("TIMEOUT", 10))
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {options['TOKEN']}"

    def _call(self, method: str, path: str, **kwargs) -> requests.Response:
        try:
            response = self.session.request(
                method, urljoin(self.base, path), timeout=self.timeout, **kwargs
            )
        except requests.RequestException as error:
            raise PortalUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 500:
            raise PortalUnavailable(f"HTTP {response.status_code}: {response.text[:200]}")
        if response.status_code >= 400:
            raise PortalRefused(f"HTTP {response.status_code}: {response.text[:200]}")
        return response

    def _json(self, method: str, path: str, **kwargs) -> Any:
        response = self._call(method, path, **kwargs)
        try:
            return response.json()
        except ValueError as error:
            raise PortalUnavailable(f"not JSON: {response.text[:200]}") from error

    def send_statuses(self, messages: list[dict]) -> list[Outcome]:
        return self._send("api/v1/status", messages, "dossier_code")

    def send_feedback(self, messages: list[dict]) -> list[Outcome]:
        return self._send("api/v1/feedback", messages, "feedback_code")

    def _send(self, path: str, messages: list[dict], code: str) -> list[Outcome]:
        """POST {"messages": [...]}; the portal answers one result per message, in order."""
        answer = self._json("POST", path, json={"messages": messages})
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(messages):
            raise PortalUnavailable("the portal's answer does not match the messages sent")
        return [
            _outcome(message[code], message["sequence"], result)
            for message, result in zip(messages, results, strict=True)
        ]

    def fetch_dossiers(self) -> list[dict]:
        answer = self._json("GET", "api/v1/dossiers/outgoing")
        return list(answer.get("dossiers", [])) if isinstance(answer, dict) else []

    def acknowledge(self, dossier_code: str, answer: dict) -> None:
        self._call("POST", f"api/v1/dossiers/{dossier_code}/ack", json=answer)

    def fetch_feedback(self) -> list[dict]:
        answer = self._json("GET", "api/v1/feedback/outgoing")
        return list(answer.get("feedback", [])) if isinstance(answer, dict) else []

    def acknowledge_feedback(self, national_code: str, answer: dict) -> None:
        self._call("POST", f"api/v1/feedback/{national_code}/ack", json=answer)

    def fetch_file(self, url: str) -> bytes:
        """Only from the portal itself: a link elsewhere is refused (no request is made)."""
        ours, theirs = urlsplit(self.base), urlsplit(url)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise PortalRefused("a file link outside the national portal")
        return self._call("GET", url).content

    def ping(self) -> bool:
        try:
            self._call("GET", "api/v1/ping")
        except (PortalUnavailable, PortalRefused):
            return False
        return True


def _outcome(code: str, sequence: int, result: Any) -> Outcome:
    if not isinstance(result, dict) or result.get("outcome") not in (
        ACCEPTED,
        DUPLICATE,
        GAP,
        REJECTED,
    ):
        return Outcome(code, sequence, REJECTED, error=str(result))
    errors = result.get("errors") or []
    return Outcome(
        code,
        sequence,
        result["outcome"],
        expected=result.get("expected"),
        error="; ".join(map(str, errors)) if isinstance(errors, list) else str(errors),
    )


def get() -> NationalPortal:
    """The configured adapter (a new one per call: settings may change in tests)."""
    options = settings.NATIONAL_PORTAL
    return import_string(options["CLASS"])(options)
