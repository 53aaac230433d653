"""The supply catalogue (category tree and items) and minimum stock levels."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from emergency.core.audit import audit_record, created_fields
from emergency.core.models import AuditEvent
from emergency.core.roles import BUREAU_ROLES

from .models import MinimumStock, SupplyCategory, SupplyItem
from .services import NotAllowed, _quantity, may_manage


def _require_bureau(user) -> None:
    if user is None or not user.is_authenticated or user.role not in BUREAU_ROLES:
        raise NotAllowed(_("The catalogue is kept by the bureau."))


@transaction.atomic
def supply_category_create(*, acting_user, name: str, parent: SupplyCategory | None = None) -> SupplyCategory:
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
    if not may_manage(acting_user, warehouse):
        raise NotAllowed(_("You may not manage this warehouse."))
    value = Decimal(0) if str(minimum).strip() in ("0", "0.0") else _quantity(minimum, field="minimum")
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
