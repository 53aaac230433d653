"""Listed supervision (挂牌督办): the bureau lists a MAJOR hazard with its own deadline."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import login
from emergency.core.models import AuditEvent, Notification
from emergency.prevention import services
from emergency.prevention.models import HiddenHazard

pytestmark = pytest.mark.django_db


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def reloaded(hazard: HiddenHazard) -> HiddenHazard:
    return HiddenHazard.objects.get(pk=hazard.pk)


@pytest.fixture
def major(hz_loop):
    return hz_loop.rectifying("major")


def test_the_bureau_lists_a_major_hazard_and_the_enterprise_is_told(major, bureau_officer, enterprise_manager,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.hazard_list_for_supervision(acting_user=bureau_officer, hazard=major, deadline=in_days(20))
    hazard = reloaded(major)
    assert hazard.listed_supervision is True
    assert hazard.listed_deadline == in_days(20)
    assert hazard.listed_by == bureau_officer
    assert hazard.state == HiddenHazard.State.RECTIFYING  # the loop itself goes on

    event = AuditEvent.objects.filter(object_type="prevention.HiddenHazard", object_id=str(major.pk),
                                      changes__has_key="listed_supervision").get()
    assert event.actor == bureau_officer
    assert event.changes["listed_deadline"] == [None, in_days(20).isoformat()]
    assert Notification.objects.filter(recipient=enterprise_manager, target_id=str(major.pk)).count() == 1


@pytest.mark.parametrize("persona", ["subdistrict_officer", "enterprise_manager", "department_clerk", "expert"])
def test_only_the_bureau_lists_hazards_for_supervision(request, major, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(services.NotAllowed):
        services.hazard_list_for_supervision(acting_user=user, hazard=major, deadline=in_days(20))
    assert reloaded(major).listed_supervision is False


def test_only_major_hazards_are_listed(hz_loop, bureau_officer):
    general = hz_loop.rectifying("general")
    with pytest.raises(ValidationError):
        services.hazard_list_for_supervision(acting_user=bureau_officer, hazard=general, deadline=in_days(20))
    assert reloaded(general).listed_supervision is False


@pytest.mark.parametrize("days", [None, 0, -1])
def test_the_supervision_deadline_must_be_in_the_future(major, bureau_officer, days):
    deadline = None if days is None else in_days(days)
    with pytest.raises(ValidationError) as exc:
        services.hazard_list_for_supervision(acting_user=bureau_officer, hazard=major, deadline=deadline)
    assert "deadline" in exc.value.message_dict
    assert reloaded(major).listed_supervision is False


def test_a_closed_hazard_is_not_listed(hz_loop, hz_colleague, bureau_officer):
    hazard = hz_loop.awaiting_acceptance("major")
    services.hazard_accept(acting_user=hz_colleague, hazard=hazard, passed=True)
    with pytest.raises(ValidationError):
        services.hazard_list_for_supervision(acting_user=bureau_officer, hazard=reloaded(hazard),
                                             deadline=in_days(20))


def test_listing_again_moves_the_deadline_and_is_audited_again(major, bureau_officer):
    services.hazard_list_for_supervision(acting_user=bureau_officer, hazard=major, deadline=in_days(20))
    services.hazard_list_for_supervision(acting_user=bureau_officer, hazard=reloaded(major), deadline=in_days(40))
    assert reloaded(major).listed_deadline == in_days(40)
    assert AuditEvent.objects.filter(object_id=str(major.pk), changes__has_key="listed_supervision").count() == 2


# --- on the pages ----------------------------------------------------------------------------------------


def test_the_bureau_lists_a_hazard_on_its_page(client, major, bureau_officer):
    login(client, bureau_officer)
    page = client.get(reverse("prevention:hazard_detail", args=[major.pk])).content.decode()
    assert 'data-testid="action-supervise"' in page

    url = reverse("prevention:hazard_supervise", args=[major.pk])
    resp = client.post(url, {"deadline": in_days(-2).isoformat()})
    assert resp.status_code == 200 and "deadline" in resp.context["forms"]["supervise"].errors
    assert f'value="{in_days(-2).isoformat()}"' in resp.content.decode()
    assert reloaded(major).listed_supervision is False

    assert client.post(url, {"deadline": in_days(15).isoformat()}).status_code == 302
    assert reloaded(major).listed_deadline == in_days(15)
    listed = client.get(reverse("prevention:hazard_list"), {"listed_supervision": "yes"})
    assert [h.pk for h in listed.context["page"]] == [major.pk]
    assert not client.get(reverse("prevention:hazard_list"), {"listed_supervision": "no"}).context["page"]


@pytest.mark.parametrize("persona", ["subdistrict_officer", "enterprise_manager"])
def test_others_are_not_offered_the_listing_and_are_refused_it(client, request, major, persona):
    login(client, request.getfixturevalue(persona))
    page = client.get(reverse("prevention:hazard_detail", args=[major.pk])).content.decode()
    assert 'data-testid="action-supervise"' not in page
    resp = client.post(reverse("prevention:hazard_supervise", args=[major.pk]), {"deadline": in_days(9).isoformat()})
    assert resp.status_code == 403
    assert reloaded(major).listed_supervision is False


def test_a_general_hazard_offers_no_listing_even_to_the_bureau(client, hz_loop, bureau_officer):
    general = hz_loop.rectifying("general")
    login(client, bureau_officer)
    page = client.get(reverse("prevention:hazard_detail", args=[general.pk])).content.decode()
    assert 'data-testid="action-supervise"' not in page
    resp = client.post(reverse("prevention:hazard_supervise", args=[general.pk]), {"deadline": in_days(9).isoformat()})
    assert resp.status_code == 302
    assert reloaded(general).listed_supervision is False
