"""Use case: any register's spreadsheet import — bad files, long files, progress, access, all-or-nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks.signals import task_enqueued
from openpyxl import load_workbook

from conftest import login
from emergency.core import services as core_services
from emergency.core.imports import registry
from emergency.core.imports.divisions import DivisionImport
from emergency.core.imports.registry import RowError, get_spec
from emergency.core.models import AuditEvent, Division, ImportJob

from .xlsx_files import community, grid, upload, xlsx_bytes

NEW_URL = "/imports/divisions/new/"


def _upload(client, rows, register="divisions") -> ImportJob:
    resp = client.post(f"/imports/{register}/new/", {"file": upload(rows)})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return ImportJob.objects.get(pk=int(resp.url.rstrip("/").split("/")[-1]))


def _communities(n: int, start: int = 801) -> list[list]:
    return [community(f"120105001{i}", f"批量社区{i}") for i in range(start, start + n)]


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("notes.xlsx", b"this is not a workbook", "xlsx"),
    ("table.csv", b"code,name\n1,2\n", ".xlsx"),
    ("empty.xlsx", b"", ""),
    ("blank.xlsx", xlsx_bytes([], headers=None), ""),
    ("headers-only.xlsx", xlsx_bytes([]), ""),
    ("wrong.xlsx", xlsx_bytes([["1", "2"]], headers=["编码", "名字"]), "名字"),
])
def test_it_explains_a_bad_file_without_a_server_error(client, subdistrict_officer, name, content, expected):
    login(client, subdistrict_officer)
    resp = client.post(NEW_URL, {"file": SimpleUploadedFile(name, content)})

    assert resp.status_code == 400
    form = resp.context["form"]
    assert form.errors["file"]
    assert expected in " ".join(form.errors["file"])
    assert not ImportJob.objects.exists()


def test_wrong_headers_name_the_missing_and_unknown_columns(client, subdistrict_officer):
    login(client, subdistrict_officer)
    resp = client.post(NEW_URL, {"file": upload([["120105001801", "甲社区"]], headers=["编码", "名字", "备注"])})

    message = " ".join(resp.context["form"].errors["file"])
    assert "名字" in message and "备注" in message
    spec = get_spec("divisions")
    assert str(spec.columns[2].label) in message  # the level column is missing


def test_a_long_file_is_validated_and_imported_by_background_tasks(client, subdistrict_officer, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 5
    ran: list[str] = []

    def record(sender, task_result, **kw):
        ran.append(task_result.task.name)

    task_enqueued.connect(record)
    try:
        login(client, subdistrict_officer)
        with django_capture_on_commit_callbacks(execute=True):
            job = _upload(client, _communities(12))
        job.refresh_from_db()
        assert job.status == ImportJob.Status.READY
        assert job.processed_rows == job.total_rows == 12

        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/imports/jobs/{job.pk}/confirm/")
    finally:
        task_enqueued.disconnect(record)

    job.refresh_from_db()
    assert ran == ["import_validate_task", "import_commit_task"]
    assert job.status == ImportJob.Status.DONE
    assert job.processed_rows == job.total_rows == job.created_count == 12
    assert Division.objects.filter(code__startswith="120105001", level="community").count() == 12


def test_the_progress_partial_polls_while_running_and_reloads_when_done(client, subdistrict_officer, settings):
    settings.IMPORT_BACKGROUND_ROWS = 2
    login(client, subdistrict_officer)
    job = _upload(client, _communities(3))  # the task waits for a commit that the test never makes
    assert job.status == ImportJob.Status.VALIDATING

    resp = client.get(f"/imports/jobs/{job.pk}/progress/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'role="progressbar"' in body
    assert f'hx-get="/imports/jobs/{job.pk}/progress/"' in body
    assert "style=" not in body  # CSP: no inline styles

    settings.IMPORT_BACKGROUND_ROWS = 500
    job.status = ImportJob.Status.UPLOADED
    job.save()
    from emergency.core.imports.services import import_job_validate

    import_job_validate(job=job, acting_user=subdistrict_officer)
    resp = client.get(f"/imports/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert resp.status_code == 200 and resp["HX-Refresh"] == "true"
    plain = client.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    assert "every 1s" not in plain and 'aria-valuenow="100"' in plain


def test_the_bar_keeps_moving_while_a_long_import_is_being_written(client, subdistrict_officer, settings):
    login(client, subdistrict_officer)
    job = _upload(client, _communities(3))
    settings.IMPORT_BACKGROUND_ROWS = 2
    client.post(f"/imports/jobs/{job.pk}/confirm/")  # the commit task waits for a commit the test never makes

    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING
    body = client.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in body and "progress-bar-animated" in body
    assert not Division.objects.filter(code="120105001801").exists()


def test_another_subdistrict_cannot_see_or_confirm_the_job(client, subdistrict_officer,
                                                           other_subdistrict_officer, bureau_officer):
    login(client, subdistrict_officer)
    job = _upload(client, _communities(2))

    login(client, other_subdistrict_officer)
    for url in (f"/imports/jobs/{job.pk}/", f"/imports/jobs/{job.pk}/progress/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/imports/jobs/{job.pk}/confirm/").status_code == 404
    assert job.original_name not in client.get(NEW_URL).content.decode()

    login(client, bureau_officer)
    page = client.get(f"/imports/jobs/{job.pk}/")
    assert page.status_code == 200 and 'data-testid="import-confirm"' not in page.content.decode()
    assert client.post(f"/imports/jobs/{job.pk}/confirm/").status_code == 403

    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY
    assert not Division.objects.filter(code="120105001801").exists()


def test_confirmation_is_post_only_and_happens_once(client, subdistrict_officer):
    login(client, subdistrict_officer)
    job = _upload(client, _communities(2))

    assert client.get(f"/imports/jobs/{job.pk}/confirm/").status_code == 405
    client.post(f"/imports/jobs/{job.pk}/confirm/")
    again = client.post(f"/imports/jobs/{job.pk}/confirm/", follow=True)

    assert again.status_code == 200
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.IMPORT, success=True).count() == 1
    assert Division.objects.filter(code__in=["120105001801", "120105001802"]).count() == 2


def test_it_imports_nothing_when_a_row_became_invalid_before_confirmation(client, subdistrict_officer,
                                                                         bureau_officer):
    login(client, subdistrict_officer)
    rows = [*_communities(4), grid("120105001801001", "甲网格", parent="120105001801")]
    job = _upload(client, rows)
    assert job.status == ImportJob.Status.READY
    # Someone else creates the second-last row's code between preview and confirmation.
    core_services.division_create(acting_user=bureau_officer, code="120105001804", name="抢先创建",
                                  level="community", parent=Division.objects.get(code="120105001"))

    client.post(f"/imports/jobs/{job.pk}/confirm/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert [e["line"] for e in job.errors] == [5]
    assert "120105001804" in job.errors[0]["reason"]
    assert not Division.objects.filter(code__in=["120105001801", "120105001802", "120105001803",
                                                 "120105001801001"]).exists()
    failure = AuditEvent.objects.get(event_type=AuditEvent.Type.IMPORT)
    assert failure.success is False and failure.changes["bad_rows"] == 1


class FailsAtCommit(DivisionImport):
    """Writes through the real service but refuses one code, as a service's own check would."""

    name = "divisions_failing_at_commit"

    def commit_row(self, cleaned, acting_user, context):
        if cleaned["code"] == "120105001803":
            raise RowError("refused while writing")
        return super().commit_row(cleaned, acting_user, context)


@pytest.fixture
def failing_register():
    spec = registry.register_spec(FailsAtCommit())
    yield spec
    registry._SPECS.pop(spec.name)


def test_a_failure_while_writing_rolls_back_the_rows_already_written(client, subdistrict_officer,
                                                                     failing_register):
    login(client, subdistrict_officer)
    job = _upload(client, _communities(4), register=failing_register.name)

    client.post(f"/imports/jobs/{job.pk}/confirm/")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [{"line": 4, "reason": "refused while writing"}]
    assert not Division.objects.filter(code__in=[f"120105001{i}" for i in range(801, 805)]).exists()
    assert not AuditEvent.objects.filter(event_type=AuditEvent.Type.CREATE, object_type="core.Division").exists()


def test_the_template_has_the_register_columns(client, subdistrict_officer):
    login(client, subdistrict_officer)
    resp = client.get("/imports/divisions/template.xlsx")

    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == get_spec("divisions").header_labels()
    assert len(headers) == 10


def test_an_unknown_register_is_not_found(client, subdistrict_officer):
    login(client, subdistrict_officer)
    assert client.get("/imports/nonsense/new/").status_code == 404
    assert client.get("/imports/nonsense/template.xlsx").status_code == 404


def test_a_control_character_in_a_cell_is_a_row_error_with_its_line(client, subdistrict_officer):
    """DEL (U+007F) is legal XML, so it survives the reader; it is refused as in every form and API field."""
    login(client, subdistrict_officer)
    job = _upload(client, [community("120105001901", "好社区"), community("120105001902", "坏\x7f社区")])
    assert job.status == ImportJob.Status.INVALID
    assert [e["line"] for e in job.errors] == [3]
    assert "不可见的控制字符" in job.errors[0]["reason"] or "control character" in job.errors[0]["reason"]
    assert not Division.objects.filter(code__in=["120105001901", "120105001902"]).exists()
