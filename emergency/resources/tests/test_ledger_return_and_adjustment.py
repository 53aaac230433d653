"""Returns after use and stock-count adjustments (lost / found / damaged / expired, always with a reason)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from emergency.resources.stock import services
from emergency.resources.stock.models import Lot

D = Decimal
pytestmark = pytest.mark.usefixtures("st_english")


@pytest.fixture
def st_lot(st_wh_a, st_item, st_receive):
    return st_receive(st_wh_a, st_item, 20, "R-1")


def test_a_return_adds_back_with_where_it_comes_from(subdistrict_officer, st_lot):
    services.stock_issue_lot(acting_user=subdistrict_officer, lot=st_lot, quantity=8, reason="incident")
    movement = services.stock_return(acting_user=subdistrict_officer, lot=st_lot, quantity=3, note="某火灾现场收回")
    assert (movement.kind, movement.reason, movement.quantity, movement.balance_after) == (
        "return", "recovery", D(3), D(15))
    assert Lot.objects.get(pk=st_lot.pk).balance == D(15) == services.ledger_balance(st_lot)


def test_it_refuses_a_return_without_saying_where_from(subdistrict_officer, st_lot):
    with pytest.raises(ValidationError) as exc:
        services.stock_return(acting_user=subdistrict_officer, lot=st_lot, quantity=3, note=" ")
    assert "note" in exc.value.message_dict
    assert Lot.objects.get(pk=st_lot.pk).balance == D(20)


@pytest.mark.parametrize(("reason", "signed", "after"), [
    ("lost", D(-2), D(18)), ("damaged", D(-2), D(18)), ("expired", D(-2), D(18)), ("found", D(2), D(22))])
def test_an_adjustment_moves_stock_the_way_its_reason_says(subdistrict_officer, st_lot, reason, signed, after):
    movement = services.stock_adjust(acting_user=subdistrict_officer, lot=st_lot, quantity=2, reason=reason,
                                     note="月末盘点")
    assert (movement.kind, movement.reason, movement.quantity, movement.note) == (
        "adjustment", reason, signed, "月末盘点")
    assert Lot.objects.get(pk=st_lot.pk).balance == after == services.ledger_balance(st_lot)


def test_it_refuses_an_adjustment_without_an_explanation_or_with_another_reason(subdistrict_officer, st_lot):
    for kwargs, field in (({"reason": "lost", "note": ""}, "note"), ({"reason": "donation", "note": "x"}, "reason")):
        with pytest.raises(ValidationError) as exc:
            services.stock_adjust(acting_user=subdistrict_officer, lot=st_lot, quantity=1, **kwargs)
        assert field in exc.value.message_dict
    assert st_lot.movements.count() == 1


def test_an_adjustment_cannot_take_more_than_the_lot_holds(subdistrict_officer, st_lot):
    with pytest.raises(services.InsufficientStock, match="Only 20"):
        services.stock_adjust(acting_user=subdistrict_officer, lot=st_lot, quantity=21, reason="lost", note="盘亏")
    assert Lot.objects.get(pk=st_lot.pk).balance == D(20)
