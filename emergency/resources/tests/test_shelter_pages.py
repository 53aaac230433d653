"""Use case: at the shelter desk, staff check households in and out on the shelter page (an over-capacity
admission needs the confirmation box, offered after a refusal); the public page its QR code opens tells anyone
whether there is room, and nothing about who is there."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login
from emergency.resources.shelters import services
from emergency.resources.shelters.models import Shelter, ShelterStay

from .conftest import sh_make_shelter


def test_the_detail_page_shows_the_fields_numbers_and_data_flags(client, guangfu, bureau_officer):
    shelter = sh_make_shelter(guangfu, "带注记的避难场所", user=bureau_officer, area=300, location_approximate=True,
                              is_synthetic=True, data_note="坐标待核实")
    login(client, bureau_officer)
    page = client.get(f"/resources/shelters/{shelter.pk}/").content.decode()
    for text in ("带注记的避难场所", "坐标待核实", 'data-testid="capacity">200<', 'data-testid="available">200<',
                 "河北区测试路9号", "赵站长", 'data-testid="status"', 'data-testid="data-flags"', "qr.svg"):
        assert text in page


def test_staff_check_a_household_in_and_out_on_the_page(client, sh_open_a, bureau_officer):
    login(client, bureau_officer)
    url = f"/resources/shelters/{sh_open_a.pk}/"
    resp = client.post(url + "check-in/", {"head_name": "张三", "people": "4", "phone": "13900000000"})
    assert resp.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="occupancy">4<' in page and 'data-testid="available">96<' in page and "张三" in page
    stay = ShelterStay.objects.get(head_name="张三")
    assert client.post(f"/resources/shelters/stays/{stay.pk}/check-out/").status_code == 302
    assert 'data-testid="available">100<' in client.get(url).content.decode()


def test_a_refusal_offers_the_override_and_the_confirmed_override_is_flagged(client, sh_open_a, bureau_officer):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="大户", people=98)
    login(client, bureau_officer)
    url = f"/resources/shelters/{sh_open_a.pk}/check-in/"
    first = client.get(f"/resources/shelters/{sh_open_a.pk}/").content.decode()
    assert 'type="checkbox" name="override"' not in first
    refused = client.post(url, {"head_name": "张三", "people": "4"})
    assert refused.status_code == 400
    assert 'type="checkbox" name="override"' in refused.content.decode()
    assert not ShelterStay.objects.filter(head_name="张三").exists()
    admitted = client.post(url, {"head_name": "张三", "people": "4", "override": "on"})
    assert admitted.status_code == 302
    assert ShelterStay.objects.get(head_name="张三").over_capacity is True
    assert Shelter.objects.get(pk=sh_open_a.pk).status == "full"


def test_it_rejects_a_bad_check_in_form_and_changes_nothing(client, sh_open_a, bureau_officer):
    login(client, bureau_officer)
    resp = client.post(f"/resources/shelters/{sh_open_a.pk}/check-in/", {"head_name": "", "people": "abc"})
    assert resp.status_code == 400
    assert set(resp.context["form"].errors) == {"head_name", "people"}
    assert ShelterStay.objects.count() == 0


def test_the_public_page_shows_room_and_facilities_but_no_personal_data(client, sh_open_a, bureau_officer):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张秘密", people=4,
                              phone="13987654321")
    resp = client.get(f"/resources/shelters/p/{sh_open_a.qr_token}/")  # anonymous
    page = resp.content.decode()
    assert resp.status_code == 200
    assert sh_open_a.name in page and "河北区测试路9号" in page and 'data-testid="available"' in page
    assert re.search(r'data-testid="available">\s*96\b', page)
    for private in ("张秘密", "13987654321", "赵站长", "13700000000"):
        assert private not in page


def test_the_public_page_of_an_unknown_token_is_not_found(client, sh_shelter_a):
    assert client.get("/resources/shelters/p/not-a-token/").status_code == 404


def test_the_qr_code_encodes_the_public_page(client, sh_shelter_a, bureau_officer):
    login(client, bureau_officer)
    resp = client.get(f"/resources/shelters/{sh_shelter_a.pk}/qr.svg")
    assert resp.status_code == 200 and resp["Content-Type"] == "image/svg+xml"
    assert f"/resources/shelters/p/{sh_shelter_a.qr_token}/" in resp.content.decode()


def test_the_shelter_pages_are_closed_to_enterprises_and_anonymous_visitors(client, sh_shelter_a,
                                                                           enterprise_manager):
    assert client.get("/resources/shelters/").status_code == 302
    login(client, enterprise_manager)
    assert client.get("/resources/shelters/").status_code == 403
    assert client.get(f"/resources/shelters/{sh_shelter_a.pk}/").status_code == 403


def test_the_list_takes_the_same_number_of_queries_for_many_shelters(client, guangfu, bureau_officer):
    login(client, bureau_officer)
    shelter = sh_make_shelter(guangfu, "一号", user=bureau_officer)
    services.shelter_open(acting_user=bureau_officer, shelter=shelter)
    services.shelter_check_in(acting_user=bureau_officer, shelter=shelter, head_name="张三", people=2)
    client.get("/resources/shelters/")
    with CaptureQueriesContext(connection) as few:
        client.get("/resources/shelters/")
    for i in range(12):
        s = sh_make_shelter(guangfu, f"批量{i}", user=bureau_officer)
        services.shelter_open(acting_user=bureau_officer, shelter=s)
        services.shelter_check_in(acting_user=bureau_officer, shelter=s, head_name="李四", people=3)
    with CaptureQueriesContext(connection) as many:
        resp = client.get("/resources/shelters/")
    assert resp.content.decode().count('data-testid="occupancy">3<') == 12
    assert len(many.captured_queries) == len(few.captured_queries)
