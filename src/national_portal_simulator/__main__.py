"""Run the national portal simulator:

    python -m national_portal_simulator --port 8002 --control-port 8003 --token … \
        --push-url http://127.0.0.1:8000/api/v1/national/dossiers --push-token … \
        --feedback-push-url http://127.0.0.1:8000/api/v1/national/feedback

The first line printed tells whoever started it where it listens:
`NATIONAL <service url> <control url>`.
"""

from __future__ import annotations

import argparse
import socketserver
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from national_portal_simulator.portal import Portal
from national_portal_simulator.web import ControlApp, ServiceApp


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


class Service:
    """The service port, which the control port opens and closes: "down" is a closed port,
    so that a province's system sees connections refused, as with a real outage."""

    def __init__(self, host: str, port: int, app: ServiceApp, handler: type):
        self.host, self.port, self.app, self.handler = host, port, app, handler
        self.server: WSGIServer | None = None
        self.lock = threading.Lock()
        self.open(True)
        self.port = self.server.server_address[1]  # the port picked when asked for 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def open(self, up: bool) -> None:
        with self.lock:
            if up and self.server is None:
                self.server = make_server(
                    self.host, self.port, self.app, ThreadingServer, handler_class=self.handler
                )
                threading.Thread(target=self.server.serve_forever, daemon=True).start()
            elif not up and self.server is not None:
                self.server.shutdown()
                self.server.server_close()
                self.server = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="National public service portal simulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002, help="service port; 0 picks one")
    parser.add_argument("--control-port", type=int, default=8003, help="0 picks one")
    parser.add_argument("--token", required=True, help="the token a province must present")
    parser.add_argument("--push-url", default="", help="the province's intake endpoint")
    parser.add_argument("--push-token", default="", help="the token presented to the province")
    parser.add_argument("--feedback-push-url", default="", help="the province's feedback endpoint")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    options = parser.parse_args(argv)
    portal = Portal(options.token, options.push_url, options.push_token, options.feedback_push_url)
    handler = QuietHandler if options.quiet else WSGIRequestHandler
    service = Service(options.host, options.port, ServiceApp(portal), handler)
    control = make_server(
        options.host,
        options.control_port,
        ControlApp(portal, service),
        ThreadingServer,
        handler_class=handler,
    )
    control_url = f"http://{options.host}:{control.server_address[1]}"
    print(f"NATIONAL {service.url} {control_url}", flush=True)
    try:
        control.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
