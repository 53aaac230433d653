"""Disposal (scrapping) needs approval by the bureau, and not by whoever asked for it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from emergency.core.roles import Role
from emergency.resources.shared.services import NotAllowed
from emergency.resources.stock import services
from emergency.resources.stock.models import Disposal, Lot, StockMovement

D = Decimal
pytestmark = pytest.mark.usefixtures("st_english")


@pytest.fixture
def st_lot(st_wh_a, st_item, st_receive):
    return st_receive(st_wh_a, st_item, 10, "S-1")


@pytest.fixture
def st_requested(subdistrict_officer, st_lot):
    return services.disposal_request(acting_user=subdistrict_officer, lot=st_lot, quantity=4, reason="霉变")


def test_a_request_takes_nothing_out_until_it_is_approved(st_requested, st_lot):
    assert Disposal.objects.get(pk=st_requested.pk).state == "requested"
    assert Lot.objects.get(pk=st_lot.pk).balance == D(10)
    assert not StockMovement.objects.filter(kind="disposal").exists()


def test_the_bureau_approves_and_the_stock_leaves(st_requested, st_lot, bureau_officer):
    services.disposal_decide(acting_user=bureau_officer, disposal=st_requested, approve=True)
    disposal = Disposal.objects.get(pk=st_requested.pk)
    assert (disposal.state, disposal.decided_by) == ("approved", bureau_officer)
    movement = StockMovement.objects.get(kind="disposal")
    assert (movement.reason, movement.quantity, movement.note) == ("scrapped", D(-4), "霉变")
    assert Lot.objects.get(pk=st_lot.pk).balance == D(6) == services.ledger_balance(st_lot)


def test_a_rejected_disposal_takes_nothing_out(st_requested, st_lot, bureau_officer):
    services.disposal_decide(acting_user=bureau_officer, disposal=st_requested, approve=False)
    assert Disposal.objects.get(pk=st_requested.pk).state == "rejected"
    assert Lot.objects.get(pk=st_lot.pk).balance == D(10)
    assert not StockMovement.objects.filter(kind="disposal").exists()
    with pytest.raises(ValidationError, match="already been decided"):
        services.disposal_decide(acting_user=bureau_officer, disposal=st_requested, approve=True)
    assert Lot.objects.get(pk=st_lot.pk).balance == D(10)


def test_it_refuses_approval_by_the_requester(bureau_officer, st_lot):
    disposal = services.disposal_request(acting_user=bureau_officer, lot=st_lot, quantity=1, reason="破损")
    with pytest.raises(ValidationError, match="cannot approve"):
        services.disposal_decide(acting_user=bureau_officer, disposal=disposal, approve=True)
    colleague = make_user("bureau_colleague", Role.BUREAU_STAFF)
    services.disposal_decide(acting_user=colleague, disposal=disposal, approve=True)
    assert Lot.objects.get(pk=st_lot.pk).balance == D(9)


def test_it_refuses_approval_outside_the_bureau(st_requested, st_lot, other_subdistrict_officer, department_clerk):
    for user in (other_subdistrict_officer, department_clerk):
        with pytest.raises(NotAllowed):
            services.disposal_decide(acting_user=user, disposal=st_requested, approve=True)
    assert Disposal.objects.get(pk=st_requested.pk).state == "requested"
    assert Lot.objects.get(pk=st_lot.pk).balance == D(10)


def test_it_refuses_a_request_beyond_the_lot(subdistrict_officer, st_lot):
    with pytest.raises(services.InsufficientStock, match="only 10"):
        services.disposal_request(acting_user=subdistrict_officer, lot=st_lot, quantity=11, reason="过期")
    assert not Disposal.objects.exists()


def test_approval_is_refused_when_the_stock_went_meanwhile(st_requested, st_lot, subdistrict_officer, bureau_officer):
    services.stock_issue_lot(acting_user=subdistrict_officer, lot=st_lot, quantity=8, reason="incident")
    with pytest.raises(services.InsufficientStock, match="Only 2"):
        services.disposal_decide(acting_user=bureau_officer, disposal=st_requested, approve=True)
    assert Disposal.objects.get(pk=st_requested.pk).state == "requested"
    assert Lot.objects.get(pk=st_lot.pk).balance == D(2)
