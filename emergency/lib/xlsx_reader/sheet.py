"""The first worksheet's rows: `SheetReader` (header first, then the kept columns of the body), the
worksheet's expat callbacks, and the shared-string table, read afterwards and only as far as the cells kept
need."""

from __future__ import annotations

import zipfile
from collections import deque
from collections.abc import Sequence
from typing import Any

from openpyxl.utils.datetime import from_excel, from_ISO8601

from .limits import (
    EXCEL_MAX_COLUMNS,
    CellTooLong,
    Limits,
    RowTooWide,
    TooManyRows,
    TooManyScannedRows,
    Unreadable,
)
from .package import _find_workbook, _local, _Package, _parser, _Workbook


class _SharedString(int):
    """A cell's index into the shared-string table, resolved once the rows are read."""

    __slots__ = ()


def _column(reference: str) -> int:
    """1-based column of a cell reference ("AB12" → 28); 0 when there is none."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _TextCollector:
    """What the worksheet and the shared-string table read alike: a cell's or a string's text as openpyxl
    gives it — the <t> runs of rich text joined, the phonetic guide (<rPh>, furigana) left out — and never
    more than `limits.max_cell_chars` characters of it.

    A subclass opens `runs` where a string begins (an inline string's <is>, a needed <si>), resets `length`
    per cell or string, and passes the other tags to `start_run` / `end_run`; `data` is the expat text
    callback."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.runs: list[str] | None = None  # the <t> texts of the string being read
        self.text: list[str] | None = None  # the character data being collected (a <t>, or a cell's <v>)
        self.length = 0  # characters collected for the current cell or string
        self.phonetic = 0  # how deep inside <rPh>

    def start_run(self, tag: str) -> None:
        if tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.runs is not None and not self.phonetic:
            self.text = []

    def end_run(self, tag: str) -> None:
        if tag == "t" and self.text is not None and self.runs is not None:
            self.runs.append("".join(self.text))
            self.text = None
        elif tag == "rPh":
            self.phonetic -= 1

    def data(self, text: str) -> None:
        if self.text is not None:
            self.length += len(text)
            if self.length > self.limits.max_cell_chars:
                raise CellTooLong(self.limits.max_cell_chars)
            self.text.append(text)


class _SheetParser(_TextCollector):
    """expat callbacks for one worksheet. Completed rows go to `self.done` as (line, cells): all the
    row's cells as (column, value) while `columns` is None (the header), then only the kept columns'
    values, in the order asked for."""

    def __init__(self, book: _Workbook, limits: Limits):
        super().__init__(limits)
        self.book = book
        self.columns: dict[int, int] | None = None  # 1-based column → position in a kept row
        self.done: deque[tuple[int, list]] = deque()
        self.finished = False
        self.scanned = self.kept = 0
        self.line = 0
        self.row: list | None = None
        self.row_columns: dict[int, int] | None = None  # `columns` when the row began
        self.cells = 0
        self.column = 0
        self.cell: tuple[int, str, int] | None = None  # (column, type, style) of a cell being kept
        self.value_text: str | None = None  # the cell's <v>
        self.parser = _parser(self.start, self.end, self.data)

    def keep(self, columns: Sequence[int]) -> None:
        """From now on, keep only these 0-based columns."""
        self.columns = {c + 1: position for position, c in enumerate(columns)}

    # expat callbacks ------------------------------------------------------------------------

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            self.start_cell(attrs)
        elif self.cell is None:
            if tag == "row":
                self.start_row(attrs)
        elif tag == "v":
            self.text = []
        elif tag == "is":
            self.runs = []  # an inline string
        else:
            self.start_run(tag)

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "c":
            self.end_cell()
        elif tag == "row":
            self.end_row()
        elif self.cell is None:
            if tag == "sheetData":
                self.finished = True  # nothing after the rows is needed
        elif tag == "v" and self.text is not None:
            self.value_text = "".join(self.text)
            self.text = None
        else:
            self.end_run(tag)

    # rows and cells -------------------------------------------------------------------------

    def start_row(self, attrs: dict[str, str]) -> None:
        self.scanned += 1
        if self.scanned > self.limits.max_scanned_rows:
            raise TooManyScannedRows(self.limits.max_scanned_rows)
        number = attrs.get("r")
        try:
            self.line = int(float(number)) if number else self.line + 1
        except (ValueError, OverflowError):
            raise Unreadable(f"bad row number {number!r}") from None
        self.row_columns = self.columns
        self.row = [] if self.columns is None else [None] * len(self.columns)
        self.cells = 0
        self.column = 0

    def start_cell(self, attrs: dict[str, str]) -> None:
        self.cells += 1
        if self.cells > self.limits.max_row_cells:
            raise RowTooWide(self.line, self.limits.max_row_cells)
        reference = attrs.get("r")
        self.column = _column(reference) if reference else self.column + 1
        if self.column > EXCEL_MAX_COLUMNS:
            raise Unreadable(f"cell {reference!r} lies beyond Excel's last column")
        if self.row is None or (self.row_columns is not None and self.column not in self.row_columns):
            return  # a cell outside a row, or in a column nobody asked for: not even its text is kept
        style = attrs.get("s", "0")
        self.cell = (self.column, attrs.get("t", "n"), int(style) if style.isdigit() else 0)
        self.value_text = None
        self.length = 0

    def end_cell(self) -> None:
        if self.cell is None:
            return
        column, kind, style = self.cell
        value = self.value(kind, style)
        if self.row_columns is None:
            self.row.append((column, value))
        else:
            self.row[self.row_columns[column]] = value
        self.cell = self.text = self.runs = None
        self.phonetic = 0

    def value(self, kind: str, style: int) -> Any:
        if kind == "inlineStr":
            return None if self.runs is None else "".join(self.runs)
        text = self.value_text
        if not text:
            return None
        if kind == "n":
            number = _number(text)
            if style in self.book.date_styles:
                try:
                    return from_excel(number, self.book.epoch, timedelta=style in self.book.timedelta_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return _SharedString(int(text))
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text result), "e" (an error code)

    def end_row(self) -> None:
        row, self.row = self.row, None
        if row is None:
            return
        if self.columns is None:
            self.done.append((self.line, row))
            return
        if self.row_columns is None:
            row = self.select(row)  # begun while the header was read, in the same chunk
        self.accept(self.line, row)

    def select(self, cells: list[tuple[int, Any]]) -> list[Any]:
        """A row read with all its cells → the kept columns' values."""
        row = [None] * len(self.columns)
        for column, value in cells:
            if column in self.columns:
                row[self.columns[column]] = value
        return row

    def accept(self, line: int, row: list[Any]) -> None:
        if all(v is None for v in row):
            return
        self.kept += 1
        if self.kept > self.limits.max_rows:
            raise TooManyRows(self.limits.max_rows)
        self.done.append((line, row))


class _SharedStringsParser(_TextCollector):
    """expat callbacks for the shared-string table: the texts of the `needed` indexes only."""

    def __init__(self, needed: set[int], limits: Limits):
        super().__init__(limits)
        self.needed, self.last = needed, max(needed)
        self.found: dict[int, str] = {}
        self.index = -1
        self.parser = _parser(self.start, self.end, self.data)

    def past_last(self) -> bool:
        return self.index >= self.last and self.runs is None

    def start(self, name: str, _attrs) -> None:
        tag = _local(name)
        if tag == "si":
            self.index += 1
            self.runs = [] if self.index in self.needed else None
            self.length = 0
        else:
            self.start_run(tag)

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "si" and self.runs is not None:
            self.found[self.index] = "".join(self.runs)
            self.runs = None
        else:
            self.end_run(tag)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# The reader -------------------------------------------------------------------------------------

class SheetReader:
    """The first worksheet of an .xlsx: `header()` first, then `body(columns)`; use as a context manager.

        with SheetReader(upload) as sheet:
            headers = sheet.header()
            ...check them...
            rows = sheet.body(columns=[0, 2, 3])  # [(line, [value of column 0, of 2, of 3]), ...]
    """

    def __init__(self, fileobj, limits: Limits | None = None):
        self.limits = limits or Limits()
        try:
            self.package = _Package(fileobj, self.limits)
        except zipfile.BadZipFile as exc:
            raise Unreadable(str(exc)) from exc
        try:
            self.book = _find_workbook(self.package)
            self.sheet = _SheetParser(self.book, self.limits)
            self.chunks = self.package.parse(self.book.sheet, self.sheet.parser, limit=self.limits.max_part_bytes,
                                             done=lambda: self.sheet.finished)
        except BaseException:
            self.package.close()
            raise

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.chunks.close()
        self.package.close()

    def _next_row(self) -> tuple[int, list] | None:
        while not self.sheet.done:
            if next(self.chunks, StopIteration) is StopIteration:
                return None
        return self.sheet.done.popleft()

    def header(self) -> list[str]:
        """The first row's texts, up to its last non-empty cell; [] when row 1 is empty."""
        first = self._next_row()
        if first is None:
            return []
        line, cells = first
        if line != 1:
            # Row 1 is empty: keep the row for the body, as openpyxl would have read an empty row first.
            self.sheet.done.appendleft(first)
            return []
        values = [value for _column, value in cells]
        self._resolve([values])
        by_column = {column: value for (column, _v), value in zip(cells, values, strict=True)}
        filled = [column for column, value in by_column.items() if not _is_blank(value)]
        if not filled:
            return []
        return [_text(by_column.get(column)) for column in range(1, max(filled) + 1)]

    def body(self, columns: Sequence[int]) -> list[tuple[int, list[Any]]]:
        """(spreadsheet line, values of `columns` in that order) for every row after the header that has
        a value in one of them. Raises TooManyRows at the first row past the limit."""
        self.sheet.keep(columns)
        # Rows parsed in the same chunk as the header hold all their cells; keep the asked-for ones.
        early = list(self.sheet.done)
        self.sheet.done.clear()
        for line, cells in early:
            self.sheet.accept(line, self.sheet.select(cells))
        rows: list[tuple[int, list[Any]]] = []
        while (row := self._next_row()) is not None:
            rows.append(row)
        self._resolve([values for _line, values in rows])
        return [(line, values) for line, values in rows if not all(_is_blank(v) for v in values)]

    # Shared strings ---------------------------------------------------------------------------

    def _resolve(self, rows: list[list[Any]]) -> None:
        """Replace shared-string indexes by their text, in place, reading only up to the last one used."""
        needed = {v for values in rows for v in values if isinstance(v, _SharedString)}
        if needed:
            strings = self._shared_strings(needed)
            for values in rows:
                for i, v in enumerate(values):
                    if isinstance(v, _SharedString):
                        values[i] = strings[v]

    def _shared_strings(self, needed: set[int]) -> dict[int, str]:
        part = self.book.shared_strings
        if part is None:
            raise Unreadable("a cell refers to a shared string, but there is no shared-string table")
        table = _SharedStringsParser(needed, self.limits)
        self.package.parse_all(part, table.parser, limit=self.limits.max_part_bytes, done=table.past_last)
        missing = needed - table.found.keys()
        if missing:
            raise Unreadable(f"shared string {min(missing)} does not exist")
        return table.found
