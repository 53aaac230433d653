"""Yearly indicator values: recorded by the bureau with a source, judged against the target."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import login
from emergency.core.models import AuditEvent
from emergency.plan_supervision import services
from emergency.plan_supervision.models import IndicatorValue, Item

from . import builders


@pytest.fixture
def rate(plan) -> Item:
    """Indicator 1: the accident death rate, at most 0.01 %."""
    return builders.item(plan, Item.Kind.INDICATOR, 1)


@pytest.fixture
def organisation(plan) -> Item:
    """Indicator 2: qualitative."""
    return builders.item(plan, Item.Kind.INDICATOR, 2)


def record(user, item, year=2023, value=Decimal("0.008"), achieved=None, source="区统计局", note=""):
    return services.indicator_value_record(acting_user=user, item=item, year=year, value=value, achieved=achieved,
                                           source=source, note=note)


def test_the_bureau_records_a_yearly_value_with_its_source(rate, bureau_officer):
    row = record(bureau_officer, rate, note="统计公报")
    assert (row.year, row.value, row.source, row.recorded_by) == (2023, Decimal("0.008"), "区统计局", bureau_officer)
    event = AuditEvent.objects.get(object_type="plan_supervision.IndicatorValue", object_id=str(row.pk))
    assert event.event_type == "create" and event.changes["value"] == [None, "0.008"]


def test_a_qualitative_indicator_is_recorded_as_achieved_or_not(organisation, bureau_officer):
    row = record(bureau_officer, organisation, value=None, achieved=True)
    assert row.met is True
    assert record(bureau_officer, organisation, value=None, achieved=False).met is False


def test_only_the_bureau_records_values(rate, department_clerk):
    with pytest.raises(services.NotAllowed):
        record(department_clerk, rate)
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("year", [2020, 2026])
def test_it_rejects_a_year_outside_the_plan_period(rate, bureau_officer, year):
    with pytest.raises(ValidationError) as exc:
        record(bureau_officer, rate, year=year)
    assert "year" in exc.value.message_dict
    assert not IndicatorValue.objects.exists()


def test_a_quantitative_indicator_needs_a_number(rate, bureau_officer):
    with pytest.raises(ValidationError) as exc:
        record(bureau_officer, rate, value=None, achieved=True)
    assert "value" in exc.value.message_dict


def test_it_rejects_a_value_without_a_source(rate, bureau_officer):
    with pytest.raises(ValidationError) as exc:
        record(bureau_officer, rate, source="  ")
    assert "source" in exc.value.message_dict


def test_values_are_recorded_for_indicators_only(plan, bureau_officer):
    with pytest.raises(ValidationError):
        record(bureau_officer, builders.task(plan, 1))


@pytest.mark.parametrize(("value", "met"), [("0.01", True), ("0.0100", True), ("0.0101", False), ("0", True)])
def test_at_most_targets_are_met_up_to_and_including_the_target(rate, bureau_officer, value, met):
    assert record(bureau_officer, rate, value=Decimal(value)).met is met


@pytest.mark.parametrize(("value", "met"), [("2", True), ("1.9999", False), ("3", True)])
def test_at_least_targets_are_met_from_the_target_up(value, met):
    item = Item(kind=Item.Kind.INDICATOR, comparator=Item.Comparator.AT_LEAST, target_value=Decimal("2"), unit="个")
    assert IndicatorValue(item=item, year=2023, value=Decimal(value)).met is met


def test_re_recording_a_year_updates_it_in_place_with_an_audit_row(rate, bureau_officer):
    first = record(bureau_officer, rate, value=Decimal("0.012"))
    assert first.met is False
    second = record(bureau_officer, rate, value=Decimal("0.009"), source="市应急局核定")
    assert second.pk == first.pk
    assert IndicatorValue.objects.filter(item=rate).count() == 1
    assert second.met is True
    update = AuditEvent.objects.filter(object_type="plan_supervision.IndicatorValue", object_id=str(first.pk),
                                       event_type="update").get()
    assert update.changes == {"value": ["0.0120", "0.009"], "source": ["区统计局", "市应急局核定"]}
    assert second.history.count() == 2


def test_the_indicator_page_records_a_value_and_shows_the_status(plan, rate, bureau_officer, client):
    login(client, bureau_officer)
    resp = client.post(f"/plans/{plan.pk}/indicators/", {"item": rate.pk, "year": 2024, "value": "0.007",
                                                         "achieved": "unknown", "source": "区统计局"})
    assert resp.status_code == 302
    assert IndicatorValue.objects.get(item=rate, year=2024).value == Decimal("0.007")
    page = client.get(f"/plans/{plan.pk}/indicators/")
    assert page.status_code == 200
    assert f"ind-chart-{rate.pk}" in page.content.decode()
