"""The separated administrators' workbench (registered by apps.AccountsConfig with administrators=True): what
waits for each of them, from one query per entry. The system administrator sees accounts locked out now and
passwords past their age; the security administrator, accounts that must have a second factor and have none; the
audit administrator, yesterday's and today's failed logins."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from emergency.core.models import AuditEvent
from emergency.core.registry import TodoEntry
from emergency.core.roles import can_manage_accounts, can_manage_roles, can_read_audit

from .models import User
from .selectors import users_in_state


def _accounts(state: str, label, level: str) -> TodoEntry:
    return TodoEntry(label, users_in_state(User.objects.all(), state).count(),
                     f"{reverse('accounts:user_list')}?state={state}", level)


def administrator_todos(user) -> list[TodoEntry]:
    entries = []
    if can_manage_accounts(user):
        entries += [_accounts("locked", _("Accounts locked out now"), "warning"),
                    _accounts("password_expired", _("Accounts whose password has expired"), "info")]
    if can_manage_roles(user):
        entries.append(_accounts("no_second_factor", _("Accounts that need a second factor and have none"),
                                 "warning"))
    if can_read_audit(user):
        since = timezone.localdate() - datetime.timedelta(days=1)
        failed = AuditEvent.objects.filter(event_type=AuditEvent.Type.LOGIN_FAILED,
                                           event_time__gte=timezone.make_aware(
                                               datetime.datetime.combine(since, datetime.time.min))).count()
        query = urlencode({"event_type": AuditEvent.Type.LOGIN_FAILED, "since": since.isoformat()})
        entries.append(TodoEntry(_("Failed logins since yesterday"), failed,
                                 f"{reverse('core:audit_list')}?{query}", "info"))
    return entries
