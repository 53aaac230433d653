"""Indicator targets: "控制在0.01%以内" → (<=, 0.01, %). Pure; rules as data.

A target is read from the indicator's text with a small ordered table of patterns. The first pattern that
matches wins; an indicator that no pattern matches is qualitative and has no target (None).

A bare number with a comparator but no unit ("控制在0.5以内", "不超过3", "不低于95") is a target with unit "".
Those patterns come after every pattern with a unit, so they only read text that no unit pattern reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

NUMBER = r"(\d+(?:\.\d+)?)"
# Longest units first, so that 平方米 is not read as 米. 年 is left out on purpose: "2025年内" is a date.
UNIT = (r"(%|‰|平方公里|平方米|立方米|公里|千米|米|亿元|万元|元|个小时|小时|分钟|秒|天|日|周|个月|"
        r"万人|个|名|人|处|家|次|支|座|所|项|台|套|辆|户|场|张|件|条|部|倍|吨|批|册|份|期|篇|艘|架)")

LESS_OR_EQUAL_AFTER = r"(?:以内|以下|之内|内)"
LESS_OR_EQUAL_BEFORE = r"(?:不超过|不高于|不大于|控制在)"
LESS_BEFORE = r"(?<!不)(?:低于|少于|小于)"  # not 不低于, 不少于
AT_LEAST_AFTER = r"(?:及以上|以上)"
AT_LEAST_BEFORE = r"(?:达到|至少有|至少|不少于|不低于|不小于|提高到|提高至|提升到|提升至|增加到|增加至|增至)"
MORE_BEFORE = r"(?<!不)(?:超过|高于|大于|多于)"  # not 不超过
# A count of things to build or obtain: "申报全国综合减灾示范社区2个", "建设完善……基地1处".
BUILD_VERBS = (r"(?:申报|创建|建设|建成|新建|改扩建|改建|扩建|培育|打造|配备|组建|设立|建立|培训|新增|举办|"
               r"开展|组织|完成|实现|储备)")
# A bare number ends the quantity: not followed by more digits (".5"), nor by a word character (a unit outside
# the table such as 年 or 万, which is not a bare number), except the comparator words after it.
BARE_END = rf"(?!\.?\d)(?=\s*(?:{LESS_OR_EQUAL_AFTER}|{AT_LEAST_AFTER}|[^\w\s]|$))"
BARE_LESS_OR_EQUAL_AFTER = r"(?:以内|以下|之内)"  # not a bare 内: "第3内" is no limit

# (comparator, pattern): order matters, the first match wins.
TARGET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("<=", re.compile(rf"{NUMBER}\s*{UNIT}\s*{LESS_OR_EQUAL_AFTER}")),
    ("<=", re.compile(rf"{LESS_OR_EQUAL_BEFORE}\s*{NUMBER}\s*{UNIT}")),
    ("<", re.compile(rf"{LESS_BEFORE}\s*{NUMBER}\s*{UNIT}")),
    (">=", re.compile(rf"{NUMBER}\s*{UNIT}\s*{AT_LEAST_AFTER}")),
    (">=", re.compile(rf"{AT_LEAST_BEFORE}\s*{NUMBER}\s*{UNIT}")),
    (">", re.compile(rf"{MORE_BEFORE}\s*{NUMBER}\s*{UNIT}")),
    (">=", re.compile(rf"{BUILD_VERBS}[^，,。；;\d]*?{NUMBER}\s*{UNIT}")),
    # the same comparators with a bare number (group 2, the unit, is then empty)
    ("<=", re.compile(rf"(?<![\d.]){NUMBER}()\s*{BARE_LESS_OR_EQUAL_AFTER}")),
    ("<=", re.compile(rf"{LESS_OR_EQUAL_BEFORE}\s*{NUMBER}(){BARE_END}")),
    ("<", re.compile(rf"{LESS_BEFORE}\s*{NUMBER}(){BARE_END}")),
    (">=", re.compile(rf"(?<![\d.]){NUMBER}()\s*{AT_LEAST_AFTER}")),
    (">=", re.compile(rf"{AT_LEAST_BEFORE}\s*{NUMBER}(){BARE_END}")),
    (">", re.compile(rf"{MORE_BEFORE}\s*{NUMBER}(){BARE_END}")),
)


@dataclass(frozen=True)
class Target:
    comparator: str
    value: int | float
    unit: str

    def to_json(self) -> dict:
        return {"comparator": self.comparator, "value": self.value, "unit": self.unit}


def _number(text: str) -> int | float:
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


def parse_target(text: str) -> Target | None:
    """The measurable target of an indicator, or None when the indicator is qualitative."""
    normal = unicodedata.normalize("NFKC", text)  # full-width digits and ％ → ASCII
    for comparator, pattern in TARGET_PATTERNS:
        match = pattern.search(normal)
        if match:
            return Target(comparator=comparator, value=_number(match.group(1)), unit=match.group(2))
    return None
