"""The result of parsing a plan notice, and its errors (see parser.py). Pure: no database."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from emergency.plan_supervision.targets import Target


@dataclass(frozen=True)
class ParseError:
    line: int
    message: str
    code: str = ""

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class NoticeErrors(Exception):
    """Every problem found in a notice, in line order. `unknown_departments` lists (name, first line)."""

    def __init__(self, errors: Iterable[ParseError], unknown_departments: Iterable[tuple[str, int]] = ()):
        self.errors = sorted(errors, key=lambda e: e.line)
        self.unknown_departments = list(unknown_departments)
        super().__init__("\n".join(str(e) for e in self.errors))

    @property
    def unknown(self) -> list[str]:
        return [name for name, _line in self.unknown_departments]

    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


@dataclass
class Indicator:
    category: str
    number: int
    text: str
    target: Target | None
    lead: str | None
    departments: list[str]
    line: int = 0


@dataclass
class Section:
    number: str
    title: str
    line: int = 0


@dataclass
class Task:
    number: int
    section: str | None
    theme: str
    title: str
    content: str
    lead: str | None
    departments: list[str]
    line: int = 0


@dataclass
class KeyProject:
    number: int
    name: str
    content: str
    lead: str | None
    departments: list[str]
    line: int = 0


@dataclass
class ParsedNotice:
    document_number: str
    title: str
    issued_on: datetime.date
    indicator_categories: list[str] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    key_projects: list[KeyProject] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    unknown_departments: list[tuple[str, int]] = field(default_factory=list)  # only with allow_unknown

    def to_json(self) -> dict:
        return {
            "document_number": self.document_number, "title": self.title,
            "issued_on": self.issued_on.isoformat(),
            "indicator_categories": list(self.indicator_categories),
            "indicators": [{"category": i.category, "number": i.number, "text": i.text,
                            "target": i.target.to_json() if i.target else None, "lead": i.lead,
                            "departments": list(i.departments)} for i in self.indicators],
            "sections": [{"number": s.number, "title": s.title} for s in self.sections],
            "tasks": [{"number": t.number, "section": t.section, "theme": t.theme, "title": t.title,
                       "content": t.content, "lead": t.lead, "departments": list(t.departments)}
                      for t in self.tasks],
            "key_projects": [{"number": p.number, "name": p.name, "content": p.content, "lead": p.lead,
                              "departments": list(p.departments)} for p in self.key_projects],
            "departments": list(self.departments),
        }
