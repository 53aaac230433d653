"""Procurement, allocation and issue documents: draft → approved → executed. Stock moves only on execution."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from emergency.core.models import BaseModel

__all__ = ["StockDocument", "StockDocumentLine"]


class StockDocument(BaseModel):
    class Kind(models.TextChoices):
        PROCUREMENT = "procurement", _("Procurement")
        ALLOCATION = "allocation", _("Allocation between warehouses")
        ISSUE = "issue", pgettext_lazy("stock", "Issue")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        EXECUTED = "executed", _("Executed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    warehouse = models.ForeignKey("resources.Warehouse", on_delete=models.PROTECT, related_name="documents",
                                  verbose_name=_("warehouse"))
    destination = models.ForeignKey("resources.Warehouse", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="incoming_documents", verbose_name=_("destination"))
    # For an issue: to an incident or a shelter; for a procurement: procurement or donation.
    reason = models.CharField(_("reason"), max_length=12)
    note = models.CharField(_("purpose"), max_length=300, blank=True)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    executed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock document")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def reason_label(self) -> str:
        """The reason in words (the ledger's reasons: procurement, donation, to an incident, …)."""
        from .models import StockMovement

        try:
            return StockMovement.Reason(self.reason).label
        except ValueError:
            return self.reason

    @transition(field=state, source=State.DRAFT, target=State.APPROVED)
    def approve(self):
        """Approved by the bureau (not by the person who drafted it)."""

    @transition(field=state, source=State.APPROVED, target=State.EXECUTED)
    def execute(self):
        """Stock moves: receipts, first-expiring-first issues or transfers, checked against stock now."""

    @transition(field=state, source=[State.DRAFT, State.APPROVED], target=State.CANCELLED)
    def cancel(self):
        """Withdrawn before execution."""


class StockDocumentLine(models.Model):
    document = models.ForeignKey(StockDocument, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey("resources.SupplyItem", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    lot_number = models.CharField(_("lot number"), max_length=50, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(name="document_line_positive", condition=models.Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
