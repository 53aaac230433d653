"""Alerts: below minimum stock per item and warehouse, lots expiring within 30 days; and the daily reminder."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import login
from emergency.core import scheduler
from emergency.core.models import Notification
from emergency.resources.stock import selectors as selectors_stock
from emergency.resources.stock import services
from emergency.resources.stock.models import MinimumStock
from emergency.resources.tasks import send_stock_alert_reminders

from .conftest import st_make_warehouse

pytestmark = pytest.mark.usefixtures("st_english_pages")


@pytest.fixture
def st_alerts(st_wh_a, st_wh_b, st_item, st_other_item, st_receive, st_today):
    """In A: water 5 against a minimum of 20, a lot expiring in 10 days; in B: beds above their minimum and
    a lot expiring in 90 days."""
    st_receive(st_wh_a, st_item, 5, "A-1", expires_on=st_today + timedelta(days=10))
    MinimumStock.objects.create(warehouse=st_wh_a, item=st_item, minimum=20)
    st_receive(st_wh_b, st_other_item, 50, "B-1", expires_on=st_today + timedelta(days=90))
    MinimumStock.objects.create(warehouse=st_wh_b, item=st_other_item, minimum=20)


def test_below_minimum_counts_the_stock_across_lots_and_missing_stock_as_zero(st_alerts, st_wh_a,
                                                                             st_other_item, st_receive):
    MinimumStock.objects.create(warehouse=st_wh_a, item=st_other_item, minimum=1)  # none held at all
    rows = {(m.warehouse_id, m.item.name): m.stock for m in selectors_stock.below_minimum()}
    assert rows == {(st_wh_a.pk, "瓶装水"): 5, (st_wh_a.pk, "折叠床"): 0}
    st_receive(st_wh_a, st_other_item, 1, "A-2")
    assert [m.stock for m in selectors_stock.below_minimum()] == [5]


def test_expiring_lots_are_those_within_thirty_days_or_expired(st_alerts, st_wh_a, st_item, st_receive, st_today,
                                                              bureau_officer):
    expired = st_receive(st_wh_a, st_item, 1, "OLD", expires_on=st_today - timedelta(days=1))
    st_receive(st_wh_a, st_item, 1, "EDGE", expires_on=st_today + timedelta(days=selectors_stock.expiry_warning_days()))
    st_receive(st_wh_a, st_item, 1, "LATER", expires_on=st_today + timedelta(days=31))
    assert [lot.lot_number for lot in selectors_stock.expiring_lots(today=st_today)] == ["OLD", "A-1", "EDGE"]
    services.stock_issue_lot(acting_user=bureau_officer, lot=expired, quantity=1, reason="incident")
    assert "OLD" not in [lot.lot_number for lot in selectors_stock.expiring_lots(today=st_today)]


def test_the_alerts_page_shows_both_lists(client, department_clerk, st_alerts, st_wh_a):
    response = login(client, department_clerk).get(reverse("resources:stock_alerts"))
    assert response.status_code == 200
    assert (response.context["below_count"], response.context["expiring_count"]) == (1, 1)
    body = response.content.decode()
    assert "A-1" in body and "B-1" not in body and "Expiring within 30 days" in body


def test_the_alerts_page_query_count_does_not_grow(client, bureau_officer, st_alerts, guangfu, st_item, st_receive,
                                                   st_today):
    login(client, bureau_officer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("resources:stock_alerts"))
    for i in range(10):
        wh = st_make_warehouse(guangfu, f"库{i}")
        st_receive(wh, st_item, 1, f"X{i}", expires_on=st_today)
        MinimumStock.objects.create(warehouse=wh, item=st_item, minimum=5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("resources:stock_alerts"))
    assert response.context["below_count"] == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_reminder_goes_to_the_bureau_and_the_warehouses_subdistrict_once(
        st_alerts, bureau_officer, subdistrict_officer, other_subdistrict_officer, department_clerk):
    assert send_stock_alert_reminders() == 4  # two alerts in A × (bureau officer + A's subdistrict officer)
    titles = sorted(Notification.objects.filter(recipient=subdistrict_officer).values_list("title", flat=True))
    assert titles == ["Below minimum stock: 瓶装水 at 光复道街物资库", "Lot near expiry: 瓶装水 #A-1 at 光复道街物资库"]
    assert Notification.objects.filter(recipient=bureau_officer).count() == 2
    assert not Notification.objects.filter(recipient__in=[other_subdistrict_officer, department_clerk]).exists()
    assert send_stock_alert_reminders() == 0  # nothing new the next day


def test_a_minimum_alert_is_reminded_again_after_a_week(st_alerts, bureau_officer):
    send_stock_alert_reminders()
    assert send_stock_alert_reminders(now=timezone.now() + datetime.timedelta(days=8)) == 1


def test_the_reminder_is_scheduled_daily(st_alerts, bureau_officer):
    job = next(j for j in scheduler.SCHEDULE if j.name == "stock_alert_reminders")
    assert job.every == timedelta(days=1)
    assert "stock_alert_reminders" in scheduler.enqueue_due()
    assert Notification.objects.filter(recipient=bureau_officer).count() == 2
    assert "stock_alert_reminders" not in scheduler.enqueue_due()


def test_the_expiry_window_is_a_rule_tested_at_its_boundary(st_wh_a, st_item, st_receive, st_today):
    from emergency.core import rules
    from emergency.core.models import Rule

    row = Rule.objects.get(key="resources.expiry_warning_days")
    assert (row.value, row.unit) == (30, "天") and row.source
    st_receive(st_wh_a, st_item, 1, "D10", expires_on=st_today + timedelta(days=10))
    st_receive(st_wh_a, st_item, 1, "D11", expires_on=st_today + timedelta(days=11))
    Rule.objects.filter(key=row.key).update(value=10)
    rules.forget(row.key)
    try:
        assert [lot.lot_number for lot in selectors_stock.expiring_lots(today=st_today)] == ["D10"]
    finally:
        rules.forget(row.key)
