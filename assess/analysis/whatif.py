"""``--set``: score a unit again with assumed values and show what changes.

An assumed value is an indicator's or a reported (or aggregated) field's, by
id or name; a field computed by a formula cannot be set directly, and the
fields it is computed from are named instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from assess.analysis.gaps import explain_unit
from assess.analysis.rescore import Rescorer, input_keys, with_env, with_indicator, with_inputs
from assess.analysis.solve import leaves
from assess.errors import UsageError
from assess.scheme.plan import Plan
from assess.scoring.engine import Prepared
from assess.scoring.result import UnitResult
from assess.workbook.names import shown

# docs/analysis.md documents explain_unit here, beside the --set functions.
__all__ = [
    "Assignment",
    "WhatIf",
    "apply_assignments",
    "explain_unit",
    "parse_assignments",
    "parse_number",
    "what_if",
]


@dataclass
class Assignment:
    key: str  # field or indicator key as entered
    name: str
    where: str  # input | env | indicator
    target: str  # the key in UnitData / env, or the indicator index as text
    value: float
    text: str


_TRUE = {"是", "有", "完成", "true", "yes", "y", "√", "1"}
_FALSE = {"否", "无", "未完成", "false", "no", "n", "×", "0"}


def parse_number(text: str) -> float:
    t = text.strip().replace(",", "").replace(",", "")
    if t.lower() in _TRUE and not t.replace(".", "").isdigit():
        return 1.0
    if t.lower() in _FALSE and not t.replace(".", "").isdigit():
        return 0.0
    if t.endswith(("%", "%")):
        t = t[:-1]
    try:
        value = float(t)
    except ValueError:
        raise UsageError(f"--set 的值“{shown(text)}”不是数字(可写 75、75%、是、否)") from None
    if not math.isfinite(value):
        raise UsageError(f"--set 的值“{shown(text)}”不是有限的数字")
    return value


def _level_value(plan: Plan, key: str, raw: str) -> float | None:
    """A word of a rating or ladder (``--set 2.3=基本完成``) as the number it is read as."""
    from assess.scheme.model import level_key

    ind = next((i for i in plan.indicators if key in (i.id, i.name)), None)
    target = ind.key if ind is not None and ind.formula is None else plan.name_aliases.get(key, key)
    spec = next((s for s in plan.read.inputs if target in (s.key, s.name)), None)
    if spec is None or not spec.levels:
        return None
    word = level_key(raw)
    return next((number for w, number in spec.levels if level_key(w) == word), None)


def parse_assignments(plan: Plan, texts: list[str]) -> list[Assignment]:
    """``1.2.3=75``, ``产业资金=1200``, ``消除风险人数=3000``: indicator or field, by id or name."""
    keys = input_keys(plan)
    out: list[Assignment] = []
    for text in texts:
        if "=" not in text:
            raise UsageError(f"--set “{shown(text)}”应写成 编码=数值,如 --set 1.5=62 或 --set 产业资金=1200")
        key, raw = text.split("=", 1)
        key = key.strip()
        value = _level_value(plan, key, raw)
        if value is None:
            value = parse_number(raw)
        ind = next((i for i in plan.indicators if key in (i.id, i.name)), None)
        if ind is not None:
            if ind.formula is None and ind.key in keys:
                out.append(Assignment(key, ind.name, "input", ind.key, value, text))
            else:
                idx = plan.indicators.index(ind)
                out.append(Assignment(key, ind.name, "indicator", str(idx), value, text))
            continue
        fid = plan.name_aliases.get(key, key)
        f = plan.fields.get(fid)
        if f is not None:
            if f.formula is not None:
                sources = "、".join(leaves(plan, f.formula.names))
                raise UsageError(f"字段“{key}”由公式 {f.formula.text} 计算,不能直接指定;请改为指定 {sources}")
            out.append(
                Assignment(key, f.name, "env" if f.aggregate is not None else "input", fid, value, text)
            )
            continue
        spec = next((s for s in plan.read.inputs if key in (s.key, s.name)), None)
        if spec is not None:
            out.append(Assignment(key, spec.name, "input", spec.key, value, text))
            continue
        raise UsageError(f"--set “{shown(text)}”:方案中没有编码或名称为“{shown(key)}”的指标或字段")
    return out


def apply_assignments(plan: Plan, p: Prepared, assignments: list[Assignment]) -> Prepared:
    inputs = {a.target: a.value for a in assignments if a.where == "input"}
    env = {a.target: a.value for a in assignments if a.where == "env"}
    new = with_inputs(plan, p, inputs) if inputs else p
    if env:
        new = with_env(plan, new, env)
    for a in assignments:
        if a.where == "indicator":
            new = with_indicator(plan, new, int(a.target), a.value)
    return new


@dataclass
class WhatIf:
    """The difference an assumed set of values makes, for one unit."""

    unit: str
    assignments: list[Assignment]
    before: UnitResult
    after: UnitResult
    rows: list[dict[str, Any]]  # changed indicators
    others: list[dict[str, Any]]  # other units whose rank or total moved

    def to_dict(self) -> dict[str, Any]:
        b, a = self.before, self.after
        return {
            "unit": self.unit,
            "set": [{"key": x.key, "name": x.name, "value": x.value} for x in self.assignments],
            "before": {"total": b.total, "grade": b.grade, "rank": b.rank},
            "after": {"total": a.total, "grade": a.grade, "rank": a.rank},
            "indicators": self.rows,
            "others": self.others,
        }

    def lines(self, plan: Plan) -> list[str]:
        b, a = self.before, self.after
        diff = plan.round(a.total - b.total)
        sign = "+" if diff >= 0 else ""
        out = [
            f"假设 {'、'.join(x.text for x in self.assignments)}:",
            (
                f"总分 {plan.round.text(b.total)} → {plan.round.text(a.total)}({sign}{plan.round.text(diff)} 分);"
                f"等次 {b.grade or '—'} → {a.grade or '—'};名次 {b.rank or '—'} → {a.rank or '—'}"
            ),
        ]
        return out


def what_if(plan: Plan, rs: Rescorer, index: int, assignments: list[Assignment]) -> WhatIf:
    before = rs.results[index]
    new = apply_assignments(plan, rs.prepared[index], assignments)
    results = rs.cohort(index, new)
    after = results[index]
    rows: list[dict[str, Any]] = []
    for old_i, new_i in zip(before.indicators, after.indicators, strict=True):
        if (old_i.value, old_i.score) != (new_i.value, new_i.score) and new_i.rule != "sum":
            rows.append(
                {
                    "id": old_i.id,
                    "name": old_i.name,
                    "unit": old_i.unit,
                    "value_before": old_i.value,
                    "value_after": new_i.value,
                    "score_before": old_i.score,
                    "score_after": new_i.score,
                    "basis": new_i.basis,
                }
            )
    others = []
    for o, n in zip(rs.results, results, strict=True):
        if o.unit != before.unit and (o.rank != n.rank or o.total != n.total):
            others.append(
                {
                    "unit": o.unit,
                    "total_before": o.total,
                    "total_after": n.total,
                    "rank_before": o.rank,
                    "rank_after": n.rank,
                }
            )
    return WhatIf(before.unit, assignments, before, after, rows, others)
