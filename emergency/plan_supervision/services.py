"""Writes for plan supervision. Each is atomic, validated, audited, and takes the acting user."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from emergency.core import actors, lifecycle
from emergency.core.audit import audit_record, created_fields
from emergency.core.models import AuditEvent, Department
from emergency.core.roles import BUREAU_ROLES
from emergency.core.scoping import NotAllowed
from emergency.core.services import UnknownDepartments, department_lookup, normalise_department_name

from .models import (
    Assignment,
    IndicatorValue,
    Item,
    Period,
    Plan,
    ProgressReport,
    Section,
    SupervisionNotice,
)
from .notify import notify_bureau, notify_department

QUARTERS = "一二三四"

# The note on the transition a closed period makes: stored as this code (rows written before issue 11 hold
# the same text) and shown translated by templates/plan_supervision/report_detail.html.
OVERDUE_NOTE = "period closed"


def _require_bureau(user) -> None:
    if user is None or not user.is_authenticated or user.role not in BUREAU_ROLES:
        raise NotAllowed(_("Only the emergency bureau may do this."))


def period_label(start: datetime.date, months: int) -> str:
    if months == 3:
        return f"{start.year}年第{QUARTERS[(start.month - 1) // 3]}季度"
    if months == 6:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    if months == 12:
        return f"{start.year}年度"
    end_month = start.month + months - 1
    return f"{start.year}年{start.month}–{end_month}月"


def _add_months(d: datetime.date, months: int) -> datetime.date:
    m = d.month - 1 + months
    return datetime.date(d.year + m // 12, m % 12 + 1, 1)


def plan_periods_generate(*, plan: Plan) -> int:
    if plan.period_months not in (1, 2, 3, 4, 6, 12):
        raise ValidationError({"period_months": _("A reporting period must divide the year (1, 2, 3, 4, 6 or 12).")})
    created = 0
    start = datetime.date(plan.start_year, 1, 1)
    stop = datetime.date(plan.end_year + 1, 1, 1)
    while start < stop:
        nxt = _add_months(start, plan.period_months)
        _period, was_created = Period.objects.get_or_create(
            plan=plan, starts_on=start,
            defaults={"label": period_label(start, plan.period_months), "ends_on": nxt - datetime.timedelta(days=1)})
        created += was_created
        start = nxt
    return created


def _resolve_all(names: list[str], *, create: bool, acting_user) -> dict[str, Department]:
    table = department_lookup()
    unknown = [n for n in dict.fromkeys(normalise_department_name(x) for x in names) if n not in table]
    if unknown and not create:
        raise UnknownDepartments(unknown)
    for name in unknown:
        dept = Department(name=name, kind=Department.Kind.GOVERNMENT, sort_order=800)
        dept.full_clean()
        dept.save()
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=dept,
                     changes={"name": [None, name], "reason": [None, "plan import --create-departments"]})
        table[name] = dept
    return {normalise_department_name(n): table[normalise_department_name(n)] for n in names}


def _target(target: dict | None) -> dict[str, Any]:
    if not target:
        return {"comparator": "", "target_value": None, "unit": ""}
    try:
        value = Decimal(str(target["value"]))
    except (InvalidOperation, KeyError) as exc:
        raise ValidationError({"target": _("The target value is not a number.")}) from exc
    return {"comparator": target.get("comparator", ""), "target_value": value, "unit": target.get("unit", "")}


def _reporting_departments(dept: Department) -> list[Department]:
    """A group ("各街道办事处") allocates the item to each of its members: each reports on its own. A group
    without members (an unmaintained "成员单位" list) stays assigned as itself."""
    if dept.is_group:
        members = list(dept.members.filter(archived_at__isnull=True).order_by("sort_order", "name"))
        if members:
            return members
    return [dept]


def _assign(item: Item, lead: str | None, departments: list[str], table: dict[str, Department]) -> None:
    lead_dept = table[normalise_department_name(lead)] if lead else None
    kept: list[int] = []
    for name in departments:
        named = table[normalise_department_name(name)]
        role = (Assignment.Role.JOINT if lead_dept is None
                else Assignment.Role.LEAD if named == lead_dept else Assignment.Role.COOPERATING)
        for dept in _reporting_departments(named):
            if dept.pk in kept:
                continue
            Assignment.objects.update_or_create(item=item, department=dept,
                                                defaults={"role": role, "order": len(kept), "archived_at": None})
            kept.append(dept.pk)
    # A department dropped from the item by a revised notice no longer reports on it (its reports stay).
    item.assignments.exclude(department_id__in=kept).filter(archived_at__isnull=True).update(
        archived_at=timezone.now())


@transaction.atomic
def plan_import(*, parsed, acting_user, create_departments: bool = False,
                start_year: int | None = None, end_year: int | None = None,
                period_months: int = 3, reminder_days: int = 7) -> tuple[Plan, bool]:
    """Import a parsed notice in one transaction. Re-importing the same notice updates in place
    (the reporting period length is fixed when the plan is first imported)."""
    if period_months not in (1, 2, 3, 4, 6, 12):
        raise ValidationError({"period_months": _("A reporting period must divide the year (1, 2, 3, 4, 6 or 12).")})
    data = parsed.to_json() if hasattr(parsed, "to_json") else parsed
    names = list(data.get("departments", []))
    for key in ("indicators", "tasks", "key_projects"):
        for row in data.get(key, []):
            names += row.get("departments", []) + ([row["lead"]] if row.get("lead") else [])
    table = _resolve_all(names, create=create_departments, acting_user=acting_user)

    years = [int(y) for y in re.findall(r"(20\d\d)", data.get("title", ""))]
    plan, created = Plan.objects.get_or_create(
        document_number=data["document_number"],
        defaults={"title": data["title"], "issued_on": datetime.date.fromisoformat(data["issued_on"]),
                  "start_year": start_year or (min(years) if years else int(data["issued_on"][:4])),
                  "end_year": end_year or (max(years) if years else int(data["issued_on"][:4]) + 4),
                  "period_months": period_months, "reminder_days": reminder_days})
    if not created:
        plan.title = data["title"]
        plan.issued_on = datetime.date.fromisoformat(data["issued_on"])
    plan.full_clean()
    plan._history_user = acting_user
    plan.save()

    sections = {}
    for order, sec in enumerate(data.get("sections", [])):
        sections[sec["number"]], _created = Section.objects.update_or_create(
            plan=plan, number=sec["number"], defaults={"title": sec["title"], "order": order})

    order = 0
    for row in data.get("indicators", []):
        order += 1
        item, _created = Item.objects.update_or_create(
            plan=plan, kind=Item.Kind.INDICATOR, category=row.get("category", ""), number=row["number"],
            defaults={"title": row["text"], "content": row["text"], "order": order, **_target(row.get("target"))})
        _assign(item, row.get("lead"), row.get("departments", []), table)
    for row in data.get("tasks", []):
        order += 1
        item, _created = Item.objects.update_or_create(
            plan=plan, kind=Item.Kind.TASK, category="", number=row["number"],
            defaults={"title": row.get("title") or row["content"][:60], "content": row["content"],
                      "theme": row.get("theme", ""), "section": sections.get(row.get("section")), "order": order})
        _assign(item, row.get("lead"), row.get("departments", []), table)
    for row in data.get("key_projects", []):
        order += 1
        item, _created = Item.objects.update_or_create(
            plan=plan, kind=Item.Kind.PROJECT, category="", number=row["number"],
            defaults={"title": row["name"], "content": row.get("content", ""), "order": order})
        _assign(item, row.get("lead"), row.get("departments", []), table)

    plan_periods_generate(plan=plan)
    _close_history(plan)
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.IMPORT, obj=plan, username="import_plan",
                 changes={"indicators": [None, len(data.get("indicators", []))],
                          "tasks": [None, len(data.get("tasks", []))],
                          "key_projects": [None, len(data.get("key_projects", []))],
                          "created": [None, created]})
    return plan, created


def _close_history(plan: Plan) -> None:
    """A plan imported late does not make years of history overdue: reporting starts with the most
    recently ended period; older ended periods are closed quietly."""
    ended = list(plan.periods.filter(ends_on__lt=timezone.localdate(), closed_at__isnull=True)
                 .order_by("-ends_on").values_list("pk", flat=True))
    if len(ended) > 1:
        Period.objects.filter(pk__in=ended[1:]).update(closed_at=timezone.now())


@transaction.atomic
def plan_set_reminder_days(*, acting_user, plan: Plan, reminder_days: int) -> None:
    _require_bureau(acting_user)
    if not 1 <= reminder_days <= 60:
        raise ValidationError({"reminder_days": _("Between 1 and 60 days.")})
    if plan.reminder_days != reminder_days:
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.UPDATE, obj=plan,
                     changes={"reminder_days": [plan.reminder_days, reminder_days]})
        plan.reminder_days = reminder_days
        plan._history_user = acting_user
        plan.save(update_fields=["reminder_days", "updated_at"])


# --- progress reports ---------------------------------------------------------------------------

def _may_report(user, assignment: Assignment) -> bool:
    from emergency.core.scoping import acting_department_ids

    return assignment.department_id in acting_department_ids(user)


@transaction.atomic
def report_save(*, acting_user, assignment: Assignment, period: Period, narrative: str, percent_complete: int,
                status: str, submit: bool = False) -> ProgressReport:
    if not _may_report(acting_user, assignment):
        raise NotAllowed(_("Only the assigned department may report on this."))
    if assignment.archived_at is not None:
        raise ValidationError(_("This department is no longer assigned to the item."))
    if period.plan_id != assignment.item.plan_id:
        raise ValidationError({"period": _("This period belongs to another plan.")})
    report, created = ProgressReport.objects.select_for_update().get_or_create(assignment=assignment, period=period)
    if report.state in (ProgressReport.State.SUBMITTED, ProgressReport.State.ACCEPTED):
        raise ValidationError(_("This report is already %(state)s.") % {"state": report.get_state_display()})
    before = {"narrative": report.narrative, "percent_complete": report.percent_complete, "status": report.status}
    report.narrative = narrative.strip()
    report.percent_complete = percent_complete
    report.status = status
    if submit and not report.narrative:
        raise ValidationError({"narrative": _("Describe the progress before submitting.")})
    if status == ProgressReport.Status.DONE and percent_complete != 100:
        # xgettext:no-python-format
        raise ValidationError({"percent_complete": _("A task reported as done is 100% complete.")})
    report.is_consolidated = assignment.role == Assignment.Role.LEAD
    report.full_clean(exclude=["state"])  # the FSM field is changed by transitions only
    report._history_user = acting_user
    report.save()
    changes = {k: [before[k], getattr(report, k)] for k in before if before[k] != getattr(report, k)}
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE if created else AuditEvent.Type.UPDATE,
                 obj=report, changes=changes)
    if submit:
        report.submitted_at, report.submitted_by = timezone.now(), acting_user
        # draft, returned or overdue → submitted: the lifecycle records the real "from" state.
        lifecycle.transition(report, "submit", acting_user=acting_user)
        transaction.on_commit(lambda: notify_bureau(
            title=_("Progress report submitted: %(r)s") % {"r": report}, target=report,
            url=reverse("plans:report_detail", args=[report.pk])))
    return report


def _review(report: ProgressReport, method: str, *, acting_user, comment: str) -> ProgressReport:
    _require_bureau(acting_user)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    # Four eyes, as for hazards, disposals and stock documents: a bureau user who reports for the bureau's own
    # assignments (区应急局) must not sign off their own submission. Only acceptance is refused: returning one's
    # own report sends it back to the department to correct and resubmit, and closes nothing.
    if method == "accept" and report.submitted_by_id == acting_user.pk:
        raise ValidationError(_("The person who submitted a report cannot accept it."))
    previous_comment = report.review_comment  # a resubmitted report still carries the last review's comment
    report.reviewed_at, report.reviewed_by, report.review_comment = timezone.now(), acting_user, comment
    lifecycle.transition(report, method, acting_user=acting_user, note=comment,
                         changes={"review_comment": [previous_comment, comment]})
    return report


@transaction.atomic
def report_accept(*, acting_user, report: ProgressReport, comment: str = "") -> ProgressReport:
    return _review(report, "accept", acting_user=acting_user, comment=comment.strip())


@transaction.atomic
def report_return(*, acting_user, report: ProgressReport, comment: str) -> ProgressReport:
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    report = _review(report, "send_back", acting_user=acting_user, comment=comment.strip())
    dept = report.assignment.department
    transaction.on_commit(lambda: notify_department(
        dept, title=_("Progress report returned: %(r)s") % {"r": report}, body=comment, target=report,
        url=reverse("plans:report_detail", args=[report.pk])))
    return report


def _assignments_without_report(period: Period):
    done = ProgressReport.objects.filter(period=period, state__in=[ProgressReport.State.SUBMITTED,
                                                                   ProgressReport.State.ACCEPTED])
    return (Assignment.objects.filter(item__plan=period.plan_id, archived_at__isnull=True)
            .exclude(pk__in=done.values("assignment_id")).select_related("item", "department"))


@transaction.atomic
def reminders_send(*, today: datetime.date) -> int:
    """Remind departments N days before a period closes (N per plan); once per period."""
    sent = 0
    periods = Period.objects.select_related("plan").filter(reminded_at__isnull=True, ends_on__gte=today)
    for period in periods:
        if (period.ends_on - today).days > period.plan.reminder_days:
            continue
        by_dept: dict[Department, list[Assignment]] = {}
        for a in _assignments_without_report(period):
            by_dept.setdefault(a.department, []).append(a)
        for dept, items in by_dept.items():
            notify_department(dept, title=_("%(period)s progress reports due by %(date)s") % {
                "period": period.label, "date": period.ends_on.isoformat()},
                body="\n".join(str(a.item) for a in items[:20]), url=f"{reverse('plans:my', args=[period.plan_id])}?period={period.pk}")
            sent += 1
        period.reminded_at = timezone.now()
        period.save(update_fields=["reminded_at"])
    return sent


@transaction.atomic
def overdue_mark(*, acting_user=actors.SYSTEM, today: datetime.date) -> int:
    """A period that closed without a report makes the report overdue and escalates it to the bureau.
    Run by the scheduler (`tasks.plan_daily` passes actors.SYSTEM); the default serves the demo seeding."""
    actors.require(acting_user)
    marked = 0
    for period in Period.objects.filter(closed_at__isnull=True, ends_on__lt=today):
        overdue_items = []
        by_dept: dict[Department, list[ProgressReport]] = {}
        for a in _assignments_without_report(period):
            report, _created = ProgressReport.objects.get_or_create(assignment=a, period=period)
            if can_proceed(report.mark_overdue):
                report.escalated_at = timezone.now()
                lifecycle.transition(report, "mark_overdue", acting_user=acting_user, note=OVERDUE_NOTE)
                by_dept.setdefault(a.department, []).append(report)
                overdue_items.append(report)
                marked += 1
        # One notice per department and period, listing its overdue items (not one per report).
        for dept, reports in by_dept.items():
            notify_department(dept, title=_("%(n)d progress reports overdue for %(period)s") % {
                "n": len(reports), "period": period.label},
                body="\n".join(str(r.assignment.item) for r in reports[:30]),
                target=reports[0] if len(reports) == 1 else None,
                url=reverse("plans:report_detail", args=[reports[0].pk]) if len(reports) == 1
                else reverse("plans:my", args=[period.plan_id]))
        if overdue_items:
            notify_bureau(title=_("%(n)d progress reports overdue for %(period)s") % {
                "n": len(overdue_items), "period": period.label}, url=reverse("plans:list"))
        period.closed_at = timezone.now()
        period.save(update_fields=["closed_at"])
    return marked


# --- supervision notices ------------------------------------------------------------------------

@transaction.atomic
def notice_issue(*, acting_user, item: Item, department: Department, content: str,
                 deadline: datetime.date) -> SupervisionNotice:
    _require_bureau(acting_user)
    if not content.strip():
        raise ValidationError({"content": _("State what the department must do.")})
    if deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    if not item.assignments.filter(department=department).exists():
        raise ValidationError({"department": _("This department is not assigned to the item.")})
    year = timezone.localdate().year
    notice = SupervisionNotice(item=item, department=department, content=content.strip(), deadline=deadline,
                               issued_by=acting_user, serial="")
    notice.full_clean(exclude=["state", "serial"])
    notice._history_user = acting_user
    seq = SupervisionNotice.objects.filter(serial__startswith=f"督〔{year}〕").count()
    # Two notices issued at once may pick the same number: the unique constraint decides, and the
    # loser takes the next number inside its own savepoint.
    for _attempt in range(20):
        seq += 1
        notice.serial = f"督〔{year}〕{seq}号"
        try:
            with transaction.atomic():
                notice.save()
            break
        except IntegrityError:
            notice.pk = None
            continue
    else:
        raise ValidationError(_("Could not number the notice; try again."))
    # No transition table for notices: the CREATE audit (with the initial state) starts its record.
    lifecycle.created(notice, acting_user=acting_user,
                      changes=created_fields(notice, ["item", "department", "deadline", "content"]))
    transaction.on_commit(lambda: notify_department(
        department, title=_("Supervision notice %(s)s: answer by %(d)s") % {"s": notice.serial, "d": deadline},
        body=notice.content, target=notice, url=reverse("plans:notice_detail", args=[notice.pk])))
    return notice


@transaction.atomic
def notice_answer(*, acting_user, notice: SupervisionNotice, answer: str) -> SupervisionNotice:
    from emergency.core.scoping import acting_department_ids

    if notice.department_id not in acting_department_ids(acting_user):
        raise NotAllowed(_("Only the department it was issued to may answer."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    previous_answer = notice.answer  # a reopened notice is answered again: keep what it said before
    notice.answer, notice.answered_at, notice.answered_by = answer.strip(), timezone.now(), acting_user
    lifecycle.transition(notice, "record_answer", acting_user=acting_user,
                         changes={"answer": [previous_answer, notice.answer]})
    transaction.on_commit(lambda: notify_bureau(title=_("Supervision notice %(s)s answered") % {"s": notice.serial},
                                                target=notice, url=reverse("plans:notice_detail", args=[notice.pk])))
    return notice


@transaction.atomic
def notice_close(*, acting_user, notice: SupervisionNotice) -> SupervisionNotice:
    _require_bureau(acting_user)
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    notice.closed_at = timezone.now()
    lifecycle.transition(notice, "close", acting_user=acting_user)
    return notice


@transaction.atomic
def notice_reopen(*, acting_user, notice: SupervisionNotice, comment: str) -> SupervisionNotice:
    _require_bureau(acting_user)
    if not comment.strip():
        raise ValidationError({"comment": _("Say why the answer is not enough.")})
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    lifecycle.transition(notice, "reopen", acting_user=acting_user, changes={"comment": ["", comment.strip()]})
    transaction.on_commit(lambda: notify_department(
        notice.department, title=_("Supervision notice %(s)s reopened") % {"s": notice.serial}, body=comment,
        target=notice, url=reverse("plans:notice_detail", args=[notice.pk])))
    return notice


@transaction.atomic
def notices_escalate(*, acting_user=actors.SYSTEM, today: datetime.date) -> int:
    """Notices unanswered past their deadline are escalated. Run by the scheduler (`tasks.plan_daily`
    passes actors.SYSTEM)."""
    actors.require(acting_user)
    n = 0
    for notice in SupervisionNotice.objects.select_for_update().filter(
            state=SupervisionNotice.State.ISSUED, deadline__lt=today):
        notice.escalated_at = timezone.now()
        lifecycle.transition(notice, "escalate", acting_user=acting_user)
        notify_bureau(title=_("Supervision notice %(s)s unanswered past its deadline") % {"s": notice.serial},
                      target=notice, url=reverse("plans:notice_detail", args=[notice.pk]))
        notify_department(notice.department, title=_("Escalated: supervision notice %(s)s") % {"s": notice.serial},
                          target=notice, url=reverse("plans:notice_detail", args=[notice.pk]))
        n += 1
    return n


# --- indicators ---------------------------------------------------------------------------------

@transaction.atomic
def indicator_value_record(*, acting_user, item: Item, year: int, value: Decimal | None, achieved: bool | None,
                           source: str, note: str = "") -> IndicatorValue:
    _require_bureau(acting_user)
    if item.kind != Item.Kind.INDICATOR:
        raise ValidationError({"item": _("Values are recorded for indicators only.")})
    if not item.plan.start_year <= year <= item.plan.end_year:
        raise ValidationError({"year": _("The year must lie within the plan period %(a)d–%(b)d.") % {
            "a": item.plan.start_year, "b": item.plan.end_year}})
    if item.is_quantitative and value is None:
        raise ValidationError({"value": _("This indicator needs a number.")})
    if not source.strip():
        raise ValidationError({"source": _("Name the source of the value.")})
    row = IndicatorValue.objects.filter(item=item, year=year).first()
    before = {"value": row.value, "achieved": row.achieved, "source": row.source} if row else None
    row = row or IndicatorValue(item=item, year=year, recorded_by=acting_user)
    row.value, row.achieved, row.source, row.note = value, achieved, source.strip(), note
    row.recorded_by = acting_user
    row.full_clean()
    row._history_user = acting_user
    row.save()
    after = {"value": row.value, "achieved": row.achieved, "source": row.source}
    audit_record(acting_user=acting_user,
                 event_type=AuditEvent.Type.UPDATE if before else AuditEvent.Type.CREATE, obj=row,
                 changes={k: [before[k] if before else None, after[k]] for k in after
                          if not before or before[k] != after[k]})
    return row

