"""Permission boundaries: a department sees and reports only its own assignments; the bureau sees all and alone
imports, reviews, issues notices and records indicator values; the separated administrators see no plan."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import login
from emergency.core.models import Department
from emergency.plan_supervision import services
from emergency.plan_supervision.models import IndicatorValue, Item, Plan, ProgressReport, SupervisionNotice

from . import builders


def edit_url(assignment, period) -> str:
    return f"/plans/assignments/{assignment.pk}/periods/{period.pk}/report/"


def plan_pages(plan, quarter, report, notice) -> list[str]:
    item = builders.task(plan, 1)
    return ["/plans/", "/plans/import/", "/plans/notices/", f"/plans/notices/{notice.pk}/",
            f"/plans/reports/{report.pk}/", edit_url(report.assignment, quarter),
            f"/plans/{plan.pk}/", f"/plans/{plan.pk}/matrix/", f"/plans/{plan.pk}/items/",
            f"/plans/{plan.pk}/items/{item.pk}/", f"/plans/{plan.pk}/my/", f"/plans/{plan.pk}/reports/",
            f"/plans/{plan.pk}/indicators/", f"/plans/{plan.pk}/allocation.xlsx", f"/plans/{plan.pk}/progress.docx",
            f"/plans/{plan.pk}/evaluation.docx"]


@pytest.fixture
def housing_report(plan, quarter, department_clerk, report_for) -> ProgressReport:
    """区住建委's submitted report on task 2."""
    return report_for(department_clerk, plan, 2, "区住建委", quarter, narrative="住建委本季度进展。")


@pytest.fixture
def finance_report(plan, quarter, finance_clerk, report_for) -> ProgressReport:
    return report_for(finance_clerk, plan, 4, "区财政局", quarter, narrative="财政局本季度进展。")


@pytest.fixture
def finance_notice(plan, bureau_officer) -> SupervisionNotice:
    return services.notice_issue(acting_user=bureau_officer, item=builders.task(plan, 4),
                                 department=Department.objects.get(name="区财政局"), content="请加快资金拨付。",
                                 deadline=timezone.localdate() + datetime.timedelta(days=10))


def test_my_tasks_lists_only_the_departments_own_assignments(plan, quarter, department_clerk, client):
    login(client, department_clerk)
    page = client.get(f"/plans/{plan.pk}/my/?period={quarter.pk}").content.decode()
    assert "明确应急管理职责" in page and "城市运行安全联合治理" in page
    assert "应急资金保障" not in page and "街道应急管理站建设" not in page and "区级应急指挥中心" not in page
    assert edit_url(builders.assignment(plan, 2, "区住建委"), quarter) in page


def test_a_department_cannot_open_another_departments_report_form(plan, quarter, department_clerk, client):
    login(client, department_clerk)
    assert client.get(edit_url(builders.assignment(plan, 2, "区住建委"), quarter)).status_code == 200
    for number, dept in [(4, "区财政局"), (2, "区城管委"), (1, "区应急局")]:
        url = edit_url(builders.assignment(plan, number, dept), quarter)
        assert client.get(url).status_code in (403, 404), url
        resp = client.post(url, {"narrative": "越权。", "percent_complete": 10, "status": "on_track",
                                 "action": "submit"})
        assert resp.status_code in (403, 404), url
    assert not ProgressReport.objects.exists()


def test_a_department_cannot_see_another_departments_report_or_notice(
        plan, finance_report, finance_notice, housing_report, department_clerk, client):
    login(client, department_clerk)
    assert client.get(f"/plans/reports/{finance_report.pk}/").status_code == 404
    assert client.get(f"/plans/notices/{finance_notice.pk}/").status_code == 404
    assert client.get(f"/plans/reports/{housing_report.pk}/").status_code == 200
    listing = client.get(f"/plans/{plan.pk}/reports/?period={finance_report.period_id}").content.decode()
    assert f"/plans/reports/{housing_report.pk}/" in listing
    assert f"/plans/reports/{finance_report.pk}/" not in listing
    notices = client.get("/plans/notices/").content.decode()
    assert finance_notice.serial not in notices


def test_an_item_page_shows_a_department_only_its_own_reports(plan, quarter, finance_report, housing_report,
                                                              department_clerk, client):
    login(client, department_clerk)
    task4 = client.get(f"/plans/{plan.pk}/items/{builders.task(plan, 4).pk}/?period={quarter.pk}").content.decode()
    assert f"/plans/reports/{finance_report.pk}/" not in task4


def test_a_subdistrict_reports_on_its_share_of_the_group_task_only(plan, quarter, subdistrict_officer, client):
    login(client, subdistrict_officer)
    mine = builders.assignment(plan, 3, "光复道街道办事处")
    resp = client.post(edit_url(mine, quarter), {"narrative": "光复道已建成应急管理站。", "percent_complete": 80,
                                                 "status": "on_track", "action": "submit"})
    report = ProgressReport.objects.get(assignment=mine, period=quarter)
    assert resp.status_code == 302 and report.state == "submitted"
    for number, dept in [(3, "望海楼街道办事处"), (4, "区财政局"), (2, "区住建委")]:
        assert client.get(edit_url(builders.assignment(plan, number, dept), quarter)).status_code in (403, 404)
    my = client.get(f"/plans/{plan.pk}/my/?period={quarter.pk}").content.decode()
    assert "光复道街道办事处" in my and "望海楼街道办事处" not in my


def test_another_subdistrict_cannot_see_the_first_ones_report(plan, quarter, subdistrict_officer,
                                                              other_subdistrict_officer, report_for, client):
    report = report_for(subdistrict_officer, plan, 3, "光复道街道办事处", quarter)
    login(client, other_subdistrict_officer)
    assert client.get(f"/plans/reports/{report.pk}/").status_code == 404
    listing = client.get(f"/plans/{plan.pk}/reports/?period={quarter.pk}").content.decode()
    assert f"/plans/reports/{report.pk}/" not in listing


def test_the_bureau_sees_every_report_and_notice(plan, quarter, finance_report, housing_report, finance_notice,
                                                 bureau_officer, client):
    login(client, bureau_officer)
    listing = client.get(f"/plans/{plan.pk}/reports/?period={quarter.pk}").content.decode()
    assert f"/plans/reports/{finance_report.pk}/" in listing and f"/plans/reports/{housing_report.pk}/" in listing
    assert client.get(f"/plans/reports/{finance_report.pk}/").status_code == 200
    assert finance_notice.serial in client.get("/plans/notices/").content.decode()


def test_the_bureau_does_not_report_for_a_department(plan, quarter, bureau_officer, client):
    login(client, bureau_officer)
    assert client.get(edit_url(builders.assignment(plan, 4, "区财政局"), quarter)).status_code == 403


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "audit_admin"])
def test_the_separated_administrators_get_403_on_every_plan_page(request, persona, plan, quarter, housing_report,
                                                                 finance_notice, client):
    login(client, request.getfixturevalue(persona))
    for url in plan_pages(plan, quarter, housing_report, finance_notice):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/plans/reports/{housing_report.pk}/review/", {"action": "accept"}).status_code == 403


def test_a_department_cannot_import_a_plan(department_clerk, client, plan):
    login(client, department_clerk)
    assert client.get("/plans/import/").status_code == 403
    upload = SimpleUploadedFile("plan.txt", "河北应急发〔2023〕1号".encode())
    assert client.post("/plans/import/", {"file": upload}).status_code == 403
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("action", ["accept", "return"])
def test_a_department_cannot_review_even_its_own_report(housing_report, department_clerk, client, action):
    login(client, department_clerk)
    resp = client.post(f"/plans/reports/{housing_report.pk}/review/", {"action": action, "comment": "自审。"})
    assert resp.status_code == 403
    assert ProgressReport.objects.get(pk=housing_report.pk).state == "submitted"


def test_a_department_cannot_issue_a_notice(plan, department_clerk, client):
    login(client, department_clerk)
    item = builders.task(plan, 2)
    for data in ({"department": Department.objects.get(name="区城管委").pk, "content": "互相督办。",
                  "deadline": (timezone.localdate() + datetime.timedelta(days=5)).isoformat()}, {}):
        assert client.post(f"/plans/{plan.pk}/items/{item.pk}/notice/", data).status_code == 403
    assert not SupervisionNotice.objects.exists()


def test_a_department_cannot_record_indicator_values(plan, department_clerk, client):
    login(client, department_clerk)
    item = builders.item(plan, Item.Kind.INDICATOR, 1)
    resp = client.post(f"/plans/{plan.pk}/indicators/", {"item": item.pk, "year": 2023, "value": "0.005",
                                                         "source": "自报"})
    assert resp.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_a_department_downloads_the_allocation_but_not_the_others_progress(plan, quarter, department_clerk, client):
    login(client, department_clerk)
    assert client.get(f"/plans/{plan.pk}/allocation.xlsx").status_code == 200
    assert client.get(f"/plans/{plan.pk}/progress.docx?period={quarter.pk}").status_code == 403
    assert client.get(f"/plans/{plan.pk}/evaluation.docx?kind=final").status_code == 403
