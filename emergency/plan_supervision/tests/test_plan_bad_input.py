"""A bad input never gives a 500: the page comes back with the error and the data is unchanged."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from conftest import login
from emergency.core.models import Department
from emergency.plan_supervision.models import IndicatorValue, Item, ProgressReport, SupervisionNotice

from . import builders

GOOD_REPORT = {"narrative": "进展顺利。", "percent_complete": "50", "status": "on_track", "action": "submit"}


def report_url(plan, quarter) -> str:
    return f"/plans/assignments/{builders.assignment(plan, 2, '区住建委').pk}/periods/{quarter.pk}/report/"


@pytest.mark.parametrize(("change", "field"), [
    ({"percent_complete": "150"}, "percent_complete"),
    ({"percent_complete": "-1"}, "percent_complete"),
    ({"percent_complete": "abc"}, "percent_complete"),
    ({"status": "bogus"}, "status"),
    ({"narrative": "  "}, "narrative"),
    ({"status": "done", "percent_complete": "90"}, "percent_complete"),
])
def test_a_bad_progress_report_comes_back_with_the_error(plan, quarter, department_clerk, client, change, field):
    login(client, department_clerk)
    resp = client.post(report_url(plan, quarter), {**GOOD_REPORT, **change})
    assert resp.status_code == 400
    assert resp.context["form"].errors[field]
    assert not ProgressReport.objects.exists()


def test_editing_a_submitted_report_comes_back_with_the_error(plan, quarter, department_clerk, client, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=40)
    login(client, department_clerk)
    resp = client.post(report_url(plan, quarter), {**GOOD_REPORT, "percent_complete": "90"})
    assert resp.status_code == 400
    assert resp.context["form"].non_field_errors()
    assert ProgressReport.objects.get(pk=report.pk).percent_complete == 40


def test_a_period_of_another_plan_is_not_found(plan, quarter, department_clerk, bureau_officer, client):
    other = builders.import_plan(bureau_officer, document_number="河北应急发〔2022〕6号")
    login(client, department_clerk)
    url = f"/plans/assignments/{builders.assignment(plan, 2, '区住建委').pk}/periods/{other.periods.first().pk}/report/"
    assert client.post(url, GOOD_REPORT).status_code == 404


def notice_post(client, plan, **change):
    item = builders.task(plan, 2)
    data = {"department": str(Department.objects.get(name="区住建委").pk), "content": "请加快推进。",
            "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(), **change}
    return client.post(f"/plans/{plan.pk}/items/{item.pk}/notice/", data)


@pytest.mark.parametrize(("change", "field"), [
    ({"deadline": "2020-01-01"}, "deadline"),
    ({"deadline": "yesterday"}, "deadline"),
    ({"department": "999999"}, "department"),
    ({"department": "abc"}, "department"),
    ({"content": ""}, "content"),
])
def test_a_bad_notice_comes_back_with_the_error(plan, bureau_officer, client, change, field):
    login(client, bureau_officer)
    resp = notice_post(client, plan, **change)
    assert resp.status_code == 400
    assert resp.context["notice_form"].errors[field]
    assert not SupervisionNotice.objects.exists()


def test_a_notice_to_a_department_outside_the_item_comes_back_with_the_error(plan, bureau_officer, client):
    login(client, bureau_officer)
    resp = notice_post(client, plan, department=str(Department.objects.get(name="区财政局").pk))
    assert resp.status_code == 400
    assert not SupervisionNotice.objects.exists()


@pytest.mark.parametrize("data", [
    {"year": "2030", "value": "0.005", "source": "区统计局"},
    {"year": "1999", "value": "0.005", "source": "区统计局"},
    {"year": "2023", "value": "abc", "source": "区统计局"},
    {"year": "2023", "value": "", "source": "区统计局"},
    {"year": "2023", "value": "0.005", "source": ""},
    {"year": "x", "value": "1e999", "source": "区统计局"},
])
def test_a_bad_indicator_value_comes_back_with_the_error(plan, bureau_officer, client, data):
    login(client, bureau_officer)
    item = builders.item(plan, Item.Kind.INDICATOR, 1)
    resp = client.post(f"/plans/{plan.pk}/indicators/", {"item": str(item.pk), **data})
    assert resp.status_code == 400
    assert list(resp.context["messages"])
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("item", ["abc", "", "999999"])
def test_an_unknown_indicator_is_not_found(plan, bureau_officer, client, item):
    login(client, bureau_officer)
    resp = client.post(f"/plans/{plan.pk}/indicators/", {"item": item, "year": "2023", "value": "1", "source": "s"})
    assert resp.status_code == 404


def test_a_task_is_not_an_indicator(plan, bureau_officer, client):
    login(client, bureau_officer)
    resp = client.post(f"/plans/{plan.pk}/indicators/", {"item": str(builders.task(plan, 1).pk), "year": "2023",
                                                         "value": "1", "source": "s"})
    assert resp.status_code == 404


def test_a_bad_review_changes_nothing(plan, quarter, department_clerk, bureau_officer, client, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter)
    login(client, bureau_officer)
    assert client.post(f"/plans/reports/{report.pk}/review/", {"action": "bogus"}).status_code == 404
    resp = client.post(f"/plans/reports/{report.pk}/review/", {"action": "return", "comment": ""}, follow=True)
    assert resp.status_code == 200 and list(resp.context["messages"])
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


@pytest.mark.parametrize("query", ["?period=abc", "?period=999999", "?period=", "?kind=bogus", "?state=bogus"])
def test_nonsense_query_parameters_fall_back(plan, bureau_officer, client, query):
    login(client, bureau_officer)
    for view in ("", "matrix/", "reports/", "my/"):
        assert client.get(f"/plans/{plan.pk}/{view}{query}").status_code == 200, view
