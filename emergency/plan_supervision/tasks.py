from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def plan_daily() -> dict:
    from . import services

    today = timezone.localdate()
    return {"reminders": services.reminders_send(today=today), "overdue": services.overdue_mark(today=today),
            "escalated_notices": services.notices_escalate(today=today)}
