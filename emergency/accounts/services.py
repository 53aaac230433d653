"""Account writes. The system admin manages accounts; the security admin manages roles and scope."""

from __future__ import annotations

import functools
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from emergency.core import actors, rules
from emergency.core.audit import audit_record, model_update
from emergency.core.models import AuditEvent, Rule
from emergency.core.roles import OTP_REQUIRED_ROLES, SCOPE_FIELD, Role, can_manage_accounts, can_manage_roles

from .models import ApiToken, OtpEnrolmentCode, User
from .policy import OTP_ENROLMENT_CODE_LIFETIME, api_token_lifetime, password_change_required


def _require(check, user) -> None:
    if actors.is_system(user):
        return  # an operator's management command on the server (deactivate_demo): named in the audit row
    if not check(user):
        audit_record(acting_user=user, event_type=AuditEvent.Type.ACCESS_DENIED, success=False,
                     object_type="accounts.User")
        raise PermissionError(_("You may not do this."))


def requires(check):
    """Check permission before the service's transaction opens, so the refusal's audit row survives."""

    def decorate(service):
        @functools.wraps(service)
        def wrapped(*args, acting_user, **kwargs):
            _require(check, acting_user)
            return service(*args, acting_user=acting_user, **kwargs)

        return wrapped

    return decorate


def _check_scope(role: str, department, division, enterprise) -> None:
    errors = {}
    if role == Role.DEPARTMENT and department is None:
        errors["department"] = _("A department user needs a department.")
    if role == Role.SUBDISTRICT and (division is None or division.level != "subdistrict"):
        errors["division"] = _("A subdistrict user needs a subdistrict.")
    if role == Role.ENTERPRISE and enterprise is None:
        errors["enterprise"] = _("An enterprise user needs an enterprise.")
    if errors:
        raise ValidationError(errors)


@requires(can_manage_accounts)
@transaction.atomic
def user_create(*, acting_user, username: str, full_name: str, password: str, email: str = "",
                phone: str = "") -> User:
    """A new account starts with no business role (expert, read nothing) until the security admin sets one."""
    user = User(username=username.strip(), full_name=full_name.strip(), email=email, phone=phone,
                role=Role.EXPERT, must_change_password=True)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ACCOUNT_CREATED, obj=user,
                 changes={"username": [None, user.username], "full_name": [None, user.full_name]})
    return user


@requires(can_manage_accounts)
@transaction.atomic
def user_set_active(*, acting_user, user: User, active: bool) -> None:
    if user.pk == acting_user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    changes = model_update(instance=user, data={"is_active": active})
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ACCOUNT_UPDATED, obj=user, changes=changes)
    if not active:
        # The authentication class refuses an inactive user anyway; revoking makes reactivation not
        # bring old keys back to life.
        _api_tokens_revoke(acting_user=acting_user, user=user, reason="deactivated")


@requires(can_manage_accounts)
@transaction.atomic
def user_reset_password(*, acting_user, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ACCOUNT_UPDATED, obj=user,
                 changes={"password": ["***", "***"], "must_change_password": [None, True]})
    # A reset answers a suspected compromise: whatever the old password let someone mint goes too.
    _api_tokens_revoke(acting_user=acting_user, user=user, reason="password_reset")


@requires(can_manage_roles)
@transaction.atomic
def user_set_role(*, acting_user, user: User, role: str, department=None, division=None,
                  enterprise=None) -> dict:
    if user.pk == acting_user.pk:
        raise ValidationError(_("You cannot change your own role."))
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    _check_scope(role, department, division, enterprise)
    data = {
        "role": role,
        "department": department if SCOPE_FIELD.get(role) == "department" else None,
        "division": division if SCOPE_FIELD.get(role) == "division" else None,
        "enterprise": enterprise if SCOPE_FIELD.get(role) == "enterprise" else None,
    }
    changes = model_update(instance=user, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ROLE_CHANGED, obj=user, changes=changes)
        # A token was issued under the old role and scope (and, for a role that now needs a second
        # factor, perhaps without one): the owner issues a new one under the new terms.
        _api_tokens_revoke(acting_user=acting_user, user=user, reason="role_changed")
    return changes


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    if old_password == new_password:
        raise ValidationError({"new_password1": _("The new password must differ from the current one.")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_record(acting_user=user, event_type=AuditEvent.Type.PASSWORD_CHANGED, obj=user)
    # As sessions elsewhere lose their auth hash, tokens minted under the old password stop working.
    _api_tokens_revoke(acting_user=user, user=user, reason="password_changed")


@requires(can_manage_roles)
@transaction.atomic
def security_rule_set(*, acting_user, key: str, value: int) -> dict:
    if not key.startswith("security."):
        raise ValidationError({"key": _("Only security rules are edited here.")})
    rule = Rule.objects.select_for_update().get(key=key)
    # The rule's schema (core/rules.py) holds the 等保 baseline: tighten, never loosen.
    try:
        rules.validate(key, value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from exc
    changes = model_update(instance=rule, data={"value": value})
    rules.forget(key)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.POLICY_CHANGED, obj=rule, changes=changes)
    return changes


# --- API tokens -----------------------------------------------------------------------------------------


def secret_hash(secret: str) -> str:
    """SHA-256 of a random secret (API key, enrolment code): enough for a high-entropy value, which
    needs no slow password hash, and it lets the row be found by an indexed lookup."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _api_tokens_revoke(*, acting_user, user: User, reason: str) -> int:
    """Revoke the user's live tokens, one audit row each, in the caller's transaction."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True,
                                                              expires_at__gt=now))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.TOKEN_REVOKED, obj=token,
                     changes={"revoked_at": [None, now], "reason": reason})
    return len(tokens)


@transaction.atomic
def api_token_issue(*, acting_user, otp_verified: bool) -> str:
    """Issue the acting user's API token, revoking the previous one; return the key (shown once, stored hashed).

    `otp_verified` says whether the issuing session passed the second factor; a role that needs one
    gets no token without it. Tests and tools mint tokens through this function too.
    """
    if not (acting_user.is_authenticated and acting_user.is_active):
        raise PermissionError(_("You may not do this."))
    if password_change_required(acting_user):
        raise ValidationError(_("Change your password before issuing an API token."))
    if acting_user.role in OTP_REQUIRED_ROLES and not otp_verified:
        raise ValidationError(_("Your role needs the second factor before an API token can be issued."))
    _api_tokens_revoke(acting_user=acting_user, user=acting_user, reason="reissued")
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=acting_user, key_hash=secret_hash(key), otp_verified=bool(otp_verified),
                                    expires_at=timezone.now() + api_token_lifetime())
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.TOKEN_ISSUED, obj=token,
                 changes={"expires_at": [None, token.expires_at], "otp_verified": [None, token.otp_verified]})
    return key


@transaction.atomic
def api_token_revoke(*, acting_user) -> int:
    """The owner revokes their own token (profile page)."""
    return _api_tokens_revoke(acting_user=acting_user, user=acting_user, reason="revoked_by_owner")


def api_token_current(*, user: User) -> ApiToken | None:
    """The user's live token, if any (the profile page shows when it expires)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).first()


# --- second-factor enrolment ------------------------------------------------------------------------------

# No 0/O, 1/I/L or U: the code is read out over the telephone or copied from paper. 12 of 30 symbols
# are ~59 bits, far beyond guessing through the login page.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 12


def normalise_enrolment_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _otp_enrolment_code_create(*, acting_user, user: User, changes: dict | None = None) -> str:
    if user.role not in OTP_REQUIRED_ROLES:
        raise ValidationError(_("This role does not log in with a second factor."))
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("This account already has a second-factor device."))
    now = timezone.now()
    # Only the newest code counts: an earlier one, perhaps handed to the wrong person, stops working.
    OtpEnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    # A secret shown before (an unconfirmed device) dies too: enrolment starts afresh after the code.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    raw = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _i in range(ENROLMENT_CODE_LENGTH))
    row = OtpEnrolmentCode.objects.create(user=user, code_hash=secret_hash(raw),
                                          issued_by=acting_user,
                                          expires_at=now + OTP_ENROLMENT_CODE_LIFETIME)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.OTP_ENROLMENT_CODE, obj=user,
                 changes={"expires_at": [None, row.expires_at], **(changes or {})})
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


@requires(can_manage_roles)
@transaction.atomic
def otp_enrolment_code_issue(*, acting_user, user: User) -> str:
    """The security administrator issues the code that lets `user` enrol a TOTP device; returns it once.

    The system administrator sets the initial password, so enrolment must need something only the
    security administrator hands out: neither can take over an administrative account alone.
    """
    if user.pk == acting_user.pk:
        raise ValidationError(_("You cannot issue an enrolment code for your own account."))
    if not user.is_active:
        raise ValidationError(_("The account is inactive."))
    return _otp_enrolment_code_create(acting_user=acting_user, user=user)


@transaction.atomic
def otp_enrolment_code_issue_by_operator(*, user: User) -> str:
    """For `manage.py otp_enrolment_code`: the first security administrator has nobody to issue theirs.
    Whoever runs manage.py can already write the database, so this grants no new power; it is audited."""
    return _otp_enrolment_code_create(acting_user=None, user=user, changes={"issued_via": "manage.py"})


def _live_enrolment_code(*, user: User, code: str = "", pk: int | None = None, lock: bool = False):
    qs = OtpEnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
    if lock:
        qs = qs.select_for_update()
    if pk is not None:
        qs = qs.filter(pk=pk)
    else:
        qs = qs.filter(code_hash=secret_hash(normalise_enrolment_code(code)))
    return qs.first()


@transaction.atomic
def otp_enrolment_code_check(*, acting_user, code: str) -> OtpEnrolmentCode | None:
    """The account's owner presents the code on the second-factor page; a wrong one is audited.

    The code is spent only when the device is confirmed (otp_device_enrol), so a session lost between
    the two steps does not cost the owner a new code.
    """
    row = _live_enrolment_code(user=acting_user, code=code)
    if row is None:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.OTP_FAILED, obj=acting_user,
                     success=False, changes={"enrolment_code": "wrong or expired"})
    else:
        # A fresh secret for this session: none shown to an earlier one counts.
        TOTPDevice.objects.filter(user=acting_user, confirmed=False).delete()
    return row


@transaction.atomic
def otp_device_enrol(*, acting_user, device: TOTPDevice, enrolment_code_id: int) -> None:
    """Confirm the device whose first code was right, spending the enrolment code (once only)."""
    row = _live_enrolment_code(user=acting_user, pk=enrolment_code_id, lock=True)
    if row is None or device.user_id != acting_user.pk:
        raise ValidationError(_("The enrolment code has expired or was replaced; ask the security "
                                "administrator for a new one."))
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.OTP_ENROLLED, obj=acting_user,
                 changes={"device": [None, device.name], "enrolment_code": [None, str(row.pk)]})


def otp_device_prepare(*, acting_user) -> TOTPDevice:
    """The unconfirmed device whose secret the enrolment page shows (after the enrolment code was accepted).
    Not audited on its own: an unconfirmed device lets nobody in; `otp_device_enrol` records the enrolment."""
    device = TOTPDevice.objects.filter(user=acting_user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=acting_user, name="default", confirmed=False)
