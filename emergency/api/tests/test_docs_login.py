"""The schema and the docs page need a login (issue 9, item 11).

Decision (docs/ARCHITECTURE.md, api): any authenticated user, by session or API token, may read both: every
API user, the audit administrator included, needs the routes they may call; an anonymous visitor on the
government network gets neither (the list of routes is reconnaissance).
"""

from __future__ import annotations

import pytest
import yaml

from conftest import login

from .tokens import token_headers


@pytest.mark.parametrize("url", ["/api/schema/", "/api/schema/?format=json"])
def test_the_schema_refuses_an_anonymous_caller(client, db, url):
    resp = client.get(url)
    assert resp.status_code in (401, 403)
    # The error format, rendered by the schema view's own renderer (YAML by default, JSON with ?format=json).
    assert yaml.safe_load(resp.content)["error"]["code"] == "not_authenticated"
    assert "paths" not in resp.content.decode()


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/?script="])
def test_the_docs_page_sends_an_anonymous_browser_to_the_login_page(client, url):
    resp = client.get(url)
    assert resp.status_code == 302
    assert resp.url.startswith("/accounts/login/") and "next=/api/docs/" in resp.url


@pytest.mark.parametrize("persona", ["bureau_officer", "enterprise_manager", "audit_admin"])
def test_a_logged_in_user_reads_both(client, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get("/api/schema/?format=json").json()["openapi"].startswith("3.")
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/docs/?script=").status_code == 200


def test_a_token_reads_the_schema(client, bureau_officer):
    resp = client.get("/api/schema/?format=json", headers=token_headers(bureau_officer))
    assert resp.status_code == 200 and "paths" in resp.json()


def test_a_wrong_token_reads_nothing(client, db):
    resp = client.get("/api/schema/", headers={"Authorization": "Token not-a-token"})
    assert resp.status_code in (401, 403)
