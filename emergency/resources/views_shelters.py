"""Shelters: the list with live numbers, the detail page with check-in and check-out, opening and closing,
creation, the QR code and the public page it opens (no login, no personal data)."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from emergency.core.forms import add_validation_errors
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.core.scoping import get_for_user, scope_queryset

from . import selectors_map, services
from .access import resources_required
from .forms_shelters import CheckInForm, ShelterForm
from .models import Shelter, ShelterStay

PAGE_SIZE = 50
STATUS_BADGES = {Shelter.Status.STANDBY: "secondary", Shelter.Status.OPEN: "success",
                 Shelter.Status.FULL: "danger", Shelter.Status.CLOSED: "dark"}
FACILITIES = ("has_water", "has_power", "has_toilets", "has_medical", "has_supplies", "has_command")




def facilities_of(shelter: Shelter) -> list[str]:
    return [str(Shelter._meta.get_field(f).verbose_name) for f in FACILITIES if getattr(shelter, f)]


def _shelter(request, pk: int) -> Shelter:
    shelter, _w = get_for_user(request.user, Shelter.objects.filter(archived_at__isnull=True)
                               .select_related("division"), pk=pk)
    return shelter


@resources_required
def shelter_list(request):
    qs = selectors_map.shelter_list(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    per_person = services.area_per_person_table()
    selectors_map.add_capacity(page.object_list, per_person)
    for s in page:
        s.badge = STATUS_BADGES[s.status]
    can_create = request.user.role in BUREAU_ROLES or request.user.role == Role.SUBDISTRICT
    return render(request, "resources/shelter_list.html", {
        "page": page, "can_create": can_create, "per_person": per_person[""],
        "kind_overrides": [(label, per_person[k]) for k, label in Shelter.Kind.choices if per_person[k] != per_person[""]],
        "statuses": Shelter.Status.choices,
        "status": request.GET.get("status", ""), "q": request.GET.get("q", ""), "nav": "resources"})


def _detail(request, shelter: Shelter, *, form=None, status=200):
    numbers = selectors_map.shelter_numbers(shelter)
    may_manage = services.may_manage(request.user, shelter)
    stays = scope_queryset(request.user, ShelterStay.objects.filter(shelter=shelter).select_related(
        "checked_in_by")).order_by("checked_out_at", "-checked_in_at")[:200] if may_manage else []
    return render(request, "resources/shelter_detail.html", {
        "shelter": shelter, "numbers": numbers, "may_manage": may_manage, "stays": stays,
        "badge": STATUS_BADGES[shelter.status], "facilities": facilities_of(shelter),
        "per_person": services.area_per_person(shelter.kind),
        "form": form or CheckInForm(), "can_check_in": shelter.status in (Shelter.Status.OPEN, Shelter.Status.FULL),
        "can_open": shelter.status in (Shelter.Status.STANDBY, Shelter.Status.CLOSED),
        "can_close": shelter.status in (Shelter.Status.OPEN, Shelter.Status.FULL),
        "public_url": request.build_absolute_uri(reverse("resources:shelter_public", args=[shelter.qr_token])),
        "nav": "resources"}, status=status)


@resources_required
def shelter_detail(request, pk: int):
    return _detail(request, _shelter(request, pk))


def _creatable_divisions(user):
    return scope_queryset(user, Division.objects.filter(
        archived_at__isnull=True, level__in=[Division.Level.SUBDISTRICT, Division.Level.COMMUNITY])).order_by("code")


@resources_required
def shelter_create(request):
    user = request.user
    if not (user.role in BUREAU_ROLES or user.role == Role.SUBDISTRICT):
        raise PermissionDenied
    form = ShelterForm(request.POST or None, divisions=_creatable_divisions(user))
    if request.method == "POST" and form.is_valid():
        try:
            shelter = services.shelter_create(acting_user=user, **form.cleaned_data)
        except services.NotAllowed as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("resources:shelter_detail", pk=shelter.pk)
    return render(request, "resources/shelter_form.html", {"form": form, "nav": "resources"})


def _act(request, shelter: Shelter, fn, done: str):
    try:
        fn(acting_user=request.user, shelter=shelter)
    except services.NotAllowed as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("resources:shelter_detail", pk=shelter.pk)


@require_POST
@resources_required
def shelter_open(request, pk: int):
    return _act(request, _shelter(request, pk), services.shelter_open, _("The shelter is open."))


@require_POST
@resources_required
def shelter_close(request, pk: int):
    return _act(request, _shelter(request, pk), services.shelter_close, _("The shelter is closed."))


@require_POST
@resources_required
def shelter_check_in(request, pk: int):
    shelter = _shelter(request, pk)
    if not services.may_manage(request.user, shelter):
        raise PermissionDenied
    form = CheckInForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.shelter_check_in(acting_user=request.user, shelter=shelter, head_name=data["head_name"],
                                      people=data["people"], phone=data["phone"], override=data["override"])
        except ValidationError as exc:
            # Refused for want of places: offer the override checkbox with the error.
            refused = hasattr(exc, "error_dict") and "people" in exc.error_dict and not data["override"]
            bound = CheckInForm(request.POST, offer_override=refused)
            bound.is_valid()
            add_validation_errors(bound, exc)
            shelter = Shelter.objects.select_related("division").get(pk=shelter.pk)
            return _detail(request, shelter, form=bound, status=400)
        messages.success(request, _("Checked in: %(name)s, %(n)d people.") % {
            "name": data["head_name"], "n": data["people"]})
        return redirect("resources:shelter_detail", pk=shelter.pk)
    return _detail(request, shelter, form=form, status=400)


@require_POST
@resources_required
def shelter_check_out(request, pk: int):
    stay = scope_queryset(request.user, ShelterStay.objects.select_related("shelter")).filter(pk=pk).first()
    if stay is None:
        raise Http404
    try:
        services.shelter_check_out(acting_user=request.user, stay=stay)
    except services.NotAllowed as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Checked out: %(name)s.") % {"name": stay.head_name})
    return redirect("resources:shelter_detail", pk=stay.shelter_id)


def qr_svg(url: str) -> bytes:
    """The QR code of `url` as an SVG document (the URL is also in its <desc>, for people and tests)."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, border=2, title=_("Shelter information"), desc=url)
    return buf.getvalue()


@resources_required
def shelter_qr(request, pk: int):
    shelter = _shelter(request, pk)
    url = request.build_absolute_uri(reverse("resources:shelter_public", args=[shelter.qr_token]))
    resp = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    resp["Cache-Control"] = "private, max-age=3600"
    if request.GET.get("download"):
        resp["Content-Disposition"] = f'attachment; filename="shelter-{shelter.pk}.svg"'
    return resp


def shelter_public(request, token: str):
    """The page a shelter's QR code opens, for anyone: where it is, what it has, whether there is room.
    No names, phones or stays."""
    shelter = Shelter.objects.filter(qr_token=token, archived_at__isnull=True).first()
    if shelter is None:
        raise Http404
    numbers = selectors_map.shelter_numbers(shelter)
    return render(request, "resources/shelter_public.html", {
        "shelter": shelter, "available": numbers["available"], "capacity": numbers["capacity"],
        "badge": STATUS_BADGES[shelter.status], "facilities": facilities_of(shelter),
        "admitting": shelter.status == Shelter.Status.OPEN})
