"""Use case: the capacity of a shelter is its effective area ÷ the area per person in the rules table,
rounded down (GB 21734: 1.5 m² per person by default)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import login
from emergency.resources.shelters import selectors, services
from emergency.resources.shelters.models import Shelter

from .conftest import sh_make_shelter


@pytest.mark.parametrize(("area", "places"), [(150, 100), (Decimal("151.4"), 100), (151.4, 100),
                                              (Decimal("148.5"), 99), (Decimal("1.4"), 0)])
def test_capacity_is_the_area_over_one_and_a_half_square_metres_rounded_down(guangfu, bureau_officer, area, places):
    shelter = sh_make_shelter(guangfu, area=area, user=bureau_officer)
    assert services.shelter_capacity(shelter) == places
    assert services.shelter_capacity(Shelter.objects.get(pk=shelter.pk)) == places
    assert selectors.shelter_numbers(shelter)["capacity"] == places


def test_the_capacity_follows_the_rules_table(guangfu, bureau_officer, sh_area_rule):
    shelter = sh_make_shelter(guangfu, area=150, user=bureau_officer)
    sh_area_rule(2.0)
    assert services.shelter_capacity(shelter) == 75
    assert selectors.shelter_numbers(shelter) == {"capacity": 75, "occupancy": 0, "available": 75}


def test_the_list_page_shows_the_computed_numbers_and_follows_the_rule(client, sh_open_a, bureau_officer,
                                                                       sh_area_rule):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=4)
    login(client, bureau_officer)
    resp = client.get("/resources/shelters/")
    row = resp.content.decode()
    assert resp.status_code == 200
    assert 'data-testid="capacity">100<' in row and 'data-testid="available">96<' in row
    sh_area_rule(2.0)
    row = client.get("/resources/shelters/").content.decode()
    assert 'data-testid="capacity">75<' in row and 'data-testid="available">71<' in row


@pytest.mark.parametrize("area", [0, -10])
def test_it_rejects_a_shelter_without_a_positive_area(guangfu, bureau_officer, area):
    with pytest.raises(ValidationError) as exc:
        sh_make_shelter(guangfu, area=area, user=bureau_officer)
    assert "effective_area_m2" in exc.value.message_dict
    assert not Shelter.objects.filter(name="测试避难场所").exists()
