"""Overdue hazards climb the escalation ladder of the rules table: enterprise, subdistrict, bureau.

Time travels through `today=`: the deadline is day D, so D+1 is the first overdue day.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from emergency.core import rules, scheduler
from emergency.core.models import AuditEvent, Notification, Rule
from emergency.prevention import services
from emergency.prevention.models import HiddenHazard

pytestmark = pytest.mark.django_db
Escalation = HiddenHazard.Escalation
KEY = "prevention.escalation_days"


@pytest.fixture
def people(enterprise_manager, subdistrict_officer, other_subdistrict_officer, bureau_officer):
    return {"enterprise": enterprise_manager, "subdistrict": subdistrict_officer,
            "other_subdistrict": other_subdistrict_officer, "bureau": bureau_officer}


@pytest.fixture
def late(hz_loop, people):
    """A general hazard in rectification with its deadline ten days from now."""
    return hz_loop.rectifying(days=10)


@pytest.fixture
def steps():
    """Set the escalation steps in the rules table for one test (the cached value is forgotten)."""
    rules.forget(KEY)

    def _set(value: dict):
        Rule.objects.filter(key=KEY).update(value=value)
        rules.forget(KEY)

    yield _set
    rules.forget(KEY)


def day(hazard: HiddenHazard, n: int) -> datetime.date:
    return hazard.deadline + datetime.timedelta(days=n)


def run(hazard: HiddenHazard, n: int) -> HiddenHazard:
    services.hazards_mark_overdue(today=day(hazard, n))
    return HiddenHazard.objects.get(pk=hazard.pk)


def told(user, hazard: HiddenHazard) -> int:
    return Notification.objects.filter(recipient=user, target_id=str(hazard.pk)).count()


def who_was_told(people: dict, hazard: HiddenHazard) -> dict:
    return {name: told(user, hazard) for name, user in people.items()}


def test_a_hazard_on_its_deadline_is_not_overdue(late, people):
    assert run(late, 0).overdue is False
    assert run(late, -3).escalation == Escalation.NONE
    assert sum(who_was_told(people, late).values()) == 0


def test_a_hazard_past_its_deadline_is_marked_overdue_and_the_enterprise_told(late, people):
    hazard = run(late, 1)
    assert hazard.overdue is True
    assert hazard.overdue_since == day(late, 1)
    assert hazard.escalation == Escalation.ENTERPRISE
    assert who_was_told(people, late) == {"enterprise": 1, "subdistrict": 0, "other_subdistrict": 0, "bureau": 0}
    assert hazard.state == HiddenHazard.State.RECTIFYING  # overdue is a flag: the loop goes on


def test_it_escalates_to_the_subdistrict_after_3_days_and_the_bureau_after_7(late, people):
    for n in (1, 2, 3):
        assert run(late, n).escalation == Escalation.ENTERPRISE
    assert who_was_told(people, late)["subdistrict"] == 0

    assert run(late, 4).escalation == Escalation.SUBDISTRICT
    assert who_was_told(people, late) == {"enterprise": 1, "subdistrict": 1, "other_subdistrict": 0, "bureau": 0}

    assert run(late, 7).escalation == Escalation.SUBDISTRICT
    assert run(late, 8).escalation == Escalation.BUREAU
    assert who_was_told(people, late) == {"enterprise": 1, "subdistrict": 1, "other_subdistrict": 0, "bureau": 1}


def test_each_step_notifies_once_however_often_the_job_runs(late, people):
    for n in (1, 1, 2, 5, 5, 9, 9, 30):
        run(late, n)
    assert who_was_told(people, late) == {"enterprise": 1, "subdistrict": 1, "other_subdistrict": 0, "bureau": 1}


def test_a_job_that_missed_days_catches_up_with_every_step_once(late, people):
    hazard = run(late, 12)
    assert hazard.escalation == Escalation.BUREAU
    assert who_was_told(people, late) == {"enterprise": 1, "subdistrict": 1, "other_subdistrict": 0, "bureau": 1}


def test_the_steps_come_from_the_rules_table(late, people, steps):
    steps({"enterprise": 2, "subdistrict": 5, "bureau": 6})
    assert run(late, 2).overdue is True
    assert run(late, 2).escalation == Escalation.NONE  # overdue, but the enterprise is told after 2 days
    assert run(late, 3).escalation == Escalation.ENTERPRISE
    assert run(late, 6).escalation == Escalation.SUBDISTRICT
    assert run(late, 7).escalation == Escalation.BUREAU
    assert who_was_told(people, late) == {"enterprise": 1, "subdistrict": 1, "other_subdistrict": 0, "bureau": 1}


def test_a_closed_hazard_is_never_overdue(hz_loop, hz_colleague, people):
    hazard = hz_loop.awaiting_acceptance()
    services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=True)
    hazard = run(hazard, 30)
    assert hazard.overdue is False and hazard.escalation == Escalation.NONE
    assert sum(who_was_told(people, hazard).values()) == 0


def test_closing_an_overdue_hazard_clears_the_flag_for_good(hz_loop, hz_colleague, people):
    hazard = hz_loop.rectifying(days=10)
    assert run(hazard, 2).overdue is True
    services.hazard_submit_for_acceptance(acting_user=hz_loop.user, hazard=HiddenHazard.objects.get(pk=hazard.pk),
                                          note="已整改")
    services.hazard_accept(acting_user=hz_colleague, hazard=HiddenHazard.objects.get(pk=hazard.pk), passed=True)
    hazard = run(hazard, 20)
    assert hazard.state == HiddenHazard.State.CLOSED
    assert hazard.overdue is False
    assert who_was_told(people, hazard)["subdistrict"] == 0


def test_hazards_not_yet_in_rectification_have_no_deadline_to_miss(hz_loop, people):
    hazard = hz_loop.assessed("general")
    services.hazards_mark_overdue(today=timezone.localdate() + datetime.timedelta(days=365))
    assert HiddenHazard.objects.get(pk=hazard.pk).overdue is False


def test_marking_and_escalating_are_audited_as_the_scheduler(late):
    run(late, 1)
    run(late, 4)
    events = AuditEvent.objects.filter(object_type="prevention.HiddenHazard", object_id=str(late.pk),
                                       actor_username="scheduler").order_by("pk")
    assert [e.changes for e in events] == [
        {"overdue": [False, True], "escalation": [0, 1]},
        {"escalation": [1, 2]},
    ]
    assert all(e.actor is None for e in events)


def test_the_hourly_job_marks_overdue_hazards_through_the_scheduler(late, people):
    noon = datetime.datetime.combine(day(late, 5), datetime.time(12, 0), tzinfo=timezone.get_current_timezone())
    with mock.patch.object(timezone, "now", return_value=noon):
        assert "prevention_inspections_and_overdue" in scheduler.enqueue_due()
    hazard = HiddenHazard.objects.get(pk=late.pk)
    assert hazard.overdue is True
    assert hazard.escalation == Escalation.SUBDISTRICT
    assert who_was_told(people, late)["subdistrict"] == 1

    with mock.patch.object(timezone, "now", return_value=noon + datetime.timedelta(minutes=30)):
        assert "prevention_inspections_and_overdue" not in scheduler.enqueue_due()  # ran half an hour ago
