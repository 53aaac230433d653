"""Administrative roles log in with a second factor (TOTP); other roles are not asked."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from emergency.accounts import services
from emergency.core.models import AuditEvent

ADMIN_ROLES = ["bureau_admin", "system_admin", "security_admin", "audit_admin"]
OTHER_ROLES = ["bureau_officer", "department_clerk", "subdistrict_officer", "enterprise_manager", "expert"]
OTP = "/accounts/otp/"


def password_login(client, user):
    resp = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert resp.status_code == 302, "the password step must succeed"
    return resp


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


@pytest.fixture
def device_of():
    def _device(user) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
            user=user, name="app", confirmed=True)
        return device

    return _device


@pytest.mark.parametrize("persona", ADMIN_ROLES)
@pytest.mark.parametrize("url", ["/", "/accounts/profile/", "/accounts/users/", "/audit/", "/api/v1/me/"])
def test_admin_roles_are_sent_to_the_second_factor(client, request, db, device_of, persona, url):
    user = request.getfixturevalue(persona)
    device_of(user)
    password_login(client, user)
    resp = client.get(url)
    if url.startswith("/api/"):
        assert resp.status_code == 403 and resp.json()["error"]["code"] == "not_authenticated"
    else:
        assert resp.status_code == 302 and resp["Location"] == f"{OTP}?next={url}"


@pytest.mark.parametrize("persona", ADMIN_ROLES)
def test_a_right_code_passes_and_is_audited(client, request, db, device_of, persona):
    user = request.getfixturevalue(persona)
    device = device_of(user)
    password_login(client, user)
    resp = client.post(OTP, {"token": code_for(device), "next": "/accounts/profile/"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200
    event = AuditEvent.objects.get(event_type="otp_verified")
    assert event.actor == user and event.success and event.object_id == str(user.pk)


@pytest.mark.parametrize("persona", ADMIN_ROLES)
def test_a_wrong_code_is_rejected_and_audited(client, request, db, device_of, persona):
    user = request.getfixturevalue(persona)
    device = device_of(user)
    password_login(client, user)
    resp = client.post(OTP, {"token": wrong_code(device)})
    assert resp.status_code == 200
    assert "token" in resp.context["form"].errors
    assert client.get("/accounts/profile/").status_code == 302
    event = AuditEvent.objects.get(event_type="otp_failed")
    assert event.actor == user and not event.success
    assert event.object_type == "accounts.User" and event.object_id == str(user.pk)


def test_a_malformed_code_is_rejected_without_checking_the_device(client, bureau_admin):
    password_login(client, bureau_admin)
    resp = client.post(OTP, {"token": "12ab"})
    assert "token" in resp.context["form"].errors
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("persona", OTHER_ROLES)
def test_other_roles_are_not_asked_for_a_second_factor(client, request, db, persona):
    user = request.getfixturevalue(persona)
    password_login(client, user)
    assert client.get("/").status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_first_time_enrolment_shows_a_qr_code_and_confirms_the_device(client, system_admin, security_admin):
    assert not TOTPDevice.objects.filter(user=system_admin).exists()
    code = services.otp_enrolment_code_issue(acting_user=security_admin, user=system_admin)
    password_login(client, system_admin)
    assert client.post(OTP, {"code": code}).status_code == 302
    resp = client.get(OTP)
    assert resp.status_code == 200 and resp.context["enrolling"]
    assert resp.context["qr"].startswith("data:image/svg+xml")
    assert 'class="em-qr' in resp.content.decode()
    device = TOTPDevice.objects.get(user=system_admin)
    assert not device.confirmed and resp.context["secret"] == device.key
    assert client.post(OTP, {"token": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/accounts/users/").status_code == 200


def test_enrolment_keeps_one_device_across_reloads(client, security_admin, audit_admin):
    code = services.otp_enrolment_code_issue(acting_user=security_admin, user=audit_admin)
    password_login(client, audit_admin)
    client.post(OTP, {"code": code})
    client.get(OTP)
    client.get(OTP)
    assert TOTPDevice.objects.filter(user=audit_admin).count() == 1


def test_a_confirmed_device_shows_no_qr_code(client, bureau_admin):
    password_login(client, bureau_admin)
    resp = client.get(OTP)
    assert not resp.context["enrolling"] and resp.context["qr"] is None
    assert "data:image/svg+xml" not in resp.content.decode()


def test_the_second_factor_is_asked_again_after_logout(client, bureau_admin):
    device = TOTPDevice.objects.get(user=bureau_admin)
    password_login(client, bureau_admin)
    client.post(OTP, {"token": code_for(device)})
    client.post("/accounts/logout/")
    password_login(client, bureau_admin)
    assert client.get("/").status_code == 302
