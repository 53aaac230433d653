"""Use case: people check in and out of an open shelter; occupancy is derived from those records, a
check-in beyond capacity is refused (or admitted and flagged when the override is confirmed), and the
status follows: full when no place is left, open again after a check-out."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from emergency.core.models import AuditEvent
from emergency.resources.shelters import selectors, services
from emergency.resources.shelters.models import Shelter, ShelterStay


def _numbers(shelter):
    return selectors.shelter_numbers(shelter)


def _status(shelter) -> str:
    return Shelter.objects.get(pk=shelter.pk).status


def test_occupancy_is_the_sum_of_open_stays(sh_open_a, bureau_officer):
    a = services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=4)
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="李四", people=3)
    assert _numbers(sh_open_a) == {"capacity": 100, "occupancy": 7, "available": 93}
    assert services.shelter_occupancy(sh_open_a) == 7
    services.shelter_check_out(acting_user=bureau_officer, stay=a)
    assert _numbers(sh_open_a) == {"capacity": 100, "occupancy": 3, "available": 97}
    assert services.shelter_available(sh_open_a) == 97


def test_it_refuses_a_second_check_out(sh_open_a, bureau_officer):
    stay = services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=2)
    services.shelter_check_out(acting_user=bureau_officer, stay=stay)
    with pytest.raises(ValidationError):
        services.shelter_check_out(acting_user=bureau_officer, stay=stay)
    assert _numbers(sh_open_a)["occupancy"] == 0


def test_filling_the_last_place_makes_it_full_and_a_check_out_reopens_it(sh_open_a, bureau_officer):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="大户", people=96)
    assert _status(sh_open_a) == "open"
    last = services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=4)
    assert _status(sh_open_a) == "full"
    assert _numbers(sh_open_a)["available"] == 0

    with pytest.raises(ValidationError) as exc:
        services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="李四", people=1)
    assert "people" in exc.value.message_dict
    assert ShelterStay.objects.filter(head_name="李四").count() == 0
    assert _status(sh_open_a) == "full"

    services.shelter_check_out(acting_user=bureau_officer, stay=last)
    assert _status(sh_open_a) == "open"
    assert _numbers(sh_open_a)["available"] == 4
    assert AuditEvent.objects.filter(object_type="resources.Shelter", object_id=str(sh_open_a.pk),
                                     changes__status=["full", "open"]).exists()


def test_it_refuses_a_household_larger_than_the_places_left(sh_open_a, bureau_officer):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="大户", people=98)
    with pytest.raises(ValidationError) as exc:
        services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=4)
    assert "2" in exc.value.message_dict["people"][0]
    assert _numbers(sh_open_a)["occupancy"] == 98
    assert _status(sh_open_a) == "open"


def test_a_confirmed_override_admits_the_household_and_flags_the_stay(sh_open_a, bureau_officer):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="大户", people=98)
    stay = services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=4,
                                     override=True)
    assert stay.over_capacity is True
    assert _numbers(sh_open_a) == {"capacity": 100, "occupancy": 102, "available": 0}
    assert _status(sh_open_a) == "full"
    assert AuditEvent.objects.filter(object_type="resources.ShelterStay", object_id=str(stay.pk),
                                     changes__over_capacity=[None, True]).exists()


def test_an_override_within_capacity_is_not_flagged(sh_open_a, bureau_officer):
    stay = services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=4,
                                     override=True)
    assert stay.over_capacity is False


def test_it_refuses_a_check_in_while_the_shelter_is_on_standby(sh_shelter_a, bureau_officer):
    with pytest.raises(ValidationError):
        services.shelter_check_in(acting_user=bureau_officer, shelter=sh_shelter_a, head_name="张三", people=1)
    assert ShelterStay.objects.count() == 0


@pytest.mark.parametrize(("name", "people", "phone", "field"), [("", 1, "", "head_name"), ("张三", 0, "", "people"),
                                                                 ("张" * 51, 1, "", "head_name"),
                                                                 ("张三", 1, "1" * 31, "phone")])
def test_it_rejects_a_bad_check_in_naming_the_field(sh_open_a, bureau_officer, name, people, phone, field):
    with pytest.raises(ValidationError) as exc:
        services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name=name, people=people,
                                  phone=phone)
    assert field in exc.value.message_dict
    assert ShelterStay.objects.count() == 0


def test_it_refuses_to_close_while_people_stay_and_closes_once_they_left(sh_open_a, bureau_officer):
    stay = services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=2)
    with pytest.raises(ValidationError):
        services.shelter_close(acting_user=bureau_officer, shelter=sh_open_a)
    services.shelter_check_out(acting_user=bureau_officer, stay=stay)
    services.shelter_close(acting_user=bureau_officer, shelter=sh_open_a)
    assert _status(sh_open_a) == "closed"
