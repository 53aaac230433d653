"""Use case: the bureau opens a shelter, checks in a household of four, and sees the available places on the
resource map's popup fall by four."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, make_user
from emergency.core.models import Division
from emergency.core.roles import Role
from emergency.resources.shelters.models import Shelter, ShelterStay
from emergency.resources.tests.conftest import sh_make_shelter

pytestmark = pytest.mark.browser

# Open the popup of the shelter marker with this id (whatever cluster holds it) and return its text.
OPEN_SHELTER_POPUP = """(id) => new Promise((resolve, reject) => {
  const map = window.emMaps["map-config"];
  for (const layer of Object.values(map.emLayers)) {
    if (typeof layer.getLayers !== "function") continue;
    const marker = layer.getLayers().find(m => m.feature && m.feature.properties.kind === "shelter"
                                               && m.feature.properties.id === id);
    if (!marker) continue;
    const show = () => { marker.openPopup(); resolve(marker.getPopup().getElement().textContent); };
    if (typeof layer.zoomToShowLayer === "function") layer.zoomToShowLayer(marker, show); else show();
    return;
  }
  reject(new Error("no shelter marker " + id));
})"""


def _numbers(popup: str) -> list[int]:
    """The popup's numbers: capacity, then available places (the title and status hold none)."""
    return [int(n) for n in re.findall(r"\d+", popup)]


def _only_the_shelter_layer_from_the_server(page) -> None:
    """The map fetches its four layers at once, and each request saves the session; the live server's
    in-memory SQLite test database refuses concurrent writers ("database table is locked"). The other
    layers are answered empty by the browser, so only the layer under test reaches the server."""
    empty = json.dumps({"type": "FeatureCollection", "features": []})
    for kind in ("warehouses", "teams", "experts"):
        page.route(f"**/resources/map/{kind}.geojson",
                   lambda route: route.fulfill(status=200, content_type="application/json", body=empty))


def _map_popup(visitor, shelter_id: int, name: str) -> str:
    _only_the_shelter_layer_from_the_server(visitor.page)
    page = visitor.open("/resources/")
    expect(page.locator("[data-testid=resource-map]")).to_have_attribute("data-em-ready", "true")
    text = page.evaluate(OPEN_SHELTER_POPUP, shelter_id)
    expect(page.locator(".leaflet-popup-content")).to_contain_text(name)
    return text


def test_the_bureau_opens_a_shelter_checks_in_a_household_and_the_map_shows_four_places_fewer(
        visitor, transactional_db):
    make_user("bureau_officer", Role.BUREAU_STAFF)
    shelter = sh_make_shelter(Division.objects.get(code="120105001"), "光复道测试避难场所", area=150)

    visitor.log_in("bureau_officer", PASSWORD)
    page = visitor.open(f"/resources/shelters/{shelter.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=open-shelter] button[type=submit]")
    expect(page.locator("[data-testid=status]")).to_have_attribute("data-status", "open")
    assert _numbers(_map_popup(visitor, shelter.pk, shelter.name)) == [100, 100]  # capacity, available

    page = visitor.open(f"/resources/shelters/{shelter.pk}/")
    page.fill("[data-testid=check-in-form] input[name=head_name]", "张三")
    page.fill("[data-testid=check-in-form] input[name=people]", "4")
    page.fill("[data-testid=check-in-form] input[name=phone]", "13900000000")
    with page.expect_navigation():
        page.click("[data-testid=check-in-form] button[type=submit]")
    expect(page.locator("[data-testid=available]")).to_have_text("96")

    assert _numbers(_map_popup(visitor, shelter.pk, shelter.name)) == [100, 96]
    visitor.screenshot("resources-map-popup.png")
    page.goto("about:blank")  # no request of the page may still hold the (in-memory) database
    stay = ShelterStay.objects.get(shelter=shelter)
    assert (stay.people, stay.head_name, stay.over_capacity) == (4, "张三", False)
    assert Shelter.objects.get(pk=shelter.pk).status == "open"
    assert visitor.errors == []
