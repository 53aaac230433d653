"""The platform search finds a word inside Chinese names, in every domain, within the user's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import login, make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(guangfu, wanghai):
    return make_enterprise("津门液氨冷库有限公司", 61, guangfu), make_enterprise("海河液氨储运公司", 62, wanghai)


def _titles(resp) -> list[str]:
    return [h.title for h in resp.context["hits"]]


def test_the_bureau_finds_a_word_inside_chinese_names(client, bureau_officer, found):
    login(client, bureau_officer)
    resp = client.get(reverse("core:search"), {"q": "液氨"})
    assert resp.status_code == 200
    assert sorted(_titles(resp)) == ["津门液氨冷库有限公司", "海河液氨储运公司"]
    assert all(client.get(h.url).status_code == 200 for h in resp.context["hits"])


def test_a_subdistrict_finds_only_what_it_may_see(client, subdistrict_officer, found):
    login(client, subdistrict_officer)
    assert _titles(client.get(reverse("core:search"), {"q": "液氨"})) == ["津门液氨冷库有限公司"]


def test_bad_input_is_a_message_not_an_error(client, bureau_officer, found):
    login(client, bureau_officer)
    resp = client.get(reverse("core:search"), {"q": "液" * 51})
    assert resp.status_code == 400 and resp.context["hits"] == [] and resp.context["error"]
    resp = client.get(reverse("core:search"), {"q": "液\x01氨"})
    assert resp.status_code == 400 and resp.context["error"]
    assert client.get(reverse("core:search")).status_code == 200  # an empty box is just the page


@pytest.mark.parametrize("persona", ["system_admin", "audit_admin"])
def test_the_separated_admins_have_no_search(client, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("core:search"), {"q": "液氨"}).status_code == 403


def test_the_search_reads_in_a_bounded_number_of_queries(client, bureau_officer, found,
                                                        django_assert_max_num_queries):
    login(client, bureau_officer)
    client.get(reverse("core:search"), {"q": "公司"})
    with django_assert_max_num_queries(25):
        client.get(reverse("core:search"), {"q": "公司"})
