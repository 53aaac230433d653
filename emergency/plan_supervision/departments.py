"""Department cells of a plan notice: splitting, the lead rule, and resolving names. Pure: no database.

The lead rule (issue 3):
- one department: it leads;
- the first department followed by "，": it leads, the rest co-operate
  ("区应急局，区委组织部、区委宣传部，各街道办事处" → 区应急局 leads);
- departments joined only by "、": joint responsibility, no lead.
A name marked （牵头） leads wherever it stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

OPEN, CLOSE = "（(", "）)"
JOINT_SEPARATORS = "、"
LEAD_SEPARATORS = "，,；;"
# "区武装部等有关单位", "区政府办等单位", "……等相关部门": the suffix is not part of the name.
SUFFIX = re.compile(r"(?:等(?:有关|相关|其他)?(?:单位|部门|机构))$")
BARE_SUFFIX = re.compile(r"^(?:其他)?(?:有关|相关)(?:单位|部门)$")
LEAD_MARK = re.compile(r"[（(]\s*牵头\s*[）)]$")


def normalise_name(name: str) -> str:
    """The same normalisation as emergency.core.services.normalise_department_name."""
    return "".join(name.split()).strip("、，,")


def split_departments(cell: str) -> tuple[list[str], int | None]:
    """Raw names in order, and the index of the lead (None for joint responsibility)."""
    text = "".join(cell.split())
    names: list[str] = []
    separators: list[str] = []  # separator after names[i]
    depth, current = 0, ""
    for char in text:
        if char in OPEN:
            depth += 1
        elif char in CLOSE:
            depth = max(depth - 1, 0)
        if depth == 0 and (char in JOINT_SEPARATORS or char in LEAD_SEPARATORS):
            if current:
                names.append(current)
                separators.append(char)
            current = ""
            continue
        current += char
    if current:
        names.append(current)
        separators.append("")
    marked = None
    cleaned: list[str] = []
    cleaned_separators: list[str] = []
    for name, separator in zip(names, separators, strict=True):
        if LEAD_MARK.search(name):
            name = LEAD_MARK.sub("", name)
            marked = len(cleaned) if marked is None else marked
        name = SUFFIX.sub("", name)
        if not name or BARE_SUFFIX.match(name):
            continue
        cleaned.append(name)
        cleaned_separators.append(separator)
    if not cleaned:
        return [], None
    if marked is not None:
        return cleaned, marked
    if len(cleaned) == 1 or cleaned_separators[0] in LEAD_SEPARATORS:
        return cleaned, 0
    return cleaned, None


@dataclass(frozen=True)
class ResolveResult:
    """raw name → canonical name for the names that resolve; the raw names that do not."""

    resolved: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


Resolver = Callable[[list[str]], ResolveResult]


def table_resolver(table: Mapping[str, str]) -> Resolver:
    """A resolver from a table of canonical names and aliases → canonical names.

    A name that is not in the table is tried once more without a trailing parenthesis
    (区委政法委（网格中心） → 区委政法委); nothing else is guessed.
    """
    lookup = {normalise_name(k): v for k, v in table.items()}

    def resolve(names: list[str]) -> ResolveResult:
        resolved, unknown = {}, []
        for raw in names:
            name = normalise_name(raw)
            canonical = lookup.get(name) or lookup.get(re.sub(r"[（(][^（()）]*[）)]$", "", name))
            if canonical:
                resolved[raw] = canonical
            else:
                unknown.append(raw)
        return ResolveResult(resolved, unknown)

    return resolve
