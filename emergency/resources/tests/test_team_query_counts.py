"""The team, expert, equipment and reserve lists, their exports and the team page run a fixed number of queries,
however many rows there are."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login
from emergency.resources.reserves import services as reserve_services
from emergency.resources.teams import services as services_teams

from .conftest import tm_make_team

FEW, MANY = 2, 12


@pytest.fixture
def add_rows(bureau_officer, guangfu, wanghai, st_item):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            team = tm_make_team(guangfu if i % 2 else wanghai, f"队伍{i:03d}", user=bureau_officer,
                                kind="social" if i % 3 else "grassroots")
            services_teams.member_add(acting_user=bureau_officer, team=team, name=f"队员{i}", phone="13900000000",
                                      certificate_expires_on=datetime.date(2020, 1, 1))
            services_teams.equipment_create(acting_user=bureau_officer, name=f"装备{i}", quantity=1, team=team)
            services_teams.expert_create(acting_user=bureau_officer, name=f"专家{i}", field_earthquake=True,
                                         phone=f"1390000{i:04d}")
            reserve_services.reserve_create(
                acting_user=bureau_officer, contract_number=f"C-{i}", supplier_name=f"供应商{i}",
                valid_from=datetime.date(2026, 1, 1), valid_until=datetime.date(2026, 12, 31), delivery_hours=6,
                contact_name="周", contact_phone="13600000000", lines=[{"item": st_item, "quantity": 5}])

    return _add


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx)


URLS = ["/resources/teams/", "/resources/teams/?kind=social&readiness=standby&q=队伍",
        "/resources/teams/export.xlsx", "/resources/teams/experts/", "/resources/teams/experts/?field=earthquake",
        "/resources/teams/experts/export.xlsx", "/resources/teams/equipment/",
        "/resources/teams/equipment/export.xlsx", "/resources/teams/reserves/", "/resources/teams/reserves/?valid=1"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", ["bureau_officer", "subdistrict_officer", "department_clerk"])
def test_the_query_count_does_not_grow_with_rows(url, persona, request, client, add_rows):
    login(client, request.getfixturevalue(persona))
    add_rows(0, FEW)
    few = _count(client, url)
    add_rows(FEW, MANY)
    assert _count(client, url) == few, url
    assert few <= 15, (url, few)


def test_the_team_page_does_not_grow_with_members(client, bureau_officer, tm_social_a):
    login(client, bureau_officer)
    url = f"/resources/teams/{tm_social_a.pk}/"
    few = _count(client, url)
    for i in range(10):
        services_teams.member_add(acting_user=bureau_officer, team=tm_social_a, name=f"队员{i}", phone="13900000000")
        services_teams.equipment_create(acting_user=bureau_officer, name=f"装备{i}", quantity=1, team=tm_social_a)
        services_teams.social_record_add(acting_user=bureau_officer, team=tm_social_a, kind="drill",
                                         date=datetime.date(2025, 1, 1), description=f"演练{i}")
    assert _count(client, url) == few
