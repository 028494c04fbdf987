"""公文 punctuation and number style: what changes in documents, and what must not."""

from __future__ import annotations

import pytest

from assess.render.punct import zh_punct, zh_spacing
from assess.scoring.numbers import fmt_grouped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浏阳市(示范创建县)按细则评分,总分 81.31", "浏阳市（示范创建县）按细则评分，总分 81.31"),
        ("保靖县.xlsx 指标数据!D17", "保靖县.xlsx 指标数据!D17"),  # a cell reference stays Excel's
        ("汇总!$B$7 有误!", "汇总!$B$7 有误！"),
        ("1,234 与 09:30", "1,234 与 09:30"),
    ],
)
def test_zh_punct(text: str, expected: str) -> None:
    assert zh_punct(text) == expected


def test_zh_spacing_sets_numbers_close() -> None:
    assert zh_spacing("对 14 个单位,得 4 分") == "对14个单位,得4分"
    assert zh_spacing("assess 0.1.0 生成") == "assess 0.1.0 生成"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a number after another number keeps the space between them, not the one before 个
        ("实际值 99.50%低于基准 100% 0.5 个百分点", "实际值99.50%低于基准100% 0.5个百分点"),
        ("不在 0~100% 之间", "不在0~100%之间"),
        ("实际值 6 次 在“≥ 4 次”档", "实际值6次在“≥ 4次”档"),
        ("目标 2.5 × 4 分 = 3.02 分", "目标2.5 × 4分 = 3.02分"),
        # a bracket holding Chinese is full-width at both ends, even between numbers
        ("介于 0%(0 分)与 10%(满分)之间", "介于0%（0分）与10%（满分）之间"),
        ("方案 county-2024(SHA-256 919c…)和 19 个文件", "方案 county-2024(SHA-256 919c…)和19个文件"),
    ],
)
def test_numbers_set_close_in_documents(text: str, expected: str) -> None:
    assert zh_spacing(zh_punct(text)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (19526.3, "19,526.3"),
        (-123456.789, "-123,456.79"),
        (1234.5, "1234.5"),
        (100000.0, "100,000"),
        (None, "—"),
    ],
)
def test_fmt_grouped(value: float | None, expected: str) -> None:
    assert fmt_grouped(value) == expected
