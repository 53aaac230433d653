"""Agreement reserves (协议储备): recording a contract with its lines and choosing where its stock is counted,
plus the reads of what valid contracts hold (`agreement_quantity`, `agreement_lines_near`).

Agreements are the bureau's; every change is audited in the same transaction.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core import actors
from emergency.core.audit import audit_record, created_fields, model_update
from emergency.core.models import AuditEvent
from emergency.lib.geo import haversine_m

from ..shared.services import check_phone, is_bureau, may_manage, refuse_unknown, require
from ..stock.models import Warehouse
from ..stock.services import parse_quantity
from .models import ReserveAgreement, ReserveLine

RESERVE_FIELDS = ["contract_number", "enterprise", "supplier_name", "warehouse", "valid_from", "valid_until",
                  "delivery_hours", "contact_name", "contact_phone", "note"]


def _line_quantity(value, index: int) -> Decimal:
    try:
        return parse_quantity(value)
    except ValidationError as exc:
        raise ValidationError({"lines": _("Line %(n)d: %(reason)s") % {
            "n": index, "reason": " ".join(exc.messages)}}) from None


def _check_reserve_warehouse(user, warehouse) -> None:
    """The warehouse an agreement's stock is counted at: a live one the user may manage (the bureau: any)."""
    if warehouse is None:
        return
    if not isinstance(warehouse, Warehouse) or warehouse.archived_at is not None:
        raise ValidationError({"warehouse": _("Choose a warehouse in use.")})
    if not may_manage(user, warehouse):
        raise ValidationError({"warehouse": _("You may not count reserves at %(warehouse)s.") % {
            "warehouse": warehouse}})


@transaction.atomic
def reserve_create(*, acting_user, lines: list[dict[str, Any]], **data: Any) -> ReserveAgreement:
    """A contract and its lines, all or nothing. Each line: item, quantity, optional capacity_note. With a
    `warehouse`, the reserved stock is counted at (and delivered to) that warehouse."""
    actors.require(acting_user)
    require(is_bureau(acting_user))
    refuse_unknown(data, RESERVE_FIELDS)
    _check_reserve_warehouse(acting_user, data.get("warehouse"))
    agreement = ReserveAgreement(**data)
    if agreement.enterprise_id and not (agreement.supplier_name or "").strip():
        agreement.supplier_name = agreement.enterprise.name
    if agreement.valid_from and agreement.valid_until and agreement.valid_until < agreement.valid_from:
        raise ValidationError({"valid_until": _("The contract ends before it starts.")})
    check_phone(agreement.contact_phone, "contact_phone", required=True)
    agreement.full_clean()
    if not lines:
        raise ValidationError({"lines": _("Add at least one item.")})
    built, seen = [], set()
    for index, line in enumerate(lines, start=1):
        item = line.get("item")
        if item is None:
            raise ValidationError({"lines": _("Line %(n)d: choose the item.") % {"n": index}})
        if item.pk in seen:
            raise ValidationError({"lines": _("Line %(n)d: %(item)s is listed twice.") % {"n": index, "item": item}})
        seen.add(item.pk)
        built.append(ReserveLine(item=item, quantity=_line_quantity(line.get("quantity"), index),
                                 capacity_note=str(line.get("capacity_note") or "")[:300]))
    agreement._history_user = acting_user
    agreement.save()
    for line in built:
        line.agreement = agreement
    ReserveLine.objects.bulk_create(built)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=agreement,
                 changes={**created_fields(agreement, ["contract_number", "supplier_name", "warehouse",
                                                       "valid_from", "valid_until", "delivery_hours"]),
                          "lines": [None, [f"{ln.item_id}:{ln.quantity}" for ln in built]]})
    return agreement


@transaction.atomic
def reserve_set_warehouse(*, acting_user, agreement: ReserveAgreement, warehouse: Warehouse | None) -> dict:
    """Count an agreement's stock at a warehouse (or, with None, at the supplier again). Locked, audited, kept in
    the history; the same people who record agreements may do it."""
    actors.require(acting_user)
    require(is_bureau(acting_user))
    agreement = ReserveAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.archived_at is not None:
        raise ValidationError(_("The agreement is archived."))
    _check_reserve_warehouse(acting_user, warehouse)
    agreement._history_user = acting_user
    changes = model_update(instance=agreement, data={"warehouse": warehouse})
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=agreement, changes=changes)
    return changes


def valid_agreements(on: datetime.date | None = None):
    on = on or timezone.localdate()
    return ReserveAgreement.objects.filter(archived_at__isnull=True, valid_from__lte=on, valid_until__gte=on)


def _valid_lines(on: datetime.date | None) -> Any:
    on = on or timezone.localdate()
    return ReserveLine.objects.filter(archived_at__isnull=True, agreement__archived_at__isnull=True,
                                      agreement__valid_from__lte=on, agreement__valid_until__gte=on)


def agreement_quantity(item, *, on: datetime.date | None = None) -> Decimal:
    """What contracted suppliers hold for us of `item` on the day `on` (today by default): valid contracts only."""
    item_id = getattr(item, "pk", item)
    total = _valid_lines(on).filter(item_id=item_id).aggregate(s=Sum("quantity"))["s"]
    return total if total is not None else Decimal(0)


def agreement_lines_near(item, *, lat: float, lon: float, on: datetime.date | None = None,
                         limit: int = 10) -> list[dict[str, Any]]:
    """Valid agreement lines of `item`, nearest first: placed at the agreement's warehouse when it has one
    (`counted_at` "warehouse"), else at the supplier enterprise's registered location (`counted_at` "supplier";
    a supplier without one is left out). One query; marked `agreement` so the caller can tell them from own
    stock."""
    item_id = getattr(item, "pk", item)
    lines = (_valid_lines(on).filter(item_id=item_id)
             .filter(Q(agreement__warehouse__isnull=False) | Q(agreement__enterprise__latitude__isnull=False))
             .select_related("agreement", "agreement__enterprise", "agreement__warehouse", "item"))
    found = []
    for line in lines:
        place = line.agreement.warehouse or line.agreement.enterprise
        found.append({
            "kind": "agreement", "line": line, "agreement_id": line.agreement_id,
            "contract_number": line.agreement.contract_number, "supplier": line.agreement.supplier_name,
            "quantity": line.quantity, "delivery_hours": line.agreement.delivery_hours,
            "counted_at": "warehouse" if line.agreement.warehouse_id else "supplier",
            "warehouse_id": line.agreement.warehouse_id,
            "latitude": place.latitude, "longitude": place.longitude,
            "distance_m": round(haversine_m(lat, lon, place.latitude, place.longitude)),
        })
    found.sort(key=lambda r: r["distance_m"])
    return found[:limit]


def agreement_quantities(item_ids, *, on: datetime.date | None = None) -> dict[int, Decimal]:
    """agreement_quantity for many items in one query."""
    rows = (_valid_lines(on).filter(item_id__in=list(item_ids)).values("item_id").annotate(s=Sum("quantity")))
    return {r["item_id"]: r["s"] for r in rows}
