"""Use case: an enterprise checks a risk point on a phone from its QR code, fails an item with a photo,
and the drafted hidden hazard reaches the bureau's dashboard."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from conftest import PASSWORD, make_enterprise, make_user
from emergency.core.models import Division
from emergency.core.roles import Role
from emergency.prevention.models import HiddenHazard
from emergency.prevention.tests.conftest import rp_make_point

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _photo(tmp_path) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buf, format="PNG")
    path = tmp_path / "泄漏现场.png"
    path.write_bytes(buf.getvalue())
    return str(path)


def test_a_failed_item_on_the_phone_drafts_a_hazard_the_bureau_sees(visitor, transactional_db, tmp_path):
    enterprise = make_enterprise("甲化工有限公司", 1, Division.objects.get(code="120105001"))
    manager = make_user("ent_manager", Role.ENTERPRISE, enterprise=enterprise)
    make_user("bureau_officer", Role.BUREAU_STAFF)
    point = rp_make_point(manager, enterprise)

    # The QR code printed on site encodes the phone page's address.
    visitor.log_in("ent_manager", PASSWORD)
    svg = visitor.page.request.get(f"{visitor.base_url}/prevention/risk-points/{point.pk}/qr.svg").text()
    qr_url = re.search(r"https?://[^<\"\s]+/prevention/m/[^<\"\s]+/", svg).group(0)
    assert point.qr_token in qr_url

    visitor.resize(PHONE)
    page = visitor.page
    page.goto(qr_url)
    expect(page.locator("main")).to_contain_text(point.name)
    with page.expect_navigation():
        page.click("[data-testid=check-now]")

    ok, bad = point.measures.order_by("pk")
    page.click(f"label[for=id_r_{ok.pk}_0]")  # pass
    page.click(f"label[for=id_r_{bad.pk}_1]")  # fail
    page.fill(f"#id_n_{bad.pk}", "泄漏报警器离线")
    page.set_input_files(f"#id_p_{bad.pk}", _photo(tmp_path))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        page.click("[data-testid=submit-check]")

    drafted = page.locator("[data-testid=drafted] a")
    expect(drafted).to_have_count(1)
    hazard = HiddenHazard.objects.get()
    assert hazard.state == "identified" and hazard.enterprise == enterprise
    assert bad.check_item in hazard.title
    with page.expect_navigation():
        drafted.first.click()
    expect(page.locator("main")).to_contain_text(hazard.title)
    expect(page.locator("main img, main a[href*='/attachments/']").first).to_be_visible()

    # At the desk, the bureau sees it on the dashboard.
    page.context.clear_cookies()
    visitor.resize(DESKTOP)
    visitor.log_in("bureau_officer", PASSWORD)
    visitor.open("/prevention/")
    expect(page.locator("[data-testid=total-found]")).to_have_text("1")
    visitor.open("/prevention/ledger/hazards/")
    expect(page.locator("main")).to_contain_text(hazard.title)
    visitor.screenshot("prevention-dashboard.png")
    assert visitor.errors == []


def test_the_enterprise_runs_the_whole_loop_on_a_phone(visitor, transactional_db, tmp_path):
    import datetime

    from emergency.prevention import services

    enterprise = make_enterprise("甲化工有限公司", 1, Division.objects.get(code="120105001"))
    rectifier = make_user("ent_manager", Role.ENTERPRISE, enterprise=enterprise)
    make_user("ent_colleague", Role.ENTERPRISE, enterprise=enterprise)
    hazard = services.hazard_report(acting_user=rectifier, enterprise=enterprise, title="配电室灭火器压力不足")

    visitor.resize(PHONE)
    page = visitor.log_in("ent_manager", PASSWORD)
    visitor.open(f"/prevention/hazards/{hazard.pk}/")

    def act(testid: str) -> None:
        with page.expect_navigation():
            page.click(f"[data-testid={testid}] button[type=submit]")

    act("action-register")
    page.select_option("[data-testid=action-assess] select[name=hazard_class]", "general")
    act("action-assess")
    deadline = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    page.fill("[data-testid=action-start] input[name=deadline]", deadline)
    page.fill("[data-testid=action-start] input[name=responsible_person]", "王电工")
    act("action-start")
    page.fill("[data-testid=action-submit] textarea[name=note]", "已更换两具灭火器")
    page.set_input_files("[data-testid=action-submit] input[name=photos]", _photo(tmp_path))
    act("action-submit")
    # The rectifier is not offered the acceptance.
    expect(page.locator("[data-testid=self-rectified]")).to_be_visible()
    expect(page.locator("[data-testid=action-accept]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.context.clear_cookies()
    visitor.log_in("ent_colleague", PASSWORD)
    visitor.open(f"/prevention/hazards/{hazard.pk}/")
    page.select_option("[data-testid=action-accept] select[name=result]", "passed")
    act("action-accept")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == "closed"
    assert [t.to_state for t in HiddenHazard.objects.get(pk=hazard.pk).transitions.all()] == [
        "identified", "registered", "assessed", "rectifying", "acceptance", "closed"]
    assert visitor.errors == []
