"""Run the messaging simulator: python -m motcua.notifications.simulator --port 8002 …"""

from __future__ import annotations

import argparse
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from motcua.notifications.simulator.web import Simulator, State


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    """One thread per request: a slow gateway does not hold up the others."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="SMS gateways and Zalo ZNS simulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002, help="0 picks a free port")
    parser.add_argument("--zalo-app-id", default="motcua-sandbox")
    parser.add_argument("--zalo-secret", default="sandbox-only-not-a-secret")
    parser.add_argument("--zalo-refresh-token", default="sandbox-refresh-token")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    options = parser.parse_args(argv)
    state = State(options.zalo_app_id, options.zalo_secret, options.zalo_refresh_token)
    handler = QuietHandler if options.quiet else WSGIRequestHandler
    server = make_server(
        options.host, options.port, Simulator(state), ThreadingServer, handler_class=handler
    )
    host, port = server.server_address[:2]
    # The first line tells whoever started it (a test, make run) where it listens.
    print(f"SIMULATOR http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
