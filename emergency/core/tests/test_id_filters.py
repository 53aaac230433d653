"""Every integer-id parameter takes only ids the database can hold (issue 9, item 8).

`core.filters` is the one place: `parse_id` for views, `IdFilter` (an id column) and `IdChoiceFilter` (a
select of records) for filter sets. A value that is not an id is a form error on pages, a 400 naming the
parameter in the API, and never reaches the database.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import login
from emergency.core.filters import ID_MAX, IdField, parse_id
from emergency.resources.stock.models import Warehouse

NOT_IDS = ["", " ", "0", "-1", "+1", "1.0", "1e30", "1_000", "²", "１２", "٣", "0x10", "abc", "1 2", str(ID_MAX + 1),
           "9" * 40, None, 0, -5, True, 1.0]


@pytest.mark.parametrize("raw", NOT_IDS)
def test_parse_id_refuses_what_is_not_an_id(raw):
    assert parse_id(raw) is None


@pytest.mark.parametrize(("raw", "value"), [("1", 1), (" 42 ", 42), ("007", 7), (str(ID_MAX), ID_MAX), (12, 12)])
def test_parse_id_reads_ids(raw, value):
    assert parse_id(raw) == value


def test_parse_id_takes_a_smaller_bound():
    assert parse_id("100", maximum=100) == 100 and parse_id("101", maximum=100) is None


@pytest.mark.parametrize("raw", ["1e30", "1.0", "²", "１２", str(ID_MAX + 1), "0"])
def test_the_form_field_refuses_them(raw):
    with pytest.raises(ValidationError):
        IdField(required=False).clean(raw)


@pytest.fixture
def officer(bureau_officer):
    return login(Client(raise_request_exception=False), bureau_officer)


@pytest.mark.parametrize(("url", "name"), [("/api/v1/divisions/", "subdistrict"), ("/api/v1/enterprises/", "division"),
                                           ("/api/v1/enterprises/", "subdistrict"),
                                           ("/api/v1/prevention/risk-points/", "subdistrict")])
@pytest.mark.parametrize("bad", ["1e30", "²", str(2**63), "99999999999999999999", "0", "-3"])
def test_a_record_filter_of_the_api_answers_400_naming_it(officer, url, name, bad):
    resp = officer.get(url, {name: bad})
    assert resp.status_code == 400
    assert list(resp.json()["error"]["fields"]) == [name]


@pytest.mark.parametrize("bad", ["1e30", "²", "99999999999999999999"])
@pytest.mark.parametrize(("url", "name"), [("resources:team_list", "subdistrict"), ("resources:equipment_list", "team"),
                                           ("resources:reserve_list", "item"), ("enterprises:list", "subdistrict"),
                                           ("enterprises:list", "division"), ("core:division_list", "subdistrict")])
def test_a_record_filter_on_a_page_is_a_form_error(officer, url, name, bad):
    assert officer.get(reverse(url), {name: bad}).status_code in (200, 400)


@pytest.mark.parametrize("bad", ["²", "99999999999999999999", "1e30"])
def test_a_document_preset_with_a_bad_warehouse_ignores_it(officer, guangfu, bad):
    Warehouse.objects.create(name="光复道仓库", level=Warehouse.Level.SUBDISTRICT, division=guangfu, address="某路1号",
                             latitude=39.15, longitude=117.19)
    assert officer.get(reverse("resources:document_create"), {"warehouse": bad}).status_code == 200


@pytest.mark.parametrize(("name", "bad"), [("limit", "²"), ("limit", "1e3"), ("item", "²"), ("item", str(2**64))])
def test_the_nearby_api_names_a_bad_number(officer, name, bad):
    resp = officer.get("/api/v1/resources/nearby", {"lat": "39.15", "lon": "117.2", name: bad})
    assert resp.status_code == 400
    assert list(resp.json()["error"]["fields"]) == [name]
