"""One client address for the whole project: a forged X-Forwarded-For escapes no rate limit,
and behind our own proxies the address they saw is the one counted, locked out and logged."""

# The payment fixtures are imported by name, and the tests take them as arguments.

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from motcua.payments.models import Payment

PROXY = "10.0.0.2"


def ask_tokens(api: APIClient, count: int, forwarded=None, remote=None) -> list[int]:
    """Token requests for names nobody has (no lockout), each under a new forged address."""
    statuses = []
    for n in range(count):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded(n) if forwarded else f"198.51.100.{n}"}
        if remote:
            headers["REMOTE_ADDR"] = remote
        body = {"username": f"nobody-{n}", "password": "wrong"}
        statuses.append(api.post("/api/v1/auth/token", body, **headers).status_code)
    return statuses


def look_up(api: APIClient, count: int, forwarded=None, remote=None) -> list[int]:
    statuses = []
    for n in range(count):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded(n) if forwarded else f"198.51.100.{n}"}
        if remote:
            headers["REMOTE_ADDR"] = remote
        statuses.append(api.get(f"/api/v1/lookup/H57-{n:06d}-0000", **headers).status_code)
    return statuses


def test_a_new_forwarded_address_per_request_escapes_no_token_limit(db):
    statuses = ask_tokens(APIClient(), 12)
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429, 429]


def test_a_new_forwarded_address_per_request_escapes_no_lookup_limit(db):
    statuses = look_up(APIClient(), 22)
    assert statuses[:20] == [404] * 20 and statuses[20:] == [429, 429]


def test_the_lookup_page_counts_the_same_address(client, db):
    statuses = [
        client.get("/tra-cuu/", {"code": f"X-{n}"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        for n in range(21)
    ]
    assert [s.status_code for s in statuses] == [200] * 20 + [429]


def test_behind_one_proxy_the_rightmost_forwarded_address_is_counted(db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    api = APIClient()
    # The client forges the left part; our proxy appends the address it was reached from.
    statuses = look_up(api, 21, forwarded=lambda n: f"198.51.100.{n}, 203.0.113.7", remote=PROXY)
    assert statuses == [404] * 20 + [429]
    # Another client behind the same proxy has a limit of its own.
    assert look_up(api, 1, forwarded=lambda n: "203.0.113.8", remote=PROXY) == [404]
    tokens = ask_tokens(api, 11, forwarded=lambda n: f"1.2.3.{n}, 203.0.113.9", remote=PROXY)
    assert tokens == [400] * 10 + [429]


def test_a_request_that_bypassed_the_proxy_is_known_by_its_socket(db, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # Two proxies would have written two addresses; one is a client's own forgery.
    statuses = look_up(APIClient(), 21, forwarded=lambda n: f"198.51.100.{n}")
    assert statuses == [404] * 20 + [429]


@pytest.mark.parametrize(
    ("trusted", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.7"), (2, "198.51.100.4")]
)
def test_the_login_lockout_records_the_same_address(client, db, settings, trusted, expected):
    settings.TRUSTED_PROXY_COUNT = trusted
    client.post(
        "/tai-khoan/dang-nhap/",
        {"username": "0905123456", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [expected]


def test_the_payment_records_the_same_address(signed_in, gateway, fee_dossier, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    signed_in.post(
        f"/thanh-toan/ho-so/{fee_dossier.code}/",
        HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.7",
        REMOTE_ADDR=PROXY,
    )
    assert Payment.objects.get().client_ip == "203.0.113.7"
