"""The phone pages a risk point's QR code opens: the point and its windows for now, the check itself
(each item pass or fail, with a note and a photo) and the result with the hazards it drafted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from emergency.core.forms import add_validation_errors
from emergency.core.roles import can_see_business
from emergency.core.scoping import get_for_user

from . import services
from .forms_risk import InspectionForm
from .models import ControlLevel, HiddenHazard, InspectionTask, RiskPoint
from .views_risk import level_colour, task_state


def _business(request) -> None:
    # Out of scope is "not found": a QR link must not even confirm that the point exists.
    if not can_see_business(request.user):
        raise Http404


def _point_by_token(request, token: str) -> tuple[RiskPoint, bool]:
    _business(request)
    return get_for_user(request.user, RiskPoint.objects.filter(archived_at__isnull=True).select_related(
        "enterprise"), qr_token=token)


def _task(request, pk: int) -> tuple[InspectionTask, bool]:
    _business(request)
    return get_for_user(request.user, InspectionTask.objects.select_related("risk_point__enterprise").filter(
        risk_point__archived_at__isnull=True), pk=pk)


def _windows(point: RiskPoint, now) -> list[dict]:
    """One row per level the point is checked at: the window open now (None when not opened yet)."""
    open_now = {t.control_level: t for t in point.inspection_tasks.filter(due_from__lte=now, due_until__gt=now)
                .select_related("done_by").order_by("due_from")}
    return [{"level": level, "label": ControlLevel(level).label, "task": open_now.get(level)}
            for level in range(point.control_level, 5)]


@login_required
def mobile_point(request, token: str):
    point, writable = _point_by_token(request, token)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied
        level = request.POST.get("level", "")
        if level not in ("1", "2", "3", "4") or not point.control_level <= int(level):
            messages.error(request, _("Choose a level to check at."))
            return redirect("prevention:mobile_point", token=token)
        tasks = services.inspection_tasks_current(acting_user=request.user, point=point, now=timezone.now())
        task = next(t for t in tasks if t.control_level == int(level))
        if task.state == InspectionTask.State.DONE:
            messages.info(request, _("This window has already been checked."))
            return redirect("prevention:mobile_check_done", pk=task.pk)
        return redirect("prevention:mobile_check", pk=task.pk)
    now = timezone.now()
    return render(request, "prevention/mobile_point.html", {
        "point": point, "can_write": writable, "colour": level_colour(point.current_level),
        "windows": _windows(point, now), "measure_count": point.measures.filter(archived_at__isnull=True).count(),
        "nav": "prevention"})


@login_required
def mobile_check(request, pk: int):
    task, writable = _task(request, pk)
    if not writable:
        raise PermissionDenied
    point = task.risk_point
    now = timezone.now()
    state = task_state(task, now)
    if state == InspectionTask.State.DONE:
        return redirect("prevention:mobile_check_done", pk=task.pk)
    measures = point.measures.filter(archived_at__isnull=True).order_by("pk")
    form = InspectionForm(request.POST or None, request.FILES or None, measures=measures)
    if request.method == "POST" and state == InspectionTask.State.PENDING and form.is_valid():
        try:
            drafted = services.inspection_record(acting_user=request.user, task=task, results=form.results(),
                                                 photos=form.photos(), now=now)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if drafted:
                messages.warning(request, ngettext("%(n)d failed item drafted as a hidden hazard.",
                                                   "%(n)d failed items drafted as hidden hazards.",
                                                   len(drafted)) % {"n": len(drafted)})
            else:
                messages.success(request, _("Check recorded: every item passed."))
            return redirect("prevention:mobile_check_done", pk=task.pk)
    return render(request, "prevention/mobile_check.html", {
        "task": task, "point": point, "state": state, "form": form, "items": form.items(),
        "level_label": ControlLevel(task.control_level).label, "nav": "prevention"},
        status=400 if request.method == "POST" else 200)


@login_required
def mobile_check_done(request, pk: int):
    task, _writable = _task(request, pk)
    results = list(task.results.select_related("measure").order_by("measure_id"))
    hazards = {h.inspection_result_id: h for h in HiddenHazard.objects.filter(inspection_result__task=task)}
    for r in results:
        r.drafted = hazards.get(r.pk)
        r.hazard_url = reverse("prevention:hazard_detail", args=[r.drafted.pk]) if r.drafted else ""
    return render(request, "prevention/mobile_done.html", {
        "task": task, "point": task.risk_point, "results": results, "drafted": [r for r in results if r.drafted],
        "state": task_state(task, timezone.now()), "level_label": ControlLevel(task.control_level).label,
        "nav": "prevention"})
