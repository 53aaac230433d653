"""The movement ledger page (filters, pagination) and its streamed .xlsx export."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.stock import services

pytestmark = pytest.mark.usefixtures("st_english_pages")


@pytest.fixture
def st_movements(bureau_officer, st_wh_a, st_wh_b, st_item, st_other_item, st_receive):
    a = st_receive(st_wh_a, st_item, 10, "A")
    st_receive(st_wh_b, st_other_item, 5, "B")
    services.stock_issue_lot(acting_user=bureau_officer, lot=a, quantity=3, reason="incident", note="某火灾")
    return a


def test_the_ledger_lists_movements_for_every_business_user(client, department_clerk, st_movements):
    response = login(client, department_clerk).get(reverse("resources:stock_ledger"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    body = response.content.decode()
    assert "某火灾" in body and ">-3<" in body


def test_the_ledger_filters_by_warehouse_item_kind_and_date(client, bureau_officer, st_movements, st_wh_a, st_wh_b,
                                                            st_item, st_today):
    login(client, bureau_officer)
    url = reverse("resources:stock_ledger")

    def count(**params):
        return client.get(url, params).context["page"].paginator.count

    assert count(warehouse=st_wh_a.pk) == 2
    assert count(warehouse=st_wh_b.pk) == 1
    assert count(item=st_item.pk, kind="issue") == 1
    assert count(date_from=st_today.isoformat(), date_to=st_today.isoformat()) == 3
    assert count(date_to="2000-01-01") == 0
    response = client.get(url, {"warehouse": "abc", "date_from": "not-a-date"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 3
    assert "date_from" in response.context["form"].errors


def test_the_ledger_query_count_does_not_grow_with_rows(client, bureau_officer, st_movements):
    login(client, bureau_officer)
    url = reverse("resources:stock_ledger")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(20):
        services.stock_return(acting_user=bureau_officer, lot=st_movements, quantity=1, note="回收")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_ledger_pages_by_fifty(client, bureau_officer, st_movements):
    for _ in range(50):
        services.stock_return(acting_user=bureau_officer, lot=st_movements, quantity=1, note="回收")
    login(client, bureau_officer)
    response = client.get(reverse("resources:stock_ledger"), {"page": 2})
    assert len(response.context["page"].object_list) == 3


def test_the_export_is_a_streamed_xlsx_with_the_filters_applied_and_audited(client, subdistrict_officer,
                                                                           st_movements, st_wh_a):
    login(client, subdistrict_officer)
    response = client.get(reverse("resources:stock_ledger_export"), {"warehouse": st_wh_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Time", "Warehouse")  # no database id
    assert len(rows) == 1 + 2
    assert {r[1] for r in rows[1:]} == {st_wh_a.name}
    assert sorted(r[9] for r in rows[1:]) == [-3, 10]
    event = AuditEvent.objects.get(event_type="export", object_type="resources.StockMovement")
    assert event.changes["rows"] == 2 and f"warehouse={st_wh_a.pk}" in event.changes["filters"]
