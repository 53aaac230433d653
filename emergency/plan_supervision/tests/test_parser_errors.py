"""A malformed notice is refused with every problem found, each naming its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from emergency.plan_supervision.parser import NoticeErrors, parse_notice
from emergency.plan_supervision.resolver import django_resolver

SEED = Path(settings.BASE_DIR) / "data" / "hebei_plan_notice_2022_5.txt"


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def problems(text: str, resolve=None) -> list[tuple[int, str]]:
    with pytest.raises(NoticeErrors) as caught:
        parse_notice(text, resolve)
    assert str(caught.value)  # the exception reads as "line N: …" lines
    return [(e.line, e.code) for e in caught.value.errors]


@pytest.mark.parametrize("text", ["", "\n\n", "  \n\t\n\u3000\n"])
def test_it_refuses_an_empty_file(text):
    assert problems(text) == [(1, "empty")]


def test_it_refuses_a_binary_file():
    assert problems("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00") == [(1, "not_text")]


def test_it_names_the_line_of_undecodable_bytes():
    text = "河北应急发〔2022〕5号\n关于印发的通知\n\ufffd\ufffd\ufffd\n"
    with pytest.raises(NoticeErrors) as caught:
        parse_notice(text)
    assert [(e.line, e.code) for e in caught.value.errors] == [(3, "not_text")]
    assert "U+FFFD" in caught.value.errors[0].message


def test_it_refuses_a_notice_read_in_the_wrong_encoding():
    garbled = SEED.read_text(encoding="utf-8").encode("gb18030").decode("latin-1")
    assert problems(garbled) == [(1, "not_text")]


def test_it_refuses_a_notice_without_indicator_table():
    lines = seed_lines()
    del lines[14:59]  # 一、……主要指标分工 and its table
    assert lines[14].startswith("二、")
    assert problems("\n".join(lines)) == [(15, "no_indicator_table")]


def test_it_refuses_a_task_without_a_number():
    lines = seed_lines()
    assert lines[108] == "\t7"
    del lines[108]
    with pytest.raises(NoticeErrors) as caught:
        parse_notice("\n".join(lines))
    assert [(e.line, e.code) for e in caught.value.errors] == [(110, "row_without_number")]
    assert "推进依法行政决策" in caught.value.errors[0].message


def test_it_refuses_a_task_with_its_own_theme_but_no_department():
    lines = seed_lines()
    assert lines[105].startswith("\t健全完善普法机制") and lines[106].startswith("\t区司法局")
    lines[106] = "\t"
    assert problems("\n".join(lines)) == [(107, "no_departments")]


def test_it_refuses_a_task_number_given_twice():
    lines = seed_lines()
    lines[139] = "\t10"  # task 11 numbered 10 again
    assert problems("\n".join(lines)) == [(140, "duplicate_number")]


def test_it_refuses_an_indicator_number_given_twice_in_one_category_only():
    lines = seed_lines()
    assert lines[50] == "\t3"
    lines[50] = "\t2"  # 城市建设应急保障能力类 2 twice; 安全生产类 and 灾害防治类 also have a 2
    assert problems("\n".join(lines)) == [(51, "duplicate_number")]


def test_it_refuses_a_notice_without_document_number_or_date():
    lines = seed_lines()
    lines[0], lines[9] = "", "二〇二二年五月"
    assert problems("\n".join(lines)) == [(2, "no_document_number"), (15, "no_date")]


def test_it_refuses_an_issue_date_that_does_not_exist():
    lines = seed_lines()
    lines[9] = "2022年2月30日"
    assert problems("\n".join(lines)) == [(10, "bad_date")]


@pytest.mark.django_db
def test_it_lists_every_unknown_department_with_the_line_it_first_appears_on():
    text = (SEED.read_text(encoding="utf-8").replace("区红十字会", "区红会")  # lines 93, 208, 222, 231, 236
            .replace("区科协", "区科学技术馆").replace("区融媒体中心", "区新闻中心"))
    with pytest.raises(NoticeErrors) as caught:
        parse_notice(text, django_resolver())
    assert [(e.line, e.code) for e in caught.value.errors] == [
        (93, "unknown_department"), (208, "unknown_department"), (252, "unknown_department")]
    assert caught.value.unknown_departments == [("区红会", 93), ("区科学技术馆", 208), ("区新闻中心", 252)]
    assert "区红会" in caught.value.errors[0].message


@pytest.mark.django_db
def test_unknown_departments_are_kept_as_written_only_when_allowed():
    text = SEED.read_text(encoding="utf-8").replace("区融媒体中心", "区新闻中心")
    parsed = parse_notice(text, django_resolver(allow_unknown=True))
    assert parsed.unknown_departments == [("区新闻中心", 252)]
    assert parsed.tasks[25].departments[-1] == "区新闻中心"
    assert parsed.departments.count("区新闻中心") == 1


@pytest.mark.django_db
def test_it_collects_all_problems_rather_than_stopping_at_the_first():
    lines = seed_lines()
    lines[9] = "2022年13月16日"
    lines[251] = lines[251].replace("区融媒体中心", "区新闻中心")
    del lines[108]  # the number of task 7
    assert problems("\n".join(lines), django_resolver()) == [
        (10, "bad_date"), (110, "row_without_number"), (251, "unknown_department")]
