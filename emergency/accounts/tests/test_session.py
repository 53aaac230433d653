"""An idle session ends after thirty minutes; every request renews it."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from conftest import login
from emergency.core.models import Rule


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


def later(minutes: int):
    """Move the clock forward for everything that asks django.utils.timezone for the time."""
    moved = timezone.now() + timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=moved)


def test_the_session_expires_after_thirty_idle_minutes(client, bureau_officer):
    login(client, bureau_officer)
    assert client.get("/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    assert not client.session.get_expire_at_browser_close()


def test_the_session_cookie_is_http_only(client, bureau_officer):
    login(client, bureau_officer)
    client.get("/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_an_idle_session_is_gone_after_thirty_one_minutes(client, bureau_officer):
    login(client, bureau_officer)
    client.get("/")
    with later(31):
        resp = client.get("/divisions/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(client, bureau_officer):
    login(client, bureau_officer)
    client.get("/")
    with later(20):
        assert client.get("/divisions/").status_code == 200
    with later(40):  # twenty minutes after the last request
        assert client.get("/divisions/").status_code == 200
    with later(71):
        assert client.get("/divisions/").status_code == 302


def test_the_idle_timeout_follows_the_rules_table(client, bureau_officer):
    Rule.objects.filter(key="security.idle_timeout_minutes").update(value=15)
    cache.clear()
    login(client, bureau_officer)
    client.get("/")
    assert client.session.get_expiry_age() == 15 * 60
    with later(16):
        assert client.get("/divisions/").status_code == 302

