"""The plan's items (indicators, tasks, key projects) in the platform search."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.registry import SearchHit

from .models import Item


def search_plan(user, text: str, limit: int) -> list[SearchHit]:
    if not scoping.may_read(user, Item):
        return []
    qs = scoping.scope_queryset(user, Item.objects.filter(archived_at__isnull=True, title__icontains=text,
                                                          plan__archived_at__isnull=True))
    return [SearchHit(_("Plan item"), f"{i.number}. {i.title}",
                      reverse("plans:item_detail", args=[i.plan_id, i.pk]), i.get_kind_display())
            for i in qs.order_by("plan_id", "number", "pk")[:limit]]
