"""Hidden-hazard pages: the ledger list, reporting, the detail with its history and one POST per action.

Who may act is decided by the services (scope, roles, the rectifier rule); these views only show an action
when `django_fsm.can_proceed` allows it and the user may do it, and turn a refusal into a message or a
form error.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from emergency.core.attachments import attachment_add, attachments_of
from emergency.core.filters import parse_id
from emergency.core.forms import add_validation_errors
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.core.scoping import get_for_user, scope_queryset
from emergency.core.sorting import Sorting
from emergency.core.views import readers_required
from emergency.enterprises.models import Enterprise

from . import services
from .forms_hazards import (
    AcceptForm,
    AssessForm,
    DualReportForm,
    GovernancePlanForm,
    HazardFilter,
    HazardReportForm,
    ListForSupervisionForm,
    PhotoForm,
    StartRectificationForm,
    SubmitForAcceptanceForm,
)
from .models import GovernancePlan, HiddenHazard, RiskPoint

PAGE_SIZE = 50
State = HiddenHazard.State
# Hidden hazards are the enterprise's own loop, supervised by the bureau and the subdistricts.
STATE_BADGE = {State.IDENTIFIED: "text-bg-secondary", State.REGISTERED: "text-bg-info", State.ASSESSED: "text-bg-primary",
               State.RECTIFYING: "text-bg-warning", State.ACCEPTANCE: "text-bg-info", State.CLOSED: "text-bg-success"}
TRANSITION_NOTES = {"reported": gettext_lazy("Reported"), "inspection": gettext_lazy("Found by inspection")}


hazard_user_required = readers_required(HiddenHazard)  # readers declared in prevention/scopes.py


def _hazards(user):
    return scope_queryset(user, HiddenHazard.objects.filter(archived_at__isnull=True))


def _get(user, pk: int, *, lock: bool = False) -> tuple[HiddenHazard, bool]:
    qs = HiddenHazard.objects.filter(archived_at__isnull=True).select_related(
        "enterprise__division", "risk_point", "rectifier", "reported_by", "listed_by")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return get_for_user(user, qs, pk=pk)


# --- who may do what, and when ------------------------------------------------------------------

def _may(user, hazard: HiddenHazard, can_write: bool, key: str) -> bool:
    """The user's side of an action (the services check the same)."""
    if key == "supervise":
        return user.role in BUREAU_ROLES
    if key == "accept":
        return can_write or user.role in services.REGULATOR_ROLES
    return can_write


def _ready(hazard: HiddenHazard, key: str) -> bool:
    """The hazard's side: the lifecycle allows the action now."""
    transitions = {"register": hazard.register, "assess": hazard.assess, "start": hazard.start_rectification,
                   "submit": hazard.submit_for_acceptance, "accept": hazard.close}
    if key in transitions:
        return can_proceed(transitions[key])
    if key in ("plan", "dual_report"):
        return hazard.is_major and hazard.state == State.ASSESSED
    if key == "supervise":
        return hazard.is_major and hazard.state != State.CLOSED
    if key == "photos":
        return hazard.state != State.CLOSED
    return False


ACTION_KEYS = ("register", "assess", "plan", "dual_report", "start", "submit", "accept", "supervise", "photos")


def _available(user, hazard: HiddenHazard, can_write: bool) -> set[str]:
    keys = {k for k in ACTION_KEYS if _may(user, hazard, can_write, k) and _ready(hazard, k)}
    if hazard.rectifier_id == user.pk:
        keys.discard("accept")  # someone else accepts (the service refuses it too)
    return keys


# --- pages --------------------------------------------------------------------------------------

# Newest first unless a column is chosen; the first column shows the title and the day it was found.
HAZARD_SORTING = Sorting({"found": ("created_at",), "title": ("title",), "enterprise": ("enterprise__name",),
                          "state": ("state",), "class": ("hazard_class",), "deadline": ("deadline",)},
                         default="-found")


@hazard_user_required
def hazard_list(request):
    user = request.user
    qs = _hazards(user).select_related("enterprise__division")
    subdistricts = Division.objects.filter(level=Division.Level.SUBDISTRICT, archived_at__isnull=True)
    f = HazardFilter(request.GET or None, qs, user=user, subdistricts=subdistricts)
    qs, sort = HAZARD_SORTING.apply(f.qs, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for h in page:
        h.badge = STATE_BADGE.get(h.state, "text-bg-secondary")
    chosen = f.form.cleaned_data.get("enterprise") if f.is_bound and "enterprise" in f.filters else None
    if chosen is not None:
        chosen = scope_queryset(user, Enterprise.objects.filter(pk=chosen)).only("pk", "name").first()
    return render(request, "prevention/hazard_list.html", {
        "page": page, "filter": f, "nav": "prevention", "chosen_enterprise": chosen,
        "can_report": True, "is_enterprise": user.role == Role.ENTERPRISE, "sort": sort})


@hazard_user_required
def hazard_report(request):
    """An enterprise reports its own hazard; a regulator on a visit chooses an enterprise in its area."""
    user = request.user
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            raise PermissionDenied
        kwargs = {"enterprises": None, "risk_points": scope_queryset(user, RiskPoint.objects.filter(
            enterprise_id=user.enterprise_id, archived_at__isnull=True))}
    else:
        kwargs = {"enterprises": scope_queryset(user, Enterprise.objects.filter(archived_at__isnull=True)),
                  "risk_points": None}
    wanted = parse_id(request.GET.get("enterprise"))
    initial = {"enterprise": wanted} if wanted is not None else {}
    form = HazardReportForm(request.POST or None, request.FILES or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = data.get("enterprise") or user.enterprise
        try:
            hazard = services.hazard_report(
                acting_user=user, enterprise=enterprise, title=data["title"], description=data["description"],
                location=data["location"], risk_point=data.get("risk_point"), photos=data["photos"])
        except ValidationError as exc:
            _form_errors(form, exc)
        except services.NotAllowed as exc:
            form.add_error("enterprise" if "enterprise" in form.fields else None, str(exc))
        else:
            messages.success(request, _("The hidden hazard is reported."))
            return redirect("prevention:hazard_detail", pk=hazard.pk)
    return render(request, "prevention/hazard_report.html", {"form": form, "nav": "prevention",
                                                            "is_regulator": user.role != Role.ENTERPRISE})


def _form_errors(form, exc: ValidationError) -> None:
    """A service's error on the form; a bad upload ("file" to the attachment service) lands on the photos."""
    if hasattr(exc, "error_dict") and "file" in exc.error_dict and "file" not in form.fields and "photos" in form.fields:
        exc = ValidationError({("photos" if k == "file" else k): v for k, v in exc.error_dict.items()})
    add_validation_errors(form, exc)


def _forms(hazard: HiddenHazard, available: set[str], bound: dict) -> dict:
    """An unbound form for each available action, or the bound one that came back with errors."""
    plan = getattr(hazard, "_plan", None)
    unbound = {
        "assess": lambda: AssessForm(initial={"hazard_class": hazard.hazard_class or None}),
        "plan": lambda: GovernancePlanForm(initial={p: getattr(plan, p) for p in GovernancePlan.PARTS} if plan else None),
        "dual_report": DualReportForm,
        "start": lambda: StartRectificationForm(initial={"responsible_person": hazard.responsible_person}),
        "submit": lambda: SubmitForAcceptanceForm(photo_required=not hazard._after_photos),
        "accept": AcceptForm,
        "supervise": lambda: ListForSupervisionForm(initial={"deadline": hazard.listed_deadline}),
        "photos": PhotoForm,
    }
    forms = {k: bound.get(k) or unbound[k]() for k in unbound if k in available}
    for key, form in forms.items():
        form.auto_id = f"id_{key}_%s"  # several forms share field names (deadline) on one page
    return forms


def _render_detail(request, pk: int, *, bound: dict | None = None, status: int = 200):
    user = request.user
    hazard, can_write = _get(user, pk)
    transitions = list(hazard.transitions.select_related("actor"))
    for t in transitions:
        t.note_label = TRANSITION_NOTES.get(t.note, t.note)
    started = next((t.at for t in transitions if t.to_state == State.RECTIFYING), None)
    photos = list(attachments_of(hazard).order_by("created_at"))
    hazard._before_photos = [a for a in photos if started is None or a.created_at < started]
    hazard._after_photos = [a for a in photos if started is not None and a.created_at >= started]
    hazard._plan = GovernancePlan.objects.filter(hazard=hazard).first()
    reports = list(hazard.dual_reports.select_related("recorded_by").order_by("recipient"))
    for r in reports:
        r.files = list(attachments_of(r))
    available = _available(user, hazard, can_write)
    return render(request, "prevention/hazard_detail.html", {
        "hazard": hazard, "badge": STATE_BADGE.get(hazard.state), "nav": "prevention",
        "before_photos": hazard._before_photos, "after_photos": hazard._after_photos, "plan": hazard._plan,
        "plan_parts": [(GovernancePlan._meta.get_field(p).verbose_name, getattr(hazard._plan, p, ""))
                       for p in GovernancePlan.PARTS],
        "dual_reports": reports, "acceptances": hazard.acceptances.select_related("accepted_by"),
        "transitions": transitions, "history": hazard.history.select_related("history_user")[:30],
        "missing": services.major_prerequisites(hazard) if hazard.is_major and "start" in available else [],
        "forms": _forms(hazard, available, bound or {}), "actions": available, "after_started": started is not None,
        "self_rectified": hazard.state == State.ACCEPTANCE and hazard.rectifier_id == user.pk,
    }, status=status)


@hazard_user_required
def hazard_detail(request, pk: int):
    return _render_detail(request, pk)


# --- actions ------------------------------------------------------------------------------------

SUCCESS = {
    "register": gettext_lazy("Registered in the hazard ledger."),
    "assess": gettext_lazy("The class is set."),
    "plan": gettext_lazy("The governance plan is saved."),
    "dual_report": gettext_lazy("The report is recorded."),
    "start": gettext_lazy("Rectification has started."),
    "submit": gettext_lazy("Submitted for acceptance."),
    "accept": gettext_lazy("The acceptance is recorded."),
    "supervise": gettext_lazy("Listed for supervision."),
    "photos": gettext_lazy("Photos added."),
}


def _act(request, pk: int, key: str, form_class=None, call=None, form_kwargs=None):
    """Run one action on a locked row: 403 when the user may not, a message when the lifecycle does not
    allow it now, the form back with the input kept when the input is wrong."""
    user = request.user
    form = None
    with transaction.atomic():
        hazard, can_write = _get(user, pk, lock=True)
        if not _may(user, hazard, can_write, key):
            raise PermissionDenied
        if not _ready(hazard, key):
            messages.error(request, _("A hazard that is %(state)s cannot do this.") % {
                "state": hazard.get_state_display()})
            return redirect("prevention:hazard_detail", pk=pk)
        if form_class is not None:
            form = form_class(request.POST, request.FILES, **(form_kwargs(hazard) if form_kwargs else {}))
        if form is None or form.is_valid():
            try:
                with transaction.atomic():
                    call(user, hazard, form.cleaned_data if form is not None else {})
            except ValidationError as exc:
                if form is None:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("prevention:hazard_detail", pk=pk)
                _form_errors(form, exc)
            except services.NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            else:
                messages.success(request, SUCCESS[key])
                return redirect("prevention:hazard_detail", pk=pk)
    # A refusal that belongs to no field (the rectifier accepting, a missing plan part) also goes on top,
    # where it is seen even when the form itself is no longer offered.
    messages.error(request, " ".join(form.non_field_errors()) or _("Please correct the errors below."))
    return _render_detail(request, pk, bound={key: form})


def _after_photos_exist(hazard: HiddenHazard) -> bool:
    started = hazard.transitions.filter(to_state=State.RECTIFYING).order_by("at").values_list("at", flat=True).first()
    return started is not None and attachments_of(hazard).filter(created_at__gte=started).exists()


@require_POST
@hazard_user_required
def hazard_register(request, pk: int):
    return _act(request, pk, "register", call=lambda u, h, d: services.hazard_register(acting_user=u, hazard=h))


@require_POST
@hazard_user_required
def hazard_assess(request, pk: int):
    return _act(request, pk, "assess", AssessForm, lambda u, h, d: services.hazard_assess(
        acting_user=u, hazard=h, hazard_class=d["hazard_class"]))


@require_POST
@hazard_user_required
def hazard_plan(request, pk: int):
    return _act(request, pk, "plan", GovernancePlanForm, lambda u, h, d: services.governance_plan_save(
        acting_user=u, hazard=h, **d))


@require_POST
@hazard_user_required
def hazard_dual_report(request, pk: int):
    return _act(request, pk, "dual_report", DualReportForm, lambda u, h, d: services.dual_report_record(
        acting_user=u, hazard=h, recipient=d["recipient"], reported_on=d["reported_on"], evidence=d["evidence"],
        file=d.get("file")))


@require_POST
@hazard_user_required
def hazard_start(request, pk: int):
    return _act(request, pk, "start", StartRectificationForm, lambda u, h, d: services.hazard_start_rectification(
        acting_user=u, hazard=h, deadline=d["deadline"], responsible_person=d["responsible_person"]))


@require_POST
@hazard_user_required
def hazard_submit(request, pk: int):
    return _act(request, pk, "submit", SubmitForAcceptanceForm, lambda u, h, d: services.hazard_submit_for_acceptance(
        acting_user=u, hazard=h, note=d["note"], photos=d["photos"]),
        form_kwargs=lambda h: {"photo_required": not _after_photos_exist(h)})


@require_POST
@hazard_user_required
def hazard_accept(request, pk: int):
    return _act(request, pk, "accept", AcceptForm, lambda u, h, d: services.hazard_accept(
        acting_user=u, hazard=h, passed=d["result"] == "passed", note=d["note"]))


@require_POST
@hazard_user_required
def hazard_supervise(request, pk: int):
    return _act(request, pk, "supervise", ListForSupervisionForm, lambda u, h, d: services.hazard_list_for_supervision(
        acting_user=u, hazard=h, deadline=d["deadline"]))


def _add_photos(user, hazard: HiddenHazard, data: dict) -> None:
    for photo in data["photos"]:
        attachment_add(acting_user=user, parent=hazard, uploaded=photo)


@require_POST
@hazard_user_required
def hazard_photos(request, pk: int):
    return _act(request, pk, "photos", PhotoForm, _add_photos)
