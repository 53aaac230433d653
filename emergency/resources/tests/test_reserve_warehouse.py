"""Use case: an agreement reserve (协议储备) is counted at — delivered to — one of our warehouses, so the nearby
search lists that warehouse with the available quantity of the item: its own stock plus the agreement stock,
marked. An agreement without a warehouse is still placed at its supplier; expired or archived agreements never
count. The bureau picks the warehouse on the contract form or later on the contract's page (audited, history)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import login, make_enterprise
from emergency.core.models import AuditEvent
from emergency.resources.reserves import services as reserve_services
from emergency.resources.reserves.models import ReserveAgreement, ReserveLine
from emergency.resources.shared.services import NotAllowed

from .conftest import st_make_warehouse

URL = "/api/v1/resources/nearby"
HERE = (30.0, 110.0)
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def api(client, bureau_officer):
    return login(client, bureau_officer)


def _warehouse(division, name, lat, lng):
    wh = st_make_warehouse(division, name)
    type(wh).objects.filter(pk=wh.pk).update(latitude=lat, longitude=lng)
    return type(wh).objects.get(pk=wh.pk)


def _agreement(user, number, lines, *, warehouse=None, enterprise=None, start=TODAY - DAY, end=TODAY + 30 * DAY,
               hours=6):
    return reserve_services.reserve_create(
        acting_user=user, contract_number=number, supplier_name="" if enterprise else "某供应商",
        enterprise=enterprise, warehouse=warehouse, valid_from=start, valid_until=end, delivery_hours=hours,
        contact_name="周经理", contact_phone="13600001111",
        lines=[{"item": item, "quantity": quantity} for item, quantity in lines])


def _nearby(api, item, **params):
    resp = api.get(URL, {"lat": HERE[0], "lon": HERE[1], "kinds": "warehouse", "item": str(item.pk), **params})
    assert resp.status_code == 200, resp.content
    return [r for r in resp.json()["results"] if r["distance_m"] < 10_000]


# --- nearby ----------------------------------------------------------------------------------------------------

def test_own_and_agreement_stock_are_summed_and_marked(api, bureau_officer, guangfu, st_item, st_other_item,
                                                       st_receive):
    wh = _warehouse(guangfu, "光复道仓库", 30.001, 110.0)
    st_receive(wh, st_item, 10, "L1")
    _agreement(bureau_officer, "XY-1", [(st_item, 100), (st_other_item, 7)], warehouse=wh)
    _agreement(bureau_officer, "XY-2", [(st_item, "2.5")], warehouse=wh, hours=3)
    rows = _nearby(api, st_item)
    assert [(r["kind"], r["id"]) for r in rows] == [("warehouse", wh.pk)]
    assert rows[0]["stock_source"] == "own+agreement"
    assert rows[0]["delivery_hours"] == 3  # the fastest promise of the agreements counted here
    assert rows[0]["available_quantity"] == {"own": 10.0, "agreement": 102.5, "total": 112.5, "unit": "箱"}
    # The other item: this warehouse holds it only under the agreement.
    other = _nearby(api, st_other_item)
    assert other[0]["stock_source"] == "agreement"
    assert other[0]["available_quantity"] == {"own": 0.0, "agreement": 7.0, "total": 7.0, "unit": "张"}
    assert other[0]["delivery_hours"] == 6


def test_a_warehouse_holding_only_agreement_stock_is_listed_in_distance_order(api, bureau_officer, guangfu,
                                                                             wanghai, st_item, st_receive):
    near = _warehouse(guangfu, "只有协议储备的近仓库", 30.001, 110.0)
    far = _warehouse(wanghai, "自有库存的远仓库", 30.01, 110.0)
    empty = _warehouse(guangfu, "空仓库", 30.0005, 110.0)
    st_receive(far, st_item, 3, "L1")
    _agreement(bureau_officer, "XY-NEAR", [(st_item, 40)], warehouse=near)
    rows = _nearby(api, st_item)
    assert [r["id"] for r in rows] == [near.pk, far.pk]
    assert empty.pk not in {r["id"] for r in rows}
    assert [r["stock_source"] for r in rows] == ["agreement", "own"]
    assert rows[0]["available_quantity"]["total"] == 40.0


def test_expired_future_and_archived_agreements_never_count(api, bureau_officer, guangfu, st_item, st_receive):
    wh = _warehouse(guangfu, "仓库", 30.001, 110.0)
    agreement_only = _warehouse(guangfu, "只有失效协议的仓库", 30.002, 110.0)
    st_receive(wh, st_item, 5, "L1")
    _agreement(bureau_officer, "XY-EXPIRED", [(st_item, 900)], warehouse=wh, start=TODAY - 60 * DAY,
               end=TODAY - DAY)
    _agreement(bureau_officer, "XY-FUTURE", [(st_item, 800)], warehouse=wh, start=TODAY + DAY, end=TODAY + 9 * DAY)
    archived = _agreement(bureau_officer, "XY-ARCHIVED", [(st_item, 700)], warehouse=agreement_only)
    ReserveAgreement.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    _agreement(bureau_officer, "XY-OLD-ONLY", [(st_item, 600)], warehouse=agreement_only, start=TODAY - 60 * DAY,
               end=TODAY - DAY)
    rows = _nearby(api, st_item)
    assert [r["id"] for r in rows] == [wh.pk]
    assert rows[0]["available_quantity"] == {"own": 5.0, "agreement": 0.0, "total": 5.0, "unit": "箱"}
    assert rows[0]["stock_source"] == "own" and "delivery_hours" not in rows[0]  # expired promises do not count


def test_an_archived_line_does_not_count(api, bureau_officer, guangfu, st_item):
    wh = _warehouse(guangfu, "仓库", 30.001, 110.0)
    agreement = _agreement(bureau_officer, "XY-1", [(st_item, 50)], warehouse=wh)
    ReserveLine.objects.filter(agreement=agreement).update(archived_at=timezone.now())
    assert _nearby(api, st_item) == []


def test_an_agreement_without_a_warehouse_stays_at_its_supplier(api, bureau_officer, guangfu, st_item, st_receive):
    supplier = make_enterprise("丙商贸有限公司", 3, guangfu)
    type(supplier).objects.filter(pk=supplier.pk).update(latitude=30.005, longitude=110.005)
    wh = _warehouse(guangfu, "仓库", 30.001, 110.0)
    st_receive(wh, st_item, 5, "L1")
    at_supplier = _agreement(bureau_officer, "XY-SUP", [(st_item, 300)], enterprise=supplier, hours=4)
    # Counted at the warehouse, the same supplier's other contract is not placed at the supplier.
    _agreement(bureau_officer, "XY-WH", [(st_item, 20)], enterprise=supplier, warehouse=wh)
    rows = _nearby(api, st_item)
    assert [(r["id"], r["stock_source"]) for r in rows] == [(wh.pk, "own+agreement"), (at_supplier.pk, "agreement")]
    assert rows[0]["available_quantity"]["total"] == 25.0
    assert rows[1]["delivery_hours"] == 4 and rows[1]["available_quantity"]["agreement"] == 300.0
    near = reserve_services.agreement_lines_near(st_item, lat=HERE[0], lon=HERE[1])
    assert [(r["contract_number"], r["counted_at"]) for r in near] == [("XY-WH", "warehouse"), ("XY-SUP", "supplier")]


def test_the_item_search_takes_the_same_number_of_queries_for_many_rows(api, bureau_officer, guangfu, st_item,
                                                                        st_other_item, st_receive):
    def add(start, stop):
        for i in range(start, stop):
            wh = _warehouse(guangfu, f"仓库{i}", 30.0 + 0.0001 * i, 110.0)
            if i % 3 != 2:
                st_receive(wh, st_item, 3, f"L{i}")
            if i % 3 != 1:
                _agreement(bureau_officer, f"XY-{i}", [(st_item, 5), (st_other_item, 1)], warehouse=wh)
            _warehouse(guangfu, f"空仓库{i}", 30.0 - 0.0001 * i, 110.0)

    add(0, 5)
    _nearby(api, st_item, limit="100")
    with CaptureQueriesContext(connection) as few:
        assert len(_nearby(api, st_item, limit="100")) == 5
    add(5, 30)
    with CaptureQueriesContext(connection) as many:
        rows = _nearby(api, st_item, limit="100")
    assert len(rows) == 30
    assert {r["stock_source"] for r in rows} == {"own", "agreement", "own+agreement"}
    assert len(many.captured_queries) == len(few.captured_queries)


# --- the reserve form, the service, the contract page -----------------------------------------------------------

FORM = {"contract_number": "HB-2026-009", "supplier_name": "天津某物资公司", "valid_from": "2026-01-01",
        "valid_until": "2026-12-31", "delivery_hours": "8", "contact_name": "周经理", "contact_phone": "13600001111",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-0-quantity": "200"}


def test_the_bureau_picks_the_warehouse_on_the_contract_form(client, bureau_officer, st_wh_a, st_item):
    login(client, bureau_officer)
    form = client.get("/resources/teams/reserves/new/").content.decode()
    assert 'name="warehouse"' in form and "data-warehouse-picker" in form  # a picker, not a list of them all
    resp = client.post("/resources/teams/reserves/new/", {**FORM, "warehouse": st_wh_a.pk,
                                                            "lines-0-item": st_item.pk})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    agreement = ReserveAgreement.objects.get()
    assert agreement.warehouse == st_wh_a
    event = AuditEvent.objects.get(object_type="resources.ReserveAgreement")
    assert event.changes["warehouse"] == [None, str(st_wh_a.pk)]
    assert agreement.history.get().warehouse_id == st_wh_a.pk
    page = client.get(f"/resources/teams/reserves/{agreement.pk}/").content.decode()
    assert f'href="/resources/stock/warehouses/{st_wh_a.pk}/"' in page
    assert st_wh_a.name in client.get("/resources/teams/reserves/").content.decode()


@pytest.mark.parametrize("bad", ["999999", "abc", "ARCHIVED"])
def test_a_bad_warehouse_is_a_form_error_and_nothing_is_written(client, bureau_officer, st_wh_a, st_item, bad):
    if bad == "ARCHIVED":
        type(st_wh_a).objects.filter(pk=st_wh_a.pk).update(archived_at=timezone.now())
        bad = str(st_wh_a.pk)
    login(client, bureau_officer)
    resp = client.post("/resources/teams/reserves/new/", {**FORM, "warehouse": bad, "lines-0-item": st_item.pk})
    assert resp.status_code == 400
    assert resp.context["form"].errors["warehouse"]
    assert not ReserveAgreement.objects.exists() and not ReserveLine.objects.exists()


def test_the_service_refuses_an_archived_warehouse_naming_the_field(bureau_officer, st_wh_a, st_item):
    type(st_wh_a).objects.filter(pk=st_wh_a.pk).update(archived_at=timezone.now())
    archived = type(st_wh_a).objects.get(pk=st_wh_a.pk)
    with pytest.raises(ValidationError) as exc:
        _agreement(bureau_officer, "XY-1", [(st_item, 1)], warehouse=archived)
    assert list(exc.value.message_dict) == ["warehouse"]
    assert not ReserveAgreement.objects.exists()


def test_the_warehouse_is_changed_on_the_contract_page_audited_and_kept_in_history(client, bureau_officer, st_wh_a,
                                                                                   st_wh_b, st_item):
    agreement = _agreement(bureau_officer, "XY-1", [(st_item, 10)], warehouse=st_wh_a)
    login(client, bureau_officer)
    page = client.get(f"/resources/teams/reserves/{agreement.pk}/").content.decode()
    assert 'data-testid="reserve-warehouse-form"' in page and f"{st_wh_a.name} · #{st_wh_a.pk}" in page
    url = f"/resources/teams/reserves/{agreement.pk}/warehouse/"
    assert client.post(url, {"warehouse": f"{st_wh_b.name} · #{st_wh_b.pk}"}).status_code == 302
    assert ReserveAgreement.objects.get(pk=agreement.pk).warehouse_id == st_wh_b.pk
    update = AuditEvent.objects.get(object_type="resources.ReserveAgreement", event_type=AuditEvent.Type.UPDATE)
    assert update.changes["warehouse"] == [str(st_wh_a.pk), str(st_wh_b.pk)]
    assert client.post(url, {"warehouse": ""}).status_code == 302  # back to the supplier
    assert ReserveAgreement.objects.get(pk=agreement.pk).warehouse_id is None
    assert [h.warehouse_id for h in agreement.history.order_by("history_date")] == [st_wh_a.pk, st_wh_b.pk, None]
    resp = client.post(url, {"warehouse": "999999"})
    assert resp.status_code == 400 and "warehouse" in resp.context["warehouse_form"].errors
    assert ReserveAgreement.objects.get(pk=agreement.pk).warehouse_id is None


def test_only_the_bureau_changes_where_a_reserve_is_counted(client, subdistrict_officer, department_clerk,
                                                            bureau_officer, st_wh_a, st_item):
    agreement = _agreement(bureau_officer, "XY-1", [(st_item, 10)])
    for user in (subdistrict_officer, department_clerk):
        login(client, user)
        page = client.get(f"/resources/teams/reserves/{agreement.pk}/").content.decode()
        assert 'data-testid="reserve-warehouse-form"' not in page
        resp = client.post(f"/resources/teams/reserves/{agreement.pk}/warehouse/", {"warehouse": st_wh_a.pk})
        assert resp.status_code == 403
    assert ReserveAgreement.objects.get(pk=agreement.pk).warehouse_id is None
    with pytest.raises(NotAllowed):
        reserve_services.reserve_set_warehouse(acting_user=subdistrict_officer, agreement=agreement,
                                               warehouse=st_wh_a)


def test_the_demo_ties_agreements_to_demo_warehouses(db):
    from conftest import make_user
    from emergency.resources.demo import load_demo_resources
    from emergency.resources.stock.models import SupplyItem

    make_user("bureau_staff", "bureau_staff")
    counts = load_demo_resources()
    assert counts["agreements"] == 3
    tied = ReserveAgreement.objects.filter(warehouse__isnull=False, warehouse__is_synthetic=True)
    assert tied.count() == 2
    assert all(a.is_valid_on(TODAY) for a in ReserveAgreement.objects.all())
    # The district store holds water itself and under an agreement, and instant food only under the agreement.
    from emergency.resources.map.selectors import NearbyQuery, nearby

    bureau = make_user("demo_reader", "bureau_staff")
    water = SupplyItem.objects.get(name="瓶装饮用水")
    rows = nearby(bureau, NearbyQuery(lat=39.16, lng=117.2, kinds=["warehouse"], limit=20, item=water))
    district = [r for r in rows if r["name"] == "河北区应急物资储备库（虚构）"]
    assert district[0]["stock_source"] == "own+agreement"
    assert district[0]["available_quantity"]["total"] == 2300.0
    assert load_demo_resources()["agreements"] == 0
