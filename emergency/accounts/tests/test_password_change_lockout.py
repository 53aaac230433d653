"""The current-password check on /accounts/password/ counts and locks like a login (issue 9, item 9).

Without it, a borrowed or hijacked session could guess the password without limit and then change it.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client

from conftest import PASSWORD, login
from emergency.accounts import services
from emergency.core.models import AuditEvent

CHANGE = "/accounts/password/"
NEW_PASSWORD = "Fresh#Pass2026"
WRONG = "Wrong#Pass1"


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


def change(client, old: str, new: str = NEW_PASSWORD):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_four_wrong_current_passwords_leave_the_account_usable(client, bureau_officer):
    login(client, bureau_officer)
    for _ in range(4):
        resp = change(client, WRONG)
        assert resp.status_code == 200 and "old_password" in resp.context["form"].errors
    assert change(client, PASSWORD).status_code == 302
    bureau_officer.refresh_from_db()
    assert bureau_officer.check_password(NEW_PASSWORD)


def test_five_wrong_current_passwords_lock_the_account(client, bureau_officer):
    other = login(Client(), bureau_officer)  # a second session, opened before the guessing
    login(client, bureau_officer)
    statuses = [change(client, WRONG).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # The guessing session is over.
    resp = client.get("/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    # The right current password is refused too, even from another live session ...
    assert change(other, PASSWORD).status_code == 429
    bureau_officer.refresh_from_db()
    assert bureau_officer.check_password(PASSWORD) and not bureau_officer.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(event_type="password_changed").exists()
    # ... and so is a login.
    resp = client.post("/accounts/login/", {"username": bureau_officer.username, "password": PASSWORD})
    assert resp.status_code == 429 and not resp.wsgi_request.user.is_authenticated


def test_each_wrong_current_password_and_the_lockout_are_audited(client, bureau_officer):
    login(client, bureau_officer)
    for _ in range(5):
        change(client, WRONG)
    failures = AuditEvent.objects.filter(event_type="login_failed")
    assert failures.count() == 5
    assert all(e.actor_username == bureau_officer.username and not e.success
               and e.object_id == str(bureau_officer.pk) and e.changes == {"password_change_check": True}
               for e in failures)
    locked = AuditEvent.objects.get(event_type="locked_out")
    assert locked.actor_username == bureau_officer.username and not locked.success


def test_the_failures_add_up_with_failed_logins(client, bureau_officer):
    login(client, bureau_officer)
    assert [change(client, WRONG).status_code for _ in range(3)] == [200, 200, 200]
    client.logout()
    logins = [client.post("/accounts/login/", {"username": bureau_officer.username, "password": WRONG}).status_code
              for _ in range(2)]
    assert logins == [200, 429]


def test_the_threshold_follows_the_rules_table(client, bureau_officer, security_admin):
    services.security_rule_set(acting_user=security_admin, key="security.lockout_failures", value=3)
    login(client, bureau_officer)
    assert [change(client, WRONG).status_code for _ in range(3)] == [200, 200, 429]


def test_axes_keeps_no_password_from_the_change_form(client, bureau_officer):
    login(client, bureau_officer)
    change(client, WRONG)
    attempt = AccessAttempt.objects.get(username=bureau_officer.username)
    assert WRONG not in attempt.post_data and NEW_PASSWORD not in attempt.post_data
