"""The one access model: who reads and who writes which business rows (ARCHITECTURE rule 3, issue 10 §1).

Every business model registers a ScopeSpec in its own app, once: which roles may read it at all, which of them
read every row, which may write, and the ORM paths that put a row in a jurisdiction (its division, its
departments, its enterprise, its industry sector). Lists, detail views, exports, the API, map layers, raw SQL,
notifications and services all ask this module: `scope_queryset` / `scope_q` (reads), `get_for_user` (the object
and whether the user may change it), `can_write` / `require_write` (services refuse what the user may not do,
whatever the view did), `may_read` (a model at all: raw SQL and whole pages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from emergency.core.roles import BUREAU_ROLES, BUSINESS_ROLES, SCOPED_WRITERS, SEPARATED_ADMINS, Role

from . import actors, refusals

# By default every business user may read a row in their jurisdiction, and the bureau, departments, subdistricts
# and enterprises write what they see (experts only read).
DEFAULT_WRITERS = SCOPED_WRITERS


class NotAllowed(PermissionDenied, PermissionError):
    """A service refuses an action the user may not take. The one class every domain raises: as Django's
    PermissionDenied a page that does not catch it still answers 403 (and the API its 403), as PermissionError the
    callers that caught the domains' old classes still do."""


@dataclass(frozen=True)
class ScopeSpec:
    # Path to a Division FK ("" means the model is itself a Division); a tuple when a row lies where any of
    # several paths leads (equipment held by a team or a warehouse).
    division: str | tuple[str, ...] | None = None
    # Paths to Department FKs/M2Ms: the department sees a row reachable through any of them.
    departments: tuple[str, ...] = ()
    # Path to the Enterprise ("pk" for the Enterprise itself).
    enterprise: str | None = None
    # Path to an industry code (GB/T 4754 section): a line department sees the rows of the industries it
    # supervises (管行业必须管安全; the table is enterprises.SectorSupervision, reached through `sectors_of`).
    sector: str | None = None
    # Roles that may read rows of this model at all (within their jurisdiction).
    readers: frozenset = field(default=BUSINESS_ROLES)
    # Of those, the roles that read every row, whatever their jurisdiction (reference data, district-wide
    # registers such as shelters). Writing still needs the jurisdiction.
    read_all: frozenset = frozenset()
    # Roles that may write rows in their jurisdiction (bureau roles write everything they may read).
    writers: frozenset = field(default=DEFAULT_WRITERS)

    # Compatibility with the earlier flags, so a registration reads as what it means.
    @classmethod
    def reference(cls, **kw) -> ScopeSpec:
        """Reference data every business user reads and only the bureau writes."""
        return cls(read_all=BUSINESS_ROLES, writers=BUREAU_ROLES, **kw)


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


# department ids -> the industry codes they supervise; registered by the app that owns the table (enterprises),
# so core knows no domain. Without one, departments see no sector.
_sectors_of: Callable[[Iterable[int]], QuerySet | list] | None = None


def register_sectors(func: Callable[[Iterable[int]], QuerySet | list]) -> None:
    global _sectors_of
    _sectors_of = func


def _is_system(user) -> bool:
    """The platform itself (a named core.actors.SystemActor: scheduled jobs, the demo loader, an operator's
    management command) passes the jurisdiction checks; it has no role, so role gates still refuse it."""
    return actors.is_system(user)


def may_read(user, model: type[models.Model]) -> bool:
    """Whether the user may read rows of this model at all (a page, a map layer, raw SQL)."""
    return bool(user is not None and user.is_authenticated and user.is_active
                and (user.role in BUREAU_ROLES or user.role in spec_for(model).readers))


def may_create(user, model: type[models.Model]) -> bool:
    """Whether the user may create rows of this model somewhere in their jurisdiction; the service then checks
    the jurisdiction of the row it is given (e.g. `require_jurisdiction`)."""
    return _is_system(user) or bool(user is not None and user.is_authenticated and user.is_active
                                    and (user.role in BUREAU_ROLES or user.role in spec_for(model).writers))


def _division_q(spec: ScopeSpec, user) -> Q | None:
    if spec.division is None or user.division_id is None:
        return None
    paths = spec.division if isinstance(spec.division, tuple) else (spec.division,)
    q = Q()
    for path in paths:
        prefix = f"{path}__path" if path else "path"
        q |= Q(**{f"{prefix}__startswith": user.division.path})
    return q


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


def _department_q(spec: ScopeSpec, user, *, sector: bool = False) -> Q | None:
    if not spec.departments and not (sector and spec.sector):
        return None
    ids = acting_department_ids(user)
    if not ids:
        return None
    q = Q()
    for path in spec.departments:
        q |= Q(**{f"{path}__in": ids})
    if sector and spec.sector and _sectors_of is not None:
        q |= Q(**{f"{spec.sector}__in": _sectors_of(ids)})
    return q if q else None


def _jurisdiction_q(spec: ScopeSpec, user) -> Q | None:
    """The rows in the user's jurisdiction (None: all rows; Q(pk__in=[]): none), before read_all."""
    none = Q(pk__in=[])
    if user.role in BUREAU_ROLES:
        return None
    if user.role == Role.SUBDISTRICT:
        division_q, department_q = _division_q(spec, user), _department_q(spec, user)
        if division_q is not None and department_q is not None:
            return division_q | department_q
        return division_q or department_q or none
    if user.role == Role.DEPARTMENT:
        return _department_q(spec, user, sector=True) or none
    if user.role == Role.ENTERPRISE and spec.enterprise and user.enterprise_id:
        return Q(**{spec.enterprise: user.enterprise_id})
    return none


def scope_q(user, model: type[models.Model]) -> Q | None:
    """A filter for the rows `user` may read; None means all rows; Q(pk__in=[]) means none."""
    none = Q(pk__in=[])
    if user is None or not user.is_authenticated or not user.is_active or user.role in SEPARATED_ADMINS:
        return none
    if user.role in BUREAU_ROLES:
        return None
    spec = spec_for(model)
    if user.role not in spec.readers:
        return none
    if user.role in spec.read_all:
        return None
    return _jurisdiction_q(spec, user)


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
    """Whether the user may change this row: a writer role, and the row in their jurisdiction (reading a
    district-wide register does not make a subdistrict its writer)."""
    if _is_system(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role in BUREAU_ROLES:
        return True
    spec = spec_for(type(obj))
    if user.role not in spec.writers or user.role not in spec.readers:
        return False
    if spec.division == "" and obj.pk == user.division_id:
        return False  # the jurisdiction's own division is reference data: only what lies under it is written
    if obj.pk is None:
        return _unsaved_in_jurisdiction(spec, user, obj)
    q = _jurisdiction_q(spec, user)
    manager = type(obj)._base_manager
    return q is None or manager.filter(q, pk=obj.pk).exists()


def _follow(obj, path: str):
    """obj.a.b for the ORM path "a__b" (None when a link is empty); "pk" is the object itself."""
    for part in path.split("__") if path and path != "pk" else ():
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _unsaved_in_jurisdiction(spec: ScopeSpec, user, obj) -> bool:
    """`can_write` for a row not saved yet (a service checks before it creates): the same paths, followed in
    Python. Many-to-many department paths cannot be set before saving, so only foreign keys count."""
    if user.role == Role.SUBDISTRICT and user.division_id and spec.division is not None:
        paths = spec.division if isinstance(spec.division, tuple) else (spec.division,)
        for path in paths:
            division = _follow(obj, path) if path else obj
            if division is not None and division.path.startswith(user.division.path):
                return True
    if user.role in (Role.SUBDISTRICT, Role.DEPARTMENT) and spec.departments:
        ids = set(acting_department_ids(user))
        if any(getattr(_follow(obj, path), "pk", None) in ids for path in spec.departments):
            return True
    if user.role == Role.ENTERPRISE and spec.enterprise and user.enterprise_id:
        return getattr(_follow(obj, spec.enterprise), "pk", None) == user.enterprise_id
    return False


def writable_queryset(user, qs: QuerySet) -> QuerySet:
    """The rows of `qs` the user may change (`can_write` for a whole list): the pickers of a form, a to-do
    count of what is the user's to handle. Reading a district-wide register does not make its rows writable."""
    if _is_system(user) or (user is not None and user.is_authenticated and user.role in BUREAU_ROLES):
        return qs
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    spec = spec_for(qs.model)
    if user.role not in spec.writers or user.role not in spec.readers:
        return qs.none()
    q = _jurisdiction_q(spec, user)
    qs = qs if q is None else qs.filter(q)
    if spec.division == "" and user.division_id:
        qs = qs.exclude(pk=user.division_id)  # the jurisdiction's own division is reference data
    return qs


def require_write(user, obj: models.Model, message=None) -> None:
    """Services call this before changing `obj`: the refusal does not depend on the view having checked."""
    if not can_write(user, obj):
        raise NotAllowed(message or _("You may not change this record."))


def require_jurisdiction(user, *, division=None, message=None) -> None:
    """For a row about to be created (there is no row to ask `can_write` about yet): the bureau creates
    anywhere, a subdistrict user under their own division only."""
    if _is_system(user):
        return
    if user is not None and user.is_authenticated and user.role in BUREAU_ROLES:
        return
    if (user is not None and user.is_authenticated and user.role == Role.SUBDISTRICT and user.division_id
            and division is not None and division.path.startswith(user.division.path)):
        return
    raise NotAllowed(message or _("That lies outside your jurisdiction."))


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
