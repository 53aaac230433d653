"""Plan supervision's to-dos on the home page (registered by apps.PlanSupervisionConfig).

For the departments the user acts for: progress reports to write in the open period, returned or overdue ones,
and supervision notices to answer; for the bureau also the reports waiting for its review. Two aggregate
queries (a third for the bureau), plus scoping's and one for the plan's id, however many rows there are."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.core.registry import TodoEntry
from emergency.core.roles import BUREAU_ROLES, GOVERNMENT_ROLES
from emergency.core.scoping import acting_department_ids, scope_queryset

from .models import Assignment, Period, Plan, ProgressReport, SupervisionNotice

State = ProgressReport.State
NoticeState = SupervisionNotice.State


def plan_todos(user) -> list[TodoEntry]:
    if user.role not in GOVERNMENT_ROLES:  # the plan pages' users (views.PLAN_ROLES)
        return []
    departments = acting_department_ids(user)
    today = timezone.localdate()
    # One active plan (the usual case): link straight to its pages; otherwise to the list of plans.
    plans = list(Plan.objects.filter(archived_at__isnull=True).values_list("pk", flat=True)[:2])
    plan = plans[0] if len(plans) == 1 else None
    mine_url = reverse("plans:my", args=[plan]) if plan else reverse("plans:list")

    # Per assignment of the user's departments: due while its plan has a period open today and nothing but a
    # draft was filed for it; returned and overdue reports counted through the same rows (one query).
    open_period = Period.objects.filter(plan=OuterRef("item__plan"), starts_on__lte=today, ends_on__gte=today,
                                        archived_at__isnull=True)
    filed = ProgressReport.objects.filter(assignment=OuterRef("pk"), period__starts_on__lte=today,
                                          period__ends_on__gte=today).exclude(state=State.DRAFT)
    counts = scope_queryset(user, Assignment.objects.filter(
        department_id__in=departments, archived_at__isnull=True, item__plan__archived_at__isnull=True,
    )).aggregate(
        due=Count("pk", filter=Q(Exists(open_period)) & ~Q(Exists(filed)), distinct=True),
        returned=Count("reports", filter=Q(reports__state=State.RETURNED, reports__archived_at__isnull=True),
                       distinct=True),
        overdue=Count("reports", filter=Q(reports__state=State.OVERDUE, reports__archived_at__isnull=True),
                      distinct=True),
    )
    notices = scope_queryset(user, SupervisionNotice.objects.filter(
        archived_at__isnull=True, department_id__in=departments)).aggregate(
        issued=Count("pk", filter=Q(state=NoticeState.ISSUED), distinct=True),
        escalated=Count("pk", filter=Q(state=NoticeState.ESCALATED), distinct=True),
    )

    entries = [
        TodoEntry(_("Progress reports to write this period"), counts["due"], mine_url, "info"),
        TodoEntry(_("Progress reports returned to you"), counts["returned"], mine_url, "warning"),
        TodoEntry(_("Overdue progress reports"), counts["overdue"], mine_url, "danger"),
        TodoEntry(_("Supervision notices to answer"), notices["issued"] + notices["escalated"],
                  reverse("plans:notice_list"), "danger" if notices["escalated"] else "warning"),
    ]
    if user.role in BUREAU_ROLES:  # the bureau reviews every department's reports
        to_review = scope_queryset(user, ProgressReport.objects.filter(
            archived_at__isnull=True, state=State.SUBMITTED, assignment__item__plan__archived_at__isnull=True)).count()
        review_url = (reverse("plans:report_list", args=[plan]) + "?state=submitted") if plan else reverse("plans:list")
        entries.append(TodoEntry(_("Progress reports to review"), to_review, review_url, "info"))
    return entries


def plan_panels(user) -> list:
    """Plan completion on the bureau's workbench: the current period's average completion of each section of
    the newest plan, opening the plan's dashboard. A handful of queries, whatever the number of reports."""
    from emergency.core.registry import Panel, PanelRow

    from .selectors import completion_by, current_period

    if user.role not in BUREAU_ROLES:
        return []
    plan = Plan.objects.filter(archived_at__isnull=True).order_by("-pk").first()
    if plan is None:
        return []
    period = current_period(plan)
    url = reverse("plans:dashboard", args=[plan.pk])
    rows = tuple(PanelRow(c.label, c.percent, url, percent=True) for c in completion_by(plan, period, by="section"))
    title = _("Plan completion, %(period)s") % {"period": period.label} if period else _("Plan completion")
    return [Panel("plan_completion", title, rows, url)]
