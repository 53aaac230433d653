"""Business records are archived, never deleted; an archived record leaves every list."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from conftest import login
from emergency.core import services
from emergency.core.models import Department, DepartmentAlias, Division


@pytest.fixture
def archived(client, bureau_officer, community_a) -> Division:
    login(client, bureau_officer)
    resp = client.post(f"/divisions/{community_a.pk}/archive/")
    assert resp.status_code == 302 and resp["Location"] == "/divisions/"
    community_a.refresh_from_db()
    return community_a


def test_a_division_cannot_be_deleted(community_a):
    with pytest.raises(PermissionError):
        community_a.delete()
    assert Division.objects.filter(pk=community_a.pk).exists()


@pytest.mark.django_db
def test_a_department_and_an_alias_cannot_be_deleted():
    dept = Department.objects.get(name="区应急局")
    with pytest.raises(PermissionError):
        dept.delete()
    with pytest.raises(PermissionError):
        DepartmentAlias.objects.filter(department=dept).first().delete()
    assert Department.objects.filter(pk=dept.pk).exists()


def test_archiving_sets_archived_at_and_keeps_the_row(archived):
    assert archived.archived_at is not None and archived.is_archived
    assert archived.history.first().history_user.username == "bureau_officer"


def test_an_archived_division_leaves_the_list(client, archived):
    resp = client.get("/divisions/")
    assert archived not in list(resp.context["page"])
    assert archived.name not in resp.content.decode()


def test_an_archived_division_leaves_the_export(client, archived):
    ws = load_workbook(io.BytesIO(client.get("/divisions/export.xlsx").content), read_only=True).worksheets[0]
    assert archived.code not in {r[0] for r in ws.iter_rows(values_only=True)}


def test_an_archived_division_leaves_the_api(client, archived):
    codes = {d["code"] for d in client.get("/api/v1/divisions/?page_size=500").json()["results"]}
    assert archived.code not in codes
    assert client.get(f"/api/v1/divisions/{archived.pk}/").status_code == 404


def test_an_archived_division_leaves_the_map(client, bureau_officer, guangfu):
    live = services.division_create(acting_user=bureau_officer, code="120105001902", name="地图社区",
                                    level="community", parent=guangfu, latitude=39.16, longitude=117.2)
    login(client, bureau_officer)
    assert len(client.get("/divisions/points.geojson").json()["features"]) == 1
    services.division_archive(acting_user=bureau_officer, division=live)
    assert client.get("/divisions/points.geojson").json()["features"] == []


def test_an_archived_division_is_no_parent_for_new_records(client, archived):
    resp = client.post("/api/v1/divisions/", {"code": "120105001901001", "name": "网格", "level": "grid",
                                              "parent": archived.pk}, content_type="application/json")
    assert resp.status_code == 400
    assert "parent" in resp.json()["error"]["fields"]


def test_a_division_with_live_children_is_not_archived(client, bureau_officer, community_a):
    services.division_create(acting_user=bureau_officer, code="120105001901001", name="一号网格", level="grid",
                             parent=community_a)
    with pytest.raises(ValidationError):
        services.division_archive(acting_user=bureau_officer, division=community_a)
    login(client, bureau_officer)
    resp = client.post(f"/divisions/{community_a.pk}/archive/", follow=True)
    assert any(m.level_tag == "error" for m in resp.context["messages"])
    community_a.refresh_from_db()
    assert community_a.archived_at is None


def test_the_parent_no_longer_counts_an_archived_child(client, archived, guangfu):
    resp = client.get("/divisions/?level=subdistrict")
    row = next(d for d in resp.context["page"] if d.pk == guangfu.pk)
    assert row.child_count == 0
