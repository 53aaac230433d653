"""Emergency resources' to-dos on the home page (registered by apps.ResourcesConfig).

What is the user's to handle, not everything they may read: stock below its minimum and lots near expiry in
the warehouses the user manages (the bureau: all; a subdistrict: its own — `scoping.writable_queryset`), and
for the bureau the stock documents waiting for approval. A fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.registry import TodoEntry
from emergency.core.roles import BUREAU_ROLES

from .stock import selectors
from .stock.models import Lot, MinimumStock, StockDocument, Warehouse


def resources_todos(user) -> list[TodoEntry]:
    if not scoping.may_read(user, Warehouse):
        return []
    managed = selectors.managed_warehouses(user)
    if user.role not in BUREAU_ROLES and not managed.exists():
        return []
    alerts = reverse("resources:stock_alerts")
    below = selectors.below_minimum().filter(
        pk__in=MinimumStock.objects.filter(warehouse__in=managed).values("pk")).count()
    days = selectors.expiry_warning_days()
    expiring = Lot.objects.filter(balance__gt=0, expires_on__isnull=False, warehouse__in=managed,
                                  expires_on__lte=timezone.localdate() + datetime.timedelta(days=days)).count()
    entries = [
        TodoEntry(_("Stock below its minimum"), below, alerts, "warning"),
        TodoEntry(_("Stock lots expiring soon"), expiring, alerts, "warning"),
    ]
    if user.role in BUREAU_ROLES:
        drafts = StockDocument.objects.filter(archived_at__isnull=True, state=StockDocument.State.DRAFT).count()
        entries.append(TodoEntry(_("Stock documents awaiting approval"), drafts,
                                 f"{reverse('resources:document_list')}?state=draft", "info"))
    return entries
