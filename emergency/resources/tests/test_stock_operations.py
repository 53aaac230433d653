"""The forms on the warehouse page: each ledger operation, its refusals as form errors, and the
confirmations (transfer receipt, disposal approval)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from emergency.resources.stock import services
from emergency.resources.stock.models import Disposal, Lot, StockMovement, Transfer

pytestmark = pytest.mark.usefixtures("st_english_pages")


def _op(client, warehouse, op, **data):
    return client.post(reverse("resources:warehouse_operation", args=[warehouse.pk, op]),
                       {f"{op}-{k}": v for k, v in data.items()})


def test_receipt_and_first_expiring_first_issue_through_the_page(client, subdistrict_officer, st_wh_a, st_item):
    login(client, subdistrict_officer)
    response = _op(client, st_wh_a, "receipt", item=st_item.pk, quantity="20", reason="procurement",
                   lot_number="P-1", expires_on="2030-01-01")
    assert response.status_code == 302
    response = _op(client, st_wh_a, "issue", item=st_item.pk, quantity="5", reason="shelter", note="北宁公园")
    assert response.status_code == 302
    lot = Lot.objects.get(lot_number="P-1")
    assert lot.balance == 15 == services.ledger_balance(lot)


def test_an_over_issue_shows_the_available_quantity_on_the_form(client, subdistrict_officer, st_wh_a, st_item,
                                                                st_receive):
    st_receive(st_wh_a, st_item, 3, "A")
    login(client, subdistrict_officer)
    response = _op(client, st_wh_a, "issue", item=st_item.pk, quantity="4", reason="incident")
    assert response.status_code == 400
    assert response.context["operations"][1]["form"].errors["quantity"] == [
        "Only 3 箱 of 瓶装水 are available in 光复道街物资库; 4 were asked for."]
    assert "Only 3 箱" in response.content.decode()
    assert StockMovement.objects.filter(kind="issue").count() == 0


@pytest.mark.parametrize("quantity", ["", "-1", "abc", "0", "1e40", "1.0001"])
def test_a_bad_quantity_is_a_form_error(client, subdistrict_officer, st_wh_a, st_item, st_receive, quantity):
    lot = st_receive(st_wh_a, st_item, 3, "A")
    login(client, subdistrict_officer)
    response = _op(client, st_wh_a, "adjustment", lot=lot.pk, quantity=quantity, reason="lost", note="x")
    assert response.status_code == 400
    assert lot.movements.count() == 1


def test_a_lot_of_another_warehouse_is_refused(client, bureau_officer, st_wh_a, st_wh_b, st_item, st_receive):
    other = st_receive(st_wh_b, st_item, 3, "B")
    response = _op(login(client, bureau_officer), st_wh_a, "return", lot=other.pk, quantity="1", note="x")
    assert response.status_code == 400
    assert Lot.objects.get(pk=other.pk).balance == 3


def test_operations_outside_ones_area_are_forbidden(client, other_subdistrict_officer, department_clerk, st_wh_a,
                                                    st_item):
    for user in (other_subdistrict_officer, department_clerk):
        response = _op(login(client, user), st_wh_a, "receipt", item=st_item.pk, quantity="1",
                       reason="donation", lot_number="X")
        assert response.status_code == 403
    assert not Lot.objects.exists()


def test_transfer_then_the_destination_confirms_once(client, bureau_officer, subdistrict_officer, st_district_wh,
                                                     st_wh_a, st_item, st_receive):
    lot = st_receive(st_district_wh, st_item, 10, "T")
    assert _op(login(client, bureau_officer), st_district_wh, "transfer", lot=lot.pk, destination=st_wh_a.pk,
               quantity="4").status_code == 302
    transfer = Transfer.objects.get()
    login(client, subdistrict_officer)
    body = client.get(reverse("resources:warehouse_detail", args=[st_wh_a.pk])).content.decode()
    assert 'data-testid="receive-transfer"' in body
    url = reverse("resources:stock_transfer_receive", args=[transfer.pk])
    assert client.post(url).status_code == 302
    response = client.post(url, follow=True)
    assert "already been received" in response.content.decode()
    assert Lot.objects.get(warehouse=st_wh_a, lot_number="T").balance == 4


def test_disposal_request_then_bureau_approval(client, subdistrict_officer, bureau_officer, st_wh_a, st_item,
                                               st_receive):
    lot = st_receive(st_wh_a, st_item, 10, "D")
    assert _op(login(client, subdistrict_officer), st_wh_a, "disposal", lot=lot.pk, quantity="2",
               reason="霉变").status_code == 302
    disposal = Disposal.objects.get()
    body = client.get(reverse("resources:warehouse_detail", args=[st_wh_a.pk])).content.decode()
    assert "霉变" in body and 'data-testid="approve-disposal"' not in body
    url = reverse("resources:stock_disposal_decide", args=[disposal.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    login(client, bureau_officer)
    assert client.post(url, {"decision": "maybe"}).status_code == 302
    assert Disposal.objects.get().state == "requested"
    assert client.post(url, {"decision": "approve"}).status_code == 302
    assert Disposal.objects.get().state == "approved"
    assert Lot.objects.get(pk=lot.pk).balance == 8


def test_an_unknown_operation_is_refused(client, bureau_officer, st_wh_a):
    login(client, bureau_officer)
    assert client.post(reverse("resources:warehouse_operation", args=[st_wh_a.pk, "steal"])).status_code == 403
    assert client.get(reverse("resources:warehouse_operation", args=[st_wh_a.pk, "issue"])).status_code == 405
