"""督办单: the bureau presses a department on an item; the department answers; the bureau closes or reopens it;
an unanswered notice is escalated after its deadline."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import login
from emergency.core.models import AuditEvent, Department, Notification
from emergency.plan_supervision import services
from emergency.plan_supervision.models import SupervisionNotice

from . import builders


def in_two_weeks() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=14)


def issue(bureau_officer, plan, number=2, department="区住建委", **kw) -> SupervisionNotice:
    return services.notice_issue(acting_user=bureau_officer, item=builders.task(plan, number),
                                 department=Department.objects.get(name=department),
                                 content=kw.pop("content", "请于期限内报告城市运行安全治理进展。"),
                                 deadline=kw.pop("deadline", in_two_weeks()))


def fresh(notice) -> SupervisionNotice:
    return SupervisionNotice.objects.get(pk=notice.pk)


def test_the_bureau_issues_a_notice_to_an_assigned_department(plan, bureau_officer, department_clerk,
                                                             django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        notice = issue(bureau_officer, plan)
    assert (notice.state, notice.issued_by, notice.deadline) == ("issued", bureau_officer, in_two_weeks())
    assert notice.serial == f"督〔{timezone.localdate().year}〕1号"
    assert AuditEvent.objects.filter(event_type="create", object_type="plan_supervision.SupervisionNotice",
                                     object_id=str(notice.pk), actor=bureau_officer).exists()
    [note] = Notification.objects.filter(recipient=department_clerk)
    assert notice.serial in note.title and note.url == f"/plans/notices/{notice.pk}/"
    assert [m.to for m in mailoutbox] == [[department_clerk.email]]


@pytest.mark.parametrize("days", [0, -1])
def test_it_rejects_a_deadline_that_is_not_in_the_future(plan, bureau_officer, days):
    with pytest.raises(ValidationError) as exc:
        issue(bureau_officer, plan, deadline=timezone.localdate() + datetime.timedelta(days=days))
    assert "deadline" in exc.value.message_dict
    assert not SupervisionNotice.objects.exists()


def test_it_rejects_a_department_not_assigned_to_the_item(plan, bureau_officer):
    with pytest.raises(ValidationError) as exc:
        issue(bureau_officer, plan, number=2, department="区财政局")
    assert "department" in exc.value.message_dict
    assert not SupervisionNotice.objects.exists()


def test_it_rejects_a_notice_without_content(plan, bureau_officer):
    with pytest.raises(ValidationError) as exc:
        issue(bureau_officer, plan, content="  ")
    assert "content" in exc.value.message_dict


def test_only_the_bureau_issues_notices(plan, department_clerk):
    with pytest.raises(services.NotAllowed):
        issue(department_clerk, plan)
    assert not SupervisionNotice.objects.exists()


def test_serial_numbers_are_unique_and_sequential(plan, bureau_officer):
    serials = [issue(bureau_officer, plan, number=n, department=d).serial
               for n, d in [(1, "区应急局"), (2, "区住建委"), (2, "区城管委"), (4, "区财政局")]]
    year = timezone.localdate().year
    assert serials == [f"督〔{year}〕{n}号" for n in range(1, 5)]


def test_the_department_answers_and_the_bureau_closes(plan, bureau_officer, department_clerk,
                                                      django_capture_on_commit_callbacks):
    notice = issue(bureau_officer, plan)
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.notice_answer(acting_user=department_clerk, notice=notice, answer="已完成整改。")
    assert (answered.state, answered.answer, answered.answered_by) == ("answered", "已完成整改。", department_clerk)
    assert Notification.objects.filter(recipient=bureau_officer, title__contains=notice.serial).exists()
    closed = services.notice_close(acting_user=bureau_officer, notice=answered)
    assert closed.state == "closed" and closed.closed_at is not None
    states = list(AuditEvent.objects.filter(object_type="plan_supervision.SupervisionNotice",
                                            object_id=str(notice.pk), changes__has_key="state")
                  .order_by("id").values_list("actor__username", "changes__state"))
    # Notices keep no transition table: the audit is their record, from the creation in its initial state on.
    assert states == [("bureau_officer", [None, "issued"]), ("dept_clerk", ["issued", "answered"]),
                      ("bureau_officer", ["answered", "closed"])]


def test_the_bureau_reopens_an_insufficient_answer_with_a_comment(plan, bureau_officer, department_clerk,
                                                                  django_capture_on_commit_callbacks):
    notice = services.notice_answer(acting_user=department_clerk, notice=issue(bureau_officer, plan), answer="在办。")
    with pytest.raises(ValidationError):
        services.notice_reopen(acting_user=bureau_officer, notice=notice, comment=" ")
    assert fresh(notice).state == "answered"
    with django_capture_on_commit_callbacks(execute=True):
        reopened = services.notice_reopen(acting_user=bureau_officer, notice=notice, comment="请说明完成时限。")
    assert reopened.state == "issued"
    assert Notification.objects.filter(recipient=department_clerk, body="请说明完成时限。").exists()
    again = services.notice_answer(acting_user=department_clerk, notice=reopened, answer="6月底前完成。")
    assert again.state == "answered" and again.answer == "6月底前完成。"


def test_only_the_bureau_closes_or_reopens(plan, bureau_officer, department_clerk):
    notice = services.notice_answer(acting_user=department_clerk, notice=issue(bureau_officer, plan), answer="已办。")
    with pytest.raises(services.NotAllowed):
        services.notice_close(acting_user=department_clerk, notice=notice)
    with pytest.raises(services.NotAllowed):
        services.notice_reopen(acting_user=department_clerk, notice=notice, comment="x")
    assert fresh(notice).state == "answered"


def test_it_rejects_an_empty_answer(plan, bureau_officer, department_clerk):
    notice = issue(bureau_officer, plan)
    with pytest.raises(ValidationError):
        services.notice_answer(acting_user=department_clerk, notice=notice, answer="")
    assert fresh(notice).state == "issued"


def test_an_unanswered_notice_is_escalated_after_its_deadline(plan, bureau_officer, department_clerk):
    notice = issue(bureau_officer, plan)
    assert services.notices_escalate(today=notice.deadline) == 0
    assert fresh(notice).state == "issued"
    assert services.notices_escalate(today=notice.deadline + datetime.timedelta(days=1)) == 1
    escalated = fresh(notice)
    assert escalated.state == "escalated" and escalated.escalated_at is not None
    assert Notification.objects.filter(recipient=bureau_officer, title__contains=notice.serial).exists()
    assert Notification.objects.filter(recipient=department_clerk, title__contains=notice.serial).exists()
    assert services.notices_escalate(today=notice.deadline + datetime.timedelta(days=2)) == 0


def test_an_answered_notice_is_not_escalated(plan, bureau_officer, department_clerk):
    notice = services.notice_answer(acting_user=department_clerk, notice=issue(bureau_officer, plan), answer="已办。")
    assert services.notices_escalate(today=notice.deadline + datetime.timedelta(days=1)) == 0
    assert fresh(notice).state == "answered"


def test_an_escalated_notice_can_still_be_answered(plan, bureau_officer, department_clerk):
    notice = issue(bureau_officer, plan)
    services.notices_escalate(today=notice.deadline + datetime.timedelta(days=1))
    answered = services.notice_answer(acting_user=department_clerk, notice=fresh(notice), answer="逾期补答。")
    assert answered.state == "answered"


def test_a_department_that_is_not_the_addressee_cannot_answer(plan, bureau_officer, city_clerk, client):
    notice = issue(bureau_officer, plan)  # to 区住建委; 区城管委 shares the task
    with pytest.raises(services.NotAllowed):
        services.notice_answer(acting_user=city_clerk, notice=notice, answer="代答。")
    login(client, city_clerk)
    resp = client.post(f"/plans/notices/{notice.pk}/", {"action": "answer", "answer": "代答。"})
    assert resp.status_code in (403, 404)
    assert fresh(notice).state == "issued"


def test_another_subdistrict_cannot_answer_a_notice_to_this_one(plan, bureau_officer, subdistrict_officer,
                                                                other_subdistrict_officer, client):
    notice = issue(bureau_officer, plan, number=3, department="光复道街道办事处")
    with pytest.raises(services.NotAllowed):
        services.notice_answer(acting_user=other_subdistrict_officer, notice=notice, answer="代答。")
    login(client, other_subdistrict_officer)
    assert client.post(f"/plans/notices/{notice.pk}/", {"action": "answer", "answer": "x"}).status_code == 404
    assert services.notice_answer(acting_user=subdistrict_officer, notice=notice, answer="已办。").state == "answered"


def test_the_whole_exchange_through_the_pages(plan, bureau_officer, department_clerk, client):
    item = builders.task(plan, 2)
    dept = Department.objects.get(name="区住建委")
    login(client, bureau_officer)
    resp = client.post(f"/plans/{plan.pk}/items/{item.pk}/notice/", {
        "department": dept.pk, "content": "请加快推进。", "deadline": in_two_weeks().isoformat()})
    notice = SupervisionNotice.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/plans/notices/{notice.pk}/"

    login(client, department_clerk)
    assert client.post(f"/plans/notices/{notice.pk}/", {"action": "close"}).status_code == 403
    resp = client.post(f"/plans/notices/{notice.pk}/", {"action": "answer", "answer": "已加快推进。"})
    assert resp.status_code == 302
    assert fresh(notice).state == "answered"

    login(client, bureau_officer)
    client.post(f"/plans/notices/{notice.pk}/", {"action": "close"})
    assert fresh(notice).state == "closed"
    page = client.get(f"/plans/notices/{notice.pk}/")
    assert page.status_code == 200 and "已加快推进。" in page.content.decode()
