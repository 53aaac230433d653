from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from emergency.core.roles import can_manage_accounts, can_manage_roles, can_read_audit, can_see_business

from .notifications import unread_count

PLAN_ROLES = {"bureau_admin", "bureau_staff", "department", "subdistrict"}
PREVENTION_ROLES = {"bureau_admin", "bureau_staff", "subdistrict", "enterprise"}
RESOURCE_ROLES = {"bureau_admin", "bureau_staff", "subdistrict", "department"}


def _link(label, url_name: str, key: str) -> dict | None:
    """A domain whose pages are not installed yet is simply not shown."""
    try:
        return {"label": label, "url": reverse(url_name), "key": key}
    except NoReverseMatch:
        return None


def _nav(user) -> list[dict]:
    """Navigation lists only domains that exist and that the user may use."""
    items: list[dict] = []
    if not user.is_authenticated:
        return items
    if can_see_business(user):
        items += [
            {"label": _("Home"), "url": reverse("home"), "key": "home"},
            {"label": _("Divisions"), "url": reverse("core:division_list"), "key": "divisions"},
            {"label": _("Departments"), "url": reverse("core:department_list"), "key": "departments"},
            {"label": _("Map"), "url": reverse("core:map"), "key": "map"},
        ]
    if user.role in PLAN_ROLES:
        items.insert(2, {"label": _("Plan supervision"), "url": reverse("plans:list"), "key": "plans"})
    if user.role in RESOURCE_ROLES:
        link = _link(_("Emergency resources"), "resources:map", "resources")
        if link:
            items.insert(3, link)
    if user.role in PREVENTION_ROLES:
        for link in (_link(_("Dual prevention"), "prevention:dashboard", "prevention"),
                     _link(_("Enterprises"), "enterprises:list", "enterprises")):
            if link:
                items.insert(3, link)
    if can_manage_accounts(user) or can_manage_roles(user):
        items.append({"label": _("Accounts"), "url": reverse("accounts:user_list"), "key": "accounts"})
    if can_manage_roles(user):
        items.append({"label": _("Security policy"), "url": reverse("accounts:policy"), "key": "policy"})
    if can_read_audit(user):
        items.append({"label": _("Audit log"), "url": reverse("core:audit_list"), "key": "audit"})
    items.append({"label": _("API"), "url": reverse("api-docs"), "key": "api"})
    return items


def shell(request) -> dict:
    user = request.user
    return {
        "nav_items": _nav(user),
        "unread_notifications": unread_count(user) if user.is_authenticated else 0,
        "demo_mode": settings.DEMO,
    }
