"""Screens of the enterprise registry. Reads go through selectors and scoping, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from emergency.core import scoping
from emergency.core.audit import audit_record
from emergency.core.exports import dated, stream_xlsx
from emergency.core.forms import add_validation_errors
from emergency.core.models import AuditEvent
from emergency.core.roles import Role
from emergency.core.scoping import get_for_user, scope_queryset
from emergency.core.sorting import Sorting
from emergency.core.views import business_required
from emergency.lib.masking import mask_phone

from . import imports, selectors, services
from .forms import EnterpriseForm, SectorForm
from .models import SectorSupervision

PAGE_SIZE = 50
SORTING = Sorting({"name": ("name",), "credit_code": ("credit_code",), "industry": ("industry",),
                   "division": ("division__code",), "above_scale": ("above_scale",),
                   "category": ("enforcement_category",)}, default="name")
EXPORT_CHUNK = 2000


def registry_required(view):
    """Whoever Enterprise's ScopeSpec lets read the registry (bureau, line departments for their sector,
    subdistricts, enterprises); experts and the separated admins get 403."""

    @business_required
    def wrapped(request, *args, **kwargs):
        if not selectors.may_use_registry(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _get(request, pk: int):
    return get_for_user(request.user, selectors.active_enterprises(), pk=pk)


@require_GET
@registry_required
def enterprise_list(request):
    f = selectors.enterprise_filter(user=request.user, filters=request.GET)
    qs, sort = SORTING.apply(f.qs, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for e in page:
        e.masked_phone = mask_phone(e.safety_manager_phone or e.principal_phone)
    return render(request, "enterprises/list.html", {
        "page": page, "filter": f, "query": request.GET.urlencode(), "sort": sort,
        "can_create": selectors.may_create(request.user),
        "show_filters": request.user.role != Role.ENTERPRISE,  # an enterprise account lists just itself
        "show_sectors": scoping.may_read(request.user, SectorSupervision),
    })


@registry_required
def enterprise_create(request):
    user = request.user
    if not selectors.may_create(user):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=user, divisions=selectors.choosable_divisions(user))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(acting_user=user, **form.changes_for_service())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "creating": True},
                  status=400 if form.errors else 200)


@require_GET
@registry_required
def enterprise_detail(request, pk: int):
    enterprise, can_write = _get(request, pk)
    user = request.user
    return render(request, "enterprises/detail.html", {
        "e": enterprise, "can_write": can_write,
        "can_archive": can_write and selectors.may_archive(user),
        "history": selectors.enterprise_history(enterprise),
        "risk_points_url": f"/prevention/risk-points/?enterprise={enterprise.pk}",
        "hazards_url": f"/prevention/hazards/?enterprise={enterprise.pk}",
    })


@registry_required
def enterprise_edit(request, pk: int):
    enterprise, can_write = _get(request, pk)
    user = request.user
    if not can_write:
        raise PermissionDenied
    divisions = selectors.choosable_divisions(user)
    form = EnterpriseForm(request.POST or None, user=user, divisions=divisions, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            services.enterprise_update(acting_user=user, enterprise=enterprise, data=form.changes_for_service())
        except ValidationError as exc:
            # The transaction rolled back, but model_update had set the new values on the instance.
            enterprise.refresh_from_db()
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {
        "form": form, "enterprise": enterprise, "read_only_note": user.role == Role.ENTERPRISE,
    }, status=400 if form.errors else 200)


@require_POST
@registry_required
def enterprise_archive(request, pk: int):
    enterprise, can_write = _get(request, pk)
    if not (can_write and selectors.may_archive(request.user)):
        raise PermissionDenied
    services.enterprise_archive(acting_user=request.user, enterprise=enterprise)
    messages.success(request, _("Archived."))
    return redirect("enterprises:list")


@require_GET
@registry_required
def enterprise_export(request):
    """The ledger with the list's filters, written row by row to a temporary file and streamed back."""
    qs = selectors.enterprise_list(user=request.user, filters=request.GET)
    rows = (imports.ledger_values(e) for e in qs.iterator(chunk_size=EXPORT_CHUNK))
    response, count = stream_xlsx(title=_("Enterprises"), headers=imports.ledger_headers(), rows=rows,
                                  filename=dated(_("Enterprise ledger"), "xlsx"),
                                  fallback=dated("enterprises", "xlsx"))
    with transaction.atomic():
        audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, object_type="enterprises.Enterprise",
                     object_repr=_("Enterprise ledger"), changes={"filters": request.GET.urlencode(), "rows": count})
    return response


@require_GET
@registry_required
def sector_list(request):
    """The industry → supervising department table: every government user reads it, the bureau edits it."""
    user = request.user
    if not scoping.may_read(user, SectorSupervision):
        raise PermissionDenied
    rows = scope_queryset(user, SectorSupervision.objects.filter(archived_at__isnull=True)
                          .select_related("department")).order_by("industry", "department__name")
    can_edit = scoping.may_create(user, SectorSupervision)
    return render(request, "enterprises/sectors.html", {
        "rows": rows, "can_edit": can_edit, "form": SectorForm() if can_edit else None})


@require_POST
@registry_required
def sector_add(request):
    if not scoping.may_create(request.user, SectorSupervision):
        raise PermissionDenied
    form = SectorForm(request.POST)
    if form.is_valid():
        try:
            services.sector_supervision_add(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("enterprises:sectors")
    rows = SectorSupervision.objects.filter(archived_at__isnull=True).select_related("department")
    return render(request, "enterprises/sectors.html", {"rows": rows, "can_edit": True, "form": form}, status=400)


@require_POST
@registry_required
def sector_archive(request, pk: int):
    row, can_write = get_for_user(request.user, SectorSupervision.objects.filter(archived_at__isnull=True), pk=pk)
    if not can_write:
        raise PermissionDenied
    services.sector_supervision_archive(acting_user=request.user, row=row)
    messages.success(request, _("Archived."))
    return redirect("enterprises:sectors")
