"""Writes to the enterprise registry: validated, audited, scoped."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core.audit import audit_record, created_fields, model_update
from emergency.core.models import AuditEvent, Division

from .models import Enterprise

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
    data["credit_code"] = str(data.get("credit_code", "")).strip().upper()
    _check_division(data.get("division"))
    enterprise = Enterprise(**data)
    enterprise.full_clean()
    enterprise._history_user = acting_user
    enterprise.save()
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=enterprise,
                 changes=created_fields(enterprise, FIELDS))
    return enterprise


@transaction.atomic
def enterprise_update(*, acting_user, enterprise: Enterprise, data: dict[str, Any]) -> dict:
    allowed = ENTERPRISE_EDITABLE if acting_user.role == "enterprise" else set(FIELDS)
    refused = set(data) - allowed
    if refused:
        raise ValidationError({f: _("You may not change this field.") for f in refused})
    if "credit_code" in data:
        data["credit_code"] = str(data["credit_code"]).strip().upper()
    if "division" in data:
        _check_division(data["division"])
    enterprise._history_user = acting_user
    changes = model_update(instance=enterprise, data=data)
    if changes:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=enterprise, changes=changes)
    return changes


@transaction.atomic
def enterprise_archive(*, acting_user, enterprise: Enterprise) -> None:
    if acting_user.role == "enterprise":
        raise PermissionError(_("An enterprise cannot archive itself."))
    enterprise._history_user = acting_user
    model_update(instance=enterprise, data={"archived_at": timezone.now()})
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.ARCHIVE, obj=enterprise)
