"""Use case: a warehouse manager drafts a procurement, allocation or issue document on a page, the bureau (not
the drafter) approves it, a manager executes it; the stock is checked at execution and a shortfall leaves the
document and the stock unchanged. Bad input is a form error and writes nothing."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import login, make_user
from emergency.core.models import AuditEvent
from emergency.core.roles import Role
from emergency.resources.stock import services as docs
from emergency.resources.stock.models import Lot, StockDocument, StockMovement, Transfer, Warehouse

from .conftest import st_make_warehouse

pytestmark = pytest.mark.usefixtures("st_english_pages")


def _management(prefix="line", total=6):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "50"}


def _post(client, header: dict, lines: list[dict]):
    data = {**_management(), **header}
    for i, line in enumerate(lines):
        data.update({f"line-{i}-{k}": v for k, v in line.items()})
    return client.post(reverse("resources:document_create"), data)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(1 for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"])


@pytest.fixture
def approver(db):
    return make_user("doc_approver", Role.BUREAU_ADMIN)


def test_the_whole_issue_document_runs_through_the_pages(client, bureau_officer, approver, st_wh_a, st_item,
                                                         st_receive):
    st_receive(st_wh_a, st_item, 10, "L1")
    login(client, bureau_officer)
    form = client.get(reverse("resources:document_create"), {"warehouse": st_wh_a.pk, "kind": "issue"})
    assert form.status_code == 200
    assert f"{st_wh_a.name} · #{st_wh_a.pk}" in form.content.decode()  # the warehouse picked from its page
    assert form.context["form"]["reason"].value() == "incident"  # a reason that fits an issue
    resp = _post(client, {"kind": "issue", "warehouse": f"{st_wh_a.name} · #{st_wh_a.pk}", "reason": "incident",
                          "note": "光复道积水点"}, [{"item": st_item.pk, "quantity": "4"}])
    assert resp.status_code == 302
    doc = StockDocument.objects.get()
    assert (doc.kind, doc.state, doc.lines.get().quantity) == ("issue", "draft", 4)
    detail = client.get(resp["Location"]).content.decode()
    assert 'data-testid="document-approve"' not in detail  # the drafter does not approve
    assert 'data-testid="available-now">10' in detail
    assert "Allocation to an incident · 光复道积水点" in detail  # the reason in words, then the purpose

    login(client, approver)
    client.post(reverse("resources:document_action", args=[doc.pk, "approve"]))
    assert StockDocument.objects.get(pk=doc.pk).state == "approved"
    assert Lot.objects.get().balance == 10  # nothing moves before execution

    login(client, bureau_officer)
    resp = client.post(reverse("resources:document_action", args=[doc.pk, "execute"]), follow=True)
    assert StockDocument.objects.get(pk=doc.pk).state == "executed"
    assert Lot.objects.get().balance == 6
    assert "The document is executed" in resp.content.decode()
    assert AuditEvent.objects.filter(object_type__iendswith="stockdocument", object_id=str(doc.pk)).count() == 3


def test_a_shortfall_at_execution_is_a_message_and_changes_nothing(client, bureau_officer, approver, st_wh_a,
                                                                   st_item, st_receive):
    lot = st_receive(st_wh_a, st_item, 5, "L1")
    doc = docs.document_create(acting_user=bureau_officer, kind="issue", warehouse=st_wh_a, reason="shelter",
                               lines=[{"item": st_item, "quantity": 4}])
    docs.document_approve(acting_user=approver, document=doc)
    from emergency.resources.stock import services

    services.stock_issue(acting_user=bureau_officer, warehouse=st_wh_a, item=st_item, quantity=3, reason="incident")
    login(client, bureau_officer)
    detail = client.get(reverse("resources:document_detail", args=[doc.pk])).content.decode()
    assert "Short" in detail
    movements = StockMovement.objects.count()
    resp = client.post(reverse("resources:document_action", args=[doc.pk, "execute"]), follow=True)
    body = resp.content.decode()
    assert "Only 2" in body and "available" in body
    assert StockDocument.objects.get(pk=doc.pk).state == "approved"
    assert Lot.objects.get(pk=lot.pk).balance == 2 and StockMovement.objects.count() == movements


def test_a_procurement_and_an_allocation_through_the_pages(client, bureau_officer, approver, st_district_wh,
                                                          st_wh_a, st_item):
    login(client, bureau_officer)
    resp = _post(client, {"kind": "procurement", "warehouse": str(st_district_wh.pk), "reason": "donation"},
                 [{"item": st_item.pk, "quantity": "20", "lot_number": "D-1", "expires_on": "2030-01-01"}, {}])
    assert resp.status_code == 302
    buy = StockDocument.objects.get(kind="procurement")
    resp = _post(client, {"kind": "allocation", "warehouse": f"{st_district_wh.name} · #{st_district_wh.pk}",
                          "destination": st_wh_a.name, "reason": "transfer"},
                 [{"item": st_item.pk, "quantity": "8"}])
    assert resp.status_code == 302
    move = StockDocument.objects.get(kind="allocation")
    assert move.destination == st_wh_a
    for doc in (buy, move):
        login(client, approver)
        client.post(reverse("resources:document_action", args=[doc.pk, "approve"]))
        login(client, bureau_officer)
        client.post(reverse("resources:document_action", args=[doc.pk, "execute"]))
    assert Lot.objects.get(warehouse=st_district_wh).balance == 12
    assert Transfer.objects.get().quantity == 8  # in transit until the receipt is confirmed


@pytest.mark.parametrize(("header", "lines", "field", "message"), [
    ({"kind": "issue", "reason": "incident"}, [], "lines", "Add at least one line."),
    ({"kind": "issue", "reason": "donation"}, [{"quantity": "1"}], "reason", "This reason does not fit"),
    ({"kind": "procurement", "reason": "procurement"}, [{"quantity": "1"}], "lot", "Give the lot number."),
    ({"kind": "issue", "reason": "incident"}, [{"quantity": "-1"}], "quantity", "greater than or equal to 0.001"),
    ({"kind": "issue", "reason": "incident"}, [{"quantity": "abc"}], "quantity", "Enter a number."),
    ({"kind": "issue", "reason": "incident"}, [{"quantity": ""}], "quantity", "Enter a quantity above zero."),
    ({"kind": "allocation", "reason": "transfer"}, [{"quantity": "1"}], "destination", "Choose another warehouse"),
    ({"kind": "allocation", "reason": "transfer", "destination": "SAME"}, [{"quantity": "1"}], "destination",
     "Choose another warehouse"),
    ({"kind": "issue", "reason": "incident", "warehouse": "没有这个库"}, [{"quantity": "1"}], "warehouse",
     "Pick a warehouse from the suggestions"),
    ({"kind": "moon", "reason": "incident"}, [{"quantity": "1"}], "kind", "Select a valid choice"),
])
def test_bad_input_is_a_form_error_and_writes_nothing(client, bureau_officer, st_wh_a, st_item, header, lines,
                                                      field, message):
    header = {"warehouse": str(st_wh_a.pk), **header}
    if header.get("destination") == "SAME":
        header["destination"] = str(st_wh_a.pk)
    lines = [{"item": st_item.pk, **line} for line in lines]
    login(client, bureau_officer)
    audit = AuditEvent.objects.count()
    resp = _post(client, header, lines)
    assert resp.status_code == 400
    assert message in resp.content.decode()
    assert not StockDocument.objects.exists() and AuditEvent.objects.count() == audit


def test_a_subdistrict_user_drafts_only_for_its_own_warehouses(client, subdistrict_officer, st_wh_a, st_wh_b,
                                                               st_item):
    login(client, subdistrict_officer)
    resp = _post(client, {"kind": "issue", "warehouse": str(st_wh_b.pk), "reason": "incident"},
                 [{"item": st_item.pk, "quantity": "1"}])
    assert resp.status_code == 400 and not StockDocument.objects.exists()
    resp = _post(client, {"kind": "issue", "warehouse": str(st_wh_a.pk), "reason": "incident"},
                 [{"item": st_item.pk, "quantity": "1"}])
    assert resp.status_code == 302
    doc = StockDocument.objects.get()
    # A subdistrict user does not approve (the bureau does), and cannot act on another subdistrict's document.
    resp = client.post(reverse("resources:document_action", args=[doc.pk, "approve"]))
    assert resp.status_code == 403
    assert StockDocument.objects.get(pk=doc.pk).state == "draft"


def test_users_who_manage_no_warehouse_read_but_do_not_draft(client, department_clerk, bureau_officer, st_wh_a,
                                                             st_item):
    doc = docs.document_create(acting_user=bureau_officer, kind="issue", warehouse=st_wh_a, reason="incident",
                               lines=[{"item": st_item, "quantity": 1}])
    login(client, department_clerk)
    assert client.get(reverse("resources:document_create")).status_code == 403
    listing = client.get(reverse("resources:document_list")).content.decode()
    assert f"#{doc.pk}" in listing and 'data-testid="document-create"' not in listing
    assert client.post(reverse("resources:document_action", args=[doc.pk, "cancel"])).status_code == 403
    assert client.post(reverse("resources:document_action", args=[doc.pk, "fly"])).status_code == 403


def test_the_list_filters_and_its_query_count_does_not_grow(client, bureau_officer, st_wh_a, st_wh_b, st_item):
    def make(n, wh):
        for _ in range(n):
            docs.document_create(acting_user=bureau_officer, kind="issue", warehouse=wh, reason="incident",
                                 lines=[{"item": st_item, "quantity": 1}, {"item": st_item, "quantity": 2}])

    login(client, bureau_officer)
    url = reverse("resources:document_list")
    make(3, st_wh_a)
    few = _queries(client, url)
    make(30, st_wh_b)
    assert _queries(client, url) == few
    body = client.get(url, {"warehouse": f"{st_wh_a.name} · #{st_wh_a.pk}", "state": "draft"}).content.decode()
    assert len(re.findall(r'href="/resources/stock/documents/\d+/"', body)) == 3
    resp = client.get(url, {"warehouse": "不存在", "state": "moon"})
    assert resp.status_code == 200 and "Pick a warehouse from the suggestions" in resp.content.decode()


def test_the_warehouse_suggestions_are_scoped_and_bounded(client, subdistrict_officer, st_wh_a, st_wh_b,
                                                          guangfu):
    for i in range(30):
        st_make_warehouse(guangfu, f"光复道社区库{i:02d}")
    login(client, subdistrict_officer)
    url = reverse("resources:warehouse_suggest")
    body = client.get(url, {"destination": "光复道"}).content.decode()
    assert body.count("<option") == 20
    st_make_warehouse(guangfu, "北光复道街库")
    body = client.get(url, {"destination": "光复道街"}).content.decode()
    assert body.index(st_wh_a.name) < body.index("北光复道街库")  # names starting with what was typed first
    body = client.get(url, {"transfer-destination": f"#{st_wh_b.pk}"}).content.decode()
    assert f"{st_wh_b.name} · #{st_wh_b.pk}" in body  # every business user reads every warehouse
    assert client.get(url, {"q": "<script>"}).status_code == 200


def test_the_warehouse_page_does_not_list_every_other_warehouse(client, bureau_officer, st_wh_a, st_wh_b, st_item,
                                                                st_receive, guangfu):
    st_receive(st_wh_a, st_item, 5, "L1")
    login(client, bureau_officer)
    url = reverse("resources:warehouse_detail", args=[st_wh_a.pk])
    few = _queries(client, url)
    for i in range(40):
        st_make_warehouse(guangfu, f"其他库{i}")
    assert _queries(client, url) == few
    body = client.get(url).content.decode()
    assert "其他库1" not in body and st_wh_b.name not in body
    # The transfer still reaches a warehouse typed as "name · #id" or by its exact name.
    lot = Lot.objects.get(warehouse=st_wh_a)
    resp = client.post(reverse("resources:warehouse_operation", args=[st_wh_a.pk, "transfer"]),
                       {"transfer-lot": lot.pk, "transfer-destination": f"{st_wh_b.name} · #{st_wh_b.pk}",
                        "transfer-quantity": "2"})
    assert resp.status_code == 302
    assert Transfer.objects.get().destination == st_wh_b
    twin = st_make_warehouse(guangfu, st_wh_b.name)
    resp = client.post(reverse("resources:warehouse_operation", args=[st_wh_a.pk, "transfer"]),
                       {"transfer-lot": lot.pk, "transfer-destination": st_wh_b.name, "transfer-quantity": "1"})
    assert resp.status_code == 400 and "Several warehouses have this name" in resp.content.decode()
    assert Transfer.objects.count() == 1 and Warehouse.objects.filter(pk=twin.pk).exists()


@pytest.mark.parametrize("who", ["enterprise_manager", "expert"])
@pytest.mark.parametrize("name", ["warehouse_list", "stock_ledger", "stock_alerts", "catalogue", "document_list",
                                  "document_create", "warehouse_suggest", "warehouse_export"])
def test_enterprises_and_experts_do_not_read_the_stock_pages(client, request, who, name):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse(f"resources:{name}")).status_code == 403


def test_the_pages_speak_of_stock_in_chinese(client, bureau_officer, st_wh_a, st_item, settings):
    """"Issue" and "Document" have other meanings elsewhere (issuing a notice, a plan document)."""
    docs.document_create(acting_user=bureau_officer, kind="issue", warehouse=st_wh_a, reason="incident",
                         lines=[{"item": st_item, "quantity": 1}])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    login(client, bureau_officer)
    listing = client.get(reverse("resources:document_list")).content.decode()
    assert "出库 #" in listing and 'data-sort="document">单据<' in listing and "下发" not in listing
    page = client.get(reverse("resources:warehouse_detail", args=[st_wh_a.pk])).content.decode()
    assert "下发" not in page
