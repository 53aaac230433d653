"""Reads for the regulator's view: the dashboard, the ledgers (台账) and the risk map (四色图).

Every figure is aggregated in the database. A request runs a fixed number of queries whatever the
number of enterprises, risk points or hazards: the aggregates are grouped by (division, industry,
class or level), which is bounded by the reference data, and rolled up to subdistricts in Python.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connection
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.core.filters import IdChoiceFilter, IdFilter
from emergency.core.models import Division
from emergency.core.rules import rule_value
from emergency.core.scoping import scope_queryset
from emergency.core.sorting import Sorting
from emergency.enterprises.models import Enterprise, Industry

from .models import ControlLevel, HiddenHazard, InspectionTask, RiskLevel, RiskPoint

State = HiddenHazard.State
LIST_LIMIT = 50  # rows listed on the dashboard (the totals count them all)
# Map and chart colours of the four risk levels (四色): red, orange, yellow, blue; no assessment: grey.
LEVEL_COLOURS = {1: "red", 2: "orange", 3: "yellow", 4: "blue", None: "grey"}
LEVEL_HEX = {1: "#dc3545", 2: "#fd7e14", 3: "#ffc107", 4: "#0d6efd", None: "#adb5bd"}
COLOUR_LABELS = {1: _("Red"), 2: _("Orange"), 3: _("Yellow"), 4: _("Blue"), None: _("Grey")}
NONE = "none"  # the filter value for "no level" / "not classed yet"


# --- divisions ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Subdistrict:
    pk: int | None
    name: str


UNPLACED = Subdistrict(None, "—")


def subdistricts_for(user) -> tuple[list[Subdistrict], dict[int, Subdistrict]]:
    """The subdistricts of the user's area in code order, and {division id: its subdistrict} for every
    division under them. One query; its size depends on the division tree, never on business rows."""
    qs = Division.objects.filter(level__in=[Division.Level.SUBDISTRICT, Division.Level.COMMUNITY,
                                            Division.Level.GRID])
    if user.role == "subdistrict" and user.division_id:
        qs = qs.filter(path__startswith=user.division.path)
    rows = list(qs.order_by("path").values_list("pk", "path", "level", "name"))
    subs = [(path, Subdistrict(pk, name)) for pk, path, level, name in rows if level == Division.Level.SUBDISTRICT]
    index = {}
    for pk, path, _level, _name in rows:
        index[pk] = next((s for p, s in subs if path.startswith(p)), UNPLACED)
    return [s for _p, s in subs], index


# --- dashboard ------------------------------------------------------------------------------------

@dataclass
class HazardStat:
    found: int = 0
    closed: int = 0
    overdue: int = 0
    open_major: int = 0

    def add(self, row: dict) -> None:
        self.found += row["found"]
        self.closed += row["closed"]
        self.overdue += row["overdue"]
        self.open_major += row["open_major"]

    @property
    def open(self) -> int:
        return self.found - self.closed

    @property
    def rate(self) -> float | None:
        """Rectification rate (整改率), percent of the hazards found that are closed."""
        return round(100 * self.closed / self.found, 1) if self.found else None


@dataclass
class LevelCounts:
    by_level: dict = field(default_factory=lambda: {level: 0 for level in (1, 2, 3, 4, None)})

    def add(self, level, n: int) -> None:
        self.by_level[level] = self.by_level.get(level, 0) + n

    @property
    def total(self) -> int:
        return sum(self.by_level.values())

    @property
    def cells(self) -> list[int]:
        return [self.by_level[level] for level in (1, 2, 3, 4, None)]


def hazards_in_scope(user) -> QuerySet[HiddenHazard]:
    return scope_queryset(user, HiddenHazard.objects.filter(archived_at__isnull=True))


def risk_points_in_scope(user) -> QuerySet[RiskPoint]:
    return scope_queryset(user, RiskPoint.objects.filter(archived_at__isnull=True))


def enterprises_in_scope(user) -> QuerySet[Enterprise]:
    return scope_queryset(user, Enterprise.objects.filter(archived_at__isnull=True))


def hazard_groups(user) -> list[dict]:
    """Hazard counts grouped by (division, industry, class): found, closed, overdue, open MAJOR.

    Two levels in one query: the scoped ORM queryset counts per (enterprise, class), which PostgreSQL
    answers from the covering index prev_hazard_counts without touching the table, and only those few
    thousand groups are joined to their enterprise and summed again. Joining first would push every
    hazard row through the join (about twice the time on 500,000 hazards).
    """
    open_ = ~Q(state=State.CLOSED)
    # Counting enterprise_id (never null), not id: the id is not in the index, and naming it would force
    # a table scan.
    n = "enterprise_id"
    inner = hazards_in_scope(user).order_by().values("enterprise_id", "hazard_class").annotate(
        found=Count(n), closed=Count(n, filter=Q(state=State.CLOSED)), overdue=Count(n, filter=Q(overdue=True) & open_),
        open_major=Count(n, filter=Q(hazard_class=HiddenHazard.HazardClass.MAJOR) & open_))
    sql, params = inner.query.sql_with_params()
    qn = connection.ops.quote_name
    e = qn(Enterprise._meta.db_table)
    outer = (f"SELECT {e}.{qn('division_id')}, {e}.{qn('industry')}, h.{qn('hazard_class')}, SUM(h.{qn('found')}), "
             f"SUM(h.{qn('closed')}), SUM(h.{qn('overdue')}), SUM(h.{qn('open_major')}) FROM ({sql}) h "
             f"INNER JOIN {e} ON {e}.{qn('id')} = h.{qn('enterprise_id')} GROUP BY 1, 2, 3")
    keys = ("enterprise__division_id", "enterprise__industry", "hazard_class", "found", "closed", "overdue",
            "open_major")
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return [dict(zip(keys, (*row[:3], *(int(n) for n in row[3:])), strict=True)) for row in cursor.fetchall()]


def risk_point_groups(user) -> list[dict]:
    return list(risk_points_in_scope(user).order_by().values(
        "enterprise__division_id", "enterprise__industry", "current_level").annotate(n=Count("*")))


def risk_point_summary(user, subdistricts=None) -> dict:
    """Risk points by level, by subdistrict × level and by industry × level."""
    subs, index = subdistricts or subdistricts_for(user)
    total, by_sub, by_ind = LevelCounts(), defaultdict(LevelCounts), defaultdict(LevelCounts)
    for row in risk_point_groups(user):
        level, n = row["current_level"], row["n"]
        total.add(level, n)
        by_sub[index.get(row["enterprise__division_id"], UNPLACED)].add(level, n)
        by_ind[row["enterprise__industry"]].add(level, n)
    labels = dict(Industry.choices)
    return {
        "total": total,
        "by_subdistrict": [(s, by_sub[s]) for s in [*subs, UNPLACED] if s in by_sub or s is not UNPLACED],
        "by_industry": [(code, labels.get(code, code), by_ind[code]) for code in sorted(by_ind)],
    }


def major_hazards(user) -> list[HiddenHazard]:
    """Open MAJOR hazards, listed supervision first, then by deadline."""
    return list(hazards_in_scope(user).filter(hazard_class=HiddenHazard.HazardClass.MAJOR).exclude(
        state=State.CLOSED).select_related("enterprise").only(
        "pk", "title", "state", "deadline", "overdue", "listed_supervision", "listed_deadline", "created_at",
        "enterprise__id", "enterprise__name").order_by("-listed_supervision", "deadline", "pk")[:LIST_LIMIT])


def uninspected_enterprises(user, *, now: datetime.datetime | None = None) -> tuple[int, list[Enterprise], int]:
    """Enterprises with no inspection done in the last `prevention.no_inspection_days` days: (count, the
    first LIST_LIMIT with their last inspection, days)."""
    days = int(rule_value("prevention.no_inspection_days"))
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    done = InspectionTask.objects.filter(state=InspectionTask.State.DONE)
    # An uncorrelated NOT IN: the recently inspected enterprises are collected once (hashed), instead of
    # one probe per enterprise.
    recent = done.filter(done_at__gte=cutoff).values("risk_point__enterprise_id")
    stale = enterprises_in_scope(user).exclude(pk__in=recent)
    last = done.filter(risk_point__enterprise=OuterRef("pk")).order_by("-done_at").values("done_at")[:1]
    # The total rides along as a window over the whole set: one query for the list and the count.
    listed = list(stale.select_related("division").only("id", "name", "industry", "division__name").annotate(
        last_inspection=Subquery(last), total=Window(Count("pk"))).order_by("name", "pk")[:LIST_LIMIT])
    return (listed[0].total if listed else 0), listed, days


def dashboard(user) -> dict:
    subs, index = subdistricts_for(user)
    total = HazardStat()
    by_sub, by_ind, by_class = defaultdict(HazardStat), defaultdict(HazardStat), defaultdict(HazardStat)
    for row in hazard_groups(user):
        total.add(row)
        by_sub[index.get(row["enterprise__division_id"], UNPLACED)].add(row)
        by_ind[row["enterprise__industry"]].add(row)
        by_class[row["hazard_class"] or NONE].add(row)
    labels = dict(Industry.choices)
    class_labels = {**dict(HiddenHazard.HazardClass.choices), NONE: _("Not classed yet")}
    uninspected_count, uninspected, days = uninspected_enterprises(user)
    return {
        "total": total,
        "by_subdistrict": [(s, by_sub[s]) for s in [*subs, UNPLACED] if s in by_sub or s is not UNPLACED],
        "by_industry": [(code, labels.get(code, code), by_ind[code]) for code in sorted(by_ind)],
        "by_class": [(key, class_labels[key], by_class[key]) for key in (
            HiddenHazard.HazardClass.MAJOR, HiddenHazard.HazardClass.GENERAL, NONE) if key in by_class],
        "major": major_hazards(user),
        "uninspected_count": uninspected_count,
        "uninspected": uninspected,
        "no_inspection_days": days,
        "risk_points": risk_point_summary(user, (subs, index)),
    }


# --- ledgers --------------------------------------------------------------------------------------

def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class _LedgerFilter(django_filters.FilterSet):
    """Filters shared by both ledgers; the subdistrict choices are limited to the user's area."""

    subdistrict = IdChoiceFilter(queryset=Division.objects.none(), method="in_subdistrict",
                                 label=_("Subdistrict"))
    industry = django_filters.ChoiceFilter(field_name="enterprise__industry", choices=Industry.choices,
                                           label=_("Industry"))
    enterprise = IdFilter(field_name="enterprise_id", widget=forms.HiddenInput)
    # A keyword inside the record's own words or its enterprise's name (each ledger says which words).
    q = django_filters.CharFilter(method="search", label=_("Keyword"))
    since = django_filters.DateFilter(method="created_since", label=_("From"))
    until = django_filters.DateFilter(method="created_until", label=_("To"))

    def __init__(self, data=None, queryset=None, *, user, **kw):
        super().__init__(data, queryset, **kw)
        subs = Division.objects.filter(level=Division.Level.SUBDISTRICT, archived_at__isnull=True)
        if user.role == "subdistrict":
            subs = subs.filter(pk=user.division_id)
        self.filters["subdistrict"].queryset = subs.order_by("code")
        for name in ("since", "until"):
            self.filters[name].field.widget = forms.DateInput(attrs={"type": "date"})

    def in_subdistrict(self, qs, name, value: Division):
        return qs.filter(enterprise__division__path__startswith=value.path) if value else qs

    search_fields: tuple[str, ...] = ("enterprise__name",)

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        match = Q()
        for field_name in self.search_fields:
            match |= Q(**{f"{field_name}__icontains": value})
        return qs.filter(match)

    # Ranges on the timestamp itself (not on its date), so that the created_at index is usable.
    def created_since(self, qs, name, value):
        return qs.filter(created_at__gte=_day_start(value)) if value else qs

    def created_until(self, qs, name, value):
        return qs.filter(created_at__lt=_day_start(value + datetime.timedelta(days=1))) if value else qs


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class HazardLedgerFilter(_LedgerFilter):
    hazard_class = django_filters.ChoiceFilter(
        choices=[*HiddenHazard.HazardClass.choices, (NONE, _("Not classed yet"))], method="by_class",
        label=_("Class"))
    state = django_filters.ChoiceFilter(choices=State.choices, label=_("State"))
    overdue = django_filters.ChoiceFilter(choices=YES_NO, method="by_overdue", label=_("Overdue"))
    # Not closed yet: what the workbench's "open hidden hazards by level" counts and opens.
    still_open = django_filters.ChoiceFilter(choices=YES_NO, method="by_open", label=_("Not closed yet"))
    search_fields = ("title", "location", "responsible_person", "enterprise__name")

    class Meta:
        model = HiddenHazard
        fields = ["q", "subdistrict", "industry", "hazard_class", "state", "overdue", "still_open", "since", "until",
                  "enterprise"]

    def by_class(self, qs, name, value):
        return qs.filter(hazard_class="" if value == NONE else value)

    def by_overdue(self, qs, name, value):
        q = Q(overdue=True) & ~Q(state=State.CLOSED)
        return qs.filter(q) if value == "yes" else qs.exclude(q)

    def by_open(self, qs, name, value):
        return qs.exclude(state=State.CLOSED) if value == "yes" else qs.filter(state=State.CLOSED)


class RiskPointLedgerFilter(_LedgerFilter):
    # String values, like "none": the schema then says what the query string carries ("1" … "4" or "none").
    level = django_filters.ChoiceFilter(choices=[*((str(v), label) for v, label in RiskLevel.choices),
                                                 (NONE, _("Not assessed"))], method="by_level", label=_("Risk level"))
    kind = django_filters.ChoiceFilter(choices=RiskPoint.Kind.choices, label=_("Kind"))
    control_level = django_filters.ChoiceFilter(choices=ControlLevel.choices, label=_("Control level"))
    search_fields = ("name", "location", "responsible_person", "enterprise__name")

    class Meta:
        model = RiskPoint
        fields = ["q", "subdistrict", "industry", "level", "kind", "control_level", "since", "until", "enterprise"]

    def by_level(self, qs, name, value):
        return qs.filter(current_level__isnull=True) if value == NONE else qs.filter(current_level=value)


# The ledgers' columns, by which the page and its export sort (`?sort=`, core/sorting.py). Subdistrict sorts by
# the division's path, which groups a subdistrict's communities under it.
HAZARD_LEDGER_SORTING = Sorting({
    "found": ("created_at",), "title": ("title",), "enterprise": ("enterprise__name",),
    "subdistrict": ("enterprise__division__path",), "class": ("hazard_class",), "state": ("state",),
    "deadline": ("deadline",), "responsible": ("responsible_person",)}, default="-found")
RISK_POINT_LEDGER_SORTING = Sorting({
    "name": ("name",), "enterprise": ("enterprise__name", "enterprise_id"),
    "subdistrict": ("enterprise__division__path",), "kind": ("kind",), "control_level": ("control_level",),
    "level": ("current_level",), "responsible": ("responsible_person",)}, default="enterprise")


def hazard_ledger(*, user, filters) -> tuple[HazardLedgerFilter, QuerySet[HiddenHazard]]:
    f = HazardLedgerFilter(filters or None, hazards_in_scope(user), user=user)
    return f, HAZARD_LEDGER_SORTING.apply(f.qs, filters)[0]


def risk_point_ledger(*, user, filters) -> tuple[RiskPointLedgerFilter, QuerySet[RiskPoint]]:
    f = RiskPointLedgerFilter(filters or None, risk_points_in_scope(user), user=user)
    return f, RISK_POINT_LEDGER_SORTING.apply(f.qs, filters)[0]


# --- risk map -------------------------------------------------------------------------------------

def enterprise_top_levels(user, *, level: str | None = None) -> QuerySet:
    """Enterprises with a location and their highest current risk (the lowest level number; None when no
    point is assessed), optionally only those whose highest level is `level` ("1".."4" or "none")."""
    live = Q(risk_points__archived_at__isnull=True)
    qs = enterprises_in_scope(user).filter(latitude__isnull=False, longitude__isnull=False).annotate(
        top=Min("risk_points__current_level", filter=live),
        points=Count("risk_points", filter=live)).order_by()
    if level == NONE:
        qs = qs.filter(top__isnull=True)
    elif level:
        qs = qs.filter(top=int(level))
    return qs.values_list("pk", "name", "latitude", "longitude", "top", "points")


def hazard_ledger_page(*, user, filters) -> tuple[HazardLedgerFilter, QuerySet[HiddenHazard]]:
    f, qs = hazard_ledger(user=user, filters=filters)
    return f, qs.select_related("enterprise", "risk_point")


def risk_point_ledger_page(*, user, filters) -> tuple[RiskPointLedgerFilter, QuerySet[RiskPoint]]:
    f, qs = risk_point_ledger(user=user, filters=filters)
    return f, qs.select_related("enterprise")
