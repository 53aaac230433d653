"""Use case: a team's readiness (standby / deployed / unavailable) changes only through the service, which audits it;
the form can never set it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.shared.services import NotAllowed
from emergency.resources.teams import services as services_teams
from emergency.resources.teams.models import RescueTeam


def test_a_new_team_is_on_standby_and_a_change_is_audited(tm_team_a, subdistrict_officer):
    assert tm_team_a.readiness == RescueTeam.Readiness.STANDBY
    team = services_teams.team_set_readiness(acting_user=subdistrict_officer, team=tm_team_a, readiness="deployed",
                                             note="出动至防汛点")
    assert team.readiness == "deployed" and team.readiness_changed_at is not None
    event = AuditEvent.objects.get(object_type="resources.RescueTeam", object_id=str(team.pk),
                                   event_type=AuditEvent.Type.UPDATE)
    assert event.actor == subdistrict_officer
    assert event.changes["readiness"] == ["standby", "deployed"]
    assert event.changes["note"] == [None, "出动至防汛点"]


def test_it_rejects_an_unknown_or_unchanged_readiness(tm_team_a, bureau_officer):
    for bad in ("ready", "", "STANDBY"):
        with pytest.raises(ValidationError):
            services_teams.team_set_readiness(acting_user=bureau_officer, team=tm_team_a, readiness=bad)
    with pytest.raises(ValidationError):
        services_teams.team_set_readiness(acting_user=bureau_officer, team=tm_team_a, readiness="standby")
    assert RescueTeam.objects.get(pk=tm_team_a.pk).readiness == "standby"
    assert not AuditEvent.objects.filter(object_type="resources.RescueTeam", event_type="update").exists()


def test_another_subdistrict_or_a_department_cannot_change_readiness(tm_team_a, other_subdistrict_officer,
                                                                     department_clerk):
    for user in (other_subdistrict_officer, department_clerk):
        with pytest.raises(NotAllowed):
            services_teams.team_set_readiness(acting_user=user, team=tm_team_a, readiness="unavailable")
    assert RescueTeam.objects.get(pk=tm_team_a.pk).readiness == "standby"


def test_the_edit_form_cannot_set_readiness(client, bureau_officer, tm_team_a, guangfu):
    login(client, bureau_officer)
    resp = client.post(f"/resources/teams/{tm_team_a.pk}/edit/", {
        "name": "改名救援队", "kind": "grassroots", "specialty": "flood", "owner_unit": "河北区应急管理局",
        "division": guangfu.pk, "leader": "孙队长", "duty_phone": "022-26260001", "readiness": "deployed"})
    assert resp.status_code == 302
    team = RescueTeam.objects.get(pk=tm_team_a.pk)
    assert team.name == "改名救援队" and team.readiness == "standby"


def test_the_readiness_page_action_changes_it_for_the_own_subdistrict_only(client, subdistrict_officer,
                                                                           tm_team_a, tm_team_b):
    login(client, subdistrict_officer)
    resp = client.post(f"/resources/teams/{tm_team_a.pk}/readiness/", {"readiness": "deployed", "note": "演练"})
    assert resp.status_code == 302
    assert RescueTeam.objects.get(pk=tm_team_a.pk).readiness == "deployed"
    assert client.post(f"/resources/teams/{tm_team_b.pk}/readiness/", {"readiness": "deployed"}).status_code == 403
    assert RescueTeam.objects.get(pk=tm_team_b.pk).readiness == "standby"
    resp = client.post(f"/resources/teams/{tm_team_a.pk}/readiness/", {"readiness": "flying"})
    assert resp.status_code == 400
    assert RescueTeam.objects.get(pk=tm_team_a.pk).readiness == "deployed"
