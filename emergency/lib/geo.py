"""Small, dependency-free geodesy helpers.

* great-circle distance (haversine, mean Earth radius 6 371 008.8 m);
* GCJ-02 <-> WGS-84 conversion. GCJ-02 ("Mars coordinates") is the
  obfuscated datum mandated for published maps in mainland China and used by
  AMap/Gaode, Tencent and most Chinese boundary datasets. ``wgs84_to_gcj02``
  is the widely published forward formula (Krasovsky 1940 ellipsoid
  parameters); ``gcj02_to_wgs84`` inverts it by fixed-point iteration, which
  converges to well below 1e-7 degrees (sub-centimetre) in a few steps.
  Points outside the rough China bounding box are returned unchanged, as the
  offset is not applied there;
* GeoJSON helpers: coordinate conversion of geometries, point-in-polygon and
  approximate area.

All functions are pure and take/return plain Python values.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius

# Parameters of the GCJ-02 forward transform (Krasovsky 1940 ellipsoid).
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

# Inverse iteration settings.
GCJ_INVERSE_TOLERANCE_DEG = 1e-10
GCJ_INVERSE_MAX_ITER = 50

Coord = tuple[float, float]


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two (lat, lng) points in degrees."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def out_of_china(lng: float, lat: float) -> bool:
    """True if the point lies outside the rough box where GCJ-02 is applied."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_delta(lng: float, lat: float) -> Coord:
    """GCJ-02 offset (dlng, dlat) in degrees for a WGS-84 point."""
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _GCJ_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_GCJ_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> Coord:
    """Convert a WGS-84 (lng, lat) to GCJ-02 (lng, lat)."""
    if out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj_delta(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> Coord:
    """Convert a GCJ-02 (lng, lat) to WGS-84 (lng, lat).

    Precise inverse of :func:`wgs84_to_gcj02` by fixed-point iteration:
    w_{n+1} = w_n - (f(w_n) - g). Stops when the step is below
    ``GCJ_INVERSE_TOLERANCE_DEG`` (1e-10 deg); the offset field is smooth
    and its Jacobian is close to the identity, so this takes ~3-5 steps.
    """
    if out_of_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _ in range(GCJ_INVERSE_MAX_ITER):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        d_lng, d_lat = g_lng - lng, g_lat - lat
        w_lng -= d_lng
        w_lat -= d_lat
        if abs(d_lng) < GCJ_INVERSE_TOLERANCE_DEG and abs(d_lat) < GCJ_INVERSE_TOLERANCE_DEG:
            break
    return w_lng, w_lat


def gcj02_roundtrip_residual_deg(lng: float, lat: float) -> float:
    """max(|dlng|, |dlat|) of wgs84_to_gcj02(gcj02_to_wgs84(p)) - p, in degrees."""
    w = gcj02_to_wgs84(lng, lat)
    g = wgs84_to_gcj02(*w)
    return max(abs(g[0] - lng), abs(g[1] - lat))


# --------------------------------------------------------------------------
# GeoJSON helpers
# --------------------------------------------------------------------------


def _map_positions(coords: Any, fn: Callable[[float, float], Coord], depth: int) -> Any:
    if depth == 0:
        lng, lat = fn(float(coords[0]), float(coords[1]))
        return [lng, lat, *coords[2:]]
    return [_map_positions(c, fn, depth - 1) for c in coords]


_POSITION_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def map_geometry(geometry: dict, fn: Callable[[float, float], Coord]) -> dict:
    """Return a copy of a GeoJSON geometry with ``fn(lng, lat)`` applied to
    every position (extra members such as ``properties`` are kept)."""
    gtype = geometry.get("type")
    if gtype == "GeometryCollection":
        out = copy.deepcopy({k: v for k, v in geometry.items() if k != "geometries"})
        out["geometries"] = [map_geometry(g, fn) for g in geometry["geometries"]]
        return out
    if gtype not in _POSITION_DEPTH:
        raise ValueError(f"unsupported geometry type: {gtype!r}")
    out = copy.deepcopy({k: v for k, v in geometry.items() if k != "coordinates"})
    out["coordinates"] = _map_positions(geometry["coordinates"], fn, _POSITION_DEPTH[gtype])
    return out


def convert_geometry_gcj02_to_wgs84(geometry: dict) -> dict:
    """Convert a GeoJSON Polygon/MultiPolygon (also other simple geometry
    types) from GCJ-02 to WGS-84. The input is not modified."""
    return map_geometry(geometry, gcj02_to_wgs84)


def round_geometry(geometry: dict, ndigits: int = 6) -> dict:
    """Round every lng/lat of a geometry to ``ndigits`` decimals."""
    return map_geometry(geometry, lambda lng, lat: (round(lng, ndigits), round(lat, ndigits)))


def polygons_of(geometry: dict) -> list[list[list[list[float]]]]:
    """Polygon/MultiPolygon -> list of polygons (each a list of rings)."""
    gtype = geometry.get("type")
    if gtype == "Polygon":
        return [geometry["coordinates"]]
    if gtype == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"expected Polygon or MultiPolygon, got {gtype!r}")


def iter_vertices(geometry: dict) -> list[Coord]:
    """All (lng, lat) ring vertices of a Polygon/MultiPolygon (closing
    vertices included, as stored)."""
    return [(p[0], p[1]) for poly in polygons_of(geometry) for ring in poly for p in ring]


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    """(min_lng, min_lat, max_lng, max_lat) of a Polygon/MultiPolygon."""
    pts = iter_vertices(geometry)
    lngs = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    return min(lngs), min(lats), max(lngs), max(lats)


def _point_in_ring(lng: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat):
            x_cross = (xj - xi) * (lat - yi) / (yj - yi) + xi
            if lng < x_cross:
                inside = not inside
        j = i
    return inside


def point_in_geometry(lng: float, lat: float, geometry: dict) -> bool:
    """Even-odd point-in-polygon test for a Polygon/MultiPolygon (holes
    respected). Points exactly on an edge may go either way."""
    for poly in polygons_of(geometry):
        if not poly or not _point_in_ring(lng, lat, poly[0]):
            continue
        if not any(_point_in_ring(lng, lat, hole) for hole in poly[1:]):
            return True
    return False


def _ring_area_m2(ring: list[list[float]], lat0: float) -> float:
    """Signed shoelace area of a ring projected equirectangularly about lat0."""
    kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(lat0))
    ky = math.radians(1) * EARTH_RADIUS_M
    s = 0.0
    for i in range(len(ring) - 1):
        x1, y1 = ring[i][0] * kx, ring[i][1] * ky
        x2, y2 = ring[i + 1][0] * kx, ring[i + 1][1] * ky
        s += x1 * y2 - x2 * y1
    return s / 2.0


def geometry_area_m2(geometry: dict) -> float:
    """Approximate area in m² of a Polygon/MultiPolygon (equirectangular
    projection about the bbox centre latitude; fine for district-sized
    shapes, error well under 0.1 %)."""
    _, min_lat, _, max_lat = bbox(geometry)
    lat0 = (min_lat + max_lat) / 2.0
    total = 0.0
    for poly in polygons_of(geometry):
        if not poly:
            continue
        total += abs(_ring_area_m2(poly[0], lat0))
        total -= sum(abs(_ring_area_m2(h, lat0)) for h in poly[1:])
    return total
