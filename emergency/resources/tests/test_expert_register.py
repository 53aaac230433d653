"""Use case: the bureau keeps the expert register — fields from the five specialised platforms, title, unit,
contact and availability — imports it from a spreadsheet and exports it; everyone else reads it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import login
from emergency.core.models import AuditEvent, ImportJob
from emergency.core.tests.xlsx_files import upload
from emergency.resources.shared.services import NotAllowed
from emergency.resources.teams import services as services_teams
from emergency.resources.teams.models import Expert

from .test_team_import_export import read_xlsx

HEADERS = ["姓名", "专业领域", "职称", "工作单位", "联系电话", "是否可用", "纬度", "经度"]


def _expert(user, name="张专家", **extra) -> Expert:
    data = {"field_flood_drought": True, "title": "高级工程师", "unit": "天津大学", "phone": "13811112222", **extra}
    return services_teams.expert_create(acting_user=user, name=name, **data)


def test_the_bureau_registers_an_expert_in_several_fields(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.post("/resources/teams/experts/new/", {
        "name": "李专家", "fields": ["geological", "earthquake"], "title": "研究员", "unit": "天津市地震局",
        "phone": "13900001111", "available": "on"})
    assert resp.status_code == 302
    expert = Expert.objects.get()
    assert expert.field_codes == ["geological", "earthquake"] and expert.available
    assert AuditEvent.objects.get(object_type="resources.Expert").actor == bureau_officer
    resp = client.post(f"/resources/teams/experts/{expert.pk}/edit/", {
        "name": "李专家", "fields": ["work_safety"], "phone": "13900001111"})
    assert resp.status_code == 302
    expert = Expert.objects.get(pk=expert.pk)
    assert expert.field_codes == ["work_safety"] and not expert.available


def test_it_rejects_an_expert_without_a_field_or_with_an_unknown_one(client, bureau_officer):
    login(client, bureau_officer)
    for fields in ([], ["astrology"]):
        resp = client.post("/resources/teams/experts/new/", {"name": "王专家", "fields": fields,
                                                             "phone": "13900001111"})
        assert resp.status_code == 400
    with pytest.raises(ValidationError):
        _expert(bureau_officer, field_flood_drought=False)
    assert not Expert.objects.exists()


def test_only_the_bureau_writes_the_register_but_subdistricts_and_departments_read_it(
        client, bureau_officer, subdistrict_officer, department_clerk):
    expert = _expert(bureau_officer, phone="13812345678")
    for user in (subdistrict_officer, department_clerk):
        with pytest.raises(NotAllowed):
            _expert(user, name="越权专家")
        login(client, user)
        page = client.get("/resources/teams/experts/").content.decode()
        assert expert.name in page and "138****5678" in page and "13812345678" not in page
        assert client.get(f"/resources/teams/experts/{expert.pk}/").status_code == 200
        assert client.get(f"/resources/teams/experts/{expert.pk}/edit/").status_code == 403
    assert Expert.objects.count() == 1


def test_the_list_filters_by_field_and_availability(client, bureau_officer):
    _expert(bureau_officer, "防汛专家")
    _expert(bureau_officer, "安全专家", field_flood_drought=False, field_work_safety=True, available=False)
    login(client, bureau_officer)
    page = client.get("/resources/teams/experts/", {"field": "work_safety"}).content.decode()
    assert "安全专家" in page and "防汛专家" not in page
    page = client.get("/resources/teams/experts/", {"available": "1"}).content.decode()
    assert "防汛专家" in page and "安全专家" not in page


def _upload(client, rows) -> ImportJob:
    resp = client.post("/imports/experts/new/", {"file": upload(rows, headers=HEADERS, name="experts.xlsx")})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))


def test_the_import_previews_names_bad_rows_and_imports_good_files(client, bureau_officer):
    _expert(bureau_officer, "已有专家", phone="13800000000")
    login(client, bureau_officer)
    job = _upload(client, [
        ["赵专家", "防汛抗旱、地质灾害", "教授", "河北工业大学", "13700000001", "是", 39.1, 117.2],
        ["钱专家", "占星", "", "", "13700000002", "是", None, None],          # 3 unknown field
        ["已有专家", "地震", "", "", "13800000000", "", None, None],            # 4 already registered
        ["孙专家", "", "", "", "x", "也许", 39.1, None],                      # 5 four problems
    ])
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["line"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == [3, 4, 5] and "占星" in reasons[3] and "已有专家" in reasons[4]
    assert "也许" in reasons[5]
    assert Expert.objects.count() == 1
    job = _upload(client, [["赵专家", "防汛抗旱、地质灾害", "教授", "河北工业大学", "13700000001", "否", 39.1, 117.2],
                           ["周专家", "work safety; Earthquake", "", "", "13700000003", "", None, None]])
    assert job.status == ImportJob.Status.READY, job.errors
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    zhao = Expert.objects.get(name="赵专家")
    assert zhao.field_codes == ["flood_drought", "geological"] and not zhao.available
    assert Expert.objects.get(name="周专家").field_codes == ["earthquake", "work_safety"]


def test_a_subdistrict_may_not_import_experts(client, subdistrict_officer):
    login(client, subdistrict_officer)
    resp = client.post("/imports/experts/new/", {"file": upload([["a", "地震", "", "", "1370000", "", None, None]],
                                                                headers=HEADERS, name="e.xlsx")})
    assert resp.status_code == 403 and not Expert.objects.exists()


def test_the_export_reads_back_and_imports_again(client, bureau_officer):
    _expert(bureau_officer, "导出专家", field_earthquake=True, latitude=39.1, longitude=117.2)
    login(client, bureau_officer)
    rows = read_xlsx(client.get("/resources/teams/experts/export.xlsx").content)
    assert len(rows) == 2 and rows[1][0] == "导出专家" and rows[1][4] == "13811112222" and rows[1][6] == 39.1
    resp = client.post("/imports/experts/new/", {"file": upload([["再导入专家", *rows[1][1:]]], headers=rows[0],
                                                                name="e.xlsx")})
    job = ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))
    assert job.status == ImportJob.Status.READY, job.errors
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    assert Expert.objects.get(name="再导入专家").field_codes == ["flood_drought", "earthquake"]
