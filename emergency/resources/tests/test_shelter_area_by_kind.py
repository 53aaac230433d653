"""Use case: DOMAIN.md §5 — the area per person is configurable per shelter kind. The general rule (GB 21734,
1.5 m²) applies to every kind unless `shelter.area_per_person_by_kind_m2` overrides it for that kind; the
boundary is exact (floor of area ÷ area per person)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import login
from emergency.core import rules
from emergency.core.models import Rule
from emergency.resources.shelters import selectors, services

from .conftest import sh_make_shelter

KEY = "shelter.area_per_person_by_kind_m2"


@pytest.fixture
def by_kind(db):
    def _set(value):
        Rule.objects.filter(key=KEY).update(value=value)
        rules.forget(KEY)

    yield _set
    rules.forget(KEY)


def test_the_rule_ships_with_its_source_and_no_unverified_figures(db):
    row = Rule.objects.get(key=KEY)
    assert row.value == {}
    assert "GB 51143" in row.source and row.confidence == "P"
    assert services.area_per_person_table() == {"": Decimal("1.5"), "emergency": Decimal("1.5"),
                                                "fixed": Decimal("1.5"), "central": Decimal("1.5")}


@pytest.mark.parametrize(("area", "places"), [(Decimal("400.0"), 200), (Decimal("399.9"), 199),
                                              (Decimal("401.9"), 200), (Decimal("402.0"), 201)])
def test_a_kind_override_applies_at_its_boundary_and_other_kinds_keep_the_general_rule(
        guangfu, bureau_officer, by_kind, area, places):
    by_kind({"fixed": 2.0})
    fixed = sh_make_shelter(guangfu, "固定场所", area=area, user=bureau_officer, kind="fixed")
    emergency = sh_make_shelter(guangfu, "紧急场所", area=area, user=bureau_officer, kind="emergency")
    assert services.shelter_capacity(fixed) == places
    assert selectors.shelter_numbers(fixed)["capacity"] == places
    general = int(area / Decimal("1.5"))
    assert services.shelter_capacity(emergency) == general
    assert selectors.shelter_numbers(emergency)["capacity"] == general


@pytest.mark.parametrize("bad", [{"fixed": "abc"}, {"fixed": 0}, {"fixed": -2}, ["fixed", 2], "2.0", {"fixed": None}])
def test_a_malformed_override_falls_back_to_the_general_rule(guangfu, bureau_officer, by_kind, bad):
    by_kind(bad)
    shelter = sh_make_shelter(guangfu, area=150, user=bureau_officer, kind="fixed")
    assert services.shelter_capacity(shelter) == 100


def test_pages_and_nearby_use_the_kind_figure(client, guangfu, bureau_officer, by_kind):
    by_kind({"central": 3})
    shelter = sh_make_shelter(guangfu, "中心场所", area=300, user=bureau_officer, kind="central")
    login(client, bureau_officer)
    page = client.get(f"/resources/shelters/{shelter.pk}/").content.decode()
    assert "300.0 m² ÷ 人均3 m²" in page
    listing = client.get("/resources/shelters/").content.decode()
    assert 'data-testid="capacity">100<' in listing
    resp = client.get("/api/v1/resources/nearby", {"lat": 39.15, "lon": 117.19, "kinds": "shelter"})
    assert resp.status_code == 200
    row = next(r for r in resp.json()["results"] if r["id"] == shelter.pk)
    assert row["capacity"] == 100
