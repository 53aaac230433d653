"""Screens for agreement reserves (协议储备): the list, a contract with its lines, recording a contract, choosing
the warehouse its stock is counted at, and the register's export. Reads are scoped, writes go to
`services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from emergency.core.scoping import get_for_user, scope_queryset
from emergency.core.sorting import Sorting

from ..access import reserves_required
from ..shared.services import is_bureau
from ..shared.views import CHUNK, create_page, export_register, page_of, service_call
from ..stock.selectors import managed_warehouses
from . import services
from .forms import ReserveFilter, ReserveForm, ReserveLineFormSet, ReserveWarehouseForm
from .imports import ReserveImport, reserve_values
from .models import ReserveAgreement, ReserveLine

# Latest validity first unless a column is chosen (`?sort=`, core/sorting.py).
RESERVE_SORTING = Sorting({"contract": ("contract_number",), "supplier": ("supplier_name",),
                           "warehouse": ("warehouse__name",), "validity": ("valid_until",),
                           "delivery": ("delivery_hours",), "items": ("n_lines",), "contact": ("contact_name",)},
                          default="-validity")


@require_GET
@reserves_required
def reserve_list(request):
    today = timezone.localdate()
    qs = scope_queryset(request.user, ReserveAgreement.objects.filter(archived_at__isnull=True))
    f = ReserveFilter(request.GET, qs)
    qs, sort = RESERVE_SORTING.apply(
        f.qs.select_related("enterprise", "warehouse").annotate(n_lines=Count("lines")), request.GET)
    page = page_of(request, qs)
    for a in page:
        a.is_current = a.valid_from <= today <= a.valid_until
    return render(request, "resources/reserve_list.html", {
        "page": page, "filter": f, "query": request.GET.urlencode(), "can_create": is_bureau(request.user),
        "sort": sort})


def _warehouses(user):
    """The warehouses the user may count an agreement's stock at."""
    return managed_warehouses(user).select_related("division")


def _get_reserve(request, pk):
    lines = ReserveLine.objects.filter(archived_at__isnull=True).select_related("item")
    agreement, _can = get_for_user(request.user, ReserveAgreement.objects.filter(archived_at__isnull=True)
                                   .select_related("enterprise", "warehouse__division")
                                   .prefetch_related(Prefetch("lines", lines)), pk=pk)
    return agreement


def _reserve_detail(request, agreement, *, status=200, warehouse_form=None):
    can_write = is_bureau(request.user)
    if can_write and warehouse_form is None:
        warehouse_form = ReserveWarehouseForm(initial={"warehouse": agreement.warehouse_id},
                                              warehouses=_warehouses(request.user))
    return render(request, "resources/reserve_detail.html", {
        "agreement": agreement, "is_current": agreement.is_valid_on(timezone.localdate()),
        "can_write": can_write, "warehouse_form": warehouse_form}, status=status)


@require_GET
@reserves_required
def reserve_detail(request, pk: int):
    return _reserve_detail(request, _get_reserve(request, pk))


@require_POST
@reserves_required
def reserve_warehouse(request, pk: int):
    """Count the agreement's stock at a warehouse, or (empty) at the supplier again."""
    agreement = _get_reserve(request, pk)
    if not is_bureau(request.user):
        raise PermissionDenied
    form = ReserveWarehouseForm(request.POST, warehouses=_warehouses(request.user))
    if form.is_valid() and service_call(form, services.reserve_set_warehouse, acting_user=request.user,
                                        agreement=agreement, warehouse=form.cleaned_data["warehouse"]) is not None:
        messages.success(request, _("Saved."))
        return redirect("resources:reserve_detail", pk=agreement.pk)
    return _reserve_detail(request, agreement, status=400, warehouse_form=form)


@reserves_required
def reserve_create(request):
    if not is_bureau(request.user):
        raise PermissionDenied
    form = ReserveForm(request.POST or None, warehouses=_warehouses(request.user))
    lines = ReserveLineFormSet(request.POST or None, prefix="lines")

    def data() -> dict:
        rows = [ln.cleaned_data for ln in lines if ln.cleaned_data and not ln.cleaned_data.get("DELETE")]
        return {**form.cleaned_data, "lines": rows}

    return create_page(request, form, services.reserve_create, formset=lines, data=data,
                       detail="resources:reserve_detail", template="resources/reserve_form.html",
                       context={"lines": lines})


@require_GET
@reserves_required
def reserve_export(request):
    """The agreement list's contracts (filters `q`, `valid`, `item`), one row per line. A contract that matches is
    exported with all its lines (the `item` filter picks contracts, as on the list), so it imports again whole."""
    agreements = ReserveFilter(request.GET, scope_queryset(
        request.user, ReserveAgreement.objects.filter(archived_at__isnull=True))).qs
    lines = (ReserveLine.objects.filter(archived_at__isnull=True, agreement__in=agreements.values("pk"))
             .select_related("agreement__enterprise", "agreement__warehouse", "item")
             .order_by("-agreement__valid_until", "agreement__contract_number", "pk"))
    return export_register(request, title=_("Agreement reserves"), filename="agreement-reserves",
                           headers=ReserveImport().export_headers(),
                           rows=(reserve_values(line) for line in lines.iterator(chunk_size=CHUNK)),
                           model=ReserveAgreement)
