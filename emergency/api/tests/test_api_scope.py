"""The API shows and changes exactly what the UI does: scope is decided in one place."""

from __future__ import annotations

import pytest

from conftest import login
from emergency.core.models import AuditEvent, Division

SEPARATED_ADMINS = ["system_admin", "security_admin", "audit_admin"]


def codes(resp) -> set[str]:
    assert resp.status_code == 200, resp.content
    return {row["code"] for row in resp.json()["results"]}


@pytest.mark.parametrize("persona", ["bureau_admin", "bureau_officer"])
def test_the_bureau_lists_and_reads_every_division(client, request, db, persona, community_a, community_b):
    login(client, request.getfixturevalue(persona))
    assert {community_a.code, community_b.code} <= codes(client.get("/api/v1/divisions/?page_size=500"))
    assert client.get(f"/api/v1/divisions/{community_b.pk}/").json()["code"] == community_b.code


def test_a_subdistrict_officer_lists_only_the_own_subtree(client, subdistrict_officer, community_a, community_b):
    login(client, subdistrict_officer)
    assert codes(client.get("/api/v1/divisions/?page_size=500")) == {"120105001", community_a.code}
    assert codes(client.get(f"/api/v1/divisions/?q={community_b.code}")) == set()


def test_a_subdistrict_officer_cannot_read_another_subdistrict_by_id(client, subdistrict_officer, community_b):
    login(client, subdistrict_officer)
    resp = client.get(f"/api/v1/divisions/{community_b.pk}/")
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "not_found"
    assert community_b.name not in resp.content.decode()


def test_a_subdistrict_officer_cannot_patch_another_subdistrict(client, subdistrict_officer, community_b):
    login(client, subdistrict_officer)
    resp = client.patch(f"/api/v1/divisions/{community_b.pk}/", {"name": "越权改名"}, content_type="application/json")
    assert resp.status_code == 404
    community_b.refresh_from_db()
    assert community_b.name == "测试乙社区"
    assert not AuditEvent.objects.filter(event_type="update", object_id=str(community_b.pk)).exists()


def test_a_subdistrict_officer_patches_a_community_in_scope(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    resp = client.patch(f"/api/v1/divisions/{community_a.pk}/", {"population": 1200},
                        content_type="application/json")
    assert resp.status_code == 200
    assert resp.json()["population"] == 1200
    event = AuditEvent.objects.get(event_type="update", object_id=str(community_a.pk))
    assert event.actor == subdistrict_officer and event.changes == {"population": [None, 1200]}


def test_a_subdistrict_officer_cannot_patch_the_own_subdistrict(client, subdistrict_officer, guangfu):
    login(client, subdistrict_officer)
    resp = client.patch(f"/api/v1/divisions/{guangfu.pk}/", {"name": "改名"}, content_type="application/json")
    assert resp.status_code == 403
    guangfu.refresh_from_db()
    assert guangfu.name == "光复道"


def test_a_subdistrict_officer_cannot_create_under_another_subdistrict(client, subdistrict_officer, wanghai):
    login(client, subdistrict_officer)
    resp = client.post("/api/v1/divisions/", {"code": "120105002950", "name": "越界社区", "level": "community",
                                              "parent": wanghai.pk}, content_type="application/json")
    assert resp.status_code == 404
    assert not Division.objects.filter(code="120105002950").exists()


def test_a_subdistrict_officer_creates_under_the_own_subdistrict(client, subdistrict_officer, guangfu):
    login(client, subdistrict_officer)
    resp = client.post("/api/v1/divisions/", {"code": "120105001950", "name": "新社区", "level": "community",
                                              "parent": guangfu.pk}, content_type="application/json")
    assert resp.status_code == 201
    assert Division.objects.get(code="120105001950").path == "/120105/120105001/120105001950/"


@pytest.mark.parametrize("persona", ["department_clerk", "enterprise_manager", "expert"])
def test_roles_without_a_jurisdiction_get_no_divisions(client, request, db, persona, community_a):
    login(client, request.getfixturevalue(persona))
    assert codes(client.get("/api/v1/divisions/")) == set()
    assert client.get(f"/api/v1/divisions/{community_a.pk}/").status_code == 404
    resp = client.patch(f"/api/v1/divisions/{community_a.pk}/", {"name": "x"}, content_type="application/json")
    assert resp.status_code == 404
    resp = client.post("/api/v1/divisions/", {"code": "120105001950", "name": "x", "level": "community",
                                              "parent": community_a.parent_id}, content_type="application/json")
    assert resp.status_code == 403


@pytest.mark.parametrize("persona", ["bureau_officer", "department_clerk", "subdistrict_officer",
                                     "enterprise_manager", "expert"])
def test_every_business_user_lists_departments(client, request, db, persona):
    login(client, request.getfixturevalue(persona))
    resp = client.get("/api/v1/departments/?page_size=500")
    assert resp.status_code == 200
    assert "区住建委" in {d["name"] for d in resp.json()["results"]}


@pytest.mark.parametrize("persona", SEPARATED_ADMINS)
@pytest.mark.parametrize("url", ["/api/v1/divisions/", "/api/v1/departments/"])
def test_separated_admins_get_no_business_data_from_the_api(client, request, db, persona, url):
    login(client, request.getfixturevalue(persona))
    resp = client.get(url)
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("persona", SEPARATED_ADMINS)
def test_separated_admins_cannot_change_business_data_through_the_api(client, request, db, persona, community_a):
    login(client, request.getfixturevalue(persona))
    resp = client.patch(f"/api/v1/divisions/{community_a.pk}/", {"name": "x"}, content_type="application/json")
    assert resp.status_code == 403
    community_a.refresh_from_db()
    assert community_a.name == "测试甲社区"


@pytest.mark.parametrize("persona", ["bureau_admin", "bureau_officer", "subdistrict_officer", "system_admin",
                                     "security_admin"])
def test_only_the_audit_admin_reads_audit_events_through_the_api(client, request, db, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get("/api/v1/audit-events/").status_code == 403


def test_the_audit_admin_reads_audit_events_through_the_api(client, audit_admin, community_a):
    login(client, audit_admin)
    resp = client.get("/api/v1/audit-events/?event_type=create")
    assert resp.status_code == 200
    assert community_a.code in {r["object_repr"] for r in resp.json()["results"]} | {
        r["changes"].get("code", [None, None])[1] for r in resp.json()["results"]}
