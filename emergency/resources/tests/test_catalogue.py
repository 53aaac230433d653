"""The bureau keeps the supply catalogue; warehouse managers set minimum stock levels."""

import pytest

from conftest import login
from emergency.core.models import AuditEvent, Division
from emergency.resources.shared.services import NotAllowed
from emergency.resources.stock import services as svc
from emergency.resources.stock.models import MinimumStock, SupplyCategory, SupplyItem, Warehouse


@pytest.fixture
def guangfu_warehouse(db):
    return Warehouse.objects.create(name="光复道储备点", level="subdistrict", division=Division.objects.get(
        code="120105001"), address="光复道", latitude=39.14, longitude=117.19, keeper="库管", keeper_phone="1")


def test_the_default_category_tree_is_shipped(db):
    roots = set(SupplyCategory.objects.filter(parent__isnull=True).values_list("name", flat=True))
    assert {"救援装备物资", "生活保障物资", "医疗防疫物资", "避难安置物资"} <= roots
    assert SupplyCategory.objects.filter(parent__name="生活保障物资", name="帐篷").exists()


def test_the_bureau_adds_a_category_and_an_item_through_the_page(client, bureau_officer):
    login(client, bureau_officer)
    parent = SupplyCategory.objects.get(name="生活保障物资")
    resp = client.post("/resources/stock/catalogue/", {"action": "category", "category-name": "卫生用品",
                                                       "category-parent": parent.pk})
    assert resp.status_code == 302
    category = SupplyCategory.objects.get(name="卫生用品", parent=parent)
    resp = client.post("/resources/stock/catalogue/", {"action": "item", "item-name": "消毒湿巾",
                                                       "item-category": category.pk, "item-unit": "包",
                                                       "item-shelf_life_days": "365"})
    assert resp.status_code == 302
    assert SupplyItem.objects.get(name="消毒湿巾").shelf_life_days == 365
    assert AuditEvent.objects.filter(object_type="resources.SupplyItem", event_type="create").exists()
    assert "消毒湿巾" in client.get("/resources/stock/catalogue/").content.decode()


def test_a_bad_item_keeps_the_input_and_writes_nothing(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.post("/resources/stock/catalogue/", {"action": "item", "item-name": "帐篷X", "item-unit": "",
                                                       "item-category": "999999"})
    assert resp.status_code == 400
    assert 'value="帐篷X"' in resp.content.decode()
    assert not SupplyItem.objects.filter(name="帐篷X").exists()


def test_only_the_bureau_keeps_the_catalogue(db, subdistrict_officer):
    with pytest.raises(NotAllowed):
        svc.supply_category_create(acting_user=subdistrict_officer, name="自定义")


def test_a_subdistrict_sets_minimums_only_for_its_own_warehouses(db, subdistrict_officer, other_subdistrict_officer,
                                                                  guangfu_warehouse):
    item = SupplyItem.objects.create(name="折叠床", category=SupplyCategory.objects.get(name="折叠床"), unit="张")
    svc.minimum_stock_set(acting_user=subdistrict_officer, warehouse=guangfu_warehouse, item=item, minimum="20")
    svc.minimum_stock_set(acting_user=subdistrict_officer, warehouse=guangfu_warehouse, item=item, minimum="30")
    assert MinimumStock.objects.get(warehouse=guangfu_warehouse, item=item).minimum == 30
    with pytest.raises(NotAllowed):
        svc.minimum_stock_set(acting_user=other_subdistrict_officer, warehouse=guangfu_warehouse, item=item,
                              minimum="5")
