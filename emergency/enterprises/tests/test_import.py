"""Use case: the bureau or a subdistrict imports enterprises from a spreadsheet: every bad row is named with its
line and reason, and nothing is written until the whole file is good and confirmed."""

from __future__ import annotations

from conftest import login
from emergency.core.models import AuditEvent, ImportJob
from emergency.core.tests.xlsx_files import upload
from emergency.enterprises.models import Enterprise

from .conftest import IMPORT_HEADERS, code, import_row

NEW_URL = "/imports/enterprises/new/"


def _upload(client, rows, headers=IMPORT_HEADERS) -> ImportJob:
    resp = client.post(NEW_URL, {"file": upload(rows, headers=headers, name="enterprises.xlsx")})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))


def _reasons(job: ImportJob) -> dict[int, str]:
    return {e["line"]: e["reason"] for e in job.errors}


def test_a_good_file_previews_then_imports_after_confirmation(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    job = _upload(client, [
        import_row("导入甲公司", code(101)),
        import_row("导入乙公司", code(102).lower(), division="测试甲社区", industry="制造业", above_scale="否",
                   lat=None, lng=None, level="小微", category="d", chemicals=None),
        import_row("导入丙公司", code(103), division=community_a.code, industry="批发和零售业"),
    ])
    assert job.status == ImportJob.Status.READY, job.errors
    assert not Enterprise.objects.exists()
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "导入乙公司" in page and 'data-testid="import-confirm"' in page

    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 3
    second = Enterprise.objects.get(name="导入乙公司")
    assert second.credit_code == code(102)
    assert (second.division, second.industry, second.above_scale) == (community_a, "C", False)
    assert (second.standardisation, second.enforcement_category, second.hazardous_chemicals) == ("small", "D", False)
    assert (second.latitude, second.longitude) == (None, None)
    first = Enterprise.objects.get(name="导入甲公司")
    assert first.division.code == "120105001" and first.hazardous_chemicals and first.standardisation == "level3"
    assert first.employees == 80 and first.principal_phone == "13700003333"
    assert Enterprise.objects.get(name="导入丙公司").industry == "F"
    assert first.history.get().history_user == subdistrict_officer
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.CREATE, object_type="enterprises.Enterprise",
                                     actor=subdistrict_officer).count() == 3
    assert AuditEvent.objects.get(event_type=AuditEvent.Type.IMPORT, success=True).changes["rows"] == 3


def test_a_file_with_bad_rows_names_each_row_and_writes_nothing(client, bureau_officer, enterprise_a):
    login(client, bureau_officer)
    wrong_digit = code(201)[:17] + ("0" if code(201)[17] != "0" else "1")
    job = _upload(client, [
        import_row("好公司", code(200)),                              # line 2: good
        import_row("校验位错公司", wrong_digit),                        # line 3
        import_row("短代码公司", code(202)[:16]),                       # line 4
        import_row("已注册公司", enterprise_a.credit_code),             # line 5: already in the database
        import_row("重复公司", code(200)),                              # line 6: repeats line 2
        import_row("无此街道公司", code(203), division="不存在街道"),     # line 7
        import_row("行业错公司", code(204), industry="Z"),              # line 8
        import_row("多个错公司", code(205), lat=200, category="E"),     # line 9: two reasons
        import_row("禁用字母公司", code(206)[:10] + "O" + code(206)[11:]),  # line 10
    ])
    assert job.status == ImportJob.Status.INVALID
    reasons = _reasons(job)
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert wrong_digit in reasons[3]
    assert enterprise_a.credit_code in reasons[5]
    assert code(200) in reasons[6] and "2" in reasons[6].replace(code(200), "")  # names line 2
    assert "不存在街道" in reasons[7] and "Z" in reasons[8]
    assert "90" in reasons[9] and "“E”" in reasons[9]  # latitude out of range, and the category
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert 'data-testid="import-confirm"' not in page
    for reason in reasons.values():
        assert reason.split("“")[0][:10] in page

    client.post(f"/imports/jobs/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert list(Enterprise.objects.values_list("name", flat=True)) == [enterprise_a.name]
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.IMPORT).exists()


def test_a_subdistrict_cannot_import_into_another_subdistrict(client, subdistrict_officer, community_b):
    login(client, subdistrict_officer)
    job = _upload(client, [import_row("本街道公司", code(301)), import_row("外街道公司", code(302), division="120105002"),
                           import_row("外社区公司", code(303), division=community_b.name)])
    assert job.status == ImportJob.Status.INVALID
    assert sorted(_reasons(job)) == [3, 4]
    assert not Enterprise.objects.exists()


def test_a_division_name_used_twice_must_be_given_by_code(client, bureau_officer, community_a, wanghai):
    from emergency.core import services as core_services

    core_services.division_create(acting_user=bureau_officer, code="120105002902", name=community_a.name,
                                  level="community", parent=wanghai)
    login(client, bureau_officer)
    job = _upload(client, [import_row("同名社区公司", code(401), division=community_a.name),
                           import_row("按代码公司", code(402), division=community_a.code)])
    assert list(_reasons(job)) == [2]
    assert community_a.name in _reasons(job)[2]


def test_a_file_without_the_required_columns_is_refused_before_any_row(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.post(NEW_URL, {"file": upload([["甲公司", code(501)]], headers=["企业名称", "统一社会信用代码"],
                                                 name="enterprises.xlsx")})
    assert resp.status_code == 400
    assert "行业门类" in resp.content.decode() or "Industry section" in resp.content.decode()
    assert not ImportJob.objects.exists()


def test_only_regulators_may_import(client, enterprise_manager, department_clerk):
    for user in (enterprise_manager, department_clerk):
        login(client, user)
        assert client.get(NEW_URL).status_code == 403


def test_an_exported_ledger_imports_again(client, bureau_officer, enterprise_a):
    """The export uses the import's columns: edit the ledger, re-import it as new enterprises."""
    from .conftest import read_xlsx

    login(client, bureau_officer)
    rows = read_xlsx(b"".join(client.get("/enterprises/export.xlsx").streaming_content))
    header, row = rows[0], list(rows[1])
    row[0], row[1] = "再导入公司", code(601)
    job = _upload(client, [row], headers=header)
    assert job.status == ImportJob.Status.READY, job.errors
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    again = Enterprise.objects.get(name="再导入公司")
    assert (again.division, again.industry, again.hazardous_chemicals) == (enterprise_a.division, "C", True)


def test_the_downloadable_template_has_the_ledger_columns(client, bureau_officer):
    from emergency.enterprises.imports import ledger_headers

    from .conftest import read_xlsx

    login(client, bureau_officer)
    resp = client.get("/imports/enterprises/template.xlsx")
    assert resp.status_code == 200
    assert read_xlsx(resp.content)[0] == ledger_headers()
