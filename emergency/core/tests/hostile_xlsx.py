"""Hostile .xlsx uploads written directly with zipfile (openpyxl would take minutes to build them), and a
measurement of the import's read path on one of them in a fresh process.

Used by `test_import_memory.py` and by `benchmarks/import_memory.py`; runnable as

    .venv/bin/python -m emergency.core.tests.hostile_xlsx FILE [REGISTER [MAX_ROWS]]

which prints one JSON line: seconds, RSS before, peak RSS, and the messages the upload form would show.
MAX_ROWS lowers the row limit (services.MAX_ROWS, and MAX_SCANNED_ROWS to twice it) for small runs.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .xlsx_files import DIVISION_HEADERS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def _inline(column: str, line: int, text: str) -> str:
    return f'<c r="{column}{line}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row(headers: Sequence[str]) -> str:
    columns = [chr(ord("A") + i) for i in range(len(headers))]
    return f'<row r="1">{"".join(_inline(c, 1, h) for c, h in zip(columns, headers, strict=True))}</row>'


def write_package(path: Path, sheet: Iterable[str]) -> Path:
    """An .xlsx whose worksheet XML is the concatenation of `sheet`, streamed into the zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in PARTS.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            for piece in sheet:
                out.write(piece.encode())
    return path


def wide_dimension(path: Path, rows: int = 8_000, headers: Sequence[str] = ("编码", "名称")) -> Path:
    """A sheet declaring A1:XFD1048576 (openpyxl pads every row to 16,384 cells) with `rows` rows; the
    default headers miss most of the division register's columns, as in the report."""

    def sheet():
        yield (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/>'
               f"<sheetData>{header_row(headers)}")
        for line in range(2, rows + 2):
            yield f'<row r="{line}">{_inline("A", line, f"120105001{line:04d}")}{_inline("B", line, f"社区{line}")}</row>'
        yield "</sheetData></worksheet>"

    return write_package(path, sheet())


def zip_bomb(path: Path, rows: int = 3_000_000, *, numbered: bool = False) -> Path:
    """The division register's headers, then `rows` rows of one cell. Identical rows (no `r` attribute)
    compress about 1,000:1; `numbered` rows (with `r`) only about 15:1, so they pass the ratio check and
    have to be stopped while streaming."""

    def sheet():
        yield (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
               f"<sheetData>{header_row(DIVISION_HEADERS)}")
        block = 10_000
        same = '<row><c t="inlineStr"><is><t>120105001801</t></is></c></row>' * block
        for start in range(2, rows + 2, block):
            end = min(start + block, rows + 2)
            if numbered:
                yield "".join(f'<row r="{n}">{_inline("A", n, "120105001801")}</row>' for n in range(start, end))
            else:
                yield same if end - start == block else same[: len(same) // block * (end - start)]
        yield "</sheetData></worksheet>"

    return write_package(path, sheet())


# Measuring in a fresh process -------------------------------------------------------------------

def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> bool:
    """Linux: writing 5 to clear_refs resets VmHWM (the peak RSS) to the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure(path: Path, register: str = "divisions", max_rows: int | None = None) -> dict:
    """Upload `path` to `register` as the upload form does (`import_job_create`, which refuses a bad file
    before it touches the database), in this process; report time, memory and the messages."""
    import gc
    import resource
    import time

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emergency.settings")
    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from emergency.accounts.models import User
    from emergency.core.imports import services
    from emergency.core.imports.registry import get_spec
    from emergency.core.roles import Role

    if max_rows:
        services.MAX_ROWS, services.MAX_SCANNED_ROWS = max_rows, 2 * max_rows
    get_spec(register)  # discover the registers now, not inside the measurement
    user = User(username="measure", role=Role.BUREAU_STAFF)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    gc.collect()
    resettable = _reset_peak()
    before = _status_kb("VmRSS") if resettable else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        with translation.override("en"):
            services.import_job_create(acting_user=user, register=register, uploaded=upload)
        messages = []
    except ValidationError as exc:
        messages = exc.messages
    seconds = time.perf_counter() - started
    peak = _status_kb("VmHWM") if resettable else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"file": path.name, "bytes": path.stat().st_size, "seconds": seconds, "rss_before_kb": before,
            "peak_kb": peak, "growth_kb": peak - before, "peak_resettable": resettable, "messages": messages}


def measure_in_subprocess(path: Path, register: str = "divisions", *, max_rows: int | None = None,
                          timeout: float = 120) -> dict:
    import subprocess

    root = Path(__file__).resolve().parents[3]
    args = [str(path), register, *([str(max_rows)] if max_rows else [])]
    done = subprocess.run([sys.executable, "-m", "emergency.core.tests.hostile_xlsx", *args],
                          cwd=root, capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    register = sys.argv[2] if len(sys.argv) > 2 else "divisions"
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    print(json.dumps(measure(Path(sys.argv[1]), register, limit), ensure_ascii=False))
