"""Stock pages: warehouses (with the register's export), the stock of one warehouse with a form per ledger
operation, the movement ledger (with its .xlsx export), the alerts dashboard, the supply catalogue, and the
procurement, allocation and issue documents.

Every business user reads everything here; the services decide who may change stock (`may_manage`,
disposal approval by the bureau and not the requester). A refusal becomes a form error or a message.

Documents go draft → approved → executed (or cancelled): the services decide who may draft (a manager of the
warehouse), approve (the bureau, not the drafter), execute and cancel (a manager). A shortfall found at
execution is a message on the document, which stays approved and unchanged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from emergency.core import scoping
from emergency.core.filters import parse_id
from emergency.core.forms import add_validation_errors
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES
from emergency.core.scoping import scope_queryset

from ..access import stock_required
from ..shared.services import NotAllowed, may_manage
from ..shared.views import CHUNK, create_page, export_register, page_of
from . import exports, selectors, services
from .forms import (
    REASON_CHOICES,
    AdjustmentForm,
    CategoryForm,
    DisposalRequestForm,
    DocumentFilterForm,
    DocumentForm,
    IssueForm,
    ItemForm,
    LedgerFilterForm,
    LineFormSet,
    MinimumForm,
    ReceiptForm,
    ReturnForm,
    TransferForm,
    WarehouseFilterForm,
    WarehouseForm,
)
from .imports import WarehouseImport, warehouse_values
from .models import Disposal, Lot, StockDocument, SupplyCategory, SupplyItem, Transfer, Warehouse

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
    return get_object_or_404(selectors.warehouses(user).select_related("division"), pk=pk)


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


def _warehouses(request):
    """The warehouse list's filter form and its rows (filters `level`, `subdistrict`; bad values ignored)."""
    form = WarehouseFilterForm(request.GET or None)
    level, subdistrict = "", None
    if form.is_bound and form.is_valid():
        level, subdistrict = form.cleaned_data["level"], form.cleaned_data["subdistrict"]
    return form, selectors.warehouse_list(user=request.user, level=level, subdistrict=subdistrict,
                                          sort=selectors.WAREHOUSE_SORTING.chosen(request.GET))


@stock_required
def warehouse_list(request):
    form, qs = _warehouses(request)
    page = page_of(request, qs)
    selectors.add_stock_counts(page.object_list)
    return render(request, "resources/warehouse_list.html", {
        "page": page, "form": form, "nav": "resources", "can_create": _may_create(request.user),
        "sort": selectors.WAREHOUSE_SORTING.chosen(request.GET)})


def _with_counts(chunk: list[Warehouse]):
    """One query per chunk for the stock counts (as the list page does per page)."""
    for warehouse in selectors.add_stock_counts(chunk) if chunk else ():
        yield [*warehouse_values(warehouse), warehouse.item_count]


@require_GET
@stock_required
def warehouse_export(request):
    """The warehouse list's rows (filters `level`, `subdistrict`), with the number of items in stock."""
    _form_, qs = _warehouses(request)

    def rows():
        chunk: list[Warehouse] = []
        for warehouse in qs.iterator(chunk_size=CHUNK):
            chunk.append(warehouse)
            if len(chunk) == CHUNK:
                yield from _with_counts(chunk)
                chunk = []
        yield from _with_counts(chunk)

    return export_register(request, title=_("Warehouses"), filename="warehouses",
                           headers=WarehouseImport().export_headers(), rows=rows(), model=Warehouse)


SUGGESTIONS = 20


@stock_required
def warehouse_suggest(request):
    """<option>s for a warehouse picker's <datalist>: up to 20 readable warehouses whose name or address
    contains what was typed (the picker sends its own field, whatever its name)."""
    typed = next((v.strip() for k, v in request.GET.items() if v.strip()), "")
    rows = selectors.warehouse_suggestions(request.user, typed, limit=SUGGESTIONS)
    return render(request, "resources/_warehouse_options.html", {"rows": rows})


def _render_detail(request, warehouse, *, bound: dict | None = None, status: int = 200):
    user = request.user
    can_manage = may_manage(user, warehouse)
    forms = {}
    if can_manage:
        for op, (_cls, _which, title, _done) in OPERATIONS.items():
            forms[op] = {"form": (bound or {}).get(op) or _form(op, warehouse), "title": title, "op": op,
                         "open": bool(bound and op in bound)}
    is_bureau = user.role in BUREAU_ROLES
    disposals = list(selectors.pending_disposals(warehouse=warehouse))
    for d in disposals:
        d.may_decide = is_bureau and d.requested_by_id != user.pk
    return render(request, "resources/warehouse_detail.html", {
        "warehouse": warehouse, "stock": selectors.warehouse_stock(warehouse), "can_manage": can_manage,
        "operations": list(forms.values()), "incoming": list(selectors.incoming_transfers(warehouse)),
        "outgoing": list(selectors.outgoing_transfers(warehouse)), "disposals": disposals,
        "today": timezone.localdate(), "nav": "resources"}, status=status)


@stock_required
def warehouse_detail(request, pk: int):
    return _render_detail(request, _warehouse(request.user, pk))


@require_POST
@stock_required
def warehouse_operation(request, pk: int, op: str):
    if op not in OPERATIONS:
        raise PermissionDenied
    warehouse = _warehouse(request.user, pk)
    if not may_manage(request.user, warehouse):
        raise PermissionDenied
    form = _form(op, warehouse, request.POST)
    if form.is_valid():
        try:
            _perform(op, request.user, warehouse, form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, OPERATIONS[op][3])
            return redirect("resources:warehouse_detail", pk=warehouse.pk)
    return _render_detail(request, warehouse, bound={op: form}, status=400)


@require_POST
@stock_required
def transfer_receive(request, pk: int):
    transfer = get_object_or_404(Transfer.objects.select_related("destination"), pk=pk)
    try:
        services.transfer_receive(acting_user=request.user, transfer=transfer)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The transfer is received."))
    return redirect("resources:warehouse_detail", pk=transfer.destination_id)


@require_POST
@stock_required
def disposal_decide(request, pk: int):
    disposal = get_object_or_404(Disposal.objects.select_related("lot"), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return redirect("resources:warehouse_detail", pk=disposal.lot.warehouse_id)
    try:
        services.disposal_decide(acting_user=request.user, disposal=disposal, approve=decision == "approve")
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The disposal is approved and executed.") if decision == "approve"
                         else _("The disposal is rejected."))
    return redirect("resources:warehouse_detail", pk=disposal.lot.warehouse_id)


def _ledger_filters(request):
    form = LedgerFilterForm(request.GET or None,
                            warehouses=selectors.warehouses(request.user).order_by("name"))
    return form, {**form.filters(), "sort": selectors.LEDGER_SORTING.chosen(request.GET)}


@stock_required
def stock_ledger(request):
    form, filters = _ledger_filters(request)
    qs = selectors.stock_ledger(user=request.user, **filters)
    page = page_of(request, qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "resources/stock_ledger.html", {"page": page, "form": form, "nav": "resources",
                                                           "query": query.urlencode(), "sort": filters["sort"]})


@stock_required
def stock_ledger_export(request):
    _form_, filters = _ledger_filters(request)
    return exports.stock_ledger_export(user=request.user, filters=filters, query=request.GET)


@stock_required
def stock_alerts(request):
    today = timezone.localdate()
    below = selectors.below_minimum(user=request.user)
    expiring = selectors.expiring_lots(today=today, user=request.user)
    return render(request, "resources/stock_alerts.html", {
        "below": list(below[:ALERTS_SHOWN]), "below_count": below.count(),
        "expiring": list(expiring[:ALERTS_SHOWN]), "expiring_count": expiring.count(), "today": today,
        "days": selectors.expiry_warning_days(), "shown": ALERTS_SHOWN, "nav": "resources"})


def _may_create(user) -> bool:
    """A writer of warehouses (scopes.py) with a jurisdiction to put one in."""
    return scoping.may_create(user, Warehouse) and (user.role in BUREAU_ROLES or user.division_id is not None)


def _creatable_divisions(user):
    qs = Division.objects.filter(archived_at__isnull=True, level__in=[
        Division.Level.DISTRICT, Division.Level.SUBDISTRICT, Division.Level.COMMUNITY])
    if user.role not in BUREAU_ROLES:
        qs = qs.filter(path__startswith=user.division.path)
    return scope_queryset(user, qs).order_by("path")


@stock_required
def warehouse_create(request):
    user = request.user
    if not _may_create(user):
        raise PermissionDenied
    form = WarehouseForm(request.POST or None, divisions=_creatable_divisions(user))
    return create_page(request, form, services.warehouse_create, detail="resources:warehouse_detail",
                       template="resources/warehouse_create.html", context={"nav": "resources"},
                       message=_("The warehouse is registered."), refused_field="division")


# --- the supply catalogue: the category tree, the items, and minimum stock levels --------------------

CATALOGUE_FORMS = {"category": CategoryForm, "item": ItemForm, "minimum": MinimumForm}
CATALOGUE_SERVICES = {"category": services.supply_category_create, "item": services.supply_item_create,
                      "minimum": services.minimum_stock_set}


@stock_required
def catalogue(request):
    user = request.user
    if user.role not in (*BUREAU_ROLES, "subdistrict", "department"):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    bound = {}
    for name, cls in CATALOGUE_FORMS.items():
        kwargs = {"user": user} if name == "minimum" else {}
        bound[name] = cls(request.POST if action == name else None, prefix=name, **kwargs)
    status = 200
    if action in CATALOGUE_FORMS:
        form = bound[action]
        if form.is_valid():
            try:
                CATALOGUE_SERVICES[action](acting_user=user, **form.cleaned_data)
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("resources:catalogue")
        status = 400
    roots = SupplyCategory.objects.filter(parent__isnull=True, archived_at__isnull=True).prefetch_related(
        "children__items", "items")
    return render(request, "resources/catalogue.html", {
        "roots": roots, "forms": bound, "is_bureau": user.role in BUREAU_ROLES,
        "may_set_minimum": bound["minimum"].fields["warehouse"].queryset.exists()}, status=status)


# --- procurement, allocation and issue documents ----------------------------------------------------

State = StockDocument.State
STATE_BADGES = {State.DRAFT: "secondary", State.APPROVED: "primary", State.EXECUTED: "success",
                State.CANCELLED: "light"}


@stock_required
def document_list(request):
    form = DocumentFilterForm(request.GET or None, warehouses=selectors.warehouses(request.user))
    sort = selectors.DOCUMENT_SORTING.chosen(request.GET)
    qs = selectors.document_list(**form.filters(), sort=sort)
    page = page_of(request, qs)
    for d in page:
        d.badge = STATE_BADGES[d.state]
    return render(request, "resources/document_list.html", {
        "page": page, "form": form, "can_create": selectors.managed_warehouses(request.user).exists(),
        "nav": "resources", "sort": sort})


def _items():
    return SupplyItem.objects.filter(archived_at__isnull=True).order_by("name")


@stock_required
def document_create(request):
    user = request.user
    managed = selectors.managed_warehouses(user)
    if not managed.exists():
        raise PermissionDenied
    destinations = Warehouse.objects.filter(archived_at__isnull=True)
    if request.method == "POST":
        form = DocumentForm(request.POST, managed=managed, destinations=destinations)
        lines = LineFormSet(request.POST, prefix="line", kind=request.POST.get("kind", ""),
                            form_kwargs={"items": _items()})
    else:
        initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in StockDocument.Kind.values
                   else StockDocument.Kind.ISSUE}
        initial["reason"] = REASON_CHOICES[initial["kind"]][0][0]  # a reason that fits the kind shown
        wanted = parse_id(request.GET.get("warehouse"))
        if wanted is not None and managed.filter(pk=wanted).exists():
            initial["warehouse"] = wanted
        form = DocumentForm(initial=initial, managed=managed, destinations=destinations)
        lines = LineFormSet(prefix="line", kind=initial["kind"], form_kwargs={"items": _items()})
    return create_page(request, form, services.document_create, formset=lines,
                       data=lambda: {**form.cleaned_data, "lines": lines.lines()},
                       detail="resources:document_detail", template="resources/document_form.html",
                       refused_field="warehouse",
                       context={"lines": lines, "reasons": REASON_CHOICES, "nav": "resources"},
                       message=_("The document is drafted; the bureau approves it next."))


def _document(pk: int) -> StockDocument:
    return get_object_or_404(StockDocument.objects.filter(archived_at__isnull=True).select_related(
        "warehouse", "destination", "created_by", "approved_by", "executed_by"), pk=pk)


@stock_required
def document_detail(request, pk: int):
    doc = _document(pk)
    user = request.user
    lines = list(doc.lines.select_related("item").order_by("pk"))
    if doc.kind != StockDocument.Kind.PROCUREMENT and doc.state in (State.DRAFT, State.APPROVED):
        available = selectors.available_now(doc.warehouse, {ln.item_id for ln in lines},
                                                  today=timezone.localdate())
        for ln in lines:
            ln.available = available.get(ln.item_id, 0)
            ln.short = ln.available < ln.quantity
    manages = may_manage(user, doc.warehouse)
    actions = {
        "approve": doc.state == State.DRAFT and user.role in BUREAU_ROLES and doc.created_by_id != user.pk,
        "execute": doc.state == State.APPROVED and manages,
        "cancel": doc.state in (State.DRAFT, State.APPROVED) and manages,
    }
    return render(request, "resources/document_detail.html", {
        "doc": doc, "lines": lines, "badge": STATE_BADGES[doc.state], "actions": actions,
        "awaiting_other_approver": doc.state == State.DRAFT and doc.created_by_id == user.pk
        and user.role in BUREAU_ROLES, "nav": "resources"})


ACTIONS = {
    "approve": (services.document_approve, gettext_lazy("The document is approved.")),
    "execute": (services.document_execute, gettext_lazy("The document is executed: the stock has moved.")),
    "cancel": (services.document_cancel, gettext_lazy("The document is cancelled.")),
}


@require_POST
@stock_required
def document_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise PermissionDenied
    doc = _document(pk)
    service, done = ACTIONS[action]
    try:
        service(acting_user=request.user, document=doc)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    return redirect("resources:document_detail", pk=doc.pk)
