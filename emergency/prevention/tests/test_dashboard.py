"""The regulator's dashboard: the bureau supervises the district, a subdistrict its area, an enterprise itself.

The story: 光复道 has 甲化工 (manufacturing) and 丙商贸 (wholesale, in a community of 光复道); 望海楼 has
乙机械 (manufacturing). 甲 found three hazards: one rectified and closed, one overdue, one just reported.
丙 found one and closed it. 乙 has one MAJOR hazard the bureau listed for supervision. Only 甲 ran an
inspection this month.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login, make_user
from emergency.core.roles import Role
from emergency.enterprises import services as enterprise_services
from emergency.lib.credit_code import complete
from emergency.prevention import selectors, services
from emergency.prevention.models import InspectionTask

URL = reverse("prevention:dashboard")


def close(loop, hazard, acceptor):
    services.hazard_accept(acting_user=acceptor, hazard=hazard, passed=True, note="复查合格")


@pytest.fixture
def enterprise_c(community_a, bureau_officer):
    return enterprise_services.enterprise_create(
        acting_user=bureau_officer, name="丙商贸有限公司", credit_code=complete("91120105MA0000003"), industry="F",
        division=community_a, address="河北区某路3号", legal_representative="李四")


@pytest.fixture
def district_story(hz_loop, hz_loop_b, enterprise_c, subdistrict_officer, bureau_officer, enterprise_manager):
    closed = hz_loop.awaiting_acceptance(title="配电箱未接地")
    close(hz_loop, closed, subdistrict_officer)
    late = hz_loop.rectifying(title="消防通道堵塞", days=1)
    hz_loop.report(title="安全警示标志缺失")
    services.hazards_mark_overdue(today=timezone.localdate() + datetime.timedelta(days=5))

    c_manager = make_user("ent_manager_c", Role.ENTERPRISE, enterprise=enterprise_c)
    c_loop = type(hz_loop)(enterprise_c, c_manager)
    c_hazard = c_loop.awaiting_acceptance(title="货架超载")
    close(hz_loop, c_hazard, subdistrict_officer)

    major = hz_loop_b.major_ready(title="液氨储罐泄漏")
    services.hazard_list_for_supervision(acting_user=bureau_officer, hazard=major,
                                         deadline=timezone.localdate() + datetime.timedelta(days=30))

    point = services.risk_point_create(acting_user=enterprise_manager, enterprise=hz_loop.enterprise, name="储罐区",
                                       kind="area", control_level=1, responsible_person="王工")
    services.control_measure_add(acting_user=enterprise_manager, point=point, kind="engineering",
                                 description="可燃气体报警", check_item="报警器是否正常")
    services.risk_assess(acting_user=enterprise_manager, point=point, method="lec", l=6, e=6, c=7)  # 252: level 2
    services.inspection_tasks_generate(now=timezone.now())
    task = InspectionTask.objects.filter(risk_point=point).first()
    services.inspection_record(acting_user=enterprise_manager, task=task,
                               results={m.pk: (True, "") for m in point.measures.all()})
    return {"closed": closed, "late": late, "major": major, "c": enterprise_c}


def stats_by(data, kind):
    if kind == "subdistrict":
        return {s.name: st for s, st in data["by_subdistrict"]}
    return {key: st for key, _label, st in data[f"by_{kind}"]}


def test_the_bureau_sees_found_rectified_overdue_and_rate_by_subdistrict(district_story, bureau_officer):
    data = selectors.dashboard(bureau_officer)

    assert (data["total"].found, data["total"].closed, data["total"].overdue, data["total"].rate) == (5, 2, 1, 40.0)
    subs = stats_by(data, "subdistrict")
    assert (subs["光复道"].found, subs["光复道"].closed, subs["光复道"].overdue) == (4, 2, 1)
    assert subs["光复道"].rate == 50.0
    assert (subs["望海楼"].found, subs["望海楼"].closed, subs["望海楼"].open_major) == (1, 0, 1)
    assert subs["望海楼"].rate == 0.0
    # Every subdistrict is listed, the quiet ones with nothing found and no rate.
    assert len(subs) == 10
    assert all(st.rate is None for name, st in subs.items() if name not in ("光复道", "望海楼"))


def test_the_bureau_sees_the_figures_by_industry_and_by_class(district_story, bureau_officer):
    data = selectors.dashboard(bureau_officer)

    industries = stats_by(data, "industry")
    assert (industries["C"].found, industries["C"].closed, industries["C"].overdue) == (4, 1, 1)
    assert (industries["F"].found, industries["F"].closed, industries["F"].rate) == (1, 1, 100.0)
    classes = stats_by(data, "class")
    assert (classes["major"].found, classes["general"].found, classes["none"].found) == (1, 3, 1)


def test_the_dashboard_lists_open_major_hazards_with_listed_supervision_flagged(district_story, bureau_officer,
                                                                                 client):
    login(client, bureau_officer)
    page = client.get(URL).content.decode()

    major = district_story["major"]
    assert f'href="/prevention/hazards/{major.pk}/"' in page
    assert 'data-testid="listed"' in page
    assert f'href="/enterprises/{major.enterprise_id}/"' in page
    assert [h.pk for h in selectors.dashboard(bureau_officer)["major"]] == [major.pk]


def test_it_lists_enterprises_with_no_inspection_in_thirty_days(district_story, bureau_officer, enterprise_b):
    data = selectors.dashboard(bureau_officer)

    assert data["no_inspection_days"] == 30
    names = {e.name for e in data["uninspected"]}
    assert names == {"乙机械有限公司", "丙商贸有限公司"}
    assert data["uninspected_count"] == 2


def test_an_inspection_older_than_the_rule_no_longer_counts(district_story, bureau_officer):
    in_forty_days = timezone.now() + datetime.timedelta(days=40)
    count, listed, _days = selectors.uninspected_enterprises(bureau_officer, now=in_forty_days)

    assert count == 3
    assert {e.name for e in listed} >= {"甲化工有限公司"}
    assert next(e for e in listed if e.name == "甲化工有限公司").last_inspection is not None


def test_the_dashboard_counts_risk_points_by_level_subdistrict_and_industry(district_story, bureau_officer,
                                                                            enterprise_manager):
    services.risk_point_create(acting_user=enterprise_manager, enterprise=district_story["closed"].enterprise,
                               name="装卸区", kind="operation", control_level=3, responsible_person="李工")
    points = selectors.dashboard(bureau_officer)["risk_points"]

    assert points["total"].by_level == {1: 0, 2: 1, 3: 0, 4: 0, None: 1}
    by_sub = {s.name: c for s, c in points["by_subdistrict"]}
    assert by_sub["光复道"].cells == [0, 1, 0, 0, 1]
    assert by_sub["望海楼"].total == 0
    assert [(code, c.total) for code, _label, c in points["by_industry"]] == [("C", 2)]


def test_a_subdistrict_sees_only_its_area(district_story, subdistrict_officer, client):
    data = selectors.dashboard(subdistrict_officer)

    assert (data["total"].found, data["total"].closed) == (4, 2)
    assert [s.name for s, _st in data["by_subdistrict"]] == ["光复道"]
    assert data["major"] == []
    assert {e.name for e in data["uninspected"]} == {"丙商贸有限公司"}
    login(client, subdistrict_officer)
    page = client.get(URL).content.decode()
    assert "液氨储罐泄漏" not in page and "望海楼" not in page


def test_an_enterprise_sees_only_its_own_summary(district_story, enterprise_manager, client):
    login(client, enterprise_manager)
    resp = client.get(URL)

    assert resp.status_code == 200
    assert resp.context["enterprise"] == enterprise_manager.enterprise
    assert (resp.context["total"].found, resp.context["total"].closed, resp.context["total"].overdue) == (3, 1, 1)
    page = resp.content.decode()
    assert "货架超载" not in page and "液氨储罐泄漏" not in page and 'data-testid="hazards-by-subdistrict"' not in page


@pytest.mark.parametrize("persona", ["expert", "system_admin", "security_admin", "audit_admin"])
def test_it_refuses_experts_and_administrators(persona, request, client):
    login(client, request.getfixturevalue(persona))

    for name in ("dashboard", "ledger_hazards", "ledger_hazards_export", "ledger_risk_points", "risk_map",
                 "risk_map_points"):
        assert client.get(reverse(f"prevention:{name}")).status_code == 403, name


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    resp = client.get(URL)

    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_the_dashboard_draws_its_charts_and_links_subdistricts_to_the_ledger(district_story, bureau_officer,
                                                                             guangfu, client):
    login(client, bureau_officer)
    page = client.get(URL).content.decode()

    for chart in ("chart-subdistricts", "chart-industries", "chart-levels"):
        assert f'data-config-id="{chart}"' in page and f'id="{chart}"' in page
    assert f'{reverse("prevention:ledger_hazards")}?subdistrict={guangfu.pk}' in page
    assert "style=" not in page.split("<main", 1)[1]


def test_the_dashboard_runs_a_fixed_number_of_queries(hz_loop, hz_loop_b, bureau_officer, client,
                                                      django_assert_max_num_queries):
    login(client, bureau_officer)
    hz_loop.report(title="隐患0")
    client.get(URL)  # rules cached, session warmed
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for i in range(30):
        (hz_loop if i % 2 else hz_loop_b).assessed("major" if i % 3 else "general", title=f"隐患{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200
