"""Risk points (风险点): list, create, detail with hazard factors and control measures, assessment with a
live preview, and the QR code that opens the phone check page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from emergency.core import scoping
from emergency.core.filters import parse_id
from emergency.core.forms import add_validation_errors
from emergency.core.roles import Role
from emergency.core.rules import rule_value
from emergency.core.scoping import get_for_user, scope_queryset
from emergency.core.sorting import Sorting
from emergency.core.views import readers_required
from emergency.enterprises.models import Enterprise
from emergency.lib.qr import qr_svg_response

from . import selectors, services
from .forms_risk import ControlMeasureForm, HazardFactorForm, RiskAssessForm, RiskPointFilter, RiskPointForm
from .models import InspectionResult, InspectionTask, RiskPoint

PAGE_SIZE = 50
TASKS_SHOWN = 20


prevention_required = readers_required(RiskPoint)  # readers declared in prevention/scopes.py


def level_colour(level: int | None) -> str:
    return selectors.LEVEL_COLOURS.get(level, "grey")


def task_state(task: InspectionTask, now) -> str:
    """The state to show: a pending window that has already closed is missed (the hourly job records it)."""
    if task.state == InspectionTask.State.PENDING and task.due_until <= now:
        return InspectionTask.State.MISSED
    return task.state


def _points(user):
    return selectors.risk_points_in_scope(user).select_related("enterprise")


def _point(request, pk: int) -> tuple[RiskPoint, bool]:
    return get_for_user(request.user, _points(request.user), pk=pk)


def _enterprises(user):
    return scope_queryset(user, Enterprise.objects.filter(archived_at__isnull=True)).order_by("name")


RISK_POINT_SORTING = Sorting({**selectors.RISK_POINT_LEDGER_SORTING.columns, "measures": ("n_measures",)},
                             default="enterprise")


@prevention_required
def risk_point_list(request):
    f = RiskPointFilter(request.GET or None, _points(request.user), user=request.user)
    qs, sort = RISK_POINT_SORTING.apply(
        f.qs.annotate(n_measures=Count("measures", filter=Q(measures__archived_at__isnull=True))), request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for p in page:
        p.colour = level_colour(p.current_level)
    enterprise = None
    if f.is_bound and f.form.is_valid() and f.form.cleaned_data.get("enterprise"):
        enterprise = _enterprises(request.user).filter(pk=f.form.cleaned_data["enterprise"]).first()
    can_create = scoping.may_create(request.user, RiskPoint)
    return render(request, "prevention/risk_point_list.html", {
        "page": page, "filter": f, "enterprise": enterprise, "can_create": can_create, "nav": "prevention",
        "sort": sort})


@prevention_required
def risk_point_create(request):
    if not scoping.may_create(request.user, RiskPoint):
        raise PermissionDenied  # a line department reads its sector's risk points; the enterprise keeps them
    enterprises = _enterprises(request.user)
    initial = {}
    if request.user.role == Role.ENTERPRISE:
        initial["enterprise"] = request.user.enterprise_id
    elif (wanted := parse_id(request.GET.get("enterprise"))) is not None:
        initial["enterprise"] = wanted
    form = RiskPointForm(request.POST or None, enterprises=enterprises, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_point_create(acting_user=request.user, **form.cleaned_data)
        except services.NotAllowed as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("prevention:risk_point_detail", pk=point.pk)
    return render(request, "prevention/risk_point_form.html", {"form": form, "nav": "prevention"})


def _detail(request, point: RiskPoint, writable: bool, *, factor_form=None, measure_form=None, status=200):
    now = timezone.now()
    results = InspectionResult.objects.select_related("measure", "hazard").order_by("measure_id")
    tasks = list(point.inspection_tasks.select_related("done_by").prefetch_related(
        Prefetch("results", queryset=results)).order_by("-due_from", "control_level")[:TASKS_SHOWN])
    for t in tasks:
        t.shown_state = task_state(t, now)
        t.failed = sum(1 for r in t.results.all() if not r.passed)
    assessments = list(point.assessments.select_related("assessed_by")[:20])
    for a in assessments:
        a.colour = level_colour(a.level)
    return render(request, "prevention/risk_point_detail.html", {
        "point": point, "can_write": writable, "colour": level_colour(point.current_level),
        "factors": point.factors.filter(archived_at__isnull=True),
        "measures": point.measures.filter(archived_at__isnull=True),
        "assessments": assessments, "tasks": tasks,
        "factor_form": factor_form or HazardFactorForm(), "measure_form": measure_form or ControlMeasureForm(),
        "mobile_url": request.build_absolute_uri(reverse("prevention:mobile_point", args=[point.qr_token])),
        "nav": "prevention",
    }, status=status)


@prevention_required
def risk_point_detail(request, pk: int):
    point, writable = _point(request, pk)
    return _detail(request, point, writable)


def _writable_point(request, pk: int) -> RiskPoint:
    point, writable = _point(request, pk)
    if not writable:
        raise PermissionDenied
    return point


@require_POST
@prevention_required
def risk_factor_add(request, pk: int):
    point = _writable_point(request, pk)
    form = HazardFactorForm(request.POST)
    if form.is_valid():
        try:
            services.hazard_factor_add(acting_user=request.user, point=point, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Hazard factor added."))
            return redirect("prevention:risk_point_detail", pk=point.pk)
    return _detail(request, point, True, factor_form=form, status=400)


@require_POST
@prevention_required
def risk_measure_add(request, pk: int):
    point = _writable_point(request, pk)
    form = ControlMeasureForm(request.POST)
    if form.is_valid():
        try:
            services.control_measure_add(acting_user=request.user, point=point, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Control measure added."))
            return redirect("prevention:risk_point_detail", pk=point.pk)
    return _detail(request, point, True, measure_form=form, status=400)


@prevention_required
def risk_assess(request, pk: int):
    point = _writable_point(request, pk)
    form = RiskAssessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        try:
            row = services.risk_assess(acting_user=request.user, point=point, **kwargs)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "l" in exc.error_dict and kwargs["method"] == "ls":
                exc = ValidationError({"ls_l": exc.error_dict.pop("l"), **exc.error_dict})
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Assessed: score %(score)s, level %(level)s.") % {
                "score": f"{row.score.normalize():f}", "level": row.get_level_display()})
            return redirect("prevention:risk_point_detail", pk=point.pk)
    return render(request, "prevention/risk_assess.html", {
        "point": point, "form": form, "colour": level_colour(point.current_level), "nav": "prevention",
        "preview_url": reverse("api-prevention-risk-evaluations"),
        "preview_labels": {"score": _("Score"), "failed": _("The preview is unavailable; the level is computed "
                                                            "when you save.")},
        "lec_bands": rule_value("prevention.lec_bands")})


@prevention_required
def risk_point_qr(request, pk: int):
    point, _writable = _point(request, pk)
    url = request.build_absolute_uri(reverse("prevention:mobile_point", args=[point.qr_token]))
    return qr_svg_response(url, title=_("Risk point check"), filename=f"{point.name}-{_('QR code')}.svg",
                           fallback=f"risk-point-{point.pk}.svg", download=bool(request.GET.get("download")))

