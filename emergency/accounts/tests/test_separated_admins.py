"""三员分立: the system, security and audit administrators each do their own work and no other's."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, login
from emergency.accounts import services
from emergency.accounts.models import User
from emergency.core.models import AuditEvent, Division, Rule
from emergency.core.roles import Role

NEW_PASSWORD = "Fresh#Pass2026"
BUSINESS = ["bureau_admin", "bureau_officer", "department_clerk", "subdistrict_officer", "enterprise_manager",
            "expert"]


@pytest.fixture
def target(expert) -> User:
    return expert


# --- the system administrator manages accounts ------------------------------------------------------------


def test_the_system_admin_creates_an_account_without_a_business_role(client, system_admin):
    login(client, system_admin)
    resp = client.post("/accounts/users/new/", {"username": "new_clerk", "full_name": "新职员",
                                                "email": "n@test.local", "password": NEW_PASSWORD})
    assert resp.status_code == 302
    user = User.objects.get(username="new_clerk")
    assert user.role == Role.EXPERT and user.must_change_password
    event = AuditEvent.objects.get(event_type="account_created")
    assert event.actor == system_admin and event.success
    assert event.object_type == "accounts.User" and event.object_id == str(user.pk)
    assert event.changes == {"username": [None, "new_clerk"], "full_name": [None, "新职员"]}


def test_the_system_admin_resets_a_password_and_forces_a_change(client, system_admin, target):
    login(client, system_admin)
    resp = client.post(f"/accounts/users/{target.pk}/", {"action": "reset", "password": NEW_PASSWORD})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD) and target.must_change_password
    event = AuditEvent.objects.get(event_type="account_updated", object_id=str(target.pk))
    assert event.actor == system_admin
    assert set(event.changes) == {"password", "must_change_password"}
    assert NEW_PASSWORD not in str(event.changes)


def test_the_system_admin_deactivates_an_account(client, system_admin, target):
    login(client, system_admin)
    assert client.post(f"/accounts/users/{target.pk}/", {"action": "deactivate"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    event = AuditEvent.objects.get(event_type="account_updated", object_id=str(target.pk))
    assert event.actor == system_admin and event.changes == {"is_active": [True, False]}
    client.logout()
    resp = client.post("/accounts/login/", {"username": target.username, "password": PASSWORD})
    assert resp.status_code == 200 and not resp.wsgi_request.user.is_authenticated


def test_the_system_admin_cannot_assign_roles(client, system_admin, target, guangfu):
    login(client, system_admin)
    resp = client.post(f"/accounts/users/{target.pk}/", {"action": "role", "role": "subdistrict",
                                                         "division": guangfu.pk})
    assert resp.status_code == 403
    target.refresh_from_db()
    assert target.role == Role.EXPERT
    with pytest.raises(PermissionError):
        services.user_set_role(acting_user=system_admin, user=target, role="bureau_admin")


@pytest.mark.parametrize("url", ["/accounts/policy/", "/audit/", "/audit/export.xlsx", "/api/v1/audit-events/"])
def test_the_system_admin_cannot_reach_policy_or_audit(client, system_admin, url):
    login(client, system_admin)
    assert client.get(url).status_code == 403


# --- the security administrator manages roles, scope and the policy ---------------------------------------


def test_the_security_admin_assigns_a_role_and_scope(client, security_admin, target, guangfu):
    login(client, security_admin)
    resp = client.post(f"/accounts/users/{target.pk}/", {"action": "role", "role": "subdistrict",
                                                         "division": guangfu.pk})
    assert resp.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.SUBDISTRICT and target.division == guangfu
    event = AuditEvent.objects.get(event_type="role_changed")
    assert event.actor == security_admin and event.object_id == str(target.pk) and event.success
    assert event.changes == {"role": ["expert", "subdistrict"], "division": [None, str(guangfu.pk)]}


def test_the_security_admin_refuses_a_subdistrict_role_without_a_subdistrict(client, security_admin, target):
    login(client, security_admin)
    district = Division.objects.get(code="120105")
    resp = client.post(f"/accounts/users/{target.pk}/", {"action": "role", "role": "subdistrict",
                                                         "division": district.pk})
    assert resp.status_code == 200
    assert "division" in resp.context["role_form"].errors
    target.refresh_from_db()
    assert target.role == Role.EXPERT


def test_the_security_admin_cannot_change_the_own_role(security_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.user_set_role(acting_user=security_admin, user=security_admin, role="bureau_admin")


def test_the_security_admin_tightens_the_policy(client, security_admin):
    login(client, security_admin)
    resp = client.post("/accounts/policy/", {"key": "security.password_min_length", "value": 10})
    assert resp.status_code == 302
    assert Rule.objects.get(key="security.password_min_length").value == 10
    event = AuditEvent.objects.get(event_type="policy_changed")
    assert event.actor == security_admin and event.changes == {"value": [8, 10]}


@pytest.mark.parametrize("action", [{"action": "reset", "password": NEW_PASSWORD}, {"action": "deactivate"}])
def test_the_security_admin_cannot_reset_or_deactivate_accounts(client, security_admin, target, action):
    login(client, security_admin)
    assert client.post(f"/accounts/users/{target.pk}/", action).status_code == 403
    target.refresh_from_db()
    assert target.is_active and target.check_password(PASSWORD)


def test_the_security_admin_cannot_create_accounts(client, security_admin):
    login(client, security_admin)
    resp = client.post("/accounts/users/new/", {"username": "sneaky", "full_name": "x", "password": NEW_PASSWORD})
    assert resp.status_code == 403
    assert not User.objects.filter(username="sneaky").exists()
    with pytest.raises(PermissionError):
        services.user_create(acting_user=security_admin, username="sneaky", full_name="x", password=NEW_PASSWORD)
    assert not User.objects.filter(username="sneaky").exists()


@pytest.mark.parametrize("url", ["/audit/", "/audit/export.xlsx", "/api/v1/audit-events/"])
def test_the_security_admin_cannot_read_the_audit_log(client, security_admin, url):
    login(client, security_admin)
    assert client.get(url).status_code == 403


# --- the audit administrator only reads the log ------------------------------------------------------------


def test_the_audit_admin_reads_and_exports_the_log(client, audit_admin):
    login(client, audit_admin)
    assert client.get("/audit/").status_code == 200
    assert client.get("/audit/export.xlsx").status_code == 200


@pytest.mark.parametrize("url", ["/accounts/users/", "/accounts/users/new/", "/accounts/policy/"])
def test_the_audit_admin_cannot_manage_accounts_or_policy(client, audit_admin, url):
    login(client, audit_admin)
    assert client.get(url).status_code == 403


def test_the_audit_admin_cannot_change_a_user_or_a_rule(client, audit_admin, target, guangfu):
    login(client, audit_admin)
    for data in ({"action": "role", "role": "bureau_admin"}, {"action": "deactivate"},
                 {"action": "reset", "password": NEW_PASSWORD}):
        assert client.post(f"/accounts/users/{target.pk}/", data).status_code == 403
    assert client.post("/accounts/policy/", {"key": "security.lockout_failures", "value": 3}).status_code == 403
    target.refresh_from_db()
    assert target.role == Role.EXPERT and target.is_active
    assert Rule.objects.get(key="security.lockout_failures").value == 5
    with pytest.raises(PermissionError):
        services.security_rule_set(acting_user=audit_admin, key="security.lockout_failures", value=3)


# --- business users do none of the three jobs --------------------------------------------------------------


@pytest.mark.parametrize("persona", BUSINESS)
@pytest.mark.parametrize("url", ["/accounts/users/", "/accounts/users/new/", "/accounts/policy/", "/audit/",
                                 "/audit/export.xlsx"])
def test_business_users_do_no_administrator_work(client, request, db, persona, url):
    login(client, request.getfixturevalue(persona))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_separated_admins_land_on_an_administration_home(client, request, db, persona, community_a):
    login(client, request.getfixturevalue(persona))
    resp = client.get("/")
    assert resp.status_code == 200
    assert [t.name for t in resp.templates][0] == "core/home_admin.html"
    assert community_a.name not in resp.content.decode()
    keys = {item["key"] for item in resp.context["nav_items"]}
    assert not keys & {"divisions", "departments", "map"}
