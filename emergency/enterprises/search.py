"""The enterprise registry in the platform search."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.registry import SearchHit

from .models import Enterprise


def search_enterprises(user, text: str, limit: int) -> list[SearchHit]:
    if not scoping.may_read(user, Enterprise):
        return []
    qs = scoping.scope_queryset(user, Enterprise.objects.filter(archived_at__isnull=True)).filter(
        Q(name__icontains=text) | Q(credit_code__startswith=text.upper())).select_related("division")
    return [SearchHit(_("Enterprise"), e.name, reverse("enterprises:detail", args=[e.pk]),
                      f"{e.credit_code} · {e.division.name}") for e in qs.order_by("name", "pk")[:limit]]
