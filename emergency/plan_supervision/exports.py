"""Exports: the allocation table (.xlsx, laid out like the notice), the period progress report and
the mid-term or final evaluation report (.docx)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from emergency.core.models import Department
from emergency.lib.docx import OfficialDocument
from emergency.lib.xlsx import Sheet, xlsx_bytes

from . import selectors
from .models import Assignment, IndicatorValue, Item, Period, Plan, ProgressReport, SupervisionNotice

ROLE_SPLIT = (Assignment.Role.LEAD, Assignment.Role.JOINT)


def _groups() -> list[tuple[str, frozenset[int]]]:
    """Groups with members ("各街道办事处"): the import gives each member its own assignment."""
    return [(g.name, frozenset(m.pk for m in g.members.all()))
            for g in Department.objects.filter(kind=Department.Kind.GROUP).prefetch_related("members")
            if g.members.all()]


def _names(assignments: list[Assignment], groups) -> list[str]:
    """Department names in order, every group whose members are all here written as the group once."""
    ids = {a.department_id for a in assignments}
    whole = [(name, members) for name, members in groups if members <= ids]
    names, written = [], set()
    for a in assignments:
        group = next((name for name, members in whole if a.department_id in members), None)
        if group is None:
            names.append(a.department.name)
        elif group not in written:
            written.add(group)
            names.append(group)
    return names


def _departments(item: Item, groups=()) -> tuple[str, str]:
    """(lead, co-operating) as the notice writes them; joint responsibility lists all as lead, 、-joined."""
    assignments = [a for a in item.assignments.all() if a.archived_at is None]
    lead = _names([a for a in assignments if a.role in ROLE_SPLIT], groups)
    coop = _names([a for a in assignments if a.role == Assignment.Role.COOPERATING], groups)
    return "、".join(lead), "、".join(coop)


def _items(plan: Plan):
    return (plan.items.filter(archived_at__isnull=True).select_related("section")
            .prefetch_related("assignments__department").order_by("order"))


def allocation_xlsx(plan: Plan) -> bytes:
    groups = _groups()
    part = {Item.Kind.INDICATOR: "主要指标", Item.Kind.TASK: "主要任务", Item.Kind.PROJECT: "重点工程"}

    def rows():
        for item in _items(plan):
            lead, coop = _departments(item, groups)
            if item.kind == Item.Kind.TASK and item.section:
                section = f"（{item.section.number}）{item.section.title}"
            else:
                section = part[item.kind]
            theme = item.category if item.kind == Item.Kind.INDICATOR else item.theme
            content = item.content if item.kind != Item.Kind.PROJECT else f"{item.title}：{item.content}"
            yield [section, item.number, theme, content, lead, coop]

    return xlsx_bytes([Sheet(title="任务分工", above=[[plan.title], [plan.document_number, plan.issued_on.isoformat()]],
                             headers=["部分", "序号", "主题/类别", "内容", "牵头单位", "配合单位"], rows=rows(),
                             widths=(28, 6, 20, 80, 24, 40), wrap=True)])


def _labels(choices) -> dict:
    """Choice labels translated once: `get_FOO_display()` per row costs more than the rest of a row."""
    return {value: str(label) for value, label in choices}


def progress_docx(plan: Plan, period: Period) -> bytes:
    doc = OfficialDocument()
    doc.title(f"{plan.title}")
    doc.paragraph(f"{period.label}进展情况报告")
    reports = {r.assignment_id: r for r in ProgressReport.objects.filter(period=period, assignment__item__plan=plan)}
    roles, statuses = _labels(Assignment.Role.choices), _labels(ProgressReport.Status.choices)
    states = _labels(ProgressReport.State.choices)
    doc.heading("一、总体完成情况")
    rows = []
    for c in selectors.completion_by(plan, period, by="section"):
        rows.append([c.label, f"{c.reported}/{c.total}", f"{c.percent}%"])
    doc.table(["任务板块", "已报送/应报送", "平均完成度"], rows)
    doc.heading("二、各项任务进展")
    rows = []
    for item in _items(plan).exclude(kind=Item.Kind.INDICATOR):
        for a in (a for a in item.assignments.all() if a.archived_at is None):
            r = reports.get(a.pk)
            rows.append([str(item.number) if item.kind == Item.Kind.TASK else f"工程{item.number}", item.title,
                         a.department.name, roles.get(a.role, a.role),
                         statuses.get(r.status, r.status) if r else "未报送", f"{r.percent_complete}%" if r else "—",
                         states.get(r.state, r.state) if r else "—", (r.narrative[:200] if r else "")])
    doc.table(["序号", "任务", "单位", "分工", "进展", "完成度", "审核", "进展情况"], rows)
    doc.paragraph(f"生成时间：{timezone.localtime():%Y年%m月%d日 %H:%M}", align_right=True)
    return doc.to_bytes()


def evaluation_docx(plan: Plan, *, kind: str, as_of_year: int) -> bytes:
    """Mid-term (中期) or final (终期) evaluation with indicator results and task completion."""
    label = "中期评估报告" if kind == "midterm" else "终期评估报告"
    doc = OfficialDocument()
    doc.title(f"{plan.title}{label}")
    doc.paragraph(f"文号：{plan.document_number}　评估截至：{as_of_year}年")
    doc.heading("一、主要指标完成情况")
    values = defaultdict(dict)
    for v in IndicatorValue.objects.filter(item__plan=plan, year__lte=as_of_year).select_related("item"):
        values[v.item_id][v.year] = v
    rows = []
    for item in plan.items.filter(kind=Item.Kind.INDICATOR).order_by("order"):
        target = f"{item.get_comparator_display()}{_num(item.target_value)}{item.unit}" if item.is_quantitative \
            else "定性"
        latest = max(values[item.pk].items())[1] if values[item.pk] else None
        actual = (f"{_num(latest.value)}{item.unit}" if latest and latest.value is not None
                  else ("已完成" if latest and latest.achieved else "未完成" if latest else "无数据"))
        met = latest.met if latest else None
        rows.append([item.category, item.number, item.title, target, actual,
                     "达标" if met else ("未达标" if met is False else "待评估")])
    doc.table(["类别", "序号", "指标", "目标", "实际", "结论"], rows)
    doc.heading("二、主要任务和重点工程完成情况")
    period = plan.periods.filter(ends_on__year__lte=as_of_year).order_by("-ends_on").first()
    rows = []
    if period is not None:
        for c in selectors.completion_by(plan, period, by="section"):
            rows.append([c.label, f"{c.reported}/{c.total}", f"{c.percent}%"])
        for c in selectors.completion_by(plan, period, by="project"):
            rows.append([f"重点工程{c.key}：{c.label}", f"{c.reported}/{c.total}", f"{c.percent}%"])
    doc.table(["板块/工程", "已报送/应报送", "完成度"], rows)
    doc.heading("三、督办情况")
    notices = SupervisionNotice.objects.filter(item__plan=plan).select_related("department", "item")
    doc.table(["编号", "单位", "事项", "期限", "状态"],
              [[n.serial, n.department.name, n.item.title, n.deadline.isoformat(), n.get_state_display()]
               for n in notices])
    doc.paragraph(f"生成时间：{timezone.localtime():%Y年%m月%d日}", align_right=True)
    return doc.to_bytes()


def _num(value) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")
