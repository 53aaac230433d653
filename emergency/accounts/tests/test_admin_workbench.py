"""The separated administrators' workbench (issue 11: every demo role lands on a page that says what to do today).
Each administrator sees only their own entries, counted from the accounts or the audit log and opening the
filtered list; the business providers never run for them, and business users never see these."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import login, make_user
from emergency.accounts.models import User
from emergency.core import registry
from emergency.core.roles import Role

pytestmark = pytest.mark.django_db

LOCKED = "Accounts locked out now"
EXPIRED = "Accounts whose password has expired"
NO_SECOND_FACTOR = "Accounts that need a second factor and have none"
FAILED = "Failed logins since yesterday"


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


def _entries(user) -> dict[str, registry.TodoEntry]:
    with translation.override("en"):
        return {str(e.label): e for e in registry.todos_for(user)}


def _fail_logins(client, username: str, times: int) -> None:
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password-1A!"})


def test_the_system_administrator_sees_locked_accounts_and_expired_passwords(client, system_admin):
    victim = make_user("locked_one", Role.BUREAU_STAFF)
    make_user("old_password", Role.BUREAU_STAFF)
    User.objects.filter(username="old_password").update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91))
    assert LOCKED not in _entries(system_admin)
    _fail_logins(client, victim.username, 5)
    entries = _entries(system_admin)
    assert entries[LOCKED].count == 1 and entries[EXPIRED].count == 1
    assert set(entries) == {LOCKED, EXPIRED}
    login(client, system_admin)
    listing = client.get(entries[LOCKED].url).content.decode()
    assert "locked_one" in listing and "old_password" not in listing
    listing = client.get(entries[EXPIRED].url).content.decode()
    assert "old_password" in listing and "locked_one" not in listing
    body = client.get(reverse("home")).content.decode()
    assert f'href="{entries[LOCKED].url}"' in body and 'data-testid="todos"' in body


def test_the_security_administrator_sees_accounts_without_a_second_factor(security_admin, bureau_admin):
    # bureau_admin has a confirmed device (conftest); the security admin and a new admin have none.
    TOTPDevice.objects.create(user=security_admin, name="t", confirmed=True)
    assert NO_SECOND_FACTOR not in _entries(security_admin)
    newcomer = make_user("new_admin", Role.AUDIT_ADMIN)
    make_user("staff_needs_none", Role.BUREAU_STAFF)  # not a role that needs a second factor
    assert _entries(security_admin)[NO_SECOND_FACTOR].count == 1
    device = TOTPDevice.objects.create(user=newcomer, name="t", confirmed=False)
    assert _entries(security_admin)[NO_SECOND_FACTOR].count == 1  # an unconfirmed device is no factor
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    assert NO_SECOND_FACTOR not in _entries(security_admin)
    make_user("inactive_admin", Role.SYSTEM_ADMIN, is_active=False)
    assert NO_SECOND_FACTOR not in _entries(security_admin)  # a deactivated account needs nothing
    TOTPDevice.objects.filter(user=bureau_admin).delete()
    assert _entries(security_admin)[NO_SECOND_FACTOR].count == 1
    assert set(_entries(security_admin)) == {NO_SECOND_FACTOR}


def test_the_audit_administrator_sees_failed_logins_and_opens_them_in_the_log(client, audit_admin):
    make_user("someone", Role.BUREAU_STAFF)
    _fail_logins(client, "someone", 2)
    entry = _entries(audit_admin)[FAILED]
    assert entry.count == 2 and "event_type=login_failed" in entry.url
    login(client, audit_admin)
    page = client.get(entry.url)
    assert page.status_code == 200 and page.content.decode().count("someone") >= 2


def test_business_users_never_get_the_administrators_entries_nor_administrators_the_business_ones(
        bureau_officer, subdistrict_officer, system_admin, security_admin, audit_admin):
    make_user("old_password2", Role.BUREAU_STAFF)
    User.objects.filter(username="old_password2").update(
        password_changed_at=timezone.now() - datetime.timedelta(days=91))
    for user in (bureau_officer, subdistrict_officer):
        assert not {LOCKED, EXPIRED, NO_SECOND_FACTOR, FAILED} & set(_entries(user))
    admin_labels = {LOCKED, EXPIRED, NO_SECOND_FACTOR, FAILED}
    for user in (system_admin, security_admin, audit_admin):
        assert set(_entries(user)) <= admin_labels


def test_the_account_list_ignores_a_state_it_does_not_know(client, system_admin):
    login(client, system_admin)
    for state in ("bogus", "", "locked\x00"):
        resp = client.get(reverse("accounts:user_list"), {"state": state})
        assert resp.status_code in (200, 400)
        if resp.status_code == 200:
            assert system_admin.username in resp.content.decode()


def test_every_administrator_lands_on_a_workbench(client, system_admin, security_admin, audit_admin):
    for user in (system_admin, security_admin, audit_admin):
        login(client, user)
        body = client.get(reverse("home")).content.decode()
        assert 'data-testid="late"' in body and 'data-testid="todos"' in body
        client.logout()
