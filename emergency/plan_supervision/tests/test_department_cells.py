"""The lead rule and the splitting of department cells."""

from __future__ import annotations

import pytest

from emergency.plan_supervision.departments import split_departments, table_resolver


@pytest.mark.parametrize(("cell", "names", "lead"), [
    ("区应急局", ["区应急局"], 0),
    ("区应急局，区财政局", ["区应急局", "区财政局"], 0),
    ("区委编办，区委组织部、区应急局", ["区委编办", "区委组织部", "区应急局"], 0),
    ("区司法局、区应急局、公安河北分局", ["区司法局", "区应急局", "公安河北分局"], None),
    ("区应急局，区委组织部、区委宣传部，各街道办事处、区武装部",
     ["区应急局", "区委组织部", "区委宣传部", "各街道办事处", "区武装部"], 0),
    ("区政府办、区司法局、区应急局等有关单位", ["区政府办", "区司法局", "区应急局"], None),
    ("区应急局，区财政局等单位", ["区应急局", "区财政局"], 0),
    ("区应急局，区教育局、有关部门", ["区应急局", "区教育局"], 0),
    ("区应急局，区委政法委（网格中心）、区委编办", ["区应急局", "区委政法委（网格中心）", "区委编办"], 0),
    ("区应急局，各安委会、应急委、减灾委成员单位", ["区应急局", "各安委会", "应急委", "减灾委成员单位"], 0),
    ("区城管委（牵头）、区应急局", ["区城管委", "区应急局"], 0),
    ("区应急局、区城管委（牵头）", ["区应急局", "区城管委"], 1),
    ("区应急局，区财政局、", ["区应急局", "区财政局"], 0),
    ("区 应急局，\u3000区财政局", ["区应急局", "区财政局"], 0),
    ("", [], None),
])
def test_it_splits_the_cell_and_finds_the_lead(cell, names, lead):
    assert split_departments(cell) == (names, lead)


def test_the_table_resolver_resolves_names_and_aliases_and_reports_the_rest():
    resolve = table_resolver({"区应急局": "区应急局", "区应急管理局": "区应急局", "区委政法委": "区委政法委"})
    result = resolve(["区应急管理局", "区委政法委（网格中心）", "区科委", "区应急局"])
    assert result.resolved == {"区应急管理局": "区应急局", "区委政法委（网格中心）": "区委政法委",
                               "区应急局": "区应急局"}
    assert result.unknown == ["区科委"]
