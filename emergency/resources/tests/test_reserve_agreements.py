"""Use case: the bureau records agreement reserves (协议储备) — contracts under which enterprises hold supplies or
capacity for us — and availability counts only contracts valid on the day asked about."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.reserves import services as reserve_services
from emergency.resources.reserves.models import ReserveAgreement, ReserveLine
from emergency.resources.shared.services import NotAllowed

DAY = datetime.date(2026, 7, 1)


def _contract(user, number, item, quantity, *, start, end, enterprise=None, **extra):
    return reserve_services.reserve_create(
        acting_user=user, contract_number=number, enterprise=enterprise, supplier_name=extra.pop("supplier", ""),
        valid_from=start, valid_until=end, delivery_hours=extra.pop("hours", 6), contact_name="周经理",
        contact_phone="13600001111", lines=[{"item": item, "quantity": quantity, "capacity_note": "常备"}], **extra)


def test_agreement_quantity_counts_only_contracts_valid_on_the_day(bureau_officer, st_item, st_other_item,
                                                                   enterprise_a):
    one_day = datetime.timedelta(days=1)
    _contract(bureau_officer, "XY-1", st_item, "100", start=DAY - one_day * 30, end=DAY, enterprise=enterprise_a)
    _contract(bureau_officer, "XY-2", st_item, "50.5", start=DAY, end=DAY + one_day * 365, supplier="某超市")
    _contract(bureau_officer, "XY-OLD", st_item, "999", start=DAY - one_day * 400, end=DAY - one_day,
              supplier="过期供应商")
    _contract(bureau_officer, "XY-NEW", st_item, "777", start=DAY + one_day, end=DAY + one_day * 10,
              supplier="未生效供应商")
    _contract(bureau_officer, "XY-OTHER", st_other_item, "5", start=DAY, end=DAY, supplier="床铺厂")
    assert reserve_services.agreement_quantity(st_item, on=DAY) == Decimal("150.5")
    assert reserve_services.agreement_quantity(st_item.pk, on=DAY + one_day) == Decimal("827.5")
    assert reserve_services.agreement_quantity(st_item, on=DAY - one_day) == Decimal("1099")
    assert reserve_services.agreement_quantity(st_other_item, on=DAY + one_day) == Decimal(0)
    assert reserve_services.agreement_quantities([st_item.pk, st_other_item.pk], on=DAY) == {
        st_item.pk: Decimal("150.5"), st_other_item.pk: Decimal(5)}
    ReserveAgreement.objects.filter(contract_number="XY-2").update(archived_at=datetime.datetime(2026, 1, 1,
                                                                                                tzinfo=datetime.UTC))
    assert reserve_services.agreement_quantity(st_item, on=DAY) == Decimal(100)


def test_nearby_agreement_lines_come_nearest_first_and_marked(bureau_officer, st_item, enterprise_a, enterprise_b):
    type(enterprise_a).objects.filter(pk=enterprise_a.pk).update(latitude=39.15, longitude=117.19)
    type(enterprise_b).objects.filter(pk=enterprise_b.pk).update(latitude=39.20, longitude=117.25)
    _contract(bureau_officer, "N-1", st_item, "10", start=DAY, end=DAY, enterprise=enterprise_b, hours=4)
    _contract(bureau_officer, "N-2", st_item, "20", start=DAY, end=DAY, enterprise=enterprise_a)
    _contract(bureau_officer, "N-3", st_item, "30", start=DAY, end=DAY, supplier="无位置供应商")
    found = reserve_services.agreement_lines_near(st_item, lat=39.151, lon=117.191, on=DAY)
    assert [r["contract_number"] for r in found] == ["N-2", "N-1"]
    assert all(r["kind"] == "agreement" for r in found) and found[0]["distance_m"] < found[1]["distance_m"]
    assert found[1]["delivery_hours"] == 4 and found[0]["supplier"] == enterprise_a.name


def test_the_bureau_creates_a_contract_with_lines_on_the_page(client, bureau_officer, st_item, st_other_item):
    login(client, bureau_officer)
    resp = client.post("/resources/teams/reserves/new/", {
        "contract_number": "HB-2026-001", "supplier_name": "天津某物资公司", "valid_from": "2026-01-01",
        "valid_until": "2026-12-31", "delivery_hours": "8", "contact_name": "周经理", "contact_phone": "13600001111",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "1", "lines-MAX_NUM_FORMS": "50",
        "lines-0-item": st_item.pk, "lines-0-quantity": "200", "lines-0-capacity_note": "48小时内可增产500箱",
        "lines-1-item": st_other_item.pk, "lines-1-quantity": "30"})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    agreement = ReserveAgreement.objects.get()
    assert sorted(agreement.lines.values_list("quantity", flat=True)) == [Decimal(30), Decimal(200)]
    assert AuditEvent.objects.get(object_type="resources.ReserveAgreement").actor == bureau_officer
    page = client.get(f"/resources/teams/reserves/{agreement.pk}/").content.decode()
    assert "48小时内可增产500箱" in page


@pytest.mark.parametrize("bad", [
    {"valid_until": "2025-12-31"},                     # ends before it starts
    {"lines-0-quantity": "-5"},                        # negative quantity
    {"lines-0-item": "", "lines-0-quantity": ""},     # no line at all
    {"lines-1-item": "SAME", "lines-1-quantity": "1"},  # the same item twice
    {"contact_phone": "call me"},
    {"supplier_name": ""},
])
def test_a_bad_contract_is_refused_and_nothing_is_written(bad, client, bureau_officer, st_item):
    login(client, bureau_officer)
    data = {"contract_number": "HB-BAD", "supplier_name": "某公司", "valid_from": "2026-01-01",
            "valid_until": "2026-12-31", "delivery_hours": "8", "contact_name": "周经理",
            "contact_phone": "13600001111", "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
            "lines-0-item": st_item.pk, "lines-0-quantity": "10"}
    data.update({k: (st_item.pk if v == "SAME" else v) for k, v in bad.items()})
    assert client.post("/resources/teams/reserves/new/", data).status_code == 400
    assert not ReserveAgreement.objects.exists() and not ReserveLine.objects.exists()


def test_only_the_bureau_records_contracts(subdistrict_officer, department_clerk, st_item, client):
    for user in (subdistrict_officer, department_clerk):
        with pytest.raises(NotAllowed):
            _contract(user, "X", st_item, "1", start=DAY, end=DAY, supplier="s")
    login(client, subdistrict_officer)
    assert client.get("/resources/teams/reserves/new/").status_code == 403
    assert client.get("/resources/teams/reserves/").status_code == 200


def test_a_contract_number_is_unique(bureau_officer, st_item):
    _contract(bureau_officer, "DUP-1", st_item, "1", start=DAY, end=DAY, supplier="s")
    with pytest.raises(ValidationError):
        _contract(bureau_officer, "DUP-1", st_item, "1", start=DAY, end=DAY, supplier="t")
    assert ReserveAgreement.objects.count() == 1
