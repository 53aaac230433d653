"""Shelters: the list with live numbers, the detail page with check-in and check-out, opening and closing,
creation, the QR code and the public page it opens (no login, no personal data), and the register's export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from emergency.core.forms import add_validation_errors
from emergency.core.models import Division
from emergency.core.roles import BUREAU_ROLES, Role
from emergency.core.scoping import get_for_user, scope_queryset
from emergency.lib.qr import qr_svg_response

from ..access import shelters_required
from ..shared.services import NotAllowed, may_manage
from ..shared.views import CHUNK, create_page, export_register, page_of
from . import selectors, services
from .forms import CheckInForm, ShelterForm
from .imports import ShelterImport, shelter_values
from .models import FACILITY_FIELDS, Shelter, ShelterStay

STATUS_BADGES = {Shelter.Status.STANDBY: "secondary", Shelter.Status.OPEN: "success",
                 Shelter.Status.FULL: "danger", Shelter.Status.CLOSED: "dark"}


def facilities_of(shelter: Shelter) -> list[str]:
    return [str(Shelter._meta.get_field(f).verbose_name) for f in FACILITY_FIELDS if getattr(shelter, f)]


def _shelter(request, pk: int) -> Shelter:
    shelter, _w = get_for_user(request.user, Shelter.objects.filter(archived_at__isnull=True)
                               .select_related("division"), pk=pk)
    return shelter


@shelters_required
def shelter_list(request):
    qs = selectors.shelter_list(request.user, request.GET)
    page = page_of(request, qs)
    per_person = services.area_per_person_table()
    selectors.add_capacity(page.object_list, per_person)
    for s in page:
        s.badge = STATUS_BADGES[s.status]
    can_create = request.user.role in BUREAU_ROLES or request.user.role == Role.SUBDISTRICT
    return render(request, "resources/shelter_list.html", {
        "page": page, "can_create": can_create, "per_person": per_person[""],
        "kind_overrides": [(label, per_person[k]) for k, label in Shelter.Kind.choices if per_person[k] != per_person[""]],
        "statuses": Shelter.Status.choices,
        "status": request.GET.get("status", ""), "q": request.GET.get("q", ""), "nav": "resources",
        "sort": selectors.SHELTER_SORTING.chosen(request.GET)})


def _detail(request, shelter: Shelter, *, form=None, status=200):
    numbers = selectors.shelter_numbers(shelter)
    manages = may_manage(request.user, shelter)
    stays = scope_queryset(request.user, ShelterStay.objects.filter(shelter=shelter).select_related(
        "checked_in_by")).order_by("checked_out_at", "-checked_in_at")[:200] if manages else []
    return render(request, "resources/shelter_detail.html", {
        "shelter": shelter, "numbers": numbers, "may_manage": manages, "stays": stays,
        "badge": STATUS_BADGES[shelter.status], "facilities": facilities_of(shelter),
        "per_person": services.area_per_person(shelter.kind),
        "form": form or CheckInForm(), "can_check_in": shelter.status in (Shelter.Status.OPEN, Shelter.Status.FULL),
        "can_open": shelter.status in (Shelter.Status.STANDBY, Shelter.Status.CLOSED),
        "can_close": shelter.status in (Shelter.Status.OPEN, Shelter.Status.FULL),
        "public_url": _public_url(request, shelter),
        "nav": "resources"}, status=status)


@shelters_required
def shelter_detail(request, pk: int):
    return _detail(request, _shelter(request, pk))


def _creatable_divisions(user):
    return scope_queryset(user, Division.objects.filter(
        archived_at__isnull=True, level__in=[Division.Level.SUBDISTRICT, Division.Level.COMMUNITY])).order_by("code")


@shelters_required
def shelter_create(request):
    user = request.user
    if not (user.role in BUREAU_ROLES or user.role == Role.SUBDISTRICT):
        raise PermissionDenied
    form = ShelterForm(request.POST or None, divisions=_creatable_divisions(user))
    # A refused shelter form has always answered 200 (the other registers' forms 400); kept so.
    return create_page(request, form, services.shelter_create, detail="resources:shelter_detail",
                       template="resources/shelter_form.html", context={"nav": "resources"},
                       invalid_status=200)


def _act(request, shelter: Shelter, fn, done: str):
    try:
        fn(acting_user=request.user, shelter=shelter)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("resources:shelter_detail", pk=shelter.pk)


@require_POST
@shelters_required
def shelter_open(request, pk: int):
    return _act(request, _shelter(request, pk), services.shelter_open, _("The shelter is open."))


@require_POST
@shelters_required
def shelter_close(request, pk: int):
    return _act(request, _shelter(request, pk), services.shelter_close, _("The shelter is closed."))


@require_POST
@shelters_required
def shelter_check_in(request, pk: int):
    shelter = _shelter(request, pk)
    if not may_manage(request.user, shelter):
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
@shelters_required
def shelter_check_out(request, pk: int):
    stay = scope_queryset(request.user, ShelterStay.objects.select_related("shelter")).filter(pk=pk).first()
    if stay is None:
        raise Http404
    try:
        services.shelter_check_out(acting_user=request.user, stay=stay)
    except NotAllowed as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Checked out: %(name)s.") % {"name": stay.head_name})
    return redirect("resources:shelter_detail", pk=stay.shelter_id)


def _public_url(request, shelter: Shelter) -> str:
    return request.build_absolute_uri(reverse("resources:shelter_public", args=[shelter.qr_token]))


@shelters_required
def shelter_qr(request, pk: int):
    shelter = _shelter(request, pk)
    return qr_svg_response(_public_url(request, shelter), title=_("Shelter information"),
                           filename=f"{shelter.name}-{_('QR code')}.svg", fallback=f"shelter-{shelter.pk}.svg",
                           download=bool(request.GET.get("download")))


def shelter_public(request, token: str):
    """The page a shelter's QR code opens, for anyone: where it is, what it has, whether there is room.
    No names, phones or stays."""
    shelter = Shelter.objects.filter(qr_token=token, archived_at__isnull=True).first()
    if shelter is None:
        raise Http404
    numbers = selectors.shelter_numbers(shelter)
    return render(request, "resources/shelter_public.html", {
        "shelter": shelter, "available": numbers["available"], "capacity": numbers["capacity"],
        "badge": STATUS_BADGES[shelter.status], "facilities": facilities_of(shelter),
        "admitting": shelter.status == Shelter.Status.OPEN})


@require_GET
@shelters_required
def shelter_export(request):
    """The shelter list's rows (filters `status`, `q`), with capacity, occupancy, available places and status."""
    qs = selectors.shelter_list(request.user, request.GET)
    per_person = services.area_per_person_table()

    def rows():
        for shelter in qs.iterator(chunk_size=CHUNK):
            selectors.add_capacity((shelter,), per_person)
            yield [*shelter_values(shelter), shelter.capacity, shelter.occupancy or 0, shelter.available,
                   shelter.get_status_display()]

    return export_register(request, title=_("Shelters"), filename="shelters",
                           headers=ShelterImport().export_headers(), rows=rows(), model=Shelter)
