"""Assessing a risk point: LEC or LS from the form (with a live preview from the calculator endpoint);
every assessment is kept and the latest one is the point's current level."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import login
from emergency.prevention import services
from emergency.prevention.models import RiskAssessment

pytestmark = pytest.mark.django_db


def test_re_assessment_keeps_history_and_the_latest_is_current(enterprise_manager, rp_point):
    services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="lec", l=6, e=6, c=7)
    rp_point.refresh_from_db()
    assert rp_point.current_level == 2
    services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="ls", l=1, s=2, table="ls_b")
    rp_point.refresh_from_db()
    assert rp_point.current_level == 4
    history = list(rp_point.assessments.values_list("method", "score", "level"))
    assert history == [("ls", Decimal("2.00"), 4), ("lec", Decimal("252.00"), 2)]


def test_an_assessment_with_a_disallowed_value_changes_nothing(enterprise_manager, rp_point):
    services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="lec", l=6, e=6, c=7)
    with pytest.raises(ValidationError) as exc:
        services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="lec", l=6, e=6, c=8)
    assert "c" in exc.value.message_dict
    rp_point.refresh_from_db()
    assert rp_point.current_level == 2 and rp_point.assessments.count() == 1


def test_two_decimal_inputs_are_stored_exactly(enterprise_manager, rp_point):
    row = services.risk_assess(acting_user=enterprise_manager, point=rp_point, method="lec", l="0.10", e="0.5",
                               c="1")
    assert (row.likelihood, row.score, row.level) == (Decimal("0.10"), Decimal("0.05"), 4)


def test_the_form_assesses_by_lec(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    url = reverse("prevention:risk_assess", args=[rp_point.pk])
    page = client.get(url)
    html = page.content.decode()
    assert 'data-risk-preview="/api/v1/prevention/risk-evaluations"' in html
    assert "js/risk_preview.js" in html and "<script>" not in html and "onclick" not in html
    resp = client.post(url, {"method": "lec", "l": "6", "e": "6", "c": "7", "ls_l": "", "s": "", "table": "ls_a",
                             "note": "年度评估"})
    assert resp.status_code == 302
    row = RiskAssessment.objects.get(risk_point=rp_point)
    assert (row.method, row.score, row.level, row.note, row.assessed_by) == (
        "lec", Decimal("252.00"), 2, "年度评估", enterprise_manager)


def test_the_form_assesses_by_ls_on_the_chosen_table(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    resp = client.post(reverse("prevention:risk_assess", args=[rp_point.pk]),
                       {"method": "ls", "ls_l": "3", "s": "5", "table": "ls_b"})
    assert resp.status_code == 302
    rp_point.refresh_from_db()
    assert rp_point.current_level == 2
    assert rp_point.assessments.get().ls_table == "ls_b"


@pytest.mark.parametrize(("data", "field"), [
    ({"method": "lec", "l": "6", "e": "6"}, "c"),
    ({"method": "lec", "l": "7", "e": "6", "c": "7"}, "l"),
    ({"method": "ls", "ls_l": "6", "s": "3"}, "ls_l"),
    ({"method": "ls", "ls_l": "2.5", "s": "3"}, "ls_l"),
    ({"method": "ls", "ls_l": "3", "s": "0"}, "s"),
    ({"method": "ls", "ls_l": "3", "s": "3", "table": "ls_c"}, "table"),
    ({"method": "abc"}, "method"),
])
def test_the_form_names_the_bad_field_and_writes_nothing(client, enterprise_manager, rp_point, data, field):
    login(client, enterprise_manager)
    resp = client.post(reverse("prevention:risk_assess", args=[rp_point.pk]), data)
    assert resp.status_code == 200
    assert field in resp.context["form"].errors
    assert not RiskAssessment.objects.exists()


def test_the_form_reads_the_allowed_values_from_the_rules(client, enterprise_manager, rp_point):
    login(client, enterprise_manager)
    form = client.get(reverse("prevention:risk_assess", args=[rp_point.pk])).context["form"]
    assert [v for v, _label in form.fields["e"].choices if v] == ["10", "6", "3", "2", "1", "0.5"]


def test_only_writers_may_assess(client, rp_point, department_clerk, other_subdistrict_officer, subdistrict_officer):
    url = reverse("prevention:risk_assess", args=[rp_point.pk])
    login(client, other_subdistrict_officer)
    assert client.get(url).status_code == 404
    login(client, subdistrict_officer)
    assert client.post(url, {"method": "ls", "ls_l": "1", "s": "1", "table": "ls_a"}).status_code == 302
