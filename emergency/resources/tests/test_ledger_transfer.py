"""Transfers between warehouses: the stock is in transit until the destination confirms the receipt."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from emergency.resources.shared.services import NotAllowed
from emergency.resources.stock import services
from emergency.resources.stock.models import Lot, StockMovement, Transfer

D = Decimal
pytestmark = pytest.mark.usefixtures("st_english")


def _stock(warehouse, item) -> Decimal:
    return sum((lot.balance for lot in Lot.objects.filter(warehouse=warehouse, item=item)), D(0))


@pytest.fixture
def st_sent(bureau_officer, st_district_wh, st_wh_a, st_item, st_receive, st_today):
    lot = st_receive(st_district_wh, st_item, 100, "T-1", produced_on=st_today - datetime.timedelta(days=10),
                     expires_on=st_today + datetime.timedelta(days=90))
    transfer = services.transfer_send(acting_user=bureau_officer, lot=lot, destination=st_wh_a, quantity=40)
    return lot, transfer


def test_a_sent_transfer_is_in_transit_the_source_down_and_the_destination_unchanged(
        st_sent, st_district_wh, st_wh_a, st_item):
    lot, transfer = st_sent
    assert Transfer.objects.get(pk=transfer.pk).state == "in_transit"
    assert _stock(st_district_wh, st_item) == D(60)
    assert _stock(st_wh_a, st_item) == D(0)
    out = StockMovement.objects.get(transfer=transfer)
    assert (out.kind, out.quantity, out.lot_id) == ("transfer_out", D(-40), lot.pk)
    assert services.ledger_balance(lot) == D(60)


def test_receiving_creates_the_destination_lot_with_the_same_number_and_dates(
        st_sent, subdistrict_officer, st_district_wh, st_wh_a, st_item):
    lot, transfer = st_sent
    movement = services.transfer_receive(acting_user=subdistrict_officer, transfer=transfer)

    received = Lot.objects.get(pk=movement.lot_id)
    assert received.warehouse == st_wh_a
    assert (received.lot_number, received.produced_on, received.expires_on) == (
        lot.lot_number, lot.produced_on, lot.expires_on)
    assert (movement.kind, movement.quantity, received.balance) == ("transfer_in", D(40), D(40))
    transfer = Transfer.objects.get(pk=transfer.pk)
    assert (transfer.state, transfer.received_by) == ("received", subdistrict_officer)
    assert transfer.received_at is not None
    assert _stock(st_district_wh, st_item) + _stock(st_wh_a, st_item) == D(100)


def test_it_refuses_to_receive_a_transfer_twice(st_sent, subdistrict_officer, st_wh_a, st_item):
    _lot, transfer = st_sent
    services.transfer_receive(acting_user=subdistrict_officer, transfer=transfer)
    with pytest.raises(ValidationError, match="already been received"):
        services.transfer_receive(acting_user=subdistrict_officer, transfer=transfer)
    assert _stock(st_wh_a, st_item) == D(40)
    assert StockMovement.objects.filter(transfer=transfer, kind="transfer_in").count() == 1


def test_only_the_destination_side_may_receive(st_sent, other_subdistrict_officer, department_clerk, st_wh_a,
                                               st_item):
    _lot, transfer = st_sent
    for user in (other_subdistrict_officer, department_clerk):
        with pytest.raises(NotAllowed):
            services.transfer_receive(acting_user=user, transfer=transfer)
    assert Transfer.objects.get(pk=transfer.pk).state == "in_transit"
    assert _stock(st_wh_a, st_item) == D(0)


def test_it_refuses_a_transfer_beyond_the_lot_and_writes_nothing(bureau_officer, st_district_wh, st_wh_a, st_item,
                                                                st_receive):
    lot = st_receive(st_district_wh, st_item, 5, "T-2")
    with pytest.raises(services.InsufficientStock, match="Only 5"):
        services.transfer_send(acting_user=bureau_officer, lot=lot, destination=st_wh_a, quantity=6)
    assert not Transfer.objects.exists()
    assert Lot.objects.get(pk=lot.pk).balance == D(5)


def test_it_refuses_a_transfer_to_the_same_warehouse(bureau_officer, st_wh_a, st_item, st_receive):
    lot = st_receive(st_wh_a, st_item, 5, "T-3")
    with pytest.raises(ValidationError) as exc:
        services.transfer_send(acting_user=bureau_officer, lot=lot, destination=st_wh_a, quantity=1)
    assert "destination" in exc.value.message_dict
    assert Lot.objects.get(pk=lot.pk).balance == D(5)
