"""Dashboards: completion by section, department and key project; the department × task matrix; the pages render
for the bureau and for departments, with a query count that does not grow with the number of tasks."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login
from emergency.core.models import Department
from emergency.plan_supervision import selectors, services
from emergency.plan_supervision.models import Assignment, ProgressReport, SupervisionNotice

from . import builders
from .conftest import QUARTER_END


@pytest.fixture
def known_reports(plan, quarter, bureau_officer, department_clerk, emergency_clerk, finance_clerk,
                  subdistrict_officer, other_subdistrict_officer, report_for):
    report_for(emergency_clerk, plan, 1, "区应急局", quarter, percent=70)
    report_for(department_clerk, plan, 1, "区住建委", quarter, percent=60)
    report_for(department_clerk, plan, 2, "区住建委", quarter, percent=40, status="at_risk")
    report_for(subdistrict_officer, plan, 3, "光复道街道办事处", quarter, percent=80)
    report_for(other_subdistrict_officer, plan, 3, "望海楼街道办事处", quarter, percent=20, submit=False)
    done = report_for(finance_clerk, plan, 4, "区财政局", quarter, percent=100, status="done")
    services.report_accept(acting_user=bureau_officer, report=done)
    report_for(emergency_clerk, plan, 1, "区应急局", quarter, percent=50, kind="project")


def as_dict(rows) -> dict[str, tuple[int, int, float]]:
    return {c.label: (c.reported, c.total, c.percent) for c in rows}


def test_completion_by_section_counts_lead_and_joint_reports(plan, quarter, known_reports):
    assert as_dict(selectors.completion_by(plan, quarter, by="section")) == {
        "健全完善应急管理工作体制机制": (2, 3, 36.7),  # (70 + 40 + 0) / 3
        "提升防灾减灾救灾能力": (2, 11, 16.4),  # (80 + 100 + 0 × 9) / 11; a draft counts nothing
    }


def test_completion_by_key_project(plan, quarter, known_reports):
    [project] = selectors.completion_by(plan, quarter, by="project")
    assert (project.key, project.label, project.reported, project.total, project.percent) == (
        "1", "区级应急指挥中心建设工程", 1, 1, 50.0)


def test_completion_by_department(plan, quarter, known_reports):
    rows = as_dict(selectors.completion_by(plan, quarter, by="department"))
    assert rows["区住建委"] == (2, 2, 50.0)
    assert rows["区应急局"] == (2, 4, 30.0)  # two indicators unreported, task 1 at 70, project 1 at 50
    assert rows["区财政局"] == (1, 2, 50.0)
    assert rows["望海楼街道办事处"] == (0, 1, 0.0)
    assert rows["区城管委"] == (0, 1, 0.0)


def test_another_period_has_its_own_numbers(plan, known_reports):
    later = builders.period_on(plan, datetime.date(2023, 6, 30))
    assert all(c.reported == 0 and c.percent == 0 for c in selectors.completion_by(plan, later, by="department"))


def test_the_matrix_cells_carry_role_and_status(plan, quarter, known_reports):
    m = selectors.department_item_matrix(plan, quarter)
    dept = {name: pk for pk, name in m.departments}
    item = {number: pk for pk, number in m.items}
    assert list(item) == ["1", "2", "3", "4"]

    def cell(name, number):
        c = m.cells.get((dept[name], item[number]))
        return (c["role"], c["status"]) if c else None

    assert cell("区应急局", "1") == ("lead", "on_track")
    assert cell("区住建委", "1") == ("cooperating", "on_track")
    assert cell("区住建委", "2") == ("joint", "at_risk")
    assert cell("区城管委", "2") == ("joint", "none")
    assert cell("区财政局", "4") == ("lead", "done")
    assert cell("望海楼街道办事处", "3") == ("lead", "none")  # a draft has not reached the bureau
    assert cell("区财政局", "1") is None


def test_the_matrix_shows_an_overdue_report_as_overdue(plan, quarter, known_reports, bureau_officer, client):
    services.overdue_mark(today=QUARTER_END + datetime.timedelta(days=1))
    m = selectors.department_item_matrix(plan, quarter)
    dept = {name: pk for pk, name in m.departments}
    task2 = builders.task(plan, 2).pk
    assert m.cells[(dept["区城管委"], task2)]["status"] == "overdue"
    assert m.cells[(dept["区住建委"], task2)]["status"] == "at_risk"
    login(client, bureau_officer)
    page = client.get(f"/plans/{plan.pk}/matrix/?period={quarter.pk}").content.decode()
    assert 'class="em-s-overdue"' in page and 'class="em-s-done"' in page


@pytest.mark.parametrize("persona", ["bureau_officer", "department_clerk", "subdistrict_officer"])
def test_the_plan_pages_render_for_the_bureau_and_departments(request, persona, plan, quarter, known_reports,
                                                              client):
    login(client, request.getfixturevalue(persona))
    for url in [f"/plans/{plan.pk}/", f"/plans/{plan.pk}/matrix/", f"/plans/{plan.pk}/matrix/?kind=project",
                f"/plans/{plan.pk}/my/", f"/plans/{plan.pk}/reports/", f"/plans/{plan.pk}/items/",
                f"/plans/{plan.pk}/indicators/", "/plans/notices/"]:
        resp = client.get(f"{url}{'&' if '?' in url else '?'}period={quarter.pk}")
        assert resp.status_code == 200, url


def test_the_dashboard_shows_the_counts_of_the_period(plan, quarter, known_reports, bureau_officer, client):
    login(client, bureau_officer)
    resp = client.get(f"/plans/{plan.pk}/?period={quarter.pk}")
    assert resp.context["submitted"] == 5
    assert resp.context["overdue"] == 0
    assert [c.percent for c in resp.context["by_section"]] == [36.7, 16.4]


# --- query counts -----------------------------------------------------------------------------------------


def fill(plan, bureau_officer) -> None:
    """A report of every assignment in 2023 Q1 (in every state) and a notice per task."""
    quarter = builders.period_on(plan, datetime.date(2023, 1, 1))
    states = ["submitted", "accepted", "draft", "returned", "overdue"]
    statuses = ["on_track", "at_risk", "delayed", "done", "not_started"]
    assignments = list(Assignment.objects.filter(item__plan=plan).select_related("item"))
    ProgressReport.objects.bulk_create([
        ProgressReport(assignment=a, period=quarter, state=states[i % 5], status=statuses[i % 5],
                       percent_complete=100 if statuses[i % 5] == "done" else 10 * (i % 9), narrative="进展。",
                       is_consolidated=a.role == "lead")
        for i, a in enumerate(assignments)])
    SupervisionNotice.objects.bulk_create([
        SupervisionNotice(item=a.item, department_id=a.department_id, serial=f"督〔测{plan.pk}〕{i}号", content="催办。",
                          deadline=timezone.localdate() + datetime.timedelta(days=9), issued_by=bureau_officer)
        for i, a in enumerate(assignments) if a.item.kind == "task" and a.role != "cooperating"])


@pytest.fixture
def small_and_big(plan, bureau_officer):
    big = builders.import_plan(bureau_officer, tasks=40, document_number="河北应急发〔2022〕6号")
    for p in (plan, big):
        fill(p, bureau_officer)
    assert big.items.filter(kind="task").count() == 40
    return plan, big


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx)


PLAN_VIEWS = ["", "matrix/", "matrix/?kind=project", "items/", "my/", "reports/", "indicators/"]
CEILING = 30


@pytest.mark.parametrize("view", PLAN_VIEWS)
@pytest.mark.parametrize("persona", ["bureau_officer", "department_clerk"])
def test_a_plan_page_runs_as_many_queries_for_40_tasks_as_for_4(request, persona, view, small_and_big, client,
                                                                 django_assert_max_num_queries):
    small, big = small_and_big
    login(client, request.getfixturevalue(persona))
    sep = "&" if "?" in view else "?"
    small_quarter = builders.period_on(small, datetime.date(2023, 1, 1))
    big_quarter = builders.period_on(big, datetime.date(2023, 1, 1))
    few = queries_for(client, f"/plans/{small.pk}/{view}{sep}period={small_quarter.pk}")
    assert few <= CEILING, f"{view} runs {few} queries"
    with django_assert_max_num_queries(few):
        resp = client.get(f"/plans/{big.pk}/{view}{sep}period={big_quarter.pk}")
    assert resp.status_code == 200


def test_the_notice_list_runs_a_fixed_number_of_queries(plan, bureau_officer, client, django_assert_max_num_queries):
    fill(plan, bureau_officer)
    login(client, bureau_officer)
    few = queries_for(client, "/plans/notices/")
    assert few <= CEILING
    big = builders.import_plan(bureau_officer, tasks=40, document_number="河北应急发〔2022〕6号")
    fill(big, bureau_officer)
    assert SupervisionNotice.objects.count() > 40
    with django_assert_max_num_queries(few):
        client.get("/plans/notices/")


def test_the_plan_list_runs_a_fixed_number_of_queries(plan, bureau_officer, client, django_assert_max_num_queries):
    login(client, bureau_officer)
    few = queries_for(client, "/plans/")
    assert few <= CEILING
    builders.import_plan(bureau_officer, tasks=40, document_number="河北应急发〔2022〕6号")
    with django_assert_max_num_queries(few):
        resp = client.get("/plans/")
    assert len(resp.context["plans"]) == 2


def test_the_group_task_reaches_every_subdistrict_office(plan):
    offices = Department.objects.filter(kind=Department.Kind.SUBDISTRICT_OFFICE).count()
    assert Assignment.objects.filter(item=builders.task(plan, 3)).count() == offices
