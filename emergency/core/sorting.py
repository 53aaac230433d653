"""Sorting a register or a ledger by one of its columns: `?sort=name` ascending, `?sort=-name` descending.

Each list view declares its sortable columns once, as a `Sorting` (column key → the fields it orders by) next to
the view, and the template heads those columns with `{% sort_header "name" label %}` (core/templatetags/em.py),
which links to the other direction and says which column is sorted (aria-sort). A key the view does not declare
is ignored and the default order applies: a hand-edited URL never errors. Empty values sort last in both
directions on SQLite and PostgreSQL alike (PostgreSQL puts NULL first when descending by default), and the primary
key breaks ties, so pages never repeat or skip a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F, QuerySet

PARAM = "sort"


@dataclass(frozen=True)
class Sorting:
    columns: Mapping[str, tuple[str, ...]]  # key in the URL → the fields (lookups allowed) it orders by
    default: str  # a key, "-" in front for descending

    def __post_init__(self):
        if self.default.lstrip("-") not in self.columns:
            raise ValueError(f"default sort {self.default!r} is not one of the columns")

    def chosen(self, params: Mapping) -> str:
        """The sort the request asks for, if it names a declared column; the default otherwise."""
        raw = params.get(PARAM) if params is not None else None
        if isinstance(raw, str) and raw.lstrip("-") in self.columns and raw.count("-") <= 1:
            return raw
        return self.default

    def apply(self, qs: QuerySet, params: Mapping) -> tuple[QuerySet, str]:
        """`qs` ordered as the request asks, and the sort that was applied (for the column headers)."""
        sort = self.chosen(params)
        descending = sort.startswith("-")
        order = [F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
                 for field in self.columns[sort.lstrip("-")]]
        order.append("-pk" if descending else "pk")
        return qs.order_by(*order), sort
