"""Spreadsheet helpers: real .xlsx out (write-only mode keeps memory flat) and rows in."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(fileobj) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Headers and (spreadsheet line number, values) for every non-empty row of the first sheet."""
    wb = load_workbook(fileobj, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        return [], []
    body = []
    for line, values in enumerate(rows, start=2):
        values = list(values)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        body.append((line, values))
    wb.close()
    return headers, body
