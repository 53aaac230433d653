"""Tests for emergency.lib.xlsx_reader: the values are openpyxl's (data-only mode), and every limit holds."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from emergency.lib import xlsx_reader as xr
from emergency.lib.xlsx_reader.package import _Counted

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def read(content: bytes, columns=None, limits=None) -> tuple[list[str], list]:
    with xr.SheetReader(io.BytesIO(content), limits) as sheet:
        headers = sheet.header()
        return headers, sheet.body(range(len(headers)) if columns is None else columns)


def openpyxl_rows(content: bytes) -> tuple[list[str], list]:
    """What the import read before: openpyxl read-only, data-only, blank rows left out."""
    rows = list(load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0].values)
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    body = [(line, list(values)[:len(headers)]) for line, values in enumerate(rows[1:], start=2)]
    return headers, [(line, v + [None] * (len(headers) - len(v))) for line, v in body
                     if not all(x is None or (isinstance(x, str) and not x.strip()) for x in v)]


@pytest.mark.parametrize("write_only", [False, True])
def test_the_values_are_openpyxls_for_a_workbook_openpyxl_wrote(write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("s") if write_only else wb.active
    ws.append(["名称", " 数量 ", "日期", "时刻", "时长", "是否", "小数", None, "末列"])
    for n in range(300):
        ws.append([f"社区{n}" if n % 7 else f"  {n}  ", n, datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
                   datetime.datetime(2024, 5, 1, 8, 30, 15), datetime.timedelta(hours=n), n % 2 == 0, n / 3,
                   "无表头", None if n % 5 else "=1+1"])
    ws.append([None, " ", None])
    ws.append(["最后"])
    out = io.BytesIO()
    wb.save(out)

    headers, rows = read(out.getvalue())
    assert headers == ["名称", "数量", "日期", "时刻", "时长", "是否", "小数", "", "末列"]
    assert (headers, rows) == openpyxl_rows(out.getvalue())
    assert rows[1][1][2] == datetime.datetime(2024, 1, 2) and rows[-1] == (303, ["最后", *[None] * 8])


def package(sheet: str, *, strings: str | None = None, styles: str | None = None, workbook_pr: str = "",
            chartsheet_first: bool = False, extra: dict | None = None) -> bytes:
    sheets = '<sheet name="S" sheetId="1" r:id="rId1"/>'
    rels = f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    if chartsheet_first:
        sheets = '<sheet name="C" sheetId="2" r:id="rId9"/>' + sheets
        rels += f'<Relationship Id="rId9" Type="{RELS}/chartsheet" Target="chartsheets/sheet1.xml"/>'
    overrides = ""
    if strings is not None:
        rels += f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="/xl/sharedStrings.xml"/>'
        overrides += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
    if styles is not None:
        rels += f'<Relationship Id="rId3" Type="{RELS}/styles" Target="styles.xml"/>'
        overrides += f'<Override PartName="/xl/styles.xml" ContentType="{CT}.styles+xml"/>'
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                               'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                               f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
                               f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
                               f"{overrides}</Types>",
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RELS}/officeDocument" '
                       'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}">{workbook_pr}<sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG}">{rels}</Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet}</sheetData></worksheet>',
        "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN}"/>',
        "xl/chartsheets/_rels/sheet1.xml.rels": f'<Relationships xmlns="{PKG}"/>',
        **({"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{strings}</sst>'} if strings is not None else {}),
        **({"xl/styles.xml": f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>'} if styles is not None else {}),
        **(extra or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return out.getvalue()


EXCEL_STRINGS = ("<si><t>编码</t></si><si><t>名称</t></si><si><r><rPr><b/></rPr><t>富</t></r><r><t xml:space="
                 '"preserve">文本 </t></r><rPh sb="0" eb="1"><t>ふ</t></rPh></si><si><t>日期</t></si><si><t/></si>')
EXCEL_STYLES = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
                '</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="4">'
                '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="46"/></cellXfs>')


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl, on the minimal styles
@pytest.mark.parametrize("date1904", [False, True])
def test_an_excel_style_workbook_reads_as_openpyxl_reads_it(date1904):
    """Shared and rich strings with a phonetic guide, built-in and custom date formats, a duration, the 1904
    calendar, booleans, errors, formula results, ISO dates, rows and cells without references, a chart sheet
    first: the values are openpyxl's."""
    sheet = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>3</v></c>'
             '<c r="D1" t="inlineStr"><is><t>其他</t></is></c></row>'
             '<row r="2"><c r="A2"><v>120105001801</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" s="1"><v>45000</v>'
             '</c><c r="D2" t="b"><v>1</v></c></row>'
             '<row r="4" spans="1:4" ht="20" customHeight="1"><c t="str"><f>A2&amp;""</f><v>120105001801</v></c>'
             '<c t="e"><v>#N/A</v></c><c s="2"><v>45000.5</v></c><c s="3"><v>1.25</v></c></row>'
             '<row><c r="A5" t="d"><v>2024-05-01T08:30:00</v></c><c r="B5" t="s"><v>4</v></c>'
             '<c r="C5" t="inlineStr"><is><r><t>行</t></r><r><t>内</t></r></is></c><c r="D5"><v>1.5E3</v></c></row>'
             '<row r="6"><c r="A6" t="s"><v>4</v></c><c r="B6" t="inlineStr"><is><t>  </t></is></c></row>')
    content = package(sheet, strings=EXCEL_STRINGS, styles=EXCEL_STYLES, chartsheet_first=True,
                      workbook_pr='<workbookPr date1904="1"/>' if date1904 else "")

    headers, rows = read(content)
    assert headers == ["编码", "名称", "日期", "其他"]
    assert (headers, rows) == openpyxl_rows(content)
    epoch = datetime.datetime(1904, 1, 1) if date1904 else datetime.datetime(1899, 12, 30)
    assert rows == [
        (2, [120105001801, "富文本 ", epoch + datetime.timedelta(days=45000), True]),
        (4, ["120105001801", "#N/A", epoch + datetime.timedelta(days=45000.5), datetime.timedelta(hours=30)]),
        (5, [datetime.datetime(2024, 5, 1, 8, 30), "", "行内", 1500.0]),
    ]


def test_only_the_asked_columns_are_kept_in_the_order_asked():
    sheet = ('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="C1" t="inlineStr"><is><t>c</t></is></c>'
             '</row><row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c><c r="C2"><v>3</v></c><c r="XFD2"><v>9</v>'
             '</c></row><row r="3"><c r="B3"><v>5</v></c></row>')
    headers, rows = read(package(sheet), columns=[2, 0])
    assert headers == ["a", "", "c"]
    assert rows == [(2, [3, 1])]  # row 3 has nothing in A or C


def test_row_one_empty_gives_no_headers():
    assert read(package('<row r="2"><c r="A2"><v>1</v></c></row>'))[0] == []
    assert read(package(""))[0] == []


# --- limits --------------------------------------------------------------------------------------


def rows_of(n: int, *, numbered: bool = True) -> str:
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>'
    return header + "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' if numbered else "<row/>"
                            for i in range(2, n + 2))


def test_the_row_limit_refuses_the_first_row_past_it_and_not_the_last_within_it():
    content = package(rows_of(10))
    assert len(read(content, limits=xr.Limits(max_rows=10))[1]) == 10
    with pytest.raises(xr.TooManyRows):
        read(content, limits=xr.Limits(max_rows=9))


def test_empty_rows_count_towards_the_scanned_row_limit():
    with pytest.raises(xr.TooManyScannedRows):
        read(package(rows_of(100, numbered=False)), limits=xr.Limits(max_scanned_rows=50))


def test_a_part_declared_larger_than_the_limit_is_refused_before_it_is_read():
    with pytest.raises(xr.PartTooLarge) as exc:
        read(package(rows_of(1000)), limits=xr.Limits(max_part_bytes=10_000))
    assert exc.value.part == "xl/worksheets/sheet1.xml"


def test_a_part_compressed_like_a_zip_bomb_is_refused_before_it_is_read():
    with pytest.raises(xr.PartTooCompressed) as exc:
        read(package(rows_of(200_000, numbered=False)))  # 1.2 MB of <row/>
    assert exc.value.ratio > 100


def test_the_stream_is_counted_while_it_is_read():
    stream = _Counted(io.BytesIO(b"x" * 100), "part", limit=64)
    assert stream.read(60) == b"x" * 60
    with pytest.raises(xr.PartTooLarge):
        stream.read(60)


def test_a_cell_reference_beyond_excels_columns_is_unreadable():
    with pytest.raises(xr.Unreadable):
        read(package('<row r="1"><c r="ZZZZZZ1" t="inlineStr"><is><t>h</t></is></c></row>'))


@pytest.mark.parametrize("content", [
    b"not a zip",
    package('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),  # no shared-string table
    package('<row r="1"><c r="A1" t="s"><v>5</v></c></row>', strings="<si><t>x</t></si>"),  # no string 5
    package("<row><c>"),  # broken XML
    package("", extra={"xl/worksheets/sheet1.xml": '<!DOCTYPE w [<!ENTITY e "x">]><worksheet/>'}),
])
def test_a_broken_workbook_is_unreadable(content):
    with pytest.raises(xr.Unreadable):
        read(content)
