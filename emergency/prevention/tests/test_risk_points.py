"""Risk points: an enterprise registers its areas, facilities and operations with their hazard factors
and control measures; regulators see those in their area. Lists run a bounded number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.core.models import AuditEvent
from emergency.prevention import services
from emergency.prevention.models import ControlMeasure, HazardFactor, RiskPoint
from emergency.prevention.tests.conftest import rp_make_point

pytestmark = pytest.mark.django_db
LIST = reverse("prevention:risk_point_list")


def test_an_enterprise_registers_a_risk_point_of_its_own(client, enterprise_manager, enterprise_a):
    login(client, enterprise_manager)
    page = client.get(reverse("prevention:risk_point_create"))
    assert page.status_code == 200
    assert list(page.context["form"].fields["enterprise"].queryset) == [enterprise_a]
    resp = client.post(reverse("prevention:risk_point_create"), {
        "enterprise": enterprise_a.pk, "name": "喷漆房", "kind": "area", "control_level": 2,
        "responsible_person": "赵工", "responsible_phone": "13900002222", "location": "二号厂房"})
    point = RiskPoint.objects.get(name="喷漆房")
    assert resp.status_code == 302 and resp["Location"] == reverse("prevention:risk_point_detail", args=[point.pk])
    assert (point.enterprise, point.control_level, point.current_level) == (enterprise_a, 2, None)
    assert len(point.qr_token) >= 16
    assert AuditEvent.objects.filter(event_type="create", object_type="prevention.RiskPoint").exists()


def test_it_keeps_the_input_and_names_the_field_when_the_form_is_wrong(client, enterprise_manager, enterprise_a,
                                                                       enterprise_b):
    login(client, enterprise_manager)
    resp = client.post(reverse("prevention:risk_point_create"), {
        "enterprise": enterprise_b.pk, "name": "喷漆房", "kind": "area", "control_level": 9,
        "responsible_person": ""})
    assert resp.status_code == 200
    form = resp.context["form"]
    assert {"enterprise", "control_level", "responsible_person"} <= set(form.errors)
    assert 'value="喷漆房"' in resp.content.decode()
    assert not RiskPoint.objects.exists()


def test_the_detail_shows_factors_measures_level_and_qr(client, enterprise_manager, rp_point):
    services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="lec", l=6, e=6, c=7)
    login(client, enterprise_manager)
    resp = client.get(reverse("prevention:risk_point_detail", args=[rp_point.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "2101" in html and "储罐液位计完好" in html and "泄漏报警器在线" in html
    assert 'data-level="2"' in html and "em-risk-2" in html and 'data-color="orange"' in html
    assert reverse("prevention:risk_point_qr", args=[rp_point.pk]) in html
    assert f"/prevention/m/{rp_point.qr_token}/" in html


def test_a_hazard_factor_is_added_with_its_gb_t_13861_code(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    url = reverse("prevention:risk_factor_add", args=[rp_point.pk])
    resp = client.post(url, {"code": "4101", "description": "安全管理制度不健全"})
    assert resp.status_code == 302
    assert rp_point.factors.filter(code="4101").exists()


@pytest.mark.parametrize("code", ["5101", "A101", "", "1" * 13])
def test_it_rejects_a_code_outside_gb_t_13861_and_writes_nothing(client, enterprise_manager, rp_point, code):
    login(client, enterprise_manager)
    before = HazardFactor.objects.count()
    resp = client.post(reverse("prevention:risk_factor_add", args=[rp_point.pk]),
                       {"code": code, "description": "描述"})
    assert resp.status_code == 400
    assert "code" in resp.context["factor_form"].errors
    assert "描述" in resp.content.decode()  # the input is kept
    assert HazardFactor.objects.count() == before


def test_a_control_measure_becomes_a_checklist_item(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    resp = client.post(reverse("prevention:risk_measure_add", args=[rp_point.pk]),
                       {"kind": "ppe", "description": "进入罐区佩戴防毒面具", "check_item": ""})
    assert resp.status_code == 302
    assert rp_point.measures.get(kind="ppe").check_item == "进入罐区佩戴防毒面具"
    bad = client.post(reverse("prevention:risk_measure_add", args=[rp_point.pk]), {"kind": "magic", "description": ""})
    assert bad.status_code == 400 and {"kind", "description"} <= set(bad.context["measure_form"].errors)
    assert ControlMeasure.objects.filter(risk_point=rp_point).count() == 3


def test_a_regulator_of_the_area_may_read_but_a_department_outside_the_sector_may_not(
        client, rp_point, subdistrict_officer, department_clerk):
    login(client, subdistrict_officer)
    assert client.get(reverse("prevention:risk_point_detail", args=[rp_point.pk])).status_code == 200
    login(client, department_clerk)  # 区住建委 supervises construction; rp_point's enterprise is manufacturing
    resp = client.get(LIST)
    assert resp.status_code == 200 and list(resp.context["page"]) == []
    assert client.get(reverse("prevention:risk_point_detail", args=[rp_point.pk])).status_code == 404


def test_the_list_filters_by_enterprise_level_control_level_and_subdistrict(client, bureau_officer, rp_point,
                                                                           rp_point_b, enterprise_manager, guangfu):
    services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="ls", l=5, s=5)
    login(client, bureau_officer)

    def names(query):
        resp = client.get(LIST + "?" + query)
        assert resp.status_code == 200
        return {p.name for p in resp.context["page"]}

    assert names("") == {rp_point.name, rp_point_b.name}
    assert names(f"enterprise={rp_point.enterprise_id}") == {rp_point.name}
    assert names("level=1") == {rp_point.name}
    assert names("level=none") == {rp_point_b.name}
    assert names(f"subdistrict={guangfu.pk}") == {rp_point.name}
    assert names("control_level=4") == {rp_point.name, rp_point_b.name}
    assert names("control_level=1") == set()
    assert names("q=冲压") == {rp_point_b.name}


def test_a_subdistrict_lists_only_the_points_of_its_area(client, subdistrict_officer, rp_point, rp_point_b):
    login(client, subdistrict_officer)
    assert [p.pk for p in client.get(LIST).context["page"]] == [rp_point.pk]


def _many_points(user, enterprise, n):
    for i in range(n):
        rp_make_point(user, enterprise, name=f"点{i:02d}", checks=("检查项",), factors=())


def test_the_list_runs_the_same_number_of_queries_for_many_rows(client, bureau_officer, guangfu,
                                                                django_assert_max_num_queries):
    login(client, bureau_officer)
    _many_points(bureau_officer, make_enterprise("丙公司", 3, guangfu), 2)
    with django_assert_max_num_queries(100) as few:
        client.get(LIST)
    _many_points(bureau_officer, make_enterprise("丁公司", 4, guangfu), 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = client.get(LIST)
    assert len(resp.context["page"]) == 32


def test_the_api_lists_the_callers_points_in_bounded_queries(client, enterprise_manager, enterprise_a, rp_point,
                                                            rp_point_b, django_assert_max_num_queries):
    login(client, enterprise_manager)
    with django_assert_max_num_queries(100) as few:
        first = client.get("/api/v1/prevention/risk-points/")
    assert [p["id"] for p in first.json()["results"]] == [rp_point.pk]
    row = first.json()["results"][0]
    assert row["responsible_phone"] == "138****1111" and row["color"] == "grey"
    _many_points(enterprise_manager, enterprise_a, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = client.get("/api/v1/prevention/risk-points/?control_level=4")
    assert resp.json()["count"] == 26


def test_the_api_filters_and_rejects_a_bad_filter(client, bureau_officer, rp_point, rp_point_b, wanghai):
    login(client, bureau_officer)
    resp = client.get(f"/api/v1/prevention/risk-points/?subdistrict={wanghai.pk}")
    assert [p["id"] for p in resp.json()["results"]] == [rp_point_b.pk]
    bad = client.get("/api/v1/prevention/risk-points/?level=7")
    assert bad.status_code == 400 and "level" in bad.json()["error"]["fields"]


def test_a_bad_filter_value_is_shown_not_a_server_error(client, bureau_officer, rp_point):
    login(client, bureau_officer)
    resp = client.get(LIST + "?level=7&subdistrict=abc&control_level=x&page=zz")
    assert resp.status_code == 200
    assert {"level", "subdistrict", "control_level"} <= set(resp.context["filter"].form.errors)
