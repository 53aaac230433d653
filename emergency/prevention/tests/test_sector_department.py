"""A line department regulates its sector in dual prevention (管行业必须管安全, issue 10 §1): it reads the risk
points and hazards of the industries it supervises (enterprises.SectorSupervision), reports a hazard found on a
visit and accepts a rectification there, and keeps no enterprise's records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.core.scoping import NotAllowed
from emergency.prevention import services
from emergency.prevention.models import HiddenHazard

from .conftest import HazardLoop, rp_make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def builder(wanghai):
    """A construction firm (E) in 望海楼: 区住建委 (department_clerk) supervises construction."""
    return make_enterprise("丁建筑工程公司", 51, wanghai, industry="E")


@pytest.fixture
def builder_manager(builder):
    from conftest import make_user
    from emergency.core.roles import Role

    return make_user("builder_mgr", Role.ENTERPRISE, enterprise=builder)


def test_the_department_reads_its_sector_and_not_the_rest(client, department_clerk, builder, builder_manager,
                                                          hz_loop):
    own = HazardLoop(builder, builder_manager).report(title="脚手架未设防护网")
    other = hz_loop.report(title="配电箱未接地")  # enterprise A: manufacturing, not the department's sector
    login(client, department_clerk)
    resp = client.get(reverse("prevention:hazard_list"))
    assert resp.status_code == 200
    assert [h.pk for h in resp.context["page"]] == [own.pk]
    assert client.get(reverse("prevention:hazard_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("prevention:hazard_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("prevention:dashboard")).status_code == 200


def test_the_department_keeps_no_risk_points(client, department_clerk, builder, builder_manager):
    point = rp_make_point(builder_manager, builder, name="塔吊作业区")
    login(client, department_clerk)
    assert client.get(reverse("prevention:risk_point_detail", args=[point.pk])).status_code == 200
    assert client.get(reverse("prevention:risk_point_create")).status_code == 403
    with pytest.raises(NotAllowed):
        services.risk_point_create(acting_user=department_clerk, enterprise=builder, name="x", kind="facility",
                                   control_level=4, responsible_person="x", responsible_phone="13800001111",
                                   location="x")


def test_the_department_reports_a_hazard_on_a_visit_in_its_sector_only(department_clerk, builder, enterprise_a):
    hazard = services.hazard_report(acting_user=department_clerk, enterprise=builder, title="基坑边缘无护栏")
    assert hazard.found_by_regulator is True
    with pytest.raises(NotAllowed):
        services.hazard_report(acting_user=department_clerk, enterprise=enterprise_a, title="越权上报")
    assert HiddenHazard.objects.filter(enterprise=enterprise_a).count() == 0


def test_the_department_accepts_a_rectification_in_its_sector(department_clerk, builder, builder_manager):
    loop = HazardLoop(builder, builder_manager)
    hazard = loop.awaiting_acceptance(title="临时用电未接漏保")
    services.hazard_accept(acting_user=department_clerk, hazard=hazard, passed=True, note="复查合格")
    assert HiddenHazard.objects.get(pk=hazard.pk).state == HiddenHazard.State.CLOSED
