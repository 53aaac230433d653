"""Roles and what each may do. Visibility itself lives in core.scoping."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU_ADMIN = "bureau_admin", _("Bureau administrator")
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")
    DEPARTMENT = "department", _("Department user")
    SUBDISTRICT = "subdistrict", _("Subdistrict user")
    ENTERPRISE = "enterprise", _("Enterprise user")
    EXPERT = "expert", _("Expert")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# Roles that see every business record.
BUREAU_ROLES = frozenset({Role.BUREAU_ADMIN, Role.BUREAU_STAFF})
# The three separated administrators (等保 三员分立): no business data, and none does another's work.
SEPARATED_ADMINS = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Administrative roles must log in with a second factor.
OTP_REQUIRED_ROLES = SEPARATED_ADMINS | {Role.BUREAU_ADMIN}
# Roles whose accounts need a scope object.
SCOPE_FIELD = {Role.DEPARTMENT: "department", Role.SUBDISTRICT: "division", Role.ENTERPRISE: "enterprise"}


def can_manage_accounts(user) -> bool:
    return user.is_authenticated and user.role == Role.SYSTEM_ADMIN


def can_manage_roles(user) -> bool:
    return user.is_authenticated and user.role == Role.SECURITY_ADMIN


def can_read_audit(user) -> bool:
    return user.is_authenticated and user.role == Role.AUDIT_ADMIN


def can_see_business(user) -> bool:
    return user.is_authenticated and user.role not in SEPARATED_ADMINS
