"""The audit administrator's screens: search and export, never edit."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core.roles import can_read_audit
from emergency.lib.xlsx import XLSX_MIME, build_xlsx

from .audit import audit_record
from .models import AuditEvent
from .selectors import AuditFilter, audit_list


def _require_auditor(request):
    if not can_read_audit(request.user):
        audit_record(acting_user=request.user, event_type=AuditEvent.Type.ACCESS_DENIED, success=False,
                     object_type="core.AuditEvent")
        raise PermissionDenied


@login_required
def audit_list_view(request):
    _require_auditor(request)
    qs = audit_list(filters=request.GET).select_related("actor")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for event in page:
        event.object_label, event.field_labels = _labels(event)
    audit_filter = AuditFilter(request.GET, queryset=AuditEvent.objects.none())
    # The empty choice of 是否成功 means "do not filter", not "unknown": say 全部.
    success = audit_filter.form.fields["success"]
    success.widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
    return render(request, "core/audit_list.html", {
        "page": page, "filter": audit_filter, "query": request.GET.urlencode()})


def _model_of(label: str):
    """The model an audit event's object_type ("accounts.User") names, or None for any other text."""
    if label.count(".") != 1:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _labels(event: AuditEvent) -> tuple[str, list[str]]:
    """The object's model and the changed fields as their verbose names; the raw text for anything unknown."""
    model = _model_of(event.object_type or "")
    object_label = str(model._meta.verbose_name) if model is not None else (event.object_type or "")
    fields = []
    for name in event.changes if isinstance(event.changes, dict) else []:
        try:
            fields.append(str(model._meta.get_field(name).verbose_name) if model is not None else name)
        except (FieldDoesNotExist, AttributeError):  # a pseudo-field ("state", "filters") or a relation's reverse
            fields.append(name)
    return object_label, fields


@login_required
def audit_export(request):
    _require_auditor(request)
    qs = audit_list(filters=request.GET)
    headers = [_("Time"), _("User"), _("Event type"), _("Success"), _("Object type"), _("Object id"), _("Object"),
               _("Changed fields"), _("IP address")]
    tz = timezone.get_current_timezone()
    rows = ([e.event_time.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), e.actor_username, e.get_event_type_display(),
             _("Yes") if e.success else _("No"), e.object_type, e.object_id, e.object_repr,
             ", ".join(e.changes) if isinstance(e.changes, dict) else "", e.ip_address or ""]
            for e in qs.iterator(chunk_size=1000))
    data = build_xlsx(title=_("Audit log"), headers=headers, rows=rows)
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, object_type="core.AuditEvent",
                 object_repr=_("Audit log"), changes={"filters": request.GET.urlencode()})
    resp = HttpResponse(data, content_type=XLSX_MIME)
    resp["Content-Disposition"] = 'attachment; filename="audit-log.xlsx"'
    return resp
