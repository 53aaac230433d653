"""Garbage in the URL, the filters or the forms of the team, expert, equipment and reserve pages is a 4xx with a
message, never a 500, and nothing changes."""

from __future__ import annotations

import pytest

from conftest import login
from emergency.resources.reserves.models import ReserveAgreement
from emergency.resources.teams import services as services_teams
from emergency.resources.teams.models import Equipment, Expert, RescueTeam

GARBAGE = ["", "'; DROP TABLE x;--", "\x00", "９９", "-1", "1e309", "null", "<script>", "x" * 5000, "2026-02-30"]


@pytest.mark.parametrize(("url", "params"), [
    ("/resources/teams/", ["q", "kind", "specialty", "readiness", "subdistrict", "page"]),
    ("/resources/teams/export.xlsx", ["q", "kind", "subdistrict"]),
    ("/resources/teams/experts/", ["q", "field", "available", "page"]),
    ("/resources/teams/experts/export.xlsx", ["field", "available"]),
    ("/resources/teams/equipment/", ["q", "status", "team", "page"]),
    ("/resources/teams/equipment/export.xlsx", ["status", "team"]),
    ("/resources/teams/reserves/", ["q", "valid", "item", "page"]),
])
def test_garbage_filters_never_fail_a_list_or_an_export(url, params, client, bureau_officer, tm_team_a):
    login(client, bureau_officer)
    for param in params:
        for value in GARBAGE:
            assert client.get(url, {param: value}).status_code == 200, (url, param, value)


@pytest.mark.parametrize("url", ["/resources/teams/99999999/", "/resources/teams/experts/0/",
                                 "/resources/teams/equipment/99999999/", "/resources/teams/reserves/99999999/",
                                 "/resources/teams/99999999999999999999999/"])
def test_an_unknown_record_is_a_404(url, client, bureau_officer):
    login(client, bureau_officer)
    assert client.get(url).status_code == 404


def test_garbage_forms_are_400_and_write_nothing(client, bureau_officer, tm_team_a, st_item):
    login(client, bureau_officer)
    for value in GARBAGE:
        posts = {
            "/resources/teams/new/": {"name": value, "kind": value, "division": value, "duty_phone": value,
                                      "latitude": value, "longitude": "1"},
            "/resources/teams/experts/new/": {"name": value, "fields": value, "phone": value, "latitude": value},
            "/resources/teams/equipment/new/": {"name": value, "quantity": value, "team": value},
            "/resources/teams/reserves/new/": {"contract_number": value, "valid_from": value, "valid_until": value,
                                               "delivery_hours": value, "lines-TOTAL_FORMS": value,
                                               "lines-INITIAL_FORMS": "0", "lines-0-item": value,
                                               "lines-0-quantity": value},
            f"/resources/teams/{tm_team_a.pk}/readiness/": {"readiness": value},
            f"/resources/teams/{tm_team_a.pk}/members/": {"name": "", "phone": value,
                                                          "certificate_expires_on": value},
            f"/resources/teams/{tm_team_a.pk}/records/": {"kind": value, "date": value},
        }
        for url, data in posts.items():
            assert client.post(url, data).status_code == 400, (url, value)
    assert list(RescueTeam.objects.values_list("pk", "readiness")) == [(tm_team_a.pk, "standby")]
    assert not (Expert.objects.exists() or Equipment.objects.exists() or ReserveAgreement.objects.exists())
    assert not tm_team_a.members.exists()


def test_a_team_outside_china_or_with_half_a_location_is_refused(bureau_officer, guangfu):
    from django.core.exceptions import ValidationError

    for lat, lng in ((117.19, 39.15), (39.15, None), (-33.9, 151.2)):
        with pytest.raises(ValidationError):
            services_teams.team_create(acting_user=bureau_officer, name="坐标错队", kind="grassroots",
                                       owner_unit="x", division=guangfu, leader="y", duty_phone="022-1234567",
                                       latitude=lat, longitude=lng)
    assert not RescueTeam.objects.exists()
