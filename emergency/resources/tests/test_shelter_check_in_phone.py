"""Issue 11: check-in refuses a phone that is not one (form and service), check-out asks for confirmation, and
detail pages show coordinates with 6 decimals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from conftest import login
from emergency.resources.shelters import services
from emergency.resources.shelters.forms import CheckInForm
from emergency.resources.shelters.models import ShelterStay
from emergency.resources.teams import services as team_services
from emergency.resources.tests.conftest import st_make_warehouse


def not_a_phone(value: str) -> str:
    return _("“%(value)s” is not a phone number.") % {"value": value}


def test_the_form_refuses_a_phone_that_is_not_one():
    form = CheckInForm({"head_name": "张三", "people": "2", "phone": "abc"})
    assert not form.is_valid()
    assert form.errors["phone"] == [not_a_phone("abc")]
    form = CheckInForm({"head_name": "张三", "people": "2", "phone": " 022-2345 6789 "})
    assert form.is_valid() and form.cleaned_data["phone"] == "022-2345 6789"
    assert CheckInForm({"head_name": "张三", "people": "2", "phone": ""}).is_valid()


def test_the_service_refuses_it_too(sh_open_a, bureau_officer):
    with pytest.raises(ValidationError) as err:
        services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=2,
                                  phone="abc")
    assert "phone" in err.value.message_dict
    assert not ShelterStay.objects.exists()


def test_the_page_shows_the_error_and_checks_nobody_in(client, sh_open_a, bureau_officer):
    login(client, bureau_officer)
    resp = client.post(reverse("resources:shelter_check_in", args=[sh_open_a.pk]),
                       {"head_name": "张三", "people": "2", "phone": "abc"})
    assert resp.status_code == 400
    assert not_a_phone("abc") in resp.content.decode()
    assert not ShelterStay.objects.exists()


def test_check_out_asks_for_confirmation(client, sh_open_a, bureau_officer):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="李四", people=2)
    login(client, bureau_officer)
    html = client.get(reverse("resources:shelter_detail", args=[sh_open_a.pk])).content.decode()
    confirm = _("Check out %(name)s?") % {"name": "李四"}
    assert f'data-testid="check-out" data-confirm="{confirm}"' in html


def test_detail_pages_show_coordinates_with_6_decimals(client, guangfu, bureau_officer):
    from emergency.resources.tests.conftest import sh_make_shelter

    login(client, bureau_officer)
    shelter = sh_make_shelter(guangfu, user=bureau_officer, lat=39.1512345678, lng=117.19)
    html = client.get(reverse("resources:shelter_detail", args=[shelter.pk])).content.decode()
    assert "39.151235, 117.190000" in html
    team = team_services.team_create(acting_user=bureau_officer, name="测试队", kind="grassroots", owner_unit="街道",
                                     division=guangfu, leader="王", duty_phone="13800000000",
                                     latitude=39.16, longitude=117.2098765)
    html = client.get(reverse("resources:team_detail", args=[team.pk])).content.decode()
    assert "39.160000, 117.209877" in html
    warehouse = st_make_warehouse(guangfu, "测试库")
    html = client.get(reverse("resources:warehouse_detail", args=[warehouse.pk])).content.decode()
    assert "39.150000, 117.190000" in html
