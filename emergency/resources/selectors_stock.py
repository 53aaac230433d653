"""Reading the stock ledger: warehouses, stock per item with its lots, the movement ledger, alerts.

Every business user reads every warehouse (resources are district-wide); who may *change* stock is
`services.may_manage`.
"""

from __future__ import annotations

import datetime
from collections import OrderedDict
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from emergency.core.scoping import scope_queryset

from .models import Disposal, Lot, MinimumStock, StockMovement, Transfer, Warehouse

# Lots expiring within this many days (or already expired) are alerts. A constant for now; it could move to
# the rules table (emergency.core.rules) when the bureau wants to tune it.
EXPIRY_WARNING_DAYS = 30

_DEC = DecimalField(max_digits=14, decimal_places=3)


def warehouses(user) -> QuerySet[Warehouse]:
    return scope_queryset(user, Warehouse.objects.filter(archived_at__isnull=True))


def warehouse_list(*, user, level: str = "", subdistrict=None) -> QuerySet[Warehouse]:
    qs = warehouses(user).select_related("division").annotate(
        item_count=Count("lots__item", filter=Q(lots__balance__gt=0), distinct=True),
        lot_count=Count("lots", filter=Q(lots__balance__gt=0), distinct=True))
    if level:
        qs = qs.filter(level=level)
    if subdistrict is not None:
        qs = qs.filter(division__path__startswith=subdistrict.path)
    return qs.order_by("level", "name", "pk")


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


def stock_ledger(*, user, warehouse=None, item=None, kind: str = "", date_from=None,
                 date_to=None) -> QuerySet[StockMovement]:
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
    return qs.order_by("-created_at", "-pk")


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


def expiring_lots(*, today: datetime.date, user=None, days: int = EXPIRY_WARNING_DAYS) -> QuerySet[Lot]:
    """Lots still holding stock that expire within `days` (expired ones included)."""
    qs = Lot.objects.filter(balance__gt=0, expires_on__isnull=False,
                            expires_on__lte=today + datetime.timedelta(days=days),
                            warehouse__archived_at__isnull=True)
    if user is not None:
        qs = scope_queryset(user, qs)
    return qs.select_related("warehouse__division", "item").order_by("expires_on", "warehouse__name", "pk")
