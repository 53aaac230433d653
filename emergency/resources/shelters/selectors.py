"""Reads for shelters. Nothing here writes.

Shelter numbers come from one query: occupancy is a Sum over the open stays, annotated on the shelter
rows; capacity is floor(area ÷ area per person) with the rule read once; available = capacity − occupancy.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce

from emergency.core.scoping import scope_queryset
from emergency.core.sorting import Sorting

from . import services
from .models import Shelter

OPEN_STAYS = Q(stays__checked_out_at__isnull=True)


def shelters_with_numbers(qs=None):
    """Shelters annotated with `occupancy` (a Sum over open stays) in the same query."""
    qs = Shelter.objects.filter(archived_at__isnull=True) if qs is None else qs
    return qs.annotate(occupancy=Coalesce(Sum("stays__people", filter=OPEN_STAYS), Value(0),
                                          output_field=IntegerField()))


def add_capacity(shelters, per_person: dict[str, Decimal] | None = None) -> list[Shelter]:
    """Set `capacity` and `available` on annotated shelters (the rules are read once for all of them;
    `per_person` is `services.area_per_person_table()`: the area per person by shelter kind)."""
    per_person = services.area_per_person_table() if per_person is None else per_person
    rows = list(shelters)
    for s in rows:
        s.capacity = services.capacity_from_area(s.effective_area_m2, per_person.get(s.kind, per_person[""]))
        s.available = max(s.capacity - (s.occupancy or 0), 0)
    return rows


# Capacity and available places are worked out from the area after the query: capacity sorts by the effective
# area it comes from; available places are not sortable.
SHELTER_SORTING = Sorting({"name": ("name",), "division": ("division__code",), "kind": ("kind",),
                           "status": ("status",), "capacity": ("effective_area_m2",), "occupancy": ("occupancy",)},
                          default="division")


def shelter_list(user, filters=None):
    qs = scope_queryset(user, shelters_with_numbers(Shelter.objects.filter(archived_at__isnull=True)
                                                    .select_related("division")))
    filters = filters or {}
    if filters.get("status") in Shelter.Status.values:
        qs = qs.filter(status=filters["status"])
    if (filters.get("q") or "").strip():
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return SHELTER_SORTING.apply(qs, filters)[0]


def shelter_numbers(shelter: Shelter) -> dict:
    row = add_capacity(shelters_with_numbers(Shelter.objects.filter(pk=shelter.pk)))[0]
    return {"capacity": row.capacity, "occupancy": row.occupancy, "available": row.available}
