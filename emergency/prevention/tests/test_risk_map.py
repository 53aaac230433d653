"""The risk map (四色图): every enterprise on the district map in the colour of its highest current risk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.prevention import services

MAP = reverse("prevention:risk_map")
POINTS = reverse("prevention:risk_map_points")


def assessed_point(user, enterprise, name: str, lec: tuple[int, int, int] | None):
    point = services.risk_point_create(acting_user=user, enterprise=enterprise, name=name, kind="facility",
                                       control_level=2, responsible_person="王工")
    if lec:
        services.risk_assess(acting_user=user, point=point, method="lec", l=lec[0], e=lec[1], c=lec[2])
    return point


@pytest.fixture
def located(enterprise_a, enterprise_b, enterprise_manager, other_enterprise_manager, bureau_officer, guangfu):
    """甲 has a red (420) and a blue (54) point, 乙 an orange one (252), 丁 (光复道) none assessed."""
    for ent in (enterprise_a, enterprise_b):
        ent.latitude, ent.longitude = 39.16, 117.20
        ent.save(update_fields=["latitude", "longitude"])
    assessed_point(enterprise_manager, enterprise_a, "储罐区", (10, 6, 7))
    assessed_point(enterprise_manager, enterprise_a, "办公区", (3, 6, 3))
    assessed_point(other_enterprise_manager, enterprise_b, "冷库", (6, 6, 7))
    ding = make_enterprise("丁仓储有限公司", 4, guangfu, latitude=39.17, longitude=117.21)
    assessed_point(bureau_officer, ding, "货架区", None)
    return {"a": enterprise_a, "b": enterprise_b, "ding": ding}


def features(client, **params) -> dict[str, dict]:
    resp = client.get(POINTS, params)
    assert resp.status_code == 200
    return {f["properties"]["title"]: f for f in resp.json()["features"]}


def test_each_enterprise_takes_the_colour_of_its_highest_current_risk(located, bureau_officer, client):
    login(client, bureau_officer)
    found = features(client)

    assert {name: f["properties"]["color"] for name, f in found.items()} == {
        "甲化工有限公司": "red", "乙机械有限公司": "orange", "丁仓储有限公司": "grey"}
    a = found["甲化工有限公司"]
    assert a["geometry"]["coordinates"] == [117.20, 39.16]
    assert a["properties"]["href"] == f"{reverse('prevention:ledger_risk_points')}?enterprise={located['a'].pk}"
    assert "2" in a["properties"]["popup"]


def test_a_reassessment_changes_the_colour(located, enterprise_manager, bureau_officer, client):
    point = located["a"].risk_points.get(name="储罐区")
    services.risk_assess(acting_user=enterprise_manager, point=point, method="ls", l=1, s=3)  # 3: blue
    login(client, bureau_officer)

    assert features(client)["甲化工有限公司"]["properties"]["color"] == "blue"


def test_each_level_is_its_own_layer(located, bureau_officer, client):
    login(client, bureau_officer)

    assert set(features(client, level="1")) == {"甲化工有限公司"}
    assert set(features(client, level="2")) == {"乙机械有限公司"}
    assert set(features(client, level="4")) == set()
    assert set(features(client, level="none")) == {"丁仓储有限公司"}
    config = client.get(MAP).context["map_config"]
    assert [layer["url"].rsplit("=", 1)[1] for layer in config["layers"]] == ["1", "2", "3", "4", "none"]


def test_it_rejects_an_unknown_level_naming_the_field(located, bureau_officer, client):
    login(client, bureau_officer)
    resp = client.get(POINTS, {"level": "red"})

    assert resp.status_code == 400 and "level" in resp.json()["errors"]


def test_an_enterprise_without_a_location_is_not_on_the_map(located, enterprise_b, bureau_officer, client):
    enterprise_b.latitude = None
    enterprise_b.save(update_fields=["latitude"])
    login(client, bureau_officer)

    assert "乙机械有限公司" not in features(client)


def test_a_subdistrict_sees_only_its_enterprises_and_an_enterprise_only_itself(located, subdistrict_officer,
                                                                               enterprise_manager, client):
    login(client, subdistrict_officer)
    assert set(features(client)) == {"甲化工有限公司", "丁仓储有限公司"}

    login(client, enterprise_manager)
    assert set(features(client)) == {"甲化工有限公司"}
    assert client.get(MAP, {"enterprise": located["b"].pk}).status_code == 404


def test_the_map_page_lists_an_enterprises_risk_points_and_the_counts(located, bureau_officer, client):
    login(client, bureau_officer)
    resp = client.get(MAP, {"enterprise": located["a"].pk})

    assert [p.name for p in resp.context["points"]] == ["储罐区", "办公区"]
    summary = resp.context["summary"]
    assert summary["total"].by_level == {1: 1, 2: 1, 3: 0, 4: 1, None: 1}
    page = resp.content.decode()
    assert 'data-testid="enterprise-points"' in page and 'data-testid="points-by-subdistrict"' in page
    assert 'id="map-config"' in page and "static/js/map.js" in page


def test_the_map_endpoint_runs_a_fixed_number_of_queries(bureau_officer, guangfu, client,
                                                         django_assert_max_num_queries):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            ent = make_enterprise(f"企业{i}", 100 + i, guangfu, latitude=39.1, longitude=117.2)
            assessed_point(bureau_officer, ent, "风险点", (6, 6, 7) if i % 2 else None)

    login(client, bureau_officer)
    add(5, 0)
    client.get(POINTS)
    with django_assert_max_num_queries(12) as few:
        assert len(client.get(POINTS).json()["features"]) == 5
    add(25, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(POINTS).json()["features"]) == 30
    with django_assert_max_num_queries(len(few.captured_queries) + 8):
        assert client.get(MAP).status_code == 200
