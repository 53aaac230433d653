"""The registry list, the API list and the export run a fixed number of queries, however many rows there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login, make_enterprise

FEW, MANY = 3, 25
CEILING = 20


@pytest.fixture
def add_enterprises(guangfu, community_a):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            make_enterprise(f"企业{i:03d}", 700 + i, community_a if i % 2 else guangfu,
                            safety_manager_phone="13912345678", is_synthetic=bool(i % 3))

    return _add


def _count(client, url: str) -> int:
    client.get(url)  # warm session and caches
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
        if hasattr(resp, "streaming_content"):
            b"".join(resp.streaming_content)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx)


@pytest.mark.parametrize("url", ["/enterprises/", "/enterprises/?flag=hazardous_chemicals&above_scale=0",
                                 "/api/v1/enterprises/", "/api/v1/enterprises/?industry=C",
                                 "/enterprises/export.xlsx"])
@pytest.mark.parametrize("persona", ["bureau_officer", "subdistrict_officer"])
def test_the_query_count_does_not_grow_with_rows(url, persona, request, client, add_enterprises,
                                                 django_assert_max_num_queries):
    login(client, request.getfixturevalue(persona))
    add_enterprises(0, FEW)
    few = _count(client, url)
    assert few <= CEILING, f"{url} runs {few} queries"
    add_enterprises(FEW, MANY)
    with django_assert_max_num_queries(few):
        resp = client.get(url)
        if hasattr(resp, "streaming_content"):
            b"".join(resp.streaming_content)
    assert resp.status_code == 200


def test_an_enterprise_list_is_cheap_too(client, enterprise_manager, add_enterprises, django_assert_max_num_queries):
    add_enterprises(0, MANY)
    login(client, enterprise_manager)
    client.get("/enterprises/")
    with django_assert_max_num_queries(CEILING):
        assert client.get("/enterprises/").status_code == 200
    with django_assert_max_num_queries(CEILING):
        assert client.get("/api/v1/enterprises/").json()["count"] == 1
