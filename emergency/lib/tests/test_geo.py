"""Tests for emergency.lib.geo and the committed district geodata (no Django)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from emergency.lib import geo

ROOT = Path(__file__).resolve().parents[3]
OUTLINE = ROOT / "static" / "geo" / "hebei_district.geojson"
SUBDISTRICTS = ROOT / "static" / "geo" / "subdistricts.geojson"

# District centre (WGS-84) and a few points around Tianjin.
CENTRE = (117.1962, 39.1598)  # (lng, lat)
TIANJIN_POINTS = [
    CENTRE,
    (117.2000, 39.1333),
    (117.1600, 39.1200),
    (117.2500, 39.1900),
    (117.7000, 39.0300),  # Binhai
]


def _shoelace_area_km2(ring: list[list[float]]) -> float:
    """Independent planar-equirectangular shoelace, for cross-checking."""
    lat0 = math.radians(sum(p[1] for p in ring) / len(ring))
    r = 6371.0088
    xs = [math.radians(p[0]) * r * math.cos(lat0) for p in ring]
    ys = [math.radians(p[1]) * r for p in ring]
    s = sum(xs[i] * ys[i + 1] - xs[i + 1] * ys[i] for i in range(len(ring) - 1))
    return abs(s) / 2.0


@pytest.fixture(scope="module")
def outline() -> dict:
    return json.loads(OUTLINE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outline_geometry(outline: dict) -> dict:
    return outline["features"][0]["geometry"]


# --- conversions -----------------------------------------------------------


@pytest.mark.parametrize("lng,lat", TIANJIN_POINTS)
def test_roundtrip_gcj_wgs_gcj(lng: float, lat: float) -> None:
    w_lng, w_lat = geo.gcj02_to_wgs84(lng, lat)
    g_lng, g_lat = geo.wgs84_to_gcj02(w_lng, w_lat)
    assert abs(g_lng - lng) < 1e-6
    assert abs(g_lat - lat) < 1e-6
    # the iterative inverse is far better than the required 1e-7 deg
    assert geo.gcj02_roundtrip_residual_deg(lng, lat) < 1e-9


@pytest.mark.parametrize("lng,lat", TIANJIN_POINTS)
def test_roundtrip_wgs_gcj_wgs(lng: float, lat: float) -> None:
    w = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lng, lat))
    assert w[0] == pytest.approx(lng, abs=1e-7)
    assert w[1] == pytest.approx(lat, abs=1e-7)


@pytest.mark.parametrize("lng,lat", TIANJIN_POINTS)
def test_offset_magnitude_in_tianjin(lng: float, lat: float) -> None:
    g_lng, g_lat = geo.wgs84_to_gcj02(lng, lat)
    d = geo.haversine_m(lat, lng, g_lat, g_lng)
    assert 100 < d < 800
    # GCJ-02 shifts Tianjin roughly east-north-east
    assert g_lng > lng and g_lat > lat


def test_out_of_china() -> None:
    assert not geo.out_of_china(*CENTRE)
    assert not geo.out_of_china(116.397, 39.909)  # Beijing
    assert geo.out_of_china(-0.1276, 51.5072)  # London
    assert geo.out_of_china(139.6917, 35.6895)  # Tokyo
    assert geo.out_of_china(151.2093, -33.8688)  # Sydney
    # no offset applied outside China
    assert geo.wgs84_to_gcj02(-0.1276, 51.5072) == (-0.1276, 51.5072)
    assert geo.gcj02_to_wgs84(-0.1276, 51.5072) == (-0.1276, 51.5072)


def test_convert_geometry_does_not_mutate_and_converts_every_vertex() -> None:
    poly = {
        "type": "Polygon",
        "coordinates": [[[117.19, 39.15], [117.21, 39.15], [117.21, 39.17], [117.19, 39.15]]],
    }
    before = json.dumps(poly)
    out = geo.convert_geometry_gcj02_to_wgs84(poly)
    assert json.dumps(poly) == before
    assert out["type"] == "Polygon"
    for src, dst in zip(poly["coordinates"][0], out["coordinates"][0], strict=True):
        assert tuple(dst) == pytest.approx(geo.gcj02_to_wgs84(*src))
    multi = geo.convert_geometry_gcj02_to_wgs84(
        {"type": "MultiPolygon", "coordinates": [poly["coordinates"]]}
    )
    assert multi["coordinates"][0] == out["coordinates"]
    with pytest.raises(ValueError):
        geo.convert_geometry_gcj02_to_wgs84({"type": "Circle", "coordinates": []})


# --- distance / area helpers ----------------------------------------------


def test_haversine_one_degree_latitude() -> None:
    d = geo.haversine_m(39.0, 117.0, 40.0, 117.0)
    assert d == pytest.approx(111_190, rel=0.005)
    assert geo.haversine_m(39.1598, 117.1962, 39.1598, 117.1962) == 0.0


def test_haversine_one_degree_longitude_scales_with_cos_lat() -> None:
    d = geo.haversine_m(39.1598, 117.0, 39.1598, 118.0)
    assert d == pytest.approx(111_195 * math.cos(math.radians(39.1598)), rel=0.001)


def test_area_and_point_in_polygon_on_a_square() -> None:
    # 0.01 deg square at the equator: ~1.1119 km x 1.1119 km, with a hole
    sq = [[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]
    hole = [[0.004, 0.004], [0.006, 0.004], [0.006, 0.006], [0.004, 0.006], [0.004, 0.004]]
    g = {"type": "Polygon", "coordinates": [sq]}
    assert geo.geometry_area_m2(g) == pytest.approx(1111.95**2, rel=1e-3)
    gh = {"type": "Polygon", "coordinates": [sq, hole]}
    assert geo.geometry_area_m2(gh) == pytest.approx(1111.95**2 * 0.96, rel=1e-3)
    assert geo.point_in_geometry(0.002, 0.002, gh)
    assert not geo.point_in_geometry(0.005, 0.005, gh)
    assert not geo.point_in_geometry(0.02, 0.005, gh)


# --- committed data --------------------------------------------------------


def test_outline_is_feature_collection(outline: dict) -> None:
    assert outline["type"] == "FeatureCollection"
    assert len(outline["features"]) == 1
    feature = outline["features"][0]
    assert feature["type"] == "Feature"
    assert feature["properties"]["code"] == "120105"
    assert feature["properties"]["name"] == "河北区"
    assert "WGS-84" in feature["properties"]["crs_note"]
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_outline_vertices_in_bbox_and_rings_closed(outline_geometry: dict) -> None:
    verts = geo.iter_vertices(outline_geometry)
    assert len(verts) > 50
    for lng, lat in verts:
        assert 117.15 <= lng <= 117.28, lng
        assert 39.12 <= lat <= 39.20, lat
        # rounded to 6 decimals
        assert round(lng, 6) == lng and round(lat, 6) == lat
    for poly in geo.polygons_of(outline_geometry):
        for ring in poly:
            assert ring[0] == ring[-1]
            assert len(ring) >= 4


def test_outline_area(outline_geometry: dict) -> None:
    outer = sum(_shoelace_area_km2(poly[0]) for poly in geo.polygons_of(outline_geometry))
    holes = sum(_shoelace_area_km2(r) for poly in geo.polygons_of(outline_geometry) for r in poly[1:])
    area = outer - holes
    assert 25 < area < 33
    assert geo.geometry_area_m2(outline_geometry) / 1e6 == pytest.approx(area, rel=1e-3)


def test_outline_contains_district_centre(outline_geometry: dict) -> None:
    assert geo.point_in_geometry(*CENTRE, outline_geometry)


def test_subdistricts(outline_geometry: dict) -> None:
    data = json.loads(SUBDISTRICTS.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    feats = data["features"]
    assert len(feats) == 10
    codes = [f["properties"]["code"] for f in feats]
    assert codes == [f"1201050{n:02d}" for n in range(1, 11)]
    names = {f["properties"]["code"]: f["properties"]["name"] for f in feats}
    assert names["120105001"] == "光复道"
    assert names["120105010"] == "月牙河"
    for f in feats:
        assert f["properties"]["approximate"] is True
        assert f["geometry"]["type"] == "Point"
        lng, lat = f["geometry"]["coordinates"]
        assert geo.point_in_geometry(lng, lat, outline_geometry), f["properties"]["name"]
    # spread out: no two label points closer than 800 m
    pts = [f["geometry"]["coordinates"] for f in feats]
    for i, (lng1, lat1) in enumerate(pts):
        for lng2, lat2 in pts[i + 1 :]:
            assert geo.haversine_m(lat1, lng1, lat2, lng2) > 800
