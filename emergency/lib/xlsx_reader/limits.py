"""The bounds a workbook is read within (`Limits`) and what the reader raises: `Unreadable` for a file it
cannot read, a `Refused` subclass, carrying the figures, for one past a bound."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024
CHUNK = 64 * 1024  # bytes of XML fed to the parser at a time: at most this much is parsed past a limit
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767
# A ratio says nothing about a small part (a few repeated tags compress 100:1); above this size it does.
RATIO_FLOOR = 1 * MIB
MAX_SHEET_IDS = 1_000  # sheets looked at to find the first worksheet


@dataclass(frozen=True)
class Limits:
    max_rows: int = 100_000  # non-empty rows after the header
    max_scanned_rows: int = 200_000  # <row> elements of any kind, empty ones included
    max_part_bytes: int = 256 * MIB  # unpacked size of the sheet or of the shared strings
    max_meta_bytes: int = 32 * MIB  # unpacked size of the relationships, workbook and styles parts
    max_ratio: int = 100  # unpacked ÷ packed size of a part above RATIO_FLOOR
    max_row_cells: int = EXCEL_MAX_COLUMNS  # <c> elements in one row
    max_cell_chars: int = EXCEL_MAX_CELL_CHARS  # text of one cell or shared string
    # zip entries: zipfile holds one ZipInfo (about 0.5 kB) per entry, and a 20 MB upload can list 250,000
    max_parts: int = 10_000


class Unreadable(ValueError):
    """Not a workbook this reader understands (a part is missing, broken or refers to nothing)."""


class Refused(Exception):
    """The file passes a limit; subclasses carry the figures for the message."""


class _OverLimit(Refused):
    """A count past `limit`: the subclass says of what, in `what` (formatted with the limit)."""

    what = ""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(self.what.format(limit=limit))


class PartTooLarge(Refused):
    def __init__(self, part: str, limit: int):
        self.part, self.limit = part, limit
        super().__init__(f"{part} unpacks to more than {limit} bytes")


class PartTooCompressed(Refused):
    def __init__(self, part: str, ratio: float, limit: int):
        self.part, self.ratio, self.limit = part, ratio, limit
        super().__init__(f"{part} is compressed {ratio:.0f}:1 (more than {limit}:1)")


class TooManyParts(Refused):
    def __init__(self, count: int, limit: int):
        self.count, self.limit = count, limit
        super().__init__(f"{count} zip entries (more than {limit})")


class TooManyRows(_OverLimit):
    what = "more than {limit} rows"


class TooManyScannedRows(_OverLimit):
    what = "more than {limit} row elements, empty ones included"


class RowTooWide(Refused):
    def __init__(self, line: int, limit: int):
        self.line, self.limit = line, limit
        super().__init__(f"row {line} has more than {limit} cells")


class CellTooLong(_OverLimit):
    what = "a cell holds more than {limit} characters"
