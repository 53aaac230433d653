"""Reads for the resource map and the nearby search. Nothing here writes.

Shelter numbers (capacity, occupancy, available places) come from `shelters.selectors`.

The available quantity of a supply item at a warehouse is its own stock (unexpired lots) plus the valid
agreement reserves counted at that warehouse (`ReserveAgreement.warehouse`): for the map layer
`ItemStock.holding` keeps the warehouses with some of it (a semi-join) and `ItemStock.with_quantities`
annotates `own` and `agreement`; the nearby search asks the same in SQL (`nearby_sql.warehouses`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.core import scoping
from emergency.lib.geo import EARTH_RADIUS_M, haversine_m

from ..reserves.models import ReserveAgreement
from ..shelters.models import Shelter
from ..shelters.selectors import add_capacity, shelters_with_numbers
from ..shelters.services import area_per_person_table, capacity_from_area
from ..stock.models import Lot, SupplyItem, Warehouse
from ..stock.services import format_quantity
from . import nearby_sql

# Status → marker colour on the map.
STATUS_COLOURS = {Shelter.Status.STANDBY: "grey", Shelter.Status.OPEN: "blue", Shelter.Status.FULL: "red",
                  Shelter.Status.CLOSED: "grey"}


def optional_model(name: str):
    """A resources model that another part of the issue may not have installed yet (teams, experts,
    agreement reserves): the model, or None."""
    try:
        return apps.get_model("resources", name)
    except LookupError:
        return None


def _visible(user, qs):
    return scoping.scope_queryset(user, qs) if scoping.is_registered(qs.model) else qs


def shelter_popup(s: Shelter) -> str:
    lines = [_("Status: %(s)s") % {"s": s.get_status_display()},
             _("Capacity: %(n)d") % {"n": s.capacity},
             _("Available places: %(n)d") % {"n": s.available}]
    if s.location_approximate:
        lines.append(_("Approximate location"))
    if s.is_synthetic:
        lines.append(_("Synthetic demo data"))
    return "\n".join(lines)


@dataclass(frozen=True)
class MapFilters:
    """What the resource map's filter form asks for (map.forms.MapFilterForm); empty means no filter."""

    shelter_status: str = ""
    shelter_min_available: int | None = None  # at least this many available places (capacity − occupancy)
    item: SupplyItem | None = None  # warehouses holding it (own unexpired stock or agreement stock counted there)
    team_kind: str = ""
    team_readiness: str = ""
    expert_field: str = ""  # one of the five codes of teams.models.EXPERT_FIELDS
    expert_available: bool = False


NO_FILTERS = MapFilters()

# --- the available quantity of an item at warehouses -----------------------------------------------

QUANTITY = DecimalField(max_digits=16, decimal_places=3)


def _own_lots(item, today):
    """The item's lots that count as available: live and not expired."""
    return Lot.objects.filter(item=item, archived_at__isnull=True).exclude(expires_on__lt=today)


def _agreement_lines(item, today):
    """The item's lines of agreements valid today (live lines of live agreements), or None without the model."""
    Line = optional_model("ReserveLine")
    if Line is None:
        return None
    return Line.objects.filter(item=item, archived_at__isnull=True, agreement__archived_at__isnull=True,
                               agreement__valid_from__lte=today, agreement__valid_until__gte=today)


class ItemStock:
    """How much of `item` warehouses have: own stock (the balances of its unexpired lots) plus the valid
    agreement reserves counted at the warehouse. The subqueries are built once, since the nearby search asks
    them again in every round."""

    def __init__(self, item):
        self.item = item
        today = timezone.localdate()
        lots, lines = _own_lots(item, today), _agreement_lines(item, today)
        # One semi-join on the UNION of both holders: an OR of two semi-joins keeps PostgreSQL from joining, and
        # it scans every warehouse instead of the box's index (benchmarks/resources.py).
        holders = lots.filter(balance__gt=0).order_by().values("warehouse_id")
        if lines is not None:
            holders = holders.union(lines.filter(agreement__warehouse__isnull=False).order_by()
                                    .values("agreement__warehouse_id"))
        self.holders = holders
        own = lots.filter(warehouse=OuterRef("pk")).order_by().values("warehouse").annotate(s=Sum("balance"))
        self.own = Coalesce(Subquery(own.values("s"), output_field=QUANTITY), Value(Decimal(0)),
                            output_field=QUANTITY)
        if lines is None:
            self.agreement = Value(Decimal(0), output_field=QUANTITY)
        else:
            agreed = (lines.filter(agreement__warehouse=OuterRef("pk")).order_by().values("agreement__warehouse")
                      .annotate(s=Sum("quantity")))
            self.agreement = Coalesce(Subquery(agreed.values("s"), output_field=QUANTITY), Value(Decimal(0)),
                                      output_field=QUANTITY)

    def holding(self, qs):
        """The warehouses of `qs` that have some of the item (own or agreement stock)."""
        return qs.filter(pk__in=self.holders)

    def with_quantities(self, qs):
        """Annotate `own` and `agreement` (quantities of the item) in the same query."""
        return qs.annotate(own=self.own, agreement=self.agreement)


def available_quantity(w, unit: str) -> tuple[dict, str]:
    """For a warehouse annotated by `with_quantities`: ({own, agreement, total, unit}, the stock source: "own",
    "agreement" or "own+agreement")."""
    own, agreed = w.own or Decimal(0), w.agreement or Decimal(0)
    source = "own+agreement" if own > 0 and agreed > 0 else "agreement" if agreed > 0 else "own"
    return ({"own": float(own), "agreement": float(agreed), "total": float(own + agreed), "unit": unit}, source)


def _feature(lat, lng, props) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": props}


def shelter_features(user, filters: MapFilters = NO_FILTERS) -> list[dict]:
    qs = _visible(user, shelters_with_numbers())
    if filters.shelter_status:
        qs = qs.filter(status=filters.shelter_status)
    rows = add_capacity(qs.order_by("pk"))
    if filters.shelter_min_available is not None:  # on the computed places: capacity − occupancy
        rows = [s for s in rows if s.available >= filters.shelter_min_available]
    return [_feature(s.latitude, s.longitude, {
        "id": s.pk, "kind": "shelter", "title": s.name, "popup": shelter_popup(s),
        "href": reverse("resources:shelter_detail", args=[s.pk]), "color": STATUS_COLOURS[s.status],
        "status": s.status, "capacity": s.capacity, "available": s.available,
    }) for s in rows]


def quantity_text(item, quantity: dict, source: str) -> str:
    """"瓶装水 available: 12.5 箱", then "(own 10 / agreement 2.5)" when agreement stock is counted."""
    def fmt(value: float) -> str:
        return format_quantity(Decimal(str(value)))

    text = _("%(item)s available: %(total)s %(unit)s") % {"item": item, "total": fmt(quantity["total"]),
                                                          "unit": quantity["unit"]}
    if source != "own":
        text += " " + _("(own %(own)s / agreement %(agreement)s)") % {
            "own": fmt(quantity["own"]), "agreement": fmt(quantity["agreement"])}
    return text


def warehouse_features(user, filters: MapFilters = NO_FILTERS) -> list[dict]:
    qs = _visible(user, Warehouse.objects.filter(archived_at__isnull=True)).order_by("pk")
    qs = qs.only("pk", "name", "level", "address", "keeper", "latitude", "longitude", "is_synthetic")
    item = filters.item
    if item is not None:
        stock = ItemStock(item)
        qs = stock.with_quantities(stock.holding(qs))
    out = []
    for w in qs:
        lines = [w.get_level_display(), w.address, _("Keeper: %(k)s") % {"k": w.keeper}]
        props = {"id": w.pk, "kind": "warehouse", "title": w.name, "color": "orange",
                 "href": reverse("resources:warehouse_detail", args=[w.pk])}
        if item is not None:
            quantity, source = available_quantity(w, item.unit)
            props.update(available_quantity=quantity, stock_source=source)
            lines.insert(0, quantity_text(item, quantity, source))
        if w.is_synthetic:
            lines.append(_("Synthetic demo data"))
        props["popup"] = "\n".join(lines)
        out.append(_feature(w.latitude, w.longitude, props))
    return out


def team_features(user, filters: MapFilters = NO_FILTERS) -> list[dict]:
    Team = optional_model("RescueTeam")
    qs = _visible(user, Team.objects.filter(archived_at__isnull=True, latitude__isnull=False)).order_by("pk")
    if filters.team_kind:
        qs = qs.filter(kind=filters.team_kind)
    if filters.team_readiness:
        qs = qs.filter(readiness=filters.team_readiness)
    colours = {"standby": "blue", "deployed": "red", "unavailable": "grey"}
    return [_feature(t.latitude, t.longitude, {
        "id": t.pk, "kind": "team", "title": t.name, "color": colours.get(t.readiness, "grey"),
        "href": reverse("resources:team_detail", args=[t.pk]), "team_kind": t.kind, "readiness": t.readiness,
        "popup": "\n".join([t.get_kind_display(), _("Readiness: %(r)s") % {"r": t.get_readiness_display()},
                            _("Leader: %(l)s") % {"l": t.leader}]),
    }) for t in qs]


def expert_features(user, filters: MapFilters = NO_FILTERS) -> list[dict]:
    Expert = optional_model("Expert")
    qs = _visible(user, Expert.objects.filter(archived_at__isnull=True, latitude__isnull=False)).order_by("pk")
    if filters.expert_field:
        from ..teams.models import EXPERT_FIELDS

        qs = qs.filter(**{attr: True for attr, code, _label in EXPERT_FIELDS if code == filters.expert_field})
    if filters.expert_available:
        qs = qs.filter(available=True)
    return [_feature(e.latitude, e.longitude, {
        "id": e.pk, "kind": "expert", "title": e.name, "color": "blue" if e.available else "grey",
        "href": reverse("resources:expert_detail", args=[e.pk]), "fields": e.field_codes, "available": e.available,
        "popup": "\n".join([" · ".join(e.field_labels), e.title, e.unit,
                            _("Available") if e.available else _("Not available")]),
    }) for e in qs]


LAYERS = {"shelters": shelter_features, "warehouses": warehouse_features, "teams": team_features,
          "experts": expert_features}
LAYER_MODELS = {"teams": "RescueTeam", "experts": "Expert"}


def available_layers() -> list[str]:
    return [k for k in LAYERS if k not in LAYER_MODELS or optional_model(LAYER_MODELS[k]) is not None]


# --- nearby ---------------------------------------------------------------------------------------

KINDS = ("shelter", "warehouse", "team", "expert")
KIND_MODELS = {"team": "RescueTeam", "expert": "Expert"}
FIRST_RADIUS_M = 500
GROWTH = 4  # the box widens ×4 a round: 0.5, 2, 8, 32, 128 km, then unbounded
MAX_RADIUS_M = 64_000


def available_kinds() -> list[str]:
    return [k for k in KINDS if k not in KIND_MODELS or optional_model(KIND_MODELS[k]) is not None]


def bbox(lat: float, lng: float, radius_m: float) -> dict:
    """A lat/lng box that contains the circle of `radius_m` around the point (a cheap index-friendly prefilter)."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlng = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 0.01)))
    return {"latitude__gte": lat - dlat, "latitude__lte": lat + dlat,
            "longitude__gte": lng - dlng, "longitude__lte": lng + dlng}


@dataclass
class NearbyQuery:
    lat: float
    lng: float
    kinds: list[str]
    limit: int
    item: object | None = None  # a SupplyItem


def _shelter_rows(user, box, per_person, q: NearbyQuery) -> list[dict]:
    out = []
    for r in nearby_sql.shelters(user, q.lat, q.lng, box, q.limit):
        capacity = capacity_from_area(r["effective_area_m2"], per_person.get(r["kind"], per_person[""]))
        occupancy = int(r["occupancy"] or 0)
        out.append({"kind": "shelter", "id": r["id"], "name": r["name"], "latitude": r["latitude"],
                    "longitude": r["longitude"], "status": r["status"], "capacity": capacity, "occupancy": occupancy,
                    "available_capacity": max(capacity - occupancy, 0),
                    "location_approximate": bool(r["location_approximate"]), "is_synthetic": bool(r["is_synthetic"])})
    return out


def _warehouse_rows(user, box, q: NearbyQuery) -> list[dict]:
    item_id = q.item.pk if q.item is not None else None
    out = []
    for r in nearby_sql.warehouses(user, q.lat, q.lng, box, q.limit, item_id, timezone.localdate()):
        row = {"kind": "warehouse", "id": r["id"], "name": r["name"], "latitude": r["latitude"],
               "longitude": r["longitude"], "level": r["level"], "is_synthetic": bool(r["is_synthetic"])}
        if item_id is not None:
            holding = SimpleNamespace(own=nearby_sql.quantity(r["own"]), agreement=nearby_sql.quantity(r["agreement"]))
            row["available_quantity"], row["stock_source"] = available_quantity(holding, q.item.unit)
            if r["delivery_hours"] is not None:  # agreement stock counted here: how fast it can come
                row["delivery_hours"] = int(r["delivery_hours"])
        out.append(row)
    return out


def _agreement_rows(box, q: NearbyQuery) -> list[dict]:
    """Agreement reserves of the item that are not counted at a warehouse, placed at the supplier enterprise
    (when registered with a location). Those counted at a warehouse are in its row (`_warehouse_rows`)."""
    lines = _agreement_lines(q.item, timezone.localdate()) if q.item is not None else None
    if lines is None:
        return []
    lines = lines.filter(agreement__warehouse__isnull=True,
                         **{f"agreement__enterprise__{k}": v for k, v in box.items()})
    out: dict[int, dict] = {}
    for line in lines.values("agreement_id", "agreement__contract_number", "agreement__supplier_name",
                             "agreement__delivery_hours", "agreement__enterprise__latitude",
                             "agreement__enterprise__longitude", "quantity"):
        row = out.setdefault(line["agreement_id"], {
            "kind": "warehouse", "stock_source": "agreement", "id": line["agreement_id"],
            "name": f'{line["agreement__supplier_name"]}（{line["agreement__contract_number"]}）',
            "latitude": line["agreement__enterprise__latitude"],
            "longitude": line["agreement__enterprise__longitude"],
            "delivery_hours": line["agreement__delivery_hours"],
            "available_quantity": {"own": 0.0, "agreement": 0.0, "total": 0.0, "unit": q.item.unit}})
        row["available_quantity"]["agreement"] += float(line["quantity"])
        row["available_quantity"]["total"] += float(line["quantity"])
    return list(out.values())


def _team_rows(user, box, q: NearbyQuery) -> list[dict]:
    return [{"kind": "team", "id": r["id"], "name": r["name"], "latitude": r["latitude"],
             "longitude": r["longitude"], "team_kind": r["kind"], "readiness": r["readiness"],
             "is_synthetic": bool(r["is_synthetic"])} for r in nearby_sql.teams(user, q.lat, q.lng, box, q.limit)]


def _expert_rows(user, box, q: NearbyQuery) -> list[dict]:
    return [{"kind": "expert", "id": r["id"], "name": r["name"], "latitude": r["latitude"],
             "longitude": r["longitude"], "fields": r["fields"], "available": bool(r["available"]),
             "is_synthetic": bool(r["is_synthetic"])} for r in nearby_sql.experts(user, q.lat, q.lng, box, q.limit)]


def nearby(user, q: NearbyQuery) -> list[dict]:
    """The `limit` nearest resources of the asked kinds, nearest first (haversine).

    Candidates are fetched inside a lat/lng box that widens ×4 from 500 m until enough of them lie within the
    box's inscribed circle (so no nearer row can be outside the box), past 64 km, then without a box; each
    kind's query returns at most `limit` rows, nearest first by an equirectangular distance (within the 64 km
    box it ranks as haversine does but for near-ties under 1 %), so that a dense area hands Python `limit` rows
    per kind. The per-kind queries are SQL (`nearby_sql`); every user who may read resources reads every
    resource (scopes.py), and anyone else gets nothing (`scoping.may_read` of each kind, in the SQL)."""
    if not scoping.may_read(user, Shelter):
        return []
    per_person = area_per_person_table() if "shelter" in q.kinds else None
    radius: float | None = FIRST_RADIUS_M
    while True:
        box = bbox(q.lat, q.lng, radius) if radius is not None else {}
        rows: list[dict] = []
        if "shelter" in q.kinds:
            rows += _shelter_rows(user, box, per_person, q)
        if "warehouse" in q.kinds:
            rows += _warehouse_rows(user, box, q)
            if scoping.may_read(user, ReserveAgreement):
                rows += _agreement_rows(box, q)
        if "team" in q.kinds:
            rows += _team_rows(user, box, q)
        if "expert" in q.kinds:
            rows += _expert_rows(user, box, q)
        for row in rows:
            row["distance_m"] = (round(haversine_m(q.lat, q.lng, row["latitude"], row["longitude"]), 1)
                                 if row["latitude"] is not None and row["longitude"] is not None else None)
        located = sorted((r for r in rows if r["distance_m"] is not None),
                         key=lambda r: (r["distance_m"], r["kind"], r["id"]))
        inside = [r for r in located if radius is None or r["distance_m"] <= radius]
        if radius is None or len(inside) >= q.limit:
            return inside[:q.limit]
        radius = radius * GROWTH if radius < MAX_RADIUS_M else None
