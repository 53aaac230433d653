"""The hidden-hazard closed loop: identified → registered → assessed → rectifying → acceptance → closed."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django_fsm import TransitionNotAllowed

from conftest import login
from emergency.core.attachments import attachments_of
from emergency.core.models import AuditEvent
from emergency.prevention import services
from emergency.prevention.models import Acceptance, HazardTransition, HiddenHazard

from .conftest import hz_photo_file

pytestmark = pytest.mark.django_db
State = HiddenHazard.State
LOOP = ["identified", "registered", "assessed", "rectifying", "acceptance", "closed"]


def fresh(hazard: HiddenHazard) -> HiddenHazard:
    return HiddenHazard.objects.get(pk=hazard.pk)


def states_walked(hazard: HiddenHazard) -> list[str]:
    return list(HazardTransition.objects.filter(hazard=hazard).values_list("to_state", flat=True))


def section(html: str, testid: str) -> str:
    """The page from the element marked `testid` up to the next marked element."""
    match = re.search(rf'data-testid="{testid}"(.*?)(?=data-testid=|\Z)', html, re.S)
    return match.group(1) if match else ""


# --- the loop, by services --------------------------------------------------------------------------


def test_a_hazard_runs_the_whole_loop_and_is_closed_by_a_colleague(hz_loop, hz_colleague):
    hazard = hz_loop.awaiting_acceptance()
    services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=True, note="复查合格")

    hazard = fresh(hazard)
    assert hazard.state == State.CLOSED
    assert hazard.closed_at is not None
    assert states_walked(hazard) == LOOP
    assert Acceptance.objects.get(hazard=hazard).accepted_by == hz_colleague


def test_every_transition_leaves_a_transition_row_and_an_audit_event(hz_loop, hz_colleague):
    hazard = hz_loop.awaiting_acceptance()
    services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=True)

    rows = list(HazardTransition.objects.filter(hazard=hazard))
    assert [(r.from_state, r.to_state) for r in rows] == list(zip(["", *LOOP[:-1]], LOOP, strict=True))
    assert all(r.actor is not None for r in rows)
    audited = [e.changes["state"] for e in AuditEvent.objects.filter(
        object_type="prevention.HiddenHazard", object_id=str(hazard.pk)).order_by("pk") if "state" in e.changes]
    assert audited == [[a or None, b] for a, b in zip(["", *LOOP[:-1]], LOOP, strict=True)]  # created, then moved
    closing = AuditEvent.objects.filter(object_id=str(hazard.pk), changes__state=["acceptance", "closed"]).get()
    assert closing.actor == hz_colleague


def test_the_state_cannot_be_assigned_by_hand(hz_loop):
    hazard = hz_loop.report()
    with pytest.raises(AttributeError):
        hazard.state = "closed"
    assert fresh(hazard).state == State.IDENTIFIED


def test_no_hazard_closes_without_an_acceptance(hz_loop, hz_colleague):
    hazard = hz_loop.rectifying()
    with pytest.raises(TransitionNotAllowed):
        hazard.close()  # the model refuses the jump from rectifying
    hazard = fresh(hazard)
    with pytest.raises(ValidationError):
        services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=True)
    assert fresh(hazard).state == State.RECTIFYING
    assert not Acceptance.objects.filter(hazard=hazard).exists()


def test_the_rectifier_cannot_accept_their_own_work(hz_loop):
    hazard = hz_loop.awaiting_acceptance()
    with translation.override("en"), pytest.raises(ValidationError, match="rectified"):
        services.hazard_accept(acting_user=hz_loop.user, hazard=hazard, passed=True)
    assert fresh(hazard).state == State.ACCEPTANCE
    assert not Acceptance.objects.filter(hazard=hazard).exists()


def test_a_regulator_of_the_area_may_accept(hz_loop, subdistrict_officer):
    hazard = hz_loop.awaiting_acceptance()
    services.hazard_accept(acting_user=subdistrict_officer, hazard=hazard, passed=True)
    assert fresh(hazard).state == State.CLOSED


def test_a_failed_acceptance_returns_the_hazard_to_rectifying(hz_loop, hz_colleague):
    hazard = hz_loop.awaiting_acceptance()
    with pytest.raises(ValidationError):
        services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=False, note="")  # no reason
    assert fresh(hazard).state == State.ACCEPTANCE

    services.hazard_accept(acting_user=hz_colleague, hazard=fresh(hazard), passed=False, note="垫片型号不符")
    hazard = fresh(hazard)
    assert hazard.state == State.RECTIFYING
    assert states_walked(hazard)[-2:] == ["acceptance", "rectifying"]
    assert Acceptance.objects.get(hazard=hazard).passed is False

    # The loop goes round again and only a passed acceptance closes it.
    services.hazard_submit_for_acceptance(acting_user=hz_loop.user, hazard=hazard, note="换用耐腐蚀垫片")
    services.hazard_accept(acting_user=hz_colleague, hazard=fresh(hazard), passed=True)
    assert fresh(hazard).state == State.CLOSED


@pytest.mark.parametrize(("deadline_days", "person", "field"), [
    (None, "王工", "deadline"),
    (-1, "王工", "deadline"),
    (10, "", "responsible_person"),
    (10, "   ", "responsible_person"),
])
def test_rectification_needs_a_deadline_and_a_responsible_person(hz_loop, deadline_days, person, field):
    hazard = hz_loop.assessed()
    deadline = None if deadline_days is None else timezone.localdate() + datetime.timedelta(days=deadline_days)
    with pytest.raises(ValidationError) as exc:
        services.hazard_start_rectification(acting_user=hz_loop.user, hazard=hazard, deadline=deadline,
                                            responsible_person=person)
    assert field in exc.value.message_dict
    hazard = fresh(hazard)
    assert hazard.state == State.ASSESSED
    assert hazard.deadline is None


def test_a_hazard_cannot_skip_registration_or_assessment(hz_loop):
    hazard = hz_loop.report()
    with pytest.raises(ValidationError):
        services.hazard_start_rectification(acting_user=hz_loop.user, hazard=hazard,
                                            deadline=timezone.localdate(), responsible_person="王工")
    with pytest.raises(ValidationError):
        services.hazard_assess(acting_user=hz_loop.user, hazard=hazard, hazard_class="general")
    assert fresh(hazard).state == State.IDENTIFIED


# --- the loop, on the pages -------------------------------------------------------------------------


def test_an_enterprise_runs_the_loop_on_its_pages_with_before_and_after_photos(
        client, hz_loop, hz_colleague, django_capture_on_commit_callbacks):
    login(client, hz_loop.user)
    resp = client.post(reverse("prevention:hazard_report"), {
        "title": "配电箱门未关闭", "location": "二号车间", "photos": [hz_photo_file("before.png")]})
    hazard = HiddenHazard.objects.get(title="配电箱门未关闭")
    assert resp.status_code == 302 and resp.url == reverse("prevention:hazard_detail", args=[hazard.pk])
    assert hazard.found_by_regulator is False

    def post(name, data=None):
        resp = client.post(reverse(f"prevention:{name}", args=[hazard.pk]), data or {})
        assert resp.status_code == 302, resp.content.decode()[:2000]

    post("hazard_register")
    post("hazard_assess", {"hazard_class": "general"})
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    post("hazard_start", {"deadline": deadline.isoformat(), "responsible_person": "李电工"})
    post("hazard_submit", {"note": "已关闭并加锁", "photos": [hz_photo_file("after.png")]})
    assert fresh(hazard).rectifier == hz_loop.user

    page = client.get(reverse("prevention:hazard_detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="action-accept"' not in page  # the rectifier is not offered the acceptance
    assert 'data-testid="self-rectified"' in page
    assert "before.png" in section(page, "before-photos") and "after.png" not in section(page, "before-photos")
    assert "after.png" in section(page, "after-photos")

    login(client, hz_colleague)
    page = client.get(reverse("prevention:hazard_detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="action-accept"' in page
    post("hazard_accept", {"result": "passed", "note": ""})
    hazard = fresh(hazard)
    assert hazard.state == State.CLOSED
    assert hazard.deadline == deadline and hazard.responsible_person == "李电工"
    assert states_walked(hazard) == LOOP
    assert {a.original_name for a in attachments_of(hazard)} == {"before.png", "after.png"}


def test_the_detail_shows_the_history_with_translated_state_labels(client, hz_loop, hz_colleague):
    hazard = hz_loop.awaiting_acceptance()
    services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=False, note="未试压")
    page = login(client, hz_colleague).get(reverse("prevention:hazard_detail", args=[hazard.pk])).content.decode()
    history = section(page, "transitions")
    with translation.override("zh-hans"):
        for state in (State.REGISTERED, State.RECTIFYING, State.ACCEPTANCE):
            assert str(state.label) in history
    assert "rectifying" not in history  # labels, not the stored values
    assert "未试压" in section(page, "acceptances")
    assert 'data-testid="history"' in page


def test_only_the_actions_the_lifecycle_allows_are_shown(client, hz_loop):
    hazard = hz_loop.report()
    page = login(client, hz_loop.user).get(reverse("prevention:hazard_detail", args=[hazard.pk])).content.decode()
    assert 'data-testid="action-register"' in page
    for absent in ("assess", "start", "submit", "accept", "supervise", "plan", "dual-report"):
        assert f'data-testid="action-{absent}"' not in page


def test_an_action_the_state_does_not_allow_is_refused_with_a_message(client, hz_loop):
    hazard = hz_loop.report()
    login(client, hz_loop.user)
    resp = client.post(reverse("prevention:hazard_accept", args=[hazard.pk]), {"result": "passed"}, follow=True)
    assert resp.status_code == 200
    assert [m.level_tag for m in resp.context["messages"]] == ["error"]
    assert fresh(hazard).state == State.IDENTIFIED


def test_wrong_input_comes_back_on_the_form_with_the_input_kept(client, hz_loop):
    hazard = hz_loop.assessed()
    login(client, hz_loop.user)
    deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    resp = client.post(reverse("prevention:hazard_start", args=[hazard.pk]),
                       {"deadline": deadline, "responsible_person": ""})
    assert resp.status_code == 200
    form = resp.context["forms"]["start"]
    assert "responsible_person" in form.errors
    assert f'value="{deadline}"' in resp.content.decode()
    assert fresh(hazard).state == State.ASSESSED

    resp = client.post(reverse("prevention:hazard_start", args=[hazard.pk]),
                       {"deadline": "2020-01-01", "responsible_person": "王工"})
    assert resp.status_code == 200
    assert "deadline" in resp.context["forms"]["start"].errors  # the service's rule, on the field
    assert 'value="王工"' in resp.content.decode()


def test_a_self_acceptance_posted_anyway_is_a_form_error(client, hz_loop):
    hazard = hz_loop.awaiting_acceptance()
    resp = login(client, hz_loop.user).post(reverse("prevention:hazard_accept", args=[hazard.pk]),
                                             {"result": "passed"})
    assert resp.status_code == 200
    assert [m.level_tag for m in resp.context["messages"]] == ["error"]
    assert "accept" not in resp.context["forms"]  # and the form is still not offered to the rectifier
    assert fresh(hazard).state == State.ACCEPTANCE
    assert not Acceptance.objects.filter(hazard=hazard).exists()


def test_a_failed_acceptance_on_the_page_needs_a_reason(client, hz_loop, hz_colleague):
    hazard = hz_loop.awaiting_acceptance()
    login(client, hz_colleague)
    resp = client.post(reverse("prevention:hazard_accept", args=[hazard.pk]), {"result": "failed", "note": ""})
    assert resp.status_code == 200 and "note" in resp.context["forms"]["accept"].errors
    assert fresh(hazard).state == State.ACCEPTANCE
    client.post(reverse("prevention:hazard_accept", args=[hazard.pk]), {"result": "failed", "note": "仍有渗漏"})
    assert fresh(hazard).state == State.RECTIFYING


def test_submitting_for_acceptance_needs_an_after_photo(client, hz_loop):
    hazard = hz_loop.rectifying()
    login(client, hz_loop.user)
    resp = client.post(reverse("prevention:hazard_submit", args=[hazard.pk]), {"note": "已整改"})
    assert resp.status_code == 200 and "photos" in resp.context["forms"]["submit"].errors
    bad = client.post(reverse("prevention:hazard_submit", args=[hazard.pk]), {
        "note": "已整改", "photos": [hz_photo_file("notes.txt")]})
    assert bad.status_code == 200 and "photos" in bad.context["forms"]["submit"].errors
    assert fresh(hazard).state == State.RECTIFYING
    assert not attachments_of(hazard).exists()


def test_a_bad_after_photo_undoes_the_whole_submission(client, hz_loop):
    hazard = hz_loop.rectifying()
    fake = hz_photo_file("after.png")
    fake.file.seek(0)
    fake.file.truncate(10)  # a .png that is not an image
    resp = login(client, hz_loop.user).post(reverse("prevention:hazard_submit", args=[hazard.pk]),
                                             {"note": "已整改", "photos": [fake]})
    assert resp.status_code == 200 and "photos" in resp.context["forms"]["submit"].errors
    hazard = fresh(hazard)
    assert hazard.state == State.RECTIFYING and hazard.rectifier is None
    assert states_walked(hazard)[-1] == "rectifying"
