"""The one import mechanism: upload → validate every row → preview → confirm → all-or-nothing commit.

Small files are validated and committed in the request. Files with more than
`settings.IMPORT_BACKGROUND_ROWS` rows run both steps as background tasks, and the job's
`processed_rows` drives the progress bar.
"""

from __future__ import annotations

import logging
import os
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from emergency.core.audit import audit_record
from emergency.core.models import AuditEvent, ImportJob
from emergency.lib import xlsx_reader
from emergency.lib.xlsx_reader import SheetReader

from .registry import (
    ImportContext,
    ImportRowsFailed,
    ImportSpec,
    RowError,
    cell_text,
    get_spec,
    normalise_header,
    reason_of,
)

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = (".xlsx", ".xlsm")
MAX_ROWS = 100_000
# <row> elements of any kind, empty ones included, read before a file is refused: room for blank lines
# between the data, while millions of empty rows cannot keep a worker busy.
MAX_SCANNED_ROWS = 2 * MAX_ROWS
PROGRESS_EVERY_SECONDS = 0.5
Status = ImportJob.Status


# Reading the file -------------------------------------------------------------------------------
# Memory while reading is bounded by what is kept: at most MAX_ROWS rows of the columns the header maps,
# plus the shared strings those cells use (lib/xlsx_reader/; benchmarks/import_memory.py measures it).

@dataclass
class Sheet:
    """An upload as the register sees it: the rows hold only the columns that `mapping` names."""

    mapping: dict[int, str]  # position in each row → column key
    rows: list[tuple[int, list[Any]]]  # (spreadsheet line, values)


def _limits() -> xlsx_reader.Limits:
    return xlsx_reader.Limits(max_rows=MAX_ROWS, max_scanned_rows=MAX_SCANNED_ROWS)


def read_sheet(fileobj, spec: ImportSpec) -> Sheet:
    """The header row is read and checked (map_headers) before the body; any problem is a
    ValidationError a person can act on."""
    try:
        fileobj.seek(0)
        with SheetReader(fileobj, _limits()) as reader:
            headers = reader.header()
            if not any(headers):
                raise ValidationError(_("The sheet is empty: the first row must hold the column names."))
            columns = map_headers(spec, headers)
            rows = reader.body(sorted(columns))
    except ValidationError:
        raise
    except xlsx_reader.Refused as exc:
        logger.info("import file refused: %s", exc)
        raise ValidationError(_refusal(exc)) from exc
    except (zipfile.BadZipFile, expat.ExpatError, KeyError, OSError, ValueError, TypeError, IndexError) as exc:
        logger.info("unreadable import file: %r", exc)
        raise ValidationError(_("The file is not a readable Excel workbook (.xlsx). Save it from Excel or "
                                "WPS as “Excel Workbook (.xlsx)” and upload it again.")) from exc
    except Exception as exc:  # noqa: BLE001 - hostile input may raise anything; none is a 500
        logger.warning("unexpected error reading an import file", exc_info=True)
        raise ValidationError(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    return Sheet(mapping={position: columns[c] for position, c in enumerate(sorted(columns))}, rows=rows)


def _refusal(exc: xlsx_reader.Refused) -> str:
    if isinstance(exc, xlsx_reader.TooManyRows):
        return _("The sheet has more than %(max)d rows; split it into files of at most %(max)d rows.") % {
            "max": exc.limit}
    if isinstance(exc, xlsx_reader.TooManyScannedRows):
        return _("The sheet has more than %(max)d rows, counting empty ones. Delete the empty rows below the "
                 "data, or copy the data into a new workbook, and upload it again.") % {"max": exc.limit}
    if isinstance(exc, xlsx_reader.RowTooWide):
        return _("Row %(line)d has more than %(max)d cells, more than Excel allows. Copy the data into a new "
                 "workbook and upload it again.") % {"line": exc.line, "max": exc.limit}
    if isinstance(exc, xlsx_reader.CellTooLong):
        return _("A cell holds more than %(max)d characters, more than Excel allows. Shorten it and upload the "
                 "file again.") % {"max": exc.limit}
    if isinstance(exc, xlsx_reader.TooManyParts):
        return _("The file holds %(n)d parts, far more than any Excel workbook, and is refused. Copy the data into "
                 "a new workbook and upload that.") % {"n": exc.count}
    if isinstance(exc, xlsx_reader.PartTooCompressed):
        return _("The file is packed %(ratio)d times smaller than its content, far more than any Excel "
                 "workbook, and is refused. Copy the data into a new workbook and upload that.") % {
            "ratio": exc.ratio}
    return _("The file unpacks to more than %(mb)d MB; split it into smaller files.") % {
        "mb": exc.limit // xlsx_reader.MIB}


def map_headers(spec: ImportSpec, headers: list[str]) -> dict[int, str]:
    """Spreadsheet column index → column key; every header problem at once."""
    accepted = spec.accepted_headers()
    mapping: dict[int, str] = {}
    unknown, repeated = [], []
    for index, header in enumerate(headers):
        if not normalise_header(header):
            continue
        key = accepted.get(normalise_header(header))
        if key is None:
            unknown.append(header)
        elif key in mapping.values():
            repeated.append(header)
        else:
            mapping[index] = key
    missing = [str(c.label) for c in spec.columns if c.required and c.key not in mapping.values()]
    problems = []
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": "、".join(missing)})
    if unknown:
        problems.append(_("Unknown columns: %(names)s.") % {"names": "、".join(unknown)})
    if repeated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": "、".join(repeated)})
    if problems:
        problems.append(_("The first row must hold the column names of the template: %(names)s.") % {
            "names": "、".join(spec.header_labels())})
        raise ValidationError(problems)
    return mapping


@dataclass
class Checked:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)
    context: ImportContext | None = None


def check_rows(spec: ImportSpec, mapping: dict[int, str], body, user, *,
               progress: Callable[[int], None] | None = None) -> Checked:
    """Clean every row; collect every bad row with its line number, including repeats in the file."""
    context = ImportContext(user=user)
    spec.prepare(context)
    result = Checked(context=context)
    first_line: dict[str, int] = {}
    for done, (line, cells) in enumerate(body, start=1):
        values = {key: cells[i] if i < len(cells) else None for i, key in mapping.items()}
        try:
            if spec.unique_key:
                key = cell_text(values.get(spec.unique_key))
                if key and key in first_line:
                    raise RowError(_("%(value)s appears again: it is already on line %(line)s.") % {
                        "value": key, "line": first_line[key]})
                if key:
                    first_line[key] = line
            _refuse_control_characters(spec, values)
            cleaned = spec.clean_row(values, context)
        except (RowError, ValidationError) as exc:
            result.errors.append({"line": line, "reason": reason_of(exc)})
        else:
            result.rows.append((line, cleaned))
            if len(result.preview) < spec.preview_limit:
                result.preview.append({"line": line, "values": spec.display_row(cleaned)})
        if progress is not None:
            progress(done)
    return result


CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # core.validators' set


def _refuse_control_characters(spec, values: dict) -> None:
    """A text cell with an invisible control character is a row error, as it is in every form and API field
    (core.validators): it would be stored, then break the .xlsx/.docx exports that carry it."""
    labels = {c.key: str(c.label) for c in spec.columns}
    bad = [labels.get(key, key) for key, value in values.items()
           if isinstance(value, str) and CONTROL_CHARACTER.search(value)]
    if bad:
        raise RowError(_("Remove the invisible control character from %(columns)s.") % {"columns": "、".join(bad)})


# Progress ---------------------------------------------------------------------------------------

class Progress:
    """Writes processed_rows at most every half second.

    Inside the commit transaction the main connection's writes are invisible to the page that polls,
    so on PostgreSQL a second, autocommit connection writes the count. SQLite allows one writer at a
    time, so there the count only moves outside the transaction.
    """

    def __init__(self, job: ImportJob, *, side_connection: bool = False):
        self.job_id = job.pk
        self.last = 0.0
        self.side = None
        if side_connection and connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        self.silent = side_connection and self.side is None

    def __call__(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.silent or not (force or now - self.last >= PROGRESS_EVERY_SECONDS):
            return
        self.last = now
        if self.side is None:
            ImportJob.objects.filter(pk=self.job_id).update(processed_rows=done)
            return
        with self.side.cursor() as cur:
            cur.execute(f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s WHERE id = %s",
                        [done, self.job_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


# Job lifecycle ----------------------------------------------------------------------------------

def _move(job: ImportJob, *, from_: tuple[str, ...], to: str, **fields) -> bool:
    """A status change that only one caller can win (double clicks, two workers)."""
    moved = ImportJob.objects.filter(pk=job.pk, status__in=from_).update(status=to, **fields)
    if moved:
        job.refresh_from_db()
    return bool(moved)


def _finish(job: ImportJob, *, status: str, errors: list | None = None, **fields) -> None:
    job.status = status
    job.errors = errors or []
    job.finished_at = timezone.now() if status in (Status.DONE, Status.FAILED) else None
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "errors", "finished_at", *fields])


def _is_background(job: ImportJob) -> bool:
    return job.total_rows > settings.IMPORT_BACKGROUND_ROWS


def import_job_create(*, acting_user, register: str, uploaded) -> ImportJob:
    """Store the upload and validate it (in the background for long files). Bad files raise here."""
    spec = get_spec(register)
    if not spec.who_may_import(acting_user):
        raise PermissionDenied
    name = os.path.basename(uploaded.name or "")
    if os.path.splitext(name)[1].lower() not in ALLOWED_EXTENSIONS:
        raise ValidationError(_("Upload an Excel workbook (.xlsx). Old .xls files and CSV must first be saved as "
                                ".xlsx."))
    if not uploaded.size:
        raise ValidationError(_("The file is empty."))
    max_bytes = getattr(settings, "IMPORT_MAX_BYTES", settings.ATTACHMENT_MAX_BYTES)
    if uploaded.size > max_bytes:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)})
    sheet = read_sheet(uploaded, spec)
    if not sheet.rows:
        raise ValidationError(_("The sheet has column names but no data rows."))

    with transaction.atomic():
        job = ImportJob(register=spec.name, original_name=name[:255], created_by=acting_user,
                        total_rows=len(sheet.rows))
        uploaded.seek(0)
        job.file.save(name, uploaded, save=False)
        background = _is_background(job)
        if background:
            job.status = Status.VALIDATING
        job.save()
        audit_record(acting_user=acting_user, event_type=AuditEvent.Type.CREATE, obj=job,
                     object_repr=f"{spec.title}: {job.original_name}",
                     changes={"register": [None, spec.name], "rows": [None, job.total_rows]})
        if background:
            from .tasks import import_validate_task

            language = translation.get_language()
            transaction.on_commit(lambda: import_validate_task.enqueue(job.pk, language))
    if not background:
        import_job_validate(job=job, acting_user=acting_user, parsed=sheet)
    return job


def _read_job_file(job: ImportJob, spec: ImportSpec) -> Sheet:
    with job.file.open("rb") as fh:
        return read_sheet(fh, spec)


def import_job_validate(*, job: ImportJob, acting_user, parsed: Sheet | None = None) -> ImportJob:
    """Check every row and keep a preview; READY when all rows are good, INVALID otherwise."""
    spec = get_spec(job.register)
    if not _move(job, from_=(Status.UPLOADED, Status.VALIDATING), to=Status.VALIDATING, processed_rows=0):
        return job
    try:
        sheet = parsed or _read_job_file(job, spec)
    except ValidationError as exc:
        _finish(job, status=Status.INVALID, errors=[{"line": None, "reason": m} for m in exc.messages])
        return job
    progress = Progress(job)
    checked = check_rows(spec, sheet.mapping, sheet.rows, acting_user, progress=progress)
    _finish(job, status=Status.INVALID if checked.errors else Status.READY, errors=checked.errors,
            preview=checked.preview, total_rows=len(sheet.rows), processed_rows=len(sheet.rows))
    return job


def import_job_commit(*, job: ImportJob, acting_user) -> ImportJob:
    """The creator's confirmation. Long files are committed by a background task."""
    spec = get_spec(job.register)
    if job.created_by_id != acting_user.pk or not spec.who_may_import(acting_user):
        raise PermissionDenied
    if not _move(job, from_=(Status.READY,), to=Status.IMPORTING, processed_rows=0):
        raise ValidationError(_("This import is not waiting for confirmation (it is %(status)s).") % {
            "status": job.get_status_display()})
    if _is_background(job):
        from .tasks import import_commit_task

        language = translation.get_language()
        transaction.on_commit(lambda: import_commit_task.enqueue(job.pk, language))
        return job
    return import_job_run(job=job, acting_user=acting_user)


def import_job_run(*, job: ImportJob, acting_user) -> ImportJob:
    """Re-validate and write every row in ONE transaction; any failure writes nothing."""
    spec = get_spec(job.register)
    if job.status != Status.IMPORTING:
        return job
    progress = Progress(job, side_connection=True)
    try:
        sheet = _read_job_file(job, spec)
        with transaction.atomic():
            checked = check_rows(spec, sheet.mapping, sheet.rows, acting_user)
            if checked.errors:
                raise ImportRowsFailed(checked.errors)
            count = spec.commit(checked.rows, acting_user, context=checked.context, progress=progress)
            progress.close()
            audit_record(acting_user=acting_user, event_type=AuditEvent.Type.IMPORT, obj=job,
                         object_repr=f"{spec.title}: {job.original_name}",
                         changes={"register": spec.name, "rows": count, "file": job.original_name})
            _finish(job, status=Status.DONE, created_count=count, processed_rows=len(sheet.rows))
    except (ImportRowsFailed, ValidationError) as exc:
        errors = exc.errors if isinstance(exc, ImportRowsFailed) else [
            {"line": None, "reason": m} for m in exc.messages]
        _finish(job, status=Status.INVALID, errors=errors, processed_rows=0)
        _audit_failure(job, spec, acting_user, len(errors))
    except Exception:  # noqa: BLE001 - a bug in one register must leave a FAILED job, not a stuck one
        logger.exception("import job %s failed", job.pk)
        _finish(job, status=Status.FAILED, processed_rows=0,
                errors=[{"line": None, "reason": _("The import stopped because of an internal error; nothing was "
                                                   "written. The administrators have the details.")}])
        _audit_failure(job, spec, acting_user, 0)
    finally:
        progress.close()
    return job


def _audit_failure(job: ImportJob, spec: ImportSpec, acting_user, bad_rows: int) -> None:
    audit_record(acting_user=acting_user, event_type=AuditEvent.Type.IMPORT, obj=job, success=False,
                 object_repr=f"{spec.title}: {job.original_name}",
                 changes={"register": spec.name, "rows": 0, "bad_rows": bad_rows, "file": job.original_name})
