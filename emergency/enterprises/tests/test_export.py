"""Use case: a regulator exports the enterprise ledger with the list's filters applied (a real, streamed .xlsx)."""

from __future__ import annotations

from django.http import FileResponse

from conftest import login, make_enterprise
from emergency.core.models import AuditEvent
from emergency.enterprises import services
from emergency.enterprises.imports import ledger_headers

from .conftest import read_xlsx


def _export(client, params=None) -> list[list]:
    resp = client.get("/enterprises/export.xlsx", params or {})
    assert resp.status_code == 200
    assert isinstance(resp, FileResponse) and resp.streaming
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in resp["Content-Disposition"]
    return read_xlsx(b"".join(resp.streaming_content))


def test_the_ledger_has_the_import_columns_and_every_visible_enterprise(client, bureau_officer, enterprise_a,
                                                                        enterprise_b):
    login(client, bureau_officer)
    rows = _export(client)
    assert rows[0] == ledger_headers()
    by_code = {r[1]: r for r in rows[1:]}
    assert set(by_code) == {enterprise_a.credit_code, enterprise_b.credit_code}
    a = by_code[enterprise_a.credit_code]
    assert a[0] == enterprise_a.name and a[5] == f"{enterprise_a.division.code} {enterprise_a.division.name}"
    assert a[6] == enterprise_a.address and a[9] == enterprise_a.legal_representative


def test_the_ledger_applies_the_filters_of_the_list(client, bureau_officer, guangfu, wanghai):
    make_enterprise("规上危化公司", 21, guangfu, above_scale=True, hazardous_chemicals=True, enforcement_category="A")
    make_enterprise("规下危化公司", 22, guangfu, hazardous_chemicals=True)
    builder = make_enterprise("规上机械公司", 23, wanghai, above_scale=True)
    services.enterprise_update(acting_user=bureau_officer, enterprise=builder, data={"industry": "E"})
    login(client, bureau_officer)

    def names(params):
        return sorted(r[0] for r in _export(client, params)[1:])

    assert names({"above_scale": "1"}) == ["规上危化公司", "规上机械公司"]
    assert names({"flag": "hazardous_chemicals", "above_scale": "0"}) == ["规下危化公司"]
    assert names({"subdistrict": wanghai.pk}) == ["规上机械公司"]
    assert names({"industry": "E"}) == ["规上机械公司"]
    assert names({"enforcement_category": "A"}) == ["规上危化公司"]
    assert names({"q": "机械"}) == ["规上机械公司"]


def test_each_export_writes_an_audit_row_with_its_filters(client, subdistrict_officer, enterprise_a):
    login(client, subdistrict_officer)
    _export(client, {"industry": "C"})
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.EXPORT)
    assert event.actor == subdistrict_officer and event.object_type == "enterprises.Enterprise"
    assert event.changes == {"filters": "industry=C", "rows": 1}


def test_an_empty_selection_still_exports_a_header_row(client, bureau_officer, enterprise_a):
    login(client, bureau_officer)
    assert _export(client, {"q": "没有这家公司"}) == [ledger_headers()]
