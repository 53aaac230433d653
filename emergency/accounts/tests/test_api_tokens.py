"""API tokens obey the session's policy (issue 9, item 2): hashed, expiring, revoked with the password or
the role, and useless to a second-factor role unless issued after the second factor."""

from __future__ import annotations

import hashlib
import types
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from conftest import PASSWORD, login
from emergency.accounts import services
from emergency.accounts.models import ApiToken
from emergency.core.models import AuditEvent

ME = "/api/v1/me/"
AUDIT_API = "/api/v1/audit-events/"
NEW_PASSWORD = "Fresh#Pass2026"


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


def call(client, key: str, url: str = ME):
    return client.get(url, HTTP_AUTHORIZATION=f"Token {key}")


def refused(resp, code: str) -> dict:
    """A refusal in the API's one error format, with the status session callers get (403)."""
    assert resp.status_code == 403, resp.content
    err = resp.json()["error"]
    assert err["code"] == code and err["fields"] == {} and err["message"]
    return err


def revocations(token_owner, reason: str):
    return AuditEvent.objects.filter(event_type="token_revoked", object_type="accounts.ApiToken",
                                     object_id__in=[str(pk) for pk in token_owner.api_tokens.values_list("pk",
                                                                                                           flat=True)],
                                     changes__reason=reason)


# --- storage and issue -------------------------------------------------------------------------------------


def test_only_a_hash_of_the_key_is_stored_and_the_issue_is_audited(client, bureau_officer):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    token = ApiToken.objects.get(user=bureau_officer)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, str(token)}
    event = AuditEvent.objects.get(event_type="token_issued")
    assert event.actor == bureau_officer and event.object_id == str(token.pk)
    assert key not in str(event.changes) and set(event.changes) == {"expires_at", "otp_verified"}
    assert call(client, key).status_code == 200


def test_reissuing_revokes_the_previous_token(client, bureau_officer):
    old = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    new = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    refused(call(client, old), "authentication_failed")
    assert call(client, new).status_code == 200
    assert revocations(bureau_officer, "reissued").count() == 1


def test_an_unknown_or_missing_token_keeps_the_403(client, db):
    refused(client.get(ME, HTTP_AUTHORIZATION="Token not-a-real-token"), "authentication_failed")
    assert "WWW-Authenticate" not in client.get(ME)
    refused(client.get(ME), "not_authenticated")


# --- expiry --------------------------------------------------------------------------------------------------


def test_a_token_lives_for_the_rules_number_of_days(bureau_officer, security_admin):
    services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    lifetime = ApiToken.objects.get(user=bureau_officer).expires_at - timezone.now()
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)
    services.security_rule_set(acting_user=security_admin, key="security.api_token_days", value=7)
    services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    lifetime = ApiToken.objects.get(user=bureau_officer, revoked_at__isnull=True).expires_at - timezone.now()
    assert timedelta(days=6, hours=23) < lifetime <= timedelta(days=7)


def test_an_expired_token_is_refused_with_a_clear_message(client, bureau_officer):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    ApiToken.objects.filter(user=bureau_officer).update(expires_at=timezone.now() - timedelta(seconds=1))
    err = refused(call(client, key), "token_expired")
    assert "过期" in err["message"]


def test_the_token_lifetime_cannot_be_loosened(security_admin):
    with pytest.raises(ValidationError):
        services.security_rule_set(acting_user=security_admin, key="security.api_token_days", value=31)


# --- the password policy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("why", ["expired", "must_change"])
def test_a_token_is_refused_while_the_password_must_change(client, bureau_officer, why):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    if why == "expired":
        bureau_officer.password_changed_at = timezone.now() - timedelta(days=91)
    else:
        bureau_officer.must_change_password = True
    bureau_officer.save()
    refused(call(client, key), "password_change_required")
    # The same answer a session gets.
    login(client, bureau_officer)
    assert client.get(ME).status_code == 403


def test_no_token_is_issued_while_the_password_must_change(bureau_officer):
    bureau_officer.must_change_password = True
    bureau_officer.save()
    with pytest.raises(ValidationError):
        services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    assert not ApiToken.objects.exists()


def test_a_password_reset_by_the_system_admin_revokes_the_token(client, system_admin, bureau_officer):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    login(client, system_admin)
    assert client.post(f"/accounts/users/{bureau_officer.pk}/", {"action": "reset",
                                                                 "password": NEW_PASSWORD}).status_code == 302
    client.logout()
    refused(call(client, key), "authentication_failed")
    event = revocations(bureau_officer, "password_reset").get()
    assert event.actor == system_admin and event.success
    # Revoked for good, not only while the new password must be changed.
    bureau_officer.refresh_from_db()
    bureau_officer.must_change_password = False
    bureau_officer.save()
    refused(call(client, key), "authentication_failed")


def test_the_users_own_password_change_revokes_the_token(client, bureau_officer):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    login(client, bureau_officer)
    assert client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                               "new_password2": NEW_PASSWORD}).status_code == 302
    client.logout()
    refused(call(client, key), "authentication_failed")
    assert revocations(bureau_officer, "password_changed").get().actor == bureau_officer


def test_deactivation_revokes_the_token_for_good(client, system_admin, bureau_officer):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    services.user_set_active(acting_user=system_admin, user=bureau_officer, active=False)
    assert revocations(bureau_officer, "deactivated").get().actor == system_admin
    services.user_set_active(acting_user=system_admin, user=bureau_officer, active=True)
    refused(call(client, key), "authentication_failed")


# --- role changes and the second factor ------------------------------------------------------------------


def test_a_role_change_revokes_the_token(client, security_admin, bureau_officer, guangfu):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    services.user_set_role(acting_user=security_admin, user=bureau_officer, role="subdistrict", division=guangfu)
    refused(call(client, key), "authentication_failed")
    assert revocations(bureau_officer, "role_changed").get().actor == security_admin


def test_a_token_issued_without_the_second_factor_cannot_serve_a_second_factor_role(client, bureau_officer):
    """The probe: a token minted before the account got an audit role read the audit log. Even if the role
    were changed behind the services' back, the token was not issued after a second factor."""
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    type(bureau_officer).objects.filter(pk=bureau_officer.pk).update(role="audit_admin")
    refused(call(client, key, AUDIT_API), "second_factor_required")


def test_a_role_change_to_the_audit_admin_kills_the_old_token(client, security_admin, bureau_officer):
    key = services.api_token_issue(acting_user=bureau_officer, otp_verified=False)
    services.user_set_role(acting_user=security_admin, user=bureau_officer, role="audit_admin")
    assert call(client, key, AUDIT_API).status_code == 403


def test_a_second_factor_role_gets_no_token_without_the_second_factor(audit_admin):
    with pytest.raises(ValidationError):
        services.api_token_issue(acting_user=audit_admin, otp_verified=False)
    assert not ApiToken.objects.exists()


def test_a_token_issued_in_a_verified_session_serves_the_audit_admin(client, audit_admin):
    login(client, audit_admin)  # verified: the second factor was passed
    key = client.post("/accounts/profile/token/").context["new_key"]
    assert ApiToken.objects.get(user=audit_admin).otp_verified
    client.logout()
    assert call(client, key, AUDIT_API).status_code == 200


# --- the profile page ----------------------------------------------------------------------------------------


def test_the_profile_shows_the_key_once_and_when_the_token_expires(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.post("/accounts/profile/token/")
    key = resp.context["new_key"]
    assert key in resp.content.decode()
    token = ApiToken.objects.get(user=bureau_officer)
    expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    page = client.get("/accounts/profile/").content.decode()
    assert expires in page and key not in page
    # The header's placeholder is text, not a tag the browser would swallow.
    assert "Token &lt;key&gt;" in page
    # Not carried in a message cookie either.
    assert key not in str(client.cookies)


def test_the_owner_revokes_the_token_on_the_profile(client, bureau_officer):
    login(client, bureau_officer)
    key = client.post("/accounts/profile/token/").context["new_key"]
    assert client.post("/accounts/profile/token/revoke/").status_code == 302
    assert client.get("/accounts/profile/").context["token"] is None
    event = revocations(bureau_officer, "revoked_by_owner").get()
    assert event.actor == bureau_officer
    client.logout()
    refused(call(client, key), "authentication_failed")


# --- the migration away from DRF's authtoken -------------------------------------------------------------


def test_the_migration_drops_drfs_plain_text_token_table(db):
    from importlib import import_module

    drop = import_module("emergency.accounts.migrations.0005_api_tokens_and_otp_enrolment").drop_drf_tokens
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef0123456789abcdef01234567', 1)")
    MigrationRecorder(connection).record_applied("authtoken", "0001_initial")

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    editor = types.SimpleNamespace(connection=connection, execute=execute, quote_name=connection.ops.quote_name,
                                   sql_delete_table=connection.SchemaEditorClass.sql_delete_table)
    drop(None, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert not MigrationRecorder(connection).migration_qs.filter(app="authtoken").exists()
    drop(None, editor)  # a database that never had the table
