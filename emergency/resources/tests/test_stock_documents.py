"""Procurement, allocation and issue documents: draft → approved → executed; stock is checked at execution."""

import pytest
from django.core.exceptions import ValidationError

from conftest import make_user
from emergency.core.models import Division
from emergency.core.roles import Role
from emergency.resources.stock import services
from emergency.resources.stock import services as docs
from emergency.resources.stock.models import (
    Lot,
    StockDocument,
    SupplyCategory,
    SupplyItem,
    Transfer,
    Warehouse,
)


@pytest.fixture
def setup(db, bureau_officer):
    district = Division.objects.get(code="120105")
    a = Warehouse.objects.create(name="区级储备库", level="district", division=district, address="甲",
                                 latitude=39.15, longitude=117.2, keeper="库管", keeper_phone="1")
    b = Warehouse.objects.create(name="光复道储备点", level="subdistrict", division=Division.objects.get(code="120105001"),
                                 address="乙", latitude=39.14, longitude=117.19, keeper="库管", keeper_phone="2")
    item = SupplyItem.objects.create(name="帐篷", category=SupplyCategory.objects.get(name="帐篷"), unit="顶")
    approver = make_user("bureau_approver", Role.BUREAU_ADMIN)
    return a, b, item, approver


def _doc(user, wh, item, kind, reason, qty, **kw):
    line = {"item": item, "quantity": qty, **({"lot_number": "P1"} if kind == "procurement" else {})}
    return docs.document_create(acting_user=user, kind=kind, warehouse=wh, reason=reason, lines=[line], **kw)


def _state(doc):
    return StockDocument.objects.get(pk=doc.pk).state


def test_a_procurement_moves_stock_only_when_executed(setup, bureau_officer):
    a, _b, item, approver = setup
    doc = _doc(bureau_officer, a, item, "procurement", "procurement", 10)
    assert not Lot.objects.exists()
    docs.document_approve(acting_user=approver, document=doc)
    assert not Lot.objects.exists()
    docs.document_execute(acting_user=bureau_officer, document=doc)
    assert Lot.objects.get(warehouse=a).balance == 10
    assert _state(doc) == "executed"


def test_the_drafter_cannot_approve_and_a_draft_cannot_be_executed(setup, bureau_officer):
    a, _b, item, _approver = setup
    doc = _doc(bureau_officer, a, item, "procurement", "donation", 5)
    with pytest.raises(ValidationError):
        docs.document_approve(acting_user=bureau_officer, document=doc)
    with pytest.raises(ValidationError):
        docs.document_execute(acting_user=bureau_officer, document=doc)
    assert _state(doc) == "draft"


def test_an_issue_is_checked_against_stock_at_execution_time(setup, bureau_officer):
    a, _b, item, approver = setup
    services.stock_receive(acting_user=bureau_officer, warehouse=a, item=item, quantity=8, reason="procurement",
                           lot_number="L1")
    doc = _doc(bureau_officer, a, item, "issue", "incident", 6)
    docs.document_approve(acting_user=approver, document=doc)
    # Meanwhile another issue takes most of the stock: execution must refuse and change nothing.
    services.stock_issue(acting_user=bureau_officer, warehouse=a, item=item, quantity=5, reason="shelter")
    with pytest.raises(services.InsufficientStock):
        docs.document_execute(acting_user=bureau_officer, document=doc)
    assert Lot.objects.get(warehouse=a).balance == 3
    assert _state(doc) == "approved"


def test_an_allocation_sends_a_transfer_in_transit(setup, bureau_officer):
    a, b, item, approver = setup
    services.stock_receive(acting_user=bureau_officer, warehouse=a, item=item, quantity=8, reason="procurement",
                           lot_number="L1")
    doc = _doc(bureau_officer, a, item, "allocation", "transfer", 5, destination=b)
    docs.document_approve(acting_user=approver, document=doc)
    docs.document_execute(acting_user=bureau_officer, document=doc)
    assert Lot.objects.get(warehouse=a).balance == 3
    transfer = Transfer.objects.get()
    assert transfer.destination == b and transfer.quantity == 5 and transfer.state == "in_transit"


def test_a_reason_that_does_not_fit_is_refused(setup, bureau_officer):
    a, _b, item, _approver = setup
    with pytest.raises(ValidationError):
        _doc(bureau_officer, a, item, "issue", "procurement", 1)
    assert not StockDocument.objects.exists()
