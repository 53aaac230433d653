"""The ledger is append-only, and the stored running balance always equals the sum of the movements."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from emergency.resources.stock import services
from emergency.resources.stock.models import Lot, StockMovement

D = Decimal


@pytest.fixture
def st_movement(st_wh_a, st_item, st_receive):
    lot = st_receive(st_wh_a, st_item, 10, "AO-1")
    return lot.movements.get()


def test_it_refuses_to_change_a_saved_movement(st_movement):
    st_movement.quantity = D(1000)
    with pytest.raises(PermissionError, match="append-only"):
        st_movement.save()
    assert StockMovement.objects.get(pk=st_movement.pk).quantity == D(10)


def test_it_refuses_to_delete_a_movement(st_movement):
    with pytest.raises(PermissionError):
        st_movement.delete()
    assert StockMovement.objects.filter(pk=st_movement.pk).exists()


def test_it_refuses_bulk_updates_and_deletes(st_movement):
    with pytest.raises(PermissionError):
        StockMovement.objects.filter(pk=st_movement.pk).update(quantity=D(0))
    with pytest.raises(PermissionError):
        StockMovement.objects.all().delete()
    assert StockMovement.objects.get(pk=st_movement.pk).quantity == D(10)


def test_the_balance_cannot_be_typed_on_a_form(st_movement):
    assert Lot._meta.get_field("balance").editable is False


def test_the_stored_balance_equals_the_ledger_after_every_kind_of_movement(
        bureau_officer, subdistrict_officer, st_district_wh, st_wh_a, st_item, st_receive, st_today):
    early = st_receive(st_wh_a, st_item, 50, "E", expires_on=st_today + datetime.timedelta(days=5))
    late = st_receive(st_wh_a, st_item, 50, "L", expires_on=st_today + datetime.timedelta(days=50))
    central = st_receive(st_district_wh, st_item, 30, "C")
    services.stock_issue(acting_user=subdistrict_officer, warehouse=st_wh_a, item=st_item, quantity=60,
                         reason="incident")
    services.stock_return(acting_user=subdistrict_officer, lot=late, quantity="7.25", note="回收")
    services.stock_adjust(acting_user=subdistrict_officer, lot=late, quantity=1, reason="damaged", note="破损")
    services.stock_adjust(acting_user=subdistrict_officer, lot=early, quantity=2, reason="found", note="盘盈")
    transfer = services.transfer_send(acting_user=bureau_officer, lot=central, destination=st_wh_a, quantity=12)
    services.transfer_receive(acting_user=subdistrict_officer, transfer=transfer)
    disposal = services.disposal_request(acting_user=subdistrict_officer, lot=late, quantity=3, reason="过期")
    services.disposal_decide(acting_user=bureau_officer, disposal=disposal, approve=True)

    lots = list(Lot.objects.all())
    assert len(lots) == 4
    for lot in lots:
        assert lot.balance == services.ledger_balance(lot), lot
        last = lot.movements.order_by("-pk").first()
        assert last.balance_after == lot.balance
    by_number = {(lot.warehouse_id, lot.lot_number): lot.balance for lot in lots}
    assert by_number == {(st_wh_a.pk, "E"): D(2), (st_wh_a.pk, "L"): D("43.25"), (st_district_wh.pk, "C"): D(18),
                         (st_wh_a.pk, "C"): D(12)}


def test_the_database_refuses_a_negative_balance_even_if_code_were_wrong(st_movement):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Lot.objects.filter(pk=st_movement.lot_id).update(balance=D(-1))
    assert Lot.objects.get(pk=st_movement.lot_id).balance == D(10)
