"""Use case: opening a shelter needs an authorised user and is audited; a subdistrict user manages only its
own subdistrict's shelters but sees every shelter of the district."""

from __future__ import annotations

import pytest

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.shared.services import NotAllowed
from emergency.resources.shelters import services
from emergency.resources.shelters.models import Shelter, ShelterStay

from .conftest import sh_make_shelter


def test_the_bureau_opens_a_shelter_and_it_is_audited(sh_shelter_a, bureau_officer):
    services.shelter_open(acting_user=bureau_officer, shelter=sh_shelter_a)
    assert Shelter.objects.get(pk=sh_shelter_a.pk).status == "open"
    event = AuditEvent.objects.get(object_type="resources.Shelter", object_id=str(sh_shelter_a.pk),
                                   event_type="update")
    assert event.actor == bureau_officer and event.changes == {"status": ["standby", "open"]}


@pytest.mark.parametrize("persona", ["department_clerk", "other_subdistrict_officer", "expert"])
def test_it_refuses_to_let_an_unauthorised_user_open_a_shelter(request, sh_shelter_a, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotAllowed):
        services.shelter_open(acting_user=user, shelter=sh_shelter_a)
    assert Shelter.objects.get(pk=sh_shelter_a.pk).status == "standby"
    assert not AuditEvent.objects.filter(object_type="resources.Shelter", event_type="update").exists()


def test_a_subdistrict_user_opens_and_checks_in_at_its_own_shelter(sh_shelter_a, subdistrict_officer):
    services.shelter_open(acting_user=subdistrict_officer, shelter=sh_shelter_a)
    stay = services.shelter_check_in(acting_user=subdistrict_officer, shelter=sh_shelter_a, head_name="张三",
                                     people=2)
    assert stay.checked_in_by == subdistrict_officer


def test_a_subdistrict_user_cannot_check_in_at_another_subdistricts_shelter(sh_shelter_b, bureau_officer,
                                                                            subdistrict_officer):
    services.shelter_open(acting_user=bureau_officer, shelter=sh_shelter_b)
    with pytest.raises(NotAllowed):
        services.shelter_check_in(acting_user=subdistrict_officer, shelter=sh_shelter_b, head_name="张三", people=1)
    assert ShelterStay.objects.count() == 0


def test_a_subdistrict_user_sees_every_shelter_but_manages_only_its_own(client, sh_shelter_a, sh_shelter_b,
                                                                        subdistrict_officer):
    login(client, subdistrict_officer)
    listing = client.get("/resources/shelters/").content.decode()
    assert sh_shelter_a.name in listing and sh_shelter_b.name in listing
    own = client.get(f"/resources/shelters/{sh_shelter_a.pk}/").content.decode()
    other = client.get(f"/resources/shelters/{sh_shelter_b.pk}/")
    assert other.status_code == 200
    assert 'data-testid="open-shelter"' in own
    assert 'data-testid="open-shelter"' not in other.content.decode()
    assert client.post(f"/resources/shelters/{sh_shelter_b.pk}/open/").status_code == 403
    assert Shelter.objects.get(pk=sh_shelter_b.pk).status == "standby"


def test_a_subdistrict_user_does_not_see_who_stays_in_another_subdistricts_shelter(
        client, sh_shelter_b, bureau_officer, subdistrict_officer):
    services.shelter_open(acting_user=bureau_officer, shelter=sh_shelter_b)
    stay = services.shelter_check_in(acting_user=bureau_officer, shelter=sh_shelter_b, head_name="王五", people=2,
                                     phone="13911112222")
    login(client, subdistrict_officer)
    page = client.get(f"/resources/shelters/{sh_shelter_b.pk}/").content.decode()
    assert "王五" not in page and "13911112222" not in page
    assert 'data-testid="available">98<' in page
    assert client.post(f"/resources/shelters/stays/{stay.pk}/check-out/").status_code == 404
    assert ShelterStay.objects.get(pk=stay.pk).checked_out_at is None


def test_a_subdistrict_user_creates_shelters_only_in_its_subdistrict(client, guangfu, wanghai, subdistrict_officer):
    with pytest.raises(NotAllowed):
        sh_make_shelter(wanghai, "越界避难场所", user=subdistrict_officer)
    login(client, subdistrict_officer)
    form = client.get("/resources/shelters/new/").content.decode()
    assert "光复道" in form and "望海楼" not in form
    shelter = sh_make_shelter(guangfu, "自建避难场所", user=subdistrict_officer)
    assert shelter.status == "standby" and len(shelter.qr_token) >= 20


def test_the_bureau_creates_a_shelter_with_the_form(client, guangfu, bureau_officer):
    login(client, bureau_officer)
    resp = client.post("/resources/shelters/new/", {
        "name": "新建避难场所", "kind": "fixed", "stay_class": "II", "admin_level": "subdistrict",
        "division": guangfu.pk, "effective_area_m2": "300", "address": "河北区某路", "latitude": "39.15",
        "longitude": "117.19", "service_radius_m": "500", "manager": "钱站长", "manager_phone": "13600000000",
        "has_water": "on"})
    shelter = Shelter.objects.get(name="新建避难场所")
    assert resp.status_code == 302 and resp.url == f"/resources/shelters/{shelter.pk}/"
    assert shelter.has_water and not shelter.has_power and shelter.status == "standby"
    assert AuditEvent.objects.filter(object_type="resources.Shelter", object_id=str(shelter.pk),
                                     event_type="create").exists()


def test_it_rejects_a_bad_shelter_form_naming_the_field(client, guangfu, bureau_officer):
    login(client, bureau_officer)
    resp = client.post("/resources/shelters/new/", {
        "name": "坏数据", "kind": "fixed", "stay_class": "II", "admin_level": "subdistrict", "division": guangfu.pk,
        "effective_area_m2": "-3", "address": "河北区某路", "latitude": "139.15", "longitude": "117.19",
        "service_radius_m": "500", "manager": "钱站长", "manager_phone": "1"})
    assert resp.status_code == 200
    assert set(resp.context["form"].errors) == {"effective_area_m2", "latitude"}
    assert not Shelter.objects.filter(name="坏数据").exists()
