"""Importing a parsed plan notice: assignments per department, reporting periods, re-import, unknown departments."""

from __future__ import annotations

import datetime

import pytest

from emergency.core.models import AuditEvent, Department
from emergency.core.services import UnknownDepartments
from emergency.plan_supervision import services
from emergency.plan_supervision.models import Assignment, Item, Period, Plan, Section

from . import builders


def roles_of(plan, kind, number) -> dict[str, str]:
    return dict(Assignment.objects.filter(item__plan=plan, item__kind=kind, item__number=number)
                .values_list("department__name", "role"))


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Plan, Section, Item, Assignment, Period, Department)}


def test_it_creates_the_items_of_the_notice(plan):
    kinds = dict.fromkeys(Item.Kind.values, 0)
    for kind in plan.items.values_list("kind", flat=True):
        kinds[kind] += 1
    assert kinds == {"indicator": 2, "task": 4, "project": 1}
    assert list(plan.sections.values_list("number", flat=True)) == ["一", "二"]
    assert (plan.start_year, plan.end_year) == (2021, 2025)
    indicator = builders.item(plan, Item.Kind.INDICATOR, 1)
    assert (indicator.comparator, str(indicator.target_value.normalize()), indicator.unit) == ("<=", "0.01", "%")
    assert builders.item(plan, Item.Kind.INDICATOR, 2).is_quantitative is False


def test_it_gives_every_department_of_an_item_one_assignment_with_its_role(plan):
    assert roles_of(plan, "task", 1) == {"区应急局": "lead", "区住建委": "cooperating"}
    assert roles_of(plan, "task", 2) == {"区住建委": "joint", "区城管委": "joint"}
    assert roles_of(plan, "task", 4) == {"区财政局": "lead"}
    assert roles_of(plan, "project", 1) == {"区应急局": "lead", "区财政局": "cooperating"}
    assert Assignment.objects.filter(item__plan=plan).count() == 2 + 2 + 2 + 10 + 1 + 2


def test_a_task_given_to_every_subdistrict_office_is_assigned_to_each_of_them(plan):
    offices = Department.objects.filter(kind=Department.Kind.SUBDISTRICT_OFFICE)
    assert offices.count() == 10
    assert roles_of(plan, "task", 3) == {office.name: "lead" for office in offices}
    assert "各街道办事处" not in roles_of(plan, "task", 3)


def test_it_generates_quarterly_periods_from_the_first_to_the_last_year(plan):
    periods = list(plan.periods.order_by("starts_on"))
    assert len(periods) == 20
    assert (periods[0].label, periods[0].starts_on, periods[0].ends_on) == (
        "2021年第一季度", datetime.date(2021, 1, 1), datetime.date(2021, 3, 31))
    assert (periods[-1].label, periods[-1].ends_on) == ("2025年第四季度", datetime.date(2025, 12, 31))
    for earlier, later in zip(periods, periods[1:], strict=False):
        assert later.starts_on == earlier.ends_on + datetime.timedelta(days=1)


def test_the_reporting_period_is_configurable_per_plan(plan):
    other = Plan.objects.create(document_number="半年报〔2022〕1号", title="半年报送的规划",
                                issued_on=datetime.date(2022, 1, 1), start_year=2021, end_year=2025, period_months=6)
    assert services.plan_periods_generate(plan=other) == 10
    assert list(other.periods.values_list("label", flat=True)[:2]) == ["2021年上半年", "2021年下半年"]
    assert other.periods.last().ends_on == datetime.date(2025, 12, 31)
    assert plan.periods.count() == 20


def test_it_rejects_a_period_length_that_does_not_divide_the_year(db):
    odd = Plan.objects.create(document_number="五月报〔2022〕1号", title="t", issued_on=datetime.date(2022, 1, 1),
                              start_year=2022, end_year=2022, period_months=5)
    with pytest.raises(services.ValidationError):
        services.plan_periods_generate(plan=odd)
    assert odd.periods.count() == 0


def test_importing_the_same_notice_twice_duplicates_nothing(plan, bureau_officer):
    before = counts()
    data = builders.plan_dict()
    data["title"] = data["title"] + "（修订）"
    data["tasks"][0]["title"] = "明确并落实应急管理职责"
    again, created = services.plan_import(parsed=data, acting_user=bureau_officer)
    assert created is False
    assert again.pk == plan.pk
    assert counts() == before
    again.refresh_from_db()
    assert again.title.endswith("（修订）")
    assert builders.task(plan, 1).title == "明确并落实应急管理职责"


def test_a_re_import_updates_a_changed_role_in_place(plan, bureau_officer):
    data = builders.plan_dict()
    data["tasks"][1]["lead"] = "区城管委"
    services.plan_import(parsed=data, acting_user=bureau_officer)
    assert roles_of(plan, "task", 2) == {"区住建委": "cooperating", "区城管委": "lead"}


def test_it_refuses_unknown_departments_listing_every_one_and_changes_nothing(db, bureau_officer):
    before = counts()
    audit_before = AuditEvent.objects.count()
    with pytest.raises(UnknownDepartments) as exc:
        builders.import_plan(bureau_officer, extra_departments=["区未知局", "区不存在委"])
    assert exc.value.names == ["区未知局", "区不存在委"]
    assert counts() == before
    assert AuditEvent.objects.count() == audit_before


def test_it_creates_unknown_departments_only_when_asked_and_audits_them(db, bureau_officer):
    plan = builders.import_plan(bureau_officer, extra_departments=["区新设局"], create_departments=True)
    dept = Department.objects.get(name="区新设局")
    assert builders.assignment(plan, 5, "区新设局").role == "lead"
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.CREATE, object_type="core.Department",
                                   object_id=str(dept.pk))
    assert event.actor == bureau_officer


def test_the_import_is_audited(plan, bureau_officer):
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.IMPORT, object_id=str(plan.pk))
    assert event.actor == bureau_officer
    assert event.changes["tasks"] == [None, 4]


def test_a_department_dropped_by_a_revised_notice_stops_reporting_on_the_item(plan, bureau_officer):
    data = builders.plan_dict()
    data["tasks"][0]["departments"] = ["区应急局"]
    services.plan_import(parsed=data, acting_user=bureau_officer)
    dropped = builders.assignment(plan, 1, "区住建委")
    assert dropped.archived_at is not None
    assert builders.assignment(plan, 1, "区应急局").archived_at is None
    services.plan_import(parsed=builders.plan_dict(), acting_user=bureau_officer)
    dropped.refresh_from_db()
    assert dropped.archived_at is None
