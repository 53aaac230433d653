"""Use case: an enterprise account sees only its own enterprise; a subdistrict sees only its area; departments,
experts and the separated administrators have no access to the registry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login, make_enterprise
from emergency.core.models import AuditEvent

from .conftest import read_xlsx


def _names(resp) -> set[str]:
    return {row["name"] for row in resp.json()["results"]}


def test_enterprise_a_cannot_open_b_by_id(client, enterprise_manager, enterprise_b):
    login(client, enterprise_manager)
    for name in ("detail", "edit"):
        assert client.get(reverse(f"enterprises:{name}", args=[enterprise_b.pk])).status_code == 404
    assert client.post(reverse("enterprises:archive", args=[enterprise_b.pk])).status_code == 404
    assert client.get(f"/api/v1/enterprises/{enterprise_b.pk}/").status_code == 404


def test_enterprise_a_lists_only_itself_even_when_searching_for_b(client, enterprise_manager, enterprise_a,
                                                                  enterprise_b):
    login(client, enterprise_manager)
    page = client.get("/enterprises/").content.decode()
    assert enterprise_a.name in page and enterprise_b.name not in page
    page = client.get("/enterprises/", {"q": enterprise_b.credit_code}).content.decode()
    assert enterprise_b.name not in page
    assert _names(client.get("/api/v1/enterprises/")) == {enterprise_a.name}
    assert _names(client.get("/api/v1/enterprises/", {"division": enterprise_b.division_id})) == set()


def test_enterprise_a_exports_only_itself(client, enterprise_manager, enterprise_a, enterprise_b):
    login(client, enterprise_manager)
    resp = client.get("/enterprises/export.xlsx")
    assert resp.status_code == 200
    rows = read_xlsx(b"".join(resp.streaming_content))
    assert [r[1] for r in rows[1:]] == [enterprise_a.credit_code]


def test_enterprise_b_sees_its_own_record_and_not_a(client, other_enterprise_manager, enterprise_a, enterprise_b):
    login(client, other_enterprise_manager)
    assert client.get(reverse("enterprises:detail", args=[enterprise_b.pk])).status_code == 200
    assert client.get(reverse("enterprises:detail", args=[enterprise_a.pk])).status_code == 404
    assert _names(client.get("/api/v1/enterprises/")) == {enterprise_b.name}


def test_an_enterprise_cannot_create_or_archive_itself(client, enterprise_manager, enterprise_a):
    login(client, enterprise_manager)
    assert client.get("/enterprises/new/").status_code == 403
    assert client.post(reverse("enterprises:archive", args=[enterprise_a.pk])).status_code == 403
    enterprise_a.refresh_from_db()
    assert enterprise_a.archived_at is None
    assert "imports/enterprises/new" not in client.get("/enterprises/").content.decode()
    assert client.get("/imports/enterprises/new/").status_code == 403


def test_a_subdistrict_sees_its_area_including_its_communities(client, subdistrict_officer, enterprise_a,
                                                                enterprise_b, community_a):
    in_community = make_enterprise("社区内企业", 3, community_a)
    login(client, subdistrict_officer)
    page = client.get("/enterprises/").content.decode()
    assert enterprise_a.name in page and in_community.name in page and enterprise_b.name not in page
    assert client.get(reverse("enterprises:detail", args=[enterprise_b.pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[enterprise_b.pk])).status_code == 404
    assert _names(client.get("/api/v1/enterprises/")) == {enterprise_a.name, in_community.name}
    rows = read_xlsx(b"".join(client.get("/enterprises/export.xlsx").streaming_content))
    assert {r[1] for r in rows[1:]} == {enterprise_a.credit_code, in_community.credit_code}


def test_the_bureau_sees_every_enterprise(client, bureau_officer, enterprise_a, enterprise_b):
    login(client, bureau_officer)
    assert _names(client.get("/api/v1/enterprises/")) == {enterprise_a.name, enterprise_b.name}
    assert client.get(reverse("enterprises:detail", args=[enterprise_b.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["expert", "system_admin", "security_admin", "audit_admin"])
def test_roles_outside_the_registry_are_refused(persona, request, client, enterprise_a):
    login(client, request.getfixturevalue(persona))
    for url in ("/enterprises/", "/enterprises/new/", reverse("enterprises:detail", args=[enterprise_a.pk]),
                reverse("enterprises:edit", args=[enterprise_a.pk]), "/enterprises/export.xlsx",
                "/api/v1/enterprises/", f"/api/v1/enterprises/{enterprise_a.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("enterprises:archive", args=[enterprise_a.pk])).status_code == 403
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, enterprise_a):
    resp = client.get("/enterprises/")
    assert resp.status_code == 302 and "login" in resp.url
    assert client.get("/api/v1/enterprises/").status_code in (401, 403)


def test_the_api_list_masks_phones_and_one_record_shows_them(client, bureau_officer, guangfu):
    e = make_enterprise("电话公司", 9, guangfu, safety_manager_phone="13912345678")
    login(client, bureau_officer)
    listed = client.get("/api/v1/enterprises/").json()["results"][0]
    assert listed["safety_manager_phone"] == "139****5678"
    assert client.get(f"/api/v1/enterprises/{e.pk}/").json()["safety_manager_phone"] == "13912345678"
