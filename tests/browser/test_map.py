"""Use case: the district map works offline — outline, subdistrict labels and community points, no tiles."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from emergency.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# Every point layer (community markers) in the map, however it is clustered.
COUNT_POINTS = """() => {
  const map = window.emMaps["map-config"];
  return Object.entries(map.emLayers)
    .filter(([name]) => name !== "outline" && name !== "subdistricts")
    .reduce((n, [, layer]) => n + layer.getLayers().length, 0);
}"""


def test_the_map_draws_the_district_and_its_communities_without_leaving_the_server(visitor, demo, settings):
    settings.MAP_TILE_URL = ""  # the air-gapped default: no base map
    visitor.log_in("bureau_staff", DEMO_PASSWORD)
    page = visitor.open("/map/")

    the_map = page.locator(".em-map")
    expect(the_map).to_have_attribute("data-em-ready", "true")
    expect(the_map).to_have_class(re.compile(r"\bem-map--no-tiles\b"))
    assert page.locator("path.em-map-outline").count() >= 1
    expect(page.locator(".em-map-label")).to_have_count(10)
    expect(page.locator(".em-map-label-text", has_text="光复道")).to_be_visible()
    assert page.evaluate(COUNT_POINTS) == 30  # 3 synthetic communities in each of the 10 subdistricts
    assert page.locator(".leaflet-marker-pane .leaflet-marker-icon").count() >= 1
    # Clusters are drawn by map.js (coloured by the worst risk inside; communities carry none: neutral).
    assert page.locator(".em-cluster.em-cluster--default").count() >= 1
    assert page.locator(".leaflet-tile").count() == 0
    visitor.screenshot("map.png")

    server = urlsplit(visitor.base_url).netloc
    assert server.startswith("127.0.0.1:")
    assert any(url.endswith("/divisions/points.geojson") for url in visitor.requests)
    assert visitor.hosts_contacted() == {server}
    assert visitor.errors == []
