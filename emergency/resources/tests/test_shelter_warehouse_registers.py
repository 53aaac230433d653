"""Use case: the shelter and warehouse registers import from a spreadsheet with a preview that names every bad row
(nothing is written until the whole file is good and confirmed) and export to .xlsx with the same columns plus
read-only computed ones, so an exported register can be edited and imported again."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from conftest import login
from emergency.core.models import AuditEvent, Division, ImportJob
from emergency.core.tests.xlsx_files import upload
from emergency.resources.reference import SHELTERS as SHIPPED
from emergency.resources.shelters import services
from emergency.resources.shelters.imports import ShelterImport
from emergency.resources.shelters.models import Shelter
from emergency.resources.stock.models import Warehouse

from .conftest import sh_make_shelter, st_make_warehouse

with translation.override("zh-hans"):
    FIXED_ZH = str(Shelter.Kind.FIXED.label)
    EMERGENCY_ZH = str(Shelter.Kind.EMERGENCY.label)
    OPEN_ZH = str(Shelter.Status.OPEN.label)
    STANDBY_ZH = str(Shelter.Status.STANDBY.label)
    SUBDISTRICT_ZH = str(Shelter.AdminLevel.SUBDISTRICT.label)
    ENTERPRISE_ZH = str(Warehouse.Level.ENTERPRISE.label)

SHELTER_HEADERS = ["避难场所名称", "场所类型", "室内", "避难时长分类", "行政层级", "所在街道/社区", "有效避难面积", "供水", "供电",
                   "厕所", "医疗救护", "物资储备", "应急指挥", "管理人", "管理人电话", "出入口", "地址", "纬度", "经度",
                   "位置为近似值", "服务半径", "数据说明"]
WAREHOUSE_HEADERS = ["储备库名称", "层级", "所在区/街道/社区", "地址", "纬度", "经度", "保管人", "保管人电话"]


def shelter_row(name: str, division="120105001", **over) -> list:
    values = {"kind": "应急", "indoor": "是", "stay_class": "Ⅰ", "admin_level": "街道", "area": 300, "water": "是",
              "power": "是", "toilets": "否", "medical": "", "supplies": "否", "command": "", "manager": "钱站长",
              "phone": "13700000001", "entrances": "东门、北门", "address": "河北区导入路2号", "lat": 39.15,
              "lng": 117.19, "approx": "否", "radius": 800, "note": "", **over}
    return [name, values["kind"], values["indoor"], values["stay_class"], values["admin_level"], division,
            values["area"], values["water"], values["power"], values["toilets"], values["medical"], values["supplies"],
            values["command"], values["manager"], values["phone"], values["entrances"], values["address"],
            values["lat"], values["lng"], values["approx"], values["radius"], values["note"]]


def warehouse_row(name: str, division="120105001", **over) -> list:
    values = {"level": "街道", "address": "河北区导入路3号", "lat": 39.15, "lng": 117.19, "keeper": "李库管",
              "phone": "022-26260002", **over}
    return [name, values["level"], division, values["address"], values["lat"], values["lng"], values["keeper"],
            values["phone"]]


def _upload(client, register: str, rows, headers) -> ImportJob:
    resp = client.post(f"/imports/{register}/new/", {"file": upload(rows, headers=headers, name=f"{register}.xlsx")})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))


def _confirm(client, job: ImportJob) -> ImportJob:
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    return ImportJob.objects.get(pk=job.pk)


def read_xlsx(content) -> list[list]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return rows


def _download(client, url: str, params=None) -> list[list]:
    resp = client.get(url, params or {})
    assert resp.status_code == 200, resp.status_code
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return read_xlsx(b"".join(resp.streaming_content))


def _writes() -> tuple[int, int, int, int]:
    return (Shelter.objects.count(), Shelter.history.count(), Warehouse.objects.count(),
            AuditEvent.objects.filter(object_type__in=["resources.Shelter", "resources.Warehouse"]).count())


# --- shelters: import ------------------------------------------------------------------------------------------

def test_a_shelter_file_with_chinese_labels_previews_writes_nothing_then_imports(client, subdistrict_officer,
                                                                                 community_a):
    login(client, subdistrict_officer)
    before = _writes()
    job = _upload(client, "shelters", [
        shelter_row("导入甲避难场所"),
        shelter_row("导入乙避难场所", division="测试甲社区", kind="固定", indoor="室外", stay_class="Ⅱ类",
                    admin_level="社区级", area="151.4", water="否", power="否", medical="是", command="有", approx="",
                    radius="", note="2025年普查"),
        shelter_row("导入丙避难场所", division="光复道街道", kind="中心避难场所", stay_class=3, admin_level=SUBDISTRICT_ZH),
    ], SHELTER_HEADERS)
    assert job.status == ImportJob.Status.READY, job.errors
    assert _writes() == before  # the preview writes nothing
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert "导入乙避难场所" in page and "120105001901 测试甲社区" in page and 'data-testid="import-confirm"' in page

    job = _confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 3
    second = Shelter.objects.get(name="导入乙避难场所")
    assert (second.kind, second.indoor, second.stay_class, second.admin_level, second.division) == (
        "fixed", False, "II", "community", community_a)
    assert second.effective_area_m2 == Decimal("151.4") and second.status == "standby"
    assert (second.has_water, second.has_power, second.has_medical, second.has_command) == (False, False, True, True)
    assert (second.location_approximate, second.service_radius_m, second.data_note) == (True, 1000, "2025年普查")
    first = Shelter.objects.get(name="导入甲避难场所")
    assert (first.indoor, first.stay_class, first.location_approximate, first.service_radius_m) == (True, "I", False,
                                                                                                 800)
    assert first.entrances == "东门、北门" and first.manager_phone == "13700000001"
    third = Shelter.objects.get(name="导入丙避难场所")
    assert (third.kind, third.stay_class, third.division.code) == ("central", "III", "120105001")
    assert first.history.get().history_user == subdistrict_officer  # written through the service
    assert AuditEvent.objects.filter(object_type="resources.Shelter", event_type="create").count() == 3


def test_a_shelter_file_with_bad_rows_names_each_row_and_writes_nothing(client, bureau_officer, sh_shelter_a,
                                                                        st_english_pages):
    login(client, bureau_officer)
    before = _writes()
    job = _upload(client, "shelters", [
        shelter_row("好避难场所"),                                       # 2 good
        shelter_row(sh_shelter_a.name),                                 # 3 already registered in 光复道
        shelter_row("好避难场所"),                                       # 4 repeats line 2
        shelter_row("无此街道场所", division="不存在街道"),                  # 5
        shelter_row("纬度错场所", lat=200),                               # 6 bad coordinate
        shelter_row("伦敦场所", lat=51.5, lng=-0.12),                     # 7 outside China
        shelter_row("负面积场所", area=-5),                               # 8 negative area
        shelter_row("电话错场所", phone="打110"),                         # 9 bad phone
        shelter_row("类型错场所", kind="帐篷"),                           # 10 unknown kind
        shelter_row("无坐标场所", lat=None, lng=None),                    # 11 no coordinates
        shelter_row("两位小数场所", area="12.34"),                         # 12
        shelter_row("半径错场所", radius=-1),                             # 13
        shelter_row("供水错场所", water="也许"),                           # 14
        shelter_row("区级场所", division="120105"),                       # 15 the district is not a subdistrict
        shelter_row("", manager=""),                                    # 16 two empty cells
    ], SHELTER_HEADERS)
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["line"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == list(range(3, 17))
    assert sh_shelter_a.name in reasons[3] and "120105001" in reasons[3] and "already registered" in reasons[3]
    assert "earlier in the file" in reasons[4]
    assert "不存在街道" in reasons[5] and "90" in reasons[6] and "outside China" in reasons[7]
    assert "above zero" in reasons[8] and "打110" in reasons[9] and "帐篷" in reasons[10]
    assert "Latitude" in reasons[11] and "Longitude" in reasons[11] and "12.34" in reasons[12]
    assert "at least 0" in reasons[13] and "也许" in reasons[14] and "120105" in reasons[15]
    assert "Name is empty" in reasons[16] and "Manager is empty" in reasons[16]
    assert _confirm(client, job).status == ImportJob.Status.INVALID
    assert _writes() == before


def test_a_subdistrict_cannot_import_shelters_outside_its_subdistrict(client, subdistrict_officer, community_b):
    login(client, subdistrict_officer)
    job = _upload(client, "shelters", [shelter_row("本街道场所"), shelter_row("外街道场所", division="120105002"),
                                       shelter_row("外社区场所", division="测试乙社区")], SHELTER_HEADERS)
    assert job.status == ImportJob.Status.INVALID and [e["line"] for e in job.errors] == [3, 4]
    assert not Shelter.objects.filter(name__in=["本街道场所", "外街道场所", "外社区场所"]).exists()


@pytest.mark.parametrize("register", ["shelters", "warehouses"])
@pytest.mark.parametrize("persona", ["department_clerk", "enterprise_manager", "expert"])
def test_only_creators_may_import(register, persona, request, client):
    login(client, request.getfixturevalue(persona))
    headers, row = (SHELTER_HEADERS, shelter_row("某场所")) if register == "shelters" else (
        WAREHOUSE_HEADERS, warehouse_row("某库"))
    assert client.get(f"/imports/{register}/new/").status_code == 403
    resp = client.post(f"/imports/{register}/new/", {"file": upload([row], headers=headers, name="x.xlsx")})
    assert resp.status_code == 403 and not ImportJob.objects.exists()


def test_the_templates_hold_the_importable_columns_only(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get("/imports/shelters/template.xlsx")
    header = read_xlsx(resp.content)[0]
    with translation.override("zh-hans"):
        assert header[0] == "名称" and "有效避难面积（m²）" in header and "可容纳人数" not in header
    assert len(header) == 22
    assert len(read_xlsx(client.get("/imports/warehouses/template.xlsx").content)[0]) == 8


# --- shelters: export --------------------------------------------------------------------------------------------

def test_the_shelter_export_applies_the_filters_and_adds_the_live_numbers(client, bureau_officer, sh_open_a,
                                                                          sh_shelter_b):
    services.shelter_check_in(acting_user=bureau_officer, shelter=sh_open_a, head_name="张三", people=3)
    login(client, bureau_officer)
    rows = _download(client, "/resources/shelters/export.xlsx", {"status": "open"})
    header, body = rows[0], rows[1:]
    with translation.override("zh-hans"):
        assert header == ShelterImport().export_headers() and len(header) == 26
    assert header[:2] == ["名称", "类别"] and header[-4:-2] == ["可容纳人数", "已安置人数"]
    assert len(body) == 1
    row = body[0]
    assert row[0] == sh_open_a.name and row[1] == EMERGENCY_ZH and row[2] == "是" and row[3] == "Ⅰ"
    assert row[4] == SUBDISTRICT_ZH and row[5] == "120105001 光复道" and row[6] == 150
    assert row[7:13] == ["是", "是", "否", "否", "否", "否"]
    assert row[13:15] == ["赵站长", "13700000000"] and row[17:19] == [39.15, 117.19] and row[19] == "否"
    assert row[20] == 1000 and row[22:] == [100, 3, 97, OPEN_ZH]
    event = AuditEvent.objects.get(event_type=AuditEvent.Type.EXPORT, object_type="resources.Shelter")
    assert event.changes == {"filters": "status=open", "rows": 1}

    found = _download(client, "/resources/shelters/export.xlsx", {"q": "望海楼"})[1:]
    assert [r[0] for r in found] == [sh_shelter_b.name] and found[0][-1] == STANDBY_ZH
    everything = _download(client, "/resources/shelters/export.xlsx")
    assert len(everything) == 1 + Shelter.objects.count() == 1 + 2 + len(SHIPPED)


def test_an_exported_shelter_register_imports_again_after_editing(client, bureau_officer, sh_open_a, sh_shelter_b,
                                                                  community_a):
    sh_make_shelter(community_a, "社区室外场所", user=bureau_officer, kind="fixed", indoor=False, stay_class="III",
                    admin_level="community", area="88.8", has_command=True, entrances="南门", data_note="备注",
                    location_approximate=True, service_radius_m=300)
    login(client, bureau_officer)
    rows = _download(client, "/resources/shelters/export.xlsx")
    edited = [[f"{r[0]}（新）", *r[1:]] for r in rows[1:]]
    edited[0][6] = 500  # the office edits an area
    job = _upload(client, "shelters", edited, rows[0])  # the computed columns are recognised and ignored
    assert job.status == ImportJob.Status.READY, job.errors
    assert _confirm(client, job).created_count == 3 + len(SHIPPED)  # the shipped ones too (phone “—”: not known)
    fields = ["kind", "indoor", "stay_class", "admin_level", "division_id", "has_water", "has_power", "has_toilets",
              "has_medical", "has_supplies", "has_command", "manager", "manager_phone", "entrances", "address",
              "latitude", "longitude", "location_approximate", "service_radius_m", "data_note"]
    for original in Shelter.objects.exclude(name__endswith="（新）"):
        copy = Shelter.objects.get(name=f"{original.name}（新）")
        assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields], original.name
        assert copy.status == "standby"
    areas = {s.name: s.effective_area_m2 for s in Shelter.objects.filter(name__endswith="（新）")}
    assert areas[edited[0][0]] == 500 and areas["社区室外场所（新）"] == Decimal("88.8")


def test_an_english_export_imports_in_chinese(client, bureau_officer, sh_shelter_a, settings):
    login(client, bureau_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = _download(client, "/resources/shelters/export.xlsx")
    assert rows[0][0] == "Name" and rows[1][1] == "Emergency" and rows[1][2] == "Yes"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    job = _upload(client, "shelters", [[f"{rows[1][0]}二", *rows[1][1:]]], rows[0])
    assert job.status == ImportJob.Status.READY, job.errors


# --- warehouses --------------------------------------------------------------------------------------------------

def test_a_warehouse_file_previews_writes_nothing_then_imports(client, bureau_officer, district, community_a):
    login(client, bureau_officer)
    before = _writes()
    job = _upload(client, "warehouses", [
        warehouse_row("导入区级库", division="120105", level="区级"),
        warehouse_row("导入街道库", division="光复道街"),
        warehouse_row("导入企业库", division="测试甲社区", level=ENTERPRISE_ZH),
    ], WAREHOUSE_HEADERS)
    assert job.status == ImportJob.Status.READY, job.errors
    assert _writes() == before
    job = _confirm(client, job)
    assert job.status == ImportJob.Status.DONE and job.created_count == 3
    got = {w.name: (w.level, w.division) for w in Warehouse.objects.all()}
    assert got == {"导入区级库": ("district", district), "导入街道库": ("subdistrict", Division.objects.get(code="120105001")),
                   "导入企业库": ("enterprise", community_a)}
    assert Warehouse.objects.get(name="导入企业库").keeper_phone == "022-26260002"
    assert AuditEvent.objects.filter(object_type="resources.Warehouse", event_type="create").count() == 3


def test_a_warehouse_file_with_bad_rows_names_each_row(client, bureau_officer, st_wh_a, st_english_pages):
    login(client, bureau_officer)
    before = _writes()
    job = _upload(client, "warehouses", [
        warehouse_row("好库"),                                   # 2
        warehouse_row(st_wh_a.name),                            # 3 already registered in 光复道
        warehouse_row(st_wh_a.name, division="120105002"),      # 4 same name elsewhere: fine
        warehouse_row("级别错库", level="省级"),                   # 5
        warehouse_row("电话错库", phone="无"),                     # 6
        warehouse_row("境外库", lat=35.68, lng=139.76),            # 7 Tokyo
        warehouse_row("无街道库", division="火星街道"),              # 8
        warehouse_row("缺经度库", lng=None),                       # 9
        warehouse_row("无人库", keeper="", address=""),            # 10
    ], WAREHOUSE_HEADERS)
    assert job.status == ImportJob.Status.INVALID
    reasons = {e["line"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == [3, 5, 6, 7, 8, 9, 10]
    assert st_wh_a.name in reasons[3] and "already registered" in reasons[3]
    assert "省级" in reasons[5] and "无" in reasons[6] and "outside China" in reasons[7] and "火星街道" in reasons[8]
    assert "both latitude and longitude" in reasons[9]
    assert "Keeper is empty" in reasons[10] and "Address is empty" in reasons[10]
    assert _confirm(client, job).status == ImportJob.Status.INVALID and _writes() == before


def test_a_subdistrict_imports_warehouses_only_in_its_subdistrict(client, subdistrict_officer, community_a):
    login(client, subdistrict_officer)
    job = _upload(client, "warehouses", [warehouse_row("本街道库"), warehouse_row("社区库", division="测试甲社区"),
                                         warehouse_row("区级库", division="120105", level="区级"),
                                         warehouse_row("外街道库", division="望海楼")], WAREHOUSE_HEADERS)
    assert job.status == ImportJob.Status.INVALID and [e["line"] for e in job.errors] == [4, 5]
    assert not Warehouse.objects.exists()
    job = _upload(client, "warehouses", [warehouse_row("本街道库"), warehouse_row("社区库", division="测试甲社区")],
                  WAREHOUSE_HEADERS)
    assert _confirm(client, job).created_count == 2


def test_the_warehouse_export_applies_the_filters_and_counts_items(client, department_clerk, st_wh_a, st_wh_b,
                                                                   st_district_wh, st_item, st_other_item, st_receive):
    st_receive(st_wh_a, st_item, 10, "L1")
    st_receive(st_wh_a, st_item, 5, "L2")
    st_receive(st_wh_a, st_other_item, 2, "L3")
    st_receive(st_wh_b, st_item, 1, "L4")
    login(client, department_clerk)  # a reader who may not create still exports
    rows = _download(client, "/resources/stock/warehouses/export.xlsx", {"level": "subdistrict"})
    assert rows[0][-1] == "在库物资" and len(rows[0]) == 9
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {st_wh_a.name, st_wh_b.name}
    with translation.override("zh-hans"):
        level_zh = str(Warehouse.Level.SUBDISTRICT.label)
    assert by_name[st_wh_a.name] == [st_wh_a.name, level_zh, "120105001 光复道", "河北区测试路1号", 39.15, 117.19, "王库管",
                                     "13800000000", 2]
    assert by_name[st_wh_b.name][-1] == 1
    wanghai = st_wh_b.division
    rows = _download(client, "/resources/stock/warehouses/export.xlsx", {"subdistrict": wanghai.pk})
    assert [r[0] for r in rows[1:]] == [st_wh_b.name]
    assert len(_download(client, "/resources/stock/warehouses/export.xlsx")) == 4
    events = AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, object_type="resources.Warehouse")
    assert events.count() == 3 and events.filter(changes__rows=2).exists()


def test_an_exported_warehouse_register_imports_again(client, bureau_officer, st_wh_a, st_district_wh):
    login(client, bureau_officer)
    rows = _download(client, "/resources/stock/warehouses/export.xlsx")
    job = _upload(client, "warehouses", [[f"{r[0]}（新）", *r[1:]] for r in rows[1:]], rows[0])
    assert job.status == ImportJob.Status.READY, job.errors
    assert _confirm(client, job).created_count == 2
    fields = ["level", "division_id", "address", "latitude", "longitude", "keeper", "keeper_phone"]
    for original in (st_wh_a, st_district_wh):
        copy = Warehouse.objects.get(name=f"{original.name}（新）")
        assert [getattr(copy, f) for f in fields] == [getattr(original, f) for f in fields]


# --- access, buttons, query counts -------------------------------------------------------------------------------

EXPORTS = ["/resources/shelters/export.xlsx", "/resources/stock/warehouses/export.xlsx"]


@pytest.mark.parametrize("url", EXPORTS)
def test_anonymous_visitors_and_enterprises_cannot_export(url, client, enterprise_manager, expert, sh_shelter_a,
                                                          st_wh_a):
    resp = client.get(url)
    assert resp.status_code == 302 and "login" in resp.url
    for user in (enterprise_manager, expert):
        login(client, user)
        assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).exists()


def test_the_list_pages_offer_export_to_readers_and_import_to_creators(client, department_clerk,
                                                                       subdistrict_officer, enterprise_manager):
    login(client, department_clerk)
    for url, name in (("/resources/shelters/?status=open", "shelter"), ("/resources/stock/warehouses/", "warehouse")):
        page = client.get(url).content.decode()
        assert f'data-testid="{name}-export"' in page and f'data-testid="{name}-import"' not in page
    assert 'href="/resources/shelters/export.xlsx?status=open"' in client.get(
        "/resources/shelters/?status=open").content.decode()
    login(client, subdistrict_officer)
    for url, register in (("/resources/shelters/", "shelters"), ("/resources/stock/warehouses/", "warehouses")):
        assert f'href="/imports/{register}/new/"' in client.get(url).content.decode()
    login(client, enterprise_manager)  # reads the warehouse list, may not export it
    assert 'data-testid="warehouse-export"' not in client.get("/resources/stock/warehouses/").content.decode()


FEW, MANY = 5, 30


@pytest.fixture
def add_rows(bureau_officer, guangfu, wanghai, st_item, st_receive):
    def _add(start: int, stop: int):
        for i in range(start, stop):
            division = guangfu if i % 2 else wanghai
            shelter = sh_make_shelter(division, f"场所{i:03d}", user=bureau_officer)
            if i % 3 == 0:
                shelter = services.shelter_open(acting_user=bureau_officer, shelter=shelter)
                services.shelter_check_in(acting_user=bureau_officer, shelter=shelter, head_name="张三", people=2)
            warehouse = st_make_warehouse(division, f"仓库{i:03d}")
            st_receive(warehouse, st_item, 3, f"L{i}")

    return _add


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
        b"".join(resp.streaming_content)
    assert resp.status_code == 200, (url, resp.status_code)
    return len(ctx)


@pytest.mark.parametrize("url", [*EXPORTS, "/resources/shelters/export.xlsx?status=open&q=场所",
                                 "/resources/stock/warehouses/export.xlsx?level=subdistrict&subdistrict={guangfu}"])
@pytest.mark.parametrize("persona", ["bureau_officer", "subdistrict_officer", "department_clerk"])
def test_the_export_query_count_does_not_grow_with_rows(url, persona, request, client, add_rows, guangfu):
    url = url.format(guangfu=guangfu.pk)
    login(client, request.getfixturevalue(persona))
    add_rows(0, FEW)
    _count(client, url)  # warm the caches (rules, sessions)
    few = _count(client, url)
    add_rows(FEW, MANY)
    assert len(_download(client, url)) > FEW + 1 or "=" in url
    assert _count(client, url) == few, url
