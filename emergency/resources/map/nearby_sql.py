"""The nearby search's per-kind queries, written as SQL (the one hand-written read of this app).

Why: each kind's query is small (an index range on latitude/longitude, a sort on an equirectangular distance,
LIMIT n) and the database answers it in 1–5 ms at 100,000 resources, but Django's SQL compiler spent 5–13 ms
per query building it (correlated subqueries, EXISTS, annotations), which put `nearby` over its 50 ms p95 target
(benchmarks/resources.py). The text here is fixed; only parameters vary. It runs unchanged on SQLite and
PostgreSQL, reads only live rows (archived_at IS NULL), and every resource model is readable district-wide by
the users the access model lets read each kind (`scoping.may_read`; scopes.py: bureau, departments, subdistricts). This SQL
skips the scoping layer, so each query takes the caller and answers nothing to anyone else (`_readers_of`),
whatever the view in front of it checked.

The tests of `map.selectors.nearby` (test_nearby_api.py, test_reserve_warehouse.py) cover these queries.
"""

from __future__ import annotations

import datetime
import functools
import math
from decimal import Decimal

from django.db import connection

from emergency.core import scoping

from ..reserves.models import ReserveAgreement, ReserveLine
from ..shelters.models import Shelter, ShelterStay
from ..stock.models import Lot, Warehouse
from ..teams.models import EXPERT_FIELDS, Expert, RescueTeam


def _readers_of(model):
    """Defence in depth: the raw SQL bypasses `scope_queryset`, so each query asks the access model itself
    (`scoping.may_read` of the model it reads) and answers nothing to anyone else, even if a new caller forgets
    the API's permission."""

    def decorate(query):
        @functools.wraps(query)
        def wrapped(user, *args, **kwargs) -> list[dict]:
            if not scoping.may_read(user, model):
                return []
            return query(*args, **kwargs)

        return wrapped

    return decorate


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _distance_and_box(lat: float, lng: float, box: dict, alias: str) -> tuple[str, str, list]:
    """The SELECT expression of the squared equirectangular distance, the WHERE text of the box and their
    parameters (distance first)."""
    cos = math.cos(math.radians(lat))
    d2 = (f"(({alias}.latitude - %s) * ({alias}.latitude - %s) + "
          f"(({alias}.longitude - %s) * %s) * (({alias}.longitude - %s) * %s))")
    d2_params = [lat, lat, lng, cos, lng, cos]
    if not box:
        return d2, "", d2_params
    where = (f" AND {alias}.latitude >= %s AND {alias}.latitude <= %s"
             f" AND {alias}.longitude >= %s AND {alias}.longitude <= %s")
    return d2, where, [*d2_params, box["latitude__gte"], box["latitude__lte"], box["longitude__gte"],
                       box["longitude__lte"]]


def _rows(sql: str, params: list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _limited(select: str, where: str, d2_order: str, box: dict, limit: int) -> str:
    """ORDER BY the distance, LIMIT only with a box (the last, unbounded round returns every row)."""
    return f"{select} WHERE {where} ORDER BY {d2_order}, id" + (f" LIMIT {int(limit)}" if box else "")


@_readers_of(Shelter)
def shelters(lat: float, lng: float, box: dict, limit: int) -> list[dict]:
    d2, box_sql, params = _distance_and_box(lat, lng, box, "s")
    occupancy = (f"COALESCE((SELECT SUM(st.people) FROM {_t(ShelterStay)} st WHERE st.shelter_id = s.id "
                 "AND st.checked_out_at IS NULL), 0)")
    sql = _limited(f"SELECT s.id, s.name, s.kind, s.latitude, s.longitude, s.status, s.effective_area_m2, "
                   f"s.location_approximate, s.is_synthetic, {occupancy} AS occupancy, {d2} AS d2 "
                   f"FROM {_t(Shelter)} s", f"s.archived_at IS NULL{box_sql}", "d2", box, limit)
    return _rows(sql, params)


def _own_lots(today: datetime.date) -> tuple[str, list]:
    return (f"FROM {_t(Lot)} l WHERE l.warehouse_id = w.id AND l.item_id = %s AND l.archived_at IS NULL "
            "AND l.balance > 0 AND (l.expires_on IS NULL OR l.expires_on >= %s)", [today])


def _agreed_lines(today: datetime.date) -> str:
    return (f"FROM {_t(ReserveLine)} rl JOIN {_t(ReserveAgreement)} ra ON ra.id = rl.agreement_id "
            "WHERE ra.warehouse_id = w.id AND rl.item_id = %s AND rl.archived_at IS NULL "
            "AND ra.archived_at IS NULL AND ra.valid_from <= %s AND ra.valid_until >= %s")


@_readers_of(Warehouse)
def warehouses(lat: float, lng: float, box: dict, limit: int, item_id: int | None,
               today: datetime.date) -> list[dict]:
    """Warehouses by distance; with an item, only those holding some of it (own unexpired stock or valid
    agreement stock counted there), with `own` and `agreement` quantities and the fastest delivery promise
    of those agreements (`delivery_hours`, NULL without agreement stock)."""
    d2, box_sql, params = _distance_and_box(lat, lng, box, "w")
    columns = "w.id, w.name, w.latitude, w.longitude, w.level, w.is_synthetic"
    if item_id is None:
        sql = _limited(f"SELECT {columns}, {d2} AS d2 FROM {_t(Warehouse)} w",
                       f"w.archived_at IS NULL{box_sql}", "d2", box, limit)
        return _rows(sql, params)
    own_from, _p = _own_lots(today)
    agreed_from = _agreed_lines(today)
    own_sum = f"COALESCE((SELECT SUM(l.balance) {own_from}), 0)"
    agreed_sum = f"COALESCE((SELECT SUM(rl.quantity) {agreed_from}), 0)"
    fastest = f"(SELECT MIN(ra.delivery_hours) {agreed_from})"
    holding = f"(EXISTS (SELECT 1 {own_from}) OR EXISTS (SELECT 1 {agreed_from}))"
    select_params = [item_id, today, item_id, today, today, item_id, today, today]  # own_sum, agreed_sum, fastest
    where_params = [item_id, today, item_id, today, today]  # holding
    # The parameters follow the order of the placeholders: SELECT list (sums, then distance), then WHERE.
    d2_params, box_params = params[:6], params[6:]
    sql = _limited(f"SELECT {columns}, {own_sum} AS own, {agreed_sum} AS agreement, "
                   f"{fastest} AS delivery_hours, {d2} AS d2 "
                   f"FROM {_t(Warehouse)} w", f"w.archived_at IS NULL{box_sql} AND {holding}", "d2", box, limit)
    return _rows(sql, [*select_params, *d2_params, *box_params, *where_params])


@_readers_of(RescueTeam)
def teams(lat: float, lng: float, box: dict, limit: int) -> list[dict]:
    d2, box_sql, params = _distance_and_box(lat, lng, box, "t")
    sql = _limited(f"SELECT t.id, t.name, t.latitude, t.longitude, t.kind, t.readiness, t.is_synthetic, {d2} AS d2 "
                   f"FROM {_t(RescueTeam)} t", f"t.archived_at IS NULL AND t.latitude IS NOT NULL{box_sql}",
                   "d2", box, limit)
    return _rows(sql, params)


@_readers_of(Expert)
def experts(lat: float, lng: float, box: dict, limit: int) -> list[dict]:
    d2, box_sql, params = _distance_and_box(lat, lng, box, "e")
    flags = ", ".join(f"e.{attr}" for attr, _code, _label in EXPERT_FIELDS)
    sql = _limited(f"SELECT e.id, e.name, e.latitude, e.longitude, e.available, e.is_synthetic, {flags}, "
                   f"{d2} AS d2 FROM {_t(Expert)} e", f"e.archived_at IS NULL AND e.latitude IS NOT NULL{box_sql}",
                   "d2", box, limit)
    rows = _rows(sql, params)
    for row in rows:
        row["fields"] = [code for attr, code, _label in EXPERT_FIELDS if row.pop(attr)]
    return rows


def quantity(value) -> Decimal:
    """A SUM from either database (SQLite hands back int/float, PostgreSQL Decimal) as an exact decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))
