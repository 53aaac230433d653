"""Procurement, allocation and issue documents. Execution is one transaction: every line goes through the
ledger services, and one short line (stock checked at execution time) rolls the whole document back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from emergency.core.audit import audit_record
from emergency.core.models import AuditEvent
from emergency.core.roles import BUREAU_ROLES

from . import services
from .models import Lot, StockDocument, StockDocumentLine, StockMovement

Reason = StockMovement.Reason
REASONS = {StockDocument.Kind.PROCUREMENT: {Reason.PROCUREMENT, Reason.DONATION},
           StockDocument.Kind.ISSUE: {Reason.INCIDENT, Reason.SHELTER},
           StockDocument.Kind.ALLOCATION: {Reason.TRANSFER}}


@transaction.atomic
def document_create(*, acting_user, kind: str, warehouse, reason: str, lines: list[dict], destination=None,
                    note: str = "") -> StockDocument:
    if not services.may_manage(acting_user, warehouse):
        raise services.NotAllowed(_("You may not manage this warehouse."))
    if kind not in StockDocument.Kind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    if reason not in REASONS[kind]:
        raise ValidationError({"reason": _("This reason does not fit the document.")})
    if kind == StockDocument.Kind.ALLOCATION and (destination is None or destination.pk == warehouse.pk):
        raise ValidationError({"destination": _("Choose another warehouse to allocate to.")})
    if not lines:
        raise ValidationError({"lines": _("Add at least one line.")})
    doc = StockDocument(kind=kind, warehouse=warehouse, destination=destination, reason=reason, note=note,
                        created_by=acting_user)
    doc.save()
    for i, line in enumerate(lines, start=1):
        quantity = services._quantity(line.get("quantity"), field=f"lines[{i}].quantity")
        if kind == StockDocument.Kind.PROCUREMENT and not str(line.get("lot_number", "")).strip():
            raise ValidationError({f"lines[{i}].lot_number": _("Give the lot number.")})
        StockDocumentLine.objects.create(document=doc, item=line["item"], quantity=quantity,
                                         lot_number=str(line.get("lot_number", "")).strip(),
                                         expires_on=line.get("expires_on"))
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=doc,
                 changes={"kind": [None, kind], "lines": [None, len(lines)]})
    return doc


def _move(doc: StockDocument, method: str, actor) -> None:
    before = doc.state
    fn = getattr(doc, method)
    if not can_proceed(fn):
        raise ValidationError(_("A %(s)s document cannot do this.") % {"s": doc.get_state_display()})
    fn()
    doc.save()
    audit_record(acting_user=actor, event_type=AuditEvent.Type.UPDATE, obj=doc,
                 changes={"state": [before, doc.state]})


@transaction.atomic
def document_approve(*, acting_user, document: StockDocument) -> StockDocument:
    doc = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if acting_user.role not in BUREAU_ROLES:
        raise services.NotAllowed(_("Documents are approved by the bureau."))
    if doc.created_by_id == acting_user.pk:
        raise ValidationError(_("The person who drafted a document cannot approve it."))
    doc.approved_by = acting_user
    _move(doc, "approve", acting_user)
    return doc


@transaction.atomic
def document_cancel(*, acting_user, document: StockDocument) -> StockDocument:
    doc = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if not services.may_manage(acting_user, doc.warehouse):
        raise services.NotAllowed(_("You may not manage this warehouse."))
    _move(doc, "cancel", acting_user)
    return doc


def _allocate(doc: StockDocument, line: StockDocumentLine, actor) -> None:
    """Transfer first-expiring-first from the source's lots; short stock refuses the whole document."""
    left = line.quantity
    lots = (Lot.objects.filter(warehouse=doc.warehouse, item=line.item, balance__gt=0)
            .exclude(expires_on__lt=timezone.localdate())
            .order_by(F("expires_on").asc(nulls_last=True), "pk"))
    for lot in lots:
        take = min(lot.balance, left)
        services.transfer_send(acting_user=actor, lot=lot, destination=doc.destination, quantity=take)
        left -= take
        if left == 0:
            return
    raise services.InsufficientStock({"quantity": _("Not enough %(item)s in %(wh)s for this allocation.") % {
        "item": line.item.name, "wh": doc.warehouse.name}})


@transaction.atomic
def document_execute(*, acting_user, document: StockDocument) -> StockDocument:
    doc = StockDocument.objects.select_for_update(of=("self",)).select_related("warehouse", "destination").get(
        pk=document.pk)
    if not services.may_manage(acting_user, doc.warehouse):
        raise services.NotAllowed(_("You may not manage this warehouse."))
    if doc.state != StockDocument.State.APPROVED:
        raise ValidationError(_("Only an approved document is executed."))
    for line in doc.lines.select_related("item"):
        if doc.kind == StockDocument.Kind.PROCUREMENT:
            services.stock_receive(acting_user=acting_user, warehouse=doc.warehouse, item=line.item,
                                   quantity=line.quantity, reason=doc.reason, lot_number=line.lot_number,
                                   expires_on=line.expires_on, note=f"#{doc.pk}")
        elif doc.kind == StockDocument.Kind.ISSUE:
            services.stock_issue(acting_user=acting_user, warehouse=doc.warehouse, item=line.item,
                                 quantity=line.quantity, reason=doc.reason, note=f"#{doc.pk} {doc.note}")
        else:
            _allocate(doc, line, acting_user)
    doc.executed_by, doc.executed_at = acting_user, timezone.now()
    _move(doc, "execute", acting_user)
    return doc


