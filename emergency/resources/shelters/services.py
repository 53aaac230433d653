"""Shelters: capacity from the rules table, occupancy from the open stays, creation, opening and closing,
check-in and check-out. Every change locks the shelter row and is audited; the status moves (open, full,
reopen, close) go through core.lifecycle, which records the true before and after status and the history
user."""

from __future__ import annotations

import math
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from emergency.core import actors, lifecycle
from emergency.core.audit import audit_record, created_fields
from emergency.core.models import AuditEvent
from emergency.core.rules import rule_value

from ..shared.services import check_phone, require_manage
from .models import Shelter, ShelterStay


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
    actors.require(acting_user)
    data.pop("status", None)  # a new shelter always starts on standby; the status moves only by transitions
    if isinstance(data.get("effective_area_m2"), float):  # 151.4 as typed, not its binary neighbour
        data["effective_area_m2"] = Decimal(str(data["effective_area_m2"]))
    shelter = Shelter(qr_token=secrets.token_urlsafe(16)[:22], **data)
    if shelter.division_id is None:
        raise ValidationError({"division": _("Choose the subdistrict or community.")})
    require_manage(acting_user, shelter)
    shelter.full_clean(exclude=["status"])
    if Decimal(str(shelter.effective_area_m2)) <= 0:
        raise ValidationError({"effective_area_m2": _("Enter an effective area above zero.")})
    if not (-90 <= shelter.latitude <= 90) or not (-180 <= shelter.longitude <= 180):
        raise ValidationError({"latitude": _("Enter a WGS-84 latitude and longitude.")})
    # Saved with its history user and a CREATE audit carrying the initial status ([None, "standby"]).
    lifecycle.created(shelter, acting_user=acting_user, field="status",
                      changes=created_fields(shelter, ["name", "kind", "division", "effective_area_m2"]))
    return shelter


def _shelter_move(shelter: Shelter, method: str, acting_user) -> None:
    """One status move through core.lifecycle (saved, history user, audit {"status": [before, after]}). The
    shelter's own message is kept for a move its status does not allow."""
    if not can_proceed(getattr(shelter, method)):
        raise ValidationError(_("A shelter that is %(s)s cannot do this.") % {"s": shelter.get_status_display()},
                              code="invalid_transition")
    lifecycle.transition(shelter, method, acting_user=acting_user)


@transaction.atomic
def shelter_open(*, acting_user, shelter: Shelter) -> Shelter:
    actors.require(acting_user)
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    require_manage(acting_user, shelter)
    _shelter_move(shelter, "open", acting_user)
    return shelter


@transaction.atomic
def shelter_close(*, acting_user, shelter: Shelter) -> Shelter:
    actors.require(acting_user)
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    require_manage(acting_user, shelter)
    if shelter_occupancy(shelter):
        raise ValidationError(_("Check everyone out before closing the shelter."))
    _shelter_move(shelter, "close", acting_user)
    return shelter


@transaction.atomic
def shelter_check_in(*, acting_user, shelter: Shelter, head_name: str, people: int, phone: str = "",
                     override: bool = False) -> ShelterStay:
    actors.require(acting_user)
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    require_manage(acting_user, shelter)
    if not head_name.strip():
        raise ValidationError({"head_name": _("Give the name.")})
    if len(head_name.strip()) > 50:
        raise ValidationError({"head_name": _("At most 50 characters.")})
    if len(phone.strip()) > 30:
        raise ValidationError({"phone": _("At most 30 characters.")})
    check_phone(phone, "phone", required=False)
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
    actors.require(acting_user)
    stay = ShelterStay.objects.select_for_update().select_related("shelter").get(pk=stay.pk)
    shelter = Shelter.objects.select_for_update().get(pk=stay.shelter_id)
    require_manage(acting_user, shelter)
    if stay.checked_out_at is not None:
        raise ValidationError(_("Already checked out."))
    stay.checked_out_at = timezone.now()
    stay.save(update_fields=["checked_out_at", "updated_at"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=stay,
                 changes={"checked_out_at": [None, stay.checked_out_at.isoformat()]})
    if shelter.status == Shelter.Status.FULL and shelter_available(shelter) > 0:
        _shelter_move(shelter, "reopen", acting_user)
    return stay
