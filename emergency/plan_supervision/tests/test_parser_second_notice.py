"""Another district's notice of the same kind (tests/fixtures/plan_notice_other_district.txt, 河东区 style):
different counts, headers and page breaks in other places (one inside a row), a department list split over
three lines, "等单位", a merged theme exported as no cell at all, a （牵头） mark, a closing remark."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from emergency.plan_supervision.departments import table_resolver
from emergency.plan_supervision.parser import parse_notice
from emergency.plan_supervision.reading import decode_text

FIXTURE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "plan_notice_other_district.txt"

# 河东's own names are aliases here of canonical names like Hebei's.
CANONICAL = ["区应急局", "区城管委", "区住建委", "区发改委", "区民政局", "各街道办事处", "区政府办", "区司法局",
             "区人力社保局", "区财政局", "区委组织部", "区消防救援支队", "区教育局"]
ALIASES = {"区应急管理局": "区应急局", "区城市管理委": "区城管委", "区住房建设委": "区住建委",
           "区发展改革委": "区发改委"}
RESOLVE = table_resolver({**{n: n for n in CANONICAL}, **ALIASES})


@pytest.fixture
def notice():
    return parse_notice(FIXTURE.read_text(encoding="utf-8"), RESOLVE).to_json()


def test_it_reads_the_header(notice):
    assert notice["document_number"] == "津河东应急〔2023〕3号"
    assert notice["title"] == "关于印发河东区应急管理“十四五”规划任务分工的通知"
    assert notice["issued_on"] == "2023-03-08"


def test_it_finds_5_indicators_in_2_categories_with_their_targets(notice):
    assert notice["indicator_categories"] == ["安全生产类", "综合减灾类"]
    assert [(i["category"], i["number"], i["target"], i["lead"], i["departments"])
            for i in notice["indicators"]] == [
        ("安全生产类", 1, {"comparator": "<=", "value": 0.012, "unit": "人"}, "区应急局", ["区应急局"]),
        ("安全生产类", 2, {"comparator": "<=", "value": 1.5, "unit": "%"}, "区应急局", ["区应急局"]),
        ("安全生产类", 3, {"comparator": ">=", "value": 1, "unit": "名"}, "区民政局", ["区民政局", "各街道办事处"]),
        ("综合减灾类", 1, {"comparator": ">=", "value": 1.5, "unit": "平方米"}, None, ["区应急局", "区城管委"]),
        ("综合减灾类", 2, None, "区发改委", ["区发改委", "区应急局"]),
    ]


def test_it_finds_9_tasks_in_3_sections(notice):
    assert notice["sections"] == [{"number": "一", "title": "健全应急管理体制机制"},
                                  {"number": "二", "title": "压实安全生产责任"},
                                  {"number": "三", "title": "提升应急救援能力"}]
    assert [(t["number"], t["section"], t["theme"], t["title"], t["lead"], t["departments"])
            for t in notice["tasks"]] == [
        (1, "一", "完善应急指挥体系", "健全指挥机制", "区应急局", ["区应急局"]),
        (2, "一", "完善应急指挥体系", "规范值班值守", "区政府办", ["区政府办", "区应急局"]),
        (3, "一", "推进应急管理法治建设", "加强执法队伍建设", "区应急局",
         ["区应急局", "区司法局", "区人力社保局", "区财政局"]),
        (4, "二", "压实安全生产责任", "落实党政领导责任", None, ["区委组织部", "区应急局"]),
        (5, "二", "压实安全生产责任", "压实部门监管责任", None, ["区委组织部", "区应急局"]),
        (6, "二", "强化风险防控", "开展风险普查", "区应急局", ["区应急局", "区住建委", "区城管委"]),
        (7, "二", "强化风险防控", "推进隐患治理", "区城管委", ["区城管委", "区应急局"]),
        (8, "三", "加强应急队伍建设", "建强综合救援队伍", "区消防救援支队",
         ["区消防救援支队", "区应急局", "各街道办事处"]),
        (9, "三", "提升应急保障能力", "提升应急保障能力", "区城管委", ["区城管委", "区教育局", "区应急局"]),
    ]


def test_a_header_repeated_inside_a_row_does_not_split_the_row(notice):
    third = notice["tasks"][2]
    assert third["content"] == "加强执法队伍建设。充实执法人员，落实执法全过程记录制度。"


def test_it_finds_2_key_projects_and_ignores_the_closing_remark(notice):
    assert notice["key_projects"] == [
        {"number": 1, "name": "区应急指挥平台升级项目", "content": "升级区应急指挥平台，接入视频监控和物联感知数据。",
         "lead": "区应急局", "departments": ["区应急局", "区财政局"]},
        {"number": 2, "name": "应急避难场所提升项目", "content": "改造提升现有应急避难场所，增设应急供水和照明设施。",
         "lead": None, "departments": ["区城管委", "区应急局"]},
    ]


def test_the_department_list_is_canonical_and_in_order_of_first_appearance(notice):
    assert notice["departments"] == [
        "区应急局", "区民政局", "各街道办事处", "区城管委", "区发改委", "区政府办", "区司法局", "区人力社保局",
        "区财政局", "区委组织部", "区住建委", "区消防救援支队", "区教育局"]


def test_without_a_resolver_the_names_are_kept_as_written():
    parsed = parse_notice(FIXTURE.read_text(encoding="utf-8"))
    assert parsed.tasks[5].departments == ["区应急管理局", "区住房建设委", "区城市管理委"]


@pytest.mark.parametrize("encode", [
    lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    lambda text: "\ufeff".encode() + text.encode("utf-8"),
    lambda text: text.encode("gb18030"),
], ids=["crlf", "utf-8 with bom", "gb18030"])
def test_it_reads_the_same_notice_in_other_encodings_and_line_ends(notice, encode):
    raw = encode(FIXTURE.read_text(encoding="utf-8"))
    assert parse_notice(decode_text(raw), RESOLVE).to_json() == notice
