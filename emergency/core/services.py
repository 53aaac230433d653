"""Writes to the organisation registry. Every write is atomic, validated and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record, created_fields, model_update
from .models import AuditEvent, Department, DepartmentAlias, Division

DIVISION_FIELDS = ["code", "name", "level", "parent", "population", "latitude", "longitude",
                   "contact_name", "contact_phone", "is_synthetic"]
CHILD_LEVEL = {
    Division.Level.DISTRICT: Division.Level.SUBDISTRICT,
    Division.Level.SUBDISTRICT: Division.Level.COMMUNITY,
    Division.Level.COMMUNITY: Division.Level.GRID,
}


def _check_division_shape(division: Division) -> None:
    if division.level == Division.Level.DISTRICT:
        if division.parent_id is not None:
            raise ValidationError({"parent": _("A district has no parent.")})
        return
    if division.parent is None:
        raise ValidationError({"parent": _("This level needs a parent division.")})
    if CHILD_LEVEL.get(division.parent.level) != division.level:
        raise ValidationError({"level": _("A %(child)s cannot sit under a %(parent)s.") % {
            "child": division.get_level_display(), "parent": division.parent.get_level_display()}})
    if not division.code.startswith(division.parent.code):
        raise ValidationError({"code": _("The code must start with the parent's code %(code)s.") % {
            "code": division.parent.code}})


def _division_path(division: Division) -> str:
    return f"{division.parent.path if division.parent else '/'}{division.code}/"


@transaction.atomic
def division_create(*, acting_user, code: str, name: str, level: str, parent: Division | None,
                    population: int | None = None, latitude: float | None = None,
                    longitude: float | None = None, contact_name: str = "", contact_phone: str = "",
                    is_synthetic: bool = False) -> Division:
    division = Division(code=code.strip(), name=name.strip(), level=level, parent=parent, population=population,
                        latitude=latitude, longitude=longitude, contact_name=contact_name,
                        contact_phone=contact_phone, is_synthetic=is_synthetic)
    _check_division_shape(division)
    division.path = _division_path(division)
    division.full_clean()
    division._history_user = acting_user
    division.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=division,
                 changes=created_fields(division, DIVISION_FIELDS))
    return division


@transaction.atomic
def division_update(*, acting_user, division: Division, data: dict) -> dict:
    """Updates descriptive fields; code, level and parent are fixed once created."""
    allowed = {"name", "population", "latitude", "longitude", "contact_name", "contact_phone"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({f: _("This field cannot be changed.") for f in unknown})
    division._history_user = acting_user
    changes = model_update(instance=division, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=division, changes=changes)
    return changes


@transaction.atomic
def division_archive(*, acting_user, division: Division) -> None:
    if division.children.filter(archived_at__isnull=True).exists():
        raise ValidationError(_("Archive the divisions under it first."))
    division._history_user = acting_user
    model_update(instance=division, data={"archived_at": timezone.now()})
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ARCHIVE, obj=division)


class UnknownDepartments(ValueError):
    """Raised with every name that matched no department or alias: nothing is created silently."""

    def __init__(self, names: list[str]):
        self.names = names
        super().__init__(", ".join(names))


def normalise_department_name(name: str) -> str:
    return "".join(name.split()).strip("、，,")


def department_lookup() -> dict[str, Department]:
    """Canonical names and aliases → department, for resolving many names with two queries."""
    table = {d.name: d for d in Department.objects.filter(archived_at__isnull=True)}
    for alias in DepartmentAlias.objects.select_related("department").filter(archived_at__isnull=True):
        table.setdefault(alias.alias, alias.department)
    return table


def department_resolve_many(names: list[str]) -> list[Department]:
    table = department_lookup()
    resolved, unknown = [], []
    for raw in names:
        name = normalise_department_name(raw)
        dept = table.get(name)
        if dept is None:
            unknown.append(name)
        elif dept not in resolved:
            resolved.append(dept)
    if unknown:
        raise UnknownDepartments(unknown)
    return resolved


def department_resolve(name: str) -> Department:
    return department_resolve_many([name])[0]


@transaction.atomic
def department_create(*, acting_user, name: str, kind: str, short_name: str = "",
                      division: Division | None = None, aliases: list[str] | None = None,
                      sort_order: int = 0) -> Department:
    dept = Department(name=normalise_department_name(name), kind=kind, short_name=short_name,
                      division=division, sort_order=sort_order)
    dept.full_clean()
    dept._history_user = acting_user
    dept.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=dept,
                 changes=created_fields(dept, ["name", "kind", "short_name", "division"]))
    for alias in aliases or []:
        department_alias_add(acting_user=acting_user, department=dept, alias=alias)
    return dept


@transaction.atomic
def department_alias_add(*, acting_user, department: Department, alias: str) -> DepartmentAlias:
    alias = normalise_department_name(alias)
    if Department.objects.filter(name=alias).exclude(pk=department.pk).exists():
        raise ValidationError({"alias": _("%(name)s is another department's canonical name.") % {"name": alias}})
    row = DepartmentAlias(department=department, alias=alias)
    row.full_clean()
    row._history_user = acting_user
    row.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=row,
                 changes={"alias": [None, alias], "department": [None, department.name]})
    return row


@transaction.atomic
def department_set_members(*, acting_user, group: Department, members: list[Department]) -> None:
    if not group.is_group:
        raise ValidationError(_("Only a group has members."))
    before = sorted(group.members.values_list("name", flat=True))
    group.members.set(members)
    after = sorted(m.name for m in members)
    if before != after:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=group,
                     changes={"members": [before, after]})
