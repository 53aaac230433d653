"""Writes for teams, members, social-force records, experts and equipment, and who may make them.

Who may write: the bureau everything; a subdistrict user the teams (and their equipment) whose division lies in
their subdistrict (core.scoping.can_write, declared in resources/scopes.py); experts are the bureau's.
Every change is audited in the same transaction. Readiness and equipment status move through core.lifecycle
(the true before and after value in the audit, the history user on a team); equipment also keeps its
EquipmentStatusLog row, written in the same transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core import actors, lifecycle
from emergency.core.audit import audit_record, created_fields, model_update
from emergency.core.models import AuditEvent, Division
from emergency.core.roles import Role

from ..shared.services import check_location, check_phone, is_bureau, may_manage, refuse_unknown, require
from .models import (
    EXPERT_FIELDS,
    Equipment,
    EquipmentStatusLog,
    Expert,
    RescueTeam,
    SocialForceRecord,
    TeamMember,
)

TEAM_FIELDS = ["name", "kind", "specialty", "owner_unit", "owner_department", "division", "leader", "duty_phone",
               "base_address", "latitude", "longitude", "service_area", "incentive_note", "is_synthetic"]
MEMBER_FIELDS = ["name", "role", "phone", "skills", "certificate_name", "certificate_expires_on"]
EXPERT_FLAG_FIELDS = [attr for attr, _code, _label in EXPERT_FIELDS]
EXPERT_DATA_FIELDS = ["name", *EXPERT_FLAG_FIELDS, "title", "unit", "phone", "available", "latitude", "longitude",
                      "is_synthetic"]
EQUIPMENT_FIELDS = ["name", "model_spec", "quantity", "team", "warehouse"]
TEAM_DIVISION_LEVELS = (Division.Level.DISTRICT, Division.Level.SUBDISTRICT, Division.Level.COMMUNITY)


# --- who may -------------------------------------------------------------------------------------

def may_create_team(user) -> bool:
    return is_bureau(user) or bool(user.is_authenticated and user.role == Role.SUBDISTRICT and user.division_id)


def may_create_equipment(user) -> bool:
    """The bureau and subdistrict users register equipment (and so import it); equipment_create then checks
    that the holder lies in the user's subdistrict."""
    return is_bureau(user) or bool(user is not None and user.is_authenticated
                                   and user.role == Role.SUBDISTRICT)


def may_manage_team(user, team: RescueTeam) -> bool:
    return may_manage(user, team)


def may_manage_equipment(user, equipment: Equipment) -> bool:
    return may_manage(user, equipment)


# --- teams ---------------------------------------------------------------------------------------

def _check_team(team: RescueTeam) -> None:
    if team.division_id is None or team.division.level not in TEAM_DIVISION_LEVELS:
        raise ValidationError({"division": _("Choose the district, a subdistrict or a community.")})
    check_phone(team.duty_phone, "duty_phone", required=True)
    check_location(team.latitude, team.longitude)


@transaction.atomic
def team_create(*, acting_user, **data: Any) -> RescueTeam:
    actors.require(acting_user)
    refuse_unknown(data, TEAM_FIELDS)
    team = RescueTeam(**data)
    if team.division_id is None:
        raise ValidationError({"division": _("Choose the district, a subdistrict or a community.")})
    require(may_manage(acting_user, team))
    _check_team(team)
    team.full_clean()
    # Born on standby: the CREATE audit carries {"readiness": [None, "standby"]}.
    lifecycle.created(team, acting_user=acting_user, field="readiness",
                      changes=created_fields(team, ["name", "kind", "specialty", "division", "owner_unit"]))
    return team


@transaction.atomic
def team_update(*, acting_user, team: RescueTeam, data: dict[str, Any]) -> dict:
    actors.require(acting_user)
    refuse_unknown(data, TEAM_FIELDS)
    team = RescueTeam.objects.select_for_update().select_related("division").get(pk=team.pk)
    require(may_manage(acting_user, team))
    candidate = RescueTeam(**{f: getattr(team, f) for f in ("division_id", "duty_phone", "latitude", "longitude")})
    for key, value in data.items():
        setattr(candidate, key, value)
    require(may_manage(acting_user, candidate))  # a subdistrict cannot move a team out of its area
    _check_team(candidate)
    team._history_user = acting_user
    changes = model_update(instance=team, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=team, changes=changes)
    return changes


@transaction.atomic
def team_set_readiness(*, acting_user, team: RescueTeam, readiness: str, note: str = "") -> RescueTeam:
    """The only way readiness changes: locked, checked, then moved through core.lifecycle (saved with the
    history user, audited with the true before value and the note). Any readiness may follow any other."""
    actors.require(acting_user)
    team = RescueTeam.objects.select_for_update().select_related("division").get(pk=team.pk)
    require(may_manage(acting_user, team))
    if readiness not in RescueTeam.Readiness.values:
        raise ValidationError({"readiness": _("Choose standby, deployed or unavailable.")})
    before = team.readiness
    if before == readiness:
        raise ValidationError({"readiness": _("The team is already %(state)s.") % {
            "state": RescueTeam.Readiness(readiness).label}})
    team.readiness_changed_at = timezone.now()
    lifecycle.transition(team, readiness, field="readiness", acting_user=acting_user,
                         sources=[r for r in RescueTeam.Readiness.values if r != readiness],
                         changes={"note": [None, note[:300]]})
    return team


@transaction.atomic
def member_add(*, acting_user, team: RescueTeam, **data: Any) -> TeamMember:
    actors.require(acting_user)
    refuse_unknown(data, MEMBER_FIELDS)
    require(may_manage(acting_user, team))
    member = TeamMember(team=team, **data)
    if not (member.name or "").strip():
        raise ValidationError({"name": _("Give the name.")})
    check_phone(member.phone, "phone", required=False)
    member.full_clean()
    member.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=member,
                 changes=created_fields(member, ["team", "name", "role", "certificate_name",
                                                 "certificate_expires_on"]))
    return member


@transaction.atomic
def social_record_add(*, acting_user, team: RescueTeam, kind: str, date: datetime.date,
                      description: str) -> SocialForceRecord:
    actors.require(acting_user)
    require(may_manage(acting_user, team))
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
    check_phone(expert.phone, "phone", required=True)
    check_location(expert.latitude, expert.longitude)


@transaction.atomic
def expert_create(*, acting_user, **data: Any) -> Expert:
    actors.require(acting_user)
    require(is_bureau(acting_user))
    refuse_unknown(data, EXPERT_DATA_FIELDS)
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
    actors.require(acting_user)
    require(is_bureau(acting_user))
    refuse_unknown(data, EXPERT_DATA_FIELDS)
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


def expert_of(user) -> Expert | None:
    """The expert profile linked to this account (role expert), or None."""
    if user is None or not user.is_authenticated or user.role != Role.EXPERT:
        return None
    return Expert.objects.filter(user=user, archived_at__isnull=True).first()


@transaction.atomic
def expert_link_user(*, acting_user, expert: Expert, user) -> Expert:
    """Link an expert profile to the expert's own account (role expert), or unlink it (`user=None`). The bureau
    (or a named system actor: the demo loader) decides; one profile per account. Audited."""
    actors.require(acting_user)
    require(is_bureau(acting_user) or actors.is_system(acting_user))
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if user is not None:
        if user.role != Role.EXPERT:
            raise ValidationError({"user": _("Only an account with the expert role can be linked to an expert.")})
        other = Expert.objects.filter(user=user).exclude(pk=expert.pk).first()
        if other is not None:
            raise ValidationError({"user": _("This account is already linked to the expert %(name)s.") % {
                "name": other.name}})
    before = expert.user
    if (before.pk if before else None) == (user.pk if user else None):
        return expert
    expert.user = user
    expert._history_user = actors.user_or_none(acting_user)
    expert.save(update_fields=["user", "updated_at"])
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=expert,
                 changes={"user": [before.username if before else None, user.username if user else None]})
    return expert


@transaction.atomic
def expert_set_availability(*, acting_user, expert: Expert, available: bool) -> dict:
    """Whether the expert can be called on now: the expert themselves (through the linked account) or the
    bureau. Audited; a no-op changes nothing."""
    actors.require(acting_user)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    own = bool(getattr(acting_user, "is_authenticated", False) and expert.user_id is not None
               and expert.user_id == acting_user.pk)
    require(own or is_bureau(acting_user))
    if not isinstance(available, bool):
        raise ValidationError({"available": _("Choose available or not available.")})
    expert._history_user = actors.user_or_none(acting_user)
    changes = model_update(instance=expert, data={"available": available})
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=expert, changes=changes)
    return changes


# --- equipment -----------------------------------------------------------------------------------

@transaction.atomic
def equipment_create(*, acting_user, **data: Any) -> Equipment:
    actors.require(acting_user)
    refuse_unknown(data, EQUIPMENT_FIELDS)
    team, warehouse = data.get("team"), data.get("warehouse")
    if (team is None) == (warehouse is None):
        raise ValidationError({"team": _("Give either the team or the warehouse that holds the equipment.")})
    equipment = Equipment(**data)
    require(may_manage(acting_user, equipment))
    equipment.full_clean()
    lifecycle.created(equipment, acting_user=acting_user, field="status",
                      changes=created_fields(equipment, ["name", "model_spec", "quantity", "team", "warehouse"]))
    _status_log(equipment, from_status="", acting_user=acting_user, note=_("Registered"))
    return equipment


def _status_log(equipment: Equipment, *, from_status: str, acting_user, note: str) -> EquipmentStatusLog:
    """The equipment's own append-only status log (its columns are not a core.lifecycle transition table:
    from_status/to_status/by), written right after the lifecycle step inside the service's transaction."""
    return EquipmentStatusLog.objects.create(equipment=equipment, from_status=from_status,
                                             to_status=equipment.status, by=actors.user_or_none(acting_user),
                                             note=note)


@transaction.atomic
def equipment_set_status(*, acting_user, equipment: Equipment, status: str, note: str = "") -> EquipmentStatusLog:
    """The only way an equipment's status changes: lost and scrapped are final; each change moves through
    core.lifecycle (audit with the true before status and the note) and appends an EquipmentStatusLog row, all in
    one transaction."""
    actors.require(acting_user)
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    require(may_manage(acting_user, equipment))
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
    note = (note or "").strip()[:300]
    lifecycle.transition(equipment, status, field="status", acting_user=acting_user,
                         sources=[s for s in Equipment.Status.values if s not in Equipment.FINAL and s != status],
                         changes={"note": [None, note]})
    return _status_log(equipment, from_status=before, acting_user=acting_user, note=note)


# --- what a user may choose ------------------------------------------------------------------------

def teams_for(user):
    """Teams a user may give equipment to."""
    qs = RescueTeam.objects.filter(archived_at__isnull=True).select_related("division")
    if is_bureau(user):
        return qs
    if user.role == Role.SUBDISTRICT and user.division_id:
        return qs.filter(division__path__startswith=user.division.path)
    return qs.none()


def team_divisions_for(user):
    """Divisions a user may register a team in."""
    qs = Division.objects.filter(archived_at__isnull=True, level__in=TEAM_DIVISION_LEVELS).order_by("code")
    if is_bureau(user):
        return qs
    if user.role == Role.SUBDISTRICT and user.division_id:
        return qs.filter(path__startswith=user.division.path)
    return qs.none()
