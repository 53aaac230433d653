"""Resources ask the one access model (core.scoping, declared in resources/scopes.py): the page gate, the object
and its may-change answer, the services and the raw SQL of the nearby search agree (issue 10 §1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login
from emergency.core import scoping
from emergency.resources.map import nearby_sql
from emergency.resources.teams import services as team_services
from emergency.resources.teams.models import Expert, RescueTeam

pytestmark = pytest.mark.django_db


def test_get_for_user_and_the_services_agree_on_a_subdistrict_team(subdistrict_officer, tm_team_a, tm_team_b):
    own, may_change_own = scoping.get_for_user(subdistrict_officer, RescueTeam.objects.all(), pk=tm_team_a.pk)
    other, may_change_other = scoping.get_for_user(subdistrict_officer, RescueTeam.objects.all(), pk=tm_team_b.pk)
    # A subdistrict reads the district's teams and manages its own: the page and the service say the same.
    assert may_change_own is True and team_services.may_manage_team(subdistrict_officer, own) is True
    assert may_change_other is False and team_services.may_manage_team(subdistrict_officer, other) is False


@pytest.mark.parametrize("persona", ["enterprise_manager", "expert", "system_admin"])
def test_users_outside_the_readers_get_nothing_anywhere(client, request, persona, tm_team_a):
    user = request.getfixturevalue(persona)
    assert not scoping.may_read(user, RescueTeam) and not scoping.may_read(user, Expert)
    assert not scoping.scope_queryset(user, RescueTeam.objects.all()).exists()
    # The raw SQL answers nothing either, whatever the view in front of it checked.
    assert nearby_sql.teams(user, 39.15, 117.19, {}, 10) == []
    login(client, user)
    assert client.get(reverse("resources:team_detail", args=[tm_team_a.pk])).status_code == 403
    assert client.get("/api/v1/resources/nearby?lat=39.15&lon=117.19").status_code == 403


def test_a_department_reads_resources_and_writes_none(department_clerk, tm_team_a):
    team, may_change = scoping.get_for_user(department_clerk, RescueTeam.objects.all(), pk=tm_team_a.pk)
    assert team == tm_team_a and may_change is False
    assert [r["id"] for r in nearby_sql.teams(department_clerk, 39.15, 117.19, {}, 10)] == [tm_team_a.pk]
