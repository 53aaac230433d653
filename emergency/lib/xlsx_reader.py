"""Reading the first worksheet of an uploaded .xlsx as a stream, inside stated bounds.

An .xlsx is a zip of XML parts, and a few kilobytes of it can describe gigabytes. openpyxl's read-only
mode is not enough against that: it pads every row to the sheet's *declared* dimension (`A1:XFD1048576`
makes every row 16,384 cells), parses a whole sheet when the workbook is opened if the sheet has no
`<dimension>`, keeps every parsed `<row>` element attached to the tree, and loads the whole shared-string
table. So this module reads the parts itself with expat callbacks (no element tree):

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
"""

from __future__ import annotations

import os
import posixpath
import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

MIB = 1024 * 1024
CHUNK = 64 * 1024  # bytes of XML fed to the parser at a time: at most this much is parsed past a limit
EXCEL_MAX_COLUMNS = 16_384
EXCEL_MAX_CELL_CHARS = 32_767
# A ratio says nothing about a small part (a few repeated tags compress 100:1); above this size it does.
RATIO_FLOOR = 1 * MIB
MAX_SHEET_IDS = 1_000  # sheets looked at to find the first worksheet

REL_OFFICE_DOCUMENT = "/officeDocument"
REL_WORKSHEET = "/worksheet"
REL_STYLES = "/styles"
REL_SHARED_STRINGS = "/sharedStrings"


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


class TooManyRows(Refused):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"more than {limit} rows")


class TooManyScannedRows(Refused):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"more than {limit} row elements, empty ones included")


class RowTooWide(Refused):
    def __init__(self, line: int, limit: int):
        self.line, self.limit = line, limit
        super().__init__(f"row {line} has more than {limit} cells")


class CellTooLong(Refused):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"a cell holds more than {limit} characters")


class _SharedString(int):
    """A cell's index into the shared-string table, resolved once the rows are read."""

    __slots__ = ()


# Parts ------------------------------------------------------------------------------------------

def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _refuse_dtd(*_args) -> None:
    # OOXML parts never declare a DTD; refusing one rules out entity expansion of any kind.
    raise Unreadable("a part declares a DTD")


def _parser(start, end=None, text=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


class _Counted:
    """A part's stream that refuses to give more than `limit` bytes.

    zipfile already stops each member at the size its central directory declares (and then fails the
    CRC), so a file whose declared sizes lie is cut off there; this is the same bound without relying on
    that, checked while streaming."""

    def __init__(self, raw: IO[bytes], part: str, limit: int):
        self.raw, self.part, self.limit, self.total = raw, part, limit, 0

    def read(self, n: int) -> bytes:
        data = self.raw.read(n)
        self.total += len(data)
        if self.total > self.limit:
            raise PartTooLarge(self.part, self.limit)
        return data

    def close(self) -> None:
        self.raw.close()


def _declared_entries(fileobj) -> int | None:
    """The entry count in the zip's end-of-central-directory record, read before zipfile loads the whole
    directory; None when there is no such record (zipfile then says what is wrong). Zip64 archives declare
    0xFFFF here, which is past any limit."""
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    tail_size = min(size, 22 + 0xFFFF)  # the record, after at most a 64 kB comment
    fileobj.seek(size - tail_size)
    tail = fileobj.read(tail_size)
    fileobj.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return struct.unpack_from("<H", tail, at + 10)[0]


class _Package:
    def __init__(self, fileobj, limits: Limits):
        entries = _declared_entries(fileobj)
        if entries is not None and entries > limits.max_parts:
            raise TooManyParts(entries, limits.max_parts)
        self.zip = zipfile.ZipFile(fileobj)
        self.names = set(self.zip.namelist())
        self.limits = limits

    def open(self, part: str, limit: int) -> _Counted:
        """The part, after its declared size and compression ratio are checked."""
        try:
            info = self.zip.getinfo(part)
        except KeyError:
            raise Unreadable(f"missing part {part}") from None
        if info.file_size > limit:
            raise PartTooLarge(part, limit)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > self.limits.max_ratio:
            raise PartTooCompressed(part, ratio, self.limits.max_ratio)
        try:
            return _Counted(self.zip.open(info), part, limit)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:  # bad header, encrypted, bzip2…
            raise Unreadable(f"{part}: {exc}") from exc

    def parse(self, part: str, parser: expat.XMLParserType, *, limit: int | None = None,
              done=lambda: False) -> Iterator[None]:
        """Open the part now (so its sizes are checked now); the iterator feeds it to `parser` a chunk at a
        time, yielding after each chunk, until `done()`."""
        stream = self.open(part, self.limits.max_meta_bytes if limit is None else limit)
        return _feed(stream, parser, done)

    def parse_all(self, part: str, parser: expat.XMLParserType, **kwargs) -> None:
        for _ in self.parse(part, parser, **kwargs):
            pass

    def close(self) -> None:
        self.zip.close()


def _feed(stream: _Counted, parser: expat.XMLParserType, done) -> Iterator[None]:
    try:
        while not done():
            chunk = stream.read(CHUNK)
            if not chunk:
                parser.Parse(b"", True)
                return
            parser.Parse(chunk, False)
            yield
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise Unreadable(f"{stream.part}: {exc}") from exc
    finally:
        stream.close()


def _resolve(source_part: str, target: str) -> str:
    """A relationship target as a zip member name (relative to the part that names it)."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relationships(package: _Package, part: str, ids=frozenset(), types=()) -> dict[str, tuple[str, str]]:
    """id → (type, target) of the relationships of `part` with one of `ids`, and of the first one of each of
    `types` (type endings); a repeated id or type is ignored, so what is kept stays small."""
    found: dict[str, tuple[str, str]] = {}
    seen_types: set[str] = set()

    def start(name, attrs):
        if _local(name) != "Relationship" or attrs.get("TargetMode") == "External":
            return
        rel_id, rel_type = attrs.get("Id", ""), attrs.get("Type", "")
        kind = next((t for t in types if rel_type.endswith(t)), None)
        if rel_id in found or not (rel_id in ids or (kind and kind not in seen_types)):
            return
        if kind:
            seen_types.add(kind)
        found[rel_id] = (rel_type, _resolve(part, attrs.get("Target", "")))

    rels = _rels_path(part)
    if rels in package.names:
        package.parse_all(rels, _parser(start))
    return found


@dataclass
class _Workbook:
    sheet: str
    shared_strings: str | None
    epoch: Any
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]


def _find_workbook(package: _Package) -> _Workbook:
    office = _relationships(package, "", types=(REL_OFFICE_DOCUMENT,))
    workbook = next((target for _type, target in office.values()), "xl/workbook.xml")
    sheet_ids: list[str] = []
    date1904 = False

    def start(name, attrs):
        nonlocal date1904
        tag = _local(name)
        if tag == "sheet" and len(sheet_ids) < MAX_SHEET_IDS:
            sheet_ids.append(next((v for k, v in attrs.items() if _local(k) == "id"), ""))
        elif tag == "workbookPr":
            date1904 = attrs.get("date1904", "").strip().lower() in ("1", "true")

    package.parse_all(workbook, _parser(start))
    rels = _relationships(package, workbook, ids=frozenset(sheet_ids), types=(REL_STYLES, REL_SHARED_STRINGS))

    def target(rel_id: str, rel_type: str) -> str | None:
        found_type, found_target = rels.get(rel_id, ("", ""))
        return found_target if found_type.endswith(rel_type) and found_target in package.names else None

    # The first *worksheet*, as openpyxl's `worksheets[0]`: chart sheets are skipped.
    sheet = next((t for i in sheet_ids if (t := target(i, REL_WORKSHEET))), None)
    if sheet is None:
        raise Unreadable("the workbook has no worksheet")
    strings = next((t for i in rels if (t := target(i, REL_SHARED_STRINGS))), None)
    dates, durations = _number_styles(package, next((t for i in rels if (t := target(i, REL_STYLES))), None))
    return _Workbook(sheet=sheet, shared_strings=strings,
                     epoch=CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900, date_styles=dates,
                     timedelta_styles=durations)


def _number_styles(package: _Package, styles: str | None) -> tuple[frozenset[int], frozenset[int]]:
    """The cell styles (indexes into cellXfs) whose number format shows a date, and those showing a duration."""
    if styles is None:
        return frozenset(), frozenset()
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    inside: list[str] = []

    def start(name, attrs):
        tag = _local(name)
        if tag == "numFmt" and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif tag == "xf" and inside and inside[-1] == "cellXfs":
            value = attrs.get("numFmtId", "0")
            xf_formats.append(int(value) if value.isdigit() else 0)
        inside.append(tag)

    def end(_name):
        inside.pop()

    package.parse_all(styles, _parser(start, end))
    dates, durations = set(), set()
    for index, format_id in enumerate(xf_formats):
        code = custom.get(format_id, BUILTIN_FORMATS.get(format_id))
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return frozenset(dates), frozenset(durations)


# Cells ------------------------------------------------------------------------------------------

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


class _SheetParser:
    """expat callbacks for one worksheet. Completed rows go to `self.done` as (line, cells): all the
    row's cells as (column, value) while `columns` is None (the header), then only the kept columns'
    values, in the order asked for."""

    def __init__(self, book: _Workbook, limits: Limits):
        self.book, self.limits = book, limits
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
        self.text: list[str] | None = None  # the text being collected (<v>, or <t> of an inline string)
        self.length = 0  # characters collected for the current cell
        self.value_text: str | None = None
        self.inline: list[str] | None = None
        self.phonetic = 0
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
            self.inline = []
        elif tag == "rPh":
            self.phonetic += 1
        elif tag == "t" and self.inline is not None and not self.phonetic:
            self.text = []

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
        elif tag == "t" and self.text is not None and self.inline is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif tag == "rPh":
            self.phonetic -= 1

    def data(self, text: str) -> None:
        if self.text is not None:
            self.length += len(text)
            if self.length > self.limits.max_cell_chars:
                raise CellTooLong(self.limits.max_cell_chars)
            self.text.append(text)

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
        self.cell = self.text = self.inline = None
        self.phonetic = 0

    def value(self, kind: str, style: int) -> Any:
        if kind == "inlineStr":
            return None if self.inline is None else "".join(self.inline)
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


class _SharedStringsParser:
    """expat callbacks for the shared-string table: the texts of the `needed` indexes only."""

    def __init__(self, needed: set[int], limits: Limits):
        self.needed, self.last, self.limits = needed, max(needed), limits
        self.found: dict[int, str] = {}
        self.index = -1
        self.pieces: list[str] | None = None  # the <t> texts of a needed <si>
        self.text: list[str] | None = None  # the current <t>
        self.length = self.phonetic = 0
        self.parser = _parser(self.start, self.end, self.data)

    def past_last(self) -> bool:
        return self.index >= self.last and self.pieces is None

    def start(self, name: str, _attrs) -> None:
        tag = _local(name)
        if tag == "si":
            self.index += 1
            self.pieces = [] if self.index in self.needed else None
            self.length = 0
        elif tag == "rPh":
            self.phonetic += 1  # the phonetic guide (furigana) is not part of the text
        elif tag == "t" and self.pieces is not None and not self.phonetic:
            self.text = []

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "t" and self.text is not None:
            self.pieces.append("".join(self.text))
            self.text = None
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "si" and self.pieces is not None:
            self.found[self.index] = "".join(self.pieces)
            self.pieces = None

    def data(self, text: str) -> None:
        if self.text is not None:
            self.length += len(text)
            if self.length > self.limits.max_cell_chars:
                raise CellTooLong(self.limits.max_cell_chars)
            self.text.append(text)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
