"""The stock ledger and shelters. Quantities change only here, one locked row at a time."""

from __future__ import annotations

import datetime
import math
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from emergency.core.audit import audit_record, created_fields
from emergency.core.models import AuditEvent
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.core.rules import rule_value

from .models import Disposal, Lot, Shelter, ShelterStay, StockMovement, Transfer, Warehouse

Kind, Reason = StockMovement.Kind, StockMovement.Reason


class NotAllowed(PermissionError):
    pass


class InsufficientStock(ValidationError):
    pass


def may_manage(user, obj) -> bool:
    """Bureau roles manage everything; a subdistrict user manages what lies in their subdistrict."""
    if user is None or not user.is_authenticated:
        return False
    if user.role in BUREAU_ROLES:
        return True
    if user.role == Role.SUBDISTRICT and user.division_id:
        division = obj.division if hasattr(obj, "division") else obj.warehouse.division
        return division.path.startswith(user.division.path)
    return False


def _require_manage(user, obj) -> None:
    if not may_manage(user, obj):
        raise NotAllowed(_("You may not manage this record."))


# Lot.balance and StockMovement.quantity are DECIMAL(14, 3): nothing may reach 10¹¹.
MAX_QUANTITY = Decimal("99999999999.999")


def format_quantity(value: Decimal) -> str:
    """A quantity for people: 30, 2.5 (not 30.000, nor normalize()'s 3E+1)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _quantity(value, *, field: str = "quantity") -> Decimal:
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
    _require_manage(acting_user, warehouse)
    q = _quantity(quantity)
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
    _require_manage(acting_user, lot.warehouse)
    q = _quantity(quantity)
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
    _require_manage(acting_user, warehouse)
    q = _quantity(quantity)
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
    _require_manage(acting_user, lot.warehouse)
    q = _quantity(quantity)
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
    _require_manage(acting_user, lot.warehouse)
    q = _quantity(quantity)
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
    _require_manage(acting_user, lot.warehouse)
    q = _quantity(quantity)
    if destination.pk == lot.warehouse_id:
        raise ValidationError({"destination": _("Choose another warehouse.")})
    transfer = Transfer(source=lot, destination=destination, quantity=q, sent_by=acting_user)
    transfer.save()
    _post(lot.pk, -q, kind=Kind.TRANSFER_OUT, reason=Reason.TRANSFER, user=acting_user,
          note=_("to %(wh)s") % {"wh": destination.name}, transfer=transfer)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=transfer,
                 changes=created_fields(transfer, ["source", "destination", "quantity"]))
    return transfer


@transaction.atomic
def transfer_receive(*, acting_user, transfer: Transfer) -> StockMovement:
    # of=("self",): lock the transfer only; locking the joined lot and warehouse too could deadlock against a
    # disposal or an issue that locks those first.
    transfer = Transfer.objects.select_for_update(of=("self",)).select_related(
        "source__warehouse", "destination").get(pk=transfer.pk)
    _require_manage(acting_user, transfer.destination)
    if not can_proceed(transfer.receive):
        raise ValidationError(_("This transfer has already been received."))
    src = transfer.source
    lot, _created = Lot.objects.get_or_create(
        warehouse=transfer.destination, item_id=src.item_id, lot_number=src.lot_number,
        defaults={"produced_on": src.produced_on, "expires_on": src.expires_on})
    transfer.receive()
    transfer.received_by, transfer.received_at = acting_user, timezone.now()
    transfer.save()
    movement = _post(lot.pk, transfer.quantity, kind=Kind.TRANSFER_IN, reason=Reason.TRANSFER, user=acting_user,
                     note=_("from %(wh)s") % {"wh": src.warehouse.name}, transfer=transfer)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=transfer,
                 changes={"state": ["in_transit", "received"]})
    return movement


@transaction.atomic
def disposal_request(*, acting_user, lot: Lot, quantity, reason: str) -> Disposal:
    _require_manage(acting_user, lot.warehouse)
    q = _quantity(quantity)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it is scrapped.")})
    balance = Lot.objects.values_list("balance", flat=True).get(pk=lot.pk)  # the caller's copy may be stale
    if q > balance:
        raise InsufficientStock({"quantity": _("The lot holds only %(have)s.") % {"have": format_quantity(balance)}})
    disposal = Disposal(lot=lot, quantity=q, reason=reason.strip(), requested_by=acting_user)
    disposal.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=disposal,
                 changes=created_fields(disposal, ["lot", "quantity", "reason"]))
    return disposal


@transaction.atomic
def disposal_decide(*, acting_user, disposal: Disposal, approve: bool) -> Disposal:
    disposal = Disposal.objects.select_for_update(of=("self",)).select_related("lot__warehouse").get(pk=disposal.pk)
    if acting_user.role not in BUREAU_ROLES:
        raise NotAllowed(_("Disposal is approved by the bureau."))
    if disposal.requested_by_id == acting_user.pk:
        raise ValidationError(_("The person who asked for a disposal cannot approve it."))
    if not can_proceed(disposal.approve):
        raise ValidationError(_("This disposal has already been decided."))
    if approve:
        disposal.approve()
        _post(disposal.lot_id, -disposal.quantity, kind=Kind.DISPOSAL, reason=Reason.SCRAPPED, user=acting_user,
              note=disposal.reason)
    else:
        disposal.reject()
    disposal.decided_by = acting_user
    disposal.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=disposal,
                 changes={"state": ["requested", disposal.state]})
    return disposal


def ledger_balance(lot: Lot) -> Decimal:
    """The balance recomputed from the movements (the tests check it equals the stored running balance)."""
    return lot.movements.aggregate(s=Sum("quantity"))["s"] or Decimal(0)


WAREHOUSE_FIELDS = ("name", "level", "division", "address", "latitude", "longitude", "keeper", "keeper_phone",
                    "is_synthetic")


@transaction.atomic
def warehouse_create(*, acting_user, **data) -> Warehouse:
    """A new warehouse: the bureau anywhere, a subdistrict user in their own subdistrict."""
    unknown = set(data) - set(WAREHOUSE_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    warehouse = Warehouse(**data)
    if warehouse.division_id is None:
        raise ValidationError({"division": _("Choose the division the warehouse belongs to.")})
    _require_manage(acting_user, warehouse)
    if warehouse.latitude is None or warehouse.longitude is None or not (-90 <= warehouse.latitude <= 90) or not (
            -180 <= warehouse.longitude <= 180):
        raise ValidationError({"latitude": _("Enter a WGS-84 latitude and longitude.")})
    warehouse.full_clean()
    warehouse._history_user = acting_user
    warehouse.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=warehouse,
                 changes=created_fields(warehouse, ["name", "level", "division"]))
    return warehouse


# --- shelters -----------------------------------------------------------------------------------

def _positive_decimal(value) -> Decimal | None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return d if d.is_finite() and d > 0 else None


def area_per_person_table() -> dict[str, Decimal]:
    """The effective area per sheltered person for each shelter kind, plus "" for the general rule.

    Two rules-table rows: `shelter.area_per_person_m2` (GB 21734, 1.5 m²) applies to every kind, and
    `shelter.area_per_person_by_kind_m2` ({kind: m²}) overrides it for a kind. An override that is not a
    positive number is ignored (the general rule applies) rather than breaking every shelter page."""
    general = _positive_decimal(rule_value("shelter.area_per_person_m2")) or Decimal("1.5")
    by_kind = rule_value("shelter.area_per_person_by_kind_m2") or {}
    table = {"": general}
    for kind in Shelter.Kind.values:
        override = _positive_decimal(by_kind.get(kind)) if isinstance(by_kind, dict) else None
        table[kind] = override or general
    return table


def area_per_person(kind: str | None = None) -> Decimal:
    """The area per person for a shelter kind (or the general rule), as an exact decimal."""
    table = area_per_person_table()
    return table.get(kind or "", table[""])


def capacity_from_area(area, per_person: Decimal) -> int:
    """floor(area ÷ area per person), in exact decimals (a float area such as 151.4 is read as written)."""
    if area is None or per_person <= 0:
        return 0
    return max(math.floor(Decimal(str(area)) / per_person), 0)


def shelter_capacity(shelter: Shelter) -> int:
    """floor(effective area ÷ area per person for the shelter's kind), from the rules table (GB 21734)."""
    return capacity_from_area(shelter.effective_area_m2, area_per_person(shelter.kind))


def shelter_occupancy(shelter: Shelter) -> int:
    return shelter.stays.filter(checked_out_at__isnull=True).aggregate(n=Sum("people"))["n"] or 0


def shelter_available(shelter: Shelter) -> int:
    return max(shelter_capacity(shelter) - shelter_occupancy(shelter), 0)


@transaction.atomic
def shelter_create(*, acting_user, **data) -> Shelter:
    data.pop("status", None)  # a new shelter always starts on standby; the status moves only by transitions
    if isinstance(data.get("effective_area_m2"), float):  # 151.4 as typed, not its binary neighbour
        data["effective_area_m2"] = Decimal(str(data["effective_area_m2"]))
    shelter = Shelter(qr_token=secrets.token_urlsafe(16)[:22], **data)
    if shelter.division_id is None:
        raise ValidationError({"division": _("Choose the subdistrict or community.")})
    _require_manage(acting_user, shelter)
    shelter.full_clean(exclude=["status"])
    if Decimal(str(shelter.effective_area_m2)) <= 0:
        raise ValidationError({"effective_area_m2": _("Enter an effective area above zero.")})
    if not (-90 <= shelter.latitude <= 90) or not (-180 <= shelter.longitude <= 180):
        raise ValidationError({"latitude": _("Enter a WGS-84 latitude and longitude.")})
    shelter._history_user = acting_user
    shelter.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=shelter,
                 changes=created_fields(shelter, ["name", "kind", "division", "effective_area_m2"]))
    return shelter


def _shelter_move(shelter: Shelter, method: str, actor) -> None:
    before = shelter.status
    fn = getattr(shelter, method)
    if not can_proceed(fn):
        raise ValidationError(_("A shelter that is %(s)s cannot do this.") % {"s": shelter.get_status_display()})
    fn()
    shelter._history_user = actor
    shelter.save()
    audit_record(acting_user=actor, event_type=AuditEvent.Type.UPDATE, obj=shelter,
                 changes={"status": [before, shelter.status]})


@transaction.atomic
def shelter_open(*, acting_user, shelter: Shelter) -> Shelter:
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    _require_manage(acting_user, shelter)
    _shelter_move(shelter, "open", acting_user)
    return shelter


@transaction.atomic
def shelter_close(*, acting_user, shelter: Shelter) -> Shelter:
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    _require_manage(acting_user, shelter)
    if shelter_occupancy(shelter):
        raise ValidationError(_("Check everyone out before closing the shelter."))
    _shelter_move(shelter, "close", acting_user)
    return shelter


@transaction.atomic
def shelter_check_in(*, acting_user, shelter: Shelter, head_name: str, people: int, phone: str = "",
                     override: bool = False) -> ShelterStay:
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    _require_manage(acting_user, shelter)
    if not head_name.strip():
        raise ValidationError({"head_name": _("Give the name.")})
    if len(head_name.strip()) > 50:
        raise ValidationError({"head_name": _("At most 50 characters.")})
    if len(phone.strip()) > 30:
        raise ValidationError({"phone": _("At most 30 characters.")})
    if not isinstance(people, int) or isinstance(people, bool) or people < 1:
        raise ValidationError({"people": _("At least one person.")})
    if shelter.status not in (Shelter.Status.OPEN, Shelter.Status.FULL):
        raise ValidationError(_("The shelter is not open."))
    available = shelter_available(shelter)
    over = people > available
    if over and not override:
        raise ValidationError({"people": _("Only %(n)d places are left; confirm the override to admit more.") % {
            "n": available}})
    stay = ShelterStay.objects.create(shelter=shelter, head_name=head_name.strip(), people=people, phone=phone.strip(),
                                      over_capacity=over, checked_in_by=acting_user)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=stay,
                 changes={"people": [None, people], "over_capacity": [None, over]})
    if shelter_available(shelter) == 0 and shelter.status == Shelter.Status.OPEN:
        _shelter_move(shelter, "mark_full", acting_user)
    return stay


@transaction.atomic
def shelter_check_out(*, acting_user, stay: ShelterStay) -> ShelterStay:
    stay = ShelterStay.objects.select_for_update().select_related("shelter").get(pk=stay.pk)
    shelter = Shelter.objects.select_for_update().get(pk=stay.shelter_id)
    _require_manage(acting_user, shelter)
    if stay.checked_out_at is not None:
        raise ValidationError(_("Already checked out."))
    stay.checked_out_at = timezone.now()
    stay.save(update_fields=["checked_out_at", "updated_at"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=stay,
                 changes={"checked_out_at": [None, stay.checked_out_at.isoformat()]})
    if shelter.status == Shelter.Status.FULL and shelter_available(shelter) > 0:
        _shelter_move(shelter, "reopen", acting_user)
    return stay
