"""Screens for rescue teams, experts and equipment, with their registers' exports. Reads are scoped, writes go
to `services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from emergency.core.audit import audit_record
from emergency.core.exports import dated, file_response
from emergency.core.models import AuditEvent
from emergency.core.roles import Role
from emergency.core.scoping import get_for_user, scope_queryset
from emergency.core.sorting import Sorting
from emergency.core.views import roles_required
from emergency.lib.masking import mask_phone
from emergency.lib.xlsx import XLSX_MIME, build_xlsx

from ..access import equipment_required, experts_required, teams_required
from ..shared.services import is_bureau
from ..shared.views import CHUNK, create_page, export_register, page_of, service_call
from ..stock.selectors import managed_warehouses
from . import services as svc
from .forms import (
    EquipmentFilter,
    EquipmentForm,
    EquipmentStatusForm,
    ExpertAvailabilityForm,
    ExpertFilter,
    ExpertForm,
    MemberForm,
    ReadinessForm,
    SocialRecordForm,
    TeamFilter,
    TeamForm,
)
from .imports import EquipmentImport, ExpertImport, TeamImport, equipment_values, expert_values, team_values
from .models import Equipment, Expert, RescueTeam


def _xlsx(request, *, title: str, filename: str, headers, rows, object_type: str) -> HttpResponse:
    data = build_xlsx(title=title, headers=headers, rows=rows)
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, object_type=object_type,
                 object_repr=title, changes={"filters": request.GET.urlencode()})
    return file_response(data, XLSX_MIME, dated(title, "xlsx"), fallback=dated(filename.removesuffix(".xlsx"), "xlsx"))


# The registers' sortable columns (`?sort=`, core/sorting.py); the export keeps the page's order.
TEAM_SORTING = Sorting({"name": ("name",), "kind": ("kind",), "specialty": ("specialty",),
                        "division": ("division__code",), "leader": ("leader",), "members": ("n_members",),
                        "readiness": ("readiness",)}, default="name")
EXPERT_SORTING = Sorting({"name": ("name",), "title": ("title",), "unit": ("unit",), "available": ("available",)},
                         default="name")
EQUIPMENT_SORTING = Sorting({"name": ("name",), "model": ("model_spec",), "quantity": ("quantity",),
                             "holder": ("team__name", "warehouse__name"), "status": ("status",)}, default="name")


# --- teams ---------------------------------------------------------------------------------------

def _teams():
    return RescueTeam.objects.filter(archived_at__isnull=True).select_related("division")


def _team_filter(request):
    return TeamFilter(request.GET, scope_queryset(request.user, _teams()))


@require_GET
@teams_required
def team_list(request):
    f = _team_filter(request)
    qs, sort = TEAM_SORTING.apply(f.qs.annotate(n_members=Count("members")), request.GET)
    page = page_of(request, qs)
    return render(request, "resources/team_list.html", {
        "page": page, "filter": f, "query": request.GET.urlencode(), "sort": sort,
        "can_create": svc.may_create_team(request.user)})


@require_GET
@teams_required
def team_export(request):
    qs = TEAM_SORTING.apply(_team_filter(request).qs, request.GET)[0]
    return _xlsx(request, title=_("Rescue teams"), filename="rescue-teams.xlsx", headers=TeamImport().header_labels(),
                 rows=(team_values(t) for t in qs.iterator(chunk_size=500)), object_type="resources.RescueTeam")


def _team_detail(request, team, *, status=200, **forms):
    user = request.user
    today = timezone.localdate()
    members = list(team.members.filter(archived_at__isnull=True))
    for m in members:
        m.masked_phone = mask_phone(m.phone) if m.phone else ""
        m.cert_state = m.certificate_state(today)
    can_write = svc.may_manage_team(user, team)
    return render(request, "resources/team_detail.html", {
        "team": team, "members": members, "can_write": can_write,
        "records": team.social_records.filter(archived_at__isnull=True).select_related("created_by"),
        "equipment": team.equipment.filter(archived_at__isnull=True),
        "readiness_form": forms.get("readiness_form") or ReadinessForm(initial={"readiness": team.readiness}),
        "member_form": forms.get("member_form") or MemberForm(),
        "record_form": forms.get("record_form") or SocialRecordForm(),
    }, status=status)


def _get_team(request, pk):
    team, _can = get_for_user(request.user, _teams().select_related("owner_department"), pk=pk)
    return team


@require_GET
@teams_required
def team_detail(request, pk: int):
    return _team_detail(request, _get_team(request, pk))


@teams_required
def team_create(request):
    if not svc.may_create_team(request.user):
        raise PermissionDenied
    form = TeamForm(request.POST or None, divisions=svc.team_divisions_for(request.user))
    return create_page(request, form, svc.team_create, detail="resources:team_detail",
                       template="resources/team_form.html", context={"creating": True})


@teams_required
def team_edit(request, pk: int):
    team = _get_team(request, pk)
    if not svc.may_manage_team(request.user, team):
        raise PermissionDenied
    initial = {f: getattr(team, f) for f in svc.TEAM_FIELDS}
    form = TeamForm(request.POST or None, initial=initial, divisions=svc.team_divisions_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        if service_call(form, svc.team_update, acting_user=request.user, team=team, data=data) is not None:
            messages.success(request, _("Saved."))
            return redirect("resources:team_detail", pk=team.pk)
    return render(request, "resources/team_form.html", {"form": form, "team": team},
                  status=400 if form.errors else 200)


def _team_change(request, pk: int, form_class, service, done: str, form_key: str):
    """A POSTed form on the team page through its service: back to the page, or the page with the errors
    (400; 403 when the user may not manage the team)."""
    team = _get_team(request, pk)
    form = form_class(request.POST)
    if form.is_valid() and service_call(form, service, acting_user=request.user, team=team,
                                        **form.cleaned_data) is not None:
        messages.success(request, done)
        return redirect("resources:team_detail", pk=team.pk)
    if not svc.may_manage_team(request.user, team):
        raise PermissionDenied
    return _team_detail(request, team, status=400, **{form_key: form})


@require_POST
@teams_required
def team_readiness(request, pk: int):
    return _team_change(request, pk, ReadinessForm, svc.team_set_readiness, _("Readiness changed."),
                        "readiness_form")


@require_POST
@teams_required
def team_member_add(request, pk: int):
    return _team_change(request, pk, MemberForm, svc.member_add, _("Member added."), "member_form")


@require_POST
@teams_required
def team_record_add(request, pk: int):
    return _team_change(request, pk, SocialRecordForm, svc.social_record_add, _("Record added."), "record_form")


# --- experts -------------------------------------------------------------------------------------

def _expert_filter(request):
    return ExpertFilter(request.GET, scope_queryset(request.user, Expert.objects.filter(archived_at__isnull=True)))


@require_GET
@experts_required
def expert_list(request):
    f = _expert_filter(request)
    qs, sort = EXPERT_SORTING.apply(f.qs, request.GET)
    page = page_of(request, qs)
    for e in page:
        e.masked_phone = mask_phone(e.phone)
    return render(request, "resources/expert_list.html", {
        "page": page, "filter": f, "query": request.GET.urlencode(), "sort": sort, "can_create": is_bureau(request.user)})


@require_GET
@experts_required
def expert_export(request):
    qs = EXPERT_SORTING.apply(_expert_filter(request).qs, request.GET)[0]
    return _xlsx(request, title=_("Experts"), filename="experts.xlsx", headers=ExpertImport().header_labels(),
                 rows=(expert_values(e) for e in qs.iterator(chunk_size=500)), object_type="resources.Expert")


@require_GET
@experts_required
def expert_detail(request, pk: int):
    expert, _can = get_for_user(request.user, Expert.objects.filter(archived_at__isnull=True), pk=pk)
    return render(request, "resources/expert_detail.html", {"expert": expert,
                                                            "can_write": is_bureau(request.user)})


@experts_required
def expert_create(request):
    if not is_bureau(request.user):
        raise PermissionDenied
    form = ExpertForm(request.POST or None)
    return create_page(request, form, svc.expert_create, data=form.data_for_service,
                       detail="resources:expert_detail", template="resources/expert_form.html",
                       context={"creating": True})


@experts_required
def expert_edit(request, pk: int):
    expert, _can = get_for_user(request.user, Expert.objects.filter(archived_at__isnull=True), pk=pk)
    if not is_bureau(request.user):
        raise PermissionDenied
    form = ExpertForm(request.POST or None, initial=ExpertForm.initial_for(expert))
    if request.method == "POST" and form.is_valid():
        if service_call(form, svc.expert_update, acting_user=request.user, expert=expert,
                        data=form.data_for_service()) is not None:
            messages.success(request, _("Saved."))
            return redirect("resources:expert_detail", pk=expert.pk)
    return render(request, "resources/expert_form.html", {"form": form, "expert": expert},
                  status=400 if form.errors else 200)


@roles_required({Role.EXPERT})
def expert_me(request):
    """The expert's own page: their profile (the bureau keeps it) and their availability, which they change
    here through the service. Only accounts with the expert role; the registers stay closed to them. There is
    no consultation record yet, so the page shows no consultations."""
    expert = svc.expert_of(request.user)
    form = ExpertAvailabilityForm.for_expert(expert, request.POST or None) if expert is not None else None
    if request.method == "POST":
        if expert is None:
            raise PermissionDenied
        if form.is_valid() and service_call(form, svc.expert_set_availability, acting_user=request.user,
                                            expert=expert, **form.cleaned_data) is not None:
            messages.success(request, _("Your availability is saved."))
            return redirect("resources:expert_me")
    return render(request, "resources/expert_me.html", {"expert": expert, "form": form},
                  status=400 if form is not None and form.errors else 200)


# --- equipment -----------------------------------------------------------------------------------

def _equipment():
    return Equipment.objects.filter(archived_at__isnull=True).select_related("team__division",
                                                                             "warehouse__division")


def _equipment_filter(request):
    return EquipmentFilter(request.GET, scope_queryset(request.user, _equipment()))


@require_GET
@equipment_required
def equipment_list(request):
    f = _equipment_filter(request)
    qs, sort = EQUIPMENT_SORTING.apply(f.qs, request.GET)
    page = page_of(request, qs)
    return render(request, "resources/equipment_list.html", {
        "page": page, "filter": f, "query": request.GET.urlencode(), "sort": sort,
        "can_create": svc.may_create_equipment(request.user)})


@require_GET
@equipment_required
def equipment_export(request):
    """The list's rows (filters `q`, `status`, `team`), streamed: the import's columns, then the status."""
    qs = EQUIPMENT_SORTING.apply(_equipment_filter(request).qs, request.GET)[0]
    rows = ([*equipment_values(e), e.get_status_display()] for e in qs.iterator(chunk_size=CHUNK))
    return export_register(request, title=_("Equipment"), filename="equipment",
                           headers=EquipmentImport().export_headers(), rows=rows, model=Equipment)


def _equipment_detail(request, equipment, *, status=200, form=None):
    return render(request, "resources/equipment_detail.html", {
        "equipment": equipment, "can_write": svc.may_manage_equipment(request.user, equipment),
        "log": equipment.status_log.select_related("by")[:100],
        "form": form or EquipmentStatusForm(), "final": equipment.is_final}, status=status)


@require_GET
@equipment_required
def equipment_detail(request, pk: int):
    equipment, _can = get_for_user(request.user, _equipment(), pk=pk)
    return _equipment_detail(request, equipment)


@equipment_required
def equipment_create(request):
    user = request.user
    if not svc.may_create_equipment(user):
        raise PermissionDenied
    form = EquipmentForm(request.POST or None, teams=svc.teams_for(user),
                         warehouses=managed_warehouses(user).select_related("division"),
                         initial={"team": request.GET.get("team")})
    return create_page(request, form, svc.equipment_create, detail="resources:equipment_detail",
                       template="resources/equipment_form.html")


@require_POST
@equipment_required
def equipment_status(request, pk: int):
    equipment, _can = get_for_user(request.user, _equipment(), pk=pk)
    form = EquipmentStatusForm(request.POST)
    if form.is_valid() and service_call(form, svc.equipment_set_status, acting_user=request.user,
                                        equipment=equipment, **form.cleaned_data) is not None:
        messages.success(request, _("Status changed."))
        return redirect("resources:equipment_detail", pk=equipment.pk)
    if not svc.may_manage_equipment(request.user, equipment):
        raise PermissionDenied
    return _equipment_detail(request, equipment, status=400, form=form)
