"""Account writes. The system admin manages accounts; the security admin manages roles and scope."""

from __future__ import annotations

import functools

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core import rules
from emergency.core.audit import audit_record, model_update
from emergency.core.models import AuditEvent, Rule

from .models import User
from .roles import SCOPE_FIELD, Role, can_manage_accounts, can_manage_roles


def _require(check, user) -> None:
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


@requires(can_manage_accounts)
@transaction.atomic
def user_reset_password(*, acting_user, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ACCOUNT_UPDATED, obj=user,
                 changes={"password": ["***", "***"], "must_change_password": [None, True]})


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


@requires(can_manage_roles)
@transaction.atomic
def security_rule_set(*, acting_user, key: str, value: int) -> dict:
    if not key.startswith("security."):
        raise ValidationError({"key": _("Only security rules are edited here.")})
    rule = Rule.objects.select_for_update().get(key=key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError({"value": _("Enter a whole number of at least 1.")})
    floor = next(r.value for r in rules.RULE_DEFAULTS if r.key == key)
    # The shipped values are the level-3 minimums: a deployment may tighten them, never loosen.
    stricter_is_lower = key in ("security.lockout_failures", "security.password_max_age_days",
                                "security.idle_timeout_minutes", "security.api_token_days")
    if (stricter_is_lower and value > floor) or (not stricter_is_lower and value < floor):
        raise ValidationError({"value": _("This would fall below the 等保 level-3 baseline (%(v)s).") % {"v": floor}})
    changes = model_update(instance=rule, data={"value": value})
    rules.forget(key)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.POLICY_CHANGED, obj=rule, changes=changes)
    return changes
