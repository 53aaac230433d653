"""A department reports its progress each period; the bureau accepts it or returns it with a comment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import login
from emergency.core.models import AuditEvent, Notification
from emergency.plan_supervision import selectors, services
from emergency.plan_supervision.models import ProgressReport


def audit_trail(report) -> list[list]:
    return [e.changes.get("state") for e in AuditEvent.objects.filter(
        object_type="plan_supervision.ProgressReport", object_id=str(report.pk)).order_by("id")]


def test_a_department_saves_a_draft_then_submits_it(plan, quarter, department_clerk, report_for):
    draft = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=30, submit=False, narrative="已开展排查。")
    assert (draft.state, draft.percent_complete, draft.submitted_at) == ("draft", 30, None)
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=40, narrative="已完成排查。")
    assert report.pk == draft.pk
    assert (report.state, report.percent_complete, report.submitted_by) == ("submitted", 40, department_clerk)
    assert ProgressReport.objects.count() == 1


def test_the_bureau_accepts_a_submitted_report(plan, quarter, department_clerk, bureau_officer, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter)
    accepted = services.report_accept(acting_user=bureau_officer, report=report, comment="同意。")
    assert (accepted.state, accepted.reviewed_by, accepted.review_comment) == ("accepted", bureau_officer, "同意。")


def test_returning_a_report_needs_a_comment(plan, quarter, department_clerk, bureau_officer, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter)
    with pytest.raises(ValidationError) as exc:
        services.report_return(acting_user=bureau_officer, report=report, comment="  ")
    assert "comment" in exc.value.message_dict
    report = ProgressReport.objects.get(pk=report.pk)
    assert report.state == "submitted"


def test_a_returned_report_is_resubmitted_and_its_history_is_kept(plan, quarter, department_clerk, bureau_officer,
                                                                  report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=40)
    services.report_return(acting_user=bureau_officer, report=report, comment="请补充资金使用情况。")
    report = ProgressReport.objects.get(pk=report.pk)
    assert (report.state, report.review_comment) == ("returned", "请补充资金使用情况。")
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=45, narrative="已补充资金使用情况。")
    services.report_accept(acting_user=bureau_officer, report=report)

    steps = [(t.from_state, t.to_state, t.actor, t.comment) for t in report.transitions.all()]
    assert steps == [
        ("draft", "submitted", department_clerk, ""),
        ("submitted", "returned", bureau_officer, "请补充资金使用情况。"),
        ("returned", "submitted", department_clerk, ""),
        ("submitted", "accepted", bureau_officer, ""),
    ]
    versions = list(report.history.order_by("history_date", "history_id").values_list("narrative", "state"))
    assert ("按计划推进。", "submitted") in versions
    assert ("已补充资金使用情况。", "accepted") == versions[-1]


def test_it_rejects_submitting_a_report_without_a_narrative(plan, quarter, department_clerk, report_for):
    with pytest.raises(ValidationError) as exc:
        report_for(department_clerk, plan, 2, "区住建委", quarter, narrative="   ")
    assert "narrative" in exc.value.message_dict
    assert ProgressReport.objects.count() == 0


def test_a_draft_may_be_saved_without_a_narrative(plan, quarter, department_clerk, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, narrative="", submit=False)
    assert report.state == "draft"


def test_it_rejects_done_below_100_percent(plan, quarter, department_clerk, report_for):
    with pytest.raises(ValidationError) as exc:
        report_for(department_clerk, plan, 2, "区住建委", quarter, percent=90, status="done")
    assert "percent_complete" in exc.value.message_dict
    done = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=100, status="done")
    assert (done.status, done.percent_complete) == ("done", 100)


@pytest.mark.parametrize("review", ["submitted", "accepted"])
def test_it_refuses_to_edit_a_submitted_or_accepted_report(plan, quarter, department_clerk, bureau_officer,
                                                           report_for, review):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=40)
    if review == "accepted":
        services.report_accept(acting_user=bureau_officer, report=report)
    with pytest.raises(ValidationError):
        report_for(department_clerk, plan, 2, "区住建委", quarter, percent=90, submit=False)
    report = ProgressReport.objects.get(pk=report.pk)
    assert report.percent_complete == 40


def test_a_department_cannot_report_for_another(plan, quarter, department_clerk, report_for):
    with pytest.raises(services.NotAllowed):
        report_for(department_clerk, plan, 4, "区财政局", quarter)
    assert ProgressReport.objects.count() == 0


def test_only_the_bureau_reviews(plan, quarter, department_clerk, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter)
    with pytest.raises(services.NotAllowed):
        services.report_accept(acting_user=department_clerk, report=report)
    report = ProgressReport.objects.get(pk=report.pk)
    assert report.state == "submitted"


def test_the_lead_report_consolidates_the_co_operating_reports(plan, quarter, department_clerk, emergency_clerk,
                                                               report_for, client):
    coop = report_for(department_clerk, plan, 1, "区住建委", quarter, percent=60, narrative="配合完成职责梳理。")
    lead = report_for(emergency_clerk, plan, 1, "区应急局", quarter, percent=70, narrative="牵头汇总。")
    assert lead.is_consolidated is True
    assert coop.is_consolidated is False
    assert list(selectors.cooperating_reports(lead)) == [coop]

    login(client, emergency_clerk)
    page = client.get(f"/plans/reports/{lead.pk}/").content.decode()
    assert "配合完成职责梳理。" in page
    form = client.get(f"/plans/assignments/{lead.assignment_id}/periods/{quarter.pk}/report/")
    assert "配合完成职责梳理。" in form.content.decode()


def test_a_joint_report_is_not_a_consolidation(plan, quarter, department_clerk, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter)
    assert report.is_consolidated is False


def test_every_step_leaves_an_audit_row(plan, quarter, department_clerk, bureau_officer, report_for):
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, submit=False)
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=55)
    services.report_return(acting_user=bureau_officer, report=report, comment="补充。")
    report = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=60)
    services.report_accept(acting_user=bureau_officer, report=report)
    events = AuditEvent.objects.filter(object_type="plan_supervision.ProgressReport", object_id=str(report.pk))
    assert [e.actor for e in events.filter(changes__has_key="state").order_by("id")] == [
        department_clerk, bureau_officer, department_clerk, bureau_officer]
    assert [s[1] for s in audit_trail(report) if s] == ["submitted", "returned", "submitted", "accepted"]
    assert events.count() == 7  # create, update+submit, return, update+resubmit, accept


def test_submitting_notifies_the_bureau_and_returning_notifies_the_department(
        plan, quarter, department_clerk, bureau_officer, report_for, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_for(department_clerk, plan, 2, "区住建委", quarter)
    to_bureau = Notification.objects.get(recipient=bureau_officer)
    assert to_bureau.url == f"/plans/reports/{report.pk}/"
    assert not Notification.objects.filter(recipient=department_clerk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(acting_user=bureau_officer, report=report, comment="数据有误。")
    to_department = Notification.objects.get(recipient=department_clerk)
    assert to_department.body == "数据有误。"
    assert {m.to[0] for m in mailoutbox} == {bureau_officer.email, department_clerk.email}


def test_each_subdistrict_reports_on_its_own_share_of_a_task_given_to_every_subdistrict(
        plan, quarter, subdistrict_officer, other_subdistrict_officer, report_for):
    mine = report_for(subdistrict_officer, plan, 3, "光复道街道办事处", quarter, percent=80)
    theirs = report_for(other_subdistrict_officer, plan, 3, "望海楼街道办事处", quarter, percent=20, submit=False)
    assert mine.pk != theirs.pk
    assert (mine.state, mine.percent_complete, theirs.state) == ("submitted", 80, "draft")
    with pytest.raises(services.NotAllowed):
        report_for(other_subdistrict_officer, plan, 3, "光复道街道办事处", quarter)


# --- four eyes: the submitter does not accept (issue 9) ------------------------------------------------------


def test_the_person_who_submitted_a_report_cannot_accept_it(plan, quarter, bureau_reporter, bureau_officer,
                                                            report_for):
    report = report_for(bureau_reporter, plan, 1, "区应急局", quarter)
    with pytest.raises(ValidationError, match="报告提交人不能审核通过"):
        services.report_accept(acting_user=bureau_reporter, report=report)
    report = ProgressReport.objects.get(pk=report.pk)
    assert (report.state, report.reviewed_by) == ("submitted", None)
    assert not report.transitions.filter(to_state="accepted").exists()

    accepted = services.report_accept(acting_user=bureau_officer, report=report)
    assert (accepted.state, accepted.reviewed_by) == ("accepted", bureau_officer)


def test_the_submitter_may_return_their_own_report(plan, quarter, bureau_reporter, report_for):
    # Returning closes nothing: the report goes back to be corrected and submitted again.
    report = report_for(bureau_reporter, plan, 1, "区应急局", quarter)
    returned = services.report_return(acting_user=bureau_reporter, report=report, comment="数据填错，撤回修改。")
    assert returned.state == "returned"


def test_the_report_page_refuses_self_acceptance_with_a_message(client, plan, quarter, bureau_reporter, report_for):
    report = report_for(bureau_reporter, plan, 1, "区应急局", quarter)
    login(client, bureau_reporter)
    page = client.get(f"/plans/reports/{report.pk}/").content.decode()
    assert 'value="accept"' not in page and 'data-testid="own-submission"' in page
    assert 'value="return"' in page

    resp = client.post(f"/plans/reports/{report.pk}/review/", {"action": "accept", "comment": "同意。"}, follow=True)
    assert resp.status_code == 200
    assert "报告提交人不能审核通过自己提交的报告。" in [str(m) for m in resp.context["messages"]]
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


def test_another_bureau_user_sees_the_accept_button(client, plan, quarter, bureau_reporter, bureau_officer,
                                                    report_for):
    report = report_for(bureau_reporter, plan, 1, "区应急局", quarter)
    login(client, bureau_officer)
    assert 'value="accept"' in client.get(f"/plans/reports/{report.pk}/").content.decode()
    resp = client.post(f"/plans/reports/{report.pk}/review/", {"action": "accept"})
    assert resp.status_code == 302 and ProgressReport.objects.get(pk=report.pk).state == "accepted"
