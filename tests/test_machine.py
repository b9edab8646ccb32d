"""A test that needs a service of the machine says so: skipped with the reason on a developer's
machine, failed under CI, where every service runs (tests/environment.py)."""

import pytest

from tests.environment import listening, require
from tests.live_site import free_port


def test_a_missing_service_skips_locally_with_its_reason(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no redis server on"):
        require(False, "no redis server on 127.0.0.1")


def test_a_missing_service_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run this test, but no redis"):
        require(False, "no redis server on 127.0.0.1")


def test_a_closed_port_is_not_listening():
    assert not listening(free_port())
