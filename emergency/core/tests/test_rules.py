"""Regulatory thresholds live in the rules table, with their source; security rules only ever tighten."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from conftest import login
from emergency.accounts.services import security_rule_set
from emergency.core import rules
from emergency.core.models import AuditEvent, Rule


@pytest.fixture(autouse=True)
def fresh_rules():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("default", rules.RULE_DEFAULTS, ids=lambda r: r.key)
def test_the_migration_loads_every_rule_with_its_source(default):
    row = Rule.objects.get(key=default.key)
    assert row.value == default.value
    assert row.source == default.source and row.source.strip()
    assert row.confidence == default.confidence and row.confidence in Rule.Confidence.values
    assert row.unit == default.unit and row.description == default.description


@pytest.mark.django_db
def test_no_rule_in_the_table_lacks_a_source():
    assert Rule.objects.count() >= len(rules.RULE_DEFAULTS)
    assert not Rule.objects.filter(source="").exists()
    assert not Rule.objects.exclude(confidence__in=Rule.Confidence.values).exists()


@pytest.mark.django_db
def test_loading_the_defaults_again_keeps_a_deployments_own_values():
    Rule.objects.filter(key="security.lockout_minutes").update(value=60)
    assert rules.load_defaults(Rule) == 0
    assert Rule.objects.get(key="security.lockout_minutes").value == 60


@pytest.mark.django_db
def test_rule_value_reads_the_table():
    assert rules.rule_value("shelter.area_per_person_m2") == 1.5
    Rule.objects.filter(key="shelter.area_per_person_m2").update(value=2.0)
    rules.forget("shelter.area_per_person_m2")
    assert rules.rule_value("shelter.area_per_person_m2") == 2.0


@pytest.mark.django_db
def test_rule_value_falls_back_to_the_shipped_default_when_a_row_is_missing():
    Rule.objects.filter(key="relief.basic_needs_hours").delete()
    assert rules.rule_value("relief.basic_needs_hours") == 12


# --- the security baseline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "looser", "stricter"), [
    ("security.lockout_failures", 6, 4),
    ("security.password_min_length", 7, 10),
    ("security.password_min_classes", 2, 4),
    ("security.password_max_age_days", 91, 60),
    ("security.lockout_minutes", 29, 60),
    ("security.idle_timeout_minutes", 31, 15),
    ("security.audit_retention_days", 179, 365),
])
def test_a_security_rule_tightens_but_never_loosens(security_admin, key, looser, stricter):
    default = Rule.objects.get(key=key).value
    with pytest.raises(ValidationError) as exc:
        security_rule_set(acting_user=security_admin, key=key, value=looser)
    assert "value" in exc.value.message_dict
    assert Rule.objects.get(key=key).value == default
    assert not AuditEvent.objects.filter(event_type="policy_changed").exists()

    assert security_rule_set(acting_user=security_admin, key=key, value=stricter) == {"value": [default, stricter]}
    assert Rule.objects.get(key=key).value == stricter
    assert rules.rule_value(key) == stricter  # the cache was dropped


def test_setting_the_baseline_itself_is_accepted_and_changes_nothing(security_admin):
    assert security_rule_set(acting_user=security_admin, key="security.lockout_failures", value=5) == {}
    assert not AuditEvent.objects.filter(event_type="policy_changed").exists()


@pytest.mark.parametrize("value", [0, -1, "5", 4.5])
def test_a_security_rule_must_be_a_positive_whole_number(security_admin, value):
    with pytest.raises(ValidationError):
        security_rule_set(acting_user=security_admin, key="security.lockout_failures", value=value)
    assert Rule.objects.get(key="security.lockout_failures").value == 5


def test_business_rules_are_not_edited_as_security_policy(security_admin):
    with pytest.raises(ValidationError) as exc:
        security_rule_set(acting_user=security_admin, key="shelter.area_per_person_m2", value=3)
    assert "key" in exc.value.message_dict
    assert Rule.objects.get(key="shelter.area_per_person_m2").value == 1.5


def test_the_policy_screen_refuses_a_looser_value_with_a_message(client, security_admin):
    login(client, security_admin)
    resp = client.post("/accounts/policy/", {"key": "security.password_min_length", "value": 7}, follow=True)
    assert resp.status_code == 200
    assert any(m.level_tag == "error" for m in resp.context["messages"])
    assert Rule.objects.get(key="security.password_min_length").value == 8


def test_the_policy_screen_lists_every_security_rule_with_its_source(client, security_admin):
    login(client, security_admin)
    page = client.get("/accounts/policy/").content.decode()
    for r in rules.RULE_DEFAULTS:
        if r.key.startswith("security."):
            assert r.key in page
    assert rules.SECURITY_SOURCE in page
