"""Periodic jobs: one table of what runs how often; `manage.py run_jobs` enqueues and works them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import ScheduledJob


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task_path: str


# Filled by each app's ready() through `register` (accounts, plan supervision, prevention, resources, …).
SCHEDULE: list[Periodic] = []


def register(job: Periodic) -> None:
    if all(j.name != job.name for j in SCHEDULE):
        SCHEDULE.append(job)


def enqueue_due(now=None) -> list[str]:
    """Enqueue each job whose interval has passed. The row lock stops two schedulers double-running it."""
    from django.utils.module_loading import import_string

    now = now or timezone.now()
    started = []
    for job in SCHEDULE:
        with transaction.atomic():
            row, _ = ScheduledJob.objects.get_or_create(name=job.name)
            row = ScheduledJob.objects.select_for_update().get(pk=row.pk)
            if row.last_run_at is not None and now - row.last_run_at < job.every:
                continue
            import_string(job.task_path).enqueue()
            row.last_run_at = now
            row.last_status = "enqueued"
            row.save(update_fields=["last_run_at", "last_status"])
            started.append(job.name)
    return started
