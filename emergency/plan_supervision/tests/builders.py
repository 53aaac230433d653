"""A small hand-written plan notice, in the JSON shape the parser produces, so the workflow can be tested
without the parser. Not a test module: pytest does not collect it."""

from __future__ import annotations

import contextlib
import copy
import datetime
from unittest import mock

from django.utils import timezone

from emergency.plan_supervision import services
from emergency.plan_supervision.models import Assignment, Item, Period, Plan

DOCUMENT_NUMBER = "河北应急发〔2022〕5号"
TITLE = "天津市河北区应急管理“十四五”规划（2021—2025年）主要指标和任务分工"

INDICATORS = [
    {"category": "安全生产类", "number": 1, "text": "亿元地区生产总值生产安全事故死亡率控制在0.01%以内",
     "target": {"comparator": "<=", "value": 0.01, "unit": "%"}, "lead": "区应急局", "departments": ["区应急局"]},
    {"category": "应急救援类", "number": 2, "text": "建立健全基层应急管理组织体系",
     "target": None, "lead": "区应急局", "departments": ["区应急局"]},
]
SECTIONS = [
    {"number": "一", "title": "健全完善应急管理工作体制机制"},
    {"number": "二", "title": "提升防灾减灾救灾能力"},
]
# The four allocation patterns of the notice: lead + co-operating, joint (no lead), a group, one department.
TASK_PATTERNS = [
    {"section": "一", "theme": "完善应急管理体制", "title": "明确应急管理职责",
     "lead": "区应急局", "departments": ["区应急局", "区住建委"]},
    {"section": "一", "theme": "完善应急管理体制", "title": "城市运行安全联合治理",
     "lead": None, "departments": ["区住建委", "区城管委"]},
    {"section": "二", "theme": "夯实基层基础", "title": "街道应急管理站建设",
     "lead": "各街道办事处", "departments": ["各街道办事处"]},
    {"section": "二", "theme": "强化应急保障", "title": "应急资金保障",
     "lead": "区财政局", "departments": ["区财政局"]},
]
KEY_PROJECTS = [
    {"number": 1, "name": "区级应急指挥中心建设工程", "content": "建设区级应急指挥中心。",
     "lead": "区应急局", "departments": ["区应急局", "区财政局"]},
]


def plan_dict(*, tasks: int = 4, document_number: str = DOCUMENT_NUMBER, title: str = TITLE,
              issued_on: str = "2022-05-16", extra_departments: list[str] | None = None) -> dict:
    """The notice as the parser's JSON. `tasks` beyond four repeat the four patterns with new numbers."""
    task_rows = []
    for n in range(1, tasks + 1):
        pattern = copy.deepcopy(TASK_PATTERNS[(n - 1) % len(TASK_PATTERNS)])
        suffix = "" if n <= len(TASK_PATTERNS) else f"（{n}）"
        pattern["title"] += suffix
        task_rows.append({"number": n, **pattern, "content": f"{pattern['title']}的具体内容。"})
    departments = list(dict.fromkeys(
        name for row in (*INDICATORS, *task_rows, *KEY_PROJECTS) for name in row["departments"]))
    if extra_departments:
        task_rows.append({"number": tasks + 1, "section": "二", "theme": "强化应急保障", "title": "新增单位任务",
                          "content": "新增单位任务的具体内容。", "lead": extra_departments[0],
                          "departments": list(extra_departments)})
        departments += extra_departments
    return {
        "document_number": document_number, "title": title, "issued_on": issued_on,
        "indicator_categories": ["安全生产类", "应急救援类"],
        "indicators": copy.deepcopy(INDICATORS), "sections": copy.deepcopy(SECTIONS), "tasks": task_rows,
        "key_projects": copy.deepcopy(KEY_PROJECTS), "departments": departments,
    }


# The bureau imports the notice a few days after it was issued.
IMPORTED_AT = datetime.datetime(2022, 5, 20, 10, 0, tzinfo=datetime.UTC)


@contextlib.contextmanager
def frozen_at(moment: datetime.datetime):
    """Time travel: `timezone.now()` (and so `localdate()`) return `moment` inside the block."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def import_plan(acting_user, **kwargs) -> Plan:
    import_kwargs = {k: kwargs.pop(k) for k in ("create_departments",) if k in kwargs}
    with frozen_at(IMPORTED_AT):
        plan, _created = services.plan_import(parsed=plan_dict(**kwargs), acting_user=acting_user, **import_kwargs)
    return plan


def item(plan: Plan, kind: str, number: int) -> Item:
    return Item.objects.get(plan=plan, kind=kind, number=number)


def task(plan: Plan, number: int) -> Item:
    return item(plan, Item.Kind.TASK, number)


def assignment(plan: Plan, number: int, department: str, *, kind: str = Item.Kind.TASK) -> Assignment:
    return Assignment.objects.select_related("item", "department").get(
        item__plan=plan, item__kind=kind, item__number=number, department__name=department)


def period_on(plan: Plan, day: datetime.date) -> Period:
    return Period.objects.get(plan=plan, starts_on__lte=day, ends_on__gte=day)
