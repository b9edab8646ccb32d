"""The client's address, worked out once for the whole project.

Every rate limit, the login lockout (django-axes) and the payment code ask `client_ip`. A
client can write any `X-Forwarded-For` it likes, so the header is believed only as far as
`TRUSTED_PROXY_COUNT` proxies of our own stand in front of the application: each appends the
address it was reached from, and the one the last of them was reached from is the client.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip
from rest_framework.throttling import AnonRateThrottle

FORWARDED_HEADER = "HTTP_X_FORWARDED_FOR"


def client_ip(request: HttpRequest) -> str:
    """The address that reached our outermost trusted proxy, or the socket's peer without one.

    django-ipware counts the proxies listed in the header; the last proxy is not listed (it is
    `REMOTE_ADDR`), hence one fewer than the proxies we trust. A request that bypassed the
    proxies (too short a header) is known by its socket address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted <= 0:
        return remote
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=trusted - 1,
        request_header_order=(FORWARDED_HEADER,),
        strict=False,
    )
    return address or remote


class ClientAddressThrottle(AnonRateThrottle):
    """DRF's anonymous throttle keyed by `client_ip` (its `NUM_PROXIES` is not used)."""

    def get_ident(self, request) -> str:
        return client_ip(request)
