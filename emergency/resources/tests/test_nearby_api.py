"""Use case: the commander asks for the nearest resources to an incident — shelters with room, warehouses
holding an item (own stock, and agreement reserves marked as such), teams with their readiness — nearest
first, and a bad question is answered with a 400 that names the parameter."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login, make_enterprise
from emergency.lib.geo import haversine_m
from emergency.resources.shelters import services

from .conftest import sh_make_shelter, st_make_warehouse

URL = "/api/v1/resources/nearby"
HERE = (30.0, 110.0)


@pytest.fixture
def api(client, bureau_officer):
    return login(client, bureau_officer)


def _get(api, **params):
    params.setdefault("lat", HERE[0])
    params.setdefault("lon", HERE[1])
    return api.get(URL, params)


def _local(rows):
    """The rows near HERE (the shelters of the plan notice lie in Tianjin, far away)."""
    return [r for r in rows if r["distance_m"] < 10_000]


def _warehouse(division, name, lat, lng):
    wh = st_make_warehouse(division, name)
    type(wh).objects.filter(pk=wh.pk).update(latitude=lat, longitude=lng)
    return type(wh).objects.get(pk=wh.pk)


def test_it_lists_shelters_nearest_first_with_available_capacity(api, guangfu, wanghai, bureau_officer):
    far = sh_make_shelter(wanghai, "远处避难场所", user=bureau_officer, lat=30.03, lng=110.03)
    near = sh_make_shelter(guangfu, "近处避难场所", user=bureau_officer, lat=30.001, lng=110.001)
    middle = sh_make_shelter(guangfu, "中间避难场所", user=bureau_officer, lat=30.01, lng=110.01)
    services.shelter_open(acting_user=bureau_officer, shelter=near)
    services.shelter_check_in(acting_user=bureau_officer, shelter=near, head_name="张三", people=4)
    body = _get(api, kinds="shelter", limit="3").json()
    assert [r["id"] for r in body["results"]] == [near.pk, middle.pk, far.pk]
    first = body["results"][0]
    assert first["kind"] == "shelter" and first["available_capacity"] == 96 and first["occupancy"] == 4
    assert first["status"] == "open" and first["capacity"] == 100
    assert first["distance_m"] == pytest.approx(haversine_m(*HERE, 30.001, 110.001), abs=0.1)
    distances = [r["distance_m"] for r in body["results"]]
    assert distances == sorted(distances)


def test_the_limit_keeps_the_nearest(api, guangfu, bureau_officer):
    for i in range(5):
        sh_make_shelter(guangfu, f"场所{i}", user=bureau_officer, lat=30.0 + 0.01 * i, lng=110.0)
    body = _get(api, kinds="shelter", limit="2").json()
    assert [r["name"] for r in body["results"]] == ["场所0", "场所1"]


def test_it_finds_resources_far_beyond_the_first_search_box(api, guangfu, bureau_officer):
    sh_make_shelter(guangfu, "很远的避难场所", user=bureau_officer, lat=31.4, lng=111.7)
    body = _get(api, kinds="shelter").json()
    assert body["results"][0]["name"] == "很远的避难场所"
    assert body["results"][0]["distance_m"] > 100_000
    # Then the four shelters of the plan notice, a thousand kilometres away in Tianjin.
    assert {r["name"] for r in body["results"][1:]} == {"北宁公园", "王串场公园", "天津二中", "天津七十八中学"}


def test_warehouses_come_with_the_available_quantity_of_the_item(api, guangfu, wanghai, st_item, st_other_item,
                                                                 st_receive):
    near = _warehouse(guangfu, "近仓库", 30.002, 110.001)
    far = _warehouse(wanghai, "远仓库", 30.02, 110.02)
    empty = _warehouse(guangfu, "没有这种物资的仓库", 30.0005, 110.0005)
    st_receive(near, st_item, 10, "L1")
    st_receive(near, st_item, "2.5", "L2")
    st_receive(far, st_item, 7, "L3")
    st_receive(empty, st_other_item, 99, "L4")
    body = _get(api, kinds="warehouse", item=str(st_item.pk)).json()
    assert body["item"] == {"id": st_item.pk, "name": str(st_item), "unit": "箱"}
    rows = body["results"]
    assert [r["id"] for r in rows] == [near.pk, far.pk]
    assert rows[0]["stock_source"] == "own"
    assert rows[0]["available_quantity"] == {"own": 12.5, "agreement": 0.0, "total": 12.5, "unit": "箱"}
    assert rows[1]["available_quantity"]["own"] == 7.0


def test_agreement_reserves_are_listed_and_marked(api, guangfu, bureau_officer, st_item):
    from emergency.resources.reserves import services as reserve_services

    supplier = make_enterprise("丙商贸有限公司", 3, guangfu)
    type(supplier).objects.filter(pk=supplier.pk).update(latitude=30.005, longitude=110.005)
    today = datetime.date.today()
    reserve_services.reserve_create(
        acting_user=bureau_officer, contract_number="XY-001", enterprise=supplier, supplier_name="丙商贸有限公司",
        valid_from=today - datetime.timedelta(days=1), valid_until=today + datetime.timedelta(days=30),
        delivery_hours=6, contact_name="孙经理", contact_phone="13500000000",
        lines=[{"item": st_item, "quantity": 300}])
    rows = _get(api, kinds="warehouse", item=str(st_item.pk)).json()["results"]
    assert len(rows) == 1
    assert rows[0]["stock_source"] == "agreement" and rows[0]["delivery_hours"] == 6
    assert rows[0]["available_quantity"] == {"own": 0.0, "agreement": 300.0, "total": 300.0, "unit": "箱"}


def test_teams_come_with_their_readiness(api, guangfu, bureau_officer):
    from emergency.resources.teams import services as services_teams

    team = services_teams.team_create(acting_user=bureau_officer, name="光复道应急小分队", kind="grassroots",
                                      owner_unit="光复道街道", division=guangfu, leader="周队长",
                                      duty_phone="13300000000", latitude=30.001, longitude=110.0)
    services_teams.team_set_readiness(acting_user=bureau_officer, team=team, readiness="deployed")
    rows = _get(api, kinds="team").json()["results"]
    assert [(r["kind"], r["id"], r["readiness"]) for r in rows] == [("team", team.pk, "deployed")]


def test_kinds_mix_in_one_distance_order(api, guangfu, bureau_officer, st_item, st_receive):
    shelter = sh_make_shelter(guangfu, "避难场所", user=bureau_officer, lat=30.01, lng=110.0)
    wh = _warehouse(guangfu, "仓库", 30.001, 110.0)
    st_receive(wh, st_item, 5, "L1")
    rows = _get(api, kinds="shelter,warehouse", limit="2").json()["results"]
    assert [(r["kind"], r["id"]) for r in rows] == [("warehouse", wh.pk), ("shelter", shelter.pk)]


@pytest.mark.parametrize(("params", "field"), [
    ({"lat": "91"}, "lat"), ({"lat": "abc"}, "lat"), ({"lon": "nan"}, "lon"), ({"lon": "-181"}, "lon"),
    ({"lat": ""}, "lat"), ({"kinds": "shelter,helicopter"}, "kinds"), ({"kinds": ""}, "kinds"),
    ({"limit": "ten"}, "limit"), ({"limit": "101"}, "limit"), ({"limit": "0"}, "limit"), ({"limit": "-5"}, "limit"),
    ({"item": "999999"}, "item"), ({"item": "x"}, "item"),
])
def test_it_rejects_a_bad_parameter_naming_it(api, sh_shelter_a, params, field):
    resp = _get(api, **params)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field]


def test_a_missing_coordinate_is_a_400(api):
    resp = api.get(URL, {"lon": "110.0"})
    assert resp.status_code == 400 and list(resp.json()["error"]["fields"]) == ["lat"]


def test_it_is_closed_to_anonymous_callers_and_separated_admins(client, system_admin):
    assert client.get(URL, {"lat": 30.0, "lon": 110.0}).status_code in (401, 403)
    login(client, system_admin)
    assert client.get(URL, {"lat": 30.0, "lon": 110.0}).status_code == 403


@pytest.mark.parametrize("persona", ["enterprise_manager", "expert"])
def test_it_is_closed_to_the_users_the_resource_pages_refuse(client, request, guangfu, bureau_officer, st_item,
                                                             st_receive, persona):
    """Issue 9: enterprise and expert users read no stock, occupancy, teams or experts here either."""
    st_receive(_warehouse(guangfu, "近仓库", 30.002, 110.001), st_item, 5, "L1")
    login(client, request.getfixturevalue(persona))
    resp = client.get(URL, {"lat": HERE[0], "lon": HERE[1], "item": str(st_item.pk)})
    assert resp.status_code == 403
    error = resp.json()["error"]
    assert error["code"] == "permission_denied" and error["fields"] == {} and error["message"]
    assert "results" not in resp.json()


@pytest.mark.parametrize("persona", ["bureau_officer", "department_clerk", "subdistrict_officer"])
def test_it_is_open_to_the_users_of_the_resource_pages(client, request, guangfu, bureau_officer, persona):
    sh_make_shelter(guangfu, "近处避难场所", user=bureau_officer, lat=30.001, lng=110.001)
    login(client, request.getfixturevalue(persona))
    resp = client.get(URL, {"lat": HERE[0], "lon": HERE[1], "kinds": "shelter", "limit": "1"})
    assert resp.status_code == 200 and resp.json()["results"][0]["name"] == "近处避难场所"


@pytest.mark.parametrize("persona", ["enterprise_manager", "expert", "system_admin"])
def test_the_sql_answers_nothing_to_users_outside_the_resource_roles(request, guangfu, bureau_officer, st_item,
                                                                     st_receive, persona):
    """Defence in depth: the raw SQL checks the caller itself, whatever view calls it."""
    from emergency.resources.map import nearby_sql
    from emergency.resources.map import selectors as selectors_map

    sh_make_shelter(guangfu, "近处避难场所", user=bureau_officer, lat=30.001, lng=110.001)
    st_receive(_warehouse(guangfu, "近仓库", 30.002, 110.001), st_item, 5, "L1")
    user = request.getfixturevalue(persona)
    today = datetime.date.today()
    assert nearby_sql.shelters(user, *HERE, {}, 5) == []
    assert nearby_sql.warehouses(user, *HERE, {}, 5, st_item.pk, today) == []
    assert nearby_sql.teams(user, *HERE, {}, 5) == [] and nearby_sql.experts(user, *HERE, {}, 5) == []
    q = selectors_map.NearbyQuery(lat=HERE[0], lng=HERE[1], kinds=["shelter", "warehouse"], limit=5, item=st_item)
    assert selectors_map.nearby(user, q) == []
    # The same calls answer a bureau user.
    assert nearby_sql.shelters(bureau_officer, *HERE, {}, 5)
    assert nearby_sql.warehouses(bureau_officer, *HERE, {}, 5, st_item.pk, today)
    assert selectors_map.nearby(bureau_officer, q)


def test_the_number_of_queries_does_not_grow_with_rows(api, guangfu, bureau_officer, st_item, st_receive):
    def add(n, start):
        for i in range(start, start + n):
            s = sh_make_shelter(guangfu, f"场所{i}", user=bureau_officer, lat=30.0 + 0.0001 * i, lng=110.0)
            services.shelter_open(acting_user=bureau_officer, shelter=s)
            services.shelter_check_in(acting_user=bureau_officer, shelter=s, head_name="张三", people=2)
            st_receive(_warehouse(guangfu, f"仓库{i}", 30.0 - 0.0001 * i, 110.0), st_item, 3, f"L{i}")

    add(3, 0)
    params = {"kinds": "shelter,warehouse,team", "item": str(st_item.pk), "limit": "100"}
    with CaptureQueriesContext(connection) as few:
        assert len(_local(_get(api, **params).json()["results"])) == 6
    add(15, 3)
    with CaptureQueriesContext(connection) as many:
        rows = _local(_get(api, **params).json()["results"])
    assert len(rows) == 36
    assert all(r["available_capacity"] == 98 for r in rows if r["kind"] == "shelter")
    assert len(many.captured_queries) == len(few.captured_queries)
