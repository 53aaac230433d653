"""Writes to the enterprise registry: validated, audited, scoped."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core import actors, scoping
from emergency.core.audit import audit_record, created_fields, model_update
from emergency.core.models import AuditEvent, Division

from .models import Enterprise, SectorSupervision

FIELDS = ["name", "credit_code", "industry", "above_scale", "employees", "division", "address", "latitude",
          "longitude", "legal_representative", "principal", "principal_phone", "safety_manager",
          "safety_manager_phone", "hazardous_chemicals", "major_hazard_source", "dust_explosion",
          "ammonia_refrigeration", "confined_space", "standardisation", "enforcement_category", "is_synthetic"]
# An enterprise account keeps its own contacts and flags up to date, not its identity or grading.
ENTERPRISE_EDITABLE = {"address", "latitude", "longitude", "legal_representative", "principal", "principal_phone",
                       "safety_manager", "safety_manager_phone", "employees", "hazardous_chemicals",
                       "major_hazard_source", "dust_explosion", "ammonia_refrigeration", "confined_space"}


def _check_division(division: Division | None) -> None:
    if division is None or division.level not in (Division.Level.SUBDISTRICT, Division.Level.COMMUNITY):
        raise ValidationError({"division": _("Choose the subdistrict or community the enterprise is in.")})


@transaction.atomic
def enterprise_create(*, acting_user, **data: Any) -> Enterprise:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError({f: _("Unknown field.") for f in unknown})
    if not scoping.may_create(acting_user, Enterprise) or acting_user.role == "enterprise":
        raise scoping.NotAllowed(_("You may not register enterprises."))
    data["credit_code"] = str(data.get("credit_code", "")).strip().upper()
    _check_division(data.get("division"))
    scoping.require_jurisdiction(acting_user, division=data["division"],
                                 message=_("The enterprise lies outside your jurisdiction."))
    enterprise = Enterprise(**data)
    enterprise.full_clean()
    enterprise._history_user = actors.user_or_none(acting_user)
    enterprise.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=enterprise,
                 changes=created_fields(enterprise, FIELDS))
    return enterprise


@transaction.atomic
def enterprise_update(*, acting_user, enterprise: Enterprise, data: dict[str, Any]) -> dict:
    scoping.require_write(acting_user, enterprise)
    allowed = ENTERPRISE_EDITABLE if acting_user.role == "enterprise" else set(FIELDS)
    refused = set(data) - allowed
    if refused:
        raise ValidationError({f: _("You may not change this field.") for f in refused})
    if "credit_code" in data:
        data["credit_code"] = str(data["credit_code"]).strip().upper()
    if "division" in data:
        _check_division(data["division"])
        scoping.require_jurisdiction(acting_user, division=data["division"],
                                     message=_("The enterprise lies outside your jurisdiction."))
    enterprise._history_user = actors.user_or_none(acting_user)
    changes = model_update(instance=enterprise, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=enterprise, changes=changes)
    return changes


@transaction.atomic
def enterprise_archive(*, acting_user, enterprise: Enterprise) -> None:
    if acting_user.role == "enterprise":
        raise scoping.NotAllowed(_("An enterprise cannot archive itself."))
    scoping.require_write(acting_user, enterprise)
    enterprise._history_user = actors.user_or_none(acting_user)
    model_update(instance=enterprise, data={"archived_at": timezone.now()})
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ARCHIVE, obj=enterprise)


@transaction.atomic
def sector_supervision_add(*, acting_user, industry: str, department, source: str) -> SectorSupervision:
    """The bureau names a department as an industry's supervisor; its users then see that industry."""
    if not scoping.may_create(acting_user, SectorSupervision):
        raise scoping.NotAllowed(_("Only the bureau edits the sector table."))
    if department is None:
        raise ValidationError({"department": _("Choose the supervising department.")})
    if not (source or "").strip():
        raise ValidationError({"source": _("Name the document that assigns this duty.")})
    if SectorSupervision.objects.filter(industry=industry, department=department, archived_at__isnull=True).exists():
        raise ValidationError({"department": _("This department already supervises this industry.")})
    row = SectorSupervision(industry=industry, department=department, source=source.strip())
    row.full_clean()
    row._history_user = actors.user_or_none(acting_user)
    row.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=row,
                 changes=created_fields(row, ["industry", "department", "source"]))
    return row


@transaction.atomic
def sector_supervision_archive(*, acting_user, row: SectorSupervision) -> None:
    scoping.require_write(acting_user, row, _("Only the bureau edits the sector table."))
    row._history_user = actors.user_or_none(acting_user)
    model_update(instance=row, data={"archived_at": timezone.now()})
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ARCHIVE, obj=row)
