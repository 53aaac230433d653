"""Resources on the workbench (issue 11): members' certificates expired or expiring in the teams the user manages,
shelters open now in the user's area, and the expert's standing action (keep the availability current). Each entry
counts only what is the user's to handle and opens the filtered list."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import login
from emergency.core import registry
from emergency.resources.shelters import services as shelter_services
from emergency.resources.teams import services as team_services
from emergency.resources.teams.models import CERTIFICATE_WARNING_DAYS

from .conftest import sh_make_shelter, tm_make_team

pytestmark = pytest.mark.django_db

CERTIFICATES = "Team members' certificates expired or expiring"
SHELTERS = "Shelters open now"


def _entries(user) -> dict[str, registry.TodoEntry]:
    with translation.override("en"):
        return {str(e.label): e for e in registry.todos_for(user)}


def _member(team, user, name: str, days: int | None):
    expires = None if days is None else timezone.localdate() + datetime.timedelta(days=days)
    return team_services.member_add(acting_user=user, team=team, name=name, certificate_name="救援员证",
                                    certificate_expires_on=expires)


def test_certificates_due_count_in_the_teams_the_user_manages(bureau_officer, subdistrict_officer, guangfu, wanghai):
    ours = tm_make_team(guangfu, "光复道救援队", user=bureau_officer)
    theirs = tm_make_team(wanghai, "望海楼救援队", user=bureau_officer)
    _member(ours, bureau_officer, "甲", -1)  # expired
    _member(ours, bureau_officer, "乙", CERTIFICATE_WARNING_DAYS)  # the last day of the warning: due
    _member(ours, bureau_officer, "丙", CERTIFICATE_WARNING_DAYS + 1)  # not yet
    _member(ours, bureau_officer, "丁", None)  # no certificate date
    _member(theirs, bureau_officer, "戊", 3)
    assert _entries(bureau_officer)[CERTIFICATES].count == 3
    entry = _entries(subdistrict_officer)[CERTIFICATES]
    assert entry.count == 2 and entry.level == "warning"
    assert entry.url == f"{reverse('resources:team_list')}?certificates=due"


def test_the_certificates_link_lists_the_teams_with_a_certificate_due(client, bureau_officer, guangfu):
    due = tm_make_team(guangfu, "证书将到期救援队", user=bureau_officer)
    fine = tm_make_team(guangfu, "证书有效救援队", user=bureau_officer)
    _member(due, bureau_officer, "甲", 5)
    _member(fine, bureau_officer, "乙", 400)
    login(client, bureau_officer)
    body = client.get(reverse("resources:team_list"), {"certificates": "due"}).content.decode()
    assert "证书将到期救援队" in body and "证书有效救援队" not in body
    assert client.get(reverse("resources:team_list"), {"certificates": "bogus"}).status_code == 200


def test_open_shelters_in_the_users_area(client, bureau_officer, subdistrict_officer, guangfu, wanghai):
    ours = sh_make_shelter(guangfu, "光复道避难场所", user=bureau_officer)
    theirs = sh_make_shelter(wanghai, "望海楼避难场所", user=bureau_officer, lat=39.16)
    sh_make_shelter(guangfu, "备用避难场所", user=bureau_officer, lat=39.17)  # standby: not counted
    assert SHELTERS not in _entries(bureau_officer)  # none open: no entry
    for shelter in (ours, theirs):
        shelter_services.shelter_open(acting_user=bureau_officer, shelter=shelter)
    assert _entries(bureau_officer)[SHELTERS].count == 2
    entry = _entries(subdistrict_officer)[SHELTERS]
    assert entry.count == 1
    login(client, subdistrict_officer)
    body = client.get(entry.url).content.decode()
    assert "光复道避难场所" in body and "备用避难场所" not in body


def test_an_expert_is_asked_to_keep_the_availability_current(client, expert, bureau_officer):
    url = reverse("resources:expert_me")
    assert not [e for e in registry.todos_for(expert) if e.url == url]  # no profile linked: nothing to keep
    login(client, expert)
    profile = team_services.expert_create(acting_user=bureau_officer, name="周专家", field_work_safety=True,
                                          phone="13900000001")
    team_services.expert_link_user(acting_user=bureau_officer, expert=profile, user=expert)
    todos = client.get(reverse("home")).content.decode().split('data-testid="todos"', 1)[1]
    assert f'href="{url}"' in todos and "登记为可调用" in todos
    assert _entries(expert)["You are listed as available: change it when you cannot be called on"].count is None
    team_services.expert_set_availability(acting_user=expert, expert=profile, available=False)
    assert [e.url for e in _entries(expert).values()] == [url]
    assert "You are listed as not available: change it when you can be called on again" in _entries(expert)
