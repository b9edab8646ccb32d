"""Run the gateway simulator: python -m motcua.payments.simulator --port 8001 …"""

from __future__ import annotations

import argparse
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from motcua.payments.simulator.gateway import Gateway
from motcua.payments.simulator.paygov import PaygovSimulator, Platform
from motcua.payments.simulator.web import Simulator


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    """One thread per request: an IPN call may be under way while a page is asked for."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Payment gateway simulator (sandbox): VNPay 2.1.0, or the national payment "
        "platform (PayGov) as paygov_signing models it."
    )
    parser.add_argument("--protocol", choices=("vnpay", "paygov"), default="vnpay")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    parser.add_argument("--tmn-code", required=True, help="the merchant code it accepts")
    parser.add_argument("--secret", required=True, help="the hash secret shared with it")
    parser.add_argument("--ipn-url", default="", help="the merchant's IPN address")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    options = parser.parse_args(argv)
    if options.protocol == "paygov":
        app = PaygovSimulator(Platform(options.tmn_code, options.secret, options.ipn_url))
    else:
        app = Simulator(Gateway(options.tmn_code, options.secret, options.ipn_url))
    handler = QuietHandler if options.quiet else WSGIRequestHandler
    server = make_server(options.host, options.port, app, ThreadingServer, handler_class=handler)
    host, port = server.server_address[:2]
    # The first line tells whoever started it (a test, a script) where it listens.
    print(f"SANDBOX http://{host}:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
