"""Reminders before a period closes; a missing report becomes overdue and is escalated (time travel)."""

from __future__ import annotations

import datetime

from emergency.core import scheduler
from emergency.core.models import Notification
from emergency.plan_supervision import services
from emergency.plan_supervision.models import Assignment, ProgressReport

from . import builders
from .conftest import QUARTER_END

UTC = datetime.UTC


def days_before_close(n: int) -> datetime.date:
    return QUARTER_END - datetime.timedelta(days=n)


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def quarter_states(quarter) -> dict[tuple[int, str], str]:
    return {(r.assignment.item.number, r.assignment.department.name): r.state for r in
            ProgressReport.objects.filter(period=quarter, assignment__item__kind="task")
            .select_related("assignment__item", "assignment__department")}


# --- reminders --------------------------------------------------------------------------------------------


def test_it_reminds_the_departments_n_days_before_the_period_closes(plan, quarter, department_clerk,
                                                                    subdistrict_officer, bureau_officer):
    assert plan.reminder_days == 7
    assert services.reminders_send(today=days_before_close(8)) == 0
    assert inbox(department_clerk) == []

    assert services.reminders_send(today=days_before_close(7)) > 0
    [reminder] = inbox(department_clerk)
    assert quarter.label in reminder.title
    assert "明确应急管理职责" in reminder.body and "城市运行安全联合治理" in reminder.body
    assert len(inbox(subdistrict_officer)) == 1
    assert inbox(bureau_officer) == []


def test_it_reminds_only_once(plan, quarter, department_clerk):
    services.reminders_send(today=days_before_close(7))
    assert services.reminders_send(today=days_before_close(6)) == 0
    assert services.reminders_send(today=days_before_close(1)) == 0
    assert len(inbox(department_clerk)) == 1


def test_the_reminder_lead_time_is_set_per_plan(plan, quarter, department_clerk):
    plan.reminder_days = 14
    plan.save()
    assert services.reminders_send(today=days_before_close(15)) == 0
    assert services.reminders_send(today=days_before_close(14)) > 0
    assert len(inbox(department_clerk)) == 1


def test_a_department_that_has_submitted_is_not_reminded(plan, quarter, department_clerk, finance_clerk,
                                                         report_for):
    report_for(department_clerk, plan, 1, "区住建委", quarter)
    report_for(department_clerk, plan, 2, "区住建委", quarter)
    services.reminders_send(today=days_before_close(3))
    assert inbox(department_clerk) == []
    assert len(inbox(finance_clerk)) == 1


def test_a_draft_does_not_spare_the_reminder(plan, quarter, department_clerk, report_for):
    report_for(department_clerk, plan, 1, "区住建委", quarter, submit=False)
    report_for(department_clerk, plan, 2, "区住建委", quarter, submit=False)
    services.reminders_send(today=days_before_close(3))
    assert len(inbox(department_clerk)) == 1


def test_reminders_are_also_sent_by_e_mail(plan, quarter, department_clerk, subdistrict_officer, mailoutbox,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(today=days_before_close(7))
    recipients = {m.to[0] for m in mailoutbox}
    assert {department_clerk.email, subdistrict_officer.email} <= recipients
    assert any(quarter.label in m.subject for m in mailoutbox)


# --- overdue and escalation -------------------------------------------------------------------------------


def test_nothing_is_overdue_on_the_last_day_of_the_period(plan, quarter):
    services.overdue_mark(today=QUARTER_END)
    assert not ProgressReport.objects.filter(period=quarter).exists()


def test_a_missing_report_becomes_overdue_when_the_period_closes(plan, quarter, department_clerk, report_for):
    report_for(department_clerk, plan, 2, "区住建委", quarter)
    report_for(department_clerk, plan, 1, "区住建委", quarter, submit=False)
    assert services.overdue_mark(today=QUARTER_END + datetime.timedelta(days=1)) > 0
    states = quarter_states(quarter)
    assert states[(2, "区住建委")] == "submitted"
    assert states[(1, "区住建委")] == "overdue"  # a draft is not a report
    assert states[(2, "区城管委")] == "overdue"
    assert states[(4, "区财政局")] == "overdue"
    assert states[(3, "光复道街道办事处")] == "overdue"
    overdue = ProgressReport.objects.get(period=quarter, assignment=builders.assignment(plan, 4, "区财政局"))
    assert overdue.escalated_at is not None
    assert [(t.from_state, t.to_state, t.actor) for t in overdue.transitions.all()] == [("draft", "overdue", None)]


def test_a_returned_report_left_unanswered_becomes_overdue(plan, quarter, department_clerk, bureau_officer,
                                                           report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter)
    services.report_return(acting_user=bureau_officer, report=report, comment="请补充。")
    services.overdue_mark(today=QUARTER_END + datetime.timedelta(days=1))
    assert ProgressReport.objects.get(pk=report.pk).state == "overdue"


def test_overdue_reports_are_escalated_to_the_bureau_and_the_department(plan, quarter, department_clerk,
                                                                        bureau_officer, finance_clerk):
    services.overdue_mark(today=QUARTER_END + datetime.timedelta(days=1))
    to_bureau = [n for n in inbox(bureau_officer) if quarter.label in n.title]
    assert len(to_bureau) == 1
    to_department = [n for n in inbox(department_clerk) if quarter.label in n.title]
    assert len(to_department) == 1
    assert "明确应急管理职责" in to_department[0].body
    assert [n for n in inbox(finance_clerk) if quarter.label in n.title]


def test_a_closed_period_is_escalated_only_once(plan, quarter, bureau_officer):
    services.overdue_mark(today=QUARTER_END + datetime.timedelta(days=1))
    count = Notification.objects.count()
    assert services.overdue_mark(today=QUARTER_END + datetime.timedelta(days=2)) == 0
    assert Notification.objects.count() == count


def test_an_overdue_report_may_still_be_submitted_late(plan, quarter, finance_clerk, bureau_officer, report_for):
    services.overdue_mark(today=QUARTER_END + datetime.timedelta(days=1))
    late = report_for(finance_clerk, plan, 4, "区财政局", quarter, percent=30, narrative="补报。")
    assert late.state == "submitted"
    assert [t.to_state for t in late.transitions.all()] == ["overdue", "submitted"]
    services.report_accept(acting_user=bureau_officer, report=late)
    assert ProgressReport.objects.get(pk=late.pk).state == "accepted"


def test_periods_ended_before_the_import_are_not_made_overdue_years_later(plan):
    services.overdue_mark(today=datetime.date(2022, 6, 1))
    overdue_periods = set(ProgressReport.objects.filter(state="overdue").values_list("period__label", flat=True))
    assert overdue_periods == {"2022年第一季度"}


# --- the scheduled job ------------------------------------------------------------------------------------


def test_the_scheduled_job_reminds_then_escalates(plan, quarter, department_clerk, bureau_officer, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    with builders.frozen_at(datetime.datetime(2023, 3, 26, 1, 0, tzinfo=UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            assert "plan_reminders_and_overdue" in scheduler.enqueue_due()
    assert [n for n in inbox(department_clerk) if quarter.label in n.title]
    assert any(m.to == [department_clerk.email] for m in mailoutbox)
    assert not ProgressReport.objects.filter(period=quarter, state="overdue").exists()

    with builders.frozen_at(datetime.datetime(2023, 4, 2, 1, 0, tzinfo=UTC)):
        with django_capture_on_commit_callbacks(execute=True):
            assert "plan_reminders_and_overdue" in scheduler.enqueue_due()
    assignments = Assignment.objects.filter(item__plan=plan).count()
    assert ProgressReport.objects.filter(period=quarter, state="overdue").count() == assignments
    assert [n for n in inbox(bureau_officer) if quarter.label in n.title]

    with builders.frozen_at(datetime.datetime(2023, 4, 2, 3, 0, tzinfo=UTC)):
        assert "plan_reminders_and_overdue" not in scheduler.enqueue_due()  # ran two hours ago
