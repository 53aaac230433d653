"""The schema says what the API answers and accepts (issue 9: what schemathesis found, one test each).

- responses that broke the schema: `parent_code` and `/me`'s `division` may be null;
- undocumented status codes: every operation documents its errors in the one error format;
- invalid requests accepted: `page_size=abc`, `"population": "12"`, `"name": 0`, a control character
  trimmed away, unknown fields (now `additionalProperties: false`);
- valid requests rejected: `level=none` (documented as an integer), empty filter values, unknown body fields
  the schema allowed.
"""

from __future__ import annotations

import pytest

from conftest import login

from .test_errors import error_of

JSON = "application/json"


@pytest.fixture
def officer(client, bureau_officer):
    return login(client, bureau_officer)


@pytest.fixture
def schema(officer) -> dict:
    return officer.get("/api/schema/?format=json").json()


def component(schema: dict, name: str) -> dict:
    return schema["components"]["schemas"][name]


# --- responses ---------------------------------------------------------------------------------------------


def test_a_division_without_parent_has_a_null_parent_code_and_the_schema_allows_it(officer, schema, district):
    assert officer.get(f"/api/v1/divisions/{district.pk}/").json()["parent_code"] is None
    assert component(schema, "Division")["properties"]["parent_code"]["nullable"] is True


def test_me_without_division_or_department_is_null_and_the_schema_allows_it(officer, schema):
    me = officer.get("/api/v1/me/").json()
    assert me["division"] is None and me["department"] is None
    props = component(schema, "Me")["properties"]
    assert props["division"]["nullable"] is True and props["department"]["nullable"] is True


def test_every_operation_documents_its_errors_in_the_one_format(schema):
    assert set(component(schema, "Error")["properties"]) == {"error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{id}" in path or any(p["name"] == "page" for p in operation.get("parameters", [])):
                assert "404" in codes, (method, path)
            if any(p["in"] == "query" for p in operation.get("parameters", [])) or "requestBody" in operation:
                assert "400" in codes, (method, path)
            for code in codes - {"200", "201"}:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, code)


def test_no_error_response_schema_is_left_over(schema):
    assert not {"PreventionError", "ResourcesError"} & set(schema["components"]["schemas"])


# --- requests the schema calls invalid are refused ----------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "1.5", "null", "[]", "²"])
def test_a_bad_page_size_is_a_400_naming_it(officer, bad):
    assert list(error_of(officer.get("/api/v1/divisions/", {"page_size": bad}))["fields"]) == ["page_size"]


def test_a_large_page_size_is_capped_and_an_empty_one_is_the_default(officer):
    assert officer.get("/api/v1/departments/", {"page_size": "100000"}).status_code == 200
    assert len(officer.get("/api/v1/departments/", {"page_size": ""}).json()["results"]) == 50


def test_page_last_is_not_a_page(officer):
    error_of(officer.get("/api/v1/departments/", {"page": "last"}), 404)


@pytest.mark.parametrize(("field", "value"), [("population", "12"), ("population", True), ("name", 0),
                                              ("contact_phone", 13800001111), ("latitude", "39.1"),
                                              ("name", "\x0b王串场"), ("name", "名" * 100 + " "), ("name", "   ")])
def test_a_value_of_another_type_or_refused_as_sent_is_a_400(officer, community_a, field, value):
    resp = officer.patch(f"/api/v1/divisions/{community_a.pk}/", {field: value}, content_type=JSON)
    assert list(error_of(resp)["fields"]) == [field]


@pytest.mark.parametrize(("field", "value"), [("parent", "2"), ("is_synthetic", "yes"), ("level", 1)])
def test_a_new_division_needs_json_types_too(officer, guangfu, field, value):
    body = {"code": f"{guangfu.code}950", "name": "新社区", "level": "community", "parent": guangfu.pk, field: value}
    assert list(error_of(officer.post("/api/v1/divisions/", body, content_type=JSON))["fields"]) == [field]


def test_a_division_code_is_ascii_digits(officer, guangfu):
    body = {"code": "١٢٠١٠٥٠٠١٩٥٠", "name": "新社区", "level": "community", "parent": guangfu.pk}
    assert list(error_of(officer.post("/api/v1/divisions/", body, content_type=JSON))["fields"]) == ["code"]


def test_the_schema_refuses_what_the_api_refuses(schema):
    for name in ("DivisionCreate", "PatchedDivisionUpdate", "RiskEvaluationRequest"):
        assert component(schema, name)["additionalProperties"] is False
    name = component(schema, "PatchedDivisionUpdate")["properties"]["name"]
    assert name["minLength"] == 1 and name["not"] == {"pattern": r"^\s*$"}
    population = component(schema, "PatchedDivisionUpdate")["properties"]["population"]
    assert population["maximum"] == 2_147_483_647


def test_a_huge_population_is_a_400_not_a_database_error(officer, community_a):
    resp = officer.patch(f"/api/v1/divisions/{community_a.pk}/", {"population": 10**12}, content_type=JSON)
    assert list(error_of(resp)["fields"]) == ["population"]


# --- requests the schema calls valid are accepted -----------------------------------------------------------


def test_risk_points_filter_by_level_none(officer, schema):
    assert officer.get("/api/v1/prevention/risk-points/", {"level": "none"}).status_code == 200
    params = {p["name"]: p for p in schema["paths"]["/api/v1/prevention/risk-points/"]["get"]["parameters"]}
    assert params["level"]["schema"] == {"type": "string", "enum": ["1", "2", "3", "4", "none"]}


def test_an_empty_filter_means_no_filter_and_the_schema_says_so(officer, schema):
    empty = {"level": "", "since": "", "until": "", "enterprise": "", "subdistrict": "", "page": "", "page_size": ""}
    assert officer.get("/api/v1/prevention/risk-points/", empty).status_code == 200
    for p in schema["paths"]["/api/v1/prevention/risk-points/"]["get"]["parameters"]:
        assert p.get("allowEmptyValue") is True, p["name"]
    nearby = schema["paths"]["/api/v1/resources/nearby"]["get"]["parameters"]
    assert not any(p.get("allowEmptyValue") for p in nearby)


def test_the_calculator_documents_numbers_and_numeric_strings(officer, schema):
    factor = component(schema, "RiskEvaluationRequest")["properties"]["l"]
    assert [alt["type"] for alt in factor["oneOf"]] == ["number", "string"]
    body = {"method": "lec", "l": "6", "e": 6, "c": "7"}
    assert officer.post("/api/v1/prevention/risk-evaluations", body, content_type=JSON).json()["score"] == 252
    assert list(error_of(officer.post("/api/v1/prevention/risk-evaluations", {**body, "l": "6e0"},
                                      content_type=JSON))["fields"]) == ["l"]
