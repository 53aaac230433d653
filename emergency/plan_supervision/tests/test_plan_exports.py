"""The exports are opened and read back: the allocation table (.xlsx), the period progress report (.docx) and the
mid-term and final evaluation reports (.docx)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from conftest import login
from emergency.core.models import AuditEvent, Department
from emergency.plan_supervision import services
from emergency.plan_supervision.models import Item

from . import builders

HEADER = ["部分", "序号", "主题/类别", "内容", "牵头单位", "配合单位"]


def sheet_rows(resp) -> list[list]:
    ws = load_workbook(io.BytesIO(resp.content)).active
    return [list(row) for row in ws.iter_rows(values_only=True)]


def docx_text(resp) -> tuple[list[str], list[list[list[str]]]]:
    doc = Document(io.BytesIO(resp.content))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return [p.text for p in doc.paragraphs], tables


def last_export(plan) -> AuditEvent:
    return AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT, object_id=str(plan.pk)).latest("id")


@pytest.fixture
def bureau_client(client, bureau_officer):
    return login(client, bureau_officer)


def test_the_allocation_table_is_laid_out_like_the_notice(plan, bureau_client, bureau_officer):
    resp = bureau_client.get(f"/plans/{plan.pk}/allocation.xlsx")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = sheet_rows(resp)
    assert rows[0][0] == plan.title
    assert rows[1][:2] == [plan.document_number, "2022-05-16"]
    assert rows[2] == HEADER
    body = {(r[0], r[1]): r for r in rows[3:]}
    assert len(rows[3:]) == 2 + 4 + 1  # one row per indicator, task and key project
    first_section, second_section = "（一）健全完善应急管理工作体制机制", "（二）提升防灾减灾救灾能力"
    assert body[(first_section, 1)][2:] == ["完善应急管理体制", "明确应急管理职责的具体内容。", "区应急局", "区住建委"]
    assert body[(first_section, 2)][4:] == ["区住建委、区城管委", None]  # joint: all lead, 、-joined
    assert body[(second_section, 3)][4:] == ["各街道办事处", None]  # the group, as the notice writes it
    assert body[(second_section, 4)][4:] == ["区财政局", None]
    assert body[("主要指标", 1)][2:5] == ["安全生产类", "亿元地区生产总值生产安全事故死亡率控制在0.01%以内", "区应急局"]
    project = body[("重点工程", 1)]
    assert project[3].startswith("区级应急指挥中心建设工程") and project[4:] == ["区应急局", "区财政局"]
    event = last_export(plan)
    assert event.actor == bureau_officer and event.changes["export"] == "allocation.xlsx"


def test_a_dropped_department_leaves_the_allocation_table(plan, bureau_officer, bureau_client):
    data = builders.plan_dict()
    data["tasks"][0]["departments"] = ["区应急局"]
    services.plan_import(parsed=data, acting_user=bureau_officer)
    rows = sheet_rows(bureau_client.get(f"/plans/{plan.pk}/allocation.xlsx"))
    task1 = next(r for r in rows[3:] if r[1] == 1 and r[0].startswith("（一）"))
    assert task1[4:] == ["区应急局", None]


def test_the_period_progress_report_lists_every_assignment_with_its_status(
        plan, quarter, department_clerk, finance_clerk, bureau_officer, report_for, bureau_client):
    housing = report_for(department_clerk, plan, 2, "区住建委", quarter, percent=60, narrative="排查完成六成。")
    services.report_accept(acting_user=bureau_officer, report=housing)
    report_for(finance_clerk, plan, 4, "区财政局", quarter, percent=100, status="done", narrative="资金已拨付。")
    resp = bureau_client.get(f"/plans/{plan.pk}/progress.docx?period={quarter.pk}")
    assert resp.status_code == 200
    paragraphs, tables = docx_text(resp)
    assert paragraphs[0] == plan.title
    assert f"{quarter.label}进展情况报告" in paragraphs
    summary, detail = tables
    assert summary[0] == ["任务板块", "已报送/应报送", "平均完成度"]
    assert detail[0] == ["序号", "任务", "单位", "分工", "进展", "完成度", "审核", "进展情况"]
    rows = {(r[0], r[2]): r for r in detail[1:]}
    assert len(detail) - 1 == 2 + 2 + 10 + 1 + 2  # every task and project assignment
    housing = housing.__class__.objects.get(pk=housing.pk)
    assert rows[("2", "区住建委")][4:] == [housing.get_status_display(), "60%", housing.get_state_display(),
                                         "排查完成六成。"]
    assert rows[("4", "区财政局")][5] == "100%" and rows[("4", "区财政局")][7] == "资金已拨付。"
    assert rows[("2", "区城管委")][4:7] == ["未报送", "—", "—"]
    assert rows[("工程1", "区应急局")][1] == "区级应急指挥中心建设工程"
    event = last_export(plan)
    assert event.changes == {"export": "progress.docx", "period": quarter.label}


def record(plan, bureau_officer, number, year, value=None, achieved=None):
    return services.indicator_value_record(acting_user=bureau_officer, item=builders.item(plan, "indicator", number),
                                           year=year, value=value, achieved=achieved, source="区统计局")


def test_the_mid_term_evaluation_reports_indicator_results_task_completion_and_notices(
        plan, bureau_officer, department_clerk, report_for, bureau_client):
    record(plan, bureau_officer, 1, 2022, Decimal("0.02"))
    record(plan, bureau_officer, 1, 2023, Decimal("0.008"))  # the latest value by the mid-term decides
    record(plan, bureau_officer, 1, 2024, Decimal("0.5"))  # after the mid-term: not counted
    year_end = builders.period_on(plan, datetime.date(2023, 12, 31))
    report_for(department_clerk, plan, 2, "区住建委", year_end, percent=80)
    notice = services.notice_issue(acting_user=bureau_officer, item=builders.task(plan, 2),
                                   department=Department.objects.get(name="区住建委"), content="请加快。",
                                   deadline=timezone.localdate() + datetime.timedelta(days=7))

    resp = bureau_client.get(f"/plans/{plan.pk}/evaluation.docx?kind=midterm")
    assert resp.status_code == 200
    paragraphs, (indicators, tasks, notices) = docx_text(resp)
    assert paragraphs[0] == f"{plan.title}中期评估报告"
    assert any("2023年" in p for p in paragraphs)
    assert indicators[0] == ["类别", "序号", "指标", "目标", "实际", "结论"]
    assert indicators[1][3:] == ["≤0.01%", "0.008%", "达标"]
    assert indicators[2][3:] == ["定性", "无数据", "待评估"]
    by_label = {r[0]: r for r in tasks[1:]}
    assert by_label["健全完善应急管理工作体制机制"][1:] == ["1/3", "26.7%"]  # (0 + 80 + 0) / 3 lead or joint
    assert by_label["重点工程1：区级应急指挥中心建设工程"][1:] == ["0/1", "0.0%"]
    assert notices[1][:3] == [notice.serial, "区住建委", "城市运行安全联合治理"]
    assert last_export(plan).changes == {"export": "evaluation-midterm.docx", "year": 2023}


def test_the_final_evaluation_judges_the_last_values(plan, bureau_officer, bureau_client):
    record(plan, bureau_officer, 1, 2025, Decimal("0.011"))
    record(plan, bureau_officer, 2, 2025, achieved=True)
    resp = bureau_client.get(f"/plans/{plan.pk}/evaluation.docx?kind=final")
    paragraphs, (indicators, _tasks, notices) = docx_text(resp)
    assert paragraphs[0] == f"{plan.title}终期评估报告"
    assert indicators[1][4:] == ["0.011%", "未达标"]
    assert indicators[2][4:] == ["已完成", "达标"]
    assert notices == [["编号", "单位", "事项", "期限", "状态"]]
    assert last_export(plan).changes["year"] == 2025


def test_a_nonsense_evaluation_year_is_clamped_to_the_plan(plan, bureau_client):
    assert bureau_client.get(f"/plans/{plan.pk}/evaluation.docx?kind=bogus&year=abc").status_code == 200
    assert last_export(plan).changes == {"export": "evaluation-midterm.docx", "year": 2023}
    bureau_client.get(f"/plans/{plan.pk}/evaluation.docx?kind=final&year=1999")
    assert last_export(plan).changes["year"] == 2021


def test_every_export_writes_an_audit_row(plan, quarter, bureau_client):
    before = AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).count()
    for url in (f"/plans/{plan.pk}/allocation.xlsx", f"/plans/{plan.pk}/progress.docx?period={quarter.pk}",
                f"/plans/{plan.pk}/evaluation.docx?kind=midterm", f"/plans/{plan.pk}/evaluation.docx?kind=final"):
        assert bureau_client.get(url).status_code == 200
    assert AuditEvent.objects.filter(event_type=AuditEvent.Type.EXPORT).count() == before + 4
    assert Item.objects.filter(plan=plan).count() == 7
