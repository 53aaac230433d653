"""Use case: documents that offices can file (issue 11). A .docx is an A4 公文 (GB/T 9704-2012 margins,
fonts and line grid); an .xlsx keeps its header in view and its columns as wide as their content; every
download has a file name in the user's language with an ASCII fallback (RFC 6266/5987)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length
from openpyxl import load_workbook

from conftest import login
from emergency.core.exports import attachment_disposition
from emergency.lib.docx import OfficialDocument
from emergency.lib.xlsx import MAX_WIDTH, Sheet, build_xlsx, fitted_widths, text_width, xlsx_bytes

# --- .docx: GB/T 9704-2012 -----------------------------------------------------------------------------


def _fonts(style) -> dict[str, str]:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return {name: fonts.get(qn(f"w:{name}")) for name in ("ascii", "hAnsi", "eastAsia")}


def assert_official_format(content: bytes) -> None:
    doc = Document(io.BytesIO(content))
    section = doc.sections[0]
    # A4 and the 公文 margins, to the twip Word stores (1 mm = 56.7 twips).
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    block = (Length(section.page_width - section.left_margin - section.right_margin),
             Length(section.page_height - section.top_margin - section.bottom_margin))
    assert [round(side.mm) for side in block] == [156, 225]  # 版心
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"  # 28.95 pt, 22 lines

    normal = doc.styles["Normal"]
    assert _fonts(normal) == dict.fromkeys(("ascii", "hAnsi", "eastAsia"), "仿宋_GB2312")
    assert normal.font.size.pt == 16  # 3号
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    title = doc.styles["Official Title"]
    assert _fonts(title)["eastAsia"] == _fonts(title)["ascii"] == "方正小标宋简体" and title.font.size.pt == 22
    heading = doc.styles["Official Heading 1"]
    assert _fonts(heading)["eastAsia"] == "黑体" and heading.font.size.pt == 16

    paragraphs = doc.paragraphs
    assert paragraphs[0].style.name == "Official Title"
    assert any(p.style.name == "Official Heading 1" for p in paragraphs)

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        font_table = package.read("word/fontTable.xml").decode()
    for font, fallback in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "宋体"), ("黑体", "SimHei")):
        assert re.search(rf'<w:font w:name="{font}"><w:altName w:val="{fallback}"/>', font_table)


def test_an_official_document_is_an_a4_gbt_9704_document():
    doc = OfficialDocument()
    doc.title("关于报送进展情况的报告")
    doc.heading("一、总体情况")
    doc.paragraph("正文。")
    doc.table(["序号", "内容"], [[1, "第一行\n第二行"], [2, "制表\t符"]])
    content = doc.to_bytes()

    assert_official_format(content)
    read = Document(io.BytesIO(content))
    assert [[c.text for c in row.cells] for row in read.tables[0].rows] == [
        ["序号", "内容"], ["1", "第一行\n第二行"], ["2", "制表\t符"]]
    header_row = read.tables[0].rows[0]._tr
    assert header_row.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert [p.paragraphs[0].style.name for p in read.tables[0].rows[1].cells] == ["Official Table Text"] * 2


def test_a_table_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        OfficialDocument().table(["a", "b"], [["only one"]])


@pytest.fixture
def plan_and_period(bureau_officer):
    from emergency.plan_supervision.tests import builders

    plan = builders.import_plan(bureau_officer)
    return plan, builders.period_on(plan, datetime.date(2023, 1, 1))


def test_the_progress_report_and_the_evaluation_are_filed_as_official_documents(
        client, bureau_officer, plan_and_period):
    plan, period = plan_and_period
    login(client, bureau_officer)
    for url in (f"/plans/{plan.pk}/progress.docx?period={period.pk}", f"/plans/{plan.pk}/evaluation.docx"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert_official_format(resp.content)
        disposition = parse_disposition(resp["Content-Disposition"])
        assert disposition["filename"].endswith(f"-{timezone.localdate():%Y%m%d}.docx")


# --- .xlsx: header in view, widths fitted ------------------------------------------------------------


def test_an_export_freezes_its_header_row_and_fits_its_columns():
    content = build_xlsx(title="t", headers=["名称", "n", "备注"],
                         rows=[["天津市河北区应急管理局", 7, "x" * 200], ["短", 12345, None]])
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert ws.freeze_panes == "A2"
    widths = [ws.column_dimensions[c].width for c in "ABC"]
    assert widths[0] == 2 * len("天津市河北区应急管理局") + 2  # CJK characters are two wide
    assert widths[1] == 7  # "12345" + 2
    assert widths[2] == MAX_WIDTH


def test_rows_above_the_header_move_the_frozen_pane_and_given_widths_are_kept():
    content = xlsx_bytes([Sheet(title="t", above=[["标题"], ["文号"]], headers=["h"], rows=[["v"]], widths=(30,)),
                          Sheet(title="plain", rows=[["no header"]])])
    first, second = load_workbook(io.BytesIO(content)).worksheets
    assert first.freeze_panes == "A4" and first.column_dimensions["A"].width == 30
    assert second.freeze_panes is None


def test_the_width_estimate_counts_wide_characters_twice_and_takes_the_longest_line():
    assert text_width("应急") == 4 and text_width("ab") == 2 and text_width("ＡＢ") == 4
    assert text_width("短\n长长长长") == 8 and text_width(None) == 0
    assert text_width(datetime.date(2026, 1, 2)) == 10
    assert text_width(timezone.now().replace(tzinfo=None, hour=8)) == 19
    assert fitted_widths([["h"], ["", "extra column"]]) == [6, 14]


def test_a_streamed_export_is_fitted_from_its_first_rows_without_holding_them_all():
    rows = ([f"row {n}", "宽" * (n % 7)] for n in range(5000))
    content = build_xlsx(title="t", headers=["a", "b"], rows=rows)
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert sum(1 for _ in ws.iter_rows()) == 5001


# --- file names ------------------------------------------------------------------------------------


def parse_disposition(value: str) -> dict[str, str]:
    assert value.startswith("attachment; ")
    plain = re.search(r'filename="([^"]*)"', value)
    extended = re.search(r"filename\*=UTF-8''([^;\s]+)", value)
    parsed = {"filename": unquote(extended[1]) if extended else plain[1], "ascii": plain[1]}
    assert parsed["ascii"].isascii()
    return parsed


def test_a_chinese_file_name_has_an_ascii_fallback_and_an_rfc_5987_name():
    value = attachment_disposition("企业台账-20261205.xlsx", "enterprises-20261205.xlsx")
    assert value == ('attachment; filename="enterprises-20261205.xlsx"; '
                     "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%8F%B0%E8%B4%A6-20261205.xlsx")
    assert attachment_disposition("plain-1.xlsx") == 'attachment; filename="plain-1.xlsx"'
    # Without a fallback, the name made ASCII; what a header or a file system refuses never gets through.
    assert parse_disposition(attachment_disposition("企业台账-20261205.xlsx")) == {
        "filename": "企业台账-20261205.xlsx", "ascii": "20261205.xlsx"}
    assert parse_disposition(attachment_disposition('a"b/c\\d\r\n;e.svg')) == {
        "filename": "a_b_c_d_;e.svg", "ascii": "a_b_c_d__e.svg"}
    assert parse_disposition(attachment_disposition("Café.docx"))["ascii"] == "Cafe.docx"


def _expected(resp, msgid: str, extension: str) -> str:
    with translation.override(resp["Content-Language"]):
        return f"{gettext(msgid)}-{timezone.localdate():%Y%m%d}.{extension}"


@pytest.mark.parametrize(("url", "msgid", "fallback"), [
    ("enterprises:export", "Enterprise ledger", "enterprises"),
    ("prevention:ledger_hazards_export", "Hidden hazard ledger", "hidden-hazards"),
    ("prevention:ledger_risk_points_export", "Risk point ledger", "risk-points"),
    ("resources:stock_ledger_export", "Stock ledger", "stock-ledger"),
    ("resources:warehouse_export", "Warehouses", "warehouses"),
    ("resources:shelter_export", "Shelters", "shelters"),
    ("resources:reserve_export", "Agreement reserves", "agreement-reserves"),
    ("resources:team_export", "Rescue teams", "rescue-teams"),
    ("resources:expert_export", "Experts", "experts"),
    ("resources:equipment_export", "Equipment", "equipment"),
    ("core:division_export", "Division register", "divisions"),
])
def test_every_ledger_export_is_named_in_the_users_language_and_dated(client, bureau_officer, url, msgid,
                                                                       fallback):
    login(client, bureau_officer)
    resp = client.get(reverse(url))
    assert resp.status_code == 200
    name = parse_disposition(resp["Content-Disposition"])
    assert name == {"filename": _expected(resp, msgid, "xlsx"),
                    "ascii": f"{fallback}-{timezone.localdate():%Y%m%d}.xlsx"}


def test_in_chinese_the_enterprise_ledger_downloads_as_qiye_taizhang(client, bureau_officer):
    login(client, bureau_officer)
    resp = client.get(reverse("enterprises:export"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    if resp["Content-Language"] != "zh-hans":
        pytest.skip("the user's language preference overrides the browser's")
    assert parse_disposition(resp["Content-Disposition"])["filename"] == (
        f"企业台账-{timezone.localdate():%Y%m%d}.xlsx")
