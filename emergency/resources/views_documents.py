"""Procurement, allocation and issue documents: draft → approved → executed (or cancelled).

Every business user reads the documents (stock is district-wide, like the ledger); the services decide who may
draft (a manager of the warehouse), approve (the bureau, not the drafter), execute and cancel (a manager). A
shortfall found at execution is a message on the document, which stays approved and unchanged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from emergency.core.filters import parse_id
from emergency.core.forms import add_validation_errors
from emergency.core.roles import BUREAU_ROLES

from . import selectors_stock, services
from . import services_documents as docs
from .access import resources_required
from .forms_documents import REASON_CHOICES, DocumentFilterForm, DocumentForm, LineFormSet
from .models import SupplyItem, Warehouse
from .models_documents import StockDocument

PAGE_SIZE = 50
State = StockDocument.State
STATE_BADGES = {State.DRAFT: "secondary", State.APPROVED: "primary", State.EXECUTED: "success",
                State.CANCELLED: "light"}


@resources_required
def document_list(request):
    form = DocumentFilterForm(request.GET or None, warehouses=selectors_stock.warehouses(request.user))
    qs = selectors_stock.document_list(**form.filters())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for d in page:
        d.badge = STATE_BADGES[d.state]
    return render(request, "resources/document_list.html", {
        "page": page, "form": form, "can_create": selectors_stock.managed_warehouses(request.user).exists(),
        "nav": "resources"})


def _items():
    return SupplyItem.objects.filter(archived_at__isnull=True).order_by("name")


@resources_required
def document_create(request):
    user = request.user
    managed = selectors_stock.managed_warehouses(user)
    if not managed.exists():
        raise PermissionDenied
    destinations = Warehouse.objects.filter(archived_at__isnull=True)
    if request.method == "POST":
        form = DocumentForm(request.POST, managed=managed, destinations=destinations)
        kind = request.POST.get("kind", "")
        lines = LineFormSet(request.POST, prefix="line", kind=kind, form_kwargs={"items": _items()})
        form_ok, lines_ok = form.is_valid(), lines.is_valid()
        if form_ok and lines_ok:
            data = form.cleaned_data
            try:
                doc = docs.document_create(acting_user=user, kind=data["kind"], warehouse=data["warehouse"],
                                           destination=data["destination"], reason=data["reason"],
                                           note=data["note"], lines=lines.lines())
            except services.NotAllowed as exc:
                form.add_error("warehouse", str(exc))
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("The document is drafted; the bureau approves it next."))
                return redirect("resources:document_detail", pk=doc.pk)
    else:
        initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in StockDocument.Kind.values
                   else StockDocument.Kind.ISSUE}
        initial["reason"] = REASON_CHOICES[initial["kind"]][0][0]  # a reason that fits the kind shown
        wanted = parse_id(request.GET.get("warehouse"))
        if wanted is not None and managed.filter(pk=wanted).exists():
            initial["warehouse"] = wanted
        form = DocumentForm(initial=initial, managed=managed, destinations=destinations)
        lines = LineFormSet(prefix="line", kind=initial["kind"], form_kwargs={"items": _items()})
    return render(request, "resources/document_form.html", {
        "form": form, "lines": lines, "reasons": REASON_CHOICES, "nav": "resources"},
        status=400 if request.method == "POST" else 200)


def _document(pk: int) -> StockDocument:
    return get_object_or_404(StockDocument.objects.filter(archived_at__isnull=True).select_related(
        "warehouse", "destination", "created_by", "approved_by", "executed_by"), pk=pk)


@resources_required
def document_detail(request, pk: int):
    doc = _document(pk)
    user = request.user
    lines = list(doc.lines.select_related("item").order_by("pk"))
    if doc.kind != StockDocument.Kind.PROCUREMENT and doc.state in (State.DRAFT, State.APPROVED):
        available = selectors_stock.available_now(doc.warehouse, {ln.item_id for ln in lines},
                                                  today=timezone.localdate())
        for ln in lines:
            ln.available = available.get(ln.item_id, 0)
            ln.short = ln.available < ln.quantity
    manages = services.may_manage(user, doc.warehouse)
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
    "approve": (docs.document_approve, gettext_lazy("The document is approved.")),
    "execute": (docs.document_execute, gettext_lazy("The document is executed: the stock has moved.")),
    "cancel": (docs.document_cancel, gettext_lazy("The document is cancelled.")),
}


@require_POST
@resources_required
def document_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise PermissionDenied
    doc = _document(pk)
    service, done = ACTIONS[action]
    try:
        service(acting_user=request.user, document=doc)
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done))
    return redirect("resources:document_detail", pk=doc.pk)
