"""Use case: a team lists its members with skills and certificates; expired and soon-expiring certificates stand
out, and phones are masked in the list."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.shared.services import NotAllowed
from emergency.resources.teams import services as services_teams
from emergency.resources.teams.models import CERTIFICATE_WARNING_DAYS, TeamMember

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(("expires", "state"), [
    (None, ""),
    (TODAY - datetime.timedelta(days=1), "expired"),
    (TODAY, "expiring"),
    (TODAY + datetime.timedelta(days=CERTIFICATE_WARNING_DAYS), "expiring"),
    (TODAY + datetime.timedelta(days=CERTIFICATE_WARNING_DAYS + 1), "valid"),
])
def test_a_certificate_is_flagged_by_its_expiry_date(expires, state):
    assert TeamMember(name="x", certificate_expires_on=expires).certificate_state(TODAY) == state


def test_the_team_page_highlights_expired_and_expiring_certificates_and_masks_phones(client, department_clerk,
                                                                                    tm_team_a, bureau_officer):
    today = timezone.localdate()
    for name, days in (("过期队员", -3), ("将到期队员", 10), ("有效队员", 400)):
        services_teams.member_add(acting_user=bureau_officer, team=tm_team_a, name=name, role="队员",
                                  phone="13912345678", skills="水域救援", certificate_name="救生员证",
                                  certificate_expires_on=today + datetime.timedelta(days=days))
    login(client, department_clerk)  # a department reads the team
    page = client.get(f"/resources/teams/{tm_team_a.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert page.count('data-cert="expired"') == 1 and page.count('data-cert="expiring"') == 1
    assert page.count('data-cert="valid"') == 1
    assert 'data-testid="member-form"' not in page  # read-only for the department


def test_a_member_is_added_from_the_team_page_and_audited(client, subdistrict_officer, tm_team_a):
    login(client, subdistrict_officer)
    resp = client.post(f"/resources/teams/{tm_team_a.pk}/members/", {
        "name": "李队员", "role": "副队长", "phone": "13700001111", "skills": "破拆", "certificate_name": "特种作业证",
        "certificate_expires_on": "2030-01-31"})
    assert resp.status_code == 302
    member = tm_team_a.members.get()
    assert (member.name, member.certificate_expires_on) == ("李队员", datetime.date(2030, 1, 31))
    assert AuditEvent.objects.filter(object_type="resources.TeamMember", actor=subdistrict_officer,
                                     event_type=AuditEvent.Type.CREATE).count() == 1


def test_it_rejects_a_member_without_a_name_or_with_a_bad_phone(client, bureau_officer, tm_team_a):
    login(client, bureau_officer)
    resp = client.post(f"/resources/teams/{tm_team_a.pk}/members/", {"name": "王五", "phone": "call me"})
    assert resp.status_code == 400 and "call me" in resp.content.decode()
    assert client.post(f"/resources/teams/{tm_team_a.pk}/members/", {"name": ""}).status_code == 400
    assert not TeamMember.objects.exists()


def test_another_subdistrict_cannot_add_members(client, other_subdistrict_officer, tm_team_a):
    with pytest.raises(NotAllowed):
        services_teams.member_add(acting_user=other_subdistrict_officer, team=tm_team_a, name="外人")
    login(client, other_subdistrict_officer)
    assert client.post(f"/resources/teams/{tm_team_a.pk}/members/", {"name": "外人"}).status_code == 403
    with pytest.raises(ValidationError):
        services_teams.member_add(acting_user=other_subdistrict_officer, team=tm_team_a, nickname="x")
    assert not TeamMember.objects.exists()
