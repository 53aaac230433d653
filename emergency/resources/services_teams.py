"""Writes for teams, members, social-force records, experts, equipment and agreement reserves — plus the two reads
the nearby API uses (agreement_quantity, agreement_lines_near).

Who may write: the bureau everything; a subdistrict user the teams (and their equipment) whose division lies in
their subdistrict (the same rule as services.may_manage); experts and agreement reserves are the bureau's.
Every change is audited in the same transaction.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core.audit import audit_record, created_fields, model_update
from emergency.core.models import AuditEvent, Division
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.lib.geo import haversine_m, out_of_china

from .models import Warehouse
from .models_teams import (
    EXPERT_FIELDS,
    Equipment,
    EquipmentStatusLog,
    Expert,
    RescueTeam,
    ReserveAgreement,
    ReserveLine,
    SocialForceRecord,
    TeamMember,
)
from .services import NotAllowed, _quantity, may_manage

PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")
TEAM_FIELDS = ["name", "kind", "specialty", "owner_unit", "owner_department", "division", "leader", "duty_phone",
               "base_address", "latitude", "longitude", "service_area", "incentive_note", "is_synthetic"]
MEMBER_FIELDS = ["name", "role", "phone", "skills", "certificate_name", "certificate_expires_on"]
EXPERT_FLAG_FIELDS = [attr for attr, _code, _label in EXPERT_FIELDS]
EXPERT_DATA_FIELDS = ["name", *EXPERT_FLAG_FIELDS, "title", "unit", "phone", "available", "latitude", "longitude",
                      "is_synthetic"]
EQUIPMENT_FIELDS = ["name", "model_spec", "quantity", "team", "warehouse"]
RESERVE_FIELDS = ["contract_number", "enterprise", "supplier_name", "warehouse", "valid_from", "valid_until",
                  "delivery_hours", "contact_name", "contact_phone", "note"]
TEAM_DIVISION_LEVELS = (Division.Level.DISTRICT, Division.Level.SUBDISTRICT, Division.Level.COMMUNITY)


# --- who may -------------------------------------------------------------------------------------

def is_bureau(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in BUREAU_ROLES)


def may_create_team(user) -> bool:
    return is_bureau(user) or bool(user.is_authenticated and user.role == Role.SUBDISTRICT and user.division_id)


def may_manage_team(user, team: RescueTeam) -> bool:
    return may_manage(user, team)


def may_manage_equipment(user, equipment: Equipment) -> bool:
    return may_manage(user, equipment)


def _require(condition: bool) -> None:
    if not condition:
        raise NotAllowed(_("You may not manage this record."))


def _unknown(data: dict, allowed: list[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in sorted(unknown)})


def _check_phone(value: str, field: str, *, required: bool) -> None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError({field: _("Give a phone number.")})
        return
    if not PHONE_RE.match(value):
        raise ValidationError({field: _("“%(value)s” is not a phone number.") % {"value": value}})


def _check_location(latitude, longitude) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
    if latitude is None:
        return
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or out_of_china(longitude, latitude):
        raise ValidationError({"latitude": _("The point %(lat)s, %(lng)s is outside China; are latitude and "
                                             "longitude swapped?") % {"lat": latitude, "lng": longitude}})


# --- teams ---------------------------------------------------------------------------------------

def _check_team(team: RescueTeam) -> None:
    if team.division_id is None or team.division.level not in TEAM_DIVISION_LEVELS:
        raise ValidationError({"division": _("Choose the district, a subdistrict or a community.")})
    _check_phone(team.duty_phone, "duty_phone", required=True)
    _check_location(team.latitude, team.longitude)


@transaction.atomic
def team_create(*, acting_user, **data: Any) -> RescueTeam:
    _unknown(data, TEAM_FIELDS)
    team = RescueTeam(**data)
    if team.division_id is None:
        raise ValidationError({"division": _("Choose the district, a subdistrict or a community.")})
    _require(may_manage(acting_user, team))
    _check_team(team)
    team.full_clean()
    team._history_user = acting_user
    team.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=team,
                 changes=created_fields(team, ["name", "kind", "specialty", "division", "owner_unit"]))
    return team


@transaction.atomic
def team_update(*, acting_user, team: RescueTeam, data: dict[str, Any]) -> dict:
    _unknown(data, TEAM_FIELDS)
    team = RescueTeam.objects.select_for_update().select_related("division").get(pk=team.pk)
    _require(may_manage(acting_user, team))
    candidate = RescueTeam(**{f: getattr(team, f) for f in ("division_id", "duty_phone", "latitude", "longitude")})
    for key, value in data.items():
        setattr(candidate, key, value)
    _require(may_manage(acting_user, candidate))  # a subdistrict cannot move a team out of its area
    _check_team(candidate)
    team._history_user = acting_user
    changes = model_update(instance=team, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=team, changes=changes)
    return changes


@transaction.atomic
def team_set_readiness(*, acting_user, team: RescueTeam, readiness: str, note: str = "") -> RescueTeam:
    """The only way readiness changes: locked, checked, audited."""
    team = RescueTeam.objects.select_for_update().select_related("division").get(pk=team.pk)
    _require(may_manage(acting_user, team))
    if readiness not in RescueTeam.Readiness.values:
        raise ValidationError({"readiness": _("Choose standby, deployed or unavailable.")})
    before = team.readiness
    if before == readiness:
        raise ValidationError({"readiness": _("The team is already %(state)s.") % {
            "state": RescueTeam.Readiness(readiness).label}})
    now = timezone.now()
    RescueTeam.objects.filter(pk=team.pk).update(readiness=readiness, readiness_changed_at=now, updated_at=now)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=team,
                 changes={"readiness": [before, readiness], "note": [None, note[:300]]})
    return RescueTeam.objects.select_related("division").get(pk=team.pk)


@transaction.atomic
def member_add(*, acting_user, team: RescueTeam, **data: Any) -> TeamMember:
    _unknown(data, MEMBER_FIELDS)
    _require(may_manage(acting_user, team))
    member = TeamMember(team=team, **data)
    if not (member.name or "").strip():
        raise ValidationError({"name": _("Give the name.")})
    _check_phone(member.phone, "phone", required=False)
    member.full_clean()
    member.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=member,
                 changes=created_fields(member, ["team", "name", "role", "certificate_name",
                                                 "certificate_expires_on"]))
    return member


@transaction.atomic
def social_record_add(*, acting_user, team: RescueTeam, kind: str, date: datetime.date,
                      description: str) -> SocialForceRecord:
    _require(may_manage(acting_user, team))
    if not team.is_social:
        raise ValidationError(_("Only a social force keeps registration, training and drill records."))
    if kind not in SocialForceRecord.Kind.values:
        raise ValidationError({"kind": _("Choose registration, training or drill.")})
    if not isinstance(date, datetime.date):
        raise ValidationError({"date": _("Enter a date.")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("The date is in the future.")})
    if not (description or "").strip():
        raise ValidationError({"description": _("Describe what happened.")})
    record = SocialForceRecord(team=team, kind=kind, date=date, description=description.strip(),
                               created_by=acting_user)
    record.full_clean()
    record.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=record,
                 changes=created_fields(record, ["team", "kind", "date"]))
    return record


# --- experts -------------------------------------------------------------------------------------

def _check_expert(expert: Expert) -> None:
    if not any(getattr(expert, f) for f in EXPERT_FLAG_FIELDS):
        raise ValidationError({"fields": _("Choose at least one field.")})
    _check_phone(expert.phone, "phone", required=True)
    _check_location(expert.latitude, expert.longitude)


@transaction.atomic
def expert_create(*, acting_user, **data: Any) -> Expert:
    _require(is_bureau(acting_user))
    _unknown(data, EXPERT_DATA_FIELDS)
    expert = Expert(**data)
    _check_expert(expert)
    expert.full_clean()
    expert._history_user = acting_user
    expert.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=expert,
                 changes=created_fields(expert, ["name", "title", "unit", *EXPERT_FLAG_FIELDS]))
    return expert


@transaction.atomic
def expert_update(*, acting_user, expert: Expert, data: dict[str, Any]) -> dict:
    _require(is_bureau(acting_user))
    _unknown(data, EXPERT_DATA_FIELDS)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    candidate = Expert(**{f: getattr(expert, f) for f in EXPERT_DATA_FIELDS})
    for key, value in data.items():
        setattr(candidate, key, value)
    _check_expert(candidate)
    expert._history_user = acting_user
    changes = model_update(instance=expert, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=expert, changes=changes)
    return changes


# --- equipment -----------------------------------------------------------------------------------

@transaction.atomic
def equipment_create(*, acting_user, **data: Any) -> Equipment:
    _unknown(data, EQUIPMENT_FIELDS)
    team, warehouse = data.get("team"), data.get("warehouse")
    if (team is None) == (warehouse is None):
        raise ValidationError({"team": _("Give either the team or the warehouse that holds the equipment.")})
    equipment = Equipment(**data)
    _require(may_manage(acting_user, equipment))
    equipment.full_clean()
    equipment.save()
    EquipmentStatusLog.objects.create(equipment=equipment, from_status="", to_status=equipment.status,
                                      by=acting_user, note=_("Registered"))
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=equipment,
                 changes=created_fields(equipment, ["name", "model_spec", "quantity", "team", "warehouse",
                                                    "status"]))
    return equipment


@transaction.atomic
def equipment_set_status(*, acting_user, equipment: Equipment, status: str, note: str = "") -> EquipmentStatusLog:
    """The only way an equipment's status changes: lost and scrapped are final; each change is logged and audited."""
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    _require(may_manage(acting_user, equipment))
    if status not in Equipment.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    before = equipment.status
    if before in Equipment.FINAL:
        raise ValidationError({"status": _("The equipment is %(state)s; that is final.") % {
            "state": Equipment.Status(before).label}})
    if status == before:
        raise ValidationError({"status": _("The equipment is already %(state)s.") % {
            "state": Equipment.Status(before).label}})
    if status in Equipment.FINAL and not (note or "").strip():
        raise ValidationError({"note": _("Say why the equipment is lost or scrapped.")})
    Equipment.objects.filter(pk=equipment.pk).update(status=status, updated_at=timezone.now())
    log = EquipmentStatusLog.objects.create(equipment=equipment, from_status=before, to_status=status,
                                            by=acting_user, note=(note or "").strip()[:300])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=equipment,
                 changes={"status": [before, status], "note": [None, log.note]})
    return log


# --- agreement reserves --------------------------------------------------------------------------

def _line_quantity(value, index: int) -> Decimal:
    try:
        return _quantity(value)
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
    _require(is_bureau(acting_user))
    _unknown(data, RESERVE_FIELDS)
    _check_reserve_warehouse(acting_user, data.get("warehouse"))
    agreement = ReserveAgreement(**data)
    if agreement.enterprise_id and not (agreement.supplier_name or "").strip():
        agreement.supplier_name = agreement.enterprise.name
    if agreement.valid_from and agreement.valid_until and agreement.valid_until < agreement.valid_from:
        raise ValidationError({"valid_until": _("The contract ends before it starts.")})
    _check_phone(agreement.contact_phone, "contact_phone", required=True)
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
    _require(is_bureau(acting_user))
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


def warehouses_for(user):
    """Warehouses a user may put equipment in."""
    qs = Warehouse.objects.filter(archived_at__isnull=True).select_related("division")
    if is_bureau(user):
        return qs
    if user.role == Role.SUBDISTRICT and user.division_id:
        return qs.filter(division__path__startswith=user.division.path)
    return qs.none()


def teams_for(user):
    qs = RescueTeam.objects.filter(archived_at__isnull=True).select_related("division")
    if is_bureau(user):
        return qs
    if user.role == Role.SUBDISTRICT and user.division_id:
        return qs.filter(division__path__startswith=user.division.path)
    return qs.none()


def team_divisions_for(user):
    qs = Division.objects.filter(archived_at__isnull=True, level__in=TEAM_DIVISION_LEVELS).order_by("code")
    if is_bureau(user):
        return qs
    if user.role == Role.SUBDISTRICT and user.division_id:
        return qs.filter(path__startswith=user.division.path)
    return qs.none()

