"""Data a unit reports for an indicator its group is not assessed on (分类考核).

The value is not scored, and a clerk who filled it in (often from last year's template, or a
summary table with a column for every indicator) should hear so, at the cell, instead of
wondering why a figure they sent counts for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.errors import Finding, Location
from assess.scoring.numbers import fmt_value

if TYPE_CHECKING:
    from assess.scheme.plan import Plan, PlanIndicator
    from assess.scoring.engine import Prepared
    from assess.workbook.data import UnitData


def not_in_set(plan: Plan, ind: PlanIndicator, p: Prepared, group: str) -> None:
    """Say once (a unit may be scored again: explain, what-if) that a reported value is unused."""
    if ind.formula is not None:  # computed from fields other indicators may read: not the clerk's cell
        return
    v = p.unit.values.get(ind.key)
    if v is None or v.number is None:
        return
    sheet, _, cell = v.where.rpartition("!")
    finding = Finding(
        "not-in-set",
        f"单位“{p.unit.unit}”属{group}组,该组不考核指标 {ind.id}“{ind.name}”,"
        f"填报的 {_said(v.raw, v.number, ind.unit)} 未计分",
        Location(file=v.file or p.unit.file, sheet=sheet or None, cell=cell or None),
        "warning",
    )
    if finding not in p.unit.findings:
        p.unit.findings.append(finding)


def _said(raw: object, number: float, unit: str | None) -> str:
    """The value as the clerk wrote it where it is a word (a rating, 较好), else the number."""
    if isinstance(raw, str) and raw.strip() and not raw.strip()[0].isdigit():
        return f"“{raw.strip()}”"
    return fmt_value(number, unit)


def check_outside(plan: Plan, unit: UnitData) -> None:
    """The same, found by ``check`` before any scoring."""
    if not plan.sets:
        return
    from assess.scoring.engine import prepare

    p = prepare(plan, unit)
    for ind, value in zip(plan.indicators, p.values, strict=True):
        if not ind.has(p.group) and value.status == "ok" and value.value is not None:
            not_in_set(plan, ind, p, plan.group_names.get(p.group or "", p.group or ""))
