"""python manage.py import_plan FILE [--dry-run] [--json] [--create-departments]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from emergency.core.services import UnknownDepartments
from emergency.plan_supervision.parser import NoticeErrors, ParsedNotice, parse_notice
from emergency.plan_supervision.reading import NoticeFileError, decode_text, docx_to_text
from emergency.plan_supervision.resolver import django_resolver


def read_notice(path: Path) -> str:
    """The notice as text: .docx through python-docx, anything else as UTF-8 (with or without BOM) or GB18030."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}) from exc
    try:
        if path.suffix.lower() == ".docx" or raw.startswith(b"PK\x03\x04"):
            return docx_to_text(raw)
        return decode_text(raw)
    except NoticeFileError as exc:
        raise CommandError(f"{path}:1: {exc}") from exc


def summary(parsed: ParsedNotice) -> str:
    lines = [
        f"文号：{parsed.document_number}",
        f"标题：{parsed.title}",
        f"印发日期：{parsed.issued_on.isoformat()}",
        f"主要指标：{len(parsed.indicators)} 项（{len(parsed.indicator_categories)} 类）",
        f"主要任务：{len(parsed.tasks)} 项（{len(parsed.sections)} 个部分）",
        f"重点工程：{len(parsed.key_projects)} 项",
        f"责任部门：{len(parsed.departments)} 个",
    ]
    if parsed.unknown_departments:
        lines.append("将新建的部门：" + "、".join(name for name, _line in parsed.unknown_departments))
    lines.append("试运行（--dry-run）：未写入任何数据。")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Import a plan task-allocation notice (任务分工的通知, .txt or .docx)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the notice: Word-exported .txt (UTF-8 or GB18030) or .docx")
        parser.add_argument("--dry-run", action="store_true", help="parse and summarise; write nothing")
        parser.add_argument("--json", action="store_true", help="print the parsed notice as JSON; write nothing")
        parser.add_argument("--period-months", type=int, default=3, choices=[1, 2, 3, 4, 6, 12],
                            help="length of a reporting period in months (default 3: quarterly)")
        parser.add_argument("--reminder-days", type=int, default=7,
                            help="remind departments this many days before a period closes (default 7)")
        parser.add_argument("--create-departments", action="store_true",
                            help="create the departments that match no department name or alias")

    def handle(self, *args, file: str, dry_run: bool = False, json: bool = False,
               create_departments: bool = False, period_months: int = 3, reminder_days: int = 7, **options):
        path = Path(file)
        text = read_notice(path)
        try:
            parsed = parse_notice(text, django_resolver(), allow_unknown=create_departments)
        except NoticeErrors as exc:
            raise CommandError(self.problems(path, exc)) from exc
        if json:
            self.stdout.write(_json_dumps(parsed.to_json()))
            return
        if dry_run:
            self.stdout.write(summary(parsed))
            return
        try:
            from emergency.plan_supervision import services
        except ModuleNotFoundError as exc:
            if exc.name != "emergency.plan_supervision.services":
                raise
            raise CommandError("database import not available yet") from exc
        if not hasattr(services, "plan_import"):
            raise CommandError("database import not available yet")
        try:
            result = services.plan_import(parsed=parsed, acting_user=None, create_departments=create_departments,
                                          period_months=period_months, reminder_days=reminder_days)
        except (UnknownDepartments, ValidationError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        plan, created = result if isinstance(result, tuple) else (result, True)
        self.stdout.write(
            (_("Imported %(number)s: %(indicators)d indicators, %(tasks)d tasks, %(projects)d key projects.")
             if created else
             _("Updated %(number)s in place: %(indicators)d indicators, %(tasks)d tasks, %(projects)d key "
               "projects; nothing was duplicated."))
            % {"number": parsed.document_number, "indicators": len(parsed.indicators),
               "tasks": len(parsed.tasks), "projects": len(parsed.key_projects)})

    @staticmethod
    def problems(path: Path, exc: NoticeErrors) -> str:
        lines = [f"{path}:{e.line}: {e.message}" for e in exc.errors]
        if exc.unknown_departments:
            lines.append(_("%(count)d unknown departments: %(names)s. Run again with --create-departments to "
                           "create them.") % {"count": len(exc.unknown_departments),
                                               "names": "、".join(exc.unknown)})
        return "\n".join(lines)


def _json_dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
