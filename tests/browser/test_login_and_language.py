"""Use case: a demo user logs in in Chinese, sees the home page, and switches the interface to English."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_otp.oath import totp
from playwright.sync_api import expect

from emergency.core.demo import DEMO_PASSWORD, DEMO_TOTP_KEY

pytestmark = pytest.mark.browser


def in_chinese(text: str) -> str:
    """What the zh-Hans catalog says for an English source string (the source itself until translated)."""
    with translation.override("zh-hans"):
        return translation.gettext(text)


def expect_home_page(page) -> None:
    """The workbench: what is late, what to do, the district picture (the bureau's), the latest notices."""
    expect(page.locator("h1")).to_have_text(in_chinese("Workbench"))
    expect(page.get_by_test_id("late")).to_be_visible()
    expect(page.get_by_test_id("todos")).to_be_visible()
    expect(page.get_by_test_id("panel-hazards_by_level")).to_be_visible()
    expect(page.get_by_test_id("latest-notifications")).to_be_visible()


def test_a_demo_user_logs_in_in_chinese_sees_the_home_page_and_switches_to_english(visitor, demo):
    page = visitor.open("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".em-login button[type=submit]")).to_have_text("登录")

    visitor.log_in("bureau_staff", DEMO_PASSWORD)

    assert page.url == visitor.base_url + "/"
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect_home_page(page)
    expect(page.get_by_text("李科员")).to_be_visible()
    visitor.screenshot("home-zh.png")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Workbench")
    expect(page.get_by_role("button", name="中文")).to_be_visible()
    assert visitor.errors == []


def test_the_bureau_admin_logs_in_with_a_totp_code(visitor, demo):
    page = visitor.log_in("bureau_admin", DEMO_PASSWORD)
    assert page.url.startswith(visitor.base_url + "/accounts/otp/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    page.fill("input[name=token]", f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}")
    with page.expect_navigation():
        page.click(".em-login button[type=submit]")

    assert page.url == visitor.base_url + "/"
    expect_home_page(page)
    expect(page.get_by_text("王局长")).to_be_visible()
    assert visitor.errors == []
