"""The simulator's two WSGI applications: the portal's service API and its control API.

Service (the port a province's system talks to; closed while "down"):
  POST /api/v1/status                  status messages, {"messages": [...]} → per-message outcome
  POST /api/v1/feedback                feedback messages, the same way, in each feedback's order
  GET  /api/v1/dossiers/outgoing       dossiers submitted here, for the province to pull
  POST /api/v1/dossiers/<code>/ack     the province took a dossier (its answer in the body)
  GET  /api/v1/feedback/outgoing       citizens' feedback sent here, for the province to pull
  POST /api/v1/feedback/<code>/ack     the province took a feedback (<code>: its national code)
  GET  /api/v1/files/<id>              a file of a dossier sent by link
  GET  /api/v1/ping
Every service call needs `Authorization: Bearer <token>`.

Control (tests and developers; never a province):
  GET  /control/state                  counts, mode, outgoing and acknowledged dossiers
  GET  /control/received?code=…        the messages kept for a dossier, in order
  GET  /control/rejected               what was refused and why
  GET  /control/feedback?code=…        the messages kept for a feedback (the province's code)
  POST /control/config                 {"mode": "up"|"failing"|"down", "delay": s, "push_url",
                                        "push_token", "feedback_push_url"}
  POST /control/reset
  POST /control/submit                 {"dossier": {...}, "files": [...], "push": true}
  POST /control/push                   {"code": …} hand an offered dossier over again
  POST /control/send-feedback          {"feedback": {...}, "push": true} a citizen's feedback,
                                        pushed to the province (again, if sent again: it must
                                        take it once), or kept for it to pull
  POST /control/applicant              {"code": …, "step": "supplement"|"withdraw", "note",
                                        "reason", "files": [...]} what the applicant of a
                                        dossier handed over does here afterwards, pushed to
                                        <push_url>/<code>/<step>
"""

from __future__ import annotations

import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from national_portal_simulator.portal import Portal

Response = tuple[str, list[tuple[str, str]], bytes]
Handler = Callable[[dict, bytes, dict], Response]


def as_json(data: Any, status: str = "200 OK") -> Response:
    body = json.dumps(data, ensure_ascii=False).encode()
    return status, [("Content-Type", "application/json; charset=utf-8")], body


def _read_json(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return None


class App:
    """Routes requests to handlers; a subclass lists its routes."""

    routes: dict[tuple[str, str], str] = {}
    prefixes: dict[tuple[str, str], str] = {}

    def __init__(self, portal: Portal):
        self.portal = portal

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        name = self.routes.get((method, path))
        for (verb, prefix), candidate in self.prefixes.items():
            if name is None and method == verb and path.startswith(prefix):
                name = candidate
        if name is None:
            status, headers, body = as_json({"error": "not found"}, "404 Not Found")
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body_in = environ["wsgi.input"].read(length) if length else b""
            status, headers, body = getattr(self, name)(
                environ, body_in, parse_qs(environ.get("QUERY_STRING", ""))
            )
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


class ServiceApp(App):
    """What the national portal answers a province's system."""

    routes = {
        ("POST", "/api/v1/status"): "status",
        ("POST", "/api/v1/feedback"): "feedback",
        ("GET", "/api/v1/dossiers/outgoing"): "outgoing",
        ("GET", "/api/v1/feedback/outgoing"): "outgoing_feedback",
        ("GET", "/api/v1/ping"): "ping",
    }
    prefixes = {
        ("POST", "/api/v1/dossiers/"): "ack",
        ("POST", "/api/v1/feedback/"): "feedback_ack",
        ("GET", "/api/v1/files/"): "file",
    }

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self.portal.lock:
            self.portal.requests += 1
        if self.portal.delay:
            time.sleep(self.portal.delay)
        if self.portal.mode == "failing":
            status, headers, body = as_json({"error": "maintenance"}, "503 Service Unavailable")
        elif not self._authorized(environ):
            status, headers, body = as_json({"error": "unauthorized"}, "401 Unauthorized")
        else:
            return super().__call__(environ, start_response)
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _authorized(self, environ: dict) -> bool:
        given = environ.get("HTTP_AUTHORIZATION", "")
        return hmac.compare_digest(given.encode(), f"Bearer {self.portal.token}".encode())

    def status(self, environ: dict, body: bytes, query: dict) -> Response:
        return self._messages(body, self.portal.take)

    def feedback(self, environ: dict, body: bytes, query: dict) -> Response:
        return self._messages(body, self.portal.take_feedback)

    def _messages(self, body: bytes, take: Callable[[Any], dict]) -> Response:
        data = _read_json(body)
        if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
            return as_json({"error": 'send {"messages": [...]}'}, "400 Bad Request")
        return as_json({"results": [take(m) for m in data["messages"]]})

    def outgoing(self, environ: dict, body: bytes, query: dict) -> Response:
        with self.portal.lock:
            return as_json({"dossiers": list(self.portal.outgoing.values())})

    def outgoing_feedback(self, environ: dict, body: bytes, query: dict) -> Response:
        with self.portal.lock:
            return as_json({"feedback": list(self.portal.outgoing_feedback.values())})

    def ack(self, environ: dict, body: bytes, query: dict) -> Response:
        return self._ack(environ, body, "/api/v1/dossiers/", self.portal.acknowledge)

    def feedback_ack(self, environ: dict, body: bytes, query: dict) -> Response:
        return self._ack(environ, body, "/api/v1/feedback/", self.portal.acknowledge_feedback)

    def _ack(
        self, environ: dict, body: bytes, prefix: str, acknowledge: Callable[[str, dict], bool]
    ) -> Response:
        code, _slash, tail = environ["PATH_INFO"].removeprefix(prefix).rpartition("/")
        if tail != "ack" or not code:
            return as_json({"error": "not found"}, "404 Not Found")
        if not acknowledge(code, _read_json(body) or {}):
            return as_json({"error": "nothing of that code"}, "404 Not Found")
        return as_json({"acknowledged": code})

    def file(self, environ: dict, body: bytes, query: dict) -> Response:
        stored = self.portal.files.get(environ["PATH_INFO"].removeprefix("/api/v1/files/"))
        if stored is None:
            return as_json({"error": "no such file"}, "404 Not Found")
        _name, content_type, content = stored
        return "200 OK", [("Content-Type", content_type)], content

    def ping(self, environ: dict, body: bytes, query: dict) -> Response:
        return as_json({"portal": "simulator", "mode": self.portal.mode})


class ControlApp(App):
    """What tests and developers use to drive the simulator."""

    routes = {
        ("GET", "/control/state"): "state",
        ("GET", "/control/received"): "received",
        ("GET", "/control/rejected"): "rejected",
        ("GET", "/control/feedback"): "feedback",
        ("POST", "/control/config"): "config",
        ("POST", "/control/reset"): "reset",
        ("POST", "/control/submit"): "submit",
        ("POST", "/control/push"): "push",
        ("POST", "/control/send-feedback"): "send_feedback",
        ("POST", "/control/applicant"): "applicant",
    }

    def __init__(self, portal: Portal, service: Any):
        super().__init__(portal)
        self.service = service  # the service server: opened and closed by "mode"

    def state(self, environ: dict, body: bytes, query: dict) -> Response:
        return as_json({**self.portal.summary(), "service_url": self.service.url})

    def received(self, environ: dict, body: bytes, query: dict) -> Response:
        code = query.get("code", [""])[0]
        with self.portal.lock:
            return as_json(
                {
                    "messages": list(self.portal.received.get(code, [])),
                    "duplicates": self.portal.duplicates.get(code, 0),
                }
            )

    def feedback(self, environ: dict, body: bytes, query: dict) -> Response:
        code = query.get("code", [""])[0]
        with self.portal.lock:
            return as_json(
                {
                    "messages": list(self.portal.feedback.get(code, [])),
                    "duplicates": self.portal.feedback_duplicates.get(code, 0),
                }
            )

    def rejected(self, environ: dict, body: bytes, query: dict) -> Response:
        with self.portal.lock:
            return as_json({"rejected": list(self.portal.rejected)})

    def config(self, environ: dict, body: bytes, query: dict) -> Response:
        data = _read_json(body) or {}
        portal = self.portal
        if data.get("mode") not in (None, "up", "failing", "down"):
            return as_json({"error": "mode is up, failing or down"}, "400 Bad Request")
        portal.mode = data.get("mode", portal.mode)
        portal.delay = float(data.get("delay", portal.delay))
        portal.push_url = data.get("push_url", portal.push_url)
        portal.push_token = data.get("push_token", portal.push_token)
        portal.feedback_push_url = data.get("feedback_push_url", portal.feedback_push_url)
        self.service.open(portal.mode != "down")
        return self.state(environ, body, query)

    def reset(self, environ: dict, body: bytes, query: dict) -> Response:
        self.portal.reset()
        self.service.open(True)
        return self.config(environ, body, query)

    def submit(self, environ: dict, body: bytes, query: dict) -> Response:
        data = _read_json(body) or {}
        offered = self.portal.offer(data["dossier"], data.get("files", []), self.service.url)
        answer = self._push(offered) if data.get("push", True) else None
        return as_json({"offered": offered, "pushed": answer})

    def push(self, environ: dict, body: bytes, query: dict) -> Response:
        code = (_read_json(body) or {}).get("code", "")
        with self.portal.lock:
            offered = self.portal.handed.get(code)
        if offered is None:
            return as_json({"error": "no such dossier"}, "404 Not Found")
        return as_json({"pushed": self._push(offered)})

    def send_feedback(self, environ: dict, body: bytes, query: dict) -> Response:
        """A citizen's feedback sent on the portal, handed to the province at once (or kept
        for it to pull, with `"push": false`); the province's answer (its code for the
        feedback) is kept by the national code."""
        data = _read_json(body) or {}
        feedback = data.get("feedback")
        if not isinstance(feedback, dict) or not feedback.get("national_code"):
            return as_json({"error": 'send {"feedback": {"national_code": …}}'}, "400 Bad Request")
        if data.get("push", True) is False:
            with self.portal.lock:
                self.portal.outgoing_feedback[feedback["national_code"]] = feedback
            return as_json({"pushed": None})
        answer = self._post(self.portal.feedback_push_url, feedback, "feedback_push_url")
        with self.portal.lock:
            self.portal.citizens_feedback[feedback["national_code"]] = answer
        return as_json({"pushed": answer})

    def applicant(self, environ: dict, body: bytes, query: dict) -> Response:
        """The applicant answers a supplement request or withdraws, on this portal, which
        hands the step over to the province's system at once: the province's answer."""
        data = _read_json(body) or {}
        code, step = data.get("code"), data.get("step")
        if not code or step not in ("supplement", "withdraw"):
            return as_json({"error": "send a code and a step"}, "400 Bad Request")
        if step == "supplement":
            files = self.portal.documents(data.get("files", []), self.service.url)
            handed = {"note": data.get("note", ""), "documents": files}
        else:
            handed = {"reason": data.get("reason", "")}
        url = f"{self.portal.push_url}/{code}/{step}" if self.portal.push_url else ""
        return as_json({"pushed": self._post(url, handed, "push_url")})

    def _push(self, dossier: dict) -> dict:
        """Hand a dossier to the province's intake endpoint, as the national portal does."""
        answer = self._post(self.portal.push_url, dossier, "push_url")
        if answer["status"] in (200, 201):
            self.portal.acknowledge(dossier["dossier_code"], answer["body"] or {})
        return answer

    def _post(self, url: str, data: dict, setting: str) -> dict:
        """POST `data` to the province with the portal's credential: its status and answer."""
        if not url:
            return {"status": None, "body": f"no {setting} configured"}
        request = urllib.request.Request(
            url,
            data=json.dumps(data, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.portal.push_token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        return {"status": status, "body": _read_json(text)}
