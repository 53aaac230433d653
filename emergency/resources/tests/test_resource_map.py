"""Use case: the commander opens the resource map — shelters (with live available places in the popup),
warehouses, teams and experts as layers that can be switched on and off."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login
from emergency.resources.shelters import services

from .conftest import sh_make_shelter, st_make_warehouse


def _layer(client, kind):
    resp = client.get(f"/resources/map/{kind}.geojson")
    assert resp.status_code == 200
    return resp.json()["features"]


def test_the_map_page_offers_one_clustered_layer_per_kind(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get("/resources/")
    assert resp.status_code == 200
    config = json.loads(resp.content.decode().split('id="map-config" type="application/json">')[1].split("<")[0])
    urls = [layer["url"] for layer in config["layers"]]
    assert urls[:2] == ["/resources/map/shelters.geojson", "/resources/map/warehouses.geojson"]
    assert set(urls) == {f"/resources/map/{k}.geojson" for k in ("shelters", "warehouses", "teams", "experts")}
    assert all(layer["cluster"] for layer in config["layers"])


def test_the_shelter_popup_shows_the_live_available_places(client, sh_open_a, bureau_officer):
    login(client, bureau_officer)
    mine = [f for f in _layer(client, "shelters") if f["properties"]["id"] == sh_open_a.pk]
    assert mine[0]["properties"]["available"] == 100
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=4)
    props = [f for f in _layer(client, "shelters") if f["properties"]["id"] == sh_open_a.pk][0]["properties"]
    assert props["available"] == 96 and props["capacity"] == 100
    assert "96" in props["popup"] and props["href"] == f"/resources/shelters/{sh_open_a.pk}/"
    assert mine[0]["geometry"]["coordinates"] == [117.19, 39.15]


def test_the_shipped_shelters_are_on_the_map_marked_approximate(client, bureau_officer):
    login(client, bureau_officer)
    names = {f["properties"]["title"]: f["properties"]["popup"] for f in _layer(client, "shelters")}
    assert {"北宁公园", "王串场公园", "天津二中", "天津七十八中学"} <= set(names)
    assert all("\n" in popup for popup in names.values())


def test_warehouses_and_teams_have_their_layers(client, guangfu, bureau_officer):
    from emergency.resources.teams import services as services_teams

    wh = st_make_warehouse(guangfu, "光复道街物资库")
    services_teams.team_create(acting_user=bureau_officer, name="光复道应急小分队", kind="grassroots",
                               owner_unit="光复道街道", division=guangfu, leader="周队长", duty_phone="13300000000",
                               latitude=39.151, longitude=117.190)
    login(client, bureau_officer)
    assert [f["properties"]["title"] for f in _layer(client, "warehouses")] == [wh.name]
    assert [f["properties"]["title"] for f in _layer(client, "teams")] == ["光复道应急小分队"]
    assert _layer(client, "experts") == []


def test_a_subdistrict_user_sees_every_subdistricts_shelters_on_the_map(client, sh_shelter_b, subdistrict_officer):
    login(client, subdistrict_officer)
    assert sh_shelter_b.pk in {f["properties"]["id"] for f in _layer(client, "shelters")}


def test_an_unknown_layer_is_not_found(client, bureau_officer):
    login(client, bureau_officer)
    assert client.get("/resources/map/helicopters.geojson").status_code == 404


def test_the_map_is_closed_to_enterprises(client, enterprise_manager):
    login(client, enterprise_manager)
    assert client.get("/resources/").status_code == 403
    assert client.get("/resources/map/shelters.geojson").status_code == 403


@pytest.mark.parametrize("kind", ["shelters", "warehouses"])
def test_a_layer_takes_the_same_number_of_queries_for_many_rows(client, guangfu, bureau_officer, kind):
    login(client, bureau_officer)

    def add(n, start):
        for i in range(start, start + n):
            s = sh_make_shelter(guangfu, f"场所{i}", user=bureau_officer)
            services.shelter_open(acting_user=bureau_officer, shelter=s)
            services.shelter_check_in(acting_user=bureau_officer, shelter=s, head_name="张三", people=2)
            st_make_warehouse(guangfu, f"仓库{i}")

    add(2, 0)
    with CaptureQueriesContext(connection) as few:
        n_few = len(_layer(client, kind))
    add(10, 2)
    with CaptureQueriesContext(connection) as many:
        n_many = len(_layer(client, kind))
    assert n_many == n_few + 10
    assert len(many.captured_queries) == len(few.captured_queries)
