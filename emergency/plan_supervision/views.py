from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from emergency.core.attachments import attachment_add, attachments_of
from emergency.core.audit import audit_record
from emergency.core.exports import dated, file_response
from emergency.core.filters import parse_id
from emergency.core.forms import AttachmentForm, add_validation_errors
from emergency.core.models import AuditEvent, Department
from emergency.core.roles import BUREAU_ROLES
from emergency.core.scoping import acting_department_ids, get_for_user, scope_queryset
from emergency.core.services import UnknownDepartments
from emergency.core.sorting import Sorting
from emergency.core.views import attach_upload, readers_required
from emergency.lib.docx import DOCX_MIME
from emergency.lib.xlsx import XLSX_MIME

from . import exports, selectors, services
from .forms import AnswerForm, IndicatorValueForm, NoticeForm, NoticeUploadForm, ReportForm, ReviewForm
from .models import Assignment, Item, Period, Plan, ProgressReport, SupervisionNotice
from .reading import NoticeFileError, read_notice_upload

SESSION_KEY = "plan_import_preview"
# Plans are the government's internal supervision: enterprises and experts do not take part.


plan_user_required = readers_required(Plan)  # who reads the plan: plan_supervision/scopes.py
ROLE_MARKS = {Assignment.Role.LEAD: "L", Assignment.Role.JOINT: "J", Assignment.Role.COOPERATING: "C"}
EMPTY_CELL = "<td></td>"


@functools.cache
def _matrix_cell(status: str, role: str) -> str:
    """One matrix cell, coloured by report status and marked L, C or J (escaped once per pair)."""
    return format_html('<td class="em-s-{}">{}</td>', status, ROLE_MARKS.get(role, "C"))


def _is_bureau(user) -> bool:
    return user.role in BUREAU_ROLES


def _plan(request, pk: int) -> Plan:
    plan, _w = get_for_user(request.user, Plan.objects.all(), pk=pk)
    return plan


def _period(request, plan: Plan) -> Period | None:
    pid = parse_id(request.GET.get("period"))
    if pid is not None:
        period = plan.periods.filter(pk=pid).first()
        if period:
            return period
    return selectors.current_period(plan)


@plan_user_required
def plan_list(request):
    plans = selectors.plan_list(user=request.user)
    if len(plans) == 1 and not _is_bureau(request.user):
        return redirect("plans:my", pk=plans[0].pk)
    return render(request, "plan_supervision/plan_list.html", {"plans": plans, "can_import": _is_bureau(request.user),
                                                               "form": NoticeUploadForm()})


@plan_user_required
def plan_import(request):
    if not _is_bureau(request.user):
        raise PermissionDenied
    form = NoticeUploadForm(request.POST or None, request.FILES or None)
    preview, problems, unknown = None, [], []
    if request.method == "POST" and request.POST.get("action") == "confirm":
        stored = request.session.get(SESSION_KEY)
        if not stored:
            messages.error(request, _("Upload the notice again: the preview has expired."))
            return redirect("plans:import")
        try:
            plan, created = services.plan_import(parsed=stored["data"], acting_user=request.user,
                                                 create_departments=stored["create"],
                                                 period_months=stored.get("period_months", 3),
                                                 reminder_days=stored.get("reminder_days", 7))
        except UnknownDepartments as exc:
            messages.error(request, _("Unknown departments: %(names)s") % {"names": "、".join(exc.names)})
            return redirect("plans:import")
        del request.session[SESSION_KEY]
        messages.success(request, _("Plan imported.") if created else _("Plan updated; nothing was duplicated."))
        return redirect("plans:dashboard", pk=plan.pk)
    if request.method == "POST" and form.is_valid():
        from .parser import NoticeErrors, parse_notice
        from .resolver import django_resolver

        try:
            text = read_notice_upload(form.cleaned_data["file"])
            parsed = parse_notice(text, resolve=django_resolver())
        except NoticeFileError as exc:
            form.add_error("file", str(exc))
        except NoticeErrors as exc:
            problems = _problems(exc)
            unknown = getattr(exc, "unknown", None) or []
            if unknown and form.cleaned_data["create_departments"] and len(problems) == len(unknown):
                parsed = parse_notice(text, resolve=django_resolver(allow_unknown=True))
                preview = parsed.to_json()
                problems = []
        else:
            preview = parsed.to_json()
        if preview is not None:
            request.session[SESSION_KEY] = {"data": preview, "create": form.cleaned_data["create_departments"],
                                            "period_months": form.cleaned_data["period_months"],
                                            "reminder_days": form.cleaned_data["reminder_days"]}
    return render(request, "plan_supervision/import.html", {"form": form, "preview": preview, "problems": problems})


def _problems(exc) -> list[tuple[int | None, str]]:
    items = getattr(exc, "errors", None) or getattr(exc, "problems", None) or []
    out = []
    for p in items:
        if isinstance(p, tuple):
            out.append((p[0], p[1]))
        else:
            out.append((getattr(p, "line", None), getattr(p, "message", str(p))))
    return out or [(None, str(exc))]


@plan_user_required
def dashboard(request, pk: int):
    plan = _plan(request, pk)
    period = _period(request, plan)
    by_section = selectors.completion_by(plan, period, by="section")
    by_dept = selectors.completion_by(plan, period, by="department")
    by_project = selectors.completion_by(plan, period, by="project")
    counts = selectors.report_state_counts(user=request.user, plan=plan, period=period)
    chart = {
        "tooltip": {}, "grid": {"left": 40, "right": 10, "bottom": 80, "top": 20},
        "xAxis": {"type": "category", "data": [c.label[:8] for c in by_section], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "max": 100},
        "series": [{"type": "bar", "name": _("Average completion (%)"), "data": [c.percent for c in by_section]}],
    }
    return render(request, "plan_supervision/dashboard.html", {
        "plan": plan, "period": period, "periods": plan.periods.all(), "by_section": by_section,
        "by_department": by_dept, "by_project": by_project, "chart": chart, "is_bureau": _is_bureau(request.user),
        "open_notices": selectors.notice_list(user=request.user, plan=plan).exclude(state="closed").count(),
        "overdue": counts[ProgressReport.State.OVERDUE], "submitted": counts[ProgressReport.State.SUBMITTED],
    })


@plan_user_required
def matrix(request, pk: int):
    plan = _plan(request, pk)
    period = _period(request, plan)
    kind = request.GET.get("kind", Item.Kind.TASK)
    if kind not in Item.Kind.values:
        kind = Item.Kind.TASK
    m = selectors.department_item_matrix(plan, period, kind=kind)
    # A plan of 500 tasks × 40 departments is 20,000 cells: a template loop over them costs
    # ~150 ms, so each row's cells are joined here from a handful of pre-escaped fragments.
    column = {item_id: i for i, (item_id, _n) in enumerate(m.items)}
    grid = {dept_id: [EMPTY_CELL] * len(m.items) for dept_id, _name in m.departments}
    for (dept_id, item_id), cell in m.cells.items():
        grid[dept_id][column[item_id]] = _matrix_cell(cell["status"], cell["role"])
    # Safe: every fragment is EMPTY_CELL or came out of format_html.
    rows = [(dept_name, mark_safe("".join(grid[dept_id]))) for dept_id, dept_name in m.departments]
    return render(request, "plan_supervision/matrix.html", {"plan": plan, "period": period, "periods": plan.periods.all(),
                                                             "items": m.items, "rows": rows, "kind": kind})


@plan_user_required
def item_list(request, pk: int):
    plan = _plan(request, pk)
    items = plan.items.filter(archived_at__isnull=True).select_related("section").prefetch_related(
        "assignments__department").order_by("order")
    return render(request, "plan_supervision/item_list.html", {"plan": plan, "items": items})


@plan_user_required
def item_detail(request, pk: int, item_pk: int):
    plan = _plan(request, pk)
    item = get_object_or_404(Item.objects.select_related("section"), pk=item_pk, plan=plan)
    period = _period(request, plan)
    assignments = list(item.assignments.select_related("department"))
    visible = set(scope_queryset(request.user, ProgressReport.objects.filter(
        assignment__item=item)).values_list("pk", flat=True))
    reports = {r.assignment_id: r for r in ProgressReport.objects.filter(assignment__item=item, period=period)
               if r.pk in visible}
    form = NoticeForm(departments=[a.department for a in assignments])
    return render(request, "plan_supervision/item_detail.html", {
        "plan": plan, "item": item, "period": period, "periods": plan.periods.all(),
        "rows": [(a, reports.get(a.pk)) for a in assignments], "notice_form": form,
        "is_bureau": _is_bureau(request.user),
        "notices": selectors.notice_list(user=request.user).filter(item=item)})


@require_POST
@plan_user_required
def notice_issue(request, pk: int, item_pk: int):
    if not _is_bureau(request.user):
        raise PermissionDenied
    plan = _plan(request, pk)
    item = get_object_or_404(Item, pk=item_pk, plan=plan)
    depts = [a.department for a in item.assignments.select_related("department")]
    form = NoticeForm(request.POST, departments=depts)
    if form.is_valid():
        try:
            notice = services.notice_issue(acting_user=request.user, item=item,
                                           department=Department.objects.get(pk=form.cleaned_data["department"]),
                                           content=form.cleaned_data["content"], deadline=form.cleaned_data["deadline"])
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Supervision notice %(s)s issued.") % {"s": notice.serial})
            return redirect("plans:notice_detail", notice_pk=notice.pk)
    period = _period(request, plan)
    return render(request, "plan_supervision/item_detail.html", {
        "plan": plan, "item": item, "period": period, "periods": plan.periods.all(),
        "rows": [(a, None) for a in item.assignments.select_related("department")], "notice_form": form,
        "is_bureau": _is_bureau(request.user), "notices": selectors.notice_list(user=request.user).filter(item=item)},
        status=400)


@plan_user_required
def my_tasks(request, pk: int):
    plan = _plan(request, pk)
    period = _period(request, plan)
    rows = selectors.my_assignments(user=request.user, plan=plan, period=period)
    return render(request, "plan_supervision/my_tasks.html", {
        "plan": plan, "period": period, "periods": plan.periods.all(), "rows": rows,
        "notices": selectors.notice_list(user=request.user, plan=plan).exclude(state="closed")})


@plan_user_required
def report_edit(request, assignment_pk: int, period_pk: int):
    assignment, _w = get_for_user(request.user, Assignment.objects.select_related("item__plan", "department"),
                                  pk=assignment_pk)
    if assignment.department_id not in acting_department_ids(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, pk=period_pk, plan=assignment.item.plan_id)
    report = ProgressReport.objects.filter(assignment=assignment, period=period).first()
    initial = ({"narrative": report.narrative, "percent_complete": report.percent_complete, "status": report.status}
               if report else {"percent_complete": 0, "status": "not_started"})
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_save(acting_user=request.user, assignment=assignment, period=period,
                                          submit=request.POST.get("action") == "submit", **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Submitted.") if report.state == "submitted" else _("Draft saved."))
            return redirect("plans:report_detail", report_pk=report.pk)
    coop = selectors.cooperating_reports(report) if report and assignment.role == "lead" else \
        ProgressReport.objects.filter(assignment__item=assignment.item, period=period,
                                      assignment__role="cooperating").select_related("assignment__department") \
        if assignment.role == "lead" else []
    return render(request, "plan_supervision/report_form.html", {
        "assignment": assignment, "period": period, "form": form, "report": report, "cooperating": coop},
        status=400 if request.method == "POST" else 200)


@plan_user_required
def report_detail(request, report_pk: int):
    report, _w = get_for_user(request.user, ProgressReport.objects.select_related(
        "assignment__item__plan", "assignment__department", "period"), pk=report_pk)
    may_edit = (report.assignment.department_id in acting_department_ids(request.user)
                and report.state in ("draft", "returned", "overdue"))
    return render(request, "plan_supervision/report_detail.html", {
        "report": report, "transitions": report.transitions.select_related("actor"),
        "cooperating": selectors.cooperating_reports(report) if report.assignment.role == "lead" else [],
        "is_bureau": _is_bureau(request.user), "review_form": ReviewForm(), "may_edit": may_edit,
        "own_submission": report.submitted_by_id == request.user.pk,
        "attachments": attachments_of(report), "upload_form": AttachmentForm(),
        "history": report.history.select_related("history_user")[:20]})


@require_POST
@plan_user_required
def report_review(request, report_pk: int):
    report, _w = get_for_user(request.user, ProgressReport.objects.all(), pk=report_pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.report_accept(acting_user=request.user, report=report, comment=form.cleaned_data.get("comment", ""))
            messages.success(request, _("Report accepted."))
        elif action == "return":
            services.report_return(acting_user=request.user, report=report, comment=form.cleaned_data.get("comment", ""))
            messages.success(request, _("Report returned."))
        else:
            raise Http404
    except services.NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("plans:report_detail", report_pk=report.pk)


@require_POST
@plan_user_required
def report_attach(request, report_pk: int):
    report, _w = get_for_user(request.user, ProgressReport.objects.all(), pk=report_pk)
    if report.assignment.department_id not in acting_department_ids(request.user):
        raise PermissionDenied
    attach_upload(request, report)
    return redirect("plans:report_detail", report_pk=report.pk)


# The lists' sortable columns (`?sort=`, core/sorting.py): the notice's order of items unless one is chosen.
REPORT_SORTING = Sorting({"item": ("assignment__item__order",), "department": ("assignment__department__name",),
                          "status": ("status",), "percent": ("percent_complete",), "state": ("state",)},
                         default="item")
NOTICE_SORTING = Sorting({"serial": ("serial",), "item": ("item__order",), "department": ("department__name",),
                          "deadline": ("deadline",), "state": ("state",)}, default="-serial")


@plan_user_required
def report_list(request, pk: int):
    plan = _plan(request, pk)
    period = _period(request, plan)
    state = request.GET.get("state") or None
    qs, sort = REPORT_SORTING.apply(selectors.report_list(user=request.user, plan=plan, period=period, state=state),
                                    request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "plan_supervision/report_list.html", {
        "plan": plan, "period": period, "periods": plan.periods.all(), "page": page, "state": state,
        "states": ProgressReport.State.choices, "sort": sort})


@plan_user_required
def notice_list(request):
    qs, sort = NOTICE_SORTING.apply(selectors.notice_list(user=request.user), request.GET)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "plan_supervision/notice_list.html", {"page": page, "sort": sort})


@plan_user_required
def notice_detail(request, notice_pk: int):
    notice, _w = get_for_user(request.user, SupervisionNotice.objects.select_related("item__plan", "department"),
                              pk=notice_pk)
    may_answer = notice.department_id in acting_department_ids(request.user) and notice.state in ("issued", "escalated")
    answer_form = AnswerForm(request.POST or None) if may_answer else None
    review_form = ReviewForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer" and answer_form is not None and answer_form.is_valid():
                services.notice_answer(acting_user=request.user, notice=notice, answer=answer_form.cleaned_data["answer"])
                messages.success(request, _("Answer sent."))
                return redirect("plans:notice_detail", notice_pk=notice.pk)
            if action == "close":
                services.notice_close(acting_user=request.user, notice=notice)
                messages.success(request, _("Notice closed."))
                return redirect("plans:notice_detail", notice_pk=notice.pk)
            if action == "reopen" and review_form.is_valid():
                services.notice_reopen(acting_user=request.user, notice=notice,
                                       comment=review_form.cleaned_data.get("comment", ""))
                messages.success(request, _("Notice reopened."))
                return redirect("plans:notice_detail", notice_pk=notice.pk)
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "plan_supervision/notice_detail.html", {
        "notice": notice, "answer_form": answer_form, "review_form": review_form,
        "is_bureau": _is_bureau(request.user), "history": notice.history.select_related("history_user")[:20]})


@plan_user_required
def indicators(request, pk: int):
    plan = _plan(request, pk)
    items, series = selectors.indicator_rows(plan)
    years = list(range(plan.start_year, plan.end_year + 1))
    form = IndicatorValueForm(request.POST or None, request.FILES or None, initial={"year": min(timezone.localdate().year, plan.end_year)})
    status = 200
    if request.method == "POST":
        if not _is_bureau(request.user):
            raise PermissionDenied
        item_pk = parse_id(request.POST.get("item"))
        if item_pk is None:
            raise Http404
        item = get_object_or_404(Item, pk=item_pk, plan=plan, kind=Item.Kind.INDICATOR)
        if form.is_valid():
            data = dict(form.cleaned_data)
            evidence = data.pop("evidence", None)
            try:
                with transaction.atomic():  # a refused evidence file leaves the value unrecorded too
                    row = services.indicator_value_record(acting_user=request.user, item=item, **data)
                    if evidence:
                        attachment_add(acting_user=request.user, parent=row, uploaded=evidence)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Saved."))
                return redirect("plans:indicators", pk=plan.pk)
        else:
            messages.error(request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
        status = 400
    evidence = selectors.indicator_evidence(plan)
    rows = []
    for item in items:
        values = [series[item.pk].get(y) for y in years]
        for v in values:
            if v is not None:
                v.evidence = evidence.get(str(v.pk), [])
        chart = None
        if item.is_quantitative:
            chart = {"tooltip": {}, "grid": {"left": 40, "right": 10, "top": 20, "bottom": 30},
                     "xAxis": {"type": "category", "data": [str(y) for y in years]},
                     "yAxis": {"type": "value"},
                     "series": [{"type": "line", "name": _("Actual"),
                                 "data": [float(v.value) if v and v.value is not None else None for v in values]},
                                {"type": "line", "name": _("Target"), "lineStyle": {"type": "dashed"},
                                 "data": [float(item.target_value)] * len(years)}]}
        latest = next((v for v in reversed(values) if v), None)
        rows.append({"item": item, "values": values, "chart": chart, "chart_id": f"ind-chart-{item.pk}",
                     "latest": latest})
    return render(request, "plan_supervision/indicators.html", {"plan": plan, "rows": rows, "years": years,
                                                                 "form": form, "is_bureau": _is_bureau(request.user)},
                  status=status)


def _file(data: bytes, mime: str, name: str, fallback: str) -> HttpResponse:
    """A download named `name` (in the user's language, dated), `fallback` for clients that need ASCII."""
    extension = fallback.rpartition(".")[2]
    return file_response(data, mime, dated(name, extension), fallback=dated(fallback.rpartition(".")[0], extension))


@plan_user_required
def export_allocation(request, pk: int):
    plan = _plan(request, pk)
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, obj=plan,
                 changes={"export": "allocation.xlsx"})
    return _file(exports.allocation_xlsx(plan), XLSX_MIME, _("Task allocation table"), "allocation.xlsx")


@plan_user_required
def export_progress(request, pk: int):
    if not _is_bureau(request.user):
        raise PermissionDenied  # it carries every department's reports
    plan = _plan(request, pk)
    period = _period(request, plan)
    if period is None:
        raise Http404
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, obj=plan,
                 changes={"export": "progress.docx", "period": period.label})
    return _file(exports.progress_docx(plan, period), DOCX_MIME, f"{_('Progress report')}-{period.label}",
                 "progress.docx")


@plan_user_required
def export_evaluation(request, pk: int):
    if not _is_bureau(request.user):
        raise PermissionDenied  # it carries every department's reports
    plan = _plan(request, pk)
    kind = request.GET.get("kind", "midterm")
    if kind not in ("midterm", "final"):
        kind = "midterm"
    default_year = plan.start_year + (plan.end_year - plan.start_year) // 2 if kind == "midterm" else plan.end_year
    try:
        year = int(request.GET.get("year", default_year))
    except ValueError:
        year = default_year
    year = min(max(year, plan.start_year), plan.end_year)
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, obj=plan,
                 changes={"export": f"evaluation-{kind}.docx", "year": year})
    name = _("Mid-term evaluation report") if kind == "midterm" else _("Final evaluation report")
    return _file(exports.evaluation_docx(plan, kind=kind, as_of_year=year), DOCX_MIME, name,
                 f"evaluation-{kind}.docx")

