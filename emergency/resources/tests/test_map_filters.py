"""Use case: the commander narrows the resource map — teams by kind and readiness, shelters by status and by the
places still free, warehouses holding an item (with its available quantity, own and agreement stock), experts
by field and availability. The page's GET form passes its valid filters on to each layer; a bad value is shown
as a form error on the page and ignored, and a layer asked with one answers 400 naming the field."""

from __future__ import annotations

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login
from emergency.resources.reserves import services as reserve_services
from emergency.resources.shelters import services
from emergency.resources.teams import services as services_teams

from .conftest import sh_make_shelter, st_make_warehouse, tm_make_team

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def _config(resp) -> dict:
    return json.loads(resp.content.decode().split('id="map-config" type="application/json">')[1].split("<")[0])


def _layer_urls(resp) -> dict[str, str]:
    return {urlsplit(layer["url"]).path.rsplit("/", 1)[1].removesuffix(".geojson"): layer["url"]
            for layer in _config(resp)["layers"]}


def _layer(client, kind, **params):
    resp = client.get(f"/resources/map/{kind}.geojson", params)
    assert resp.status_code == 200, resp.content
    return resp.json()["features"]


def _ids(features) -> set[int]:
    return {f["properties"]["id"] for f in features}


def _expert(user, name, *, available=True, **fields):
    return services_teams.expert_create(acting_user=user, name=name, phone="13900000000", available=available,
                                        latitude=39.15, longitude=117.19, **fields)


def _agreement(user, number, item, quantity, *, warehouse=None, start=TODAY - DAY, end=TODAY + 30 * DAY):
    return reserve_services.reserve_create(
        acting_user=user, contract_number=number, supplier_name="某供应商", warehouse=warehouse, valid_from=start,
        valid_until=end, delivery_hours=6, contact_name="周经理", contact_phone="13600001111",
        lines=[{"item": item, "quantity": quantity}])


# --- the page --------------------------------------------------------------------------------------------------

def test_the_page_passes_each_layer_only_its_own_valid_filters(client, bureau_officer, st_item):
    login(client, bureau_officer)
    resp = client.get("/resources/", {"team_kind": "social", "team_readiness": "standby", "shelter_status": "open",
                                      "shelter_min_available": "10", "item": str(st_item.pk),
                                      "expert_field": "earthquake", "expert_available": "1"})
    assert resp.status_code == 200
    urls = _layer_urls(resp)
    assert parse_qs(urlsplit(urls["teams"]).query) == {"team_kind": ["social"], "team_readiness": ["standby"]}
    assert parse_qs(urlsplit(urls["shelters"]).query) == {"shelter_status": ["open"],
                                                          "shelter_min_available": ["10"]}
    assert parse_qs(urlsplit(urls["warehouses"]).query) == {"item": [str(st_item.pk)]}
    assert parse_qs(urlsplit(urls["experts"]).query) == {"expert_field": ["earthquake"], "expert_available": ["1"]}
    page = resp.content.decode()
    assert 'data-testid="map-filters"' in page and 'data-testid="map-filter-errors"' not in page


def test_without_filters_the_layer_urls_are_plain(client, bureau_officer):
    login(client, bureau_officer)
    urls = _layer_urls(client.get("/resources/"))
    assert all("?" not in url for url in urls.values())


@pytest.mark.parametrize("bad", [
    {"team_kind": "helicopter"}, {"team_readiness": "asleep"}, {"shelter_status": "burning"},
    {"shelter_min_available": "many"}, {"shelter_min_available": "-3"}, {"shelter_min_available": "1e99"},
    {"item": "999999"}, {"item": "abc"}, {"expert_field": "astrology"}, {"expert_available": "yes"},
])
def test_a_bad_filter_is_shown_as_an_error_and_ignored(client, bureau_officer, bad):
    login(client, bureau_officer)
    params = {"team_kind": "social", **bad} if "team_kind" not in bad else {"shelter_status": "open", **bad}
    resp = client.get("/resources/", params)
    assert resp.status_code == 200
    (name,) = bad
    page = resp.content.decode()
    assert 'data-testid="map-filter-errors"' in page and "invalid-feedback" in page
    urls = _layer_urls(resp)
    assert all(f"{name}=" not in url for url in urls.values())
    # The good filter next to it still applies.
    good = "team_kind=social" if "team_kind" not in bad else "shelter_status=open"
    assert any(url.endswith(good) for url in urls.values())


def test_the_map_page_query_count_does_not_depend_on_the_filters(client, bureau_officer, st_item):
    login(client, bureau_officer)
    client.get("/resources/")
    with CaptureQueriesContext(connection) as plain:
        client.get("/resources/")
    with CaptureQueriesContext(connection) as filtered:
        client.get("/resources/", {"team_kind": "social", "item": str(st_item.pk), "shelter_min_available": "5"})
    # The item select lists the catalogue (one query) and the chosen item is looked up once.
    assert len(filtered) <= len(plain) + 2


# --- the layers ------------------------------------------------------------------------------------------------

def test_teams_are_filtered_by_kind_and_readiness(client, bureau_officer, guangfu):
    social = tm_make_team(guangfu, "社会救援队", user=bureau_officer, kind="social")
    grassroots = tm_make_team(guangfu, "基层救援队", user=bureau_officer, kind="grassroots")
    deployed = tm_make_team(guangfu, "已出动的社会救援队", user=bureau_officer, kind="social")
    services_teams.team_set_readiness(acting_user=bureau_officer, team=deployed, readiness="deployed")
    login(client, bureau_officer)
    assert _ids(_layer(client, "teams")) == {social.pk, grassroots.pk, deployed.pk}
    assert _ids(_layer(client, "teams", team_kind="social")) == {social.pk, deployed.pk}
    assert _ids(_layer(client, "teams", team_readiness="deployed")) == {deployed.pk}
    features = _layer(client, "teams", team_kind="social", team_readiness="standby")
    assert _ids(features) == {social.pk}
    assert features[0]["properties"]["href"] == f"/resources/teams/{social.pk}/"


def test_shelters_are_filtered_by_status_and_computed_available_places(client, bureau_officer, guangfu):
    roomy = sh_make_shelter(guangfu, "宽敞的避难场所", user=bureau_officer, area=300)  # 200 places
    nearly_full = sh_make_shelter(guangfu, "快满的避难场所", user=bureau_officer, area=150)  # 100 places
    services.shelter_open(acting_user=bureau_officer, shelter=roomy)
    services.shelter_open(acting_user=bureau_officer, shelter=nearly_full)
    services.shelter_check_in(acting_user=bureau_officer, shelter=nearly_full, head_name="张三", people=95)
    standby = sh_make_shelter(guangfu, "待命的避难场所", user=bureau_officer)
    login(client, bureau_officer)
    assert _ids(_layer(client, "shelters", shelter_status="open")) == {roomy.pk, nearly_full.pk}
    assert standby.pk in _ids(_layer(client, "shelters", shelter_status="standby"))
    # 5 places left at the nearly full one: asking for 6 keeps the roomy one only (and no shipped shelter is
    # open, so none of them either).
    assert _ids(_layer(client, "shelters", shelter_status="open", shelter_min_available="6")) == {roomy.pk}
    assert _ids(_layer(client, "shelters", shelter_status="open", shelter_min_available="5")) == {
        roomy.pk, nearly_full.pk}
    assert _ids(_layer(client, "shelters", shelter_min_available="150")) >= {roomy.pk}
    assert nearly_full.pk not in _ids(_layer(client, "shelters", shelter_min_available="150"))


def test_warehouses_are_filtered_by_item_with_own_and_agreement_quantities(client, bureau_officer, guangfu, st_item,
                                                                          st_other_item, st_receive):
    own_only = st_make_warehouse(guangfu, "自有库存仓库")
    both = st_make_warehouse(guangfu, "自有加协议仓库")
    agreement_only = st_make_warehouse(guangfu, "只有协议储备的仓库")
    expired_only = st_make_warehouse(guangfu, "只有过期库存的仓库")
    other_item = st_make_warehouse(guangfu, "其他物资仓库")
    st_receive(own_only, st_item, 10, "L1")
    st_receive(both, st_item, "2.5", "L2")
    st_receive(expired_only, st_item, 9, "L3", expires_on=TODAY - DAY)
    st_receive(other_item, st_other_item, 9, "L4")
    _agreement(bureau_officer, "XY-BOTH", st_item, 100, warehouse=both)
    _agreement(bureau_officer, "XY-ONLY", st_item, 40, warehouse=agreement_only)
    _agreement(bureau_officer, "XY-OLD", st_item, 999, warehouse=expired_only, start=TODAY - 60 * DAY,
               end=TODAY - DAY)
    login(client, bureau_officer)
    assert len(_layer(client, "warehouses")) == 5
    features = {f["properties"]["id"]: f["properties"] for f in _layer(client, "warehouses", item=str(st_item.pk))}
    assert set(features) == {own_only.pk, both.pk, agreement_only.pk}
    assert features[own_only.pk]["available_quantity"] == {"own": 10.0, "agreement": 0.0, "total": 10.0,
                                                           "unit": "箱"}
    assert features[own_only.pk]["stock_source"] == "own"
    assert features[both.pk]["available_quantity"] == {"own": 2.5, "agreement": 100.0, "total": 102.5, "unit": "箱"}
    assert features[both.pk]["stock_source"] == "own+agreement"
    assert features[agreement_only.pk]["stock_source"] == "agreement"
    popup = features[both.pk]["popup"]
    assert "102.5" in popup and "2.5" in popup and "100" in popup
    assert features[both.pk]["href"] == f"/resources/stock/warehouses/{both.pk}/"


def test_experts_are_filtered_by_field_and_availability(client, bureau_officer):
    quake = _expert(bureau_officer, "地震专家", field_earthquake=True)
    busy_quake = _expert(bureau_officer, "忙碌的地震专家", available=False, field_earthquake=True)
    flood = _expert(bureau_officer, "防汛专家", field_flood_drought=True, field_earthquake=False)
    login(client, bureau_officer)
    assert _ids(_layer(client, "experts")) == {quake.pk, busy_quake.pk, flood.pk}
    assert _ids(_layer(client, "experts", expert_field="earthquake")) == {quake.pk, busy_quake.pk}
    assert _ids(_layer(client, "experts", expert_available="1")) == {quake.pk, flood.pk}
    assert _ids(_layer(client, "experts", expert_field="earthquake", expert_available="1")) == {quake.pk}
    assert _ids(_layer(client, "experts", expert_field="work_safety")) == set()


def test_a_layer_ignores_the_other_layers_parameters(client, bureau_officer, guangfu):
    team = tm_make_team(guangfu, "救援队", user=bureau_officer)
    login(client, bureau_officer)
    assert _ids(_layer(client, "teams", shelter_status="nonsense", item="x")) == {team.pk}


@pytest.mark.parametrize(("kind", "params", "field"), [
    ("teams", {"team_kind": "helicopter"}, "team_kind"),
    ("teams", {"team_readiness": ""}, None),
    ("teams", {"team_readiness": "asleep"}, "team_readiness"),
    ("shelters", {"shelter_status": "burning"}, "shelter_status"),
    ("shelters", {"shelter_min_available": "ten"}, "shelter_min_available"),
    ("shelters", {"shelter_min_available": "-1"}, "shelter_min_available"),
    ("shelters", {"shelter_min_available": "99999999999999999999"}, "shelter_min_available"),
    ("warehouses", {"item": "999999"}, "item"),
    ("warehouses", {"item": "1; DROP TABLE"}, "item"),
    ("experts", {"expert_field": "astrology"}, "expert_field"),
    ("experts", {"expert_available": "maybe"}, "expert_available"),
])
def test_a_layer_asked_with_a_bad_value_answers_400_naming_the_field(client, bureau_officer, kind, params, field):
    login(client, bureau_officer)
    resp = client.get(f"/resources/map/{kind}.geojson", params)
    if field is None:  # an empty value is no filter
        assert resp.status_code == 200
        return
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field]


@pytest.mark.parametrize(("kind", "params"), [
    ("shelters", {"shelter_status": "open", "shelter_min_available": "1"}),
    ("warehouses", {"item": "ITEM"}),
    ("teams", {"team_kind": "social", "team_readiness": "standby"}),
    ("experts", {"expert_field": "earthquake", "expert_available": "1"}),
])
def test_a_filtered_layer_takes_the_same_number_of_queries_at_5_and_30_rows(client, bureau_officer, guangfu,
                                                                            st_item, st_receive, kind, params):
    params = {k: (str(st_item.pk) if v == "ITEM" else v) for k, v in params.items()}

    def add(start, stop):
        for i in range(start, stop):
            if kind == "shelters":
                s = sh_make_shelter(guangfu, f"场所{i}", user=bureau_officer)
                services.shelter_open(acting_user=bureau_officer, shelter=s)
                services.shelter_check_in(acting_user=bureau_officer, shelter=s, head_name="张三", people=2)
            elif kind == "warehouses":
                wh = st_make_warehouse(guangfu, f"仓库{i}")  # own stock, agreement stock, or both
                if i % 3 != 2:
                    st_receive(wh, st_item, 3, f"L{i}")
                if i % 3 != 1:
                    _agreement(bureau_officer, f"XY-{i}", st_item, 5, warehouse=wh)
            elif kind == "teams":
                tm_make_team(guangfu, f"队伍{i}", user=bureau_officer, kind="social")
            else:
                _expert(bureau_officer, f"专家{i}", field_earthquake=True)

    login(client, bureau_officer)
    add(0, 5)
    _layer(client, kind, **params)  # warm the session and the rules cache
    with CaptureQueriesContext(connection) as few:
        n_few = len(_layer(client, kind, **params))
    add(5, 30)
    with CaptureQueriesContext(connection) as many:
        n_many = len(_layer(client, kind, **params))
    assert n_many == n_few + 25
    assert len(many.captured_queries) == len(few.captured_queries)
