from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from emergency.core.exports import file_response
from emergency.core.models import ImportJob
from emergency.core.views import business_required
from emergency.lib.xlsx import XLSX_MIME, Sheet, xlsx_bytes

from . import services
from .registry import ImportSpec, get_spec
from .selectors import import_job_for_user, import_jobs_for_user

RUNNING = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING, ImportJob.Status.IMPORTING)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


def _spec_for(user, register: str) -> ImportSpec:
    try:
        spec = get_spec(register)
    except LookupError:
        raise Http404 from None
    if not spec.who_may_import(user):
        raise PermissionDenied
    return spec


@business_required
def import_new(request, register: str):
    spec = _spec_for(request.user, register)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(acting_user=request.user, register=spec.name,
                                             uploaded=form.cleaned_data["file"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("file", message)
        else:
            return redirect("imports:detail", pk=job.pk)
    jobs = import_jobs_for_user(request.user).filter(register=spec.name, created_by=request.user)[:10]
    return render(request, "imports/new.html", {"spec": spec, "form": form, "jobs": jobs},
                  status=400 if form.errors else 200)


def _job_context(request, job: ImportJob) -> dict:
    try:
        spec = get_spec(job.register)
    except LookupError:
        raise Http404 from None
    return {"job": job, "spec": spec, "running": job.status in RUNNING,
            "can_confirm": job.status == ImportJob.Status.READY and job.created_by_id == request.user.pk}


@require_GET
@business_required
def import_detail(request, pk: int):
    job = import_job_for_user(request.user, pk)
    return render(request, "imports/detail.html", _job_context(request, job))


@require_GET
@business_required
def import_progress(request, pk: int):
    """Polled every second while running; once finished, htmx reloads the page to show the result."""
    job = import_job_for_user(request.user, pk)
    if request.htmx and job.status not in RUNNING:
        return HttpResponseClientRefresh()
    return render(request, "imports/_progress.html", _job_context(request, job))


@require_POST
@business_required
def import_confirm(request, pk: int):
    job = import_job_for_user(request.user, pk)
    try:
        services.import_job_commit(job=job, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if job.status == ImportJob.Status.DONE:
            messages.success(request, _("Imported %(n)d rows.") % {"n": job.created_count})
        elif job.status == ImportJob.Status.INVALID:
            messages.error(request, _("Nothing was imported: some rows are no longer valid."))
    return redirect("imports:detail", pk=job.pk)


@require_GET
@business_required
def import_template(request, register: str):
    spec = _spec_for(request.user, register)
    labels = spec.header_labels()
    notes = [[str(column.label), _("Yes") if column.required else _("No"), "、".join(column.aliases)]
             for column in spec.columns]
    notes += [[], [_("Only the first sheet is read. Every row is checked before anything is saved.")]]
    data = xlsx_bytes([
        Sheet(title=str(spec.title), headers=labels, widths=[max(12, len(label) * 2 + 2) for label in labels]),
        Sheet(title=_("Notes"), headers=[_("Column"), _("Required column"), _("Also accepted as header")],
              rows=notes),
    ])
    return file_response(data, XLSX_MIME, f"{spec.title}-{_('Import template')}.xlsx",
                         fallback=f"{spec.name}-template.xlsx")
