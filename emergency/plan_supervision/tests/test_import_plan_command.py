"""`manage.py import_plan FILE [--dry-run] [--json] [--create-departments]`: the parsing side. --json and
--dry-run write nothing; a malformed file names the line and the problem and exits non-zero."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from emergency.core.models import AuditEvent, Department
from emergency.plan_supervision.parser import parse_notice
from emergency.plan_supervision.resolver import django_resolver

SEED = Path(settings.BASE_DIR) / "data" / "hebei_plan_notice_2022_5.txt"

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_plan", *args, stdout=out)
    return out.getvalue()


def database_rows() -> tuple[int, ...]:
    models = apps.get_app_config("plan_supervision").get_models()
    return (AuditEvent.objects.count(), Department.objects.count(), *(m.objects.count() for m in models))


def test_json_prints_the_parsed_notice_and_writes_nothing():
    before = database_rows()
    printed = run(str(SEED), "--json")
    data = json.loads(printed)
    assert data == parse_notice(SEED.read_text(encoding="utf-8"), django_resolver()).to_json()
    assert "河北应急发〔2022〕5号" in printed  # UTF-8, not \\u escapes
    assert (len(data["indicators"]), len(data["tasks"]), len(data["key_projects"])) == (8, 28, 6)
    assert database_rows() == before


def test_dry_run_summarises_in_chinese_and_writes_nothing():
    before = database_rows()
    printed = run(str(SEED), "--dry-run")
    assert "主要指标：8 项（3 类）" in printed
    assert "主要任务：28 项（4 个部分）" in printed
    assert "重点工程：6 项" in printed
    assert "责任部门：43 个" in printed
    assert database_rows() == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_it_reads_utf8_with_bom_and_gb18030(tmp_path, encoding):
    path = tmp_path / "notice.txt"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode(encoding))
    assert json.loads(run(str(path), "--json")) == json.loads(run(str(SEED), "--json"))


def test_it_reads_a_docx_laid_out_as_the_text_export(tmp_path):
    """Paragraphs for plain lines, one table row per group of tab-indented cells."""
    document = docx.Document()
    row: list[str] = []
    for line in SEED.read_text(encoding="utf-8").split("\n") + [""]:
        if line.startswith("\t"):
            row.append(line[1:])
            continue
        if row:
            table = document.add_table(rows=1, cols=len(row))
            for cell, text in zip(table.rows[0].cells, row, strict=True):
                cell.text = text
            row = []
        if line.strip():
            document.add_paragraph(line)
    path = tmp_path / "notice.docx"
    document.save(path)
    assert json.loads(run(str(path), "--json")) == json.loads(run(str(SEED), "--json"))


def test_a_malformed_file_names_the_line_and_the_problem(tmp_path):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    del lines[108]  # the number of task 7
    path = tmp_path / "notice.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = database_rows()
    with pytest.raises(CommandError) as caught:
        run(str(path), "--dry-run")
    assert str(caught.value).startswith(f"{path}:110: ")
    assert caught.value.returncode != 0
    assert database_rows() == before


def test_unknown_departments_are_all_listed_with_the_flag_that_would_create_them(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(SEED.read_text(encoding="utf-8").replace("区融媒体中心", "区新闻中心")
                    .replace("区科协", "区科学技术馆"), encoding="utf-8")
    before = database_rows()
    with pytest.raises(CommandError) as caught:
        run(str(path))
    message = str(caught.value)
    assert f"{path}:208: " in message and f"{path}:252: " in message
    assert "区科学技术馆、区新闻中心" in message and "--create-departments" in message
    assert database_rows() == before
    printed = run(str(path), "--dry-run", "--create-departments")
    assert "将新建的部门：区科学技术馆、区新闻中心" in printed
    assert database_rows() == before


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x03binary"], ids=["empty", "binary"])
def test_an_empty_or_binary_file_is_refused(tmp_path, content):
    path = tmp_path / "notice.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=rf"^{path}:1: "):
        run(str(path), "--dry-run")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.txt"), "--json")
