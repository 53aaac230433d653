"""Use case: the agreement-reserve register (协议储备) imports from a spreadsheet, one row per contract line (the rows
of one contract share its number and must agree on the contract's columns), with a preview that names every bad
row, and exports to .xlsx with the same columns, so an exported register can be edited and imported again."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from conftest import login
from emergency.core.models import AuditEvent, ImportJob
from emergency.core.tests.xlsx_files import upload
from emergency.lib.credit_code import complete
from emergency.resources.reserves import services as reserve_services
from emergency.resources.reserves.imports import ReserveImport
from emergency.resources.reserves.models import ReserveAgreement, ReserveLine
from emergency.resources.stock.models import SupplyItem

from .test_shelter_warehouse_registers import read_xlsx

HEADERS = ["合同编号", "供应商", "统一社会信用代码", "生效日期", "截止日期", "供货时限", "联系人", "联系电话", "备注",
           "储备库", "物资", "数量", "供货能力说明"]
EXPORT = "/resources/teams/reserves/export.xlsx"
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def wh_text(w) -> str:
    return f"{w.name} · #{w.pk}"


def row(number: str, item="瓶装水", quantity=100, **over) -> list:
    values = {"supplier": "某超市", "code": "", "start": "2026-01-01", "end": "2026-12-31", "hours": 6,
              "contact": "周经理", "phone": "13600001111", "note": "", "warehouse": "", "capacity": "", **over}
    return [number, values["supplier"], values["code"], values["start"], values["end"], values["hours"],
            values["contact"], values["phone"], values["note"], values["warehouse"], item, quantity,
            values["capacity"]]


def contract(user, number, lines, *, start=TODAY - DAY * 30, end=TODAY + DAY * 300, **extra):
    data = {"supplier_name": "某超市", "delivery_hours": 6, "contact_name": "周经理", "contact_phone": "13600001111",
            **extra}
    return reserve_services.reserve_create(
        acting_user=user, contract_number=number, valid_from=start, valid_until=end,
        lines=[{"item": item, "quantity": quantity, "capacity_note": note} for item, quantity, note in lines], **data)


def _upload(client, rows, headers=HEADERS) -> ImportJob:
    resp = client.post("/imports/reserves/new/", {"file": upload(rows, headers=headers, name="reserves.xlsx")})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))


def _confirm(client, job: ImportJob) -> ImportJob:
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    return ImportJob.objects.get(pk=job.pk)


def _download(client, params=None) -> list[list]:
    resp = client.get(EXPORT, params or {})
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_xlsx(b"".join(resp.streaming_content))


def _writes() -> tuple[int, int, int, int]:
    return (ReserveAgreement.objects.count(), ReserveLine.objects.count(), ReserveAgreement.history.count(),
            AuditEvent.objects.filter(object_type="resources.ReserveAgreement").count())


# --- import ----------------------------------------------------------------------------------------------------

def test_a_file_previews_writes_nothing_then_imports_one_contract_per_number(client, bureau_officer, st_item,
                                                                             st_other_item, enterprise_a, st_wh_a):
    unregistered = complete("91120105MA0000099")
    login(client, bureau_officer)
    before = _writes()
    job = _upload(client, [
        row("HT-1", supplier="", code=enterprise_a.credit_code, end="2026/12/31", warehouse=wh_text(st_wh_a),
            capacity="常备"),
        row("HT-1", "折叠床", "20.5", supplier="", code=enterprise_a.credit_code.lower(),
            start=datetime.datetime(2026, 1, 1), end="2026年12月31日", hours="6", warehouse=wh_text(st_wh_a)),
        row("HT-2", "瓶装水（550ml×24）", 50, code=unregistered, start="20260301", end="2026.09.30", hours=24,
            contact="李经理", phone="022-26260002", note="按需供货"),
    ])
    assert job.status == ImportJob.Status.READY, job.errors
    assert _writes() == before  # the preview writes nothing
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "HT-1" in page and enterprise_a.name in page and 'data-testid="import-confirm"' in page

    job = _confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 3  # rows (lines)
    first = ReserveAgreement.objects.get(contract_number="HT-1")
    assert (first.enterprise, first.supplier_name, first.warehouse) == (enterprise_a, enterprise_a.name, st_wh_a)
    assert (first.valid_from, first.valid_until, first.delivery_hours) == (datetime.date(2026, 1, 1),
                                                                          datetime.date(2026, 12, 31), 6)
    assert sorted((ln.item_id, ln.quantity, ln.capacity_note) for ln in first.lines.all()) == sorted(
        [(st_item.pk, Decimal(100), "常备"), (st_other_item.pk, Decimal("20.5"), "")])
    second = ReserveAgreement.objects.get(contract_number="HT-2")
    assert (second.enterprise, second.supplier_name, second.warehouse) == (None, "某超市", None)  # code not registered
    assert (second.valid_from, second.valid_until, second.contact_phone, second.note) == (
        datetime.date(2026, 3, 1), datetime.date(2026, 9, 30), "022-26260002", "按需供货")
    assert [(ln.item_id, ln.quantity) for ln in second.lines.all()] == [(st_item.pk, Decimal(50))]
    assert first.history.get().history_user == bureau_officer  # written through reserve_create
    assert AuditEvent.objects.filter(object_type="resources.ReserveAgreement", event_type="create").count() == 2


def test_a_file_with_bad_rows_names_each_row_and_writes_nothing(client, bureau_officer, st_item, st_other_item,
                                                                st_category, st_english_pages):
    SupplyItem.objects.create(name="帐篷", category=st_category, unit="顶", specification="3×4米")
    SupplyItem.objects.create(name="帐篷", category=st_category, unit="顶", specification="6×8米")
    contract(bureau_officer, "OLD-1", [(st_item, 5, "")])
    before = _writes()
    login(client, bureau_officer)
    job = _upload(client, [
        row("HT-A"),                                                # 2 good
        row("HT-A", "折叠床", end="2027-06-30"),                      # 3 contract columns disagree with line 2
        row("HT-A", "火星水", phone="13900000000"),                   # 4 unknown item and a second disagreement
        row("HT-B", start="2026-12-31", end="2026-01-01"),          # 5 ends before it starts
        row("OLD-1"),                                               # 6 already registered
        row("HT-C", quantity=0),                                    # 7
        row("HT-C", "折叠床", quantity="abc"),                        # 8
        row("HT-D", code="123"),                                    # 9 malformed credit code
        row("HT-E", supplier=""),                                   # 10 no supplier, no registered enterprise
        row("HT-F", start="明年"),                                   # 11
        row("HT-G", hours=0),                                       # 12
        row("HT-A", quantity=7),                                    # 13 the item again in one contract
        row("HT-H", warehouse="火星仓库"),                             # 14
        row("HT-I", "帐篷"),                                          # 15 ambiguous: give name（specification）
        row("HT-J", "帐篷（3×4米）"),                                  # 16 good
        row("", phone="打110"),                                      # 17
    ])
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["line"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == list(range(3, 16)) + [17]
    assert "Valid until" in reasons[3] and "2027-06-30" in reasons[3] and "HT-A" in reasons[3]
    assert "Contact phone" in reasons[4] and "13900000000" in reasons[4] and "火星水" in reasons[4]
    assert "Valid until 2026-01-01 is before Valid from 2026-12-31" in reasons[5]
    assert "OLD-1" in reasons[6] and "already registered" in reasons[6]
    assert "Quantity" in reasons[7] and "abc" in reasons[8]
    assert "123" in reasons[9] and "Supplier is empty" in reasons[10] and "明年" in reasons[11]
    assert "at least 1" in reasons[12] and "already listed" in reasons[13] and "火星仓库" in reasons[14]
    assert "several supply items" in reasons[15]
    assert "Contract number is empty" in reasons[17] and "打110" in reasons[17]
    assert _confirm(client, job).status == ImportJob.Status.INVALID
    assert _writes() == before


def test_a_contract_registered_after_the_preview_fails_the_whole_import(client, bureau_officer, st_item):
    login(client, bureau_officer)
    job = _upload(client, [row("HT-1", "瓶装水（550ml×24）"), row("HT-2", "瓶装水（550ml×24）")])
    assert job.status == ImportJob.Status.READY, job.errors
    contract(bureau_officer, "HT-2", [(st_item, 1, "")])  # someone records it meanwhile
    before = _writes()
    job = _confirm(client, job)
    assert job.status == ImportJob.Status.INVALID and [e["line"] for e in job.errors] == [3]
    assert _writes()[:3] == before[:3] and not ReserveAgreement.objects.filter(contract_number="HT-1").exists()


@pytest.mark.parametrize("persona", ["subdistrict_officer", "department_clerk", "enterprise_manager", "expert"])
def test_only_the_bureau_may_import(persona, request, client, st_item):
    login(client, request.getfixturevalue(persona))
    assert client.get("/imports/reserves/new/").status_code == 403
    resp = client.post("/imports/reserves/new/", {"file": upload([row("HT-1")], headers=HEADERS, name="x.xlsx")})
    assert resp.status_code == 403 and not ImportJob.objects.exists() and not ReserveAgreement.objects.exists()


def test_the_template_holds_the_columns(client, bureau_officer):
    login(client, bureau_officer)
    header = read_xlsx(client.get("/imports/reserves/template.xlsx").content)[0]
    with translation.override("zh-hans"):
        assert header == ReserveImport().header_labels() == ReserveImport().export_headers()
    assert len(header) == 13


# --- export ----------------------------------------------------------------------------------------------------

def test_the_export_has_one_row_per_line_and_applies_the_list_filters(client, department_clerk, bureau_officer,
                                                                      st_item, st_other_item, enterprise_a,
                                                                      st_wh_a):
    contract(bureau_officer, "XY-1", [(st_item, "100.5", "常备"), (st_other_item, 20, "")], supplier_name="",
             enterprise=enterprise_a, warehouse=st_wh_a, end=TODAY + DAY * 100, note="年度协议")
    contract(bureau_officer, "XY-OLD", [(st_item, 5, "")], start=TODAY - DAY * 400, end=TODAY - DAY)
    contract(bureau_officer, "XY-3", [(st_other_item, 7, "")], end=TODAY + DAY * 50)
    login(client, department_clerk)  # a reader exports
    rows = _download(client)
    with translation.override("zh-hans"):
        assert rows[0] == ReserveImport().export_headers()
    body = rows[1:]
    assert [(r[0], r[10]) for r in body] == [("XY-1", str(st_item)), ("XY-1", str(st_other_item)),
                                             ("XY-3", str(st_other_item)), ("XY-OLD", str(st_item))]
    first = body[0]
    assert first[:3] == ["XY-1", enterprise_a.name, enterprise_a.credit_code]
    assert first[3:5] == [datetime.datetime.combine(TODAY - DAY * 30, datetime.time()),
                          datetime.datetime.combine(TODAY + DAY * 100, datetime.time())]
    assert first[5:] == [6, "周经理", "13600001111", "年度协议", wh_text(st_wh_a), str(st_item), 100.5, "常备"]
    assert body[2][2] is None and body[2][9] is None and body[2][11] == 7

    by_item = _download(client, {"item": st_item.pk})[1:]  # a contract with the item, with all its lines
    assert [(r[0], r[10]) for r in by_item] == [("XY-1", str(st_item)), ("XY-1", str(st_other_item)),
                                                ("XY-OLD", str(st_item))]
    assert {r[0] for r in _download(client, {"valid": "1"})[1:]} == {"XY-1", "XY-3"}
    assert [r[0] for r in _download(client, {"q": "OLD"})[1:]] == ["XY-OLD"]
    events = AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, object_type="resources.ReserveAgreement")
    assert events.count() == 4 and events.filter(changes={"filters": f"item={st_item.pk}", "rows": 3}).exists()


def test_an_exported_register_imports_again(client, bureau_officer, st_item, st_other_item, enterprise_a, st_wh_a):
    contract(bureau_officer, "XY-1", [(st_item, "100.5", "常备"), (st_other_item, "0.125", "")], supplier_name="",
             enterprise=enterprise_a, warehouse=st_wh_a, note="年度协议")
    contract(bureau_officer, "XY-2", [(st_item, 50, "")], start=TODAY, end=TODAY, delivery_hours=24)
    login(client, bureau_officer)
    rows = _download(client)
    job = _upload(client, [[f"{r[0]}-B", *r[1:]] for r in rows[1:]], rows[0])
    assert job.status == ImportJob.Status.READY, job.errors
    assert _confirm(client, job).created_count == 3
    fields = ["enterprise_id", "supplier_name", "warehouse_id", "valid_from", "valid_until", "delivery_hours",
              "contact_name", "contact_phone", "note"]
    for original in ReserveAgreement.objects.exclude(contract_number__endswith="-B"):
        copy = ReserveAgreement.objects.get(contract_number=f"{original.contract_number}-B")
        assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]
        assert [(ln.item_id, ln.quantity, ln.capacity_note) for ln in copy.lines.order_by("pk")] == [
            (ln.item_id, ln.quantity, ln.capacity_note) for ln in original.lines.order_by("pk")]


def test_anonymous_visitors_enterprises_and_experts_cannot_export(client, enterprise_manager, expert):
    resp = client.get(EXPORT)
    assert resp.status_code == 302 and "login" in resp.url
    for user in (enterprise_manager, expert):
        login(client, user)
        assert client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).exists()


def test_the_list_offers_export_to_readers_and_import_to_the_bureau(client, subdistrict_officer, bureau_officer):
    login(client, subdistrict_officer)
    page = client.get("/resources/teams/reserves/?valid=1").content.decode()
    assert f'href="{EXPORT}?valid=1"' in page and 'data-testid="reserve-import"' not in page
    login(client, bureau_officer)
    assert 'href="/imports/reserves/new/"' in client.get("/resources/teams/reserves/").content.decode()


FEW, MANY = 5, 30


@pytest.fixture
def add_rows(bureau_officer, st_item, st_other_item, enterprise_a, st_wh_a):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            extra = {"enterprise": enterprise_a, "warehouse": st_wh_a} if i % 2 else {}
            lines = [(st_item, i + 1, "常备")] + ([(st_other_item, 2, "")] if i % 3 == 0 else [])
            contract(bureau_officer, f"XY-{i:03d}", lines, end=TODAY + DAY * (i - 3), **extra)

    return _add


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
        b"".join(resp.streaming_content)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx)


@pytest.mark.parametrize("query", ["", "?valid=1&item={item}&q=XY"])
@pytest.mark.parametrize("persona", ["bureau_officer", "subdistrict_officer", "department_clerk"])
def test_the_export_query_count_does_not_grow_with_rows(query, persona, request, client, add_rows, st_item):
    url = EXPORT + query.format(item=st_item.pk)
    login(client, request.getfixturevalue(persona))
    add_rows(0, FEW)
    _count(client, url)  # warm the caches (rules, sessions)
    few = _count(client, url)
    add_rows(FEW, MANY)
    assert len(_download(client, {k: v for k, v in (p.split("=") for p in url.partition("?")[2].split("&") if p)})
               ) > FEW + 1
    assert _count(client, url) == few, url
