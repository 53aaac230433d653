"""Who manages which warehouse: the bureau all, a subdistrict user only their own, a department none;
every business user reads them all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from emergency.core.scoping import scope_queryset
from emergency.resources.shared.services import NotAllowed, may_manage
from emergency.resources.stock import services
from emergency.resources.stock.models import Lot, StockMovement, Warehouse

D = Decimal


def test_the_bureau_manages_every_warehouse(bureau_officer, st_district_wh, st_wh_a, st_wh_b):
    assert all(may_manage(bureau_officer, wh) for wh in (st_district_wh, st_wh_a, st_wh_b))


def test_a_subdistrict_user_manages_only_their_subdistricts_warehouses(
        subdistrict_officer, st_district_wh, st_wh_a, st_wh_b, st_item, st_receive, community_a):
    community_wh = Warehouse.objects.create(name="社区库", level="community", division=community_a, address="x",
                                            latitude=39.1, longitude=117.2, keeper="k", keeper_phone="1")
    assert may_manage(subdistrict_officer, st_wh_a)
    assert may_manage(subdistrict_officer, community_wh)
    assert not may_manage(subdistrict_officer, st_wh_b)
    assert not may_manage(subdistrict_officer, st_district_wh)

    lot_b = st_receive(st_wh_b, st_item, 10, "B")
    with pytest.raises(NotAllowed):
        services.stock_issue_lot(acting_user=subdistrict_officer, lot=lot_b, quantity=1, reason="incident")
    with pytest.raises(NotAllowed):
        services.stock_receive(acting_user=subdistrict_officer, warehouse=st_wh_b, item=st_item, quantity=1,
                               reason="donation", lot_number="X")
    assert Lot.objects.get(pk=lot_b.pk).balance == D(10)
    assert not Lot.objects.filter(lot_number="X").exists()


def test_a_department_user_manages_no_warehouse(department_clerk, st_district_wh, st_wh_a, st_item, st_receive):
    assert not may_manage(department_clerk, st_district_wh)
    lot = st_receive(st_wh_a, st_item, 10, "A")
    with pytest.raises(NotAllowed):
        services.stock_adjust(acting_user=department_clerk, lot=lot, quantity=1, reason="lost", note="x")
    assert lot.movements.count() == 1


def test_every_business_user_reads_every_warehouse_and_movement(
        subdistrict_officer, department_clerk, st_district_wh, st_wh_a, st_wh_b, st_item, st_receive):
    st_receive(st_wh_b, st_item, 10, "B")
    for user in (subdistrict_officer, department_clerk):
        assert scope_queryset(user, Warehouse.objects.all()).count() == 3
        assert scope_queryset(user, StockMovement.objects.all()).count() == 1


def test_warehouse_create_by_the_bureau_anywhere_and_a_subdistrict_in_its_area(
        bureau_officer, subdistrict_officer, department_clerk, district, guangfu, wanghai):
    data = {"level": "subdistrict", "address": "某路", "latitude": 39.15, "longitude": 117.2, "keeper": "李",
            "keeper_phone": "13800000001"}
    services.warehouse_create(acting_user=bureau_officer, name="区库", division=district, **{**data,
                                                                                           "level": "district"})
    services.warehouse_create(acting_user=subdistrict_officer, name="光复道库", division=guangfu, **data)
    with pytest.raises(NotAllowed):
        services.warehouse_create(acting_user=subdistrict_officer, name="望海楼库", division=wanghai, **data)
    with pytest.raises(NotAllowed):
        services.warehouse_create(acting_user=department_clerk, name="部门库", division=district, **data)
    assert sorted(Warehouse.objects.values_list("name", flat=True)) == ["光复道库", "区库"]


@pytest.mark.parametrize(("change", "field"), [({"division": None}, "division"), ({"latitude": 91}, "latitude"),
                                               ({"level": "moon"}, "level"), ({"name": ""}, "name")])
def test_warehouse_create_refuses_bad_input_naming_the_field(bureau_officer, guangfu, change, field):
    from django.core.exceptions import ValidationError

    data = {"name": "库", "level": "subdistrict", "division": guangfu, "address": "某路", "latitude": 39.15,
            "longitude": 117.2, "keeper": "李", "keeper_phone": "1", **change}
    with pytest.raises(ValidationError) as exc:
        services.warehouse_create(acting_user=bureau_officer, **data)
    assert field in exc.value.message_dict
    assert not Warehouse.objects.exists()
