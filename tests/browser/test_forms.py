"""Use case: forms keep what was typed and show errors where they belong; pages fit a phone screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from emergency.core.demo import DEMO_PASSWORD
from emergency.core.models import Division

from .conftest import PHONE

pytestmark = pytest.mark.browser


def test_it_keeps_the_typed_name_and_shows_the_code_error_next_to_the_field(visitor, demo):
    guangfu = Division.objects.get(code="120105001")
    visitor.log_in("sub_guangfu", DEMO_PASSWORD)
    page = visitor.open("/divisions/new/")

    page.fill("#id_code", "120105002999")  # 望海楼's prefix, under 光复道
    page.fill("#id_name", "试验新社区")
    page.select_option("#id_level", "community")
    page.select_option("#id_parent", str(guangfu.pk))
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    assert page.url == visitor.base_url + "/divisions/new/"
    expect(page.locator("#id_code")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#id_code ~ .invalid-feedback")).to_contain_text("120105001")
    expect(page.locator("#id_name")).to_have_value("试验新社区")
    expect(page.locator("#id_code")).to_have_value("120105002999")
    assert not Division.objects.filter(name="试验新社区").exists()
    assert visitor.errors == []


def test_the_home_page_fits_a_phone_screen(visitor, demo):
    visitor.resize(PHONE)
    page = visitor.log_in("bureau_staff", DEMO_PASSWORD)
    # The workbench: what is late and what waits, one card above the other.
    expect(page.get_by_test_id("late")).to_be_visible()
    expect(page.get_by_test_id("todos")).to_be_visible()
    late, todos = page.get_by_test_id("late").bounding_box(), page.get_by_test_id("todos").bounding_box()
    assert todos["y"] >= late["y"] + late["height"] and late["width"] <= PHONE["width"]

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.get_by_role("button", name="English")).to_be_hidden()
    visitor.screenshot("home-phone.png")

    toggler.click()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert visitor.errors == []
