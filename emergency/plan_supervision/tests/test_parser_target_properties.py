"""Properties of the indicator target parser (emergency/plan_supervision/targets.py): for generated numbers and
every unit of the table, in each form the parser supports (and the bare number without a unit), parse gives back
the comparator, the number exactly and the unit. Pure: no database."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from emergency.plan_supervision.targets import UNIT, parse_target

PROPERTY = settings(max_examples=200, derandomize=True, deadline=None, database=None)

UNITS = UNIT.strip("()").split("|")
PREFIXES = ["", "生产安全事故死亡率", "覆盖率", "全区注册志愿者", "每个社区"]
SUFFIXES = ["", "，逐年下降", "。", "；"]
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")

# (template, comparator): {n} the number, {u} the unit ("" for a bare number).
FORMS = [
    ("控制在{n}{u}以内", "<="), ("{n}{u}以内", "<="), ("{n}{u}以下", "<="), ("{n}{u}之内", "<="),
    ("不超过{n}{u}", "<="), ("不高于{n}{u}", "<="), ("不大于{n}{u}", "<="), ("控制在{n}{u}", "<="),
    ("低于{n}{u}", "<"), ("少于{n}{u}", "<"), ("小于{n}{u}", "<"),
    ("{n}{u}以上", ">="), ("{n}{u}及以上", ">="), ("不低于{n}{u}", ">="), ("不少于{n}{u}", ">="),
    ("至少{n}{u}", ">="), ("至少有{n}{u}", ">="), ("达到{n}{u}", ">="), ("提高到{n}{u}", ">="), ("增至{n}{u}", ">="),
    ("超过{n}{u}", ">"), ("高于{n}{u}", ">"), ("大于{n}{u}", ">"), ("多于{n}{u}", ">"),
]
UNIT_ONLY_FORMS = [("{n}{u}内", "<=")]  # a bare "N内" is no limit ("第3内")

numbers = st.decimals(min_value=0, max_value=10_000_000, places=3)


def text(number: Decimal, form: str, unit: str, prefix: str, suffix: str, full_width: bool) -> str:
    written = f"{number:f}"
    body = form.format(n=written, u=unit)
    return prefix + (body.translate(FULL_WIDTH) if full_width else body) + suffix


@PROPERTY
@given(numbers, st.sampled_from(FORMS + UNIT_ONLY_FORMS), st.sampled_from(UNITS), st.sampled_from(PREFIXES),
       st.sampled_from(SUFFIXES), st.booleans())
def test_a_number_with_a_unit_parses_back_exactly(number, form_and_comparator, unit, prefix, suffix, full_width):
    form, comparator = form_and_comparator
    target = parse_target(text(number, form, unit, prefix, suffix, full_width))
    assert target is not None
    assert (target.comparator, target.unit) == (comparator, unit)
    assert Decimal(str(target.value)) == number
    assert type(target.value) is (int if number == number.to_integral_value() else float)


@PROPERTY
@given(numbers, st.sampled_from(FORMS), st.sampled_from(PREFIXES), st.sampled_from(SUFFIXES), st.booleans())
def test_a_bare_number_parses_back_exactly_with_an_empty_unit(number, form_and_comparator, prefix, suffix,
                                                                full_width):
    form, comparator = form_and_comparator
    target = parse_target(text(number, form, "", prefix, suffix, full_width))
    assert target is not None
    assert (target.comparator, target.unit) == (comparator, "")
    assert Decimal(str(target.value)) == number


@PROPERTY
@given(numbers, st.sampled_from([f for f, _c in FORMS if f.endswith("{u}")]), st.sampled_from(["年", "万", "亿"]),
       st.sampled_from(PREFIXES))
def test_a_number_with_a_unit_outside_the_table_is_not_a_bare_number(number, form, word, prefix):
    assert parse_target(prefix + form.format(n=f"{number:f}", u=word)) is None
