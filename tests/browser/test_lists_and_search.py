"""Use case: an officer on a phone opens a register — the filters are folded behind one button, the table
keeps readable columns and scrolls sideways with the record's name in view — and, at a desk, finds an
enterprise by a word of its Chinese name from the search box in the navigation bar, and sorts the register by
its credit-code column, which survives a filter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import make_enterprise
from emergency.core.demo import DEMO_PASSWORD
from emergency.core.models import Division
from emergency.enterprises.models import Enterprise

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_register_works_on_a_phone_and_the_search_finds_a_word(visitor, demo):
    page = visitor.log_in("bureau_staff", DEMO_PASSWORD)
    visitor.resize(PHONE)
    page = visitor.open("/enterprises/")
    toggle = page.locator(".em-filters-toggle")
    expect(toggle).to_have_text("筛选")
    form = page.locator("main form[method=get]").first
    expect(form).to_be_hidden()
    toggle.click()
    expect(form).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    wrap = page.locator(".em-table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls, columns are not squeezed
    first_cell = page.locator("[data-testid=enterprise-table] tbody td").first
    assert first_cell.evaluate("el => getComputedStyle(el).position") == "sticky"
    visitor.screenshot("enterprise-list-phone.png")

    visitor.resize({"width": 1366, "height": 900})
    page = visitor.open("/")
    expect(page.locator(".em-filters-toggle")).to_have_count(0)
    name = Enterprise.objects.order_by("pk").values_list("name", flat=True).first()
    word = name[1:3]
    box = page.get_by_test_id("platform-search").locator("input[name=q]")
    box.fill(word)
    with page.expect_navigation():
        box.press("Enter")
    expect(page.get_by_test_id("search-results")).to_contain_text(name)

    subdistrict = Division.objects.filter(level=Division.Level.SUBDISTRICT).order_by("code").first()
    for serial, other in ((7, "甲排序测试有限公司"), (8, "乙排序测试有限公司")):
        make_enterprise(other, serial, subdistrict)
    page = visitor.open("/enterprises/")
    with page.expect_navigation():
        page.locator("[data-testid=enterprise-table] thead a[data-sort=credit_code]").click()
    expect(page.locator("th:has(a[data-sort=credit_code])")).to_have_attribute("aria-sort", "ascending")
    with page.expect_navigation():
        page.locator("th a[data-sort=credit_code]").click()
    expect(page.locator("th:has(a[data-sort=credit_code])")).to_have_attribute("aria-sort", "descending")
    codes = page.locator("[data-testid=enterprise-table] tbody tr td:nth-child(2)").all_inner_texts()
    assert codes == sorted(codes, reverse=True) and len(codes) >= 3
    with page.expect_navigation():
        page.locator("main form[method=get] button[type=submit]").click()
    assert "sort=-credit_code" in page.url  # filtering keeps the sort
    assert visitor.errors == []
