"""Token authentication, the OpenAPI schema and docs, pagination and filtering."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import login
from emergency.accounts.services import api_token_issue
from emergency.core import services
from emergency.core.models import AuditEvent


@pytest.fixture
def token(bureau_officer) -> str:
    return api_token_issue(acting_user=bureau_officer, otp_verified=False)


def test_a_token_authenticates_without_a_session(client, token, community_a):
    resp = client.get("/api/v1/divisions/?level=community", HTTP_AUTHORIZATION=f"Token {token}")
    assert resp.status_code == 200
    assert community_a.code in {d["code"] for d in resp.json()["results"]}
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()["role"] == "bureau_staff"


def test_a_token_can_write_within_its_users_rights(client, token, bureau_officer, community_a):
    resp = client.patch(f"/api/v1/divisions/{community_a.pk}/", {"population": 10}, content_type="application/json",
                        HTTP_AUTHORIZATION=f"Token {token}")
    assert resp.status_code == 200
    event = AuditEvent.objects.get(event_type="update")
    assert event.actor == bureau_officer


def test_a_token_of_a_deactivated_user_is_refused(client, token, bureau_officer):
    bureau_officer.is_active = False
    bureau_officer.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403)


def test_a_token_carries_the_users_scope(client, subdistrict_officer, community_a, community_b):
    key = api_token_issue(acting_user=subdistrict_officer, otp_verified=False)
    resp = client.get("/api/v1/divisions/?page_size=500", HTTP_AUTHORIZATION=f"Token {key}")
    codes = {d["code"] for d in resp.json()["results"]}
    assert community_a.code in codes and community_b.code not in codes


def test_the_profile_issues_a_token_and_audits_it(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.post("/accounts/profile/token/")
    assert resp.status_code == 200
    key = resp.context["new_key"]
    event = AuditEvent.objects.get(event_type="token_issued")
    assert event.actor == bureau_officer and event.object_type == "accounts.ApiToken"
    assert key not in str(event.changes)
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


# --- schema and docs ---------------------------------------------------------------------------------------


def test_the_schema_is_openapi_3_yaml(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get("/api/schema/")
    assert resp.status_code == 200
    schema = yaml.safe_load(resp.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/divisions/", "/api/v1/divisions/{id}/", "/api/v1/departments/",
            "/api/v1/audit-events/"} <= set(schema["paths"])
    assert "patch" in schema["paths"]["/api/v1/divisions/{id}/"]
    assert not {"post", "put", "patch", "delete"} & set(schema["paths"]["/api/v1/audit-events/{id}/"])


def test_the_schema_is_available_as_json(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get("/api/schema/?format=json")
    assert resp.status_code == 200
    assert resp.json()["openapi"].startswith("3.")
    assert "tokenAuth" in resp.json()["components"]["securitySchemes"]


def test_the_docs_page_is_swagger_ui_from_local_static(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get("/api/docs/")
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "swagger-ui" in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    external = [u for u in re.findall(r"""(?:src|href)=["']([^"']+)""", page) if re.match(r"(https?:)?//", u)]
    assert external == []
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)", page)


def test_the_swagger_assets_are_served(client, bureau_officer):
    login(client, bureau_officer)
    page = client.get("/api/docs/").content.decode()
    for src in re.findall(r'src="(/static/[^"]+\.js)"', page):
        assert client.get(src).status_code == 200, src


# --- pagination and filtering ------------------------------------------------------------------------------


@pytest.fixture
def many_communities(bureau_officer, guangfu):
    return [services.division_create(acting_user=bureau_officer, code=f"120105001{900 + i}", name=f"社区{i}",
                                     level="community", parent=guangfu) for i in range(12)]


def test_page_size_limits_the_page(client, bureau_officer, many_communities):
    login(client, bureau_officer)
    body = client.get("/api/v1/divisions/?level=community&page_size=5").json()
    assert body["count"] == 12 and len(body["results"]) == 5 and body["next"]
    last = client.get("/api/v1/divisions/?level=community&page_size=5&page=3").json()
    assert len(last["results"]) == 2 and last["next"] is None


def test_page_size_has_a_ceiling(client, bureau_officer, many_communities):
    login(client, bureau_officer)
    assert len(client.get("/api/v1/divisions/?page_size=100000").json()["results"]) <= 500


def test_filtering_by_level(client, bureau_officer, many_communities):
    login(client, bureau_officer)
    body = client.get("/api/v1/divisions/?level=community&page_size=500").json()
    assert body["count"] == 12 and {d["level"] for d in body["results"]} == {"community"}
    subdistricts = client.get("/api/v1/divisions/?level=subdistrict").json()
    assert subdistricts["count"] == 10


def test_filtering_by_subdistrict_and_search(client, bureau_officer, many_communities, community_b, wanghai):
    login(client, bureau_officer)
    codes = {d["code"] for d in client.get(f"/api/v1/divisions/?subdistrict={wanghai.pk}").json()["results"]}
    assert codes == {"120105002", community_b.code}
    assert client.get("/api/v1/divisions/?q=社区11").json()["count"] == 1


def test_an_invalid_filter_value_is_a_400_in_the_error_format(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get("/api/v1/divisions/?level=planet")
    assert resp.status_code == 400
    assert "level" in resp.json()["error"]["fields"]


def test_departments_filter_by_kind(client, bureau_officer):
    login(client, bureau_officer)
    body = client.get("/api/v1/departments/?kind=court").json()
    assert [d["name"] for d in body["results"]] == ["区法院"]


def test_the_docs_page_has_no_inline_script_for_the_csp(client, bureau_officer):
    login(client, bureau_officer)
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all("src=" in attrs for attrs in scripts)
    init = client.get("/api/docs/?script=")
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in init.content.decode()
