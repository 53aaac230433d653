"""The audit administrator's screens: search and export, never edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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
    return render(request, "core/audit_list.html", {
        "page": page, "filter": AuditFilter(request.GET, queryset=AuditEvent.objects.none()),
        "query": request.GET.urlencode()})


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
