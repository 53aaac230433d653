"""Who acts when no person does: the named system actor of scheduled jobs.

A service records who made a change. A scheduled job has no user, and `acting_user=None` was ambiguous: a
forgotten argument looked exactly like the scheduler. So services refuse None and jobs pass `SYSTEM`,
which the audit log records by name ("scheduler") with no user row, and which foreign keys to the user
(transition rows, django-simple-history's history_user) store as NULL.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """A named actor that is not a user: never authenticated, no role, no primary key, so every role check
    (`is_authenticated`, `role in …`) refuses it like an anonymous visitor. The jurisdiction checks of
    core.scoping (`can_write`, `require_write`, `require_jurisdiction`, `may_create`) let it pass: it is the
    platform acting on its own data, and is recorded by name."""

    name: str

    pk = None
    id = None
    role = None
    is_authenticated = False
    is_anonymous = False
    is_active = False

    def get_username(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name


SYSTEM = SystemActor("scheduler")
# The demo loader (`seed_demo`) and an operator's management commands (`deactivate_demo`): named, so the audit
# log says which part of the platform acted.
DEMO_LOADER = SystemActor("demo loader")
OPERATOR_COMMAND = SystemActor("manage.py")


def require(acting_user) -> None:
    """Refuse a missing actor loudly: a programming error, not something to record as "nobody"."""
    if acting_user is None:
        raise TypeError("acting_user is None: pass the user who acts, or emergency.core.actors.SYSTEM "
                        "for a scheduled job.")


def is_system(acting_user) -> bool:
    return isinstance(acting_user, SystemActor)


def user_or_none(acting_user):
    """The value for a foreign key to the user (transition actor, history user): NULL for the system."""
    return None if is_system(acting_user) else acting_user
