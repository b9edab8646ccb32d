"""Test helpers for the officials' second factor, through django-otp's own API.

Tests that log an official in with `client.force_login` stand for a whole login, both steps:
the autouse fixture `officials_pass_the_second_factor` (tests/conftest.py) verifies their
session with a real confirmed authenticator. Tests of the second factor itself log in through
the pages, where a password alone opens nothing.
"""

from __future__ import annotations

import time

import django_otp
from django.http import HttpRequest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.two_factor import AUTHENTICATOR, needs_second_factor


def give_authenticator(user) -> TOTPDevice:
    """The person's confirmed authenticator, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the person's app shows now, as django_otp.oath computes it; a step ahead when
    this step's code was used already (django-otp accepts each step once, and one step of
    drift)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time += device.step
    return str(totp.token()).zfill(device.digits)


def verify_session(client, user) -> None:
    """Mark a test client's session as passed the second factor, as django_otp.login does."""
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, give_authenticator(user))
    request.session.save()


def force_login_with_second_factor(force_login):
    """Client.force_login that also verifies an official's or staff member's session."""

    def login(client, user, backend=None):
        force_login(client, user, backend)
        if needs_second_factor(user):
            verify_session(client, user)

    return login


def pass_second_factor(page, device: TOTPDevice) -> None:
    """In the browser, after the password: type the authenticator's current code."""
    page.get_by_label("Mã xác thực").fill(current_code(device))
    page.get_by_role("button", name="Xác thực").click()
