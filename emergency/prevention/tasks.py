from __future__ import annotations

from django.utils import timezone
from django_tasks import task


@task()
def prevention_hourly() -> dict:
    from . import services

    return {"inspections": services.inspection_tasks_generate(now=timezone.now()),
            "hazards": services.hazards_mark_overdue(today=timezone.localdate())}
