"""Shelters, rescue teams and experts in the platform search."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.registry import SearchHit

from .shelters.models import Shelter
from .teams.models import Expert, RescueTeam


def search_resources(user, text: str, limit: int) -> list[SearchHit]:
    hits: list[SearchHit] = []
    if scoping.may_read(user, Shelter):
        for s in scoping.scope_queryset(user, Shelter.objects.filter(archived_at__isnull=True, name__icontains=text)
                                        ).select_related("division").order_by("name", "pk")[:limit]:
            hits.append(SearchHit(_("Shelter"), s.name, reverse("resources:shelter_detail", args=[s.pk]),
                                  s.division.name))
    if scoping.may_read(user, RescueTeam):
        for t in scoping.scope_queryset(user, RescueTeam.objects.filter(
                archived_at__isnull=True, name__icontains=text)).select_related("division").order_by("name", "pk")[:limit]:
            hits.append(SearchHit(_("Rescue team"), t.name, reverse("resources:team_detail", args=[t.pk]),
                                  t.division.name))
    if scoping.may_read(user, Expert):
        for e in scoping.scope_queryset(user, Expert.objects.filter(
                archived_at__isnull=True, name__icontains=text)).order_by("name", "pk")[:limit]:
            hits.append(SearchHit(_("Expert"), e.name, reverse("resources:expert_detail", args=[e.pk]),
                                  " · ".join(x for x in (e.title, e.unit) if x)))
    return hits
