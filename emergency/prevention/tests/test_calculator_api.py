"""The calculator endpoint POST /api/v1/prevention/risk-evaluations: the same evaluator as the service,
400 in the project's error format naming the field for anything else."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from conftest import login
from emergency.core.models import Rule
from emergency.core.rules import forget

pytestmark = pytest.mark.django_db
URL = "/api/v1/prevention/risk-evaluations"
LEC_VALUES = {"l": [10, 6, 3, 1, 0.5, 0.2, 0.1], "e": [10, 6, 3, 2, 1, 0.5], "c": [100, 40, 15, 7, 3, 1]}


@pytest.fixture
def api(client, enterprise_manager):
    login(client, enterprise_manager)

    def post(body, url=URL):
        return client.post(url, body, content_type="application/json")

    return post


def test_it_evaluates_the_lec_example_of_the_issue(api):
    resp = api({"method": "lec", "l": 6, "e": 6, "c": 7})
    assert resp.status_code == 200
    assert resp.json() == {"score": 252, "level": 2, "level_name": "较大", "color": "orange"}


def test_it_evaluates_the_ls_example_of_the_issue(api):
    resp = api({"method": "ls", "l": 4, "s": 5, "table": "ls_a"})
    assert resp.status_code == 200
    assert resp.json() == {"score": 20, "level": 1, "level_name": "重大", "color": "red"}


def test_it_accepts_strings_from_the_form_preview_and_a_trailing_slash(api):
    assert api({"method": "lec", "l": "0.5", "e": "0.5", "c": "1"}, URL + "/").json() == {
        "score": 0.25, "level": 4, "level_name": "低", "color": "blue"}


@pytest.mark.parametrize(("body", "level"), [
    ({"method": "lec", "l": 3, "e": 3, "c": 40}, 1), ({"method": "lec", "l": 10, "e": 10, "c": 3}, 2),
    ({"method": "lec", "l": 10, "e": 6, "c": 3}, 2), ({"method": "lec", "l": 10, "e": 1, "c": 15}, 3),
    ({"method": "lec", "l": 10, "e": 0.5, "c": 15}, 3), ({"method": "lec", "l": 10, "e": 1, "c": 7}, 4),
    ({"method": "ls", "l": 4, "s": 4}, 2), ({"method": "ls", "l": 3, "s": 3}, 2), ({"method": "ls", "l": 2, "s": 4}, 3),
    ({"method": "ls", "l": 1, "s": 3}, 4), ({"method": "ls", "l": 3, "s": 5, "table": "ls_b"}, 2),
    ({"method": "ls", "l": 3, "s": 4, "table": "ls_b"}, 3), ({"method": "ls", "l": 2, "s": 4, "table": "ls_b"}, 4),
])
def test_it_gives_the_band_of_each_boundary(api, body, level):
    assert api(body).json()["level"] == level


def _disallowed():
    """Every value next to an allowed one, per LEC factor (and a few that are not numbers at all)."""
    cases = []
    for field, allowed in LEC_VALUES.items():
        for bad in (0, -1, 2.5, 4, 5, 8, 20, 50, 101, 1000, 0.3, "abc", "", None, True, [6], {"v": 6}):
            if bad in allowed and not isinstance(bad, bool):
                continue
            body = {"method": "lec", "l": 6, "e": 6, "c": 7}
            body[field] = bad
            cases.append(pytest.param(body, field, id=f"{field}={bad!r}"))
    return cases


@pytest.mark.parametrize(("body", "field"), _disallowed())
def test_it_rejects_each_disallowed_lec_value_naming_the_field(api, body, field):
    resp = api(body)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]


@pytest.mark.parametrize(("body", "field"), [
    ({"method": "ls", "l": 0, "s": 3}, "l"), ({"method": "ls", "l": 6, "s": 3}, "l"),
    ({"method": "ls", "l": 2.5, "s": 3}, "l"), ({"method": "ls", "l": 3, "s": 0}, "s"),
    ({"method": "ls", "l": 3, "s": 6}, "s"), ({"method": "ls", "l": 3, "s": 2.5}, "s"),
    ({"method": "ls", "l": 3, "s": 3, "table": "ls_c"}, "table"),
    ({"method": "ls", "l": 3, "s": 3, "e": 6}, "e"), ({"method": "lec", "l": 6, "e": 6, "c": 7, "s": 3}, "s"),
    ({"method": "ls", "l": 3}, "s"), ({"method": "lec", "l": 6, "e": 6}, "c"),
    ({"method": "abc", "l": 3, "s": 3}, "method"), ({"l": 3, "s": 3}, "method"),
    ({"method": "ls", "l": 3, "s": 3, "severity": 3}, "severity"),
])
def test_it_rejects_bad_ls_input_missing_and_unknown_fields(api, body, field):
    resp = api(body)
    assert resp.status_code == 400
    assert field in resp.json()["error"]["fields"]


def test_it_rejects_a_body_that_is_not_a_json_object(api, client):
    assert api([1, 2]).status_code == 400
    resp = client.post(URL, "{not json", content_type="application/json")
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "parse_error"


def test_it_follows_the_rules_table(api, rp_fresh_rules):
    Rule.objects.filter(key="prevention.lec_bands").update(value=[[250, 1], [160, 2], [70, 3]])
    forget("prevention.lec_bands")
    assert api({"method": "lec", "l": 6, "e": 6, "c": 7}).json()["level"] == 1


def test_only_authenticated_business_users_may_call_it(client, audit_admin, bureau_officer):
    body = {"method": "lec", "l": 6, "e": 6, "c": 7}
    assert client.post(URL, body, content_type="application/json").status_code in (401, 403)
    login(client, audit_admin)
    resp = client.post(URL, body, content_type="application/json")
    assert resp.status_code == 403
    assert resp.json()["error"]["code"] == "permission_denied"
    login(client, bureau_officer)
    assert client.post(URL, body, content_type="application/json").status_code == 200


def test_it_is_documented_in_the_openapi_schema(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(out), "--fail-on-warn")
    schema = yaml.safe_load(out.read_text())
    op = schema["paths"]["/api/v1/prevention/risk-evaluations"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RiskEvaluationRequest")
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RiskEvaluation")
    assert "400" in op["responses"]
    assert "/api/v1/prevention/risk-points/" in schema["paths"]
    assert "/api/v1/prevention/risk-evaluations/" not in schema["paths"]
