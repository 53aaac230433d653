"""One error format for every API failure: {"error": {"code", "message", "fields": {name: [messages]}}}."""

from __future__ import annotations

import pytest

from conftest import login
from emergency.core.models import AuditEvent, Division

JSON = "application/json"


def error_of(resp, status: int = 400) -> dict:
    assert resp.status_code == status, resp.content
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    for name, messages in body["error"]["fields"].items():
        assert isinstance(name, str) and messages and all(isinstance(m, str) for m in messages)
    return body["error"]


@pytest.fixture
def officer(client, bureau_officer):
    return login(client, bureau_officer)


@pytest.fixture
def new_community(guangfu) -> dict:
    return {"code": "120105001950", "name": "新社区", "level": "community", "parent": guangfu.pk}


def snapshot() -> list[tuple]:
    return list(Division.objects.order_by("pk").values_list("pk", "name", "population", "archived_at"))


# --- POST /api/v1/divisions/ -------------------------------------------------------------------------------


def test_malformed_json_names_the_body(officer, new_community):
    before = snapshot()
    err = error_of(officer.post("/api/v1/divisions/", '{"code": "120105001950", "name": ', content_type=JSON))
    assert err["code"] == "parse_error"
    assert list(err["fields"]) == ["body"]
    assert snapshot() == before


def test_a_wrong_type_names_the_field(officer, new_community):
    before = snapshot()
    err = error_of(officer.post("/api/v1/divisions/", {**new_community, "population": "many"}, content_type=JSON))
    assert err["code"] == "invalid"
    assert list(err["fields"]) == ["population"]
    assert snapshot() == before


def test_an_unknown_field_names_the_field(officer, new_community):
    before = snapshot()
    err = error_of(officer.post("/api/v1/divisions/", {**new_community, "colour": "red"}, content_type=JSON))
    assert err["fields"] == {"colour": [err["fields"]["colour"][0]]}
    assert snapshot() == before


def test_several_bad_fields_are_reported_together(officer, new_community):
    err = error_of(officer.post("/api/v1/divisions/", {**new_community, "latitude": 200, "level": "planet"},
                                content_type=JSON))
    assert set(err["fields"]) == {"latitude", "level"}


def test_a_json_array_instead_of_an_object_is_rejected(officer):
    err = error_of(officer.post("/api/v1/divisions/", "[1, 2]", content_type=JSON))
    assert "non_field_errors" in err["fields"]


def test_a_business_rule_error_names_the_field(officer, new_community):
    err = error_of(officer.post("/api/v1/divisions/", {**new_community, "code": "120105002950"}, content_type=JSON))
    assert list(err["fields"]) == ["code"]
    assert not Division.objects.filter(code="120105002950").exists()
    assert not AuditEvent.objects.filter(event_type="create", object_repr="新社区").exists()


def test_a_duplicate_code_names_the_field(officer, community_a, new_community):
    err = error_of(officer.post("/api/v1/divisions/", {**new_community, "code": community_a.code},
                                content_type=JSON))
    assert "code" in err["fields"]
    assert Division.objects.filter(code=community_a.code).count() == 1


def test_a_valid_post_creates_the_division(officer, new_community):
    resp = officer.post("/api/v1/divisions/", new_community, content_type=JSON)
    assert resp.status_code == 201
    assert resp.json()["parent_code"] == "120105001"


# --- PATCH /api/v1/divisions/<id>/ -------------------------------------------------------------------------


def test_patch_with_malformed_json_leaves_the_record(officer, community_a):
    before = snapshot()
    err = error_of(officer.patch(f"/api/v1/divisions/{community_a.pk}/", "{name: x}", content_type=JSON))
    assert err["code"] == "parse_error" and list(err["fields"]) == ["body"]
    assert snapshot() == before


def test_patch_with_a_wrong_type_leaves_the_record(officer, community_a):
    before = snapshot()
    err = error_of(officer.patch(f"/api/v1/divisions/{community_a.pk}/", {"name": "新名", "population": [1]},
                                 content_type=JSON))
    assert list(err["fields"]) == ["population"]
    assert snapshot() == before  # the valid name was not applied either


def test_patch_with_an_unknown_field_leaves_the_record(officer, community_a):
    before = snapshot()
    err = error_of(officer.patch(f"/api/v1/divisions/{community_a.pk}/", {"name": "新名", "nmae": "typo"},
                                 content_type=JSON))
    assert list(err["fields"]) == ["nmae"]
    assert snapshot() == before


@pytest.mark.parametrize("field", ["code", "level", "parent"])
def test_patch_refuses_fixed_fields(officer, community_a, field):
    before = snapshot()
    err = error_of(officer.patch(f"/api/v1/divisions/{community_a.pk}/", {field: "x"}, content_type=JSON))
    assert list(err["fields"]) == [field]
    assert snapshot() == before


def test_a_valid_patch_changes_the_record(officer, community_a):
    resp = officer.patch(f"/api/v1/divisions/{community_a.pk}/", {"population": 900}, content_type=JSON)
    assert resp.status_code == 200
    community_a.refresh_from_db()
    assert community_a.population == 900


# --- authentication, permission and not-found errors -------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/divisions/", "/api/v1/departments/", "/api/v1/notifications/",
                                 "/api/v1/audit-events/", "/api/v1/me/"])
def test_an_anonymous_caller_gets_the_error_format(client, db, url):
    resp = client.get(url)
    assert resp.status_code in (401, 403)
    err = error_of(resp, status=resp.status_code)
    assert err["code"] == "not_authenticated" and err["fields"] == {}


def test_a_bad_token_is_refused_in_the_error_format(client, db):
    resp = client.get("/api/v1/divisions/", HTTP_AUTHORIZATION="Token not-a-real-token")
    # DRF answers 403 rather than 401 because session authentication comes first (no WWW-Authenticate).
    assert resp.status_code in (401, 403)
    err = error_of(resp, status=resp.status_code)
    assert err["code"] == "authentication_failed"


def test_a_missing_record_gets_404_in_the_error_format(officer):
    err = error_of(officer.get("/api/v1/divisions/999999/"), status=404)
    assert err["code"] == "not_found"


def test_a_forbidden_write_gets_403_in_the_error_format(client, expert, guangfu):
    login(client, expert)
    err = error_of(client.post("/api/v1/divisions/", {"code": "120105001950", "name": "x", "level": "community",
                                                      "parent": guangfu.pk}, content_type=JSON), status=403)
    assert err["code"] == "permission_denied"


def test_a_wrong_method_gets_405_in_the_error_format(officer, community_a):
    err = error_of(officer.delete(f"/api/v1/divisions/{community_a.pk}/"), status=405)
    assert err["code"] == "method_not_allowed"
    assert Division.objects.filter(pk=community_a.pk, archived_at__isnull=True).exists()
