"""An enterprise id in the query string that is not an id is a form error, never a server error (issue 9, item 8).

`?enterprise=1e30` reached the database as 10**30 through django-filter's NumberFilter (OverflowError);
`"²".isdigit()` is true, so `int("²")` raised in the views that checked with isdigit().
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login

from .conftest import rp_make_point

BAD_IDS = ["1e30", "99999999999999999999", str(2**63), "-1", "0", "1.5", "²", "１２", "abc"]
LISTS = ["prevention:hazard_list", "prevention:risk_point_list", "prevention:ledger_hazards",
         "prevention:ledger_risk_points"]


@pytest.fixture
def officer(bureau_officer):
    # A server error must come back as a 500 here, not be re-raised into the test.
    return login(Client(raise_request_exception=False), bureau_officer)


@pytest.fixture
def points(enterprise_a, enterprise_b, enterprise_manager, other_enterprise_manager, hz_loop, hz_loop_b):
    hz_loop.report(title="甲的隐患")
    hz_loop_b.report(title="乙的隐患")
    return rp_make_point(enterprise_manager, enterprise_a), rp_make_point(other_enterprise_manager, enterprise_b,
                                                                         name="冲压车间")


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_page_shows_a_form_error_for_an_enterprise_that_is_no_id(officer, points, name, bad):
    resp = officer.get(reverse(name), {"enterprise": bad})
    assert resp.status_code == 200
    assert "enterprise" in resp.context["filter"].form.errors
    assert 'role="alert"' in resp.content.decode()


def test_the_hazard_list_names_the_bad_filter(officer, points):
    page = officer.get(reverse("prevention:hazard_list"), {"enterprise": "1e30"}).content.decode()
    assert 'data-testid="filter-error"' in page


@pytest.mark.parametrize("bad", BAD_IDS)
def test_the_ledger_export_refuses_it_with_a_400(officer, points, bad):
    resp = officer.get(reverse("prevention:ledger_hazards_export"), {"enterprise": bad})
    assert resp.status_code == 400
    assert "enterprise" in resp.json()["errors"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_the_api_answers_400_naming_the_field(officer, points, bad):
    resp = officer.get("/api/v1/prevention/risk-points/", {"enterprise": bad})
    assert resp.status_code == 400
    assert list(resp.json()["error"]["fields"]) == ["enterprise"]


def test_a_real_id_still_filters(officer, points, enterprise_b):
    body = officer.get("/api/v1/prevention/risk-points/", {"enterprise": enterprise_b.pk}).json()
    assert [p["name"] for p in body["results"]] == ["冲压车间"]
    page = officer.get(reverse("prevention:hazard_list"), {"enterprise": enterprise_b.pk}).content.decode()
    assert "乙的隐患" in page and "甲的隐患" not in page


def test_the_largest_id_is_valid_and_finds_nothing(officer, points):
    body = officer.get("/api/v1/prevention/risk-points/", {"enterprise": str(2**63 - 1)}).json()
    assert body["count"] == 0


@pytest.mark.parametrize("bad", ["²", "99999999999999999999"])
@pytest.mark.parametrize("name", ["prevention:risk_map", "prevention:risk_point_create", "prevention:hazard_report"])
def test_a_page_preset_with_a_bad_enterprise_ignores_it(officer, points, name, bad):
    assert officer.get(reverse(name), {"enterprise": bad}).status_code == 200


def test_the_schema_documents_the_filter_as_an_integer_id(officer):
    schema = officer.get("/api/schema/?format=json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/prevention/risk-points/"]["get"]["parameters"]}
    assert params["enterprise"] == {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
    assert params["subdistrict"]["type"] == "integer"
