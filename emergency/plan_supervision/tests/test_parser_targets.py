"""Indicator targets parse to comparator, value and unit through a small table of patterns; qualitative
indicators have no target."""

from __future__ import annotations

import unicodedata

import pytest

from emergency.plan_supervision.targets import TARGET_PATTERNS, Target, parse_target

EXAMPLES = [
    # the examples, as the seed writes them
    ("单位国内生产总值生产安全事故死亡率控制在0.01%以内", "<=", 0.01, "%"),
    ("自然灾害发生12小时内受灾群众基本生活得到有效救助", "<=", 12, "小时"),
    ("申报全国综合减灾示范社区2个", ">=", 2, "个"),
    ("每个社区至少有1名灾害信息员", ">=", 1, "名"),
    ("人均避难场所面积达到1.5平方米", ">=", 1.5, "平方米"),
    ("建设完善区级安全生产和应急文化基地1处", ">=", 1, "处"),
    # one example at least for every other pattern of the table
    ("亿元地区生产总值生产安全事故死亡率不超过0.012人", "<=", 0.012, "人"),
    ("重大事故隐患整改率低于5%的街道予以通报", "<", 5, "%"),
    ("应急救援队伍覆盖率95%以上", ">=", 95, "%"),
    ("全区注册志愿者不少于300人", ">=", 300, "人"),
    ("城市安全风险评估覆盖率不低于95%", ">=", 95, "%"),
    ("应急广播覆盖率超过90%", ">", 90, "%"),
    ("2025年内建成应急避难场所3个", ">=", 3, "个"),
    ("组建街道综合应急救援队伍10支", ">=", 10, "支"),
    # full-width digits and ％ as Word sometimes writes them
    ("较大事故死亡率控制在１０％以内", "<=", 10, "%"),
    # a bare number without a unit: unit "", the comparator as for the unit forms
    ("重大事故发生率控制在0.5以内", "<=", 0.5, ""),
    ("道路交通万车死亡率不超过1.8", "<=", 1.8, ""),
    ("亿元生产总值事故起数低于0.3，逐年下降", "<", 0.3, ""),
    ("群众安全感评分90以上", ">=", 90, ""),
    ("应急管理满意度评分不低于95", ">=", 95, ""),
    ("综合减灾能力指数超过80。", ">", 80, ""),
    ("年均受灾指数控制在 1.2 以下", "<=", 1.2, ""),
    ("灾害风险指数不高于０．６", "<=", 0.6, ""),
]

QUALITATIVE = [
    "加强信息化建设力度，全面对接市应急指挥中心",
    "建立健全区级应急物资储备体系",
    "2025年底前完成规划编制",
    # a number followed by a unit outside the table is not a bare number
    "培训周期不超过2年",
    "投入资金不低于1.5亿",
    "2025年内完成",
]


@pytest.mark.parametrize(("text", "comparator", "value", "unit"), EXAMPLES)
def test_it_parses_the_target(text, comparator, value, unit):
    target = parse_target(text)
    assert target == Target(comparator, value, unit)
    assert target.to_json() == {"comparator": comparator, "value": value, "unit": unit}


@pytest.mark.parametrize("text", QUALITATIVE)
def test_it_leaves_a_qualitative_indicator_without_target(text):
    assert parse_target(text) is None


def test_every_pattern_of_the_table_is_the_first_match_for_some_example():
    def first_pattern(text):
        normal = unicodedata.normalize("NFKC", text)
        return next(i for i, (_c, pattern) in enumerate(TARGET_PATTERNS) if pattern.search(normal))

    assert {first_pattern(text) for text, *_rest in EXAMPLES} == set(range(len(TARGET_PATTERNS)))


def test_a_unit_form_still_wins_over_a_bare_number_in_the_same_text():
    assert parse_target("不超过3，新建避难场所2处") == Target(">=", 2, "处")
    assert parse_target("控制在5%以内") == Target("<=", 5, "%")


def test_a_value_is_an_int_when_whole_and_a_float_otherwise():
    assert type(parse_target("申报示范社区2个").value) is int
    assert type(parse_target("达到1.5平方米").value) is float
