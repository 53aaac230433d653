"""Use case: every subdistrict sees the district's teams, experts, equipment and reserves, but writes only its own
teams and equipment; departments only read; enterprises, experts and the separated administrators are refused."""

from __future__ import annotations

import pytest

from conftest import login
from emergency.resources.teams.models import RescueTeam

LISTS = ["/resources/teams/", "/resources/teams/experts/", "/resources/teams/equipment/",
         "/resources/teams/reserves/", "/resources/teams/export.xlsx", "/resources/teams/experts/export.xlsx",
         "/resources/teams/equipment/export.xlsx"]


def _team_post(division, name="新建救援队", **extra) -> dict:
    return {"name": name, "kind": "grassroots", "specialty": "flood", "owner_unit": "街道办事处",
            "division": division.pk, "leader": "钱队长", "duty_phone": "022-26260002", **extra}


def test_a_subdistrict_reads_every_team_but_creates_only_in_its_own_area(client, subdistrict_officer, tm_team_a,
                                                                        tm_team_b, guangfu, wanghai, community_a):
    login(client, subdistrict_officer)
    page = client.get("/resources/teams/").content.decode()
    assert tm_team_a.name in page and tm_team_b.name in page
    assert client.get(f"/resources/teams/{tm_team_b.pk}/").status_code == 200
    assert client.post("/resources/teams/new/", _team_post(community_a, "社区救援队")).status_code == 302
    assert RescueTeam.objects.get(name="社区救援队").division == community_a
    resp = client.post("/resources/teams/new/", _team_post(wanghai, "越界救援队"))
    assert resp.status_code == 400  # 望海楼 is not a choice for 光复道
    assert not RescueTeam.objects.filter(name="越界救援队").exists()


def test_a_subdistrict_edits_its_own_team_only_and_cannot_move_it_away(client, subdistrict_officer, tm_team_a,
                                                                       tm_team_b, wanghai, guangfu):
    login(client, subdistrict_officer)
    assert client.get(f"/resources/teams/{tm_team_b.pk}/edit/").status_code == 403
    assert client.post(f"/resources/teams/{tm_team_b.pk}/edit/", _team_post(wanghai, "改名")).status_code == 403
    assert client.post(f"/resources/teams/{tm_team_a.pk}/edit/", _team_post(wanghai, "搬走")).status_code == 400
    team = RescueTeam.objects.get(pk=tm_team_a.pk)
    assert (team.name, team.division) == (tm_team_a.name, guangfu)
    assert RescueTeam.objects.get(pk=tm_team_b.pk).name == tm_team_b.name


def test_a_department_reads_but_never_writes(client, department_clerk, tm_team_a, guangfu):
    login(client, department_clerk)
    for url in LISTS:
        assert client.get(url).status_code == 200, url
    page = client.get(f"/resources/teams/{tm_team_a.pk}/").content.decode()
    assert 'data-testid="readiness-form"' not in page
    for url in ("/resources/teams/new/", f"/resources/teams/{tm_team_a.pk}/edit/", "/resources/teams/experts/new/",
                "/resources/teams/equipment/new/", "/resources/teams/reserves/new/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/resources/teams/new/", _team_post(guangfu)).status_code == 403
    assert client.post(f"/resources/teams/{tm_team_a.pk}/readiness/", {"readiness": "deployed"}).status_code == 403
    assert RescueTeam.objects.count() == 1


@pytest.mark.parametrize("persona", ["enterprise_manager", "expert", "system_admin", "security_admin",
                                     "audit_admin"])
def test_enterprises_experts_and_administrators_are_refused(persona, request, client, tm_team_a):
    login(client, request.getfixturevalue(persona))
    for url in [*LISTS, f"/resources/teams/{tm_team_a.pk}/"]:
        assert client.get(url).status_code == 403, (persona, url)
    assert client.post(f"/resources/teams/{tm_team_a.pk}/readiness/", {"readiness": "deployed"}).status_code == 403
    assert RescueTeam.objects.get(pk=tm_team_a.pk).readiness == "standby"


def test_an_anonymous_visitor_is_sent_to_log_in(client, tm_team_a):
    resp = client.get("/resources/teams/")
    assert resp.status_code == 302 and "login" in resp.url
