"""Use case: the equipment register imports from a spreadsheet with a preview that names every bad row (nothing is
written until the whole file is good and confirmed), and exports to .xlsx with the import's columns plus the
status, so an exported register can be edited and imported again. New equipment starts in service, with its first
status-log row written by the service."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from conftest import login
from emergency.core.models import AuditEvent, ImportJob
from emergency.core.tests.xlsx_files import upload
from emergency.resources.teams import services as services_teams
from emergency.resources.teams.imports import EquipmentImport
from emergency.resources.teams.models import Equipment, EquipmentStatusLog

from .conftest import st_make_warehouse, tm_make_team
from .test_shelter_warehouse_registers import read_xlsx

HEADERS = ["装备名称", "规格型号", "数量", "持有方", "队伍/仓库"]
EXPORT = "/resources/teams/equipment/export.xlsx"

with translation.override("zh-hans"):
    IN_SERVICE_ZH = str(Equipment.Status.IN_SERVICE.label)
    MAINTENANCE_ZH = str(Equipment.Status.MAINTENANCE.label)
    TEAM_ZH, WAREHOUSE_ZH = "队伍", "储备库"


def wh_text(w) -> str:
    return f"{w.name} · #{w.pk}"


def _upload(client, rows, headers=HEADERS) -> ImportJob:
    resp = client.post("/imports/equipment/new/", {"file": upload(rows, headers=headers, name="equipment.xlsx")})
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


def _writes() -> tuple[int, int, int]:
    return (Equipment.objects.count(), EquipmentStatusLog.objects.count(),
            AuditEvent.objects.filter(object_type="resources.Equipment").count())


def _make(user, name, *, holder, quantity=1, model_spec="", status=None) -> Equipment:
    where = {"team": holder} if holder.__class__.__name__ == "RescueTeam" else {"warehouse": holder}
    equipment = services_teams.equipment_create(acting_user=user, name=name, model_spec=model_spec,
                                                quantity=quantity, **where)
    if status:
        services_teams.equipment_set_status(acting_user=user, equipment=equipment, status=status, note="检修")
    return equipment


# --- import ----------------------------------------------------------------------------------------------------

def test_a_file_with_chinese_labels_previews_writes_nothing_then_imports(client, subdistrict_officer, tm_team_a,
                                                                         guangfu, community_a):
    depot = st_make_warehouse(guangfu, "光复道街装备库")
    community_depot = st_make_warehouse(community_a, "甲社区装备库", level="community")
    login(client, subdistrict_officer)
    before = _writes()
    job = _upload(client, [
        ["冲锋舟", "6人", 3, "队伍", tm_team_a.name],
        ["发电机", "", "2", "仓库", wh_text(depot)],
        ["救生衣", "成人", 50, "储备库", str(community_depot.pk)],      # by id
        ["抽水泵", None, 1.0, "Warehouse", "甲社区装备库"],               # by unique exact name
    ])
    assert job.status == ImportJob.Status.READY, job.errors
    assert _writes() == before  # the preview writes nothing
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "冲锋舟" in page and wh_text(depot) in page and 'data-testid="import-confirm"' in page

    job = _confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 4
    got = {e.name: (e.model_spec, e.quantity, e.team, e.warehouse, e.status) for e in Equipment.objects.all()}
    assert got == {"冲锋舟": ("6人", 3, tm_team_a, None, "in_service"), "发电机": ("", 2, None, depot, "in_service"),
                   "救生衣": ("成人", 50, None, community_depot, "in_service"),
                   "抽水泵": ("", 1, None, community_depot, "in_service")}
    logs = EquipmentStatusLog.objects.all()  # written by equipment_create, one per piece
    assert logs.count() == 4 and {(log.from_status, log.to_status, log.by_id) for log in logs} == {
        ("", "in_service", subdistrict_officer.pk)}
    assert AuditEvent.objects.filter(object_type="resources.Equipment", event_type="create",
                                     actor=subdistrict_officer).count() == 4
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.IMPORT, success=True).count() == 1


def test_a_file_with_bad_rows_names_each_row_and_writes_nothing(client, bureau_officer, tm_team_a, guangfu,
                                                                wanghai, st_english_pages):
    depot = st_make_warehouse(guangfu, "装备库")
    st_make_warehouse(wanghai, "装备库")  # the same name in another subdistrict
    tm_make_team(wanghai, "重名救援队", user=bureau_officer)
    tm_make_team(guangfu, "重名救援队", user=bureau_officer)
    login(client, bureau_officer)
    before = _writes()
    job = _upload(client, [
        ["好装备", "", 1, "队伍", tm_team_a.name],                  # 2 good
        ["零数量", "", 0, "队伍", tm_team_a.name],                  # 3
        ["小数数量", "", 1.5, "队伍", tm_team_a.name],               # 4
        ["文字数量", "", "三台", "队伍", tm_team_a.name],             # 5
        ["空数量", "", None, "队伍", tm_team_a.name],                # 6
        ["无此队伍", "", 1, "队伍", "火星救援队"],                     # 7
        ["无此仓库", "", 1, "仓库", "火星仓库"],                      # 8
        ["重名仓库", "", 1, "仓库", "装备库"],                        # 9 ambiguous: give name · #id
        ["错编号", "", 1, "仓库", "装备库 · #999999"],                # 10
        ["持有方错", "", 1, "个人", "张三"],                          # 11
        ["", "", 1, "队伍", ""],                                  # 12 two empty cells
        ["仓库当队伍", "", 1, "队伍", wh_text(depot)],                # 13 a warehouse is not a team
        ["重名队伍", "", 1, "队伍", "重名救援队"],                      # 14
        ["超大数量", "", 2_000_000, "队伍", tm_team_a.name],          # 15
    ])
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["line"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == list(range(3, 16))
    assert "at least 1" in reasons[3] and "1.5" in reasons[4] and "三台" in reasons[5]
    assert "Quantity is empty" in reasons[6]
    assert "火星救援队" in reasons[7] and "火星仓库" in reasons[8]
    assert "several warehouses" in reasons[9] and "#id" in reasons[9]
    assert "#999999" in reasons[10] and "个人" in reasons[11]
    assert "Name is empty" in reasons[12] and "Team or warehouse is empty" in reasons[12]
    assert wh_text(depot) in reasons[13] and "several teams" in reasons[14] and "at most" in reasons[15]
    assert _confirm(client, job).status == ImportJob.Status.INVALID
    assert _writes() == before


def test_a_holder_outside_the_subdistrict_is_a_row_error(client, subdistrict_officer, tm_team_a, tm_team_b,
                                                         guangfu, wanghai, st_english_pages):
    own, other = st_make_warehouse(guangfu, "本街道库"), st_make_warehouse(wanghai, "外街道库")
    login(client, subdistrict_officer)
    before = _writes()
    job = _upload(client, [["本队装备", "", 1, "队伍", tm_team_a.name], ["外队装备", "", 1, "队伍", tm_team_b.name],
                           ["本库装备", "", 1, "仓库", wh_text(own)], ["外库装备", "", 1, "仓库", wh_text(other)]])
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["line"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == [3, 5] and "outside your jurisdiction" in reasons[3] and tm_team_b.name in reasons[3]
    assert wh_text(other) in reasons[5]
    assert _writes() == before


@pytest.mark.parametrize("persona", ["department_clerk", "enterprise_manager", "expert"])
def test_only_those_who_register_equipment_may_import(persona, request, client, tm_team_a):
    login(client, request.getfixturevalue(persona))
    assert client.get("/imports/equipment/new/").status_code == 403
    assert client.get("/imports/equipment/template.xlsx").status_code == 403
    resp = client.post("/imports/equipment/new/", {"file": upload([["冲锋舟", "", 1, "队伍", tm_team_a.name]],
                                                                  headers=HEADERS, name="x.xlsx")})
    assert resp.status_code == 403 and not ImportJob.objects.exists() and not Equipment.objects.exists()


def test_the_template_holds_the_importable_columns_only(client, bureau_officer):
    login(client, bureau_officer)
    header = read_xlsx(client.get("/imports/equipment/template.xlsx").content)[0]
    with translation.override("zh-hans"):
        assert header == EquipmentImport().header_labels()
    assert len(header) == 5 and "进展状态" not in header


# --- export ----------------------------------------------------------------------------------------------------

def test_the_export_has_the_import_columns_then_the_status(client, department_clerk, bureau_officer, tm_team_a,
                                                           tm_team_b, guangfu):
    depot = st_make_warehouse(guangfu, "光复道街装备库")
    _make(bureau_officer, "冲锋舟", model_spec="6人", quantity=3, holder=tm_team_a, status="maintenance")
    _make(bureau_officer, "发电机", holder=depot)
    _make(bureau_officer, "救生衣", quantity=20, holder=tm_team_b)
    login(client, department_clerk)  # a reader who may not create still exports
    rows = _download(client)
    with translation.override("zh-hans"):
        assert rows[0] == EquipmentImport().export_headers()
    assert len(rows[0]) == 6
    body = {r[0]: r for r in rows[1:]}
    assert body["冲锋舟"] == ["冲锋舟", "6人", 3, TEAM_ZH, tm_team_a.name, MAINTENANCE_ZH]
    assert body["发电机"] == ["发电机", None, 1, WAREHOUSE_ZH, wh_text(depot), IN_SERVICE_ZH]
    assert [r[0] for r in _download(client, {"status": "maintenance"})[1:]] == ["冲锋舟"]
    assert [r[0] for r in _download(client, {"team": tm_team_b.pk})[1:]] == ["救生衣"]
    assert [r[0] for r in _download(client, {"q": "6人"})[1:]] == ["冲锋舟"]
    events = AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, object_type="resources.Equipment")
    assert events.count() == 4 and events.filter(changes={"filters": "status=maintenance", "rows": 1}).exists()


def test_an_exported_register_imports_again(client, bureau_officer, tm_team_a, guangfu, wanghai):
    same_name = [st_make_warehouse(guangfu, "应急装备库"), st_make_warehouse(wanghai, "应急装备库")]
    _make(bureau_officer, "冲锋舟", model_spec="6人", quantity=3, holder=tm_team_a, status="maintenance")
    _make(bureau_officer, "发电机", model_spec="5kW", quantity=2, holder=same_name[0])
    _make(bureau_officer, "抽水泵", holder=same_name[1])
    login(client, bureau_officer)
    rows = _download(client)
    job = _upload(client, [[f"{r[0]}（新）", *r[1:]] for r in rows[1:]], rows[0])  # the status is ignored
    assert job.status == ImportJob.Status.READY, job.errors
    assert _confirm(client, job).created_count == 3
    fields = ["model_spec", "quantity", "team_id", "warehouse_id"]
    for original in Equipment.objects.exclude(name__endswith="（新）"):
        copy = Equipment.objects.get(name=f"{original.name}（新）")
        assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields], original.name
        assert copy.status == "in_service"  # new equipment starts in service


def test_an_english_export_imports_in_chinese(client, bureau_officer, tm_team_a, settings):
    _make(bureau_officer, "冲锋舟", holder=tm_team_a)
    login(client, bureau_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = _download(client)
    assert rows[0] == ["Name", "Model / specification", "Quantity", "Held by", "Team or warehouse", "Status"]
    assert rows[1][3] == "Team"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    job = _upload(client, [["冲锋舟二", *rows[1][1:]]], rows[0])
    assert job.status == ImportJob.Status.READY, job.errors


def test_anonymous_visitors_enterprises_and_experts_cannot_export(client, enterprise_manager, expert):
    resp = client.get(EXPORT)
    assert resp.status_code == 302 and "login" in resp.url
    for user in (enterprise_manager, expert):
        login(client, user)
        assert client.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).exists()


def test_the_list_offers_export_to_readers_and_import_to_creators(client, department_clerk, subdistrict_officer):
    login(client, department_clerk)
    page = client.get("/resources/teams/equipment/").content.decode()
    assert 'data-testid="equipment-export"' in page and 'data-testid="equipment-import"' not in page
    login(client, subdistrict_officer)
    page = client.get("/resources/teams/equipment/?status=in_service").content.decode()
    assert 'href="/imports/equipment/new/"' in page and f'href="{EXPORT}?status=in_service"' in page


FEW, MANY = 5, 30


@pytest.fixture
def add_rows(bureau_officer, guangfu, wanghai):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            division = guangfu if i % 2 else wanghai
            if i % 3:
                holder = tm_make_team(division, f"救援队{i:03d}", user=bureau_officer)
            else:
                holder = st_make_warehouse(division, f"装备库{i:03d}")
            _make(bureau_officer, f"装备{i:03d}", holder=holder, status="deployed" if i % 4 == 0 else None)

    return _add


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
        b"".join(resp.streaming_content)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx)


@pytest.mark.parametrize("url", [EXPORT, f"{EXPORT}?status=deployed&q=装备"])
@pytest.mark.parametrize("persona", ["bureau_officer", "subdistrict_officer", "department_clerk"])
def test_the_export_query_count_does_not_grow_with_rows(url, persona, request, client, add_rows):
    login(client, request.getfixturevalue(persona))
    add_rows(0, FEW)
    _count(client, url)  # warm the caches (rules, sessions)
    few = _count(client, url)
    add_rows(FEW, MANY)
    assert len(_download(client, dict(p.split("=") for p in url.partition("?")[2].split("&") if p))) > FEW + 1
    assert _count(client, url) == few, url
