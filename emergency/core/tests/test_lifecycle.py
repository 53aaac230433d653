"""core.lifecycle: the one state-transition helper, on real models (hidden hazards, progress reports,
inspection tasks) through their services, and the system actor of scheduled jobs."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from emergency.core import actors, lifecycle
from emergency.core.actors import SYSTEM
from emergency.core.models import AuditEvent
from emergency.plan_supervision import services as plan_services
from emergency.plan_supervision.models import ProgressReport, ReportTransition
from emergency.plan_supervision.tests import builders
from emergency.prevention import services as prevention_services
from emergency.prevention.models import HazardTransition, HiddenHazard, InspectionTask

pytestmark = pytest.mark.django_db


def audits(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("pk"))


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def hazard(enterprise_a, enterprise_manager) -> HiddenHazard:
    return prevention_services.hazard_report(acting_user=enterprise_manager, enterprise=enterprise_a,
                                             title="储罐区法兰泄漏")


# --- a transition and everything it writes ------------------------------------------------------

def test_creation_writes_a_row_from_nothing_and_a_create_audit_with_the_initial_state(hazard, enterprise_manager):
    (row,) = HazardTransition.objects.filter(hazard=hazard)
    assert (row.from_state, row.to_state, row.actor, row.note) == ("", "identified", enterprise_manager, "reported")
    (event,) = audits(hazard)
    assert (event.event_type, event.actor, event.changes["state"]) == ("create", enterprise_manager,
                                                                       [None, "identified"])


def test_a_transition_writes_its_row_audit_and_history_user_with_the_true_from_state(hazard, enterprise_manager):
    new_state = lifecycle.transition(hazard, "register", acting_user=enterprise_manager, note="入账",
                                     changes={"why": [None, "ledger"]})
    assert new_state == "registered" == fresh(hazard).state
    row = HazardTransition.objects.filter(hazard=hazard).last()
    assert (row.from_state, row.to_state, row.actor, row.note) == ("identified", "registered", enterprise_manager,
                                                                   "入账")
    event = audits(hazard)[-1]
    assert (event.event_type, event.actor, event.actor_username) == ("update", enterprise_manager, "ent_manager")
    assert event.changes == {"state": ["identified", "registered"], "why": [None, "ledger"]}
    assert hazard.history.first().history_user == enterprise_manager


def test_a_submitted_report_records_draft_not_an_empty_from_state(bureau_officer, department_clerk):
    """The old report_save audited a submission as ["", "submitted"]; a resubmission as well."""
    plan = builders.import_plan(bureau_officer)
    period = builders.period_on(plan, datetime.date(2023, 1, 1))
    assignment = builders.assignment(plan, 2, "区住建委")

    def submit():
        return plan_services.report_save(acting_user=department_clerk, assignment=assignment, period=period,
                                         narrative="按计划推进。", percent_complete=50, status="on_track", submit=True)

    report = submit()
    plan_services.report_return(acting_user=bureau_officer, report=report, comment="请补充。")
    submit()
    steps = [(t.from_state, t.to_state) for t in ReportTransition.objects.filter(report=report)]
    assert steps == [("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted")]
    states = [e.changes["state"] for e in audits(report) if "state" in e.changes]
    assert states == [["draft", "submitted"], ["submitted", "returned"], ["returned", "submitted"]]
    assert fresh(report).history.first().history_user == department_clerk


# --- refusals and rollback ----------------------------------------------------------------------

def test_an_illegal_move_is_refused_naming_the_current_state_and_changes_nothing(hazard, enterprise_manager):
    rows, events = HazardTransition.objects.count(), AuditEvent.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        lifecycle.transition(hazard, "close", acting_user=enterprise_manager)
    assert exc.value.messages == ['This hidden hazard cannot be changed this way while it is "Identified".']
    assert exc.value.code == "invalid_transition"
    assert hazard.state == "identified" == fresh(hazard).state
    assert (HazardTransition.objects.count(), AuditEvent.objects.count()) == (rows, events)


def test_a_service_refuses_through_the_helper(hazard, enterprise_manager):
    prevention_services.hazard_register(acting_user=enterprise_manager, hazard=hazard)
    with translation.override("en"), pytest.raises(ValidationError, match='while it is "Registered"'):
        prevention_services.hazard_register(acting_user=enterprise_manager, hazard=hazard)
    assert fresh(hazard).state == "registered"


def test_when_the_audit_cannot_be_written_the_move_is_rolled_back(hazard, enterprise_manager, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit table unavailable")

    rows = HazardTransition.objects.filter(hazard=hazard).count()
    monkeypatch.setattr(lifecycle, "audit_record", broken)
    with pytest.raises(RuntimeError):
        prevention_services.hazard_register(acting_user=enterprise_manager, hazard=hazard)
    assert fresh(hazard).state == "identified"
    assert HazardTransition.objects.filter(hazard=hazard).count() == rows  # the transition row went too
    assert hazard.state == "identified"  # and the caller's object does not claim the unsaved state


def test_a_plain_state_field_moves_only_from_the_allowed_states(rp_task, enterprise_manager):
    lifecycle.transition(rp_task, InspectionTask.State.MISSED, sources=[InspectionTask.State.PENDING],
                         acting_user=SYSTEM)
    assert fresh(rp_task).state == "missed"
    assert audits(rp_task)[-1].changes == {"state": ["pending", "missed"]}
    with translation.override("en"), pytest.raises(ValidationError, match='while it is "Missed"'):
        lifecycle.transition(rp_task, InspectionTask.State.DONE, sources=[InspectionTask.State.PENDING],
                             acting_user=enterprise_manager)
    assert fresh(rp_task).state == "missed"


def test_a_plain_value_without_sources_is_a_programming_error(hazard, enterprise_manager):
    with pytest.raises(TypeError, match="sources"):
        lifecycle.transition(hazard, "closed", acting_user=enterprise_manager)


# --- the acting user: None refused, SYSTEM recorded by name --------------------------------------

def test_no_acting_user_is_refused_by_the_helper_and_the_job_services(hazard):
    with pytest.raises(TypeError, match="actors.SYSTEM"):
        lifecycle.transition(hazard, "register", acting_user=None)
    with pytest.raises(TypeError, match="actors.SYSTEM"):
        lifecycle.created(hazard, acting_user=None)
    today = timezone.localdate()
    for job in (lambda: plan_services.overdue_mark(acting_user=None, today=today),
                lambda: plan_services.notices_escalate(acting_user=None, today=today),
                lambda: prevention_services.hazards_mark_overdue(acting_user=None, today=today),
                lambda: prevention_services.inspection_tasks_generate(acting_user=None, now=timezone.now())):
        with pytest.raises(TypeError, match="actors.SYSTEM"):
            job()
    assert fresh(hazard).state == "identified"


def test_the_system_actor_is_no_user_and_is_recorded_as_the_scheduler(hazard):
    assert not SYSTEM.is_authenticated and SYSTEM.pk is None and SYSTEM.role is None
    assert SYSTEM.get_username() == "scheduler" and actors.user_or_none(SYSTEM) is None
    lifecycle.transition(hazard, "register", acting_user=SYSTEM)
    row = HazardTransition.objects.filter(hazard=hazard).last()
    assert (row.from_state, row.to_state, row.actor) == ("identified", "registered", None)
    event = audits(hazard)[-1]
    assert (event.actor, event.actor_username, event.changes["state"]) == (None, "scheduler",
                                                                           ["identified", "registered"])
    assert hazard.history.first().history_user is None


def test_the_daily_plan_job_marks_reports_overdue_as_the_scheduler(bureau_officer):
    plan = builders.import_plan(bureau_officer)
    with builders.frozen_at(datetime.datetime(2023, 4, 1, 12, 0, tzinfo=datetime.UTC)):
        from emergency.plan_supervision.tasks import plan_daily

        assert plan_daily.call()["overdue"] > 0
    period = builders.period_on(plan, datetime.date(2023, 1, 1))
    report = ProgressReport.objects.get(period=period, assignment=builders.assignment(plan, 4, "区财政局"))
    assert [(t.from_state, t.to_state, t.actor, t.comment) for t in report.transitions.all()] == [
        ("draft", "overdue", None, "period closed")]
    (event,) = [e for e in audits(report) if "state" in e.changes]
    assert (event.actor, event.actor_username, event.changes["state"]) == (None, "scheduler", ["draft", "overdue"])


# --- inspection tasks: done by a person, missed by the clock -------------------------------------

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def rp_point(enterprise_a, enterprise_manager):
    point = prevention_services.risk_point_create(acting_user=enterprise_manager, enterprise=enterprise_a,
                                                  name="液氨储罐区", kind="facility", control_level=4,
                                                  responsible_person="李工")
    prevention_services.control_measure_add(acting_user=enterprise_manager, point=point, kind="engineering",
                                            description="保持泄漏报警器在线", check_item="泄漏报警器在线")
    return point


@pytest.fixture
def rp_task(rp_point, enterprise_manager) -> InspectionTask:
    (task,) = prevention_services.inspection_tasks_current(acting_user=enterprise_manager, point=rp_point, now=NOW)
    return task


def test_a_recorded_check_is_done_through_the_helper(rp_task, rp_point, enterprise_manager):
    prevention_services.inspection_record(acting_user=enterprise_manager, task=rp_task, now=NOW,
                                          results={m.pk: (True, "") for m in rp_point.measures.all()})
    task = fresh(rp_task)
    assert (task.state, task.done_by) == ("done", enterprise_manager)
    event = audits(task)[-1]
    assert (event.actor, event.changes) == (enterprise_manager, {"state": ["pending", "done"],
                                                                 "failed_items": [None, 0]})


def test_missed_windows_are_marked_one_by_one_with_an_audit_each_at_a_fixed_cost(enterprise_a, enterprise_manager,
                                                                                 rp_point):
    """One locking query finds the candidates; then each task costs the same few queries (savepoint,
    UPDATE, audit INSERT, release), however many there are."""
    def pending(n: int, *, days_ago: int) -> None:
        start = NOW - datetime.timedelta(days=days_ago)
        for i in range(n):
            InspectionTask.objects.create(risk_point=rp_point, control_level=4,
                                          due_from=start + datetime.timedelta(hours=8 * i),
                                          due_until=start + datetime.timedelta(hours=8 * i + 8))

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            missed = prevention_services._mark_missed(InspectionTask.objects.filter(due_until__lte=NOW),
                                                      acting_user=SYSTEM)
        return missed, len(ctx)

    pending(1, days_ago=30)
    one = cost()
    pending(5, days_ago=20)
    five = cost()
    assert (one[0], five[0]) == (1, 5)
    per_task = (five[1] - 1) // 5
    assert one[1] == 1 + per_task and five[1] == 1 + 5 * per_task and per_task <= 4
    events = AuditEvent.objects.filter(object_type="prevention.InspectionTask", changes__state=["pending", "missed"])
    assert events.count() == 6 and {(e.actor_id, e.actor_username) for e in events} == {(None, "scheduler")}
