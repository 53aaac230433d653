"""Receipts and issues: stock comes in by lot, goes out first-expiring-first, and never below zero."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from emergency.core.models import AuditEvent
from emergency.resources.stock import services
from emergency.resources.stock.models import Lot, StockMovement

D = Decimal
pytestmark = pytest.mark.usefixtures("st_english")


def _balances(*lots):
    return [Lot.objects.get(pk=lot.pk).balance for lot in lots]


def test_a_receipt_creates_the_lot_and_one_movement(bureau_officer, st_wh_a, st_item, st_today):
    movement = services.stock_receive(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity="40",
                                      reason="donation", lot_number=" D-1 ", expires_on=st_today)
    lot = Lot.objects.get(pk=movement.lot_id)
    assert (lot.lot_number, lot.balance, lot.expires_on) == ("D-1", D(40), st_today)
    assert (movement.kind, movement.reason, movement.quantity, movement.balance_after) == (
        "receipt", "donation", D(40), D(40))
    assert services.ledger_balance(lot) == lot.balance
    assert AuditEvent.objects.filter(object_type="resources.StockMovement", object_id=str(movement.pk),
                                     event_type="create").exists()


def test_a_second_receipt_of_the_same_lot_adds_to_it(bureau_officer, st_wh_a, st_item, st_receive):
    lot = st_receive(st_wh_a, st_item, 10, "P-1")
    st_receive(st_wh_a, st_item, "2.5", "P-1")
    lot = Lot.objects.get(pk=lot.pk)
    assert lot.balance == D("12.5") == services.ledger_balance(lot)
    assert list(lot.movements.order_by("pk").values_list("balance_after", flat=True)) == [D(10), D("12.5")]


def test_it_refuses_a_receipt_into_a_lot_with_other_dates(st_wh_a, st_item, st_receive, st_today):
    st_receive(st_wh_a, st_item, 10, "P-1", expires_on=st_today)
    with pytest.raises(ValidationError) as exc:
        st_receive(st_wh_a, st_item, 5, "P-1", expires_on=st_today + datetime.timedelta(days=1))
    assert "lot_number" in exc.value.message_dict
    assert StockMovement.objects.count() == 1


def test_the_expiry_follows_from_the_shelf_life(st_wh_a, st_other_item, st_receive, st_today):
    lot = st_receive(st_wh_a, st_other_item, 3, "B-1", produced_on=st_today)
    assert lot.expires_on == st_today + datetime.timedelta(days=3650)


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "NaN", "Infinity", "1.0001", "1e30", ""])
def test_it_refuses_a_bad_quantity_naming_the_field(bureau_officer, st_wh_a, st_item, bad):
    with pytest.raises(ValidationError) as exc:
        services.stock_receive(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity=bad,
                               reason="procurement", lot_number="X")
    assert "quantity" in exc.value.message_dict
    assert not StockMovement.objects.exists()


def test_it_refuses_a_receipt_without_a_lot_number_or_with_a_wrong_reason(bureau_officer, st_wh_a, st_item):
    for kwargs, field in (({"lot_number": " ", "reason": "procurement"}, "lot_number"),
                          ({"lot_number": "X", "reason": "incident"}, "reason")):
        with pytest.raises(ValidationError) as exc:
            services.stock_receive(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity=1, **kwargs)
        assert field in exc.value.message_dict
    assert not Lot.objects.exists()


def test_issue_takes_the_earliest_expiry_first_and_lots_without_expiry_last(
        bureau_officer, st_wh_a, st_item, st_receive, st_today):
    no_expiry = st_receive(st_wh_a, st_item, 10, "N-1")
    late = st_receive(st_wh_a, st_item, 10, "L-1", expires_on=st_today + datetime.timedelta(days=200))
    early = st_receive(st_wh_a, st_item, 10, "E-1", expires_on=st_today + datetime.timedelta(days=20))

    movements = services.stock_issue(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity=15,
                                     reason="incident", note="某火灾")
    assert [(m.lot_id, m.quantity) for m in movements] == [(early.pk, D(-10)), (late.pk, D(-5))]
    assert _balances(early, late, no_expiry) == [D(0), D(5), D(10)]

    services.stock_issue(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity=8, reason="shelter")
    assert _balances(early, late, no_expiry) == [D(0), D(0), D(7)]
    for lot in (early, late, no_expiry):
        assert services.ledger_balance(lot) == Lot.objects.get(pk=lot.pk).balance


def test_issue_only_takes_from_the_warehouse_and_item_asked_for(bureau_officer, st_wh_a, st_wh_b, st_item,
                                                                st_other_item, st_receive):
    here = st_receive(st_wh_a, st_item, 5, "A")
    elsewhere = st_receive(st_wh_b, st_item, 50, "B")
    other_item = st_receive(st_wh_a, st_other_item, 50, "C")
    with pytest.raises(services.InsufficientStock):
        services.stock_issue(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity=6,
                             reason="incident")
    assert _balances(here, elsewhere, other_item) == [D(5), D(50), D(50)]


def test_it_refuses_an_over_issue_naming_what_is_available_and_writes_nothing(
        bureau_officer, st_wh_a, st_item, st_receive):
    a = st_receive(st_wh_a, st_item, 30, "A")
    b = st_receive(st_wh_a, st_item, "0.5", "B")
    before = (StockMovement.objects.count(), AuditEvent.objects.count())

    with pytest.raises(services.InsufficientStock) as exc:
        services.stock_issue(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity=31,
                             reason="incident")
    assert exc.value.message_dict["quantity"] == [
        "Only 30.5 箱 of 瓶装水 are available in 光复道街物资库; 31 were asked for."]
    assert (StockMovement.objects.count(), AuditEvent.objects.count()) == before
    assert _balances(a, b) == [D(30), D("0.5")]


def test_it_refuses_an_over_issue_from_one_lot_with_a_clear_message(bureau_officer, st_wh_a, st_item, st_receive):
    lot = st_receive(st_wh_a, st_item, 30, "L-7")
    with pytest.raises(services.InsufficientStock) as exc:
        services.stock_issue_lot(acting_user=bureau_officer, lot=lot, quantity=40, reason="shelter")
    assert exc.value.message_dict["quantity"] == [
        "Only 30 箱 of 瓶装水 are in stock in lot L-7; 40 were asked for."]
    assert _balances(lot) == [D(30)]
    assert lot.movements.count() == 1


def test_issue_needs_an_incident_or_shelter_reason(bureau_officer, st_wh_a, st_item, st_receive):
    lot = st_receive(st_wh_a, st_item, 3, "A")
    with pytest.raises(ValidationError) as exc:
        services.stock_issue_lot(acting_user=bureau_officer, lot=lot, quantity=1, reason="donation")
    assert "reason" in exc.value.message_dict
    assert _balances(lot) == [D(3)]
