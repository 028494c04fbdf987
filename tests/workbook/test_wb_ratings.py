"""Ratings entered as words (kind rating), likely fractions in percent fields, counts by unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.errors import SchemeError
from assess.scheme.inputs import KIND_PERCENT, InputSpec
from assess.scheme.load import load_scheme
from assess.scheme.plan import compile_plan, infer_kind
from assess.workbook.checks import check_unit
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, OK, UnitData, Value
from assess.workbook.values import PercentCell, parse_rating, typed_as_is
from tests.scheme.support import error_lines, write

LEVELS = (("好", 100.0), ("较好", 85.0), ("一般", 70.0), ("较差", 50.0))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("较好", (85.0, OK, "评价为“较好”,按方案折合 85")),
        (" 好 ", (100.0, OK, "评价为“好”,按方案折合 100")),
        ("较　差", (50.0, OK, "评价为“较差”,按方案折合 50")),  # a full-width space inside
        (None, (None, MISSING, "")),
        ("—", (None, MISSING, "")),
        ("不适用", (None, NOT_APPLICABLE, "")),
        ("很好", (None, ERROR, "应填“好”“较好”“一般”“较差”之一,实际为“很好”")),
        (85.0, (None, ERROR, "应填“好”“较好”“一般”“较差”之一,实际为“85”")),
        ("#N/A", (None, ERROR, "单元格为错误值 #N/A(查找不到数据)")),
    ],
)
def test_rating_words(raw: object, expected: tuple[object, str, str]) -> None:
    assert parse_rating(raw, LEVELS) == expected


def test_only_a_bare_number_can_be_a_fraction() -> None:
    assert typed_as_is(0.85, 0.85) and typed_as_is("0.85", 0.85)
    assert not typed_as_is("0.85%", 0.85)
    assert not typed_as_is(PercentCell(0.0085), 0.85)
    assert not typed_as_is(0.0085, 0.85)  # a column formatted as percentages, scaled by 100


def _unit(values: dict[str, Value]) -> UnitData:
    return UnitData("甲县", values=values, file="甲县.xlsx")


def test_a_fraction_is_an_error_only_where_the_scoring_lines_are_high() -> None:
    high = InputSpec("a", "1.1", "农村自来水普及率", KIND_PERCENT, "%", minimum=0.0, scale=85.0)
    low = InputSpec("b", "1.2", "小额信贷逾期率", KIND_PERCENT, "%", minimum=0.0, scale=1.0)
    values = {"a": Value(0.85, raw=0.85, where="表!D4"), "b": Value(0.35, raw=0.35, where="表!D5")}
    [finding] = check_unit(_unit(values), (high, low))
    assert (finding.code, finding.severity, str(finding.location)) == (
        "likely-fraction",
        "error",
        "甲县.xlsx 表!D4",
    )
    assert check_unit(_unit({"a": Value(85.0, raw=85, where="表!D4")}), (high,)) == []


def test_people_and_items_are_counts_unless_the_scheme_says_otherwise() -> None:
    assert infer_kind(None, "人") == infer_kind(None, "个") == "count"
    assert infer_kind("number", "人") == "number"
    assert infer_kind(None, "万人") == "number"
    assert infer_kind(None, None, levels={"好": 1, "差": 0}) == "rating"


RATED = """\
id: t
title: 测试
year: 2024
full_score: 10
categories:
  - id: "1"
    name: 部门评价
    points: 10
    indicators:
{indicator}
"""


def _errors(tmp_path: Path, indicator: str) -> list[str]:
    with pytest.raises(SchemeError) as info:
        load_scheme(write(tmp_path, RATED.format(indicator=indicator)))
    return error_lines(info.value)


def test_a_rating_needs_its_levels(tmp_path: Path) -> None:
    assert _errors(
        tmp_path, '      - {id: "1.1", name: 评价, points: 10, kind: rating, rule: {type: direct}}'
    ) == [
        "10:9 categories[0].indicators[0]: kind 为 rating(评价等次)时须用 levels 列出各等次及折合的数值,"
        "如 {好: 100, 较好: 85}"
    ]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ("{好: 100}", "levels(评价等次)至少列出两个等次"),
        ("{优秀: 100, 优 秀: 90}", "levels(评价等次)中“优秀”与“优 秀”写法相同,无法区分"),
        ("{好: 100, kind: 1}", None),
    ],
)
def test_levels_are_checked(tmp_path: Path, levels: str, message: str | None) -> None:
    indicator = (
        f'      - {{id: "1.1", name: 评价, points: 10, levels: {levels}, rule: {{type: direct, scale: 100}}}}'
    )
    if message is None:
        plan = compile_plan(load_scheme(write(tmp_path, RATED.format(indicator=indicator))))
        assert plan.read.inputs[0].kind == "rating"
        assert plan.indicators[0].levels == (("好", 100.0), ("kind", 1.0))
        return
    assert _errors(tmp_path, indicator) == [f"10:9 categories[0].indicators[0]: {message}"]


def test_levels_only_with_kind_rating(tmp_path: Path) -> None:
    indicator = '      - {id: "1.1", name: 评价, points: 10, kind: number, levels: {好: 1, 差: 0}, rule: {type: direct}}'
    assert _errors(tmp_path, indicator) == [
        "10:9 categories[0].indicators[0]: levels(评价等次)只用于 kind: rating,不能与 kind: number 同用"
    ]
