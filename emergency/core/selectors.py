from __future__ import annotations

import django_filters
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .filters import IdChoiceFilter
from .models import AuditEvent, Department, Division
from .scoping import scope_queryset


class DivisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    level = django_filters.ChoiceFilter(choices=Division.Level.choices, label=_("Level"))
    subdistrict = IdChoiceFilter(
        queryset=Division.objects.filter(level=Division.Level.SUBDISTRICT), method="in_subdistrict",
        label=_("Subdistrict"))

    class Meta:
        model = Division
        fields = ["q", "level", "subdistrict"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__startswith=value))

    def in_subdistrict(self, qs, name, value: Division):
        return qs.filter(path__startswith=value.path) if value else qs


def division_list(*, user, filters=None) -> QuerySet[Division]:
    qs = scope_queryset(user, Division.objects.filter(archived_at__isnull=True).select_related("parent"))
    return DivisionFilter(filters, qs).qs.annotate(
        child_count=Count("children", filter=Q(children__archived_at__isnull=True))).order_by("code")


class DepartmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    kind = django_filters.ChoiceFilter(choices=Department.Kind.choices, label=_("Type"))

    class Meta:
        model = Department
        fields = ["q", "kind"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(aliases__alias__icontains=value)).distinct()


def department_list(*, user, filters=None) -> QuerySet[Department]:
    qs = scope_queryset(user, Department.objects.filter(archived_at__isnull=True))
    return DepartmentFilter(filters, qs).qs.prefetch_related("aliases", "members")


class AuditFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(field_name="actor_username", lookup_expr="icontains", label=_("User"))
    event_type = django_filters.ChoiceFilter(choices=AuditEvent.Type.choices, label=_("Event type"))
    success = django_filters.BooleanFilter(label=_("Success"))
    object_type = django_filters.CharFilter(lookup_expr="icontains", label=_("Object type"))
    since = django_filters.DateFilter(field_name="event_time", lookup_expr="date__gte", label=_("From"))
    until = django_filters.DateFilter(field_name="event_time", lookup_expr="date__lte", label=_("To"))

    class Meta:
        model = AuditEvent
        fields = ["username", "event_type", "success", "object_type", "since", "until"]


def audit_list(*, filters=None) -> QuerySet[AuditEvent]:
    return AuditFilter(filters, AuditEvent.objects.all()).qs
