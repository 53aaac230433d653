"""The one way a business row changes state (issue 10 §3).

`transition()` checks the move, applies it, saves the row with its history user, writes the domain's
transition row (when the model keeps one) and the audit event with the true before and after states, all
in one transaction. `created()` records a row born in its initial state the same way. Services call these
instead of hand-writing the sequence, so no domain forgets a step or writes a made-up "from" state.

A model with a transition table declares it by label, e.g. on HiddenHazard::

    transition_log = "prevention.HazardTransition"

The table needs `from_state`, `to_state`, `actor` (a nullable foreign key to the user), one foreign key to
the model, and optionally a text field `note` (or `comment`), cut to its length. A model without one
(SupervisionNotice) is recorded by its audit events alone, which carry the before and after states.

Two kinds of state field are supported:
- a django-fsm-2 field: pass the transition method's name (`transition(hazard, "register", …)`); the
  decorator's sources and conditions decide (`can_proceed`).
- a plain CharField: pass the target value and the states it may be reached from
  (`transition(task, InspectionTask.State.MISSED, sources=[InspectionTask.State.PENDING], …)`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from . import actors
from .audit import audit_record
from .models import AuditEvent


def transition(obj: models.Model, move: Any, *, acting_user, note: str = "", changes: dict[str, Any] | None = None,
               log: type[models.Model] | str | None = None, sources: Iterable[Any] | None = None,
               field: str = "state") -> Any:
    """Move `obj` to its next state and record it; return the new state.

    `move` is an FSM transition method's name, or, with `sources`, the target value of a plain field.
    `acting_user` is the user, or `actors.SYSTEM` for a scheduled job (None is refused). `note` goes on
    the transition row, `changes` into the audit event next to `{field: [before, after]}`. `log` overrides
    the model's `transition_log`. A move the state does not allow raises ValidationError naming the
    current state, and nothing is written.
    """
    actors.require(acting_user)
    if sources is None:
        method = getattr(obj, move, None)
        if method is None or not hasattr(method, "_django_fsm"):
            raise TypeError(f"{type(obj).__name__}.{move} is not an FSM transition; pass sources=[…] "
                            "to move a plain state field to a value.")
        fsm_field = method._django_fsm.field
        field = fsm_field if isinstance(fsm_field, str) else fsm_field.name
    attname = obj._meta.get_field(field).attname
    before = getattr(obj, attname)
    with transaction.atomic():
        if sources is None:
            if not can_proceed(method):
                raise refusal(obj, field)
            method()
        else:
            if before not in set(sources):
                raise refusal(obj, field)
            setattr(obj, attname, move)
        after = getattr(obj, attname)
        try:
            obj._history_user = actors.user_or_none(acting_user)
            obj.save()
            _write_log(obj, log, from_state=before, to_state=after, acting_user=acting_user, note=note)
            audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=obj,
                         changes={field: [before, after], **(changes or {})})
        except BaseException:
            # The database rolls back; the caller's object must not keep claiming a state that was never
            # stored. Written to __dict__ because a protected FSM field refuses assignment.
            obj.__dict__[attname] = before
            raise
    return after


def created(obj: models.Model, *, acting_user, note: str = "", changes: dict[str, Any] | None = None,
            log: type[models.Model] | str | None = None, field: str = "state") -> Any:
    """Record that `obj` came into being in its initial state: a transition row from "" and a CREATE
    audit event with `{field: [None, state], **changes}`. Saves `obj` first if it is not saved yet (a
    caller that must save it its own way, e.g. retrying a serial number, saves it before)."""
    actors.require(acting_user)
    with transaction.atomic():
        if obj._state.adding:
            obj._history_user = actors.user_or_none(acting_user)
            obj.save()
        state = getattr(obj, field)
        _write_log(obj, log, from_state="", to_state=state, acting_user=acting_user, note=note)
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=obj,
                     changes={field: [None, state], **(changes or {})})
    return state


def refusal(obj: models.Model, field: str = "state") -> ValidationError:
    """The error for a move the current state does not allow (also for services that check early)."""
    display = getattr(obj, f"get_{field}_display", None)
    state = display() if display is not None else getattr(obj, field)
    return ValidationError(_('This %(object)s cannot be changed this way while it is "%(state)s".') % {
        "object": obj._meta.verbose_name, "state": state}, code="invalid_transition")


# --- transition rows ----------------------------------------------------------------------------

def _write_log(obj, log, *, from_state, to_state, acting_user, note: str) -> None:
    log = log if log is not None else getattr(type(obj), "transition_log", None)
    if log is None:
        return
    model = apps.get_model(log) if isinstance(log, str) else log
    owner, note_field, note_length = _log_shape(model, obj._meta.concrete_model)
    row = {owner: obj, "from_state": from_state, "to_state": to_state, "actor": actors.user_or_none(acting_user)}
    if note_field:
        row[note_field] = (note or "")[:note_length] if note_length else (note or "")
    model.objects.create(**row)


@functools.cache
def _log_shape(model: type[models.Model], owner_model: type[models.Model]) -> tuple[str, str, int | None]:
    """(foreign key to the owner, note field, its max length) of a transition table, checked once."""
    owners = [f.name for f in model._meta.get_fields()
              if isinstance(f, models.ForeignKey) and f.related_model is owner_model]
    if len(owners) != 1:
        raise TypeError(f"{model.__name__} needs exactly one foreign key to {owner_model.__name__}.")
    names = {f.name for f in model._meta.get_fields()}
    missing = {"from_state", "to_state", "actor"} - names
    if missing:
        raise TypeError(f"{model.__name__} lacks {sorted(missing)} to be a transition table.")
    note_field = next((n for n in ("note", "comment") if n in names), "")
    length = model._meta.get_field(note_field).max_length if note_field else None
    return owners[0], note_field, length
