"""Reading the stock ledger: warehouses, stock per item with its lots, the movement ledger, alerts.

Every reader of resources reads every warehouse (resources are district-wide, resources/scopes.py); who may
*change* stock is the access model's `can_write` (`shared.services.may_manage`).
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from emergency.core.filters import parse_id
from emergency.core.rules import rule_value
from emergency.core.scoping import scope_queryset, writable_queryset
from emergency.core.sorting import Sorting

from .models import Disposal, Lot, MinimumStock, StockDocument, StockMovement, Transfer, Warehouse


def expiry_warning_days() -> int:
    """Lots expiring within this many days (or already expired) are alerts (rules table)."""
    try:
        return max(int(rule_value("resources.expiry_warning_days")), 0)
    except (TypeError, ValueError):
        return 30

_DEC = DecimalField(max_digits=14, decimal_places=3)


def warehouses(user) -> QuerySet[Warehouse]:
    return scope_queryset(user, Warehouse.objects.filter(archived_at__isnull=True))


# The lists' sortable columns (`?sort=`, core/sorting.py).
WAREHOUSE_SORTING = Sorting({"name": ("name",), "level": ("level",), "keeper": ("keeper",)}, default="level")
LEDGER_SORTING = Sorting({"time": ("created_at",), "warehouse": ("lot__warehouse__name",),
                          "item": ("lot__item__name",), "kind": ("kind",), "quantity": ("quantity",),
                          "balance": ("balance_after",)}, default="-time")
DOCUMENT_SORTING = Sorting({"document": ("kind", "pk"), "warehouse": ("warehouse__name",), "state": ("state",),
                            "lines": ("line_count",), "drafted": ("created_at",)}, default="-drafted")


def warehouse_list(*, user, level: str = "", subdistrict=None, sort: str = "") -> QuerySet[Warehouse]:
    """The readable warehouses, filtered and ordered; the stock counts are added per page (`add_stock_counts`)
    so that a district with tens of thousands of warehouses does not aggregate all of them for one page."""
    qs = warehouses(user).select_related("division")
    if level:
        qs = qs.filter(level=level)
    if subdistrict is not None:
        qs = qs.filter(division__path__startswith=subdistrict.path)
    return WAREHOUSE_SORTING.apply(qs, {"sort": sort})[0]


def add_stock_counts(rows) -> list[Warehouse]:
    """Set `item_count` and `lot_count` (lots holding stock) on a page of warehouses, in one query."""
    rows = list(rows)
    counts = {r["warehouse_id"]: r for r in (
        Lot.objects.filter(warehouse_id__in=[w.pk for w in rows], balance__gt=0).order_by()
        .values("warehouse_id").annotate(items=Count("item_id", distinct=True), lots=Count("pk")))}
    for w in rows:
        found = counts.get(w.pk, {})
        w.item_count, w.lot_count = found.get("items", 0), found.get("lots", 0)
    return rows


def warehouse_suggestions(user, typed: str, *, limit: int = 20) -> list[Warehouse]:
    """Warehouses whose name or address contains `typed` (names starting with it first), or the one whose id
    it gives ("#12" or "12")."""
    qs = warehouses(user).select_related("division").only("pk", "name", "level", "address", "division__name")
    typed = typed.strip()
    if not typed:
        return list(qs.order_by("level", "name", "pk")[:limit])
    ident = parse_id(typed.lstrip("#"))
    if ident is not None:
        by_id = list(qs.filter(pk=ident))
        if by_id:
            return by_id
    starts = list(qs.filter(name__startswith=typed).order_by("name", "pk")[:limit])
    more = limit - len(starts)
    if more > 0:
        starts += list(qs.filter(Q(name__icontains=typed) | Q(address__icontains=typed))
                       .exclude(pk__in=[w.pk for w in starts]).order_by("name", "pk")[:more])
    return starts


def warehouse_stock(warehouse: Warehouse) -> list[dict]:
    """Per item: the total, the minimum (if set) and the lots holding stock, first-expiring first."""
    lots = (Lot.objects.filter(warehouse=warehouse, balance__gt=0).select_related("item")
            .order_by("item__name", "item_id", F("expires_on").asc(nulls_last=True), "pk"))
    minimums = dict(MinimumStock.objects.filter(warehouse=warehouse).values_list("item_id", "minimum"))
    rows: OrderedDict[int, dict] = OrderedDict()
    for lot in lots:
        row = rows.setdefault(lot.item_id, {"item": lot.item, "total": Decimal(0), "lots": [],
                                            "minimum": minimums.get(lot.item_id)})
        row["total"] += lot.balance
        row["lots"].append(lot)
    for row in rows.values():
        row["below_minimum"] = row["minimum"] is not None and row["total"] < row["minimum"]
    return list(rows.values())


def incoming_transfers(warehouse: Warehouse) -> QuerySet[Transfer]:
    return (Transfer.objects.filter(destination=warehouse, state=Transfer.State.IN_TRANSIT)
            .select_related("source__item", "source__warehouse", "sent_by").order_by("created_at", "pk"))


def outgoing_transfers(warehouse: Warehouse) -> QuerySet[Transfer]:
    return (Transfer.objects.filter(source__warehouse=warehouse, state=Transfer.State.IN_TRANSIT)
            .select_related("source__item", "destination").order_by("created_at", "pk"))


def pending_disposals(*, warehouse: Warehouse | None = None) -> QuerySet[Disposal]:
    qs = Disposal.objects.filter(state=Disposal.State.REQUESTED).select_related(
        "lot__item", "lot__warehouse", "requested_by")
    if warehouse is not None:
        qs = qs.filter(lot__warehouse=warehouse)
    return qs.order_by("created_at", "pk")


def stock_ledger(*, user, warehouse=None, item=None, kind: str = "", date_from=None, date_to=None, q: str = "",
                 sort: str = "") -> QuerySet[StockMovement]:
    qs = scope_queryset(user, StockMovement.objects.all()).select_related(
        "lot__warehouse", "lot__item", "created_by")
    if warehouse is not None:
        qs = qs.filter(lot__warehouse=warehouse)
    if item is not None:
        qs = qs.filter(lot__item=item)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if q.strip():
        # The keyword box: a word in the item's name, the lot number or the movement's note.
        q = q.strip()
        qs = qs.filter(Q(lot__item__name__icontains=q) | Q(lot__lot_number__icontains=q) | Q(note__icontains=q))
    return LEDGER_SORTING.apply(qs, {"sort": sort})[0]


def below_minimum(*, user=None) -> QuerySet[MinimumStock]:
    """Minimum-stock rules whose warehouse holds less of the item than the minimum (stock annotated)."""
    stock = (Lot.objects.filter(warehouse=OuterRef("warehouse"), item=OuterRef("item"))
             .values("warehouse").annotate(s=Sum("balance")).values("s"))
    qs = MinimumStock.objects.filter(archived_at__isnull=True, warehouse__archived_at__isnull=True)
    if user is not None:
        qs = scope_queryset(user, qs)
    return (qs.annotate(stock=Coalesce(Subquery(stock, output_field=_DEC), Value(Decimal(0)), output_field=_DEC))
            .filter(stock__lt=F("minimum")).select_related("warehouse__division", "item")
            .order_by("warehouse__name", "item__name", "pk"))


def expiring_lots(*, today: datetime.date, user=None, days: int | None = None) -> QuerySet[Lot]:
    """Lots still holding stock that expire within `days` (the rule by default; expired ones included)."""
    days = expiry_warning_days() if days is None else days
    qs = Lot.objects.filter(balance__gt=0, expires_on__isnull=False,
                            expires_on__lte=today + datetime.timedelta(days=days),
                            warehouse__archived_at__isnull=True)
    if user is not None:
        qs = scope_queryset(user, qs)
    return qs.select_related("warehouse__division", "item").order_by("expires_on", "warehouse__name", "pk")


def managed_warehouses(user) -> QuerySet[Warehouse]:
    """The warehouses the user may change (and put equipment in, or count agreement reserves at): the access
    model's answer (`scoping.writable_queryset`): all for the bureau, their subdistrict's for a subdistrict
    user, none for anyone else."""
    return writable_queryset(user, Warehouse.objects.filter(archived_at__isnull=True))


def document_list(*, kind: str = "", state: str = "", warehouse=None, sort: str = ""):
    qs = (StockDocument.objects.filter(archived_at__isnull=True)
          .select_related("warehouse", "destination", "created_by", "approved_by", "executed_by")
          .annotate(line_count=Count("lines")))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if warehouse is not None:
        qs = qs.filter(Q(warehouse=warehouse) | Q(destination=warehouse))
    return DOCUMENT_SORTING.apply(qs, {"sort": sort})[0]


def available_now(warehouse: Warehouse, item_ids, *, today: datetime.date) -> dict[int, Decimal]:
    """Unexpired stock per item in a warehouse: what an issue or allocation could take now."""
    rows = (Lot.objects.filter(warehouse=warehouse, item_id__in=list(item_ids), balance__gt=0)
            .exclude(expires_on__lt=today).order_by().values("item_id").annotate(s=Sum("balance")))
    return {r["item_id"]: r["s"] for r in rows}
