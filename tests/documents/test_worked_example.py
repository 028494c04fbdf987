"""docs/worked-example.md: the sample county scored by hand equals the tool, to two decimals."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from assess.scheme.formula import compile_formula
from tests.documents.builders import ROOT, cohort

DOC = (ROOT / "docs" / "worked-example.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| ([0-9.]+) \| .*\| `([^`]+)` \| ([0-9.]+) \|$", re.M)
TOTAL = re.compile(r"^\| ([^|]+) \| `([^`]+)` \| ([0-9.]+) \|$", re.M)


def _by_hand(expression: str) -> Decimal:
    value, why = compile_formula(expression).evaluate({})
    assert value is not None, why
    return Decimal(repr(float(value))).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _unit():  # type: ignore[no-untyped-def]
    _plan, ordered, _doc = cohort()
    return next(r for r in ordered if r.unit == "浏阳市")


ROWS = ROW.findall(DOC)


def test_every_indicator_is_worked() -> None:
    assert {code for code, _e, _s in ROWS} == {i.id for i in _unit().indicators}


@pytest.mark.parametrize(("code", "expression", "score"), ROWS)
def test_indicator_by_hand(code: str, expression: str, score: str) -> None:
    assert _by_hand(expression) == Decimal(score)
    tool = next(i for i in _unit().indicators if i.id == code)
    assert Decimal(repr(tool.score)).quantize(Decimal("0.01")) == Decimal(score)


def test_totals_by_hand() -> None:
    unit = _unit()
    sums = {name.strip(): (expr, Decimal(value)) for name, expr, value in TOTAL.findall(DOC)}
    for name, (expr, value) in sums.items():
        assert _by_hand(expr) == value, name
    for category in unit.categories:
        assert Decimal(repr(category.score)).quantize(Decimal("0.01")) == sums[category.name][1]
    assert Decimal(repr(unit.base_total)).quantize(Decimal("0.01")) == sums["基本得分"][1]
    assert Decimal(repr(unit.total)).quantize(Decimal("0.01")) == sums["总分"][1]
    assert unit.grade == "较好"
    assert unit.rank == 1
