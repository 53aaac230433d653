"""Streaming .xlsx exports: rows go straight into an openpyxl write-only workbook backed by a temporary
file, which FileResponse serves from disk, so memory does not grow with the number of rows."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from emergency.lib.xlsx import XLSX_MIME


def _cell(ws, value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # a pasted name may hold control characters
        if value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"  # text typed into a form is never a formula
            return cell
    return value


def stream_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence], filename: str
                ) -> tuple[FileResponse, int]:
    """Write the rows to a temporary .xlsx file; return the response serving it and the row count."""
    out = tempfile.TemporaryFile(suffix=".xlsx")  # removed when FileResponse closes it
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    n = 0
    for row in rows:
        ws.append([_cell(ws, v) for v in row])
        n += 1
    wb.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_MIME), n
