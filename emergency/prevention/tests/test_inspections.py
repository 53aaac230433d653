"""Inspection windows come from each risk point's control level (and every level below it); a check
records every checklist item, a failed item drafts a hidden hazard, a window that closes unchecked is
missed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import login
from emergency.core.attachments import attachments_of
from emergency.core.models import AuditEvent
from emergency.prevention import services
from emergency.prevention.models import HiddenHazard, InspectionResult, InspectionTask
from emergency.prevention.tests.conftest import rp_make_point

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 2, 10, 30, tzinfo=datetime.UTC)
SHIFT = datetime.timedelta(hours=8)


def _current(user, point, now=NOW):
    return services.inspection_tasks_current(acting_user=user, point=point, now=now)


def test_a_team_level_point_has_one_window_per_shift(enterprise_manager, rp_point):
    (task,) = _current(enterprise_manager, rp_point)
    assert (task.control_level, task.state) == (4, InspectionTask.State.PENDING)
    assert task.due_from == datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    assert task.due_until - task.due_from == SHIFT


def test_a_company_level_point_is_also_checked_at_every_level_below(enterprise_manager, enterprise_a):
    point = rp_make_point(enterprise_manager, enterprise_a, name="危化品库", control_level=1)
    tasks = _current(enterprise_manager, point)
    assert [t.control_level for t in tasks] == [1, 2, 3, 4]
    assert [t.due_until - t.due_from for t in tasks] == [datetime.timedelta(hours=h) for h in (720, 168, 24, 8)]


def test_the_current_window_and_the_scheduled_job_make_the_same_task_once(enterprise_manager, rp_point):
    services.inspection_tasks_generate(now=NOW)
    first = _current(enterprise_manager, rp_point)
    again = _current(enterprise_manager, rp_point, NOW + datetime.timedelta(hours=1))
    services.inspection_tasks_generate(now=NOW + datetime.timedelta(hours=2))
    assert first == again
    assert InspectionTask.objects.filter(risk_point=rp_point).count() == 1


def test_a_window_that_closes_unchecked_is_missed(enterprise_manager, rp_point):
    (old,) = _current(enterprise_manager, rp_point)
    result = services.inspection_tasks_generate(now=NOW + SHIFT)
    old.refresh_from_db()
    assert old.state == InspectionTask.State.MISSED and result["missed"] == 1
    (new,) = _current(enterprise_manager, rp_point, NOW + SHIFT)
    assert new.pk != old.pk and new.state == InspectionTask.State.PENDING


def test_a_closed_window_cannot_be_checked(enterprise_manager, rp_point):
    (task,) = _current(enterprise_manager, rp_point)
    results = {m.pk: (True, "") for m in rp_point.measures.all()}
    with translation.override("en"), pytest.raises(ValidationError, match="missed"):
        services.inspection_record(acting_user=enterprise_manager, task=task, results=results, now=NOW + SHIFT)
    assert not InspectionResult.objects.exists()
    _current(enterprise_manager, rp_point, NOW + SHIFT)
    task.refresh_from_db()
    assert task.state == InspectionTask.State.MISSED


def test_the_detail_page_shows_a_closed_window_as_missed_before_the_job_runs(client, enterprise_manager, rp_point):
    _current(enterprise_manager, rp_point)  # NOW is in the past: the window has closed, still "pending" in the row
    login(client, enterprise_manager)
    html = client.get(reverse("prevention:risk_point_detail", args=[rp_point.pk])).content.decode()
    assert 'data-state="missed"' in html


def test_all_items_passed_completes_the_task_without_a_hazard(enterprise_manager, rp_point):
    (task,) = _current(enterprise_manager, rp_point)
    drafted = services.inspection_record(acting_user=enterprise_manager, task=task, now=NOW,
                                         results={m.pk: (True, "") for m in rp_point.measures.all()})
    task.refresh_from_db()
    assert drafted == [] and not HiddenHazard.objects.exists()
    assert (task.state, task.done_by, task.done_at) == (InspectionTask.State.DONE, enterprise_manager, NOW)
    assert task.results.filter(passed=True).count() == 2
    assert AuditEvent.objects.filter(object_type="prevention.InspectionTask", event_type="update").exists()


def test_a_failed_item_drafts_a_hazard_linked_to_it_with_the_photo(enterprise_manager, rp_point, hz_photo):
    (task,) = _current(enterprise_manager, rp_point)
    ok, bad = rp_point.measures.order_by("pk")
    (hazard,) = services.inspection_record(acting_user=enterprise_manager, task=task, now=NOW,
                                           results={ok.pk: (True, ""), bad.pk: (False, "报警器离线")},
                                           photos={bad.pk: hz_photo()})
    result = InspectionResult.objects.get(task=task, measure=bad)
    assert hazard.state == HiddenHazard.State.IDENTIFIED
    assert (hazard.inspection_result, hazard.risk_point, hazard.enterprise) == (result, rp_point, rp_point.enterprise)
    assert hazard.title == f"{rp_point.name}：泄漏报警器在线" and hazard.description == "报警器离线"
    assert [a.kind for a in attachments_of(result)] == ["image"]
    assert [a.kind for a in attachments_of(hazard)] == ["image"]
    assert list(hazard.transitions.values_list("to_state", flat=True)) == ["identified"]


def test_every_item_must_be_marked(enterprise_manager, rp_point):
    (task,) = _current(enterprise_manager, rp_point)
    first = rp_point.measures.order_by("pk").first()
    with pytest.raises(ValidationError) as exc:
        services.inspection_record(acting_user=enterprise_manager, task=task, now=NOW,
                                   results={first.pk: (False, "")})
    assert "results" in exc.value.message_dict
    assert not InspectionResult.objects.exists() and not HiddenHazard.objects.exists()


def test_a_task_is_checked_only_once(enterprise_manager, rp_point):
    (task,) = _current(enterprise_manager, rp_point)
    results = {m.pk: (True, "") for m in rp_point.measures.all()}
    services.inspection_record(acting_user=enterprise_manager, task=task, results=results, now=NOW)
    with translation.override("en"), pytest.raises(ValidationError, match="already"):
        services.inspection_record(acting_user=enterprise_manager, task=task, results=results, now=NOW)
    assert InspectionResult.objects.count() == 2


def test_an_item_of_another_point_is_refused(enterprise_manager, rp_point, enterprise_a):
    other = rp_make_point(enterprise_manager, enterprise_a, name="锅炉房")
    (task,) = _current(enterprise_manager, rp_point)
    results = {m.pk: (True, "") for m in [*rp_point.measures.all(), other.measures.first()]}
    with pytest.raises(ValidationError):
        services.inspection_record(acting_user=enterprise_manager, task=task, results=results, now=NOW)
    assert not InspectionResult.objects.exists()


def test_another_enterprise_cannot_record_or_open_windows(other_enterprise_manager, enterprise_manager, rp_point):
    (task,) = _current(enterprise_manager, rp_point)
    with pytest.raises(services.NotAllowed):
        services.inspection_record(acting_user=other_enterprise_manager, task=task, now=NOW,
                                   results={m.pk: (True, "") for m in rp_point.measures.all()})
    with pytest.raises(services.NotAllowed):
        _current(other_enterprise_manager, rp_point)
