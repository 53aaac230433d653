"""Use case: the team register imports from a spreadsheet with a preview that names every bad row (nothing is
written until the whole file is good and confirmed), and exports to .xlsx with the same columns."""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import load_workbook

from conftest import login
from emergency.core.models import AuditEvent, ImportJob
from emergency.core.tests.xlsx_files import upload
from emergency.resources.teams.models import RescueTeam

with translation.override("zh-hans"):
    STANDBY_ZH = str(RescueTeam.Readiness.STANDBY.label)
HEADERS = ["队伍名称", "队伍类别", "专业类型", "所属单位", "所在区/街道/社区", "负责人", "24小时值班电话", "驻地地址", "纬度",
           "经度", "服务范围", "战备状态"]


def row(name, division="120105001", **extra) -> list:
    return [name, extra.get("kind", "基层"), extra.get("specialty", "防汛"), "光复道街道办事处", division,
            extra.get("leader", "孙队长"), extra.get("phone", "022-26260001"), "河北区导入路1号", extra.get("lat", 39.15),
            extra.get("lng", 117.19), "光复道街全域", extra.get("readiness", "")]


def _upload(client, rows, headers=HEADERS) -> ImportJob:
    resp = client.post("/imports/teams/new/", {"file": upload(rows, headers=headers, name="teams.xlsx")})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))


def read_xlsx(content: bytes) -> list[list]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def test_a_good_file_previews_then_imports_after_confirmation(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    job = _upload(client, [row("导入甲救援队"), row("导入乙救援队", division="测试甲社区", kind="社会力量",
                                                   specialty="Other", lat=None, lng=None, readiness="已出动")])
    assert job.status == ImportJob.Status.READY, job.errors
    assert not RescueTeam.objects.exists()
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "导入乙救援队" in page and 'data-testid="import-confirm"' in page
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 2
    second = RescueTeam.objects.get(name="导入乙救援队")
    assert (second.kind, second.specialty, second.division, second.latitude) == ("social", "other", community_a, None)
    assert second.readiness == "deployed"  # set through the audited service
    assert AuditEvent.objects.filter(object_type="resources.RescueTeam", object_id=str(second.pk),
                                     event_type="update").get().changes["readiness"] == ["standby", "deployed"]
    assert RescueTeam.objects.get(name="导入甲救援队").history.get().history_user == subdistrict_officer


def test_a_file_with_bad_rows_names_each_row_and_writes_nothing(client, bureau_officer, tm_team_a):
    login(client, bureau_officer)
    job = _upload(client, [
        row("好救援队"),                                  # 2 good
        row(tm_team_a.name),                             # 3 already registered
        row("好救援队"),                                  # 4 repeats line 2
        row("无此街道队", division="不存在街道"),            # 5
        row("类别错队", kind="军队"),                       # 6
        row("电话错队", phone="打110"),                     # 7
        row("坐标错队", lat=200),                          # 8
        row("状态错队", readiness="休假"),                  # 9
        row("", leader=""),                              # 10 two empty cells
    ])
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["line"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert tm_team_a.name in reasons[3] and "2" in reasons[4]
    assert "不存在街道" in reasons[5] and "军队" in reasons[6] and "打110" in reasons[7]
    assert "90" in reasons[8] and "休假" in reasons[9]
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert list(RescueTeam.objects.values_list("name", flat=True)) == [tm_team_a.name]


def test_a_subdistrict_cannot_import_teams_into_another_subdistrict(client, subdistrict_officer):
    login(client, subdistrict_officer)
    job = _upload(client, [row("本街道队"), row("外街道队", division="120105002")])
    assert job.status == ImportJob.Status.INVALID and [e["line"] for e in job.errors] == [3]
    assert not RescueTeam.objects.exists()


def test_departments_may_not_import_teams(client, department_clerk):
    login(client, department_clerk)
    resp = client.post("/imports/teams/new/", {"file": upload([row("部门队")], headers=HEADERS, name="t.xlsx")})
    assert resp.status_code == 403 and not RescueTeam.objects.exists()


def test_the_export_reads_back_and_imports_again(client, bureau_officer, tm_team_a, tm_social_a, tm_team_b):
    login(client, bureau_officer)
    resp = client.get("/resources/teams/export.xlsx", {"kind": "grassroots"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(resp.content)
    names = sorted(r[0] for r in rows[1:])
    assert names == sorted([tm_team_a.name, tm_team_b.name])
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name[tm_team_a.name][4].startswith("120105001 ") and by_name[tm_team_a.name][11] == STANDBY_ZH
    assert by_name[tm_team_a.name][6] == "022-26260001" and by_name[tm_team_a.name][8] == 39.15
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, object_type="resources.RescueTeam").exists()
    renamed = [[f"{r[0]}（复制）", *r[1:]] for r in rows[1:]]
    job = _upload(client, renamed, headers=rows[0])
    assert job.status == ImportJob.Status.READY, job.errors
