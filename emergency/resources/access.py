"""Who reads the resource pages: the bureau, departments and subdistrict offices (enterprises, experts and the
public do not; the public sees a shelter's page through its QR code). Who may *change* a record is decided by
the services (`services.may_manage`).

`RESOURCE_ROLES` is the one role set: the pages (`resources_required`), the API (`ResourceReader`) and the nearby
search's SQL (`nearby_sql`) all ask `may_read_resources`."""

from __future__ import annotations

from rest_framework import permissions

from emergency.core.roles import BUREAU_ROLES, Role
from emergency.core.views import roles_required

RESOURCE_ROLES = frozenset({*BUREAU_ROLES, Role.SUBDISTRICT, Role.DEPARTMENT})
resources_required = roles_required(RESOURCE_ROLES)


def may_read_resources(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in RESOURCE_ROLES)


class ResourceReader(permissions.BasePermission):
    """The API's side of `resources_required`: anyone else gets a 403 in the API error format."""

    def has_permission(self, request, view):
        return may_read_resources(request.user)
