"""Supplies: the catalogue (categories and items), warehouses, lots and the stock ledger (append-only
movements, transfers, disposals, minimum stock), and the procurement / allocation / issue documents that move
stock."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from emergency.core.models import BaseModel, Division


class SupplyCategory(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("supply category")

    def __str__(self) -> str:
        return self.name


class SupplyItem(BaseModel):
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(SupplyCategory, on_delete=models.PROTECT, related_name="items")
    unit = models.CharField(_("unit"), max_length=20)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "specification"], name="unique_supply_item")]
        verbose_name = _("supply item")

    def __str__(self) -> str:
        return f"{self.name}{f'（{self.specification}）' if self.specification else ''}"


class Warehouse(BaseModel):
    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        COMMUNITY = "community", _("Community")
        ENTERPRISE = "enterprise", _("Enterprise-held")

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="warehouses")
    address = models.CharField(_("address"), max_length=300)
    latitude = models.FloatField(_("latitude (WGS-84)"))
    longitude = models.FloatField(_("longitude (WGS-84)"))
    keeper = models.CharField(_("keeper"), max_length=50)
    keeper_phone = models.CharField(_("keeper's phone"), max_length=30)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("warehouse")

    def __str__(self) -> str:
        return self.name


class Lot(BaseModel):
    """A batch of one item in one warehouse. Its balance is derived from the ledger (StockMovement)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="lots")
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(_("lot number"), max_length=50)
    produced_on = models.DateField(_("produced on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    # The running balance, written only by the ledger service in the same transaction as the movement,
    # under a row lock; the constraint makes a negative balance impossible even if code were wrong.
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=3, default=0, editable=False)

    class Meta:
        ordering = ["expires_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "item", "lot_number"], name="unique_lot"),
            models.CheckConstraint(name="lot_balance_not_negative", condition=models.Q(balance__gte=0)),
        ]
        indexes = [
            models.Index(fields=["warehouse", "item", "expires_on"]),
            # "Which warehouses hold this item?" (nearby, the map's item filter) as an index-only scan.
            models.Index(fields=["item", "warehouse", "expires_on"], name="res_lot_item_holding",
                         condition=models.Q(balance__gt=0, archived_at__isnull=True)),
        ]
        verbose_name = _("lot")

    def __str__(self) -> str:
        return f"{self.item} #{self.lot_number} @ {self.warehouse}"


class MovementQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise PermissionError("The stock ledger is append-only.")

    def delete(self):
        raise PermissionError("The stock ledger is append-only.")


class StockMovement(models.Model):
    """One row of the stock ledger. Append-only: a correction is another movement."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", pgettext_lazy("stock", "Issue")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        RETURN = "return", _("Return or recovery")
        ADJUSTMENT = "adjustment", _("Stock count adjustment")
        DISPOSAL = "disposal", _("Disposal")

    class Reason(models.TextChoices):
        PROCUREMENT = "procurement", _("Procurement")
        DONATION = "donation", _("Donation")
        INCIDENT = "incident", _("Allocation to an incident")
        SHELTER = "shelter", _("Allocation to a shelter")
        TRANSFER = "transfer", _("Transfer")
        RECOVERY = "recovery", _("Return after use")
        LOST = "lost", _("Lost")
        FOUND = "found", pgettext_lazy("stock", "Found")
        DAMAGED = "damaged", _("Damaged")
        EXPIRED = "expired", _("Expired")
        SCRAPPED = "scrapped", _("Scrapped")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    quantity = models.DecimalField(_("quantity (signed)"), max_digits=14, decimal_places=3)
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=3)
    note = models.CharField(_("note"), max_length=300, blank=True)
    transfer = models.ForeignKey("Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="movements")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("stock movement")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity} {self.lot}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The stock ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ARG002
        raise PermissionError("The stock ledger is append-only.")


class Transfer(BaseModel):
    class State(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")

    source = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="transfers_out")
    destination = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="transfers_in")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    state = FSMField(_("state"), default=State.IN_TRANSIT, choices=State.choices, protected=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.source} → {self.destination} × {self.quantity}"

    @transition(field=state, source=State.IN_TRANSIT, target=State.RECEIVED)
    def receive(self):
        """The destination confirms the receipt."""


class Disposal(BaseModel):
    """Scrapping needs approval by someone other than the requester before stock leaves the ledger."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved and executed")
        REJECTED = "rejected", _("Rejected")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="disposals")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    reason = models.CharField(_("reason"), max_length=300)
    state = FSMField(_("state"), default=State.REQUESTED, choices=State.choices, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    def __str__(self) -> str:
        return f"{self.lot} × {self.quantity}"

    @transition(field=state, source=State.REQUESTED, target=State.APPROVED)
    def approve(self):
        """Approved; the disposal movement is written at once."""

    @transition(field=state, source=State.REQUESTED, target=State.REJECTED)
    def reject(self):
        """Rejected; nothing leaves the ledger."""


class MinimumStock(BaseModel):
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="minimums")
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="minimums")
    minimum = models.DecimalField(_("minimum"), max_digits=14, decimal_places=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["warehouse", "item"], name="unique_minimum")]

    def __str__(self) -> str:
        return f"{self.warehouse} {self.item} ≥ {self.minimum}"


# --- documents: procurement, allocation and issue, draft → approved → executed; stock moves on execution

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
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="documents",
                                  verbose_name=_("warehouse"))
    destination = models.ForeignKey(Warehouse, null=True, blank=True, on_delete=models.PROTECT,
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
    item = models.ForeignKey(SupplyItem, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    lot_number = models.CharField(_("lot number"), max_length=50, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(name="document_line_positive", condition=models.Q(quantity__gt=0))]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
