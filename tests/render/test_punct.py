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
