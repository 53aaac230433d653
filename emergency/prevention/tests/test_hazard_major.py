"""MAJOR hazards need a six-part governance plan and the dual report before rectification starts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import login
from emergency.core.attachments import attachments_of
from emergency.prevention import services
from emergency.prevention.models import DualReport, GovernancePlan, HiddenHazard

from .conftest import HazardLoop, hz_photo_file

pytestmark = pytest.mark.django_db
State = HiddenHazard.State
EVIDENCE = "津河应报〔2026〕7号"


def start(loop: HazardLoop, hazard: HiddenHazard) -> HiddenHazard:
    return services.hazard_start_rectification(acting_user=loop.user, hazard=hazard,
                                               deadline=timezone.localdate() + datetime.timedelta(days=30),
                                               responsible_person="张工")


def report_to(loop: HazardLoop, hazard: HiddenHazard, *recipients: str) -> None:
    for recipient in recipients:
        services.dual_report_record(acting_user=loop.user, hazard=hazard, recipient=recipient,
                                    reported_on=timezone.localdate(), evidence=EVIDENCE)


def state_of(hazard: HiddenHazard) -> str:
    return HiddenHazard.objects.get(pk=hazard.pk).state


def test_a_major_hazard_with_its_plan_and_both_reports_enters_rectifying(hz_loop):
    hazard = hz_loop.major_ready()
    assert services.major_prerequisites(hazard) == []
    start(hz_loop, hazard)
    assert state_of(hazard) == State.RECTIFYING


def test_a_major_hazard_without_a_governance_plan_cannot_enter_rectifying(hz_loop):
    hazard = hz_loop.assessed("major")
    report_to(hz_loop, hazard, "regulator", "workers_congress")
    with translation.override("en"), pytest.raises(ValidationError, match="governance plan"):
        start(hz_loop, hazard)
    assert state_of(hazard) == State.ASSESSED


@pytest.mark.parametrize("missing", GovernancePlan.PARTS)
def test_each_of_the_six_plan_parts_is_required(hz_loop, missing):
    hazard = hz_loop.assessed("major")
    services.governance_plan_save(acting_user=hz_loop.user, hazard=hazard,
                                  **{**HazardLoop.PLAN, missing: "   "})
    report_to(hz_loop, hazard, "regulator", "workers_congress")
    label = str(GovernancePlan._meta.get_field(missing).verbose_name)
    assert services.major_prerequisites(hazard) == [label]
    with pytest.raises(ValidationError) as exc:
        start(hz_loop, hazard)
    assert label in " ".join(exc.value.messages)
    assert state_of(hazard) == State.ASSESSED
    assert HiddenHazard.objects.get(pk=hazard.pk).deadline is None


@pytest.mark.parametrize("only", ["regulator", "workers_congress"])
def test_both_dual_reports_are_required(hz_loop, only):
    hazard = hz_loop.assessed("major")
    services.governance_plan_save(acting_user=hz_loop.user, hazard=hazard, **HazardLoop.PLAN)
    report_to(hz_loop, hazard, only)
    missing = {"regulator", "workers_congress"} - {only}
    label = str(DualReport.Recipient(missing.pop()).label)
    with pytest.raises(ValidationError) as exc:
        start(hz_loop, hazard)
    assert label in " ".join(exc.value.messages)
    assert state_of(hazard) == State.ASSESSED


@pytest.mark.parametrize(("reported_on", "evidence", "field"), [
    (None, EVIDENCE, "reported_on"),
    ("tomorrow", EVIDENCE, "reported_on"),
    ("today", "", "evidence"),
    ("today", "   ", "evidence"),
])
def test_a_dual_report_needs_a_date_and_evidence(hz_loop, reported_on, evidence, field):
    hazard = hz_loop.assessed("major")
    day = {None: None, "today": timezone.localdate(),
           "tomorrow": timezone.localdate() + datetime.timedelta(days=1)}[reported_on]
    with pytest.raises(ValidationError) as exc:
        services.dual_report_record(acting_user=hz_loop.user, hazard=hazard, recipient="regulator",
                                    reported_on=day, evidence=evidence)
    assert field in exc.value.message_dict
    assert not DualReport.objects.filter(hazard=hazard).exists()


def test_a_general_hazard_needs_neither_plan_nor_dual_report(hz_loop):
    hazard = hz_loop.assessed("general")
    start(hz_loop, hazard)
    assert state_of(hazard) == State.RECTIFYING
    assert not GovernancePlan.objects.filter(hazard=hazard).exists()
    assert not DualReport.objects.filter(hazard=hazard).exists()


def test_the_plan_and_dual_report_are_for_major_hazards_only(hz_loop):
    hazard = hz_loop.assessed("general")
    with pytest.raises(ValidationError):
        services.governance_plan_save(acting_user=hz_loop.user, hazard=hazard, **HazardLoop.PLAN)
    with pytest.raises(ValidationError):
        report_to(hz_loop, hazard, "regulator")
    assert not GovernancePlan.objects.filter(hazard=hazard).exists()


def test_recording_a_report_twice_keeps_one_row_per_recipient(hz_loop):
    hazard = hz_loop.assessed("major")
    report_to(hz_loop, hazard, "regulator", "regulator")
    assert DualReport.objects.filter(hazard=hazard, recipient="regulator").count() == 1


# --- on the page -----------------------------------------------------------------------------------------


def test_the_page_lists_what_a_major_hazard_still_lacks_and_refuses_to_start(client, hz_loop):
    hazard = hz_loop.assessed("major")
    login(client, hz_loop.user)
    url = reverse("prevention:hazard_detail", args=[hazard.pk])
    page = client.get(url).content.decode()
    for testid in ("major-missing", "action-plan", "action-dual-report", "action-start"):
        assert f'data-testid="{testid}"' in page

    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    resp = client.post(reverse("prevention:hazard_start", args=[hazard.pk]),
                       {"deadline": deadline, "responsible_person": "张工"})
    assert resp.status_code == 200
    assert resp.context["forms"]["start"].non_field_errors()
    assert [m.level_tag for m in resp.context["messages"]] == ["error"]
    assert f'value="{deadline}"' in resp.content.decode()
    assert state_of(hazard) == State.ASSESSED


def test_the_plan_and_both_reports_are_entered_on_the_page(client, hz_loop):
    hazard = hz_loop.assessed("major")
    login(client, hz_loop.user)
    resp = client.post(reverse("prevention:hazard_plan", args=[hazard.pk]), HazardLoop.PLAN)
    assert resp.status_code == 302
    assert GovernancePlan.objects.get(hazard=hazard).missing_parts == []

    today = timezone.localdate().isoformat()
    resp = client.post(reverse("prevention:hazard_dual_report", args=[hazard.pk]), {
        "recipient": "regulator", "reported_on": today, "evidence": EVIDENCE, "file": hz_photo_file("receipt.png")})
    assert resp.status_code == 302
    resp = client.post(reverse("prevention:hazard_dual_report", args=[hazard.pk]), {
        "recipient": "workers_congress", "reported_on": today, "evidence": ""})
    assert resp.status_code == 200 and "evidence" in resp.context["forms"]["dual_report"].errors
    assert f'value="{today}"' in resp.content.decode()  # the date typed is kept
    resp = client.post(reverse("prevention:hazard_dual_report", args=[hazard.pk]), {
        "recipient": "workers_congress", "reported_on": today, "evidence": "职代会决议第3号"})
    assert resp.status_code == 302

    regulator = DualReport.objects.get(hazard=hazard, recipient="regulator")
    assert [a.original_name for a in attachments_of(regulator)] == ["receipt.png"]
    page = client.get(reverse("prevention:hazard_detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="major-missing"' not in page
    assert "receipt.png" in page and "职代会决议第3号" in page

    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    resp = client.post(reverse("prevention:hazard_start", args=[hazard.pk]),
                       {"deadline": deadline, "responsible_person": "张工"})
    assert resp.status_code == 302
    assert state_of(hazard) == State.RECTIFYING
