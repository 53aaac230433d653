"""Parser of a plan task-allocation notice (任务分工的通知) exported from Word as text. Pure: no database.

The format, as Word exports it:
- a header: the document number (河北应急发〔2022〕5号), the title over several lines up to "……的通知",
  the body and the issue date (2022年5月16日);
- three parts, each a heading line "一、……" naming 指标 (indicators), 任务 (tasks) or 工程 (key projects);
- in each part a table: one cell per line, indented by a tab, rows separated by blank lines (blank lines
  may also fall inside a row); the header row (序号 / 重点任务 / 责任部门) is repeated at page breaks;
- an indicator row is number, text, departments, under a category row (a lone cell ending in 类);
  a task row is number, theme, content, departments, under a section row (（一）……);
  a key-project row is number, name, content, departments;
- merged cells come out empty (or missing): an empty theme continues the previous theme, and an empty
  department cell under an empty theme takes the previous task's departments;
- a department list broken across lines ends the broken line with "、" or "，".
Department names go through `resolve` (raw names → canonical names); unknown names are reported, never
invented.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from emergency.plan_supervision.departments import Resolver, ResolveResult, split_departments, table_resolver
from emergency.plan_supervision.notice import (
    Indicator,
    KeyProject,
    NoticeErrors,
    ParsedNotice,
    ParseError,
    Section,
    Task,
)
from emergency.plan_supervision.targets import parse_target

__all__ = ["Indicator", "KeyProject", "NoticeErrors", "ParseError", "ParsedNotice", "ResolveResult",
           "Resolver", "Section", "Task", "parse_notice", "table_resolver"]

DOCUMENT_NUMBER = re.compile(r"^[\u4e00-\u9fff]{2,}[〔［\[（(]\s*\d{4}\s*[〕］\]）)]\s*\d+\s*号$")
ISSUE_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PART_HEADING = re.compile(r"^[一二三四五六七八九十]+[、.．]")
# Keyword → part; the first keyword found in the heading wins (重点工程任务分工 is a project part).
PART_KEYWORDS = (("指标", "indicators"), ("工程", "projects"), ("项目", "projects"), ("任务", "tasks"))
ROW_NUMBER = re.compile(r"^(\d{1,3})[.．、]?$")
SECTION = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*(.+)$")
CATEGORY = re.compile(r"^[^，。、：；,;:]{1,30}类$")
HEADER_FIRST = "序号"
HEADER_CELL = re.compile(
    r"^(编号|类别|分类|指标|指标名称|主要指标|指标内容|具体指标|目标值|任务|重点任务|主要任务|工作任务|具体任务|"
    r"任务内容|工作内容|主要内容|具体内容|重点工程|工程名称|工程|项目|项目名称|重点项目|建设内容|工程内容|项目内容|"
    r"责任部门|责任单位|牵头部门|牵头单位|责任主体|完成时限|时间节点|备注)$")
PAGE_NUMBER = re.compile(r"^[-—–－]\s*\d+\s*[-—–－]$")
TITLE_END = "通知"
SHORT_TITLE = 20  # a task title is the content's first sentence when it is at most this long
CELLS = {"indicators": 2, "tasks": 3, "projects": 3}  # cells after the number


# --- lines and cells ------------------------------------------------------------------------------

@dataclass
class _Line:
    number: int
    text: str
    is_cell: bool  # tab-indented (a table cell, possibly empty)


@dataclass
class _Row:
    number: int
    line: int
    part: str
    cells: list[_Line] = field(default_factory=list)


def _lines(text: str) -> list[_Line]:
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = raw.lstrip("\ufeff")
        if raw.startswith("\t"):
            out.append(_Line(number, raw.strip(), True))
        elif raw.strip():
            out.append(_Line(number, raw.strip(), False))
    return out


def _not_text(text: str) -> ParseError | None:
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            if char == "\ufffd" or (unicodedata.category(char) in ("Cc", "Co", "Cs") and char not in "\t\f\v"):
                return ParseError(number, _("The file is not text (binary, or a wrong encoding): line %(line)d "
                                            "holds the character U+%(code)04X.") % {"line": number,
                                                                                   "code": ord(char)},
                                  "not_text")
    if not re.search(r"[\u4e00-\u9fff]", text):
        return ParseError(1, _("The file holds no Chinese text; is it a notice, and is its encoding right?"),
                          "not_text")
    return None


def _title_of(content: str, theme: str) -> str:
    first = re.split(r"[。：:]", content, maxsplit=1)[0].strip()
    return first if first != content.strip() and 0 < len(first) <= SHORT_TITLE else theme


# --- the parser -------------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str, resolve: Resolver | None, allow_unknown: bool):
        self.text = text
        self.resolve = resolve
        self.allow_unknown = allow_unknown
        self.errors: list[ParseError] = []
        self.notice = ParsedNotice(document_number="", title="", issued_on=datetime.date.min)
        self.raw_departments: dict[str, int] = {}  # raw name → first line
        self.pending: list[tuple[object, list[str], int | None]] = []  # item, raw names, lead index

    def error(self, line: int, message: str, code: str) -> None:
        self.errors.append(ParseError(line, message, code))

    def parse(self) -> ParsedNotice:
        problem = _not_text(self.text) if self.text.strip() else ParseError(1, _("The file is empty."), "empty")
        if problem:
            raise NoticeErrors([problem])
        lines = _lines(self.text)
        body = next((i for i, ln in enumerate(lines) if not ln.is_cell and PART_HEADING.match(ln.text)
                     and self.part_of(ln.text)), len(lines))
        self.header(lines[:body], lines[body].number if body < len(lines) else lines[-1].number)
        self.body(lines[body:])
        self.check_parts(lines)
        self.resolve_departments()
        if self.errors:
            raise NoticeErrors(self.errors, self.notice.unknown_departments if not self.allow_unknown else ())
        return self.notice

    @staticmethod
    def part_of(heading: str) -> str | None:
        return next((part for word, part in PART_KEYWORDS if word in heading), None)

    # header ------------------------------------------------------------------------------
    def header(self, lines: list[_Line], body_line: int) -> None:
        number = next((i for i, ln in enumerate(lines) if DOCUMENT_NUMBER.match(ln.text)), None)
        if number is None:
            self.error(lines[0].number if lines else 1,
                       _("No document number (such as 河北应急发〔2022〕5号) before the first part."),
                       "no_document_number")
        else:
            self.notice.document_number = re.sub(r"\s+", "", lines[number].text)
        start = 0 if number is None else number + 1
        title = []
        for ln in lines[start:start + 6]:
            title.append(ln.text)
            if ln.text.endswith(TITLE_END):
                self.notice.title = "".join(title)
                break
        if not self.notice.title:
            self.error(lines[start].number if start < len(lines) else body_line,
                       _("No title ending in “的通知” after the document number."), "no_title")
        for ln in lines:
            match = ISSUE_DATE.match(ln.text)
            if match:
                try:
                    self.notice.issued_on = datetime.date(*(int(g) for g in match.groups()))
                except ValueError:
                    self.error(ln.number, _("The issue date %(date)s does not exist.") % {"date": ln.text},
                               "bad_date")
                break
        else:
            self.error(body_line, _("No issue date (such as 2022年5月16日) before the first part."), "no_date")

    # body --------------------------------------------------------------------------------
    def body(self, lines: list[_Line]) -> None:
        part = None
        row: _Row | None = None
        in_header = orphan = False
        self.category = ""
        self.section: str | None = None
        self.theme = ""
        self.previous: dict[str, tuple[list[str], int | None]] = {}  # part → last departments, lead index
        seen: set[tuple[str, str, int]] = set()
        self.parts_seen: dict[str, int] = {}
        for ln in lines:
            text = ln.text
            if not ln.is_cell and PART_HEADING.match(text):
                self.close(row)
                row, in_header, orphan = None, False, False
                part = self.part_of(text)
                if part is None:
                    self.error(ln.number, _("The part “%(text)s” names neither 指标, 任务 nor 工程.") % {"text": text},
                               "unknown_part")
                elif part in self.parts_seen:
                    self.error(ln.number, _("A second part “%(text)s”.") % {"text": text}, "duplicate_part")
                else:
                    self.parts_seen[part] = ln.number
                self.category, self.section = "", None
                continue
            if part is None or PAGE_NUMBER.match(text):
                continue
            if text == HEADER_FIRST:
                in_header = True
                continue
            if in_header and HEADER_CELL.match(text):
                continue
            in_header = False
            number = ROW_NUMBER.match(text)
            if number:
                self.close(row)
                row, orphan = _Row(int(number.group(1)), ln.number, part), False
                key = (part, self.category if part == "indicators" else "", row.number)  # 指标 restart per 类
                if key in seen:
                    self.error(ln.number, _("Number %(n)d appears twice.") % {"n": row.number}, "duplicate_number")
                seen.add(key)
                continue
            kind = self.structural(part, text)
            if kind:
                self.close(row)
                row, orphan = None, False
                if kind == "section":
                    match = SECTION.match(text)
                    self.section = match.group(1)
                    self.notice.sections.append(Section(match.group(1), match.group(2).strip(), ln.number))
                else:
                    self.category = text
                    self.notice.indicator_categories.append(text)
                continue
            if (row is not None and len(row.cells) == CELLS[part] and text
                    and row.cells[-1].text.endswith(("、", "，", ","))):
                row.cells[-1].text += text  # a department list broken across lines
            elif row is not None and len(row.cells) < CELLS[part]:
                row.cells.append(_Line(ln.number, text, True))
            elif text and ln.is_cell and not orphan:  # stray plain lines (notes, 此件公开) are not cells
                orphan = True
                self.error(ln.number, _("The cell “%(text)s” belongs to no numbered row: is the number missing?")
                           % {"text": text[:30]}, "row_without_number")
        self.close(row)

    def structural(self, part: str, text: str) -> str | None:
        if part == "tasks" and SECTION.match(text):
            return "section"
        if part == "indicators" and CATEGORY.match(text):
            return "category"
        return None

    def close(self, row: _Row | None) -> None:
        if row is None:
            return
        texts = [c.text for c in row.cells]
        last_line = row.cells[-1].number if row.cells else row.line
        if row.part == "indicators":
            self.close_indicator(row, texts, last_line)
        elif row.part == "tasks":
            self.close_task(row, texts, last_line)
        else:
            self.close_project(row, texts, last_line)

    def departments_of(self, row: _Row, cell: str | None, line: int, label: str,
                       inherit: bool) -> tuple[list[str], int | None] | None:
        if cell:
            names, lead = split_departments(cell)
            if names:
                for name in names:
                    self.raw_departments.setdefault(name, line)
                self.previous[row.part] = (names, lead)
                return names, lead
        if inherit and row.part in self.previous:
            return self.previous[row.part]
        self.error(line, _("%(item)s has no responsible department.") % {"item": label}, "no_departments")
        return None

    def close_indicator(self, row: _Row, texts: list[str], line: int) -> None:
        label = _("Indicator %(n)d") % {"n": row.number}
        if not texts or not texts[0]:
            self.error(row.line, _("%(item)s has no text.") % {"item": label}, "empty_row")
            return
        depts = self.departments_of(row, texts[1] if len(texts) > 1 else None, line, label, inherit=True)
        item = Indicator(self.category, row.number, texts[0], parse_target(texts[0]), None, [], row.line)
        self.notice.indicators.append(item)
        if depts:
            self.pending.append((item, *depts))

    def close_task(self, row: _Row, texts: list[str], line: int) -> None:
        label = _("Task %(n)d") % {"n": row.number}
        # Merged cells exported as nothing: two cells are content and departments, one is the content.
        theme, content, dept_cell = {3: texts, 2: [""] + texts, 1: ["", *texts, ""]}.get(len(texts), ["", "", ""])
        if not content:
            self.error(row.line, _("%(item)s has no content.") % {"item": label}, "empty_row")
            return
        if theme:
            self.theme = theme
        elif not self.theme:
            self.error(row.line, _("%(item)s has no theme and follows no task to take it from.") % {"item": label},
                       "no_theme")
        depts = self.departments_of(row, dept_cell, line, label, inherit=not theme)
        item = Task(row.number, self.section, self.theme, _title_of(content, self.theme), content, None, [],
                    row.line)
        self.notice.tasks.append(item)
        if depts:
            self.pending.append((item, *depts))

    def close_project(self, row: _Row, texts: list[str], line: int) -> None:
        label = _("Key project %(n)d") % {"n": row.number}
        if not texts or not texts[0]:
            self.error(row.line, _("%(item)s has no name.") % {"item": label}, "empty_row")
            return
        name, content = texts[0], texts[1] if len(texts) > 1 else ""
        depts = self.departments_of(row, texts[2] if len(texts) > 2 else None, line, label, inherit=True)
        item = KeyProject(row.number, name, content, None, [], row.line)
        self.notice.key_projects.append(item)
        if depts:
            self.pending.append((item, *depts))

    def check_parts(self, lines: list[_Line]) -> None:
        where = lines[-1].number if lines else 1
        if "indicators" not in self.parts_seen:
            self.error(min(self.parts_seen.values(), default=where),
                       _("No indicator table (a part “一、……主要指标分工”) was found."), "no_indicator_table")
        elif not self.notice.indicators:
            self.error(self.parts_seen["indicators"], _("The indicator table has no rows."), "empty_table")
        if "tasks" not in self.parts_seen:
            self.error(where, _("No task table (a part “二、……主要任务分工”) was found."), "no_task_table")
        elif not self.notice.tasks:
            self.error(self.parts_seen["tasks"], _("The task table has no rows."), "empty_table")
        if "projects" in self.parts_seen and not self.notice.key_projects:
            self.error(self.parts_seen["projects"], _("The key-project table has no rows."), "empty_table")

    # departments --------------------------------------------------------------------------
    def resolve_departments(self) -> None:
        names = list(self.raw_departments)
        if self.resolve is None:
            result = ResolveResult({n: n for n in names}, [])
        else:
            result = self.resolve(names)
        unknown = [(n, self.raw_departments[n]) for n in names if n in set(result.unknown)]
        for name, line in unknown:
            if not self.allow_unknown:
                self.error(line, _("The department “%(name)s” matches no department name or alias.")
                           % {"name": name}, "unknown_department")
        self.notice.unknown_departments = unknown
        canonical = {**{n: n for n, _line in unknown}, **result.resolved}
        everyone: list[str] = []
        for item, raw, lead in self.pending:
            depts: list[str] = []
            for name in raw:
                if canonical.get(name) and canonical[name] not in depts:
                    depts.append(canonical[name])
            item.lead = canonical.get(raw[lead]) if lead is not None else None
            if item.lead:
                depts = [item.lead] + [d for d in depts if d != item.lead]
            item.departments = depts
            everyone += [d for d in depts if d not in everyone]
        self.notice.departments = everyone


def parse_notice(text: str, resolve: Callable[[list[str]], ResolveResult] | None = None, *,
                 allow_unknown: bool | None = None) -> ParsedNotice:
    """Parse a notice. Raises NoticeErrors listing every problem found (line and message).

    `resolve` maps raw department names to canonical ones (see `table_resolver`); without it names are kept
    as written. With `allow_unknown`, unknown names are kept as written and listed in
    `ParsedNotice.unknown_departments` instead of being errors (for --create-departments); by default it
    follows the resolver's own `allow_unknown` attribute (see resolver.django_resolver).
    """
    if allow_unknown is None:
        allow_unknown = bool(getattr(resolve, "allow_unknown", False))
    return _Parser(text, resolve, allow_unknown).parse()

