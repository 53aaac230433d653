"""Writing audit rows. Called inside the service's transaction (Zulip actions pattern)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from . import refusals
from .middleware import current_ip
from .models import AuditEvent


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    return value


def audit_record(
    *,
    acting_user,
    event_type: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    success: bool = True,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    username: str = "",
) -> AuditEvent:
    is_user = acting_user is not None and getattr(acting_user, "is_authenticated", False)
    # A named non-user actor (actors.SYSTEM, "scheduler") gives its name; an explicit `username` (a failed
    # login's typed name) still wins for anyone who is not signed in.
    name = acting_user.get_username() if hasattr(acting_user, "get_username") else ""
    if event_type == AuditEvent.Type.ACCESS_DENIED:
        refusals.note_recorded()  # the refusal middleware must not write this request's refusal again
    return AuditEvent.objects.create(
        actor=acting_user if is_user else None,
        actor_username=(name if is_user else username or name)[:150],
        event_type=event_type,
        success=success,
        object_type=object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None else object_id[:64],
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:255],
        changes={k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v] for k, v in (changes or {}).items()},
        ip_address=current_ip(),
    )


def model_update(*, instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set only the given fields; return {field: [old, new]} for those that changed."""
    changes: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_plain(old), _plain(new)]
            setattr(instance, field, new)
    if changes:
        instance.full_clean()
        instance.save()
    return changes


def created_fields(instance: models.Model, fields: list[str]) -> dict[str, list[Any]]:
    return {f: [None, _plain(getattr(instance, f))] for f in fields}
