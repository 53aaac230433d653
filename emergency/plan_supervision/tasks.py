from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def plan_daily() -> dict:
    from emergency.core.actors import SYSTEM

    from . import services

    today = timezone.localdate()
    # No person runs this job: its changes are recorded as the named system actor ("scheduler").
    return {"reminders": services.reminders_send(today=today),
            "overdue": services.overdue_mark(acting_user=SYSTEM, today=today),
            "escalated_notices": services.notices_escalate(acting_user=SYSTEM, today=today)}
