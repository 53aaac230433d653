"""Reading the first worksheet of an uploaded .xlsx as a stream, inside stated bounds.

An .xlsx is a zip of XML parts, and a few kilobytes of it can describe gigabytes. openpyxl's read-only
mode is not enough against that: it pads every row to the sheet's *declared* dimension (`A1:XFD1048576`
makes every row 16,384 cells), parses a whole sheet when the workbook is opened if the sheet has no
`<dimension>`, keeps every parsed `<row>` element attached to the tree, and loads the whole shared-string
table. So this package reads the parts itself with expat callbacks (no element tree):

- the zip's entry count is checked before zipfile loads its directory, and each part's declared size
  (`Limits.max_part_bytes`) and unpacked/packed ratio (above `max_ratio`: a zip bomb) before the part is
  opened; the bytes are counted while streaming;
- the header row comes first, so the caller can check it before anything else is read;
- body rows keep only the cells of the columns asked for, never a padded row;
- reading stops with `TooManyRows` at the first row past the limit; `TooManyScannedRows` bounds the
  `<row>` elements of any kind (millions of empty ones would otherwise spin a worker), and `RowTooWide`
  and `CellTooLong` bound a row and a text at Excel's own limits;
- shared strings are resolved afterwards, only for the cells kept;
- a DTD is refused, so no entity can expand.

Memory is therefore a small constant plus the rows kept.

Values are what openpyxl's data-only mode gives: int or float, datetime/time/timedelta for cells with a
date or duration number format, bool, str (rich text joined, phonetic runs left out), error codes as
text, and the cached result of a formula. Structural problems raise `Unreadable` (a ValueError); limits
raise a `Refused` subclass carrying the figures, which the caller words for people.

The modules: `limits` (the bounds and what is raised), `package` (the zip and the parts that lead to the first
worksheet), `sheet` (the worksheet's rows, the shared strings, and `SheetReader`).
"""

from __future__ import annotations

from .limits import (
    CHUNK,
    EXCEL_MAX_CELL_CHARS,
    EXCEL_MAX_COLUMNS,
    MIB,
    CellTooLong,
    Limits,
    PartTooCompressed,
    PartTooLarge,
    Refused,
    RowTooWide,
    TooManyParts,
    TooManyRows,
    TooManyScannedRows,
    Unreadable,
)
from .sheet import SheetReader

__all__ = [
    "CHUNK", "EXCEL_MAX_CELL_CHARS", "EXCEL_MAX_COLUMNS", "MIB", "CellTooLong", "Limits", "PartTooCompressed",
    "PartTooLarge", "Refused", "RowTooWide", "SheetReader", "TooManyParts", "TooManyRows",
    "TooManyScannedRows", "Unreadable",
]
