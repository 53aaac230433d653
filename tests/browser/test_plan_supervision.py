"""Use case: in Chinese, in the browser, the bureau imports the plan notice, a department reports, the
bureau returns and then accepts the report, issues a supervision notice that the department answers,
and exports the final evaluation (.docx)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from docx import Document
from playwright.sync_api import Page, expect

from emergency.core.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

NOTICE = Path(settings.BASE_DIR) / "data" / "hebei_plan_notice_2022_5.txt"
DOCUMENT_NUMBER = "河北应急发〔2022〕5号"
HOUSING = "区住建委"


def in_chinese(text: str, context: str | None = None) -> str:
    """What the zh-Hans catalog says for an English source string (in its message context, if it has one)."""
    with translation.override("zh-hans"):
        return translation.pgettext(context, text) if context else translation.gettext(text)


def stat(page: Page, caption: str):
    """The number on the dashboard card captioned `caption`."""
    return page.locator(".card-body", has_text=caption).locator(".em-stat")


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=in_chinese("Log out")).click()
    expect(page.locator("input[name=username]")).to_be_visible()


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def acknowledge_the_refusal(visitor, page: Page) -> None:
    """The plan views answer an invalid form with HTTP 400 (by design, see test_plan_bad_input), and
    Chromium logs that status as a console error. Exactly that one entry is expected; any other fails."""
    refused = [e for e in visitor.errors if "status of 400" in e and e.endswith(f"({page.url})")]
    assert len(refused) == 1, visitor.errors
    visitor.errors.remove(refused[0])


def open_notification(page: Page, title_part: str) -> None:
    """Inbox → the newest notification whose title mentions `title_part` → its page."""
    with page.expect_navigation():
        page.get_by_test_id("inbox").click()
    expect(page.locator("h1")).to_have_text(in_chinese("Inbox"))
    entry = page.locator(".list-group-item", has_text=title_part).first
    with page.expect_navigation():
        entry.get_by_role("button", name=in_chinese("Open the record")).click()


def import_the_notice(visitor, page: Page) -> None:
    with page.expect_navigation():
        page.locator(".navbar").get_by_role("link", name="规划督办").click()
    expect(page.locator("h1")).to_have_text(in_chinese("Plan supervision"))
    with page.expect_navigation():
        page.get_by_role("link", name=in_chinese("Import a plan notice")).click()
    expect(page.locator("h1")).to_have_text("导入规划任务分工通知")

    page.set_input_files("#id_file", str(NOTICE))
    submit(page, "校验文件")
    preview = page.get_by_test_id("import-preview")
    expect(preview).to_contain_text(DOCUMENT_NUMBER)
    expect(preview).to_contain_text("主要指标8项，主要任务28项，重点工程6项")
    expect(preview.locator("tbody tr")).to_have_count(28)

    submit(page, "确认导入")
    expect(page.locator(".alert-success")).to_have_text(in_chinese("Plan imported."))
    expect(page.locator("h1")).to_contain_text(DOCUMENT_NUMBER)
    expect(page.locator(".nav-tabs .nav-link.active")).to_have_text(in_chinese("Dashboard"))


def report_as_housing(visitor, page: Page) -> str:
    """区住建委 reports, in the plan's last period, on the first task it is jointly responsible for (so
    that its report counts on the dashboard); returns the task's label."""
    with page.expect_navigation():
        page.locator(".navbar").get_by_role("link", name="规划督办").click()
    # A department user with one plan lands on its tasks, in the latest period (the plan ended in 2025).
    expect(page.locator(".nav-tabs .nav-link.active")).to_have_text("我的任务")
    expect(page.locator("#period-select option:checked")).to_have_text("2025年第四季度")
    page.select_option("#period-select", label="2025年第四季度")
    submit(page, in_chinese("Show"))

    rows = page.get_by_test_id("my-tasks").locator("tbody tr", has_text=re.compile(r"^任务\d+ "))
    row = rows.filter(has_text="共同负责").first
    expect(row).to_contain_text(HOUSING)
    expect(row).to_contain_text(in_chinese("Not reported"))
    task = row.locator("td").first.inner_text().strip()
    with page.expect_navigation():
        row.get_by_role("link", name=in_chinese("Report", "plan progress")).click()
    expect(page.locator("h1")).to_have_text(f"{in_chinese('Progress report')} · 2025年第四季度")
    expect(page.locator("main")).to_contain_text(task)

    narrative = "已完成老旧小区燃气管线排查，整改隐患12处。"
    page.fill("#id_narrative", narrative)
    page.fill("#id_percent_complete", "150")
    page.select_option("#id_status", "on_track")
    submit(page, "报送")
    expect(page.locator("#id_percent_complete ~ .invalid-feedback")).to_have_text("确保该值小于或等于100。")
    expect(page.locator("#id_narrative")).to_have_value(narrative)
    acknowledge_the_refusal(visitor, page)

    page.fill("#id_percent_complete", "60")
    page.select_option("#id_status", "on_track")
    submit(page, "报送")
    expect(page.locator(".alert-success")).to_have_text(in_chinese("Submitted."))
    expect(page.get_by_test_id("report-state")).to_have_text("已报送")
    expect(page.locator("main dl")).to_contain_text(in_chinese("On track"))
    expect(page.locator("main dl")).to_contain_text("60%")
    return task


def test_the_bureau_imports_the_plan_watches_a_department_report_supervises_and_exports_the_evaluation(
        visitor, demo, tmp_path):
    # 1–2. The bureau imports the notice through the upload page.
    page = visitor.log_in("bureau_staff", DEMO_PASSWORD)
    import_the_notice(visitor, page)
    log_out(page)

    # 3. 区住建委 reports; an out-of-range percent is refused and the narrative is kept.
    visitor.log_in("dept_housing", DEMO_PASSWORD)
    task = report_as_housing(visitor, page)
    log_out(page)

    # 4. The bureau hears of the report in its inbox and returns it with a comment.
    visitor.log_in("bureau_staff", DEMO_PASSWORD)
    open_notification(page, task)
    expect(page.locator("h1")).to_contain_text(f"{HOUSING} · 2025年第四季度")
    page.fill("#id_comment", "请补充佐证材料")
    submit(page, "退回")
    expect(page.locator(".alert-success")).to_have_text("报告已退回。")
    expect(page.get_by_test_id("report-state")).to_have_text("已退回")
    expect(page.get_by_test_id("transitions")).to_contain_text("请补充佐证材料")
    log_out(page)

    # The department is told, revises and resubmits; the returned round stays in the workflow history.
    visitor.log_in("dept_housing", DEMO_PASSWORD)
    open_notification(page, task)
    with page.expect_navigation():
        page.get_by_role("link", name="修改后重新报送").click()
    expect(page.locator(".alert-warning")).to_contain_text("请补充佐证材料")
    page.fill("#id_narrative", "已完成老旧小区燃气管线排查，整改隐患12处，附整改台账。")
    page.fill("#id_percent_complete", "70")
    submit(page, "报送")
    expect(page.get_by_test_id("report-state")).to_have_text("已报送")
    log_out(page)

    # The bureau finds it in the plan's report list and accepts it.
    visitor.log_in("bureau_staff", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator(".navbar").get_by_role("link", name="规划督办").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(DOCUMENT_NUMBER)).click()
    expect(stat(page, "已报送待审核")).to_have_text("1")
    with page.expect_navigation():
        page.locator(".nav-tabs").get_by_role("link", name=in_chinese("Reports")).click()
    report_row = page.locator("main table tbody tr", has_text=HOUSING).filter(has_text=task)
    expect(report_row).to_contain_text("已报送")
    with page.expect_navigation():
        report_row.get_by_role("link").click()
    submit(page, "通过")
    expect(page.get_by_test_id("report-state")).to_have_text("已通过")
    expect(page.get_by_test_id("transitions").locator("li")).to_have_count(4)  # submit, return, submit, accept

    # 5. From the task's page, the bureau issues a supervision notice to 区住建委.
    with page.expect_navigation():
        page.locator(".breadcrumb").get_by_role("link", name=task).click()
    expect(page.locator("main")).to_contain_text("下发督办单")
    deadline = datetime.date.today() + datetime.timedelta(days=14)
    page.select_option("#id_department", label=HOUSING)
    page.fill("#id_content", "请于期限内报送燃气管线整改台账。")
    page.fill("#id_deadline", deadline.isoformat())
    submit(page, "下发")
    heading = page.locator("h1")
    expect(heading).to_contain_text(re.compile(r"督办单 督〔\d{4}〕\d+号"))
    expect(page.get_by_test_id("notice-state")).to_have_text("已下发")
    expect(page.locator("main dl")).to_contain_text(deadline.isoformat())
    serial = re.search(r"督〔\d{4}〕\d+号", heading.inner_text()).group(0)
    log_out(page)

    # 区住建委 sees the notice on its tasks page and answers it.
    visitor.log_in("dept_housing", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator(".navbar").get_by_role("link", name="规划督办").click()
    expect(page.locator(".alert-warning")).to_contain_text("督办单")
    with page.expect_navigation():
        page.get_by_role("link", name=serial).click()
    page.fill("#id_answer", "整改台账已上传，12处隐患均已整改完毕。")
    submit(page, "提交反馈")
    expect(page.get_by_test_id("notice-state")).to_have_text("已反馈")
    expect(page.locator("main dl")).to_contain_text("12处隐患均已整改完毕")
    log_out(page)

    # 6. The bureau exports the final evaluation from the dashboard.
    visitor.log_in("bureau_staff", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator(".navbar").get_by_role("link", name="规划督办").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(DOCUMENT_NUMBER)).click()
    expect(page.locator("h1")).to_contain_text(DOCUMENT_NUMBER)
    expect(page.locator(".em-chart")).to_have_attribute("data-em-ready", "true")
    expect(stat(page, "已报送待审核")).to_have_text("0")
    expect(stat(page, "未办结督办单")).to_have_text("1")  # answered, not yet closed
    by_department = page.locator(".card", has_text="各部门完成情况").locator("tbody tr", has_text=HOUSING)
    expect(by_department.locator("td").nth(1)).to_have_text(re.compile(r"^1/\d+$"))
    visitor.screenshot("plan-dashboard.png")
    export = page.get_by_test_id("export-final")
    expect(export).to_have_text("终期评估报告（.docx）")
    with page.expect_download() as download_info:
        export.click()
    target = tmp_path / "evaluation-final.docx"
    download_info.value.save_as(target)

    doc = Document(str(target))
    assert "终期评估报告" in doc.paragraphs[0].text
    indicators = next(t for t in doc.tables if t.rows[0].cells[-1].text == "结论")
    verdicts = [row.cells[-1].text for row in indicators.rows[1:]]
    assert len(verdicts) == 8
    assert set(verdicts) <= {"达标", "未达标", "待评估"}  # no actual values recorded yet: all 待评估
    notice_row = next(row for table in doc.tables for row in table.rows if row.cells[0].text == serial)
    assert [c.text for c in notice_row.cells][1:] == [HOUSING, task.split(" ", 1)[1], deadline.isoformat(), "已反馈"]
    assert visitor.errors == []
