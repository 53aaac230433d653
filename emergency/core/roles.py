"""Roles, and every named set of roles (issue 10 §1: a role set is named once, here).

Core and accounts both import this module, and it imports neither: it is what breaks the old core <-> accounts
import cycle. Which rows of a model a role sees is declared by the model's ScopeSpec (core.scoping)."""

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
# Government users: the bureau, the line departments and the subdistrict offices.
GOVERNMENT_ROLES = BUREAU_ROLES | {Role.DEPARTMENT, Role.SUBDISTRICT}
# Regulators of enterprises: the bureau, the departments (their sector) and the subdistricts (their area).
REGULATOR_ROLES = GOVERNMENT_ROLES
# Everyone who uses business data: all but the separated administrators.
BUSINESS_ROLES = frozenset(Role) - SEPARATED_ADMINS
# Readers of enterprise safety records: the regulators and the enterprises themselves (each its own).
REGULATORS_AND_ENTERPRISES = REGULATOR_ROLES | {Role.ENTERPRISE}
# Writers of a local register: the bureau everywhere, a subdistrict office in its area.
AREA_KEEPERS = BUREAU_ROLES | {Role.SUBDISTRICT}
# Keepers of an enterprise's records: the area's keepers and the enterprise itself.
RECORD_KEEPERS = AREA_KEEPERS | {Role.ENTERPRISE}
# Who writes what they may see, by default: all business roles but the expert, who only reads.
SCOPED_WRITERS = BUSINESS_ROLES - {Role.EXPERT}
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
