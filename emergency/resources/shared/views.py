"""What the resource pages share: a service call whose refusals land on the form, the create page of a
register, paging, and the register exports (.xlsx, streamed with `emergency.core.exports.stream_xlsx`,
audited).

The register exports use the import's columns (each sub-package's `imports.py`), so an exported register can
be edited and imported again; some append read-only computed columns that the import ignores."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from emergency.core.audit import audit_record
from emergency.core.exports import dated, stream_xlsx
from emergency.core.forms import add_validation_errors
from emergency.core.models import AuditEvent

from .services import NotAllowed

PAGE_SIZE = 50
CHUNK = 500  # rows read per query by a streamed export


def page_of(request, qs, *, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def service_call(form, fn, *, refused_field: str | None = None, **kwargs):
    """Run a service: a ValidationError lands on the form; NotAllowed is a 403, or, with `refused_field`, an
    error on that field. Returns the service's result, or None when it refused."""
    try:
        return fn(**kwargs)
    except NotAllowed as exc:
        if refused_field is None:
            raise PermissionDenied from None
        form.add_error(refused_field, str(exc))
    except ValidationError as exc:
        add_validation_errors(form, exc)
    return None


def create_page(request, form, service, *, detail: str, template: str, context: dict | None = None, data=None,
                formset=None, message: str | None = None, refused_field: str | None = None,
                invalid_status: int = 400) -> HttpResponse:
    """The "new record" page of a register. A valid POST (form and `formset`) goes to `service` with the
    acting user and `data()` (by default the form's cleaned data); the new record's `detail` page follows,
    with `message`. Otherwise the form is shown again with what was wrong — the service's refusals included —
    answering `invalid_status`; the caller has checked who may create."""
    posted = request.method == "POST"
    if posted and form.is_valid() and (formset is None or formset.is_valid()):
        created = service_call(form, service, refused_field=refused_field, acting_user=request.user,
                               **(form.cleaned_data if data is None else data()))
        if created is not None:
            messages.success(request, message or _("Saved."))
            return redirect(detail, pk=created.pk)
    invalid = bool(form.errors or (posted and formset is not None
                                   and (formset.errors or formset.non_form_errors())))
    return render(request, template, {"form": form, **(context or {})},
                  status=invalid_status if invalid else 200)


def export_register(request, *, title: str, filename: str, headers, rows, model) -> FileResponse:
    """Stream the rows as `<title>-<date>.xlsx` (`<filename>-<date>.xlsx` for clients that need ASCII) and
    audit the export (filters and row count)."""
    response, n = stream_xlsx(title=title, headers=headers, rows=rows, filename=dated(title, "xlsx"),
                              fallback=dated(filename, "xlsx"))
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, object_type=model._meta.label,
                 object_repr=title, changes={"filters": request.GET.urlencode(), "rows": n})
    return response
