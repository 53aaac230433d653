"""Enrolling a TOTP device needs a one-time code from the security administrator (issue 9, item 7).

The system administrator sets every initial password; if the first login could enrol an authenticator,
the system administrator could take any account the security administrator raises to an admin role
(audit included). The enrolment code is what the system administrator does not have.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, login
from emergency.accounts import services
from emergency.accounts.models import OtpEnrolmentCode, User
from emergency.core.models import AuditEvent

OTP = "/accounts/otp/"
INITIAL_PASSWORD = "Initial#Pass2026"


def password_login(client, username: str, password: str = PASSWORD):
    resp = client.post("/accounts/login/", {"username": username, "password": password})
    assert resp.status_code == 302, "the password step must succeed"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def newcomer(client, system_admin, security_admin) -> User:
    """An account the system admin created (initial password known to them), made audit admin."""
    login(client, system_admin)
    assert client.post("/accounts/users/new/", {"username": "new_auditor", "full_name": "新审计",
                                                "password": INITIAL_PASSWORD}).status_code == 302
    client.logout()
    user = User.objects.get(username="new_auditor")
    services.user_set_role(acting_user=security_admin, user=user, role="audit_admin")
    return user


# --- the system administrator cannot enrol or issue -----------------------------------------------------------


def test_the_system_admin_cannot_enrol_a_device_with_the_initial_password(client, newcomer):
    """The probe's path: log in first with the initial password, enrol on /accounts/otp/, read the audit log."""
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    resp = client.get(OTP)
    assert resp.status_code == 200 and resp.context["needs_code"]
    assert resp.context["qr"] is None and resp.context["secret"] is None
    assert "data:image/svg+xml" not in resp.content.decode()
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    # A six-digit TOTP guess at the page does not enrol anything either.
    client.post(OTP, {"token": "123456"})
    resp = client.post(OTP, {"code": "ABCD-EFGH-JKMN"})
    assert resp.status_code == 200 and "code" in resp.context["form"].errors
    assert not TOTPDevice.objects.filter(user=newcomer).exists()
    assert client.get("/api/v1/audit-events/").status_code == 403
    assert client.get("/audit/").status_code == 302
    failed = AuditEvent.objects.filter(event_type="otp_failed", object_id=str(newcomer.pk))
    assert failed.exists() and all(not e.success for e in failed)


def test_the_system_admin_cannot_issue_enrolment_codes(client, system_admin, newcomer):
    with pytest.raises(PermissionError):
        services.otp_enrolment_code_issue(acting_user=system_admin, user=newcomer)
    login(client, system_admin)
    assert client.post(f"/accounts/users/{newcomer.pk}/", {"action": "enrolment_code"}).status_code == 403
    assert "enrolment_code" not in client.get(f"/accounts/users/{newcomer.pk}/").content.decode()
    assert not OtpEnrolmentCode.objects.exists()
    assert not AuditEvent.objects.filter(event_type="otp_enrolment_code").exists()
    assert AuditEvent.objects.filter(event_type="access_denied", actor=system_admin).exists()


@pytest.mark.parametrize("persona", ["audit_admin", "bureau_officer", "bureau_admin"])
def test_other_roles_cannot_issue_enrolment_codes(request, persona, newcomer):
    with pytest.raises(PermissionError):
        services.otp_enrolment_code_issue(acting_user=request.getfixturevalue(persona), user=newcomer)


# --- the security administrator issues; the owner enrols ------------------------------------------------------


def test_the_security_admin_issues_a_code_shown_once_and_stored_hashed(client, security_admin, newcomer):
    login(client, security_admin)
    page = client.get(f"/accounts/users/{newcomer.pk}/").content.decode()
    assert 'value="enrolment_code"' in page
    resp = client.post(f"/accounts/users/{newcomer.pk}/", {"action": "enrolment_code"})
    assert resp.status_code == 200
    code = resp.context["enrolment_code"]
    assert code in resp.content.decode()
    row = OtpEnrolmentCode.objects.get(user=newcomer)
    assert row.code_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert row.issued_by == security_admin and row.used_at is None
    assert timedelta(hours=23, minutes=59) < row.expires_at - timezone.now() <= timedelta(hours=24)
    event = AuditEvent.objects.get(event_type="otp_enrolment_code")
    assert event.actor == security_admin and event.object_id == str(newcomer.pk) and event.success
    assert code not in str(event.changes) and code.replace("-", "") not in str(event.changes)
    assert code not in client.get(f"/accounts/users/{newcomer.pk}/").content.decode()


def test_the_owner_enrols_with_the_code_and_the_enrolment_is_audited(client, security_admin, newcomer):
    code = services.otp_enrolment_code_issue(acting_user=security_admin, user=newcomer)
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    assert client.post(OTP, {"code": code.lower().replace("-", " ")}).status_code == 302
    resp = client.get(OTP)
    assert resp.context["enrolling"] and resp.context["qr"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=newcomer)
    assert resp.context["secret"] == device.key and not device.confirmed
    resp = client.post(OTP, {"token": code_for(device), "next": "/accounts/password/"})
    assert resp.status_code == 302 and resp["Location"] == "/accounts/password/"
    device.refresh_from_db()
    assert device.confirmed
    assert OtpEnrolmentCode.objects.get(user=newcomer).used_at is not None
    enrolled = AuditEvent.objects.get(event_type="otp_enrolled")
    assert enrolled.actor == newcomer and enrolled.object_id == str(newcomer.pk) and enrolled.success
    # Next stop is the forced password change (the initial password is the system admin's).
    assert client.get("/").status_code == 302


def test_a_code_works_once(client, security_admin, newcomer):
    code = services.otp_enrolment_code_issue(acting_user=security_admin, user=newcomer)
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    client.post(OTP, {"code": code})
    client.get(OTP)
    client.post(OTP, {"token": code_for(TOTPDevice.objects.get(user=newcomer))})
    # The device is lost and removed; the spent code enrols nothing.
    TOTPDevice.objects.filter(user=newcomer).delete()
    client.logout()
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    resp = client.post(OTP, {"code": code})
    assert resp.status_code == 200 and "code" in resp.context["form"].errors


def test_an_expired_code_is_refused(client, security_admin, newcomer):
    code = services.otp_enrolment_code_issue(acting_user=security_admin, user=newcomer)
    OtpEnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    resp = client.post(OTP, {"code": code})
    assert resp.status_code == 200 and "code" in resp.context["form"].errors


def test_a_code_expiring_before_the_first_totp_code_enrols_nothing(client, security_admin, newcomer):
    code = services.otp_enrolment_code_issue(acting_user=security_admin, user=newcomer)
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    client.post(OTP, {"code": code})
    client.get(OTP)
    device = TOTPDevice.objects.get(user=newcomer)
    OtpEnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    resp = client.post(OTP, {"token": code_for(device)})
    assert resp.status_code == 302 and resp["Location"].startswith(OTP)
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(OTP).context["needs_code"]
    assert not AuditEvent.objects.filter(event_type="otp_enrolled").exists()


def test_a_new_code_replaces_the_old_one(client, security_admin, newcomer):
    first = services.otp_enrolment_code_issue(acting_user=security_admin, user=newcomer)
    second = services.otp_enrolment_code_issue(acting_user=security_admin, user=newcomer)
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    assert "code" in client.post(OTP, {"code": first}).context["form"].errors
    assert client.post(OTP, {"code": second}).status_code == 302


def test_a_secret_shown_before_the_code_is_void(client, security_admin, newcomer):
    """An unconfirmed device left over (e.g. from the old first-login enrolment) is not the one enrolled."""
    stale = TOTPDevice.objects.create(user=newcomer, name="default", confirmed=False)
    code = services.otp_enrolment_code_issue(acting_user=security_admin, user=newcomer)
    assert not TOTPDevice.objects.filter(pk=stale.pk).exists()
    password_login(client, newcomer.username, INITIAL_PASSWORD)
    client.post(OTP, {"code": code})
    assert client.get(OTP).context["secret"] != stale.key


def test_no_code_for_the_own_account_a_device_holder_or_a_role_without_a_second_factor(
        security_admin, bureau_admin, bureau_officer):
    for target in (security_admin, bureau_admin, bureau_officer):
        with pytest.raises(ValidationError):
            services.otp_enrolment_code_issue(acting_user=security_admin, user=target)
    assert not OtpEnrolmentCode.objects.exists()


# --- bootstrap and demo ---------------------------------------------------------------------------------------


def test_the_operator_issues_the_first_security_admins_code(client, security_admin):
    TOTPDevice.objects.filter(user=security_admin).delete()
    out = StringIO()
    call_command("otp_enrolment_code", security_admin.username, stdout=out)
    code = out.getvalue().strip()
    password_login(client, security_admin.username)
    assert client.post(OTP, {"code": code}).status_code == 302
    event = AuditEvent.objects.get(event_type="otp_enrolment_code")
    assert event.actor is None and event.changes["issued_via"] == "manage.py"
    with pytest.raises(CommandError):
        call_command("otp_enrolment_code", "nobody", stdout=StringIO())


def test_the_demo_admins_still_log_in_with_the_demo_totp_key(client, db):
    from emergency.core import demo

    demo.load_demo(communities_per_subdistrict=0, grids_per_community=0)
    for username in ("bureau_admin", "sys_admin", "sec_admin", "audit_admin"):
        client.logout()
        password_login(client, username, demo.DEMO_PASSWORD)
        code = f"{totp(bytes.fromhex(demo.DEMO_TOTP_KEY)):06d}"
        resp = client.post(OTP, {"token": code, "next": "/accounts/profile/"})
        assert resp.status_code == 302 and resp["Location"] == "/accounts/profile/", username
        TOTPDevice.objects.filter(user__username=username).update(last_t=-1)  # the same code again next time
