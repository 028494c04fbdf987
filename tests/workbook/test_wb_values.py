"""parse_value: the rules in docs/workbooks.md, and properties that must hold for any input."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, OK
from assess.workbook.names import closest, name_key, split_unit
from assess.workbook.values import (
    NO_CACHED_VALUE,
    PercentCell,
    parse_column,
    parse_value,
    unit_factor,
)

CASES = [
    # raw, kind, unit, number, status, note
    (18500, "number", "元", 18500.0, OK, ""),
    (" 1,234.5 ", "number", None, 1234.5, OK, ""),
    ("１２３４．５", "number", None, 1234.5, OK, ""),
    ("1，234", "number", None, 1234.0, OK, ""),
    ("－12", "number", None, -12.0, OK, ""),
    ("82.3%", "percent", "%", 82.3, OK, ""),
    ("82.3％", "percent", "%", 82.3, OK, ""),
    ("82.3", "percent", "%", 82.3, OK, ""),
    (82.3, "percent", "%", 82.3, OK, ""),
    (PercentCell(0.823), "percent", "%", 82.3, OK, "单元格为百分比格式,按 82.3% 读取"),
    (PercentCell(1.0), "percent", "%", 100.0, OK, "单元格为百分比格式,按 100% 读取"),
    (1.0, "percent", "%", 1.0, OK, ""),
    ("5‰", "percent", "%", 0.5, OK, "千分数已换算为百分数"),
    ("12.5万元", "amount", "万元", 12.5, OK, ""),
    ("1.2亿元", "amount", "万元", 12000.0, OK, "1.2亿元 已换算为 12000万元"),
    ("3000元", "amount", "万元", 0.3, OK, "3000元 已换算为 0.3万元"),
    ("1.5亿", "amount", "万元", 15000.0, OK, "1.5亿 已换算为 15000万元"),
    ("123人", "count", "人", 123.0, OK, ""),
    ("是", "bool", None, 1.0, OK, ""),
    ("否", "bool", None, 0.0, OK, ""),
    ("√", "bool", None, 1.0, OK, ""),
    ("×", "bool", None, 0.0, OK, ""),
    ("有", "bool", None, 1.0, OK, ""),
    ("无", "bool", None, 0.0, OK, ""),
    ("Y", "bool", None, 1.0, OK, ""),
    ("false", "bool", None, 0.0, OK, ""),
    (1, "bool", None, 1.0, OK, ""),
    (True, "bool", None, 1.0, OK, ""),
    (2, "bool", None, None, ERROR, "应填“是”或“否”,实际为 2"),
    ("", "number", None, None, MISSING, ""),
    (None, "number", None, None, MISSING, ""),
    ("—", "number", None, None, MISSING, ""),
    ("-", "number", None, None, MISSING, ""),
    ("/", "number", None, None, MISSING, ""),
    ("无", "count", "人", None, MISSING, ""),
    ("不适用", "number", None, None, NOT_APPLICABLE, ""),
    ("不涉及", "percent", "%", None, NOT_APPLICABLE, ""),
    ("N/A", "number", None, None, NOT_APPLICABLE, ""),
    ("#N/A", "number", None, None, ERROR, "单元格为错误值 #N/A(查找不到数据)"),
    ("#DIV/0!", "number", None, None, ERROR, "单元格为错误值 #DIV/0!(除数为零)"),
    ("#VALUE!", "number", None, None, ERROR, "单元格为错误值 #VALUE!(参与计算的数据类型不对)"),
    ("#REF!", "number", None, None, ERROR, "单元格为错误值 #REF!(引用的单元格已被删除)"),
    ("#NAME?", "number", None, None, ERROR, "单元格为错误值 #NAME?(公式中有无法识别的名称)"),
    ("#NUM!", "number", None, None, ERROR, "单元格为错误值 #NUM!(数值无效或超出范围)"),
    ("#NULL!", "number", None, None, ERROR, "单元格为错误值 #NULL!(引用的区域没有交集)"),
    (dt.date(2024, 3, 1), "number", None, None, ERROR, "应为数值,实际为日期"),
    (dt.datetime(2024, 3, 1, 8), "count", "人", None, ERROR, "应为数值,实际为日期"),
    ("2024-03-01", "number", None, None, ERROR, "应为数值,实际为日期"),
    ("2024年3月", "number", None, None, ERROR, "应为数值,实际为日期"),
    ("nan", "number", None, None, ERROR, "数值无效或超出范围“nan”"),
    ("inf", "number", None, None, ERROR, "数值无效或超出范围“inf”"),
    ("1e309", "number", None, None, ERROR, "数值无效或超出范围“1e309”"),
    (float("nan"), "number", None, None, ERROR, "数值无效(非有限数)"),
    ("abc", "number", None, None, ERROR, "应为数值,实际为文字“abc”"),
    ("12,34", "number", None, None, ERROR, "应为数值,实际为文字“12,34”"),
    ("5%", "count", "人", None, ERROR, "单位“%”无法换算为“人”"),
    ("5%", "number", None, 0.05, OK, "5% 按比例换算为 0.05"),
    ("12万元", "count", "人", None, ERROR, "单位“万元”无法换算为“人”"),
    (True, "number", None, None, ERROR, "应为数值,实际为逻辑值 TRUE/FALSE"),
    (
        NO_CACHED_VALUE,
        "number",
        None,
        None,
        ERROR,
        "公式没有保存计算结果(文件可能由程序生成),请在 Excel 或 WPS 中打开、保存后再提交",
    ),
]


@pytest.mark.parametrize(("raw", "kind", "unit", "number", "status", "note"), CASES)
def test_rules(
    raw: object, kind: str, unit: str | None, number: float | None, status: str, note: str
) -> None:
    got = parse_value(raw, kind, unit)
    assert got[1] == status
    assert got[2] == note
    if number is None:
        assert got[0] is None
    else:
        assert got[0] == pytest.approx(number)


def test_percent_number_is_taken_as_written_and_doubted_only_with_many_decimals() -> None:
    n, status, note = parse_value(0.823, "percent", "%")
    assert (n, status) == (0.823, OK)
    assert note == "请核实:数值 0.823 小于 1,按 0.823% 读取;如本意为 82.3%,请填写 82.3"
    assert parse_value("0.8235", "number", "%")[2].startswith("请核实:")
    for quiet in (0.35, 0.5, 0.05, -0.25, "0.35", 1.0, 0.0, 35.123):
        number, status, note = parse_value(quiet, "percent", "%")
        assert (number, status, note) == (float(quiet), OK, ""), quiet
    assert parse_value(PercentCell(0.35), "percent", "%") == (
        pytest.approx(35.0),
        OK,
        "单元格为百分比格式,按 35% 读取",
    )


def test_unit_factor() -> None:
    assert unit_factor("元", "万元") == pytest.approx(1e-4)
    assert unit_factor("亿元", "万元") == pytest.approx(1e4)
    assert unit_factor("人", "个") is None
    assert unit_factor("万元", "万元") == 1.0


def test_parse_column_fast_and_slow_paths() -> None:
    values, bad = parse_column([1.0, "2", "", "#N/A", float("inf")], "number", None)
    assert values == [1.0, 2.0, None, None, None]
    assert [(i, s) for i, s, _n in bad] == [(2, MISSING), (3, ERROR), (4, ERROR)]
    assert parse_column([1.5, "x", 2.0], "text", None)[0] == ["1.5", "x", "2"]
    assert parse_column([2.0], "amount", "万元", factor=1e-4)[0] == [pytest.approx(2e-4)]


def test_names() -> None:
    assert split_unit("衔接资金（万元）") == ("衔接资金", "万元")
    assert split_unit("覆盖率（%）") == ("覆盖率", "%")
    assert split_unit("县（市、区）") == ("县(市、区)", None)
    assert split_unit("资金\n(单位：万元)") == ("资金", "万元")
    assert name_key("1.农村居民 人均可支配收入") == "农村居民人均可支配收入"
    assert name_key("（2）ＡＢＣ") == "abc"
    assert closest("农村居民收入", ["农村居民人均可支配收入", "脱贫人口"]) == "农村居民人均可支配收入"
    assert closest("完全无关", ["农村居民人均可支配收入"]) is None


KINDS = st.sampled_from(["number", "percent", "count", "amount", "bool", "score", "text"])
UNITS = st.sampled_from([None, "%", "万元", "元", "人", "个"])


@given(st.text(), KINDS, UNITS)
def test_never_raises_on_text(raw: str, kind: str, unit: str | None) -> None:
    number, status, note = parse_value(raw, kind, unit)
    assert status in (OK, MISSING, NOT_APPLICABLE, ERROR)
    assert number is None or math.isfinite(number)
    assert isinstance(note, str)


@given(st.one_of(st.floats(), st.integers(), st.booleans(), st.none(), st.dates()), KINDS, UNITS)
def test_never_raises_on_values(raw: object, kind: str, unit: str | None) -> None:
    number, status, _note = parse_value(raw, kind, unit)
    assert number is None or math.isfinite(number)
    assert status in (OK, MISSING, NOT_APPLICABLE, ERROR)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_round_trip(x: float) -> None:
    assert parse_value(x, "number", None)[0] == x
    assert parse_value(repr(x), "number", None)[0] == x


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9))
def test_full_width_digits_equal_half_width(d: object) -> None:
    text = str(d)
    wide = text.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))
    assert parse_value(wide, "number", None) == parse_value(text, "number", None)
