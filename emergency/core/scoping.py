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

from emergency.core.roles import BUREAU_ROLES, SEPARATED_ADMINS, Role

from . import refusals


@dataclass(frozen=True)
class ScopeSpec:
    # Path to a Division FK ("" means the model is itself a Division).
    division: str | None = None
    # Paths to Department FKs/M2Ms: the department sees a row reachable through any of them.
    departments: tuple[str, ...] = ()
    # Path to the Enterprise ("pk" for the Enterprise itself).
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


def acting_department_ids(user) -> list[int]:
    """The departments a user acts for: their own (a subdistrict user: their subdistrict office) and
    every group it belongs to ("各街道办事处" allocates to each office)."""
    from emergency.core.models import Department

    if user.role in (Role.DEPARTMENT, *BUREAU_ROLES) and user.department_id:
        # A bureau user with a department (区应急局) reports for the bureau's own assignments.
        own = [user.department_id]
    elif user.role == Role.SUBDISTRICT and user.division_id:
        own = list(Department.objects.filter(division_id=user.division_id, kind=Department.Kind.SUBDISTRICT_OFFICE,
                                             archived_at__isnull=True).values_list("id", flat=True))
    else:
        return []
    groups = Department.objects.filter(members__in=own).values_list("id", flat=True)
    return [*own, *groups]


def _department_q(spec: ScopeSpec, user) -> Q | None:
    if not spec.departments:
        return None
    ids = acting_department_ids(user)
    if not ids:
        return None
    q = Q()
    for path in spec.departments:
        q |= Q(**{f"{path}__in": ids})
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
        division_q, department_q = _division_q(spec, user), _department_q(spec, user)
        if division_q is not None and department_q is not None:
            return division_q | department_q
        return division_q or department_q or none
    if user.role == Role.DEPARTMENT:
        return _department_q(spec, user) or none
    if user.role == Role.ENTERPRISE and spec.enterprise and user.enterprise_id:
        return Q(**{spec.enterprise: user.enterprise_id})
    return none


def scope_queryset(user, qs: QuerySet) -> QuerySet:
    q = scope_q(user, qs.model)
    if q is None:
        return qs
    qs = qs.filter(q)
    spec = spec_for(qs.model)
    # M2M department paths can repeat a row.
    qs = qs.distinct() if any("__" in p or p.endswith("s") for p in spec.departments) else qs
    return _noting_refusals(qs, user) if user is not None and user.is_authenticated else qs


def _note_if_refused(user, model: type[models.Model], args: tuple, lookup: dict) -> None:
    """After a scoped lookup found nothing: if the row exists and lies outside the user's scope, note it for the
    refusal audit (core.refusals). Two small queries, on the 404 path of a request only."""
    if not (args or lookup) or not refusals.listening() or scope_q(user, model) is None:
        return  # no lookup, no request to audit, or a user who sees every row (nothing was refused)
    pk = model._base_manager.filter(*args, **lookup).values_list("pk", flat=True).first()
    if pk is not None and not scope_queryset(user, model._base_manager.filter(pk=pk)).exists():
        refusals.note_refused(model, pk)


class _RefusalNotingQuerySet:
    """Mixed into a scoped queryset's class: a `.get()` that finds nothing notes an out-of-scope row. This is what
    `get_object_or_404(scope_queryset(…))` and DRF's `get_object()` (a viewset whose `get_queryset` is scoped)
    call, so their 404s are audited like `get_for_user`'s without each view having to say so."""

    _scope_user = None
    _plain_class: type | None = None

    def __reduce_ex__(self, protocol):
        # Unpickle as the plain queryset class: this subclass is made at run time and has no importable name.
        return _unpickle_plain, (self._plain_class, self.__getstate__())

    def _clone(self):
        clone = super()._clone()
        clone._scope_user = self._scope_user
        return clone

    def get(self, *args, **kwargs):
        try:
            return super().get(*args, **kwargs)
        except self.model.DoesNotExist:
            _note_if_refused(self._scope_user, self.model, args, kwargs)
            raise


def _unpickle_plain(cls: type, state: dict) -> QuerySet:
    qs = cls.__new__(cls)
    qs.__setstate__(state)
    return qs


_NOTING_CLASSES: dict[type, type] = {}


def _noting_refusals(qs: QuerySet, user) -> QuerySet:
    cls = type(qs)
    if not issubclass(cls, _RefusalNotingQuerySet):
        noting = _NOTING_CLASSES.get(cls)
        if noting is None:
            noting = _NOTING_CLASSES[cls] = type(f"Scoped{cls.__name__}", (_RefusalNotingQuerySet, cls),
                                                 {"_plain_class": cls})
        qs.__class__ = noting
    qs._scope_user = user
    return qs


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
        if spec.division == "" and obj.pk == user.division_id:
            return False  # the jurisdiction's own division is reference data: only what lies under it is written
        return can_view(user, obj)
    return False


def get_for_user(user, qs: QuerySet, **lookup) -> tuple[models.Model, bool]:
    """The per-entity access helper (healthchecks `_get_check_for_user`): 404 when out of scope.

    An out-of-scope row is noted for the refusal audit (a missing one is not); the row handed out is noted too,
    so a 403 that follows (no write access) names it."""
    obj = scope_queryset(user, qs).filter(**lookup).first()
    if obj is None:
        _note_if_refused(user, qs.model, (), lookup)
        raise Http404
    refusals.note_found(obj)
    return obj, can_write(user, obj)
