"""Reads for plan supervision. Dashboards aggregate in the database: the number of queries does not
grow with the number of tasks, departments or periods."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.utils import timezone

from emergency.core.scoping import acting_department_ids, scope_queryset

from .models import Assignment, Item, Period, Plan, ProgressReport, SupervisionNotice

STATUS_ORDER = ["done", "on_track", "at_risk", "delayed", "not_started", "overdue", "none"]


def plan_list(*, user) -> QuerySet[Plan]:
    return scope_queryset(user, Plan.objects.filter(archived_at__isnull=True)).annotate(
        item_count=Count("items", distinct=True))


def current_period(plan: Plan, today: datetime.date | None = None) -> Period | None:
    today = today or timezone.localdate()
    period = plan.periods.filter(starts_on__lte=today, ends_on__gte=today).first()
    return period or plan.periods.filter(ends_on__lt=today).order_by("-ends_on").first() or plan.periods.first()


def latest_reports(plan: Plan, period: Period | None) -> QuerySet[ProgressReport]:
    qs = ProgressReport.objects.filter(assignment__item__plan=plan)
    return qs.filter(period=period) if period else qs.none()


def _cell_status(report_state: str | None, report_status: str | None) -> str:
    if report_state is None or report_state == ProgressReport.State.DRAFT:
        return "none"  # a draft has not reached the bureau: it is not progress yet
    if report_state == ProgressReport.State.OVERDUE:
        return "overdue"
    if report_state == ProgressReport.State.RETURNED:
        return "not_started" if report_status in (None, "not_started") else report_status
    return report_status or "not_started"


@dataclass
class Completion:
    label: str
    percent: float
    reported: int
    total: int
    key: str = ""


def completion_by(plan: Plan, period: Period | None, *, by: str) -> list[Completion]:
    """Average percent complete of the lead (or joint) reports in the period, grouped by section,
    department or key project. Unreported assignments count as 0 %."""
    assignments = Assignment.objects.filter(item__plan=plan, archived_at__isnull=True)
    if by == "section":
        assignments = assignments.filter(item__kind=Item.Kind.TASK).exclude(role=Assignment.Role.COOPERATING)
        key, label = "item__section__number", "item__section__title"
    elif by == "project":
        assignments = assignments.filter(item__kind=Item.Kind.PROJECT).exclude(role=Assignment.Role.COOPERATING)
        key, label = "item__number", "item__title"
    else:
        key, label = "department_id", "department__name"
    # Only reports that count (submitted or accepted) contribute their percentage. One LEFT JOIN on
    # the period's reports (at most one per assignment: unique_report_per_period), not a correlated
    # subquery per assignment.
    counted = Q(report__state__in=[ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED])
    rows = (assignments.annotate(report=FilteredRelation("reports", condition=Q(reports__period=period)))
            .values(key, label)
            .annotate(total=Count("id"), reported=Count("id", filter=counted),
                      pct_sum=Sum("report__percent_complete", filter=counted))
            .order_by(key))
    return [Completion(label=r[label] or "—", key=str(r[key]), total=r["total"], reported=r["reported"],
                       percent=round((r["pct_sum"] or 0) / r["total"], 1) if r["total"] else 0.0)
            for r in rows]


@dataclass
class Matrix:
    departments: list[tuple[int, str]]
    items: list[tuple[int, str]]
    cells: dict[tuple[int, int], dict] = field(default_factory=dict)


def department_item_matrix(plan: Plan, period: Period | None, *, kind: str = Item.Kind.TASK) -> Matrix:
    """Department × item, each cell the assignment's role and its report status in the period."""
    rows = list(Assignment.objects.filter(item__plan=plan, item__kind=kind, archived_at__isnull=True)
                .values_list("id", "item_id", "item__number", "item__order", "department_id", "department__name",
                             "department__sort_order", "role"))
    reports = {a_id: (state, status) for a_id, state, status in ProgressReport.objects.filter(
        period=period, assignment__item__plan=plan, assignment__item__kind=kind).values_list(
        "assignment_id", "state", "status")} if period else {}
    depts, items, cells = {}, {}, {}
    for a_id, item_id, number, order, dept_id, dept_name, dept_order, role in rows:
        depts[dept_id] = (dept_order, dept_name)
        items[item_id] = (order, number)
        state, status = reports.get(a_id, (None, None))
        cells[(dept_id, item_id)] = {"role": role, "status": _cell_status(state, status), "assignment": a_id}
    return Matrix(departments=[(k, v[1]) for k, v in sorted(depts.items(), key=lambda kv: kv[1])],
                  items=[(k, str(v[1])) for k, v in sorted(items.items(), key=lambda kv: kv[1])], cells=cells)


def my_assignments(*, user, plan: Plan, period: Period | None):
    """The assignments of the departments the user acts for (a bureau user: the bureau's own, if any)."""
    qs = Assignment.objects.filter(item__plan=plan, archived_at__isnull=True,
                                   department_id__in=acting_department_ids(user)).select_related(
        "item", "department").order_by("item__order", "order")
    reports = {r.assignment_id: r for r in ProgressReport.objects.filter(period=period, assignment__in=qs)} \
        if period else {}
    return [(a, reports.get(a.pk)) for a in qs]


def cooperating_reports(report: ProgressReport) -> QuerySet[ProgressReport]:
    """For a lead's report: the co-operating departments' reports on the same item and period."""
    return ProgressReport.objects.filter(
        assignment__item=report.assignment.item_id, period=report.period_id,
        assignment__role=Assignment.Role.COOPERATING).select_related("assignment__department")


def notice_list(*, user, plan: Plan | None = None) -> QuerySet[SupervisionNotice]:
    qs = SupervisionNotice.objects.filter(archived_at__isnull=True).select_related("item", "department")
    if plan is not None:
        qs = qs.filter(item__plan=plan)
    return scope_queryset(user, qs)


def report_list(*, user, plan: Plan, period: Period | None = None, state: str | None = None):
    qs = ProgressReport.objects.filter(assignment__item__plan=plan).select_related(
        "assignment__item", "assignment__department", "period")
    if period is not None:
        qs = qs.filter(period=period)
    if state:
        qs = qs.filter(state=state)
    return scope_queryset(user, qs)


def report_state_counts(*, user, plan: Plan, period: Period | None = None) -> dict[str, int]:
    """How many of the reports the user sees are in each state (one query), every state present."""
    rows = report_list(user=user, plan=plan, period=period).order_by().values("state").annotate(n=Count("pk"))
    return {state: 0 for state in ProgressReport.State.values} | {r["state"]: r["n"] for r in rows}


def indicator_rows(plan: Plan):
    """Indicators with their yearly values (two queries)."""
    items = list(plan.items.filter(kind=Item.Kind.INDICATOR).order_by("order").prefetch_related("values"))
    series = defaultdict(dict)
    for item in items:
        for v in item.values.all():
            series[item.pk][v.year] = v
    return items, series


def indicator_evidence(plan: Plan) -> dict[str, list]:
    """Evidence files of the plan's indicator values, by value id (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from emergency.core.models import Attachment

    from .models import IndicatorValue

    ids = [str(pk) for pk in IndicatorValue.objects.filter(item__plan=plan).values_list("pk", flat=True)]
    out: dict[str, list] = defaultdict(list)
    for att in Attachment.objects.filter(parent_type=ContentType.objects.get_for_model(IndicatorValue),
                                         parent_id__in=ids, archived_at__isnull=True):
        out[att.parent_id].append(att)
    return out
