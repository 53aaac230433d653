"""Background steps for long files; each re-reads the job and does nothing if it has moved on."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from emergency.core.models import ImportJob


@task()
def import_validate_task(job_id: int, language: str = "") -> str:
    from .services import import_job_validate

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        import_job_validate(job=job, acting_user=job.created_by)
    return job.status


@task()
def import_commit_task(job_id: int, language: str = "") -> str:
    from .services import import_job_run

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        import_job_run(job=job, acting_user=job.created_by)
    return job.status
