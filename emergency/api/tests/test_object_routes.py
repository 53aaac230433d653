"""An object route matches only an integer id; anything else is a 404 in the error format (issue 9, item 8).

`PATCH /api/v1/divisions/false/` reached the view and raised ValueError (a 500).
"""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import login

from .test_errors import error_of

NOT_IDS = ["false", "true", "null", "abc", "1.5", "1e3", "-1", "²", "１", "%20"]


@pytest.fixture
def officer(bureau_officer):
    return login(Client(raise_request_exception=False), bureau_officer)


def object_routes(client) -> list[tuple[str, str]]:
    """Every documented (path, method) that names a record by id."""
    schema = client.get("/api/schema/?format=json").json()
    return [(path, method) for path, ops in schema["paths"].items() if "{id}" in path
            for method in ops if method in ("get", "patch", "put", "delete")]


def test_the_object_routes_are_the_ones_we_know(officer):
    assert {p for p, _m in object_routes(officer)} == {
        "/api/v1/audit-events/{id}/", "/api/v1/departments/{id}/", "/api/v1/divisions/{id}/",
        "/api/v1/enterprises/{id}/", "/api/v1/notifications/{id}/", "/api/v1/prevention/risk-points/{id}/"}


@pytest.mark.parametrize("bad", NOT_IDS)
def test_every_object_route_answers_404_for_a_non_integer_id(officer, audit_admin, bad):
    auditor = login(Client(raise_request_exception=False), audit_admin)
    for path, method in object_routes(officer):
        client = auditor if "audit-events" in path else officer
        resp = getattr(client, method)(path.replace("{id}", bad), {}, content_type="application/json")
        err = error_of(resp, 404)
        assert err["code"] == "not_found", (method, path)


@pytest.mark.parametrize("value", ["false", "true", "null"])
def test_patching_a_division_named_by_a_boolean_is_a_404(officer, value):
    err = error_of(officer.patch(f"/api/v1/divisions/{value}/", {"name": "x"}, content_type="application/json"), 404)
    assert err["code"] == "not_found"


@pytest.mark.parametrize("big", ["99999999999999999999", str(2**63), str(2**63 - 1)])
def test_an_id_beyond_the_database_range_is_a_404(officer, big):
    error_of(officer.get(f"/api/v1/divisions/{big}/"), 404)
    error_of(officer.patch(f"/api/v1/divisions/{big}/", {"name": "x"}, content_type="application/json"), 404)


def test_an_unknown_api_path_is_a_404_in_the_error_format(officer):
    assert error_of(officer.get("/api/v1/no-such-thing/"), 404)["code"] == "not_found"


def test_a_page_outside_the_api_keeps_the_html_404(officer):
    resp = officer.get("/no-such-page/")
    assert resp.status_code == 404 and resp["Content-Type"].startswith("text/html")


def test_a_real_id_still_works(officer, community_a):
    assert officer.get(f"/api/v1/divisions/{community_a.pk}/").json()["code"] == community_a.code
