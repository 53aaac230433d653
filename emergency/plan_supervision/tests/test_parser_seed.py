"""The district's own notice 河北应急发〔2022〕5号 (data/hebei_plan_notice_2022_5.txt) parses to exactly its
structure: 8 indicators in 3 categories, 28 tasks in 4 sections, 6 key projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings

from emergency.core import reference
from emergency.core.models import Department, DepartmentAlias
from emergency.plan_supervision.departments import table_resolver
from emergency.plan_supervision.parser import parse_notice
from emergency.plan_supervision.resolver import django_resolver

SEED = Path(settings.BASE_DIR) / "data" / "hebei_plan_notice_2022_5.txt"


@pytest.fixture
def notice(db):
    return parse_notice(SEED.read_text(encoding="utf-8"), django_resolver()).to_json()


def task(notice, number):
    return next(t for t in notice["tasks"] if t["number"] == number)


def test_it_reads_the_document_number_title_and_issue_date(notice):
    assert notice["document_number"] == "河北应急发〔2022〕5号"
    assert notice["title"] == "关于印发河北区安全保障和应急管理“十四五”规划（2021—2025年）任务分工的通知"
    assert notice["issued_on"] == "2022-05-16"


def test_it_finds_8_indicators_in_3_categories_28_tasks_in_4_sections_and_6_key_projects(notice):
    assert notice["indicator_categories"] == ["安全生产类", "灾害防治类", "城市建设应急保障能力类"]
    assert [(i["category"], i["number"]) for i in notice["indicators"]] == [
        ("安全生产类", 1), ("安全生产类", 2), ("灾害防治类", 1), ("灾害防治类", 2),
        ("城市建设应急保障能力类", 1), ("城市建设应急保障能力类", 2), ("城市建设应急保障能力类", 3),
        ("城市建设应急保障能力类", 4)]
    assert notice["sections"] == [
        {"number": "一", "title": "健全完善应急管理工作体制机制"},
        {"number": "二", "title": "深化安全生产责任体系建设"},
        {"number": "三", "title": "加强应对能力建设，筑优应急保障网络"},
        {"number": "四", "title": "推进共建共治共享，激发社会参与活力"}]
    assert [t["number"] for t in notice["tasks"]] == list(range(1, 29))
    assert [t["section"] for t in notice["tasks"]] == ["一"] * 8 + ["二"] * 9 + ["三"] * 8 + ["四"] * 3
    assert [p["number"] for p in notice["key_projects"]] == [1, 2, 3, 4, 5, 6]


def test_all_8_targets_parse_and_the_qualitative_one_is_null(notice):
    assert [i["target"] for i in notice["indicators"]] == [
        {"comparator": "<=", "value": 0.01, "unit": "%"},
        {"comparator": "<=", "value": 0.8, "unit": "%"},
        {"comparator": "<=", "value": 1, "unit": "%"},
        {"comparator": "<=", "value": 0.1, "unit": "%"},
        None,  # 加强信息化建设力度，全面对接市应急指挥中心
        {"comparator": "<=", "value": 12, "unit": "小时"},
        {"comparator": ">=", "value": 2, "unit": "个"},
        {"comparator": ">=", "value": 1, "unit": "处"},
    ]
    assert all(i["lead"] == "区应急局" and i["departments"] == ["区应急局"] for i in notice["indicators"])


def test_task_1_is_led_by_the_emergency_bureau_alone(notice):
    assert task(notice, 1) | {"content": ""} == {
        "number": 1, "section": "一", "theme": "完善应急管理体制", "title": "明确应急管理职责", "content": "",
        "lead": "区应急局", "departments": ["区应急局"]}
    assert task(notice, 1)["content"].startswith("明确应急管理职责。建立完善区委、区政府领导下的应急指挥部")


def test_task_2_continues_task_1s_theme_and_is_led_by_the_establishment_office(notice):
    second = task(notice, 2)
    assert second["theme"] == task(notice, 1)["theme"] == "完善应急管理体制"
    assert second["title"] == "落实推进执法改革"
    assert second["lead"] == "区委编办"
    # "区委编办，区委组织部、" is broken across a blank line before "区应急局"
    assert second["departments"] == ["区委编办", "区委组织部", "区应急局"]


def test_task_6_joined_only_by_commas_of_enumeration_is_joint_responsibility(notice):
    assert task(notice, 6)["lead"] is None
    assert task(notice, 6)["departments"] == [
        "区司法局", "区生态环境局", "区住建委", "区城管委", "区卫健委", "区应急局", "区市场监管局", "公安河北分局",
        "区消防救援支队", "交管河北支队"]


def test_task_11_with_empty_theme_and_departments_takes_task_10s_departments(notice):
    tenth, eleventh = task(notice, 10), task(notice, 11)
    assert eleventh["theme"] == tenth["theme"] == "严密安全生产责任体系"
    assert eleventh["title"] == "强化企业主体责任"
    assert eleventh["lead"] is tenth["lead"] is None
    assert eleventh["departments"] == tenth["departments"]
    assert len(tenth["departments"]) == 23 and tenth["departments"][-1] == "各街道办事处"
    assert task(notice, 13)["departments"] == task(notice, 12)["departments"]


def test_a_mixed_list_is_led_by_the_department_before_the_first_full_width_comma(notice):
    fourth = task(notice, 4)  # 区应急局，区委组织部、……、区红十字会，各街道办事处，区武装部等有关单位
    assert fourth["lead"] == "区应急局"
    assert fourth["departments"][:3] == ["区应急局", "区委组织部", "区委宣传部"]
    assert fourth["departments"][-2:] == ["各街道办事处", "区武装部"]


def test_the_committee_groups_are_split_and_resolved_to_the_groups(notice):
    assert task(notice, 26)["departments"] == [
        "区应急局", "区安委会成员单位", "区应急委成员单位", "区减灾委成员单位", "各街道办事处", "区委网信办",
        "区融媒体中心"]
    assert task(notice, 27)["departments"] == [
        "区应急局", "区安委会成员单位", "区应急委成员单位", "区减灾委成员单位", "各街道办事处"]


def test_every_task_has_a_section_a_theme_a_title_and_departments(notice):
    for row in notice["tasks"]:
        assert row["section"] and row["theme"] and row["title"] and row["content"] and row["departments"]
    # a first sentence too long for a title falls back to the theme
    assert task(notice, 14)["title"] == "筑牢重点领域安全防线"
    assert task(notice, 15)["title"] == "自然灾害风险普查"


def test_the_key_projects_have_name_content_and_lead(notice):
    first = notice["key_projects"][0]
    assert first["name"] == "区级应急指挥中心建设工程"
    assert first["lead"] == "区应急局"
    assert first["departments"] == ["区应急局", "区财政局"]
    assert first["content"].startswith("在河北区安全生产防控网基础上")
    assert [p["name"] for p in notice["key_projects"]][1:] == [
        "自然灾害风险普查工程", "双重预防体系建设推广工程", "基础设施防灾能力提升工程", "消防救援站（队）建设工程",
        "应急文化宣传教育基地建设项目"]
    assert notice["key_projects"][4]["lead"] == "区消防救援支队"  # written 区消防救援支队，区财政局


def test_aliases_resolve_to_canonical_names(notice):
    everyone = notice["departments"]
    assert "区委政法委" in everyone and "区委政法委（网格中心）" not in everyone
    assert "市规自局河北分局" in everyone and "市规自河北分局" not in everyone
    assert "意风区管委会" in everyone and "意风区管委" not in everyone
    assert task(notice, 6)["departments"][8] == "区消防救援支队"  # written 消防救援支队


def test_the_department_list_is_every_canonical_department_once_in_order_of_appearance(notice):
    everyone = notice["departments"]
    assert len(everyone) == len(set(everyone)) == 43
    assert everyone[:3] == ["区应急局", "区委编办", "区委组织部"]
    assert Department.objects.filter(name__in=everyone).count() == 43
    assert not DepartmentAlias.objects.filter(alias__in=everyone).exists()
    used = {d for key in ("indicators", "tasks", "key_projects") for row in notice[key] for d in row["departments"]}
    assert used == set(everyone)


def test_the_json_has_exactly_the_shape_of_the_issue(notice):
    assert list(notice) == ["document_number", "title", "issued_on", "indicator_categories", "indicators",
                            "sections", "tasks", "key_projects", "departments"]
    assert list(notice["indicators"][0]) == ["category", "number", "text", "target", "lead", "departments"]
    assert list(notice["tasks"][0]) == ["number", "section", "theme", "title", "content", "lead", "departments"]
    assert list(notice["key_projects"][0]) == ["number", "name", "content", "lead", "departments"]
    text = json.dumps(notice, ensure_ascii=False)
    assert '"value": 0.01,' in text and '"value": 12,' in text  # JSON numbers, not strings
    assert json.loads(text) == notice


def test_the_seed_resolves_with_the_shipped_reference_data_alone():
    table = {name: name for name, _kind, _aliases in reference.DEPARTMENTS}
    table |= {alias: name for name, _kind, aliases in reference.DEPARTMENTS for alias in aliases}
    table |= {name: name for name, _aliases in reference.GROUPS}
    table |= {alias: name for name, aliases in reference.GROUPS for alias in aliases}
    parsed = parse_notice(SEED.read_text(encoding="utf-8"), table_resolver(table))
    assert parsed.unknown_departments == []
    assert len(parsed.departments) == 43
