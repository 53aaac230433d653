from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def prevention_hourly() -> dict:
    from emergency.core.actors import SYSTEM

    from . import services

    # No person runs this job: missed windows and overdue hazards are recorded as the system actor.
    return {"inspections": services.inspection_tasks_generate(acting_user=SYSTEM, now=timezone.now()),
            "hazards": services.hazards_mark_overdue(acting_user=SYSTEM, today=timezone.localdate())}
