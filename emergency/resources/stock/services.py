"""Stock: the ledger, warehouses, the catalogue, minimum stock levels and the stock documents. Quantities
change only here, one locked row at a time (`_post`). Transfers, disposals and documents are born and move
through core.lifecycle (true before and after state in the audit, in the service's transaction)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from emergency.core import actors, lifecycle
from emergency.core.audit import audit_record, created_fields
from emergency.core.models import AuditEvent
from emergency.core.roles import BUREAU_ROLES

from ..shared.services import NotAllowed, may_manage, require_manage
from .models import (
    Disposal,
    Lot,
    MinimumStock,
    StockDocument,
    StockDocumentLine,
    StockMovement,
    SupplyCategory,
    SupplyItem,
    Transfer,
    Warehouse,
)

Kind, Reason = StockMovement.Kind, StockMovement.Reason


class InsufficientStock(ValidationError):
    pass


# Lot.balance and StockMovement.quantity are DECIMAL(14, 3): nothing may reach 10¹¹.
MAX_QUANTITY = Decimal("99999999999.999")


def format_quantity(value: Decimal) -> str:
    """A quantity for people: 30, 2.5 (not 30.000, nor normalize()'s 3E+1)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_quantity(value, *, field: str = "quantity") -> Decimal:
    """A quantity as typed → a Decimal the ledger can hold (above zero, three decimals, below 10¹¹); a bad one
    is a ValidationError on `field`."""
    try:
        q = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Enter a number.")}) from exc
    if not q.is_finite() or q <= 0:
        raise ValidationError({field: _("Enter a quantity above zero.")})
    if q > MAX_QUANTITY:
        raise ValidationError({field: _("The quantity is too large.")})
    if q != q.quantize(Decimal("0.001")):
        raise ValidationError({field: _("At most three decimal places.")})
    return q


def _post(lot_id: int, delta: Decimal, *, kind: str, reason: str, user, note: str = "",
          transfer: Transfer | None = None) -> StockMovement:
    """Write one movement and the lot's new balance under a row lock: the only place stock changes."""
    # of=("self",): lock the lot row only, not the joined supply item (every warehouse's movements of the
    # item would otherwise queue behind one another).
    lot = Lot.objects.select_for_update(of=("self",)).select_related("item").get(pk=lot_id)
    new = lot.balance + delta
    if new < 0:
        raise InsufficientStock({"quantity": _("Only %(have)s %(unit)s of %(item)s are in stock in lot %(lot)s; "
                                               "%(want)s were asked for.") % {
            "have": format_quantity(lot.balance), "unit": lot.item.unit, "item": lot.item.name, "lot": lot.lot_number,
            "want": format_quantity(-delta)}})
    if new > MAX_QUANTITY:
        raise ValidationError({"quantity": _("The lot's balance would be too large.")})
    Lot.objects.filter(pk=lot.pk).update(balance=new, updated_at=timezone.now())
    return StockMovement.objects.create(lot=lot, kind=kind, reason=reason, quantity=delta, balance_after=new,
                                        note=note[:300], transfer=transfer, created_by=user)


@transaction.atomic
def stock_receive(*, acting_user, warehouse: Warehouse, item, quantity, reason: str, lot_number: str,
                  produced_on: datetime.date | None = None, expires_on: datetime.date | None = None,
                  note: str = "") -> StockMovement:
    actors.require(acting_user)
    require_manage(acting_user, warehouse)
    q = parse_quantity(quantity)
    if reason not in (Reason.PROCUREMENT, Reason.DONATION):
        raise ValidationError({"reason": _("A receipt is a procurement or a donation.")})
    if not lot_number.strip():
        raise ValidationError({"lot_number": _("Give the lot number.")})
    if produced_on and expires_on and expires_on < produced_on:
        raise ValidationError({"expires_on": _("The expiry date is before the production date.")})
    if expires_on is None and produced_on and item.shelf_life_days:
        expires_on = produced_on + datetime.timedelta(days=item.shelf_life_days)
    lot, created = Lot.objects.get_or_create(
        warehouse=warehouse, item=item, lot_number=lot_number.strip(),
        defaults={"produced_on": produced_on, "expires_on": expires_on})
    if not created and ((expires_on and lot.expires_on != expires_on)
                        or (produced_on and lot.produced_on != produced_on)):
        # Adding to an existing lot must not silently keep other dates than the ones given.
        raise ValidationError({"lot_number": _("Lot %(lot)s is already here with other dates (expires %(exp)s); "
                                               "use another lot number.") % {
            "lot": lot.lot_number, "exp": lot.expires_on or "—"}})
    movement = _post(lot.pk, q, kind=Kind.RECEIPT, reason=reason, user=acting_user, note=note)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=movement,
                 changes={"quantity": [None, str(q)], "lot": [None, lot.lot_number]})
    return movement


@transaction.atomic
def stock_issue_lot(*, acting_user, lot: Lot, quantity, reason: str, note: str = "") -> StockMovement:
    actors.require(acting_user)
    require_manage(acting_user, lot.warehouse)
    q = parse_quantity(quantity)
    if reason not in (Reason.INCIDENT, Reason.SHELTER):
        raise ValidationError({"reason": _("An issue goes to an incident or a shelter.")})
    movement = _post(lot.pk, -q, kind=Kind.ISSUE, reason=reason, user=acting_user, note=note)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=movement,
                 changes={"quantity": [None, str(-q)], "lot": [None, lot.lot_number]})
    return movement


@transaction.atomic
def stock_issue(*, acting_user, warehouse: Warehouse, item, quantity, reason: str,
                note: str = "") -> list[StockMovement]:
    """Issue first-expiring-first across the warehouse's lots of the item; all or nothing."""
    actors.require(acting_user)
    require_manage(acting_user, warehouse)
    q = parse_quantity(quantity)
    if reason not in (Reason.INCIDENT, Reason.SHELTER):
        raise ValidationError({"reason": _("An issue goes to an incident or a shelter.")})
    # Expired lots are never issued: they leave through an adjustment or a disposal.
    lots = list(Lot.objects.select_for_update().filter(warehouse=warehouse, item=item, balance__gt=0)
                .exclude(expires_on__lt=timezone.localdate())
                .order_by(F("expires_on").asc(nulls_last=True), "pk"))
    available = sum((lot.balance for lot in lots), Decimal(0))
    if available < q:
        raise InsufficientStock({"quantity": _("Only %(have)s %(unit)s of %(item)s are available in %(wh)s; "
                                               "%(want)s were asked for.") % {
            "have": format_quantity(available), "unit": item.unit, "item": item.name, "wh": warehouse.name,
            "want": format_quantity(q)}})
    movements, left = [], q
    for lot in lots:
        take = min(lot.balance, left)
        movements.append(_post(lot.pk, -take, kind=Kind.ISSUE, reason=reason, user=acting_user, note=note))
        left -= take
        if left == 0:
            break
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=movements[0],
                 changes={"issued": [None, str(q)], "lots": [None, [m.lot_id for m in movements]]})
    return movements


@transaction.atomic
def stock_return(*, acting_user, lot: Lot, quantity, note: str) -> StockMovement:
    actors.require(acting_user)
    require_manage(acting_user, lot.warehouse)
    q = parse_quantity(quantity)
    if not note.strip():
        raise ValidationError({"note": _("Say where it comes back from.")})
    movement = _post(lot.pk, q, kind=Kind.RETURN, reason=Reason.RECOVERY, user=acting_user, note=note)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=movement,
                 changes={"quantity": [None, str(q)]})
    return movement


ADJUSTMENT_SIGN = {Reason.LOST: -1, Reason.DAMAGED: -1, Reason.EXPIRED: -1, Reason.FOUND: 1}


@transaction.atomic
def stock_adjust(*, acting_user, lot: Lot, quantity, reason: str, note: str) -> StockMovement:
    """A stock-count correction: lost, damaged or expired take away, found adds."""
    actors.require(acting_user)
    require_manage(acting_user, lot.warehouse)
    q = parse_quantity(quantity)
    if reason not in ADJUSTMENT_SIGN:
        raise ValidationError({"reason": _("An adjustment is lost, found, damaged or expired.")})
    if not note.strip():
        raise ValidationError({"note": _("Explain the adjustment.")})
    movement = _post(lot.pk, q * ADJUSTMENT_SIGN[reason], kind=Kind.ADJUSTMENT, reason=reason, user=acting_user,
                     note=note)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=movement,
                 changes={"quantity": [None, str(movement.quantity)], "reason": [None, reason]})
    return movement


@transaction.atomic
def transfer_send(*, acting_user, lot: Lot, destination: Warehouse, quantity) -> Transfer:
    actors.require(acting_user)
    require_manage(acting_user, lot.warehouse)
    q = parse_quantity(quantity)
    if destination.pk == lot.warehouse_id:
        raise ValidationError({"destination": _("Choose another warehouse.")})
    transfer = Transfer(source=lot, destination=destination, quantity=q, sent_by=acting_user)
    lifecycle.created(transfer, acting_user=acting_user,
                      changes=created_fields(transfer, ["source", "destination", "quantity"]))
    _post(lot.pk, -q, kind=Kind.TRANSFER_OUT, reason=Reason.TRANSFER, user=acting_user,
          note=_("to %(wh)s") % {"wh": destination.name}, transfer=transfer)
    return transfer


@transaction.atomic
def transfer_receive(*, acting_user, transfer: Transfer) -> StockMovement:
    actors.require(acting_user)
    # of=("self",): lock the transfer only; locking the joined lot and warehouse too could deadlock against a
    # disposal or an issue that locks those first.
    transfer = Transfer.objects.select_for_update(of=("self",)).select_related(
        "source__warehouse", "destination").get(pk=transfer.pk)
    require_manage(acting_user, transfer.destination)
    if not can_proceed(transfer.receive):
        raise ValidationError(_("This transfer has already been received."), code="invalid_transition")
    src = transfer.source
    lot, _created = Lot.objects.get_or_create(
        warehouse=transfer.destination, item_id=src.item_id, lot_number=src.lot_number,
        defaults={"produced_on": src.produced_on, "expires_on": src.expires_on})
    transfer.received_by, transfer.received_at = acting_user, timezone.now()
    lifecycle.transition(transfer, "receive", acting_user=acting_user)
    return _post(lot.pk, transfer.quantity, kind=Kind.TRANSFER_IN, reason=Reason.TRANSFER, user=acting_user,
                 note=_("from %(wh)s") % {"wh": src.warehouse.name}, transfer=transfer)


@transaction.atomic
def disposal_request(*, acting_user, lot: Lot, quantity, reason: str) -> Disposal:
    actors.require(acting_user)
    require_manage(acting_user, lot.warehouse)
    q = parse_quantity(quantity)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is scrapped.")})
    balance = Lot.objects.values_list("balance", flat=True).get(pk=lot.pk)  # the caller's copy may be stale
    if q > balance:
        raise InsufficientStock({"quantity": _("The lot holds only %(have)s.") % {"have": format_quantity(balance)}})
    disposal = Disposal(lot=lot, quantity=q, reason=reason.strip(), requested_by=acting_user)
    lifecycle.created(disposal, acting_user=acting_user,
                      changes=created_fields(disposal, ["lot", "quantity", "reason"]))
    return disposal


@transaction.atomic
def disposal_decide(*, acting_user, disposal: Disposal, approve: bool) -> Disposal:
    actors.require(acting_user)
    disposal = Disposal.objects.select_for_update(of=("self",)).select_related("lot__warehouse").get(pk=disposal.pk)
    if acting_user.role not in BUREAU_ROLES:
        raise NotAllowed(_("Disposal is approved by the bureau."))
    if disposal.requested_by_id == acting_user.pk:
        raise ValidationError(_("The person who asked for a disposal cannot approve it."))
    if not can_proceed(disposal.approve):
        raise ValidationError(_("This disposal has already been decided."), code="invalid_transition")
    disposal.decided_by = acting_user
    lifecycle.transition(disposal, "approve" if approve else "reject", acting_user=acting_user)
    if approve:
        _post(disposal.lot_id, -disposal.quantity, kind=Kind.DISPOSAL, reason=Reason.SCRAPPED, user=acting_user,
              note=disposal.reason)
    return disposal


def ledger_balance(lot: Lot) -> Decimal:
    """The balance recomputed from the movements (the tests check it equals the stored running balance)."""
    return lot.movements.aggregate(s=Sum("quantity"))["s"] or Decimal(0)


WAREHOUSE_FIELDS = ("name", "level", "division", "address", "latitude", "longitude", "keeper", "keeper_phone",
                    "is_synthetic")


@transaction.atomic
def warehouse_create(*, acting_user, **data) -> Warehouse:
    """A new warehouse: the bureau anywhere, a subdistrict user in their own subdistrict."""
    actors.require(acting_user)
    unknown = set(data) - set(WAREHOUSE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    warehouse = Warehouse(**data)
    if warehouse.division_id is None:
        raise ValidationError({"division": _("Choose the division the warehouse belongs to.")})
    require_manage(acting_user, warehouse)
    if warehouse.latitude is None or warehouse.longitude is None or not (-90 <= warehouse.latitude <= 90) or not (
            -180 <= warehouse.longitude <= 180):
        raise ValidationError({"latitude": _("Enter a WGS-84 latitude and longitude.")})
    warehouse.full_clean()
    warehouse._history_user = acting_user
    warehouse.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=warehouse,
                 changes=created_fields(warehouse, ["name", "level", "division"]))
    return warehouse


# --- the catalogue (category tree and items) and minimum stock levels -----------------------------

def _require_bureau(user) -> None:
    if user is None or not user.is_authenticated or user.role not in BUREAU_ROLES:
        raise NotAllowed(_("The catalogue is kept by the bureau."))


@transaction.atomic
def supply_category_create(*, acting_user, name: str, parent: SupplyCategory | None = None) -> SupplyCategory:
    actors.require(acting_user)
    _require_bureau(acting_user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the category a name.")})
    if SupplyCategory.objects.filter(name=name, parent=parent, archived_at__isnull=True).exists():
        raise ValidationError({"name": _("This category already exists here.")})
    category = SupplyCategory(name=name, parent=parent)
    category.full_clean()
    category.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=category,
                 changes=created_fields(category, ["name", "parent"]))
    return category


@transaction.atomic
def supply_item_create(*, acting_user, name: str, category: SupplyCategory, unit: str, specification: str = "",
                       shelf_life_days: int | None = None) -> SupplyItem:
    actors.require(acting_user)
    _require_bureau(acting_user)
    item = SupplyItem(name=name.strip(), category=category, unit=unit.strip(), specification=specification.strip(),
                      shelf_life_days=shelf_life_days)
    item.full_clean()
    item._history_user = acting_user
    item.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=item,
                 changes=created_fields(item, ["name", "category", "unit", "specification", "shelf_life_days"]))
    return item


@transaction.atomic
def minimum_stock_set(*, acting_user, warehouse, item: SupplyItem, minimum) -> MinimumStock:
    actors.require(acting_user)
    if not may_manage(acting_user, warehouse):
        raise NotAllowed(_("You may not manage this warehouse."))
    value = Decimal(0) if str(minimum).strip() in ("0", "0.0") else parse_quantity(minimum, field="minimum")
    row = MinimumStock.objects.filter(warehouse=warehouse, item=item).first()
    before = row.minimum if row else None
    if row is None:
        row = MinimumStock(warehouse=warehouse, item=item, minimum=value)
    row.minimum = value
    row.full_clean()
    row.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE if before is not None else
                 AuditEvent.Type.CREATE, obj=row, changes={"minimum": [str(before) if before is not None else None,
                                                                      str(value)]})
    return row


# --- procurement, allocation and issue documents ----------------------------------------------------
# Execution is one transaction: every line goes through the ledger services above, and one short line (stock
# checked at execution time) rolls the whole document back.

REASONS = {StockDocument.Kind.PROCUREMENT: {Reason.PROCUREMENT, Reason.DONATION},
           StockDocument.Kind.ISSUE: {Reason.INCIDENT, Reason.SHELTER},
           StockDocument.Kind.ALLOCATION: {Reason.TRANSFER}}


@transaction.atomic
def document_create(*, acting_user, kind: str, warehouse, reason: str, lines: list[dict], destination=None,
                    note: str = "") -> StockDocument:
    actors.require(acting_user)
    if not may_manage(acting_user, warehouse):
        raise NotAllowed(_("You may not manage this warehouse."))
    if kind not in StockDocument.Kind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    if reason not in REASONS[kind]:
        raise ValidationError({"reason": _("This reason does not fit the document.")})
    if kind == StockDocument.Kind.ALLOCATION and (destination is None or destination.pk == warehouse.pk):
        raise ValidationError({"destination": _("Choose another warehouse to allocate to.")})
    if not lines:
        raise ValidationError({"lines": _("Add at least one line.")})
    doc = StockDocument(kind=kind, warehouse=warehouse, destination=destination, reason=reason, note=note,
                        created_by=acting_user)
    # Born a draft: the CREATE audit carries {"state": [None, "draft"]}; a bad line below rolls it all back.
    lifecycle.created(doc, acting_user=acting_user, changes={"kind": [None, kind], "lines": [None, len(lines)]})
    for i, line in enumerate(lines, start=1):
        quantity = parse_quantity(line.get("quantity"), field=f"lines[{i}].quantity")
        if kind == StockDocument.Kind.PROCUREMENT and not str(line.get("lot_number", "")).strip():
            raise ValidationError({f"lines[{i}].lot_number": _("Give the lot number.")})
        StockDocumentLine.objects.create(document=doc, item=line["item"], quantity=quantity,
                                         lot_number=str(line.get("lot_number", "")).strip(),
                                         expires_on=line.get("expires_on"))
    return doc


def _document_move(doc: StockDocument, method: str, acting_user) -> None:
    """One state move through core.lifecycle (saved, audit {"state": [before, after]}). The document's own
    message is kept for a move its state does not allow."""
    if not can_proceed(getattr(doc, method)):
        raise ValidationError(_("A %(s)s document cannot do this.") % {"s": doc.get_state_display()},
                              code="invalid_transition")
    lifecycle.transition(doc, method, acting_user=acting_user)


@transaction.atomic
def document_approve(*, acting_user, document: StockDocument) -> StockDocument:
    actors.require(acting_user)
    doc = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if acting_user.role not in BUREAU_ROLES:
        raise NotAllowed(_("Documents are approved by the bureau."))
    if doc.created_by_id == acting_user.pk:
        raise ValidationError(_("The person who drafted a document cannot approve it."))
    doc.approved_by = acting_user
    _document_move(doc, "approve", acting_user)
    return doc


@transaction.atomic
def document_cancel(*, acting_user, document: StockDocument) -> StockDocument:
    actors.require(acting_user)
    doc = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if not may_manage(acting_user, doc.warehouse):
        raise NotAllowed(_("You may not manage this warehouse."))
    _document_move(doc, "cancel", acting_user)
    return doc


def _allocate(doc: StockDocument, line: StockDocumentLine, actor) -> None:
    """Transfer first-expiring-first from the source's lots; short stock refuses the whole document."""
    left = line.quantity
    lots = (Lot.objects.filter(warehouse=doc.warehouse, item=line.item, balance__gt=0)
            .exclude(expires_on__lt=timezone.localdate())
            .order_by(F("expires_on").asc(nulls_last=True), "pk"))
    for lot in lots:
        take = min(lot.balance, left)
        transfer_send(acting_user=actor, lot=lot, destination=doc.destination, quantity=take)
        left -= take
        if left == 0:
            return
    raise InsufficientStock({"quantity": _("Not enough %(item)s in %(wh)s for this allocation.") % {
        "item": line.item.name, "wh": doc.warehouse.name}})


@transaction.atomic
def document_execute(*, acting_user, document: StockDocument) -> StockDocument:
    actors.require(acting_user)
    doc = StockDocument.objects.select_for_update(of=("self",)).select_related("warehouse", "destination").get(
        pk=document.pk)
    if not may_manage(acting_user, doc.warehouse):
        raise NotAllowed(_("You may not manage this warehouse."))
    if doc.state != StockDocument.State.APPROVED:  # before any stock moves
        raise ValidationError(_("Only an approved document is executed."), code="invalid_transition")
    for line in doc.lines.select_related("item"):
        if doc.kind == StockDocument.Kind.PROCUREMENT:
            stock_receive(acting_user=acting_user, warehouse=doc.warehouse, item=line.item,
                          quantity=line.quantity, reason=doc.reason, lot_number=line.lot_number,
                          expires_on=line.expires_on, note=f"#{doc.pk}")
        elif doc.kind == StockDocument.Kind.ISSUE:
            stock_issue(acting_user=acting_user, warehouse=doc.warehouse, item=line.item,
                        quantity=line.quantity, reason=doc.reason, note=f"#{doc.pk} {doc.note}")
        else:
            _allocate(doc, line, acting_user)
    doc.executed_by, doc.executed_at = acting_user, timezone.now()
    _document_move(doc, "execute", acting_user)
    return doc


