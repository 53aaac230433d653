"""Downloads: the Content-Disposition every file download carries (`attachment_disposition`: a Chinese
file name with an ASCII fallback), the response of a file built in memory (`file_response`), and streaming
.xlsx exports (`stream_xlsx`): rows go straight into the shared writer (`emergency.lib.xlsx`, openpyxl
write-only) backed by a temporary file, which FileResponse serves from disk, so memory does not grow with
the number of rows."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone

from emergency.lib.xlsx import XLSX_MIME, Sheet, write_xlsx

# Characters no file name may hold on Windows, macOS or Linux, and control characters.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str) -> str:
    """`name` with what a file system or a header would refuse replaced by "_" (never empty)."""
    name = _UNSAFE.sub("_", str(name)).strip(" .") or "download"
    return name[:150]


def ascii_filename(name: str) -> str:
    """An ASCII rendering of `name` for old clients: accents dropped, other non-ASCII runs become "_"."""
    stem, dot, ext = safe_filename(name).rpartition(".")
    if not dot:
        stem, ext = ext, ""
    decomposed = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = _NOT_ASCII_NAME.sub("_", decomposed).strip("_-. ") or "download"
    ext = _NOT_ASCII_NAME.sub("", ext)
    return f"{stem}.{ext}" if ext else stem


def attachment_disposition(filename: str, fallback: str | None = None) -> str:
    """The Content-Disposition of a download named `filename` (RFC 6266): `filename=` in ASCII for old
    clients (`fallback`, or `filename` made ASCII) and `filename*=UTF-8''…` with the name as it is
    (RFC 5987), which every current browser prefers. `filename` may be a lazy translation."""
    name = safe_filename(str(filename))
    plain = ascii_filename(fallback if fallback is not None else name)
    if name == plain:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(data: bytes, content_type: str, filename: str, fallback: str | None = None) -> HttpResponse:
    """A download of `data`, built in memory, named `filename`."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    return response


def dated(name: str, extension: str) -> str:
    """`<name>-<today as YYYYMMDD>.<extension>`, today in the local time zone: the name of a ledger export."""
    return f"{name}-{timezone.localdate():%Y%m%d}.{extension}"


def stream_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence], filename: str,
                fallback: str | None = None) -> tuple[FileResponse, int]:
    """Write the rows to a temporary .xlsx file; return the response serving it and the row count. The
    download is named `filename` (e.g. "企业台账-20261205.xlsx"), `fallback` for clients that need ASCII."""
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    out = tempfile.TemporaryFile(suffix=".xlsx")  # removed when FileResponse closes it
    write_xlsx(out, [Sheet(title=title, headers=headers, rows=counted())])
    out.seek(0)
    response = FileResponse(out, as_attachment=True, content_type=XLSX_MIME)
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    return response, count
