"""Expired supplies are not handed out: first-expiring-first skips lots already past their date."""

import datetime

import pytest
from django.utils import timezone

from emergency.core.models import Division
from emergency.resources.stock import services
from emergency.resources.stock.models import Lot, SupplyCategory, SupplyItem, Warehouse


@pytest.fixture
def wh_item(db):
    cat = SupplyCategory.objects.filter(parent__isnull=False).first()
    item = SupplyItem.objects.create(name="瓶装水", category=cat, unit="箱")
    wh = Warehouse.objects.create(name="区级储备库", level="district", division=Division.objects.get(code="120105"),
                                  address="河北区", latitude=39.15, longitude=117.2, keeper="库管", keeper_phone="1")
    return wh, item


def test_an_expired_lot_is_skipped_and_counts_as_unavailable(wh_item, bureau_officer):
    wh, item = wh_item
    today = timezone.localdate()
    services.stock_receive(acting_user=bureau_officer, warehouse=wh, item=item, quantity=5, reason="procurement",
                           lot_number="OLD", expires_on=today - datetime.timedelta(days=1))
    services.stock_receive(acting_user=bureau_officer, warehouse=wh, item=item, quantity=5, reason="procurement",
                           lot_number="NEW", expires_on=today + datetime.timedelta(days=90))
    services.stock_issue(acting_user=bureau_officer, warehouse=wh, item=item, quantity=3, reason="incident")
    assert Lot.objects.get(lot_number="OLD").balance == 5
    assert Lot.objects.get(lot_number="NEW").balance == 2
    with pytest.raises(services.InsufficientStock):
        services.stock_issue(acting_user=bureau_officer, warehouse=wh, item=item, quantity=3, reason="incident")


def test_a_lot_expiring_today_is_still_issued(wh_item, bureau_officer):
    wh, item = wh_item
    services.stock_receive(acting_user=bureau_officer, warehouse=wh, item=item, quantity=2, reason="donation",
                           lot_number="TODAY", expires_on=timezone.localdate())
    services.stock_issue(acting_user=bureau_officer, warehouse=wh, item=item, quantity=2, reason="shelter")
    assert Lot.objects.get(lot_number="TODAY").balance == 0
