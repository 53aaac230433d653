"""The one place that decides who sees which business rows (ARCHITECTURE rule 3).

Every business model registers a ScopeSpec: the ORM paths from the model to its Division, its
Department(s) and its enterprise. UI lists, detail views, exports, the API and notification
visibility all go through `scope_queryset` / `can_view` / `get_for_user`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from emergency.accounts.roles import BUREAU_ROLES, SEPARATED_ADMINS, Role


@dataclass(frozen=True)
class ScopeSpec:
    # Path to a Division FK ("" means the model is itself a Division).
    division: str | None = None
    # Paths to Department FKs/M2Ms: the department sees a row reachable through any of them.
    departments: tuple[str, ...] = ()
    # Path to the enterprise name (an Enterprise FK once the registry exists).
    enterprise: str | None = None
    # Subdistrict and department users may write rows they see; bureau roles write everything.
    scoped_write: bool = True
    # Reference data (departments, rules) that every business user may read.
    everyone: bool = False


_SPECS: dict[type[models.Model], ScopeSpec] = {}


def register(model: type[models.Model], spec: ScopeSpec) -> None:
    _SPECS[model] = spec


def spec_for(model: type[models.Model]) -> ScopeSpec:
    try:
        return _SPECS[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no ScopeSpec; register one in its app.") from None


def is_registered(model: type[models.Model]) -> bool:
    return model in _SPECS


def _division_q(spec: ScopeSpec, user) -> Q | None:
    if spec.division is None or user.division_id is None:
        return None
    prefix = f"{spec.division}__path" if spec.division else "path"
    return Q(**{f"{prefix}__startswith": user.division.path})


def _department_q(spec: ScopeSpec, user) -> Q | None:
    if not spec.departments or user.department_id is None:
        return None
    q = Q()
    group_ids = list(user.department.groups.values_list("id", flat=True))
    for path in spec.departments:
        q |= Q(**{f"{path}__in": [user.department_id, *group_ids]})
    return q


def scope_q(user, model: type[models.Model]) -> Q | None:
    """A filter for the rows `user` may see; None means all rows; Q(pk__in=[]) means none."""
    none = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active:
        return none
    if user.role in BUREAU_ROLES:
        return None
    spec = spec_for(model)
    if spec.everyone and user.role not in SEPARATED_ADMINS:
        return None
    if user.role == Role.SUBDISTRICT:
        return _division_q(spec, user) or none
    if user.role == Role.DEPARTMENT:
        return _department_q(spec, user) or none
    if user.role == Role.ENTERPRISE and spec.enterprise and user.enterprise_name:
        return Q(**{spec.enterprise: user.enterprise_name})
    return none


def scope_queryset(user, qs: QuerySet) -> QuerySet:
    q = scope_q(user, qs.model)
    if q is None:
        return qs
    qs = qs.filter(q)
    spec = spec_for(qs.model)
    # M2M department paths can repeat a row.
    return qs.distinct() if any("__" in p or p.endswith("s") for p in spec.departments) else qs


def can_view(user, obj: models.Model) -> bool:
    return scope_queryset(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_write(user, obj: models.Model) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role in BUREAU_ROLES:
        return True
    spec = spec_for(type(obj))
    if spec.everyone:
        return False
    if user.role in (Role.SUBDISTRICT, Role.DEPARTMENT, Role.ENTERPRISE) and spec.scoped_write:
        return can_view(user, obj)
    return False


def get_for_user(user, qs: QuerySet, **lookup) -> tuple[models.Model, bool]:
    """The per-entity access helper (healthchecks `_get_check_for_user`): 404 when out of scope."""
    obj = scope_queryset(user, qs).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj, can_write(user, obj)
