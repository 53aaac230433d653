"""Plan-specific fixtures on top of the root personas."""

from __future__ import annotations

import datetime

import pytest

from conftest import make_user
from emergency.core.models import Department
from emergency.core.roles import Role
from emergency.plan_supervision import services
from emergency.plan_supervision.models import Period, Plan

from . import builders

# A quarter in the middle of the plan: 2023 Q1 (1 January – 31 March 2023).
QUARTER_START = datetime.date(2023, 1, 1)
QUARTER_END = datetime.date(2023, 3, 31)


@pytest.fixture
def plan(bureau_officer) -> Plan:
    return builders.import_plan(bureau_officer)


@pytest.fixture
def quarter(plan) -> Period:
    return builders.period_on(plan, QUARTER_START)


@pytest.fixture
def emergency_clerk(db):
    """A user of 区应急局, the lead of task 1 and of key project 1."""
    return make_user("yingji_clerk", Role.DEPARTMENT, department=Department.objects.get(name="区应急局"))


@pytest.fixture
def bureau_reporter(db):
    """A bureau user of 区应急局: reports on the bureau's own assignments (task 1) and reviews reports."""
    return make_user("yingji_bureau", Role.BUREAU_STAFF, department=Department.objects.get(name="区应急局"))


@pytest.fixture
def finance_clerk(db):
    """A user of 区财政局, which alone carries task 4."""
    return make_user("caizheng_clerk", Role.DEPARTMENT, department=Department.objects.get(name="区财政局"))


@pytest.fixture
def city_clerk(db):
    """A user of 区城管委, jointly responsible for task 2 with 区住建委."""
    return make_user("chengguan_clerk", Role.DEPARTMENT, department=Department.objects.get(name="区城管委"))


@pytest.fixture
def report_for():
    """Save (and by default submit) a report the way the department would."""

    def _report(user, plan, number, department, period, *, percent=50, status="on_track", submit=True,
                narrative="按计划推进。", kind="task"):
        return services.report_save(acting_user=user, assignment=builders.assignment(plan, number, department,
                                                                                     kind=kind),
                                    period=period, narrative=narrative, percent_complete=percent, status=status,
                                    submit=submit)

    return _report
