"""Refused access leaves an audit row (issue 9: out-of-scope probes by id left no trace).

`RefusalAuditMiddleware` records ACCESS_DENIED (who, method and path, the object when known, IP, success=False)
when a signed-in user's page or API request ends in

- 403: every refusal by a role or write check (the object is the one `get_for_user` had just looked up, if any);
- 404 *because a lookup by id found an object outside the user's scope* (`scoping.get_for_user`, and `.get()` on
  a scoped queryset, which is what `get_object_or_404` and DRF's `get_object` call).

A 404 for an id that does not exist is not a refusal (a mistyped link, a deleted row) and is not recorded: those
rows would bury the useful signal, a user reaching for something that exists but is not theirs. Anonymous
requests are not recorded (they are answered by the login page or a 401 before any object is read; failed logins
have their own rows). Where a view or service already wrote its own ACCESS_DENIED row (attachments, the audit
log, the account services) nothing is added.

The rows are rate-limited per user so that a scan cannot flood the log: at most `REFUSALS_PER_MINUTE` rows in a
one-minute window; the last of them carries `changes["rate_limit"]`, and the refusals beyond it are counted and
written as one summary row (`changes["suppressed"]`) with that user's first refusal in a later window.
"""

from __future__ import annotations

import datetime
import threading
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

# A named constant rather than a rule: it bounds how many rows a scan can write, it is not a regulatory threshold
# of the security policy (whose rules may only be tightened; for this number neither direction is "tighter").
# 20 a minute is far above what a person clicking a stale link produces and lets a scan through for evidence.
REFUSALS_PER_MINUTE = 20
WINDOW_SECONDS = 60
# How long a window's count is kept for its summary row, written at that user's next refusal.
COUNT_KEEP_SECONDS = 24 * 3600
_CACHE_PREFIX = "audit-refusals:"


@dataclass
class RequestRefusals:
    found: tuple[str, str] | None = None  # (model label, pk) of the last object get_for_user handed out
    refused: tuple[str, str] | None = None  # an existing object a lookup by id refused as out of scope
    recorded: bool = False  # a view or service wrote its own ACCESS_DENIED row


# Set per request by the middleware; None outside a request (jobs, shell, services called by tests), where the
# scoping layer skips the existence check entirely. It holds a mutable object so that a note made in a thread
# with a copied context (asgiref's sync_to_async) is still seen by the middleware.
_current: ContextVar[RequestRefusals | None] = ContextVar("request_refusals", default=None)


def listening() -> bool:
    return _current.get() is not None


def note_found(obj) -> None:
    if (state := _current.get()) is not None:
        state.found = (obj._meta.label, str(obj.pk))


def note_refused(model, pk) -> None:
    if (state := _current.get()) is not None:
        state.refused = (model._meta.label, str(pk))


def note_recorded() -> None:
    """Called by `audit_record` for every ACCESS_DENIED row, so the middleware does not write a second one."""
    if (state := _current.get()) is not None:
        state.recorded = True


# Why a lock and the plain cache: settings has no CACHES, so Django's default is the per-process local-memory
# cache. The limit therefore holds per worker process (n workers: at most n × REFUSALS_PER_MINUTE rows a minute
# for one user, still bounded); the lock makes the read-modify-write safe between threads of one process. With a
# shared cache (Redis, database cache) configured, the limit becomes district-wide without a change here.
_lock = threading.Lock()


def _admit(user_pk, now: datetime.datetime) -> tuple[int, dict | None]:
    """Count a refusal in the user's current window: its number there, and the state of an earlier window that
    went over the limit (to be summarised now), or None."""
    window = int(now.timestamp()) // WINDOW_SECONDS
    key = f"{_CACHE_PREFIX}{user_pk}"
    with _lock:
        state = cache.get(key)
        earlier = None
        if state is None or state["window"] != window:
            if state is not None and state["count"] > REFUSALS_PER_MINUTE:
                earlier = state
            state = {"window": window, "count": 0}
        state["count"] += 1
        cache.set(key, state, COUNT_KEEP_SECONDS)
    return state["count"], earlier


def _window_bounds(window: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.fromtimestamp(window * WINDOW_SECONDS, tz=datetime.UTC)
    return start, start + datetime.timedelta(seconds=WINDOW_SECONDS)


def record(request, status: int, state: RequestRefusals) -> None:
    """Write the refusal row (and a pending summary row) for a signed-in user's 403 or out-of-scope 404."""
    from .audit import audit_record
    from .models import AuditEvent

    user = request.user
    target = state.refused or (state.found if status == 403 else None)
    number, earlier = _admit(user.pk, timezone.now())
    if earlier is not None:
        start, end = _window_bounds(earlier["window"])
        suppressed = earlier["count"] - REFUSALS_PER_MINUTE
        audit_record(acting_user=user, event_type=AuditEvent.Type.ACCESS_DENIED, success=False,
                     object_repr=f"{suppressed} more refusals not recorded, {timezone.localtime(start):%Y-%m-%d %H:%M}"
                                 f"–{timezone.localtime(end):%H:%M}",
                     changes={"suppressed": suppressed, "limit": REFUSALS_PER_MINUTE,
                              "window_start": start.isoformat(), "window_end": end.isoformat()})
    if number > REFUSALS_PER_MINUTE:
        return
    changes = {"method": request.method, "path": request.path[:500], "status": status}
    if number == REFUSALS_PER_MINUTE:
        # The last row of this minute: further refusals are counted and summarised at the next one.
        changes["rate_limit"] = REFUSALS_PER_MINUTE
    object_type, object_id = target if target is not None else ("", "")
    audit_record(acting_user=user, event_type=AuditEvent.Type.ACCESS_DENIED, success=False,
                 object_type=object_type, object_id=object_id,
                 object_repr=f"{request.method} {request.path}", changes=changes)


class RefusalAuditMiddleware:
    """Records refused access (see the module docstring). Placed after the authentication and security-policy
    middleware: a user who must first change their password or pass the second factor is being sent to that
    step, not refused a record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = RequestRefusals()
        token = _current.set(state)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        status = response.status_code
        if (status == 403 or (status == 404 and state.refused is not None)) and not state.recorded:
            user = getattr(request, "user", None)  # DRF sets it here too for token-authenticated calls
            if user is not None and user.is_authenticated:
                record(request, status, state)
        return response
