"""Use case: the equipment register exports to .xlsx with the holder and the current status, filtered like the
list, and the export is audited."""

from __future__ import annotations

from conftest import login
from emergency.core.models import AuditEvent
from emergency.resources.teams import services as services_teams

from .conftest import st_make_warehouse
from .test_team_import_export import read_xlsx


def test_the_export_reads_back_with_holder_and_status(client, department_clerk, bureau_officer, tm_team_a,
                                                       guangfu):
    wh = st_make_warehouse(guangfu, "光复道街装备库")
    boat = services_teams.equipment_create(acting_user=bureau_officer, name="冲锋舟", model_spec="6人", quantity=3,
                                           team=tm_team_a)
    services_teams.equipment_create(acting_user=bureau_officer, name="发电机", quantity=1, warehouse=wh)
    services_teams.equipment_set_status(acting_user=bureau_officer, equipment=boat, status="scrapped", note="破损")
    login(client, department_clerk)
    resp = client.get("/resources/teams/equipment/export.xlsx")
    assert resp.status_code == 200
    rows = read_xlsx(b"".join(resp.streaming_content))  # streamed
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"冲锋舟", "发电机"}
    assert body["冲锋舟"][1:3] == ["6人", 3] and body["冲锋舟"][4] == tm_team_a.name
    assert body["发电机"][4] == f"光复道街装备库 · #{wh.pk}"  # as the import reads it back
    assert body["冲锋舟"][5] != body["发电机"][5]  # scrapped vs in service
    only_scrapped = read_xlsx(b"".join(client.get("/resources/teams/equipment/export.xlsx",
                                                  {"status": "scrapped"}).streaming_content))
    assert [r[0] for r in only_scrapped[1:]] == ["冲锋舟"]
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, object_type="resources.Equipment",
                                     actor=department_clerk).count() == 2
