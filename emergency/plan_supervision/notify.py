"""Who hears about plan events: the users acting for a department, and the bureau."""

from __future__ import annotations

from django.db.models import Q

from emergency.accounts.models import User
from emergency.core.models import Department
from emergency.core.notifications import notify
from emergency.core.roles import BUREAU_ROLES, Role


def department_users(dept: Department) -> list[User]:
    """Department users of the department (or of its members, for a group) and, for a subdistrict
    office, the users of that subdistrict."""
    depts = [dept, *dept.members.all()] if dept.is_group else [dept]
    q = Q(role=Role.DEPARTMENT, department__in=depts)
    divisions = [d.division_id for d in depts if d.kind == Department.Kind.SUBDISTRICT_OFFICE and d.division_id]
    if divisions:
        q |= Q(role=Role.SUBDISTRICT, division_id__in=divisions)
    return list(User.objects.filter(q, is_active=True))


def notify_department(dept: Department, *, title: str, body: str = "", target=None, url: str = "") -> None:
    users = department_users(dept)
    if users:
        notify(recipients=users, title=title, body=body, target=target, url=url)


def notify_bureau(*, title: str, body: str = "", target=None, url: str = "") -> None:
    users = list(User.objects.filter(role__in=BUREAU_ROLES, is_active=True))
    if users:
        notify(recipients=users, title=title, body=body, target=target, url=url)
