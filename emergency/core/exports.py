"""Streaming .xlsx exports: rows go straight into the shared writer (`emergency.lib.xlsx`, openpyxl
write-only) backed by a temporary file, which FileResponse serves from disk, so memory does not grow with
the number of rows."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence

from django.http import FileResponse

from emergency.lib.xlsx import XLSX_MIME, Sheet, write_xlsx


def stream_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence], filename: str
                ) -> tuple[FileResponse, int]:
    """Write the rows to a temporary .xlsx file; return the response serving it and the row count."""
    count = 0

    def counted():
        nonlocal count
        for row in rows:
            count += 1
            yield row

    out = tempfile.TemporaryFile(suffix=".xlsx")  # removed when FileResponse closes it
    write_xlsx(out, [Sheet(title=title, headers=headers, rows=counted())])
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_MIME), count
