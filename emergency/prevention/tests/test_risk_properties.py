"""Properties of the LEC and L × S banding (emergency/lib/risk.py) on the shipped rules: every allowed product gets a
level from 1 to 4, a larger score never gives a lower risk (level 1 is the highest risk), and the bands are
upper-inclusive exactly as the rules table describes them. Pure: the rule values are passed in, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from emergency.core.rules import RULE_DEFAULTS
from emergency.lib.risk import EvaluationError, lec, ls

RULES = {r.key: r.value for r in RULE_DEFAULTS}
ALLOWED = RULES["prevention.lec_values"]
BANDS = RULES["prevention.lec_bands"]
PROPERTY = settings(max_examples=60, derandomize=True, deadline=None, database=None)

factors = st.tuples(st.sampled_from(ALLOWED["l"]), st.sampled_from(ALLOWED["e"]), st.sampled_from(ALLOWED["c"]))


def lec_level_as_described(d: Decimal) -> int:
    """The rule's own words: D > 320 → 1; 160 < D ≤ 320 → 2; 70 < D ≤ 160 → 3; else 4."""
    return 1 if d > 320 else 2 if d > 160 else 3 if d > 70 else 4


# The rules' descriptions of the L × S tables, as sets of R = L × S.
LS_DESCRIBED = {
    "prevention.ls_a": {1: range(20, 26), 2: range(9, 17), 3: range(4, 9), 4: range(1, 4)},
    "prevention.ls_b": {1: range(20, 26), 2: range(15, 17), 3: range(9, 13), 4: range(1, 9)},
}


def test_the_shipped_bands_are_the_ones_described():
    assert BANDS == [[320, 1], [160, 2], [70, 3]]


def test_every_product_of_allowed_factors_gets_the_described_level():
    for l in ALLOWED["l"]:  # noqa: E741 - L is the method's own name
        for e in ALLOWED["e"]:
            for c in ALLOWED["c"]:
                result = lec(l, e, c, allowed=ALLOWED, bands=BANDS)
                d = Decimal(str(l)) * Decimal(str(e)) * Decimal(str(c))
                assert result.score == d
                assert result.level in (1, 2, 3, 4)
                assert result.level == lec_level_as_described(d)


@PROPERTY
@given(factors, factors)
def test_lec_a_larger_d_never_gives_a_lower_risk(first, second):
    a, b = (lec(*f, allowed=ALLOWED, bands=BANDS) for f in (first, second))
    if a.score <= b.score:
        assert a.level >= b.level  # level 1 is the highest risk
    if a.score == b.score:
        assert a.level == b.level


@PROPERTY
@given(bound_and_level=st.sampled_from(BANDS),
       above=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2))
def test_lec_bands_are_upper_inclusive(bound_and_level, above):
    """D exactly on a bound stays in the lower-risk band; anything above it gets the band's level. The allowed
    values are passed explicitly so that D can sit on the bound."""
    bound, level = bound_and_level
    on = Decimal(bound)

    def evaluate(d):
        return lec(d, 1, 1, allowed={"l": [d], "e": [1], "c": [1]}, bands=BANDS)

    assert evaluate(on).level == level + 1
    assert evaluate(on + above).level <= level
    assert evaluate(on + above).level == lec_level_as_described(on + above)


@PROPERTY
@given(factors, st.sampled_from(["l", "e", "c"]), st.integers(min_value=-5, max_value=1000))
def test_lec_refuses_a_factor_that_is_not_allowed(triple, field, value):
    index = "lec".index(field)
    assume(Decimal(value) not in {Decimal(str(a)) for a in ALLOWED[field]})
    args = list(triple)
    args[index] = value
    with pytest.raises(EvaluationError) as error:
        lec(*args, allowed=ALLOWED, bands=BANDS)
    assert error.value.field == field


@pytest.mark.parametrize("key", LS_DESCRIBED)
def test_ls_matches_the_described_table_for_every_l_and_s(key):
    for l in range(1, 6):  # noqa: E741
        for s in range(1, 6):
            result = ls(l, s, table=RULES[key])
            assert result.score == l * s
            (level,) = [lv for lv, scores in LS_DESCRIBED[key].items() if l * s in scores]
            assert result.level == level


@PROPERTY
@given(key=st.sampled_from(sorted(LS_DESCRIBED)), l=st.integers(1, 5), s=st.integers(1, 5),
       dl=st.integers(0, 4), ds=st.integers(0, 4))
def test_ls_a_larger_l_or_s_never_gives_a_lower_risk(key, l, s, dl, ds):  # noqa: E741
    table = RULES[key]
    higher = ls(min(l + dl, 5), min(s + ds, 5), table=table)
    assert 1 <= higher.level <= ls(l, s, table=table).level <= 4


@PROPERTY
@given(key=st.sampled_from(sorted(LS_DESCRIBED)),
       l=st.one_of(st.integers(-10, 0), st.integers(6, 100), st.decimals(min_value=1, max_value=5, places=1)),
       s=st.integers(1, 5))
def test_ls_refuses_l_outside_whole_1_to_5(key, l, s):  # noqa: E741
    assume(not (Decimal(l) == int(l) and 1 <= l <= 5))  # a decimal such as 3.0 is the whole number 3
    with pytest.raises(EvaluationError) as error:
        ls(l, s, table=RULES[key])
    assert error.value.field == "l"
