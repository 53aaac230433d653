"""Who reads the resource pages: the bureau, departments and subdistrict offices (enterprises, experts and the
public do not; the public sees a shelter's page through its QR code). Who may *change* a record is decided by
the services (`services.may_manage`)."""

from __future__ import annotations

from emergency.accounts.roles import BUREAU_ROLES, Role
from emergency.core.views import roles_required

RESOURCE_ROLES = frozenset({*BUREAU_ROLES, Role.SUBDISTRICT, Role.DEPARTMENT})
resources_required = roles_required(RESOURCE_ROLES)
