"""The zip package of an .xlsx and the parts that lead to its first worksheet: the relationships, the workbook
(the first worksheet, the date system, where the shared strings and the styles are) and the styles (which cell
styles show a date or a duration).

Every part is checked before it is opened (declared size, compression ratio) and counted while it streams; the
zip's entry count is checked before zipfile loads its directory. XML is parsed with expat callbacks, never
into a tree, and a DTD is refused.
"""

from __future__ import annotations

import os
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from .limits import (
    CHUNK,
    MAX_SHEET_IDS,
    RATIO_FLOOR,
    Limits,
    PartTooCompressed,
    PartTooLarge,
    TooManyParts,
    Unreadable,
)

REL_OFFICE_DOCUMENT = "/officeDocument"
REL_WORKSHEET = "/worksheet"
REL_STYLES = "/styles"
REL_SHARED_STRINGS = "/sharedStrings"


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
