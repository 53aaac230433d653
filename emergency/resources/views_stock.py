"""Stock pages: warehouses, the stock of one warehouse with a form per ledger operation, the movement
ledger (with its .xlsx export), and the alerts dashboard.

Every business user reads everything here; the services decide who may change stock (`may_manage`,
disposal approval by the bureau and not the requester). A refusal becomes a form error or a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from emergency.core.forms import add_validation_errors
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.core.scoping import scope_queryset

from . import exports_stock, selectors_stock, services
from .access import resources_required
from .forms_stock import (
    AdjustmentForm,
    DisposalRequestForm,
    IssueForm,
    LedgerFilterForm,
    ReceiptForm,
    ReturnForm,
    TransferForm,
    WarehouseFilterForm,
    WarehouseForm,
)
from .models import Disposal, Lot, Transfer, Warehouse

PAGE_SIZE = 50
ALERTS_SHOWN = 200

# op → (form class, which lots it offers, title, success message)
OPERATIONS = {
    "receipt": (ReceiptForm, None, gettext_lazy("Receipt"), gettext_lazy("The stock is received.")),
    "issue": (IssueForm, "in_stock", pgettext_lazy("stock", "Issue"), gettext_lazy("The stock is issued.")),
    "transfer": (TransferForm, "in_stock", gettext_lazy("Transfer"), gettext_lazy("The transfer is on its way.")),
    "return": (ReturnForm, "all", gettext_lazy("Return"), gettext_lazy("The return is booked.")),
    "adjustment": (AdjustmentForm, "all", gettext_lazy("Stock count adjustment"), gettext_lazy("The adjustment is booked.")),
    "disposal": (DisposalRequestForm, "in_stock", gettext_lazy("Disposal request"), gettext_lazy("The disposal awaits approval.")),
}


def _warehouse(user, pk: int):
    return get_object_or_404(selectors_stock.warehouses(user).select_related("division"), pk=pk)


def _form(op: str, warehouse, data=None):
    form_class, which, _title, _done = OPERATIONS[op]
    kwargs = {}
    if which is not None:
        lots = Lot.objects.filter(warehouse=warehouse).select_related("item").order_by("item__name", "lot_number")
        kwargs["lots"] = lots.filter(balance__gt=0) if which == "in_stock" else lots
    if op == "transfer":  # a picker, not a drop-down: the district may hold tens of thousands of warehouses
        kwargs["destinations"] = Warehouse.objects.filter(archived_at__isnull=True).exclude(pk=warehouse.pk)
    return form_class(data, prefix=op, **kwargs)


def _perform(op: str, user, warehouse, data: dict):
    if op == "receipt":
        return services.stock_receive(acting_user=user, warehouse=warehouse, item=data["item"],
                                      quantity=data["quantity"], reason=data["reason"],
                                      lot_number=data["lot_number"], produced_on=data["produced_on"],
                                      expires_on=data["expires_on"], note=data["note"])
    if op == "issue":
        return services.stock_issue(acting_user=user, warehouse=warehouse, item=data["item"],
                                    quantity=data["quantity"], reason=data["reason"], note=data["note"])
    if op == "transfer":
        return services.transfer_send(acting_user=user, lot=data["lot"], destination=data["destination"],
                                      quantity=data["quantity"])
    if op == "return":
        return services.stock_return(acting_user=user, lot=data["lot"], quantity=data["quantity"], note=data["note"])
    if op == "adjustment":
        return services.stock_adjust(acting_user=user, lot=data["lot"], quantity=data["quantity"],
                                     reason=data["reason"], note=data["note"])
    return services.disposal_request(acting_user=user, lot=data["lot"], quantity=data["quantity"],
                                     reason=data["reason"])


@resources_required
def warehouse_list(request):
    form = WarehouseFilterForm(request.GET or None)
    level, subdistrict = "", None
    if form.is_bound and form.is_valid():
        level, subdistrict = form.cleaned_data["level"], form.cleaned_data["subdistrict"]
    qs = selectors_stock.warehouse_list(user=request.user, level=level, subdistrict=subdistrict)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors_stock.add_stock_counts(page.object_list)
    return render(request, "resources/warehouse_list.html", {
        "page": page, "form": form, "nav": "resources", "can_create": _may_create(request.user)})


SUGGESTIONS = 20


@resources_required
def warehouse_suggest(request):
    """<option>s for a warehouse picker's <datalist>: up to 20 readable warehouses whose name or address
    contains what was typed (the picker sends its own field, whatever its name)."""
    typed = next((v.strip() for k, v in request.GET.items() if v.strip()), "")
    rows = selectors_stock.warehouse_suggestions(request.user, typed, limit=SUGGESTIONS)
    return render(request, "resources/_warehouse_options.html", {"rows": rows})


def _render_detail(request, warehouse, *, bound: dict | None = None, status: int = 200):
    user = request.user
    can_manage = services.may_manage(user, warehouse)
    forms = {}
    if can_manage:
        for op, (_cls, _which, title, _done) in OPERATIONS.items():
            forms[op] = {"form": (bound or {}).get(op) or _form(op, warehouse), "title": title, "op": op,
                         "open": bool(bound and op in bound)}
    is_bureau = user.role in BUREAU_ROLES
    disposals = list(selectors_stock.pending_disposals(warehouse=warehouse))
    for d in disposals:
        d.may_decide = is_bureau and d.requested_by_id != user.pk
    return render(request, "resources/warehouse_detail.html", {
        "warehouse": warehouse, "stock": selectors_stock.warehouse_stock(warehouse), "can_manage": can_manage,
        "operations": list(forms.values()), "incoming": list(selectors_stock.incoming_transfers(warehouse)),
        "outgoing": list(selectors_stock.outgoing_transfers(warehouse)), "disposals": disposals,
        "today": timezone.localdate(), "nav": "resources"}, status=status)


@resources_required
def warehouse_detail(request, pk: int):
    return _render_detail(request, _warehouse(request.user, pk))


@require_POST
@resources_required
def warehouse_operation(request, pk: int, op: str):
    if op not in OPERATIONS:
        raise PermissionDenied
    warehouse = _warehouse(request.user, pk)
    if not services.may_manage(request.user, warehouse):
        raise PermissionDenied
    form = _form(op, warehouse, request.POST)
    if form.is_valid():
        try:
            _perform(op, request.user, warehouse, form.cleaned_data)
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, OPERATIONS[op][3])
            return redirect("resources:warehouse_detail", pk=warehouse.pk)
    return _render_detail(request, warehouse, bound={op: form}, status=400)


@require_POST
@resources_required
def transfer_receive(request, pk: int):
    transfer = get_object_or_404(Transfer.objects.select_related("destination"), pk=pk)
    try:
        services.transfer_receive(acting_user=request.user, transfer=transfer)
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The transfer is received."))
    return redirect("resources:warehouse_detail", pk=transfer.destination_id)


@require_POST
@resources_required
def disposal_decide(request, pk: int):
    disposal = get_object_or_404(Disposal.objects.select_related("lot"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return redirect("resources:warehouse_detail", pk=disposal.lot.warehouse_id)
    try:
        services.disposal_decide(acting_user=request.user, disposal=disposal, approve=decision == "approve")
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The disposal is approved and executed.") if decision == "approve"
                         else _("The disposal is rejected."))
    return redirect("resources:warehouse_detail", pk=disposal.lot.warehouse_id)


def _ledger_filters(request):
    form = LedgerFilterForm(request.GET or None, warehouses=selectors_stock.warehouses(request.user).order_by("name"))
    return form, form.filters()


@resources_required
def stock_ledger(request):
    form, filters = _ledger_filters(request)
    qs = selectors_stock.stock_ledger(user=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "resources/stock_ledger.html", {"page": page, "form": form, "nav": "resources",
                                                           "query": query.urlencode()})


@resources_required
def stock_ledger_export(request):
    _form_, filters = _ledger_filters(request)
    return exports_stock.stock_ledger_export(user=request.user, filters=filters, query=request.GET)


@resources_required
def stock_alerts(request):
    today = timezone.localdate()
    below = selectors_stock.below_minimum(user=request.user)
    expiring = selectors_stock.expiring_lots(today=today, user=request.user)
    return render(request, "resources/stock_alerts.html", {
        "below": list(below[:ALERTS_SHOWN]), "below_count": below.count(),
        "expiring": list(expiring[:ALERTS_SHOWN]), "expiring_count": expiring.count(), "today": today,
        "days": selectors_stock.expiry_warning_days(), "shown": ALERTS_SHOWN, "nav": "resources"})


def _may_create(user) -> bool:
    return user.role in BUREAU_ROLES or (user.role == Role.SUBDISTRICT and user.division_id is not None)


def _creatable_divisions(user):
    qs = Division.objects.filter(archived_at__isnull=True, level__in=[
        Division.Level.DISTRICT, Division.Level.SUBDISTRICT, Division.Level.COMMUNITY])
    if user.role not in BUREAU_ROLES:
        qs = qs.filter(path__startswith=user.division.path)
    return scope_queryset(user, qs).order_by("path")


@resources_required
def warehouse_create(request):
    user = request.user
    if not _may_create(user):
        raise PermissionDenied
    form = WarehouseForm(request.POST or None, divisions=_creatable_divisions(user))
    if request.method == "POST" and form.is_valid():
        try:
            warehouse = services.warehouse_create(acting_user=user, **form.cleaned_data)
        except services.NotAllowed as exc:
            form.add_error("division", str(exc))
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The warehouse is registered."))
            return redirect("resources:warehouse_detail", pk=warehouse.pk)
    return render(request, "resources/warehouse_create.html", {"form": form, "nav": "resources"},
                  status=400 if form.errors else 200)
