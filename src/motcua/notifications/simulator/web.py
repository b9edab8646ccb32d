"""The messaging simulator: two SMS gateways and Zalo's ZNS API, as a plain WSGI application.

SMS: POST /sms/<gateway>/send (JSON {"to", "text", "sender", "reference"}, bearer key) answers
{"id": …, "status": "accepted"}, or what /control/config set for that gateway: an HTTP error
status, or a delay before answering (a slow provider).
Zalo: POST /zalo/oa/access_token (form app_id, refresh_token, grant_type, header secret_key)
gives a new access token and a new refresh token, the old one spent; POST
/zalo/message/template (header access_token, JSON phone, template_id, template_data,
tracking_id) answers {"error": 0, …}, or error -124 for a token unknown or expired.
Tests: GET /control/state; POST /control/config, /control/expire, /control/reset (JSON).
A person: GET / lists the messages sent, newest first.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import parse_qsl

Response = tuple[str, list[tuple[str, str]], bytes]
TOKEN_INVALID = -124


@dataclass
class State:
    app_id: str
    secret_key: str
    refresh_token: str
    # Per gateway: {"status": 500} to fail, {"delay": 3.0} to answer late.
    behaviour: dict[str, dict[str, Any]] = field(default_factory=dict)
    sms: list[dict[str, Any]] = field(default_factory=list)
    zalo: list[dict[str, Any]] = field(default_factory=list)
    access_tokens: set[str] = field(default_factory=set)
    refreshes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> dict[str, Any]:
        return {
            "sms": self.sms,
            "zalo": self.zalo,
            "refreshes": self.refreshes,
            "refresh_token": self.refresh_token,
        }


def as_json(data: Any, status: str = "200 OK") -> Response:
    body = json.dumps(data, ensure_ascii=False).encode()
    return status, [("Content-Type", "application/json; charset=utf-8")], body


class Simulator:
    def __init__(self, state: State):
        self.state = state
        self.initial = (state.refresh_token,)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        status, headers, body = self.route(environ)
        start_response(status, headers)
        return [body]

    def route(self, environ: dict) -> Response:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        parts = path.strip("/").split("/")
        if method == "POST" and len(parts) == 3 and parts[0] == "sms" and parts[2] == "send":
            return self.sms(parts[1], body, environ)
        if method == "POST" and path == "/zalo/oa/access_token":
            return self.refresh(dict(parse_qsl(body.decode())), environ)
        if method == "POST" and path == "/zalo/message/template":
            return self.zns(json.loads(body or b"{}"), environ)
        if path.startswith("/control/"):
            return self.control(method, parts[1], json.loads(body or b"{}"))
        if method == "GET" and path == "/":
            return self.page()
        return as_json({"error": "not found"}, "404 Not Found")

    def sms(self, gateway: str, body: bytes, environ: dict) -> Response:
        behaviour = self.state.behaviour.get(gateway, {})
        time.sleep(float(behaviour.get("delay", 0)))
        if behaviour.get("status"):
            code = int(behaviour["status"])
            return as_json({"error": "simulated failure"}, f"{code} Simulated")
        if not environ.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return as_json({"error": "no key"}, "401 Unauthorized")
        message = json.loads(body)
        with self.state.lock:
            message_id = f"{gateway}-{len(self.state.sms) + 1}"
            self.state.sms.append({**message, "gateway": gateway, "id": message_id})
        return as_json({"id": message_id, "status": "accepted"})

    def refresh(self, form: dict[str, str], environ: dict) -> Response:
        state = self.state
        with state.lock:
            if (
                environ.get("HTTP_SECRET_KEY") != state.secret_key
                or form.get("app_id") != state.app_id
                or form.get("grant_type") != "refresh_token"
                or form.get("refresh_token") != state.refresh_token
            ):
                return as_json({"error": -14014, "error_name": "Invalid refresh token"})
            access = secrets.token_urlsafe(16)
            state.access_tokens = {access}
            state.refresh_token = secrets.token_urlsafe(16)
            state.refreshes += 1
            answer = {
                "access_token": access,
                "refresh_token": state.refresh_token,
                "expires_in": "90000",
            }
        return as_json(answer)

    def zns(self, message: dict, environ: dict) -> Response:
        with self.state.lock:
            if environ.get("HTTP_ACCESS_TOKEN") not in self.state.access_tokens:
                return as_json({"error": TOKEN_INVALID, "message": "Access token is invalid"})
            self.state.zalo.append(message)
            msg_id = f"zns-{len(self.state.zalo)}"
        return as_json({"error": 0, "message": "Success", "data": {"msg_id": msg_id}})

    def control(self, method: str, name: str, data: dict) -> Response:
        state = self.state
        if method == "GET" and name == "state":
            return as_json(state.snapshot())
        if method != "POST":
            return as_json({"error": "not found"}, "404 Not Found")
        with state.lock:
            if name == "config":
                state.behaviour[data["gateway"]] = {
                    k: v for k, v in data.items() if k in ("status", "delay")
                }
            elif name == "expire":
                state.access_tokens = set()
            elif name == "reset":
                state.behaviour.clear()
                state.sms.clear()
                state.zalo.clear()
                state.access_tokens = set()
                state.refreshes = 0
                state.refresh_token = data.get("refresh_token", self.initial[0])
            else:
                return as_json({"error": "not found"}, "404 Not Found")
        return as_json(state.snapshot())

    def page(self) -> Response:
        rows = [
            f"<tr><td>SMS ({escape(m['gateway'])})</td><td>{escape(m['to'])}</td>"
            f"<td>{escape(m['text'])}</td></tr>"
            for m in self.state.sms
        ] + [
            f"<tr><td>Zalo ZNS {escape(str(m.get('template_id')))}</td>"
            f"<td>{escape(str(m.get('phone')))}</td>"
            f"<td>{escape(json.dumps(m.get('template_data'), ensure_ascii=False))}</td></tr>"
            for m in self.state.zalo
        ]
        html = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            "<title>Tin nhắn thử nghiệm</title></head><body>"
            "<p><strong>MÔI TRƯỜNG THỬ NGHIỆM — không có tin nhắn thật nào được gửi</strong></p>"
            "<h1>Tin nhắn đã gửi</h1><table border=1><tr><th>Kênh</th><th>Đến</th>"
            f"<th>Nội dung</th></tr>{''.join(reversed(rows))}</table></body></html>"
        )
        return "200 OK", [("Content-Type", "text/html; charset=utf-8")], html.encode()
