"""Use case: a district office allocates tents from the district warehouse to a subdistrict's. It drafts the
document in the browser (the destination picked from the suggestions the page fetches as it is typed), a wrong
quantity is refused first, another bureau user approves, the office executes, and the stock is in transit."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, make_user
from emergency.core.models import Division
from emergency.core.roles import Role
from emergency.resources.stock import services
from emergency.resources.stock.models import Lot, StockDocument, SupplyCategory, SupplyItem, Transfer
from emergency.resources.tests.conftest import st_make_warehouse

pytestmark = pytest.mark.browser


def _acknowledge_the_refusal(visitor, page) -> None:
    """An invalid form is answered with HTTP 400, which Chromium logs as a console error: exactly one."""
    refused = [e for e in visitor.errors if "status of 400" in e and e.endswith(f"({page.url})")]
    assert len(refused) == 1, visitor.errors
    visitor.errors.remove(refused[0])


def _switch_user(visitor, username: str):
    page = visitor.page
    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()
    return visitor.log_in(username, PASSWORD)


def test_an_allocation_is_drafted_approved_and_executed_in_the_browser(visitor, transactional_db):
    clerk = make_user("stock_clerk", Role.BUREAU_STAFF)
    make_user("stock_approver", Role.BUREAU_STAFF)
    source = st_make_warehouse(Division.objects.get(code="120105"), "区级应急物资库", "district")
    target = st_make_warehouse(Division.objects.get(code="120105001"), "光复道街物资库")
    for i in range(5):
        st_make_warehouse(Division.objects.get(code="120105002"), f"望海楼社区库{i}", "community")
    tent = SupplyItem.objects.create(name="救灾帐篷", category=SupplyCategory.objects.create(name="测试帐篷类"), unit="顶")
    services.stock_receive(acting_user=clerk, warehouse=source, item=tent, quantity=30, reason="procurement",
                           lot_number="T-1")

    visitor.log_in("stock_clerk", PASSWORD)
    page = visitor.open(f"/resources/stock/warehouses/{source.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("warehouse-new-document").click()
    form = page.get_by_test_id("document-form")
    expect(form.locator("input[name=warehouse]")).to_have_value(f"区级应急物资库 · #{source.pk}")
    form.locator("select[name=kind]").select_option("allocation")
    form.locator("select[name=reason]").select_option("transfer")
    destination = form.locator("input[name=destination]")
    destination.press_sequentially("光复道")
    options = form.locator("#id_destination-options option")
    expect(options).to_have_count(1)  # fetched from the server as it was typed
    destination.fill(options.first.get_attribute("value"))
    form.locator("select[name=line-0-item]").select_option(str(tent.pk))
    form.locator("input[name=line-0-quantity]").fill("-3")
    with page.expect_navigation():
        page.get_by_test_id("document-submit").click()
    expect(page.locator("input[name=line-0-quantity] + .invalid-feedback, td .invalid-feedback").first).to_be_visible()
    _acknowledge_the_refusal(visitor, page)
    assert not StockDocument.objects.exists()
    page.locator("input[name=line-0-quantity]").fill("12")
    with page.expect_navigation():
        page.get_by_test_id("document-submit").click()
    expect(page.get_by_test_id("document-state")).to_have_text("草稿")
    expect(page.get_by_test_id("available-now")).to_contain_text("30")
    doc = StockDocument.objects.get()

    _switch_user(visitor, "stock_approver")
    page = visitor.open(f"/resources/stock/documents/{doc.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("document-approve").click()
    expect(page.get_by_test_id("document-state")).to_have_text("已审批")

    _switch_user(visitor, "stock_clerk")
    page = visitor.open(f"/resources/stock/documents/{doc.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("document-execute").click()
    expect(page.get_by_test_id("document-state")).to_have_text("已执行")
    visitor.screenshot("resources-stock-document.png")
    page.goto("about:blank")
    assert Lot.objects.get(warehouse=source).balance == 18
    transfer = Transfer.objects.get()
    assert (transfer.destination_id, transfer.quantity, transfer.state) == (target.pk, 12, "in_transit")
    assert visitor.errors == []
