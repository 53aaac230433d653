"""Emergency resources' to-dos on the workbench (registered by apps.ResourcesConfig).

What is the user's to handle, not everything they may read: stock below its minimum and lots near expiry in
the warehouses the user manages (the bureau: all; a subdistrict: its own — `scoping.writable_queryset`), for
the bureau the stock documents waiting for approval; members' certificates expired or expiring in the teams the
user manages; shelters open now in the user's area; and for an expert, keeping their availability current. A
fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.registry import TodoEntry
from emergency.core.roles import BUREAU_ROLES, Role

from .shelters.models import Shelter
from .stock import selectors
from .stock.models import Lot, MinimumStock, StockDocument, Warehouse
from .teams import services as team_services
from .teams.models import RescueTeam, certificates_due


def resources_todos(user) -> list[TodoEntry]:
    return [*_expert_todos(user), *_team_and_shelter_todos(user), *_stock_todos(user)]


def _expert_todos(user) -> list[TodoEntry]:
    expert = team_services.expert_of(user) if user.role == Role.EXPERT else None
    if expert is None:
        return []
    label = (_("You are listed as available: change it when you cannot be called on") if expert.available
             else _("You are listed as not available: change it when you can be called on again"))
    return [TodoEntry(label, None, reverse("resources:expert_me"), "info")]


def _team_and_shelter_todos(user) -> list[TodoEntry]:
    entries = []
    if scoping.may_read(user, RescueTeam):
        teams = scoping.writable_queryset(user, RescueTeam.objects.filter(archived_at__isnull=True))
        due = certificates_due().filter(team__in=teams).count()
        entries.append(TodoEntry(_("Team members' certificates expired or expiring"), due,
                                 f"{reverse('resources:team_list')}?certificates=due", "warning"))
    if scoping.may_read(user, Shelter):
        shelters = scoping.writable_queryset(user, Shelter.objects.filter(archived_at__isnull=True))
        open_now = shelters.filter(status=Shelter.Status.OPEN).count()
        entries.append(TodoEntry(_("Shelters open now"), open_now,
                                 f"{reverse('resources:shelter_list')}?status={Shelter.Status.OPEN}", "info"))
    return entries


def _stock_todos(user) -> list[TodoEntry]:
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
