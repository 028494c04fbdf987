"""Rounding and number formatting: half-up through Decimal, as a clerk's calculator does."""

from __future__ import annotations

import pytest

from assess.scoring.numbers import Rounder, fmt, fmt_points, fmt_value
from assess.scoring.statistics import gap_text


@pytest.mark.parametrize(
    ("value", "rounded", "text"),
    [
        (
            89.995,
            90.0,
            "90.00",
        ),  # 89.99499999… in binary, 89.995 on paper → half-up 90.00
        (2.675, 2.68, "2.68"),  # 2.67499999… in binary
        (1.005, 1.01, "1.01"),
        (0.125, 0.13, "0.13"),  # half-up, not half-even
        (90, 90.0, "90.00"),
        (0.1 + 0.2, 0.3, "0.30"),
    ],
)
def test_rounder_half_up(value: float, rounded: float, text: str) -> None:
    rnd = Rounder(2, "half_up")
    assert rnd(value) == rounded
    assert rnd.text(value) == text


def test_rounder_other_modes() -> None:
    assert Rounder(2, "half_even")(2.665) == 2.66
    assert Rounder(2, "half_even")(2.675) == 2.68
    assert Rounder(2, "down")(2.679) == 2.67
    assert Rounder(1, "half_up")(2.65) == 2.7
    assert Rounder(0, "half_up")(89.5) == 90.0
    assert Rounder(2).text(None) == "—"


def test_rounder_sum_has_no_float_drift() -> None:
    # 0.1 + 0.2 + 0.7 in floats is 0.9999999999999999
    assert Rounder(2).sum([0.1, 0.2, 0.7]) == 1.0
    assert Rounder(2).sum([33.33, 33.33, 33.34]) == 100.0


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.675, "2.68"),
        (89.995, "90"),
        (60.0, "60"),
        (0.5, "0.5"),
        (2.333333, "2.33"),
        (-0.001, "0"),
        (None, "—"),
    ],
)
def test_fmt(value: float | None, text: str) -> None:
    assert fmt(value) == text


def test_fmt_value_and_points() -> None:
    assert fmt_value(64.3, "%") == "64.30%"
    assert fmt_value(64.305, "%") == "64.31%"  # half-up like the scores
    assert fmt_value(64.3, "%", fixed=False) == "64.3%"
    assert fmt_value(12345.0, "万元") == "12,345 万元"
    assert fmt_value(1234.5, "万元") == "1234.5 万元"
    assert fmt_value(30398.28, "万元") == "30,398.28 万元"  # grouped like 12,345 in the same sentence
    assert fmt_value(-12345.5, None) == "-12,345.5"
    assert fmt_value(20, "天") == "20 天"
    assert fmt_value(3, None) == "3"
    assert fmt_value(None, "%") == "—"
    assert fmt_points(2.5) == "2.5 分"


def test_gap_text() -> None:
    assert gap_text(52.3, 60.36, "%", "全省") == "低于全省平均 8.06 个百分点"
    # 52.305 prints as 52.31%: the gap to 50 must read 2.31, not 2.30 (2.3049999… in binary)
    assert fmt_value(52.305, "%") == "52.31%"
    assert gap_text(52.305, 50, "%", "全省") == "高于全省平均 2.31 个百分点"
    assert gap_text(70.125, 70, "%", "全省") == "高于全省平均 0.13 个百分点"
    assert gap_text(60.004, 60, "%") == "与平均持平"
    assert gap_text(10, 8.5, "万元", "全市") == "比全市平均多 1.50 万元"
    assert gap_text(1.69, 2.2, None) == "低于平均 0.51"
    assert gap_text(None, 8.5, "%") == "—"
