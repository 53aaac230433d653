"""Every security and business event leaves an audit row; the log is append-only and read by the auditor."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook

from conftest import PASSWORD, login
from emergency.accounts import services as account_services
from emergency.core import services
from emergency.core.models import AuditEvent, Division


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


def only(event_type: str) -> AuditEvent:
    return AuditEvent.objects.get(event_type=event_type)


# --- security events ---------------------------------------------------------------------------------------


def test_a_login_is_audited(client, bureau_officer):
    client.post("/accounts/login/", {"username": bureau_officer.username, "password": PASSWORD})
    e = only("login")
    assert (e.actor, e.actor_username, e.success) == (bureau_officer, "bureau_officer", True)
    assert (e.object_type, e.object_id, e.changes) == ("accounts.User", str(bureau_officer.pk), {})
    assert e.ip_address == "127.0.0.1"


def test_a_logout_is_audited(client, bureau_officer):
    login(client, bureau_officer)
    client.post("/accounts/logout/")
    e = only("logout")
    assert (e.actor, e.success, e.object_type, e.object_id) == (bureau_officer, True, "accounts.User",
                                                                str(bureau_officer.pk))


def test_a_failed_login_is_audited_with_the_name_tried(client, bureau_officer):
    client.post("/accounts/login/", {"username": bureau_officer.username, "password": "Wrong#Pass1"})
    e = only("login_failed")
    assert (e.actor, e.actor_username, e.success, e.object_type) == (None, "bureau_officer", False,
                                                                     "accounts.User")
    assert "Wrong#Pass1" not in str(e.changes)


def test_a_lockout_is_audited(client, bureau_officer):
    for _ in range(5):
        client.post("/accounts/login/", {"username": bureau_officer.username, "password": "Wrong#Pass1"})
    e = only("locked_out")
    assert (e.actor_username, e.success, e.object_type) == ("bureau_officer", False, "accounts.User")


def test_a_password_change_is_audited(client, bureau_officer):
    login(client, bureau_officer)
    client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Tq7#zkwpX",
                                        "new_password2": "Tq7#zkwpX"})
    e = only("password_changed")
    assert (e.actor, e.success, e.object_id, e.changes) == (bureau_officer, True, str(bureau_officer.pk), {})


def test_a_role_change_is_audited_with_old_and_new(security_admin, expert, guangfu):
    account_services.user_set_role(acting_user=security_admin, user=expert, role="subdistrict", division=guangfu)
    e = only("role_changed")
    assert (e.actor, e.success, e.object_type, e.object_id) == (security_admin, True, "accounts.User",
                                                                str(expert.pk))
    assert e.changes == {"role": ["expert", "subdistrict"], "division": [None, str(guangfu.pk)]}


def test_an_account_creation_is_audited(system_admin):
    user = account_services.user_create(acting_user=system_admin, username="newbie", full_name="新人",
                                        password="Tq7#zkwpX")
    e = only("account_created")
    assert (e.actor, e.success, e.object_id) == (system_admin, True, str(user.pk))
    assert e.changes == {"username": [None, "newbie"], "full_name": [None, "新人"]}


def test_a_policy_change_is_audited(security_admin):
    account_services.security_rule_set(acting_user=security_admin, key="security.lockout_minutes", value=45)
    e = only("policy_changed")
    assert (e.actor, e.success, e.object_type, e.object_repr) == (security_admin, True, "core.Rule",
                                                                  "security.lockout_minutes=45")
    assert e.changes == {"value": [30, 45]}


def test_an_otp_failure_is_audited(client, bureau_admin):
    device = TOTPDevice.objects.get(user=bureau_admin)
    login(client, bureau_admin, verified=False)
    from django_otp.oath import totp

    right = f"{totp(device.bin_key):06d}"
    client.post("/accounts/otp/", {"token": "000000" if right != "000000" else "111111"})
    e = only("otp_failed")
    assert (e.actor, e.success, e.object_type, e.object_id) == (bureau_admin, False, "accounts.User",
                                                                str(bureau_admin.pk))


# --- business events ---------------------------------------------------------------------------------------


def test_a_data_export_is_audited_with_its_filters(client, bureau_officer):
    login(client, bureau_officer)
    client.get("/divisions/export.xlsx?level=community")
    e = only("export")
    assert (e.actor, e.success, e.object_type) == (bureau_officer, True, "core.Division")
    assert e.changes == {"filters": "level=community"}


def test_creating_a_division_is_audited_with_every_field(bureau_officer, community_a):
    e = AuditEvent.objects.get(event_type="create", object_id=str(community_a.pk))
    assert (e.actor, e.success, e.object_type, e.object_repr) == (bureau_officer, True, "core.Division",
                                                                  "测试甲社区")
    assert e.changes["code"] == [None, "120105001901"]
    assert e.changes["parent"] == [None, str(community_a.parent_id)]
    assert e.changes["contact_phone"] == [None, "13912345678"]


def test_updating_a_division_is_audited_with_the_changed_fields_only(bureau_officer, community_a):
    services.division_update(acting_user=bureau_officer, division=community_a,
                             data={"name": "测试甲社区", "population": 3000})
    e = only("update")
    assert (e.actor, e.object_id) == (bureau_officer, str(community_a.pk))
    assert e.changes == {"population": [None, 3000]}


def test_an_update_that_changes_nothing_writes_no_row(bureau_officer, community_a):
    services.division_update(acting_user=bureau_officer, division=community_a, data={"name": "测试甲社区"})
    assert not AuditEvent.objects.filter(event_type="update").exists()


def test_archiving_a_division_is_audited(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    client.post(f"/divisions/{community_a.pk}/archive/")
    e = only("archive")
    assert (e.actor, e.success, e.object_type, e.object_id) == (subdistrict_officer, True, "core.Division",
                                                                str(community_a.pk))
    assert e.ip_address == "127.0.0.1"


def test_an_attachment_download_is_audited(client, settings, tmp_path, subdistrict_officer, community_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from emergency.core.attachments import attachment_add

    settings.MEDIA_ROOT = tmp_path
    att = attachment_add(acting_user=subdistrict_officer, parent=community_a,
                         uploaded=SimpleUploadedFile("a.txt", b"hello"))
    login(client, subdistrict_officer)
    client.get(f"/attachments/{att.token}/")
    e = only("download")
    assert (e.actor, e.success, e.object_type, e.object_id, e.object_repr) == (
        subdistrict_officer, True, "core.Attachment", str(att.pk), "a.txt")


def test_a_failed_business_write_leaves_no_audit_row(bureau_officer, guangfu):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.division_create(acting_user=bureau_officer, code="999", name="错码", level="community",
                                 parent=guangfu)
    assert not AuditEvent.objects.filter(event_type="create", object_type="core.Division").exists()
    assert not Division.objects.filter(code="999").exists()


# --- append-only -------------------------------------------------------------------------------------------


@pytest.fixture
def event(bureau_officer, community_a) -> AuditEvent:
    return AuditEvent.objects.get(event_type="create", object_id=str(community_a.pk))


def test_an_audit_row_cannot_be_saved_again(event):
    event.success = False
    with pytest.raises(PermissionError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).success


def test_an_audit_row_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_rows_cannot_be_bulk_updated(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(success=False)
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(actor_username="nobody")
    assert AuditEvent.objects.get(pk=event.pk).actor_username == "bureau_officer"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_has_no_write_endpoint_for_the_audit_log(client, audit_admin, event, method):
    login(client, audit_admin)
    for url in ("/api/v1/audit-events/", f"/api/v1/audit-events/{event.pk}/"):
        resp = getattr(client, method)(url, {"success": False}, content_type="application/json")
        assert resp.status_code == 405, url
        assert resp.json()["error"]["code"] == "method_not_allowed"
    assert AuditEvent.objects.get(pk=event.pk).success


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_roles_get_403_from_the_audit_api(client, bureau_admin, event, method):
    login(client, bureau_admin)
    resp = getattr(client, method)(f"/api/v1/audit-events/{event.pk}/", {}, content_type="application/json")
    assert resp.status_code == 403


def test_no_audit_url_accepts_a_write(client, audit_admin, event):
    login(client, audit_admin)
    for url in ("/audit/", "/audit/export.xlsx"):
        client.post(url, {"success": "false"})
    assert AuditEvent.objects.get(pk=event.pk).success
    assert AuditEvent.objects.filter(pk=event.pk).count() == 1


# --- the auditor searches and exports ----------------------------------------------------------------------


def test_the_audit_admin_searches_by_event_type(client, audit_admin, bureau_officer, community_a):
    client.post("/accounts/login/", {"username": bureau_officer.username, "password": PASSWORD})
    client.logout()
    login(client, audit_admin)
    resp = client.get("/audit/?event_type=login")
    assert resp.status_code == 200
    rows = list(resp.context["page"])
    assert rows and all(r.event_type == "login" for r in rows)
    assert "bureau_officer" in {r.actor_username for r in rows}
    assert not any(r.event_type == "create" for r in rows)


def test_the_audit_admin_exports_the_search_and_the_export_is_audited(client, audit_admin, bureau_officer):
    client.post("/accounts/login/", {"username": bureau_officer.username, "password": "Wrong#Pass1"})
    login(client, audit_admin)
    resp = client.get("/audit/export.xlsx?event_type=login_failed")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content), read_only=True).worksheets[0]
    header, *rows = list(ws.iter_rows(values_only=True))
    assert len(header) == 9 and len(rows) == 1
    with translation.override("zh-hans"):
        label = str(AuditEvent.Type.LOGIN_FAILED.label)
    assert rows[0][1] == "bureau_officer" and rows[0][2] == label
    e = AuditEvent.objects.get(event_type="export")
    assert (e.actor, e.object_type, e.changes) == (audit_admin, "core.AuditEvent", {"filters": "event_type=login_failed"})


@pytest.mark.parametrize("persona", ["bureau_admin", "system_admin", "security_admin", "subdistrict_officer"])
def test_no_one_else_searches_or_exports_the_log(client, request, db, persona):
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get("/audit/?event_type=login").status_code == 403
    assert client.get("/audit/export.xlsx").status_code == 403
    denied = AuditEvent.objects.filter(event_type="access_denied", actor=user, object_type="core.AuditEvent")
    assert denied.count() == 2 and not denied.first().success
