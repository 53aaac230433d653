"""Who sees which import jobs: the person who uploaded it, and the bureau."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from emergency.core.models import ImportJob
from emergency.core.roles import BUREAU_ROLES, can_see_business


def import_jobs_for_user(user) -> QuerySet[ImportJob]:
    qs = ImportJob.objects.select_related("created_by")
    if not can_see_business(user):
        return qs.none()
    if user.role in BUREAU_ROLES:
        return qs
    return qs.filter(created_by=user)


def import_job_for_user(user, pk: int) -> ImportJob:
    job = import_jobs_for_user(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job
