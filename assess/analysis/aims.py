"""The value an indicator would need to earn more points, rule by rule.

threshold → its target, bands → the next band's edge, step → the baseline or
one step back, deduct → fewer problems, and so on; a strict edge ("above
60%") is reached with a value just beyond it, a count with a whole number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from assess.scheme import model as m
from assess.scheme.plan import PlanIndicator
from assess.scoring import rules as R
from assess.scoring.numbers import fmt_value

EPS = 1e-9
STRICT_STEP = 0.01  # "above 60%": shown as "高于 60%", scored with a value this much beyond
COUNT_UNITS = {"人", "个", "户", "项", "村", "次", "件", "所", "家", "条"}


@dataclass
class Aim:
    value: float
    strict: bool
    label: str


def is_lower(ind: PlanIndicator, rule: Any) -> bool:
    if rule.type == "linear":
        return bool(rule.floor > rule.target)
    return ind.direction == "lower"


def aims(ind: PlanIndicator, rule: Any, value: float | None, score: float, points: float) -> list[Aim]:
    """The values that would earn more points under a unit rule, best last."""
    lost = points - score
    if lost <= EPS:
        return []
    t = rule.type
    lower = is_lower(ind, rule)
    if t == "threshold":
        return [Aim(rule.target, not rule.inclusive, "满分")]
    if t in ("linear", "ratio"):
        return [Aim(rule.target, False, "满分")]
    if t == "direct":
        return [Aim(rule.scale or points, False, "满分")]
    if t == "boolean":
        return [Aim(1.0 if rule.expect else 0.0, False, "满分")]
    if t == "deduct":
        out: list[Aim] = []
        if value is not None and value > 0:
            cap = points if rule.cap is None else min(points, rule.cap)
            start = math.ceil(cap / rule.per_item - EPS) - 1  # fewest problems still fully capped, minus one
            if value * rule.per_item > cap + EPS and 0 < start < value:
                out.append(Aim(float(start), False, "开始少扣分"))
        out.append(Aim(0.0, False, "满分"))
        return out
    if t == "step":
        out = []
        deducted = lost
        steps_back = (deducted - rule.deduct) / rule.deduct  # steps allowed after winning one deduct back
        if steps_back > EPS and value is not None:
            k = math.floor(steps_back + EPS)
            sign = 1 if lower else -1
            if rule.count == "whole":
                v, strict = rule.baseline + sign * (k + 1) * rule.step, True
            elif rule.count == "started":
                v, strict = rule.baseline + sign * k * rule.step, False
            else:
                v, strict = rule.baseline + sign * steps_back * rule.step, False
            better = v < value if lower else v > value
            if better:
                out.append(Aim(round(v, 9), strict, "少扣一档"))
        out.append(Aim(rule.baseline, False, "满分"))
        return out
    if t == "bands":
        current = next((b for b in rule.bands if value is not None and R.in_band(value, b)), None)
        cur_score = score

        def band_score(b: m.Band) -> float:
            return min(points, b.score if b.score is not None else (b.share or 0.0) * points)

        better = [b for b in rule.bands if band_score(b) > cur_score + EPS and b is not current]
        if not better:
            return []
        candidates: list[tuple[float, Aim]] = []
        for b in better:
            aim = _edge(b, value)
            if aim is not None:
                candidates.append((band_score(b), aim))
        if not candidates:
            return []
        candidates.sort(key=lambda c: c[0])
        nxt = candidates[0]
        top = candidates[-1]
        out = []
        if nxt[0] < top[0] - EPS:
            out.append(Aim(nxt[1].value, nxt[1].strict, "下一档"))
        out.append(Aim(top[1].value, top[1].strict, "满分" if top[0] >= points - EPS else "最高档"))
        return out
    return []


def _edge(band: m.Band, value: float | None) -> Aim | None:
    """The value in ``band`` nearest to ``value``."""
    if value is None:
        if band.min is not None:
            return Aim(band.min, not band.include_min, "")
        if band.max is not None:
            return Aim(band.max, not band.include_max, "")
        return Aim(0.0, False, "")
    if band.min is not None and (value < band.min or (value == band.min and not band.include_min)):
        return Aim(band.min, not band.include_min, "")
    if band.max is not None and (value > band.max or (value == band.max and not band.include_max)):
        return Aim(band.max, not band.include_max, "")
    return None


def scored_value(aim: Aim, lower: bool, integer: bool) -> float:
    """The number to score with: just beyond a strict edge, whole for counts."""
    v = aim.value
    if aim.strict:
        v = v - STRICT_STEP if lower else v + STRICT_STEP
    if integer:
        v = math.floor(v + EPS) if lower else math.ceil(v - EPS)
    return float(v)


def aim_text(ind: PlanIndicator, aim: Aim, lower: bool, value: float | None) -> str:
    if ind.rule.type == "boolean":
        return "“是”" if aim.value else "“否”"
    if ind.rule.type == "deduct":
        return fmt_value(aim.value, ind.unit or "个")
    shown = fmt_value(aim.value, ind.unit, fixed=True)
    if aim.strict:
        return f"{shown} {'以下' if lower else '以上'}(不含 {shown})"
    return shown
