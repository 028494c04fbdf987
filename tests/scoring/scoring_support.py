"""Helpers for the scoring tests: small schemes written in the tests, units built by hand."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path
from typing import Any

from assess.scheme.load import load_scheme
from assess.scheme.plan import Plan, compile_plan
from assess.scoring.engine import score_units
from assess.scoring.result import IndicatorResult, UnitResult
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, UnitData, Value

SCHEMES = Path(__file__).resolve().parent / "schemes"

NA = "不适用"  # a value cell that says 不适用
BLANK = None  # an empty cell
BAD = "#DIV/0!"  # a cell with an error

_counter = itertools.count()


def plan_from_text(directory: Path, text: str) -> Plan:
    path = directory / f"scheme-{next(_counter)}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_plan(load_scheme(path))


def plan_from_file(name: str) -> Plan:
    return compile_plan(load_scheme(SCHEMES / name))


def value(v: Any) -> Value:
    if v is NA:
        return Value(None, NOT_APPLICABLE, raw="不适用")
    if v is BLANK:
        return Value(None, MISSING)
    if v is BAD:
        return Value(None, ERROR, raw=BAD)
    if isinstance(v, bool):
        return Value(1.0 if v else 0.0, raw=v)
    return Value(float(v), raw=v)


def unit(name: str, values: dict[str, Any] | None = None, group: str | None = None) -> UnitData:
    return UnitData(
        unit=name,
        group=group,
        year=2024,
        values={k: value(v) for k, v in (values or {}).items()},
        file=f"{name}.xlsx",
    )


def one_indicator(
    directory: Path,
    rule: str,
    *,
    points: float = 5,
    unit_: str | None = "%",
    direction: str = "higher",
    extra: str = "",
    head: str = "",
) -> Plan:
    """A scheme with one category and one indicator 1.1 scored by ``rule`` (flow YAML)."""
    unit_line = f'unit: "{unit_}"' if unit_ is not None else "unit: null"
    body = textwrap.dedent(
        """\
        id: t
        title: 测试方案
        year: 2024
        full_score: {points}
        {head}
        categories:
          - id: "1"
            name: 一类
            points: {points}
            indicators:
              - id: "1.1"
                name: 测试指标
                points: {points}
                {unit_line}
                direction: {direction}
                rule: {rule}
        {extra}
        """
    ).format(
        points=points,
        head=textwrap.dedent(head),
        unit_line=unit_line,
        direction=direction,
        rule=rule,
        extra=textwrap.dedent(extra),
    )
    return plan_from_text(directory, body)


def ind(result: UnitResult, ident: str) -> IndicatorResult:
    return next(i for i in result.indicators if i.id == ident)


def score_one(plan: Plan, v: Any, *, group: str | None = None, key: str = "1.1") -> IndicatorResult:
    [res] = score_units(plan, [unit("甲县", {key: v}, group)])
    return ind(res, key)


def by_unit(results: list[UnitResult]) -> dict[str, UnitResult]:
    return {r.unit: r for r in results}
