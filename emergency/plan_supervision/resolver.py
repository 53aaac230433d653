"""The database-backed department resolver for the plan-notice parser."""

from __future__ import annotations

from emergency.plan_supervision.departments import Resolver, table_resolver


def django_resolver(*, allow_unknown: bool = False) -> Resolver:
    """Resolve through the departments' canonical names and aliases (two queries, read once).

    With `allow_unknown`, parse_notice keeps unknown names as written instead of failing, so that an import
    with --create-departments can create them.
    """
    from emergency.core.services import department_lookup

    resolve = table_resolver({name: department.name for name, department in department_lookup().items()})
    resolve.allow_unknown = allow_unknown  # type: ignore[attr-defined]
    return resolve
