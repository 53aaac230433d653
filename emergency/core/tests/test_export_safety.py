"""Use case: whatever text is stored — control characters from a paste, a failed-login name such as
`=HYPERLINK(…)` — every export opens, reads back as text and is never a live formula (issue 9, items 3 and 4);
and forms and the API refuse control characters in text where they make no sense."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import get_resolver
from django.utils import timezone
from django.utils.translation import gettext_lazy
from docx import Document
from openpyxl import load_workbook
from rest_framework import serializers

from conftest import login
from emergency.core import services
from emergency.core.models import AuditEvent, Division
from emergency.core.validators import refuse_control_characters
from emergency.lib.docx import OfficialDocument
from emergency.lib.xlsx import Sheet, build_xlsx, xlsx_bytes
from emergency.resources.teams import services as services_teams

FORMULA = '=HYPERLINK("http://x","y")'
# Text that a spreadsheet would otherwise take for a formula or an error: each must stay text, as typed.
LOOKS_LIKE_FORMULA = [FORMULA, "=1+1", "+1", "-1", "@SUM(A1)", "#N/A"]


def cells(content: bytes, column: int) -> list:
    """The cells of one column (1-based), header excluded; a full load, so that data_type is the file's."""
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    return [row[column - 1] for row in ws.iter_rows(min_row=2)]


def assert_text(cell, value: str) -> None:
    assert (cell.value, cell.data_type) == (value, "s")


# --- the one writer ------------------------------------------------------------------------------


def test_the_writer_keeps_text_as_text_and_drops_what_xml_cannot_hold():
    aware = timezone.make_aware(datetime.datetime(2026, 5, 1, 8, 30))
    lazy = gettext_lazy("Yes")
    rows = [[v] for v in LOOKS_LIKE_FORMULA] + [["a\x00b\x01c\x0bd\x1fe\ud800f\ufffeg\uffffh\tI\nJ"], [lazy],
                                                [aware], [3], [None]]
    content = build_xlsx(title="T\x01", headers=["=h"], rows=rows)

    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert_text(ws["A1"], "=h")
    column = [row[0] for row in ws.iter_rows(min_row=2)]
    for cell, value in zip(column, LOOKS_LIKE_FORMULA, strict=False):
        assert_text(cell, value)
    assert_text(column[6], "abcdefgh\tI\nJ")
    assert_text(column[7], str(lazy))
    assert column[8].value == timezone.localtime(aware).replace(tzinfo=None)
    assert column[9].value == 3 and column[10].value is None
    assert ws.title == "T"


def test_the_writer_writes_several_sheets_with_widths_and_rows_above_the_header():
    content = xlsx_bytes([Sheet(title="a", above=[["title"]], headers=["h1", "h2"], rows=[["=x", 1]],
                                widths=(30, 8), wrap=True), Sheet(title="b", rows=[["only"]])])
    wb = load_workbook(io.BytesIO(content))
    first, second = wb.worksheets
    assert [[c.value for c in row] for row in first.iter_rows()] == [["title", None], ["h1", "h2"], ["=x", 1]]
    assert first["B2"].font.bold and not first["A1"].font.bold and first["A3"].alignment.wrap_text
    assert first["A3"].data_type == "s" and first.column_dimensions["A"].width == 30
    assert second["A1"].value == "only"


def test_the_docx_writer_drops_what_xml_cannot_hold():
    doc = OfficialDocument()
    doc.title("标题\x01")
    doc.paragraph("段落\x0b\ud800")
    doc.table(["列\x02"], [["值\x1f"], [None]])
    read = Document(io.BytesIO(doc.to_bytes()))
    assert [p.text for p in read.paragraphs] == ["标题", "段落"]
    assert [[c.text for c in row.cells] for row in read.tables[0].rows] == [["列"], ["值"], [""]]


# --- every export --------------------------------------------------------------------------------


def test_a_failed_login_name_with_a_control_character_or_a_formula_leaves_the_audit_export_readable(
        client, audit_admin):
    # The login form lets the name through to authenticate(), so the failed attempt is recorded as typed…
    resp = client.post("/accounts/login/", {"username": "ctl\x01user", "password": "Wrong#Pass1"})
    assert resp.status_code == 200 and not resp.context["user"].is_authenticated
    client.post("/accounts/login/", {"username": FORMULA, "password": "Wrong#Pass1"})
    assert set(AuditEvent.objects.filter(event_type="login_failed").values_list("actor_username", flat=True)) == {
        "ctl\x01user", FORMULA}

    login(client, audit_admin)
    resp = client.get("/audit/export.xlsx?event_type=login_failed")

    assert resp.status_code == 200
    users = sorted(cells(resp.content, 2), key=lambda c: c.value)
    assert_text(users[0], FORMULA)
    assert_text(users[1], "ctluser")


@pytest.fixture
def divisions_with_odd_contacts(guangfu, bureau_officer):
    for serial, contact in enumerate([*LOOKS_LIKE_FORMULA, "张\x01三"]):
        services.division_create(acting_user=bureau_officer, code=f"12010500190{serial}", name=f"导出社区{serial}",
                                 level=Division.Level.COMMUNITY, parent=guangfu, contact_name=contact)


def test_the_division_export_writes_contacts_as_typed_text(client, bureau_officer, divisions_with_odd_contacts):
    login(client, bureau_officer)
    resp = client.get("/divisions/export.xlsx?level=community")

    assert resp.status_code == 200
    contacts = {c.value: c for c in cells(resp.content, 8) if c.value}
    assert set(contacts) == {*LOOKS_LIKE_FORMULA, "张三"}
    for value, cell in contacts.items():
        assert_text(cell, value)


def test_the_team_and_expert_exports_write_fields_as_typed_text(client, bureau_officer, guangfu):
    services_teams.team_create(acting_user=bureau_officer, name="公式救援队", kind="grassroots", division=guangfu,
                               specialty="flood", owner_unit="单位\x03甲", leader=FORMULA, duty_phone="022-26260001")
    services_teams.expert_create(acting_user=bureau_officer, name="公式专家", field_flood_drought=True, title="=1+2",
                                 unit="大学\x04乙", phone="13811112222")
    login(client, bureau_officer)

    teams = client.get("/resources/teams/export.xlsx")
    assert teams.status_code == 200
    assert_text(cells(teams.content, 4)[0], "单位甲")  # owner unit
    assert_text(cells(teams.content, 6)[0], FORMULA)  # leader
    experts = client.get("/resources/teams/experts/export.xlsx")
    assert experts.status_code == 200
    assert_text(cells(experts.content, 3)[0], "=1+2")  # title
    assert_text(cells(experts.content, 4)[0], "大学乙")  # unit


def test_the_progress_report_docx_opens_with_control_characters_in_a_narrative(
        client, bureau_officer, department_clerk):
    from emergency.plan_supervision import services as plan_services
    from emergency.plan_supervision.tests import builders

    plan = builders.import_plan(bureau_officer)
    period = builders.period_on(plan, datetime.date(2023, 1, 1))
    plan_services.report_save(acting_user=department_clerk, assignment=builders.assignment(plan, 2, "区住建委"),
                              period=period, narrative="排查\x01完成\x0c六成。", percent_complete=60,
                              status="on_track", submit=True)
    login(client, bureau_officer)
    resp = client.get(f"/plans/{plan.pk}/progress.docx?period={period.pk}")

    assert resp.status_code == 200
    detail = Document(io.BytesIO(resp.content)).tables[1]
    assert "排查完成六成。" in [row.cells[7].text for row in detail.rows]


# --- refusing control characters on the way in --------------------------------------------------


def test_a_form_refuses_a_control_character_on_its_field_and_writes_nothing(client, bureau_officer, guangfu):
    login(client, bureau_officer)
    before = Division.objects.count()
    resp = client.post("/divisions/new/", {"code": "120105001950", "name": "新社区", "level": "community",
                                           "parent": guangfu.pk, "contact_name": "张\x01三"})

    assert resp.status_code in (200, 400)
    form = resp.context["form"]
    assert list(form.errors) == ["contact_name"]
    assert "控制字符" in form.errors["contact_name"][0]
    assert Division.objects.count() == before


def test_the_api_refuses_a_control_character_with_a_400_naming_the_field(client, bureau_officer, guangfu):
    login(client, bureau_officer)
    before = Division.objects.count()
    resp = client.post("/api/v1/divisions/", {"code": "120105001951", "name": "新\x1f社区", "level": "community",
                                              "parent": guangfu.pk}, content_type="application/json")

    assert resp.status_code == 400
    fields = resp.json()["error"]["fields"]
    assert list(fields) == ["name"] and "控制字符" in fields["name"][0]
    assert Division.objects.count() == before


@pytest.mark.parametrize("text", ["tab\tnew line\ncarriage\rreturn", "中文 ＝全角", "emoji 🚒"])
def test_tab_newline_and_ordinary_text_are_accepted(text):
    refuse_control_characters(text)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_text_field_of_every_form_and_serializer_refuses_control_characters():
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form and serializer
    missing, checked = [], 0
    for cls in set(_subclasses(forms.BaseForm)):
        if cls.__module__.startswith("emergency."):
            for name, field in getattr(cls, "base_fields", {}).items():
                if isinstance(field, forms.CharField):
                    checked += 1
                    if refuse_control_characters not in field.validators:
                        missing.append(f"{cls.__module__}.{cls.__name__}.{name}")
    for cls in set(_subclasses(serializers.BaseSerializer)):
        if cls.__module__.startswith("emergency.") and not cls.__name__.startswith("_"):
            for name, field in cls().fields.items():
                if isinstance(field, serializers.CharField):
                    checked += 1
                    if refuse_control_characters not in field.validators:
                        missing.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert checked > 100 and missing == []


# --- no export may bypass the writers ------------------------------------------------------------

EMERGENCY = Path(__file__).resolve().parents[2]
WRITERS = {"lib/xlsx.py", "lib/docx.py"}
# Reading an uploaded .docx (the plan notice) is not writing one.
DOCX_READERS = {"plan_supervision/reading.py"}
BYPASS = re.compile(r"Workbook\(|from openpyxl import[^\n]*\bWorkbook\b|openpyxl\.Workbook|WriteOnlyCell|"
                    r"docx import[^\n]*\bDocument\b|docx\.Document\(")


def test_every_xlsx_and_docx_is_written_by_the_shared_writers():
    offenders = []
    for path in EMERGENCY.rglob("*.py"):
        relative = path.relative_to(EMERGENCY).as_posix()
        if "/tests/" in f"/{relative}" or relative.startswith("lib/") or relative in WRITERS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if BYPASS.search(line) and not (relative in DOCX_READERS and "Workbook" not in line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "write .xlsx through emergency.lib.xlsx and .docx through emergency.lib.docx"
    reader = (EMERGENCY / "plan_supervision/reading.py").read_text(encoding="utf-8")
    assert ".save(" not in reader
