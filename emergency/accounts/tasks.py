from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from emergency.core.notifications import notify
from emergency.core.rules import rule_value

REMIND_DAYS_BEFORE = 7


@task()
def password_expiry_reminders() -> int:
    from .models import User

    max_age = int(rule_value("security.password_max_age_days"))
    now = timezone.now()
    window_start = now - timedelta(days=max_age)
    window_end = window_start + timedelta(days=REMIND_DAYS_BEFORE)
    users = list(User.objects.filter(is_active=True, password_changed_at__gt=window_start,
                                     password_changed_at__lte=window_end))
    for user in users:
        notify(recipients=[user], title=_("Your password expires soon"),
               body=_("Change it before it expires to keep access."), url="/accounts/password/")
    return len(users)
