"""API routes of emergency resources (mounted under /api/v1/resources/).

- `GET nearby`: the nearest shelters (with available capacity), warehouses (with the available quantity of an
  item: own stock from the lots plus the agreement reserves counted at the warehouse, marked; agreement
  reserves without a warehouse as separate, marked rows at the supplier), rescue teams (with readiness) and
  experts, nearest first.
"""

from __future__ import annotations

import math

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from emergency.api.serializers import ErrorSerializer
from emergency.core.filters import parse_id

from .access import ResourceReader
from .map import selectors as selectors_map
from .stock.models import SupplyItem

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _float(params, name: str, low: float, high: float, errors: dict) -> float | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        errors[name] = [_("This parameter is required.")]
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        errors[name] = [_("Enter a number from %(low)s to %(high)s (WGS-84 degrees).") % {"low": low, "high": high}]
        return None
    return value


def parse_nearby(params) -> selectors_map.NearbyQuery:
    """Read and check the query string; a bad value raises a ValidationError naming its parameter."""
    errors: dict[str, list[str]] = {}
    lat = _float(params, "lat", -90, 90, errors)
    lon = _float(params, "lon", -180, 180, errors)
    known = selectors_map.available_kinds()
    raw_kinds = params.get("kinds")
    kinds = known if raw_kinds is None else [k.strip() for k in raw_kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in known]
    if unknown or not kinds:
        errors["kinds"] = [_("Unknown kind: %(kinds)s. Choose from %(known)s.") % {
            "kinds": ", ".join(unknown) or "—", "known": ", ".join(known)}]
    limit = DEFAULT_LIMIT
    raw_limit = params.get("limit")
    if raw_limit is not None:
        limit = parse_id(raw_limit, maximum=MAX_LIMIT)  # "²".isdigit() is true, int("²") a ValueError
        if limit is None:
            errors["limit"] = [_("Enter a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}]
    item = None
    raw_item = params.get("item")
    if raw_item is not None:
        item_id = parse_id(raw_item)
        if item_id is None:
            errors["item"] = [_("Give a supply item id.")]
        else:
            item = SupplyItem.objects.filter(pk=item_id, archived_at__isnull=True).first()
            if item is None:
                errors["item"] = [_("Unknown supply item.")]
    if errors:
        raise serializers.ValidationError(errors)
    return selectors_map.NearbyQuery(lat=lat, lng=lon, kinds=list(dict.fromkeys(kinds)), limit=limit, item=item)


QUANTITY = inline_serializer("NearbyQuantity", {
    "own": serializers.FloatField(help_text="Own stock: the sum of the warehouse's lot balances of the item."),
    "agreement": serializers.FloatField(help_text="Agreement reserves (协议储备) of the item counted here."),
    "total": serializers.FloatField(),
    "unit": serializers.CharField(),
}, required=False)
RESULTS = inline_serializer("NearbyResult", {
    "kind": serializers.ChoiceField(choices=list(selectors_map.KINDS)),
    "id": serializers.IntegerField(help_text="The record id (for an agreement row: the agreement's id)."),
    "name": serializers.CharField(),
    "latitude": serializers.FloatField(),
    "longitude": serializers.FloatField(),
    "distance_m": serializers.FloatField(help_text="Great-circle distance in metres."),
    "status": serializers.CharField(required=False, help_text="Shelter: standby, open, full or closed."),
    "capacity": serializers.IntegerField(required=False, help_text="Shelter: floor(area ÷ area per person)."),
    "occupancy": serializers.IntegerField(required=False, help_text="Shelter: people checked in."),
    "available_capacity": serializers.IntegerField(required=False, help_text="Shelter: places left."),
    "stock_source": serializers.ChoiceField(
        choices=["own", "agreement", "own+agreement"], required=False,
        help_text="Warehouse with `item`: own stock, agreement reserves, or both counted at the warehouse."),
    "available_quantity": QUANTITY,
    "delivery_hours": serializers.IntegerField(required=False, help_text="Agreement stock (at the supplier, or counted at this warehouse): the fastest delivery promise in hours."),
    "readiness": serializers.ChoiceField(choices=["standby", "deployed", "unavailable"], required=False,
                                         help_text="Team only."),
    "available": serializers.BooleanField(required=False, help_text="Expert only."),
}, many=True)
NEARBY = inline_serializer("Nearby", {
    "lat": serializers.FloatField(), "lon": serializers.FloatField(),
    "kinds": serializers.ListField(child=serializers.CharField()),
    "item": inline_serializer("NearbyItem", {"id": serializers.IntegerField(), "name": serializers.CharField(),
                                             "unit": serializers.CharField()}, allow_null=True),
    "results": RESULTS,
})
ERROR = ErrorSerializer  # the API's one error format


class NearbyView(APIView):
    """The nearest resources to a point, nearest first."""

    # The role set of the resource pages: enterprise and expert users must not read stock, occupancy, teams
    # and experts here either.
    permission_classes = [ResourceReader]

    @extend_schema(
        operation_id="v1_resources_nearby",
        description=(
            "Resources ordered by great-circle distance from (lat, lon). Shelters carry `available_capacity`; "
            "with `item`, warehouses holding it carry `available_quantity`: `own` (the sum of their unexpired lot "
            "balances), `agreement` (valid agreement reserves counted at the warehouse) and `total`, with "
            "`stock_source` own, agreement or own+agreement; valid agreement reserves without a warehouse "
            "appear as rows with `stock_source: agreement`, placed at the supplier enterprise's registered "
            "location (a supplier without one is not listed); teams carry "
            "`readiness`. Candidates are prefiltered with a lat/lng bounding box that widens until the "
            "`limit` nearest are certain."),
        parameters=[
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="Latitude, WGS-84."),
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True, description="Longitude, WGS-84."),
            OpenApiParameter("kinds", OpenApiTypes.STR, description=(
                "Comma-separated: shelter, warehouse, team, expert (default: all).")),
            OpenApiParameter("item", OpenApiTypes.INT, description=(
                "A supply item id: warehouses are limited to those holding it, with its quantity.")),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."),
        ],
        responses={200: NEARBY, 400: OpenApiResponse(ERROR, description=(
            "A bad coordinate, an unknown kind or item, or a limit that is not a whole number from 1 to 100; "
            "`error.fields` names the parameter.")), 403: OpenApiResponse(ERROR, description=(
            "The caller is not a bureau, department or subdistrict user."))})
    def get(self, request):
        q = parse_nearby(request.query_params)
        return Response({
            "lat": q.lat, "lon": q.lng, "kinds": q.kinds,
            "item": {"id": q.item.pk, "name": str(q.item), "unit": q.item.unit} if q.item else None,
            "results": selectors_map.nearby(request.user, q),
        })


urlpatterns = [
    path("nearby", NearbyView.as_view(), name="api-resources-nearby"),
]
