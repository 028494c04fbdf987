"""For a derived value (a formula): which reported field would have to change, and to what.

The formula is re-evaluated through the scheme's derived fields while one
reported field moves, and the secant method finds the value that reaches the
target, e.g. the numerator of a rate.  A field that would have to exceed its
whole (part_of) or declared maximum is marked as out of reach.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from assess.analysis.advice import Change, num_text
from assess.analysis.aims import COUNT_UNITS, EPS, STRICT_STEP
from assess.scheme.plan import Plan, PlanIndicator
from assess.scoring.engine import Prepared


def leaves(plan: Plan, names: frozenset[str]) -> list[str]:
    """Reported or aggregated fields a formula reads, through derived fields."""
    out: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        fid = plan.name_aliases.get(name, name)
        if fid in seen:
            return
        seen.add(fid)
        f = plan.fields.get(fid)
        if f is not None and f.formula is not None:
            for n in sorted(f.formula.names):
                visit(n)
            return
        out.append(fid)

    for n in sorted(names):
        visit(n)
    return out


def _derived_value(
    plan: Plan, ind: PlanIndicator, env: dict[str, object], key: str, x: float
) -> float | None:
    env = dict(env)
    env[key] = x
    for name, fid in plan.name_aliases.items():
        if fid == key:
            env[name] = x
    for fid in plan.derived_order:
        formula = plan.fields[fid].formula
        assert formula is not None
        value, _ = formula.evaluate(env)
        env[fid] = round(float(value), 9) if isinstance(value, (int, float)) else None
        for name, target in plan.name_aliases.items():
            if target == fid:
                env[name] = env[fid]
    assert ind.formula is not None
    value, _ = ind.formula.evaluate(env)
    return round(float(value), 9) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _is_integer(plan: Plan, key: str, specs: Mapping[str, Any]) -> bool:
    spec = specs.get(key)
    if spec is not None:
        return bool(spec.kind == "count" or spec.unit in COUNT_UNITS)
    f = plan.fields.get(key)
    if f is not None and f.aggregate is not None:
        return f.aggregate.op in ("count", "count_where") or f.unit in COUNT_UNITS
    return False


def _field_name(plan: Plan, key: str) -> tuple[str, str | None]:
    f = plan.fields.get(key)
    if f is not None:
        return f.name, f.unit
    ind = next((i for i in plan.indicators if i.key == key), None)
    if ind is not None:
        return ind.name, ind.unit
    return key, None


def solve_inputs(
    plan: Plan, ind: PlanIndicator, p: Prepared, target: float, lower: bool, strict: bool
) -> list[Change]:
    """For a formula value: each reported field whose increase moves it toward ``target``, and how far."""
    if ind.formula is None:
        return []
    specs = {s.key: s for s in plan.read.inputs}
    env = dict(p.env)
    out: list[Change] = []
    for key in leaves(plan, ind.formula.names):
        x0 = env.get(key)
        if not isinstance(x0, (int, float)):
            continue
        x0 = float(x0)
        g0 = _derived_value(plan, ind, env, key, x0)
        if g0 is None:
            continue
        h = max(1.0, abs(x0) * 0.1)
        g1 = _derived_value(plan, ind, env, key, x0 + h)
        if g1 is None or abs(g1 - g0) < EPS:
            continue
        slope = (g1 - g0) / h
        # Only "more of the good thing": the value must rise with the field
        # (the numerator of a rate, never a smaller denominator).
        if slope <= 0:
            continue
        wanted = target - (STRICT_STEP if lower else -STRICT_STEP) * (1 if strict else 0)
        fn = lambda v, k=key: _derived_value(plan, ind, env, k, v)  # noqa: E731
        found = _secant(fn, x0, g0, x0 + h, g1, wanted)
        name, unit = _field_name(plan, key)
        shown = num_text(target, ind.unit)
        if found is None:
            change = Change(key, name, unit, x0, x0, feasible=False, proposed=False)
            change.note = f"增加{name}无法使{ind.name}达到 {shown}"
            out.append(change)
            continue
        integer = _is_integer(plan, key, specs)
        # toward the goal: whole numbers for counts, else the next millionth (never short of it)
        if integer:
            x = float(math.floor(found + EPS) if lower else math.ceil(found - EPS))
        else:
            x = (math.floor(found * 1e6 + EPS) if lower else math.ceil(found * 1e6 - EPS)) / 1e6
        change = Change(key, name, unit, x0, x)
        reached = fn(x)
        spec = specs.get(key)
        whole = spec.part_of if spec is not None else None
        limit = env.get(whole) if whole else None
        if reached is None or (reached < wanted - EPS if not lower else reached > wanted + EPS):
            # e.g. 已完成 ÷ (已完成 + 未完成): more done only brings the rate nearer 100 %
            change.feasible, change.proposed, change.needed = False, False, x0
            change.note = f"{ind.name}随{name}增加只能趋近 {shown},无法达到"
        elif isinstance(limit, (int, float)) and x > float(limit) + EPS:
            change.feasible = False
            wname, _u = _field_name(plan, whole or "")
            change.note = f"超过{wname} {num_text(float(limit), unit)},无法达到"
        elif spec is not None and spec.maximum is not None and x > spec.maximum + EPS:
            change.feasible = False
            change.note = f"超过上限 {num_text(float(spec.maximum), unit)},无法达到"
        elif spec is not None and spec.minimum is not None and x < spec.minimum - EPS:
            change.feasible = False
            change.note = f"低于下限 {num_text(float(spec.minimum), unit)},无法达到"
        elif x < 0:
            change.feasible = False
            change.note = "须为负数,无法达到"
        out.append(change)
    return out


def _secant(fn: Any, x0: float, g0: float, x1: float, g1: float, wanted: float) -> float | None:
    for _ in range(60):
        if abs(g1 - g0) < 1e-15:
            return None
        x2 = x1 + (wanted - g1) * (x1 - x0) / (g1 - g0)
        g2 = fn(x2)
        if g2 is None:
            return None
        if abs(g2 - wanted) < 1e-7 * max(1.0, abs(wanted)):
            return float(x2)
        x0, g0, x1, g1 = x1, g1, x2, g2
    return None
