"""Issue 9: a signed-in user refused a record by id (a 403, or a 404 for a record that exists outside their scope)
leaves an ACCESS_DENIED row; a scan leaves at most the per-minute limit plus a summary; a missing id and
anonymous callers leave nothing."""

from __future__ import annotations

import datetime
import pickle
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import login
from emergency.core import refusals
from emergency.core.models import AuditEvent, Division
from emergency.core.scoping import scope_queryset

LIMIT = refusals.REFUSALS_PER_MINUTE


@pytest.fixture(autouse=True)
def _fresh_counts():
    """The refusal counts live in the process's cache, which outlives a test's database."""
    cache.clear()


def denied():
    return AuditEvent.objects.filter(event_type=AuditEvent.Type.ACCESS_DENIED)


def test_a_page_probe_of_another_subdistricts_enterprise_is_recorded(client, subdistrict_officer, enterprise_b):
    login(client, subdistrict_officer)
    resp = client.get(f"/enterprises/{enterprise_b.pk}/")
    assert resp.status_code == 404
    row = denied().get()
    assert (row.actor, row.success, row.object_type, row.object_id) == (
        subdistrict_officer, False, "enterprises.Enterprise", str(enterprise_b.pk))
    assert row.changes == {"method": "GET", "path": f"/enterprises/{enterprise_b.pk}/", "status": 404}
    assert row.ip_address == "127.0.0.1"
    assert enterprise_b.name not in row.object_repr


@pytest.mark.parametrize("method", ["get", "patch"])
def test_an_api_probe_of_another_subdistricts_division_is_recorded(client, subdistrict_officer, community_b,
                                                                    method):
    # GET goes through the viewset's get_object() on a scoped queryset, PATCH through get_for_user.
    login(client, subdistrict_officer)
    resp = getattr(client, method)(f"/api/v1/divisions/{community_b.pk}/", {"name": "越权改名"},
                                   content_type="application/json")
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
    row = denied().get()
    assert (row.actor, row.object_type, row.object_id) == (subdistrict_officer, "core.Division", str(community_b.pk))
    assert row.changes == {"method": method.upper(), "path": f"/api/v1/divisions/{community_b.pk}/", "status": 404}


def test_an_api_probe_of_another_subdistricts_enterprise_is_recorded(client, subdistrict_officer, enterprise_b):
    login(client, subdistrict_officer)
    assert client.get(f"/api/v1/enterprises/{enterprise_b.pk}/").status_code == 404
    assert denied().get().object_id == str(enterprise_b.pk)


def test_a_missing_id_is_not_a_refusal(client, subdistrict_officer, enterprise_a, community_a):
    login(client, subdistrict_officer)
    assert client.get("/enterprises/99999999/").status_code == 404
    assert client.get("/api/v1/divisions/99999999/").status_code == 404
    assert client.get("/api/v1/enterprises/99999999/").status_code == 404
    # …and nor is reading what one may read.
    assert client.get(f"/enterprises/{enterprise_a.pk}/").status_code == 200
    assert client.get(f"/api/v1/divisions/{community_a.pk}/").status_code == 200
    assert not denied().exists()


def test_a_refused_write_names_the_record_it_was_about(client, subdistrict_officer, guangfu):
    # The own subdistrict is readable but not writable: 403, with the division looked up.
    login(client, subdistrict_officer)
    resp = client.patch(f"/api/v1/divisions/{guangfu.pk}/", {"name": "改名"}, content_type="application/json")
    assert resp.status_code == 403
    row = denied().get()
    assert (row.actor, row.object_type, row.object_id, row.changes["status"]) == (
        subdistrict_officer, "core.Division", str(guangfu.pk), 403)


@pytest.mark.parametrize("persona", ["enterprise_manager", "expert"])
def test_a_refusal_by_role_is_recorded_with_its_path(client, request, persona):
    user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get("/resources/stock/warehouses/").status_code == 403
    assert client.get("/api/v1/resources/nearby", {"lat": 39.1, "lon": 117.2}).status_code == 403
    rows = denied().filter(actor=user).order_by("id")
    assert [(r.object_type, r.changes["path"], r.changes["status"]) for r in rows] == [
        ("", "/resources/stock/warehouses/", 403), ("", "/api/v1/resources/nearby", 403)]


def test_anonymous_requests_are_not_recorded(client, enterprise_b, community_b):
    assert client.get(f"/enterprises/{enterprise_b.pk}/").status_code == 302  # to the login page
    assert client.get(f"/api/v1/divisions/{community_b.pk}/").status_code in (401, 403)
    assert client.get("/api/v1/resources/nearby", {"lat": 39.1, "lon": 117.2}).status_code in (401, 403)
    assert not denied().exists()


def test_a_view_that_records_its_own_refusal_is_not_recorded_twice(client, subdistrict_officer):
    login(client, subdistrict_officer)
    assert client.get("/audit/").status_code == 403
    assert denied().filter(actor=subdistrict_officer).count() == 1


def test_a_scan_leaves_at_most_the_limit_and_one_summary(client, subdistrict_officer, community_b, enterprise_b):
    login(client, subdistrict_officer)
    # Five seconds into a minute, so the 200 probes share one window.
    start = timezone.now().replace(second=5, microsecond=0)
    with mock.patch.object(timezone, "now", return_value=start):
        for i in range(200):
            url = f"/api/v1/divisions/{community_b.pk}/" if i % 2 else f"/enterprises/{enterprise_b.pk}/"
            assert client.get(url).status_code == 404
    rows = list(denied().order_by("id"))
    assert len(rows) == LIMIT
    assert [r.changes.get("rate_limit") for r in rows] == [None] * (LIMIT - 1) + [LIMIT]

    # The next refusal, a minute later, writes the summary of the 180 not recorded, then its own row.
    with mock.patch.object(timezone, "now", return_value=start + datetime.timedelta(seconds=60)):
        assert client.get(f"/enterprises/{enterprise_b.pk}/").status_code == 404
    summary, latest = denied().order_by("id")[LIMIT:]
    assert summary.actor == subdistrict_officer and not summary.success
    assert summary.changes["suppressed"] == 200 - LIMIT and summary.changes["limit"] == LIMIT
    assert summary.changes["window_start"] == start.replace(second=0).isoformat()
    assert latest.object_id == str(enterprise_b.pk) and "rate_limit" not in latest.changes
    assert denied().count() == LIMIT + 2


def test_the_limit_is_per_user(client, subdistrict_officer, other_subdistrict_officer, enterprise_a, enterprise_b):
    start = timezone.now().replace(second=5, microsecond=0)
    with mock.patch.object(timezone, "now", return_value=start):
        login(client, subdistrict_officer)
        for _ in range(LIMIT + 5):
            client.get(f"/enterprises/{enterprise_b.pk}/")
        login(client, other_subdistrict_officer)
        assert client.get(f"/enterprises/{enterprise_a.pk}/").status_code == 404
    assert denied().filter(actor=subdistrict_officer).count() == LIMIT
    assert denied().filter(actor=other_subdistrict_officer).count() == 1


def test_a_scoped_queryset_still_pickles_and_finds_what_is_in_scope(subdistrict_officer, community_a, community_b):
    qs = scope_queryset(subdistrict_officer, Division.objects.filter(level="community"))
    assert qs.get(pk=community_a.pk) == community_a
    with pytest.raises(Division.DoesNotExist):
        qs.get(pk=community_b.pk)  # outside a request: nothing is noted, nothing is written
    assert list(pickle.loads(pickle.dumps(qs))) == [community_a]
    assert not denied().exists()
