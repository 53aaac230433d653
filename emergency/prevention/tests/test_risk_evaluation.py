"""Risk evaluation by LEC and LS (DOMAIN.md §3): every band boundary, in both LS tables, with the bands
read from the rules table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from emergency.core.models import Rule
from emergency.lib import risk
from emergency.prevention import services

pytestmark = pytest.mark.django_db

DEFAULT_BANDS = [[320, 1], [160, 2], [70, 3]]


@pytest.mark.parametrize(("l", "e", "c", "score", "level"), [
    (10, 10, 100, 10000, 1),  # the largest D
    (3, 3, 40, 360, 1),       # the smallest D above 320
    (10, 10, 3, 300, 2),      # the largest D at or below 320
    (6, 6, 7, 252, 2),
    (10, 6, 3, 180, 2),       # the smallest D above 160
    (10, 1, 15, 150, 3),      # the largest D at or below 160
    (6, 3, 7, 126, 3),
    (10, 0.5, 15, 75, 3),     # the smallest D above 70
    (10, 1, 7, 70, 4),        # exactly 70: upper-inclusive, so level 4
    (3, 3, 7, 63, 4),
    (0.1, 0.5, 1, Decimal("0.05"), 4),  # the smallest D
])
def test_lec_puts_each_allowed_product_in_its_band(l, e, c, score, level):  # noqa: E741
    result = services.evaluate(method="lec", l=l, e=e, c=c)
    assert result.score == Decimal(str(score))
    assert result.level == level
    assert result.color == {1: "red", 2: "orange", 3: "yellow", 4: "blue"}[level]


@pytest.mark.parametrize(("d", "level"), [(321, 1), (320, 2), (161, 2), (160, 3), (71, 3), (70, 4)])
def test_lec_bands_are_upper_inclusive_at_320_160_and_70(d, level):
    """320 and 160 are not products of the default values; the pure function shows the rule itself."""
    result = risk.lec(d, 1, 1, allowed={"l": [d], "e": [1], "c": [1]}, bands=DEFAULT_BANDS)
    assert (result.score, result.level) == (Decimal(d), level)


@pytest.mark.parametrize(("table", "r", "level"), [
    ("ls_a", 25, 1), ("ls_a", 20, 1), ("ls_a", 16, 2), ("ls_a", 9, 2), ("ls_a", 8, 3), ("ls_a", 4, 3),
    ("ls_a", 3, 4), ("ls_a", 1, 4),
    ("ls_b", 25, 1), ("ls_b", 20, 1), ("ls_b", 16, 2), ("ls_b", 15, 2), ("ls_b", 12, 3), ("ls_b", 9, 3),
    ("ls_b", 8, 4), ("ls_b", 1, 4),
])
def test_ls_bands_in_both_tables(table, r, level):
    l, s = next((l, s) for l in range(1, 6) for s in range(1, 6) if l * s == r)  # noqa: E741
    result = services.evaluate(method="ls", l=l, s=s, table=table)
    assert (result.score, result.level) == (r, level)


def test_the_default_ls_table_is_ls_a():
    assert services.evaluate(method="ls", l=3, s=3).level == 2  # R = 9: level 2 in ls_a, 3 in ls_b
    assert services.evaluate(method="ls", l=3, s=3, table="ls_b").level == 3


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"method": "lec", "l": 7, "e": 6, "c": 7}, "l"),
    ({"method": "lec", "l": 6, "e": 4, "c": 7}, "e"),
    ({"method": "lec", "l": 6, "e": 6, "c": 8}, "c"),
    ({"method": "lec", "l": "NaN", "e": 6, "c": 7}, "l"),
    ({"method": "lec", "l": "sNaN", "e": 6, "c": 7}, "l"),
    ({"method": "lec", "l": "Infinity", "e": 6, "c": 7}, "l"),
    ({"method": "lec", "l": 6, "e": None, "c": 7}, "e"),
    ({"method": "ls", "l": 0, "s": 3}, "l"),
    ({"method": "ls", "l": 3, "s": 6}, "s"),
    ({"method": "ls", "l": 2.5, "s": 3}, "l"),
    ({"method": "ls", "l": "sNaN", "s": 3}, "l"),
    ({"method": "ls", "l": 3, "s": 3, "table": "ls_c"}, "table"),
    ({"method": "xyz", "l": 3}, "method"),
])
def test_it_rejects_a_value_outside_the_allowed_set_naming_the_field(kwargs, field):
    with pytest.raises(risk.EvaluationError) as exc:
        services.evaluate(**kwargs)
    assert exc.value.field == field


def test_it_reads_the_bands_from_the_rules_table(rp_fresh_rules):
    assert services.evaluate(method="lec", l=6, e=6, c=7).level == 2
    Rule.objects.filter(key="prevention.lec_bands").update(value=[[250, 1], [160, 2], [70, 3]])
    assert services.evaluate(method="lec", l=6, e=6, c=7).level == 2  # still the cached value
    from emergency.core.rules import forget

    forget("prevention.lec_bands")
    assert services.evaluate(method="lec", l=6, e=6, c=7).level == 1


def test_it_reads_the_allowed_values_and_ls_tables_from_the_rules_table(rp_fresh_rules):
    from emergency.core.rules import forget

    Rule.objects.filter(key="prevention.lec_values").update(
        value={"l": [10, 8, 6, 3, 1, 0.5, 0.2, 0.1], "e": [10, 6, 4, 3, 2, 1, 0.5], "c": [100, 40, 15, 10, 7, 3, 1]})
    Rule.objects.filter(key="prevention.ls_b").update(value=[[20, 1], [12, 2], [9, 3]])
    forget("prevention.lec_values")
    forget("prevention.ls_b")
    assert services.evaluate(method="lec", l=8, e=4, c=10).level == 2  # D = 320 exactly
    assert services.evaluate(method="lec", l=8, e=2, c=10).level == 3  # D = 160 exactly
    assert services.evaluate(method="ls", l=3, s=4, table="ls_b").level == 2
