"""Issue 11: an expert's own page (profile and availability, changed through the audited service), and the link
between an expert profile and an expert account, which only the bureau makes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import login, make_user
from emergency.core.models import AuditEvent
from emergency.core.roles import Role
from emergency.resources.shared.services import NotAllowed
from emergency.resources.teams import services as svc
from emergency.resources.teams.models import Expert

URL = reverse("resources:expert_me")


@pytest.fixture
def profile(bureau_officer) -> Expert:
    return svc.expert_create(acting_user=bureau_officer, name="周专家", field_work_safety=True, title="高级工程师",
                             phone="13900000001", latitude=39.1612345678, longitude=117.2012345678)


@pytest.fixture
def linked(profile, expert, bureau_officer) -> Expert:
    return svc.expert_link_user(acting_user=bureau_officer, expert=profile, user=expert)


def test_linking_is_the_bureaus_audited_and_one_profile_per_expert_account(profile, expert, bureau_officer,
                                                                            subdistrict_officer):
    with pytest.raises(NotAllowed):
        svc.expert_link_user(acting_user=subdistrict_officer, expert=profile, user=expert)
    with pytest.raises(NotAllowed):
        svc.expert_link_user(acting_user=expert, expert=profile, user=expert)
    with pytest.raises(ValidationError):  # not an expert account
        svc.expert_link_user(acting_user=bureau_officer, expert=profile, user=subdistrict_officer)
    svc.expert_link_user(acting_user=bureau_officer, expert=profile, user=expert)
    event = AuditEvent.objects.filter(event_type=AuditEvent.Type.UPDATE).latest("pk")
    assert event.changes == {"user": [None, expert.username]} and event.actor == bureau_officer
    other = svc.expert_create(acting_user=bureau_officer, name="吴专家", field_geological=True, phone="13900000002")
    with pytest.raises(ValidationError, match="周专家"):
        svc.expert_link_user(acting_user=bureau_officer, expert=other, user=expert)
    svc.expert_link_user(acting_user=bureau_officer, expert=profile, user=None)
    assert Expert.objects.get(pk=profile.pk).user is None


def test_the_expert_sees_their_profile_and_changes_their_availability(client, linked, expert):
    login(client, expert)
    resp = client.get(URL)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "周专家" in html and "高级工程师" in html and "39.161235, 117.201235" in html
    resp = client.post(URL, {"available": "0"})
    assert resp.status_code == 302 and resp["Location"] == URL
    assert Expert.objects.get(pk=linked.pk).available is False
    event = AuditEvent.objects.filter(event_type=AuditEvent.Type.UPDATE).latest("pk")
    assert event.changes == {"available": [True, False]} and event.actor == expert
    assert client.post(URL, {"available": "maybe"}).status_code == 400
    assert Expert.objects.get(pk=linked.pk).available is False


def test_an_expert_without_a_profile_is_told_so(client, expert):
    login(client, expert)
    resp = client.get(URL)
    assert resp.status_code == 200 and b'data-testid="expert-unlinked"' in resp.content
    assert client.post(URL, {"available": "1"}).status_code == 403


def test_others_may_not_open_it_and_the_registers_stay_closed_to_experts(client, linked, expert, bureau_officer):
    login(client, bureau_officer)
    assert client.get(URL).status_code == 403
    login(client, expert)
    assert client.get(reverse("resources:expert_list")).status_code == 403
    assert client.get(reverse("resources:expert_detail", args=[linked.pk])).status_code == 403


def test_only_the_expert_themselves_or_the_bureau_change_availability(linked, bureau_officer, subdistrict_officer):
    other = make_user("expert_other", Role.EXPERT)
    for user in (other, subdistrict_officer):
        with pytest.raises(NotAllowed):
            svc.expert_set_availability(acting_user=user, expert=linked, available=False)
    assert svc.expert_set_availability(acting_user=bureau_officer, expert=linked, available=False) == {
        "available": [True, False]}
    assert svc.expert_set_availability(acting_user=bureau_officer, expert=linked, available=False) == {}
