"""Hidden hazards and risk points in the platform search."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.registry import SearchHit

from .models import HiddenHazard, RiskPoint


def search_prevention(user, text: str, limit: int) -> list[SearchHit]:
    hits: list[SearchHit] = []
    if scoping.may_read(user, HiddenHazard):
        hazards = scoping.scope_queryset(user, HiddenHazard.objects.filter(archived_at__isnull=True)).filter(
            title__icontains=text).select_related("enterprise").order_by("-created_at", "-pk")[:limit]
        hits += [SearchHit(_("Hidden hazard"), h.title, reverse("prevention:hazard_detail", args=[h.pk]),
                           f"{h.enterprise.name} · {h.get_state_display()}") for h in hazards]
    if scoping.may_read(user, RiskPoint):
        points = scoping.scope_queryset(user, RiskPoint.objects.filter(archived_at__isnull=True)).filter(
            name__icontains=text).select_related("enterprise").order_by("name", "pk")[:limit]
        hits += [SearchHit(_("Risk point"), p.name, reverse("prevention:risk_point_detail", args=[p.pk]),
                           p.enterprise.name) for p in points]
    return hits
