"""Every list screen and API list runs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login, make_user
from emergency.core import services
from emergency.core.audit import audit_record
from emergency.core.models import AuditEvent, Department
from emergency.core.notifications import notify
from emergency.core.roles import Role

FEW, MANY = 5, 30
# A generous absolute ceiling as well: the count must be flat *and* small.
CEILING = 20


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the session, content-type and rule caches
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx)


def assert_flat(client, url: str, add_rows, django_assert_max_num_queries) -> None:
    add_rows(0, FEW)
    few = queries_for(client, url)
    assert few <= CEILING, f"{url} runs {few} queries"
    add_rows(FEW, MANY)
    with django_assert_max_num_queries(few):
        resp = client.get(url)
    assert resp.status_code == 200
    return resp


# --- rows -------------------------------------------------------------------------------------------------


@pytest.fixture
def add_communities(bureau_officer, guangfu):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            community = services.division_create(acting_user=bureau_officer, code=f"120105001{100 + i}",
                                                 name=f"社区{i}", level="community", parent=guangfu,
                                                 contact_phone="13912345678")
            services.division_create(acting_user=bureau_officer, code=f"{community.code}001", name=f"网格{i}",
                                     level="grid", parent=community)

    return _add


@pytest.fixture
def add_departments(bureau_officer):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            services.department_create(acting_user=bureau_officer, name=f"测试协会{i}", kind="social",
                                       aliases=[f"协会{i}", f"测试会{i}"])

    return _add


@pytest.fixture
def add_audit_events(db):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            actor = make_user(f"actor{i}", Role.BUREAU_STAFF)
            audit_record(acting_user=actor, event_type=AuditEvent.Type.EXPORT, object_type="core.Division",
                         changes={"filters": f"page={i}"})

    return _add


@pytest.fixture
def add_notifications(subdistrict_officer, bureau_officer, guangfu):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            community = services.division_create(acting_user=bureau_officer, code=f"120105001{200 + i}",
                                                 name=f"通知社区{i}", level="community", parent=guangfu)
            dept = Department.objects.order_by("pk")[i % 10]
            notify(recipients=[subdistrict_officer], title=f"通知{i}", target=community if i % 2 else dept,
                   channel_names=())
            notify(recipients=[subdistrict_officer], title=f"无对象{i}", channel_names=())

    return _add


@pytest.fixture
def add_users(guangfu):
    def _add(start: int, stop: int):
        dept = Department.objects.get(name="区住建委")
        for i in range(start, stop):
            if i % 2:
                make_user(f"user{i:03d}", Role.SUBDISTRICT, division=guangfu)
            else:
                make_user(f"user{i:03d}", Role.DEPARTMENT, department=dept)

    return _add


# --- UI lists ----------------------------------------------------------------------------------------------


def test_the_division_list_is_flat(client, bureau_officer, add_communities, django_assert_max_num_queries):
    login(client, bureau_officer)
    resp = assert_flat(client, "/divisions/?level=community", add_communities, django_assert_max_num_queries)
    assert len(resp.context["page"]) == MANY


def test_the_division_list_of_a_subdistrict_officer_is_flat(client, subdistrict_officer, add_communities,
                                                            django_assert_max_num_queries):
    login(client, subdistrict_officer)
    resp = assert_flat(client, "/divisions/", add_communities, django_assert_max_num_queries)
    assert len(resp.context["page"]) == 50


def test_the_department_list_is_flat(client, bureau_officer, add_departments, django_assert_max_num_queries):
    login(client, bureau_officer)
    resp = assert_flat(client, "/departments/?kind=social", add_departments, django_assert_max_num_queries)
    assert len(resp.context["page"]) == Department.objects.filter(kind="social").count() >= MANY


def test_the_audit_list_is_flat(client, audit_admin, add_audit_events, django_assert_max_num_queries):
    login(client, audit_admin)
    resp = assert_flat(client, "/audit/?event_type=export", add_audit_events, django_assert_max_num_queries)
    assert len(resp.context["page"]) == MANY


def test_the_notification_list_is_flat(client, subdistrict_officer, add_notifications,
                                       django_assert_max_num_queries):
    login(client, subdistrict_officer)
    resp = assert_flat(client, "/notifications/", add_notifications, django_assert_max_num_queries)
    assert len(resp.context["page"]) == 50


def test_the_user_list_is_flat(client, system_admin, add_users, django_assert_max_num_queries):
    login(client, system_admin)
    resp = assert_flat(client, "/accounts/users/?q=user", add_users, django_assert_max_num_queries)
    assert len(resp.context["page"]) == MANY


# --- API lists ---------------------------------------------------------------------------------------------


def test_the_api_division_list_is_flat(client, bureau_officer, add_communities, django_assert_max_num_queries):
    login(client, bureau_officer)
    resp = assert_flat(client, "/api/v1/divisions/?page_size=500", add_communities, django_assert_max_num_queries)
    assert resp.json()["count"] == 11 + 2 * MANY


def test_the_api_department_list_is_flat(client, bureau_officer, add_departments, django_assert_max_num_queries):
    login(client, bureau_officer)
    resp = assert_flat(client, "/api/v1/departments/?kind=social&page_size=500", add_departments,
                       django_assert_max_num_queries)
    assert resp.json()["count"] == Department.objects.filter(kind="social").count() >= MANY
    assert {"协会0", "测试会0"} <= {a for d in resp.json()["results"] for a in d["aliases"]}


def test_the_api_notification_list_is_flat(client, subdistrict_officer, add_notifications,
                                           django_assert_max_num_queries):
    login(client, subdistrict_officer)
    resp = assert_flat(client, "/api/v1/notifications/?page_size=500", add_notifications,
                       django_assert_max_num_queries)
    assert resp.json()["count"] == 2 * MANY


def test_the_api_audit_list_is_flat(client, audit_admin, add_audit_events, django_assert_max_num_queries):
    login(client, audit_admin)
    resp = assert_flat(client, "/api/v1/audit-events/?event_type=export&page_size=500", add_audit_events,
                       django_assert_max_num_queries)
    assert resp.json()["count"] == MANY
