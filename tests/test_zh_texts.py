"""Chinese that says the right thing (issue 11, items 1–5): each page found saying the wrong word says the right one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from conftest import login
from emergency.core import rules
from emergency.core.audit import audit_record
from emergency.core.models import AuditEvent, Rule
from emergency.plan_supervision import services as plan_services
from emergency.plan_supervision.models import ProgressReport
from emergency.plan_supervision.tests import builders

from .test_zh_walk import PageText

pytestmark = pytest.mark.django_db


def page(client, user, url: str) -> str:
    login(client, user)
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.content.decode()


def test_the_hazard_report_form_says_report_a_hazard_not_progress_report(client, enterprise_manager):
    body = page(client, enterprise_manager, reverse("prevention:hazard_report"))
    assert '<li class="breadcrumb-item active">隐患上报</li>' in body
    assert re.search(r'<button class="btn btn-primary" type="submit">上报隐患</button>', body)
    assert "进展报告" not in body


def test_my_tasks_still_speaks_of_progress_reports(client, department_clerk, bureau_officer):
    plan = builders.import_plan(bureau_officer)
    body = page(client, department_clerk, reverse("plans:my", args=[plan.pk]))
    assert "进展报告" in body


def test_the_security_policy_names_each_rule_in_chinese_and_cites_the_standard(client, security_admin):
    # A row loaded before issue 11 names the internal file: the page shows only the standard.
    Rule.objects.filter(key="security.api_token_days").update(
        source="GB/T 22239-2019 等保2.0 三级, DOMAIN.md §9; issue 9")
    body = page(client, security_admin, reverse("accounts:policy"))
    for name in ("密码最小长度", "密码须包含的字符类别数（共4类）", "密码有效期", "登录失败锁定次数", "账号锁定时长",
                 "会话空闲超时", "API令牌有效期", "审计日志最短保存期"):
        assert name in body
    assert "Minimum password length" not in body and "Password expiry" not in body
    assert "DOMAIN.md" not in body and "issue 9" not in body
    assert body.count("GB/T 22239-2019 等保2.0 三级") == len([r for r in rules.RULE_DEFAULTS
                                                              if r.key.startswith("security.")])
    assert "<th>依据</th>" in body


def test_the_audit_log_names_models_and_fields_in_chinese(client, audit_admin, bureau_officer):
    audit_record(acting_user=bureau_officer, event_type=AuditEvent.Type.UPDATE,
                 object_type="plan_supervision.ProgressReport", object_id="1", object_repr="报告 1",
                 changes={"narrative": ["", "已完成"], "percent_complete": [0, 50], "state": ["draft", "submitted"]})
    audit_record(acting_user=bureau_officer, event_type=AuditEvent.Type.EXPORT, object_type="nothing.Known",
                 object_repr="x", changes={"filters": ""})
    body = page(client, audit_admin, reverse("core:audit_list"))
    assert "进展报告</span> 报告 1" in body
    # PostgreSQL's jsonb keeps the keys in its own order: compare the changed fields as a set.
    assert any(set(cell.split(", ")) == {"工作进展", "完成率（%）", "状态"}
               for cell in re.findall(r"<td>([^<]*)</td>", body))
    assert "<td>filters</td>" in body  # not a field of a known model: shown as it is
    assert "narrative" not in body and "percent_complete" not in body
    assert "nothing.Known" in body  # an unknown label is shown as it is
    assert ">accounts.User<" not in body and "plan_supervision.ProgressReport</span>" not in body


def test_the_audit_log_success_filter_offers_all_not_unknown(client, audit_admin):
    body = page(client, audit_admin, reverse("core:audit_list"))
    select = re.search(r'<select name="success".*?</select>', body, re.S).group(0)
    assert '<option value="unknown" selected>全部</option>' in select
    assert "未知" not in select
    login(client, audit_admin)
    assert client.get(reverse("core:audit_list") + "?success=false").status_code == 200


def test_a_closed_period_reads_in_chinese_in_the_report_history(client, bureau_officer):
    plan = builders.import_plan(bureau_officer)
    with builders.frozen_at(datetime.datetime(2023, 4, 1, 12, 0, tzinfo=datetime.UTC)):
        assert plan_services.overdue_mark(today=datetime.date(2023, 4, 1)) > 0
    report = ProgressReport.objects.filter(assignment__item__plan=plan, state="overdue").first()
    assert report.transitions.get().comment == plan_services.OVERDUE_NOTE == "period closed"  # the stored code
    body = page(client, bureau_officer, reverse("plans:report_detail", args=[report.pk]))
    assert "报告期已结束，未报送进展报告。" in body
    assert "period closed" not in body


def test_the_expert_register_says_name_and_job_title(client, bureau_officer):
    body = page(client, bureau_officer, reverse("resources:expert_list"))
    assert 'data-sort="name">姓名<' in body and 'data-sort="title">职称<' in body
    assert ">标题<" not in body
    body = page(client, bureau_officer, reverse("resources:expert_create"))
    assert ">姓名<" in body and ">职称<" in body


def test_the_reserves_filter_says_supplies(client, bureau_officer):
    body = page(client, bureau_officer, reverse("resources:reserve_list"))
    labels = [t for t in re.findall(r"<label[^>]*>([^<]*)</label>", body)]
    assert "物资" in labels and "事项" not in labels


def test_the_enterprise_list_prints_each_filter_label_once(client, bureau_officer):
    body = page(client, bureau_officer, reverse("enterprises:list"))
    parser = PageText()
    parser.feed(body)
    assert parser.doubled == []
    assert body.count(">街道</label>") == 1


def test_the_walk_parser_finds_a_label_printed_twice():
    parser = PageText()
    parser.feed('<div><label for="a">街道</label><label class="x" for="a">街道</label><select id="a"></select>'
                '<label>行业</label> <input><label>行业</label><label>规模规模</label><p>Save</p></div>')
    assert parser.doubled == ["街道街道", "规模规模"]
    assert "Save" in parser.texts
