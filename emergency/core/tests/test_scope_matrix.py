"""Who sees which division and department, through the UI views and the Excel export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from conftest import login
from emergency.core.models import Attachment, Department, Division

SEES_ALL = ["bureau_admin", "bureau_officer"]
SEES_NO_DIVISIONS = ["department_clerk", "enterprise_manager", "expert"]
SEPARATED_ADMINS = ["system_admin", "security_admin", "audit_admin"]


def exported_codes(resp) -> set[str]:
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content), read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    return {str(r[0]) for r in rows[1:] if r[0]}


@pytest.fixture
def two_communities(community_a, community_b):
    return community_a, community_b


@pytest.mark.parametrize("persona", SEES_ALL)
def test_the_bureau_sees_every_subdistrict_in_list_detail_and_export(client, request, db, persona, two_communities):
    community_a, community_b = two_communities
    login(client, request.getfixturevalue(persona))
    body = client.get("/divisions/").content.decode()
    assert community_a.name in body and community_b.name in body
    assert client.get(f"/divisions/{community_b.pk}/").status_code == 200
    codes = exported_codes(client.get("/divisions/export.xlsx"))
    assert {community_a.code, community_b.code, "120105", "120105001", "120105002"} <= codes


def test_a_subdistrict_officer_sees_only_the_own_subtree(client, subdistrict_officer, two_communities):
    community_a, community_b = two_communities
    login(client, subdistrict_officer)
    body = client.get("/divisions/").content.decode()
    assert community_a.name in body
    assert community_b.name not in body
    assert "望海楼" not in body.split("data-testid=\"division-table\"")[1]
    assert client.get(f"/divisions/{community_a.pk}/").status_code == 200
    assert client.get(f"/divisions/{community_b.pk}/").status_code == 404


def test_a_subdistrict_officer_cannot_export_another_subdistrict(client, subdistrict_officer, two_communities):
    community_a, community_b = two_communities
    login(client, subdistrict_officer)
    codes = exported_codes(client.get("/divisions/export.xlsx"))
    assert codes == {"120105001", community_a.code}
    # A filter pointing at the other subdistrict does not widen the scope.
    wanghai = Division.objects.get(code="120105002")
    codes = exported_codes(client.get(f"/divisions/export.xlsx?subdistrict={wanghai.pk}"))
    assert community_b.code not in codes and "120105002" not in codes
    codes = exported_codes(client.get(f"/divisions/export.xlsx?q={community_b.code}"))
    assert codes == set()


def test_a_subdistrict_officer_cannot_find_the_other_by_search(client, subdistrict_officer, two_communities):
    _community_a, community_b = two_communities
    login(client, subdistrict_officer)
    body = client.get(f"/divisions/?q={community_b.code}").content.decode()
    assert community_b.name not in body


@pytest.mark.parametrize("persona", SEES_NO_DIVISIONS)
def test_roles_without_a_jurisdiction_see_no_divisions(client, request, db, persona, two_communities):
    community_a, community_b = two_communities
    login(client, request.getfixturevalue(persona))
    resp = client.get("/divisions/")
    assert resp.status_code == 200
    assert list(resp.context["page"]) == []
    assert client.get(f"/divisions/{community_a.pk}/").status_code == 404
    assert exported_codes(client.get("/divisions/export.xlsx")) == set()
    assert client.get("/divisions/points.geojson").json()["features"] == []


@pytest.mark.parametrize("persona", SEES_ALL + ["department_clerk", "subdistrict_officer",
                                               "enterprise_manager", "expert"])
def test_every_business_user_reads_the_department_list(client, request, db, persona):
    login(client, request.getfixturevalue(persona))
    resp = client.get("/departments/")
    assert resp.status_code == 200
    assert "区住建委" in resp.content.decode()
    dept = Department.objects.get(name="区应急局")
    assert client.get(f"/departments/{dept.pk}/").status_code == 200


@pytest.mark.parametrize("persona", SEPARATED_ADMINS)
@pytest.mark.parametrize("url", ["/divisions/", "/divisions/export.xlsx", "/departments/", "/map/",
                                 "/divisions/points.geojson", "/divisions/new/"])
def test_separated_admins_see_no_business_screen(client, request, db, persona, url):
    login(client, request.getfixturevalue(persona))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("persona", SEPARATED_ADMINS)
def test_separated_admins_cannot_open_or_change_a_division(client, request, db, persona, community_a):
    login(client, request.getfixturevalue(persona))
    assert client.get(f"/divisions/{community_a.pk}/").status_code == 403
    assert client.post(f"/divisions/{community_a.pk}/edit/", {"name": "改名"}).status_code == 403
    assert client.post(f"/divisions/{community_a.pk}/archive/").status_code == 403
    community_a.refresh_from_db()
    assert community_a.name == "测试甲社区" and community_a.archived_at is None


def test_a_subdistrict_officer_cannot_edit_archive_or_attach_out_of_scope(client, subdistrict_officer,
                                                                         community_b):
    login(client, subdistrict_officer)
    assert client.get(f"/divisions/{community_b.pk}/edit/").status_code == 404
    assert client.post(f"/divisions/{community_b.pk}/edit/", {"name": "改名"}).status_code == 404
    assert client.post(f"/divisions/{community_b.pk}/archive/").status_code == 404
    upload = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
    assert client.post(f"/divisions/{community_b.pk}/attach/", {"file": upload}).status_code == 404
    community_b.refresh_from_db()
    assert community_b.name == "测试乙社区" and community_b.archived_at is None
    assert not Attachment.objects.exists()


def test_a_subdistrict_officer_edits_a_community_in_scope(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    resp = client.post(f"/divisions/{community_a.pk}/edit/", {"name": "甲社区新名", "contact_phone": "13900000000"})
    assert resp.status_code == 302
    community_a.refresh_from_db()
    assert community_a.name == "甲社区新名"


@pytest.mark.parametrize("persona", SEES_NO_DIVISIONS)
def test_read_only_roles_cannot_create_divisions(client, request, db, persona, guangfu):
    login(client, request.getfixturevalue(persona))
    resp = client.post("/divisions/new/", {"code": "120105001950", "name": "偷建社区", "level": "community",
                                           "parent": guangfu.pk})
    assert resp.status_code == 403
    assert not Division.objects.filter(code="120105001950").exists()


def test_a_subdistrict_officer_cannot_create_under_another_subdistrict(client, subdistrict_officer, wanghai):
    login(client, subdistrict_officer)
    resp = client.post("/divisions/new/", {"code": "120105002950", "name": "越界社区", "level": "community",
                                           "parent": wanghai.pk})
    assert resp.status_code == 200  # the form refuses the parent: it is not among the choices
    assert "parent" in resp.context["form"].errors
    assert not Division.objects.filter(code="120105002950").exists()


def test_a_subdistrict_officer_cannot_rename_or_archive_the_own_subdistrict(client, subdistrict_officer,
                                                                           guangfu):
    """The subdistrict itself is reference data: its officer writes only what lies under it."""
    login(client, subdistrict_officer)
    assert client.get(f"/divisions/{guangfu.pk}/").status_code == 200
    assert client.post(f"/divisions/{guangfu.pk}/edit/", {"name": "改名"}).status_code == 403
    assert client.post(f"/divisions/{guangfu.pk}/archive/").status_code == 403
    guangfu.refresh_from_db()
    assert guangfu.name == "光复道" and guangfu.archived_at is None
