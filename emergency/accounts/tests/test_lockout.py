"""Five failed logins lock the account for thirty minutes (等保 2.0 level 3), through the real login view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.utils import timezone

from conftest import PASSWORD
from emergency.accounts import services
from emergency.core.models import AuditEvent, Rule

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


def attempt(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in(resp) -> bool:
    return resp.wsgi_request.user.is_authenticated


def fail(client, username: str, times: int):
    return [attempt(client, username, "Wrong#Pass1").status_code for _ in range(times)]


def travel_back(minutes: int) -> None:
    """Time travel: make every recorded failure `minutes` older."""
    for a in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=a.pk).update(attempt_time=a.attempt_time - timedelta(minutes=minutes))


def test_four_failures_do_not_lock_the_account(client, bureau_officer):
    assert fail(client, bureau_officer.username, 4) == [200] * 4
    resp = attempt(client, bureau_officer.username, PASSWORD)
    assert resp.status_code == 302 and logged_in(resp)


def test_the_fifth_failure_locks_the_account(client, bureau_officer):
    assert fail(client, bureau_officer.username, 5) == [200, 200, 200, 200, 429]


def test_the_right_password_is_refused_while_locked(client, bureau_officer):
    fail(client, bureau_officer.username, 5)
    resp = attempt(client, bureau_officer.username, PASSWORD)
    assert resp.status_code == 429
    assert not logged_in(resp)
    assert not AuditEvent.objects.filter(event_type="login", success=True).exists()


def test_the_lock_holds_for_twenty_nine_minutes(client, bureau_officer):
    fail(client, bureau_officer.username, 5)
    travel_back(29)
    resp = attempt(client, bureau_officer.username, PASSWORD)
    assert resp.status_code == 429 and not logged_in(resp)


def test_the_lock_lifts_after_thirty_minutes(client, bureau_officer):
    fail(client, bureau_officer.username, 5)
    travel_back(31)
    resp = attempt(client, bureau_officer.username, PASSWORD)
    assert resp.status_code == 302 and logged_in(resp)


def test_the_lock_is_per_account_not_per_office(client, bureau_officer, department_clerk):
    """Offices share one NAT address: locking one account must not lock the building."""
    fail(client, bureau_officer.username, 5)
    resp = attempt(client, department_clerk.username, PASSWORD)
    assert resp.status_code == 302 and logged_in(resp)


def test_a_success_resets_the_failure_count(client, bureau_officer):
    fail(client, bureau_officer.username, 4)
    attempt(client, bureau_officer.username, PASSWORD)
    client.logout()
    assert fail(client, bureau_officer.username, 4) == [200] * 4


def test_each_failure_and_the_lockout_are_audited(client, bureau_officer):
    fail(client, bureau_officer.username, 5)
    failures = AuditEvent.objects.filter(event_type="login_failed")
    assert failures.count() == 5
    assert all(e.actor is None and e.actor_username == bureau_officer.username and not e.success
               and e.object_type == "accounts.User" for e in failures)
    locked = AuditEvent.objects.get(event_type="locked_out")
    assert locked.actor_username == bureau_officer.username and not locked.success
    assert locked.object_type == "accounts.User" and locked.ip_address == "127.0.0.1"


def test_the_lockout_threshold_follows_the_rules_table(client, bureau_officer, security_admin):
    services.security_rule_set(acting_user=security_admin, key="security.lockout_failures", value=3)
    assert fail(client, bureau_officer.username, 3) == [200, 200, 429]


def test_the_lockout_duration_follows_the_rules_table(client, bureau_officer):
    Rule.objects.filter(key="security.lockout_minutes").update(value=60)
    cache.clear()
    fail(client, bureau_officer.username, 5)
    travel_back(45)
    assert attempt(client, bureau_officer.username, PASSWORD).status_code == 429
    travel_back(61)  # the refused attempt above renewed the failure time
    resp = attempt(client, bureau_officer.username, PASSWORD)
    assert resp.status_code == 302 and logged_in(resp)


def test_a_successful_login_is_audited(client, bureau_officer):
    before = timezone.now()
    attempt(client, bureau_officer.username, PASSWORD)
    event = AuditEvent.objects.get(event_type="login")
    assert event.actor == bureau_officer and event.success and event.event_time >= before
    assert event.object_type == "accounts.User" and event.object_id == str(bureau_officer.pk)
    assert event.changes == {}


def test_a_login_name_with_a_control_character_is_recorded_as_a_failed_login(client, db):
    """The login form does not refuse it before authenticate(): a probe with such a name is still audited."""
    from emergency.core.models import AuditEvent

    response = client.post("/accounts/login/", {"username": "ctl\x01user", "password": "whatever1A"})
    assert response.status_code == 200
    row = AuditEvent.objects.filter(event_type=AuditEvent.Type.LOGIN_FAILED).latest("id")
    assert "ctl" in row.actor_username or "ctl" in row.object_repr
