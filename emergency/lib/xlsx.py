"""Writing .xlsx: the one writer every export goes through (openpyxl write-only mode, so memory stays flat).

Every value passes through `cell()`: text is made XML-safe (`xmltext.xml_text`) and is always written as
text, so a name typed as `=HYPERLINK("http://x","y")`, `+1`, `@SUM(…)` or `#N/A` reads back exactly as
typed and is never a live formula or an error code; aware datetimes become local wall-clock time (Excel
has no time zones); lazy translations and other objects become str. Every sheet with a header row keeps
it in view (frozen panes below it), and its columns are as wide as their content: the longest text of the
header and of the first `SAMPLE_ROWS` rows (buffered, so memory stays flat however long the export), CJK
characters counting double, capped at `MAX_WIDTH`. Reading uploads is
`xlsx_reader/`. A test (`core/tests/test_export_safety.py`) keeps other modules from creating
workbooks themselves.
"""

from __future__ import annotations

import datetime
import decimal
import io
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .xmltext import xml_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
# Written as they are; anything else (lazy translations, UUIDs, …) is written as its str().
NATIVE = (str, bool, int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)
SAMPLE_ROWS = 500  # rows read ahead to size the columns
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths in characters (a CJK character is 2)


@dataclass
class Sheet:
    title: str
    headers: Sequence[Any] = ()  # the bold first row (after `above`)
    rows: Iterable[Sequence[Any]] = ()
    above: Sequence[Sequence[Any]] = ()  # plain rows before the headers: a title, a document number
    widths: Sequence[float] = ()  # column widths in characters, from column A; by default fitted to the content
    wrap: bool = False  # body cells wrap their text, aligned to the top


def cell(ws, value: Any, *, font: Font | None = None, alignment: Alignment | None = None):
    """`value` as it should be appended to the write-only sheet `ws`: a plain value or a WriteOnlyCell."""
    if value is None:
        value = ""
    elif isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    elif not isinstance(value, NATIVE):
        value = str(value)
    is_text = isinstance(value, str)
    if is_text:
        value = xml_text(value)
    # openpyxl turns a str starting with "=" into a formula and "#N/A" & co. into an error cell.
    retyped = is_text and (value.startswith("=") or value in ERROR_CODES)
    if not (retyped or font or alignment):
        return value
    written = WriteOnlyCell(ws, value=value)
    if is_text:
        written.data_type = "s"  # text a person typed is text, exactly as typed (no apostrophe added)
    if font is not None:
        written.font = font
    if alignment is not None:
        written.alignment = alignment
    return written


def text_width(value: Any) -> int:
    """How many character cells `value` takes when shown: its longest line, a wide (CJK) character counting 2."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19 if value.time() else 10
    if isinstance(value, datetime.date):
        return 10
    text = str(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines()), default=0)


def fitted_widths(rows: Iterable[Sequence[Any]]) -> list[float]:
    """Column widths (in characters) fitting the longest cell of each column of `rows`, padded, capped."""
    widths: list[int] = []
    for row in rows:
        for column, value in enumerate(row):
            if column == len(widths):
                widths.append(0)
            widths[column] = max(widths[column], text_width(value))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def write_xlsx(out: IO[bytes], sheets: Sequence[Sheet]) -> None:
    """Write the sheets, in order, to the binary file `out`."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(title=xml_text(str(sheet.title))[:31])
        rows = iter(sheet.rows)
        widths = sheet.widths
        if not widths:
            # A write-only sheet takes its column widths before the first row: read a sample ahead.
            sample = list(itertools.islice(rows, SAMPLE_ROWS))
            rows = itertools.chain(sample, rows)
            widths = fitted_widths([sheet.headers, *sample])
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width  # before the first row
        if sheet.headers:
            ws.freeze_panes = f"A{len(sheet.above) + 2}"  # the header row stays in view
        for row in sheet.above:
            ws.append([cell(ws, v) for v in row])
        if sheet.headers:
            ws.append([cell(ws, h, font=BOLD) for h in sheet.headers])
        alignment = WRAP_TOP if sheet.wrap else None
        for row in rows:
            ws.append([cell(ws, v, alignment=alignment) for v in row])
    wb.save(out)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()


def build_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One sheet: bold headers, then the rows."""
    return xlsx_bytes([Sheet(title=title, headers=headers, rows=rows)])
