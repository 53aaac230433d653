"""The warehouse pages: the list with its filters, the stock of one warehouse, registering a warehouse."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.stock.models import MinimumStock, Warehouse

from .conftest import st_make_warehouse

pytestmark = pytest.mark.usefixtures("st_english_pages")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    # Savepoints around the session save are bookkeeping, not reads that could grow with the rows.
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


def test_every_business_user_sees_the_warehouse_list(client, department_clerk, st_district_wh, st_wh_a, st_wh_b):
    response = login(client, department_clerk).get(reverse("resources:warehouse_list"))
    assert response.status_code == 200
    for wh in (st_district_wh, st_wh_a, st_wh_b):
        assert wh.name in response.content.decode()
    assert b'data-testid="warehouse-create"' not in response.content


def test_the_list_filters_by_level_and_subdistrict(client, bureau_officer, st_district_wh, st_wh_a, st_wh_b,
                                                   guangfu, community_a):
    community_wh = st_make_warehouse(community_a, "甲社区库", Warehouse.Level.COMMUNITY)
    login(client, bureau_officer)
    body = client.get(reverse("resources:warehouse_list"), {"subdistrict": guangfu.pk}).content.decode()
    assert st_wh_a.name in body and community_wh.name in body
    assert st_wh_b.name not in body and st_district_wh.name not in body
    body = client.get(reverse("resources:warehouse_list"), {"level": "district"}).content.decode()
    assert st_district_wh.name in body and st_wh_a.name not in body
    response = client.get(reverse("resources:warehouse_list"), {"level": "moon", "subdistrict": "x"})
    assert response.status_code == 200


def test_the_list_query_count_does_not_grow_with_warehouses(client, bureau_officer, guangfu, st_item, st_receive):
    login(client, bureau_officer)
    url = reverse("resources:warehouse_list")
    st_receive(st_make_warehouse(guangfu, "库0"), st_item, 1, "L")
    few = _queries(client, url)
    for i in range(1, 15):
        st_receive(st_make_warehouse(guangfu, f"库{i}"), st_item, 1, "L")
    assert _queries(client, url) == few


def test_the_detail_shows_stock_per_item_with_lots_expiry_and_minimum(client, subdistrict_officer, st_wh_a, st_item,
                                                                     st_receive, st_today):
    st_receive(st_wh_a, st_item, 30, "E-1", expires_on=st_today + datetime.timedelta(days=10))
    st_receive(st_wh_a, st_item, "2.5", "N-1")
    MinimumStock.objects.create(warehouse=st_wh_a, item=st_item, minimum=50)
    response = login(client, subdistrict_officer).get(reverse("resources:warehouse_detail", args=[st_wh_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "32.5 箱" in body and "#E-1" in body and "#N-1" in body
    assert (st_today + datetime.timedelta(days=10)).isoformat() in body
    assert "Below minimum" in body
    for op in ("receipt", "issue", "transfer", "return", "adjustment", "disposal"):
        assert f'data-testid="op-{op}"' in body


def test_the_detail_is_read_only_outside_ones_area(client, other_subdistrict_officer, department_clerk, st_wh_a):
    for user in (other_subdistrict_officer, department_clerk):
        response = login(client, user).get(reverse("resources:warehouse_detail", args=[st_wh_a.pk]))
        assert response.status_code == 200
        assert b'data-testid="op-' not in response.content


def test_the_detail_query_count_does_not_grow_with_lots(client, bureau_officer, st_wh_a, st_item, st_other_item,
                                                        st_receive):
    login(client, bureau_officer)
    url = reverse("resources:warehouse_detail", args=[st_wh_a.pk])
    st_receive(st_wh_a, st_item, 1, "L0")
    few = _queries(client, url)
    for i in range(1, 12):
        st_receive(st_wh_a, st_item if i % 2 else st_other_item, 1, f"L{i}")
    assert _queries(client, url) == few


def test_a_subdistrict_user_registers_a_warehouse_in_their_area(client, subdistrict_officer, guangfu, wanghai):
    login(client, subdistrict_officer)
    url = reverse("resources:warehouse_create")
    data = {"name": "光复道二号库", "level": "subdistrict", "division": guangfu.pk, "address": "某路2号",
            "latitude": "39.15", "longitude": "117.19", "keeper": "赵", "keeper_phone": "13800000002"}
    response = client.post(url, {**data, "division": wanghai.pk})
    assert response.status_code == 400 and "division" in response.context["form"].errors
    response = client.post(url, data)
    warehouse = Warehouse.objects.get(name="光复道二号库")
    assert response.status_code == 302 and response["Location"] == reverse(
        "resources:warehouse_detail", args=[warehouse.pk])
    assert AuditEvent.objects.filter(object_type="resources.Warehouse", object_id=str(warehouse.pk),
                                     event_type="create").exists()


def test_bad_warehouse_input_is_a_form_error_not_a_crash(client, bureau_officer, district):
    response = login(client, bureau_officer).post(reverse("resources:warehouse_create"), {
        "name": "x", "level": "district", "division": district.pk, "address": "a", "latitude": "999",
        "longitude": "abc", "keeper": "k", "keeper_phone": "1"})
    assert response.status_code == 400
    assert {"latitude", "longitude"} <= set(response.context["form"].errors)
    assert not Warehouse.objects.exists()


def test_a_department_user_cannot_register_a_warehouse(client, department_clerk):
    assert login(client, department_clerk).get(reverse("resources:warehouse_create")).status_code == 403
