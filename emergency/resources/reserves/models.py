"""Agreement reserves (协议储备): supplies or capacity an enterprise holds for us under contract, line by line.
A valid agreement counts towards availability, at its warehouse when it has one, else at its supplier
(`reserves.services`, `map.selectors.ItemStock`)."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emergency.core.models import BaseModel

from ..stock.models import SupplyItem, Warehouse

__all__ = ["ReserveAgreement", "ReserveLine"]


class ReserveAgreement(BaseModel):
    """协议储备: supplies or capacity an enterprise holds for us under contract."""

    contract_number = models.CharField(_("contract number"), max_length=50, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="reserve_agreements", verbose_name=_("supplier (registered)"))
    supplier_name = models.CharField(_("supplier"), max_length=200)
    # Where the reserved supplies are counted (and delivered to): with a warehouse, the agreement's stock is
    # added to that warehouse's availability (marked as agreement stock); without, it is placed at the supplier.
    warehouse = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="reserve_agreements",
                                  verbose_name=_("counted at / delivered to warehouse"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    delivery_hours = models.PositiveIntegerField(_("delivery promise (hours)"))
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_until", "contract_number"]
        verbose_name = _("reserve agreement")
        constraints = [models.CheckConstraint(name="reserve_validity_ordered",
                                              condition=models.Q(valid_until__gte=models.F("valid_from")))]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.supplier_name}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.archived_at is None and self.valid_from <= day <= self.valid_until


class ReserveLine(BaseModel):
    agreement = models.ForeignKey(ReserveAgreement, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="reserve_lines",
                             verbose_name=_("item"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    capacity_note = models.CharField(_("capacity note"), max_length=300, blank=True)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("reserve line")
        constraints = [models.CheckConstraint(name="reserve_line_quantity_positive",
                                              condition=models.Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
