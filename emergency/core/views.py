from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from emergency.core.exports import dated, file_response
from emergency.core.roles import BUREAU_ROLES, Role, can_see_business
from emergency.core.sorting import Sorting
from emergency.lib.masking import mask_phone
from emergency.lib.xlsx import XLSX_MIME, build_xlsx

from . import registry, scoping, selectors, services
from .attachments import attachment_add, attachments_of
from .audit import audit_record
from .forms import AliasForm, AttachmentForm, DivisionEditForm, DivisionForm, add_validation_errors
from .models import Attachment, AuditEvent, Department, Division
from .notifications import (
    notification_kinds,
    notification_mark_all_read,
    notification_mark_read,
    visible_notifications,
)
from .scoping import can_view, get_for_user, scope_queryset

PAGE_SIZE = 50


def business_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not can_see_business(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def roles_required(roles):
    """A view decorator: a business user whose role is in `roles`, else 403 (one per domain)."""

    def decorate(view):
        @business_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def readers_required(model):
    """A view decorator: 403 unless the model's ScopeSpec lets the user's role read it (core.scoping.may_read).
    The page's gate and the rows it lists come from the same declaration."""

    def decorate(view):
        @business_required
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not scoping.may_read(request.user, model):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def district_map_config(layers: list[dict]) -> dict:
    """The configuration static/js/map.js reads: outline, subdistrict labels, tiles and point layers."""
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "outlineUrl": _static("geo/hebei_district.geojson"),
        "subdistrictsUrl": _static("geo/subdistricts.geojson"),
        "center": [39.1598, 117.1962],
        "zoom": 13,
        "layers": layers,
    }


def healthz(request):
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure is "unhealthy"
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "time": timezone.now().isoformat()})


@login_required
def home(request):
    """The workbench (工作台): what waits for this user — the late items first, then the rest — from every
    installed domain's to-do provider, the district picture the user's role is shown (the domains' panels),
    and the latest notifications, each opening its record. Core names no domain."""
    user = request.user
    todos = registry.todos_for(user)
    if not can_see_business(user):
        return render(request, "core/home_admin.html", {
            "late": [t for t in todos if t.level == "danger"], "todos": [t for t in todos if t.level != "danger"]})
    return render(request, "core/home.html", {
        "late": [t for t in todos if t.level == "danger"], "todos": [t for t in todos if t.level != "danger"],
        "panels": registry.panels_for(user), "notifications": visible_notifications(user)[:5],
        # The panels count what the user may read: the whole district for the bureau, one's own area otherwise.
        "whole_district": user.role in BUREAU_ROLES})


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# The register's sortable columns (`?sort=`, core/sorting.py): by code (the hierarchy) unless one is chosen.
DEPARTMENT_SORTING = Sorting({"name": ("name",), "kind": ("kind",)}, default="name")
DIVISION_SORTING = Sorting({"code": ("code",), "name": ("name",), "level": ("level",), "parent": ("parent__code",),
                            "children": ("child_count",)}, default="code")


@business_required
def division_list(request):
    qs, sort = DIVISION_SORTING.apply(selectors.division_list(user=request.user, filters=request.GET), request.GET)
    f = selectors.DivisionFilter(request.GET, queryset=Division.objects.none())
    f.filters["subdistrict"].queryset = scope_queryset(
        request.user, Division.objects.filter(level=Division.Level.SUBDISTRICT)) | Division.objects.filter(
        level=Division.Level.SUBDISTRICT, pk=getattr(request.user, "division_id", None))
    page = _page(request, qs)
    for d in page:
        d.masked_phone = mask_phone(d.contact_phone)
    can_create = request.user.role in BUREAU_ROLES or request.user.role == Role.SUBDISTRICT
    return render(request, "core/division_list.html", {"page": page, "filter": f, "can_create": can_create,
                                                       "query": request.GET.urlencode(), "sort": sort})


@business_required
def division_export(request):
    qs = selectors.division_list(user=request.user, filters=request.GET)
    headers = [_("Code"), _("Name"), _("Level"), _("Parent code"), _("Population"), _("Latitude"),
               _("Longitude"), _("Contact person"), _("Contact phone"), _("Synthetic")]
    rows = ([d.code, d.name, d.get_level_display(), d.parent.code if d.parent else "", d.population, d.latitude,
             d.longitude, d.contact_name, d.contact_phone, _("Yes") if d.is_synthetic else _("No")]
            for d in qs.iterator(chunk_size=500))
    data = build_xlsx(title=_("Divisions"), headers=headers, rows=rows)
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.EXPORT, object_type="core.Division",
                 object_repr=_("Division register"), changes={"filters": request.GET.urlencode()})
    return file_response(data, XLSX_MIME, dated(_("Division register"), "xlsx"), fallback=dated("divisions", "xlsx"))


def _creatable_parents(user):
    parents = Division.objects.filter(archived_at__isnull=True,
                                      level__in=[Division.Level.SUBDISTRICT, Division.Level.COMMUNITY])
    return scope_queryset(user, parents)


@business_required
def division_create(request):
    user = request.user
    if not (user.role in BUREAU_ROLES or user.role == Role.SUBDISTRICT):
        raise PermissionDenied
    form = DivisionForm(request.POST or None, parents=_creatable_parents(user),
                        initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            d = services.division_create(acting_user=user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:division_detail", pk=d.pk)
    return render(request, "core/division_form.html", {"form": form, "creating": True})


@business_required
def division_detail(request, pk: int):
    division, can_write = get_for_user(request.user, Division.objects.filter(archived_at__isnull=True).select_related("parent"), pk=pk)
    children = scope_queryset(request.user, division.children.filter(archived_at__isnull=True))
    history = division.history.select_related("history_user").all()[:20]
    return render(request, "core/division_detail.html", {
        "division": division, "can_write": can_write and division.level not in ("district", "subdistrict")
        or (can_write and request.user.role in BUREAU_ROLES),
        "children": children, "attachments": attachments_of(division), "upload_form": AttachmentForm(),
        "history": history,
    })


@business_required
def division_edit(request, pk: int):
    division, can_write = get_for_user(request.user, Division.objects.filter(archived_at__isnull=True), pk=pk)
    if not can_write:
        raise PermissionDenied
    initial = {f: getattr(division, f) for f in DivisionEditForm.base_fields}
    form = DivisionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.division_update(acting_user=request.user, division=division, data=form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("core:division_detail", pk=division.pk)
    return render(request, "core/division_form.html", {"form": form, "division": division})


@require_POST
@business_required
def division_archive(request, pk: int):
    division, can_write = get_for_user(request.user, Division.objects.filter(archived_at__isnull=True), pk=pk)
    if not can_write:
        raise PermissionDenied
    try:
        services.division_archive(acting_user=request.user, division=division)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:division_detail", pk=division.pk)
    messages.success(request, _("Archived."))
    return redirect("core:division_list")


@require_POST
@business_required
def division_attach(request, pk: int):
    division, can_write = get_for_user(request.user, Division.objects.filter(archived_at__isnull=True), pk=pk)
    if not can_write:
        raise PermissionDenied
    attach_upload(request, division)
    return redirect("core:division_detail", pk=division.pk)


def attach_upload(request, parent) -> None:
    """Store the posted file on `parent` (the caller has checked write access) and say how it went."""
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return
    try:
        attachment_add(acting_user=request.user, parent=parent, uploaded=form.cleaned_data["file"])
        messages.success(request, _("File uploaded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


@login_required
def attachment_download(request, token: str):
    """The only way to read an attachment: the parent record's scope decides (404 otherwise)."""
    att = Attachment.objects.filter(token=token, archived_at__isnull=True).select_related("parent_type").first()
    parent = att.parent if att is not None else None
    if att is None or parent is None or not can_see_business(request.user) or not can_view(request.user, parent):
        audit_record(acting_user=request.user, event_type=AuditEvent.Type.ACCESS_DENIED, success=False,
                     object_type="core.Attachment", object_repr=token[:64])
        raise Http404
    audit_record(acting_user=request.user, event_type=AuditEvent.Type.DOWNLOAD, obj=att)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name)


@business_required
def department_list(request):
    qs, sort = DEPARTMENT_SORTING.apply(selectors.department_list(user=request.user, filters=request.GET),
                                        request.GET)
    f = selectors.DepartmentFilter(request.GET, queryset=Department.objects.none())
    return render(request, "core/department_list.html", {"page": _page(request, qs), "filter": f,
                                                         "query": request.GET.urlencode(), "sort": sort})


@business_required
def department_detail(request, pk: int):
    dept, _can_write = get_for_user(request.user, Department.objects.all(), pk=pk)
    can_edit = request.user.role == Role.BUREAU_ADMIN
    form = AliasForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.department_alias_add(acting_user=request.user, department=dept,
                                              alias=form.cleaned_data["alias"])
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("core:department_detail", pk=dept.pk)
    return render(request, "core/department_detail.html", {
        "department": dept, "aliases": dept.aliases.filter(archived_at__isnull=True),
        "members": dept.members.all(), "groups": dept.groups.all(), "form": form, "can_edit": can_edit})


@business_required
def map_view(request):
    config = district_map_config([{"name": _("Communities"), "url": reverse("core:division_points"), "cluster": True}])
    return render(request, "core/map.html", {"map_config": config})


def _static(path: str) -> str:
    from django.templatetags.static import static

    return static(path)


@business_required
def division_points(request):
    qs = scope_queryset(request.user, Division.objects.filter(
        archived_at__isnull=True, latitude__isnull=False, longitude__isnull=False,
        level__in=[Division.Level.COMMUNITY, Division.Level.GRID]))
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [d.longitude, d.latitude]},
        "properties": {"title": d.name, "popup": f"{d.code} {d.get_level_display()}"
                       + (f" · {_('synthetic')}" if d.is_synthetic else ""),
                       "href": reverse("core:division_detail", args=[d.pk])},
    } for d in qs]
    return JsonResponse({"type": "FeatureCollection", "features": features})


SEARCH_MAX_LENGTH = 50


@business_required
def search(request):
    """One box for the whole platform: enterprises, hidden hazards, risk points, shelters, teams, experts, plan
    items — each domain searches its own records through the access model (registry.register_search)."""
    text = request.GET.get("q", "").strip()
    error = ""
    if len(text) > SEARCH_MAX_LENGTH:
        error, text = _("Search for at most %(n)d characters.") % {"n": SEARCH_MAX_LENGTH}, ""
    elif any(ord(c) < 32 or ord(c) == 127 for c in text):
        error, text = _("Remove the invisible control character from this text (it often comes with text pasted "
                        "from another program)."), ""
    hits = registry.search(request.user, text) if text else []
    return render(request, "core/search.html", {"q": request.GET.get("q", "")[:SEARCH_MAX_LENGTH], "text": text,
                                                "hits": hits, "error": error}, status=400 if error else 200)


@login_required
def notification_list(request):
    """The inbox: filter by the kind of record and by unread; each notice opens its record."""
    qs = visible_notifications(request.user)
    kinds = notification_kinds(request.user)
    kind = request.GET.get("kind", "")
    if kind in {k for k, _label in kinds}:
        qs = qs.filter(target_type_id=int(kind))
    else:
        kind = ""
    unread = request.GET.get("unread") == "1"
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return render(request, "core/notification_list.html", {
        "page": _page(request, qs), "kinds": kinds, "kind": kind, "unread": unread,
        "has_unread": visible_notifications(request.user).filter(read_at__isnull=True).exists()})


@require_POST
@login_required
def notification_read_all(request):
    n = notification_mark_all_read(user=request.user)
    messages.success(request, ngettext("%(n)d notification marked as read.", "%(n)d notifications marked as read.",
                                       n) % {"n": n})
    return redirect("core:notification_list")


@require_POST
@login_required
def notification_open(request, pk: int):
    n = visible_notifications(request.user).filter(pk=pk).first()
    if n is None:
        raise Http404
    notification_mark_read(user=request.user, notification=n)
    return redirect(n.url or reverse("core:notification_list"))
