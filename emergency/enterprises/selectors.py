"""Reads of the enterprise registry: who may use it, the scoped and filtered list, the divisions one may choose."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from emergency.core import scoping
from emergency.core.filters import IdChoiceFilter
from emergency.core.models import Division
from emergency.core.roles import Role
from emergency.core.scoping import scope_queryset

from .models import Enterprise, Industry


def may_use_registry(user) -> bool:
    """The registry's readers are declared once, by Enterprise's ScopeSpec (enterprises/scopes.py)."""
    return scoping.may_read(user, Enterprise)


def may_create(user) -> bool:
    """The bureau registers anywhere, a subdistrict within its area; an enterprise never registers another, and
    a department reads its sector without keeping the registry."""
    return scoping.may_create(user, Enterprise) and user.role != Role.ENTERPRISE


def may_archive(user) -> bool:
    return may_create(user)


FLAG_CHOICES = [
    ("hazardous_chemicals", _("Hazardous chemicals")),
    ("major_hazard_source", _("Major hazard source")),
    ("dust_explosion", _("Dust explosion risk")),
    ("ammonia_refrigeration", _("Ammonia refrigeration")),
    ("confined_space", _("Confined space")),
]
YES_NO = [("1", _("Yes")), ("0", _("No"))]


def _subdistricts() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.SUBDISTRICT, archived_at__isnull=True)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or credit code"))
    subdistrict = IdChoiceFilter(queryset=_subdistricts(), method="under_division",
                                 label=_("Subdistrict"))
    division = IdChoiceFilter(
        queryset=Division.objects.filter(archived_at__isnull=True), method="under_division",
        label=_("Division (and everything under it)"))
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("Industry"))
    above_scale = django_filters.ChoiceFilter(choices=YES_NO, method="is_above_scale", label=_("Above scale"))
    flag = django_filters.ChoiceFilter(choices=FLAG_CHOICES, method="has_flag", label=_("Special risk"))
    enforcement_category = django_filters.ChoiceFilter(choices=Enterprise.Category.choices,
                                                       label=_("Enforcement category"))

    class Meta:
        model = Enterprise
        fields = ["q", "subdistrict", "division", "industry", "above_scale", "flag", "enforcement_category"]

    def search(self, qs, name, value: str):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(credit_code__startswith=value.upper()))

    def under_division(self, qs, name, value: Division | None):
        return qs.filter(division__path__startswith=value.path) if value else qs

    def is_above_scale(self, qs, name, value: str):
        return qs.filter(above_scale=value == "1") if value in ("0", "1") else qs

    def has_flag(self, qs, name, value: str):
        return qs.filter(**{value: True}) if value in Enterprise.FLAG_FIELDS else qs


def active_enterprises() -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(archived_at__isnull=True).select_related("division", "division__parent")


def enterprise_filter(*, user, filters=None) -> EnterpriseFilter:
    """The bound filter over the user's enterprises (its form shows only the subdistricts the user sees)."""
    f = EnterpriseFilter(filters, scope_queryset(user, active_enterprises()))
    if user.role != Role.DEPARTMENT:
        # A line department's sector spans the district: it filters by any subdistrict.
        visible = scope_queryset(user, Division.objects.filter(archived_at__isnull=True))
        f.filters["subdistrict"].queryset = _subdistricts().filter(
            Q(pk__in=visible.values("pk")) | Q(pk=getattr(user, "division_id", None) or 0))
    return f


def enterprise_list(*, user, filters=None) -> QuerySet[Enterprise]:
    """Scoped, filtered, in name order. An invalid filter value is dropped (django-filter keeps the valid ones)."""
    return enterprise_filter(user=user, filters=filters).qs.order_by("name", "pk")


def choosable_divisions(user) -> QuerySet[Division]:
    """Subdistricts and communities the user may place an enterprise in."""
    divisions = Division.objects.filter(archived_at__isnull=True,
                                        level__in=[Division.Level.SUBDISTRICT, Division.Level.COMMUNITY])
    return scope_queryset(user, divisions).order_by("code")


def enterprise_history(enterprise: Enterprise, *, limit: int = 20) -> list[dict]:
    """The latest changes, newest first, each with the labels of the fields it changed."""
    records = list(enterprise.history.select_related("history_user").order_by("-history_date", "-history_id")
                   [:limit + 1])
    labels = {f.name: f.verbose_name for f in Enterprise._meta.get_fields() if hasattr(f, "verbose_name")}
    out = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if older is not None and record.history_type == "~":
            changed = [str(labels.get(c.field, c.field)) for c in record.diff_against(older).changes]
        out.append({"record": record, "changed": changed})
    return out
