"""The value an indicator would need to earn more points, rule by rule.

threshold → its target, bands → the next band's edge, step → the baseline or
one step back, deduct → fewer problems, base → the target (its base score), then
the value whose points above it reach the cap, ladder → the next word and the best
word, and so on; a strict edge ("above 60%") is reached with a value just beyond
it, a count with a whole number.
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
_LINES = ("target", "floor", "baseline")
COUNT_UNITS = {"人", "个", "户", "项", "村", "次", "件", "所", "家", "条"}


@dataclass
class Aim:
    value: float
    strict: bool
    label: str


def is_lower(ind: PlanIndicator, rule: Any) -> bool:
    if (
        rule.type == "linear"
        and isinstance(rule.floor, (int, float))
        and isinstance(rule.target, (int, float))
    ):
        return bool(rule.floor > rule.target)
    return ind.direction == "lower"  # a line per unit not known here: as the indicator says


def aims(ind: PlanIndicator, rule: Any, value: float | None, score: float, points: float) -> list[Aim]:
    """The values that would earn more points under a unit rule, best last.

    ``rule`` is the unit's (``engine.rule_of``): a line taken from a field is the unit's own
    value there; a rule still naming a field (no unit known) has no value to aim at."""
    lost = points - score
    if lost <= EPS or any(isinstance(v, str) for v in (rule.__dict__.get(n) for n in _LINES)):
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
    if t == "base":
        return _base_aims(rule, value, points, lower)
    if t == "ladder":
        return _ladder_aims(rule, score, points)
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


def _base_aims(rule: Any, value: float | None, points: float, lower: bool) -> list[Aim]:
    """The target (the base score, when below it), then the value whose points reach the
    rule's highest score: ``(max − base) / above`` steps of ``per`` beyond the target."""
    top = points if rule.max is None else min(points, rule.max)
    sign = -1 if lower else 1

    def better(v: float) -> bool:
        return value is None or (v < value if lower else v > value)

    out: list[Aim] = []
    if rule.above <= 0 or top <= rule.base + EPS:
        best = Aim(rule.target, False, "满分" if rule.base >= points - EPS else "最高分")
        return [best] if better(rule.target) else []
    needed = (top - rule.base) / rule.above  # steps of ``per`` beyond the target
    if rule.count == "whole":
        far, strict = math.ceil(needed - EPS) * rule.per, False
    elif rule.count == "started":
        far, strict = max(0, math.ceil(needed - EPS) - 1) * rule.per, True
    else:
        far, strict = needed * rule.per, False
    if better(rule.target) and (value is None or (value > rule.target if lower else value < rule.target)):
        out.append(Aim(rule.target, False, "达到目标"))
    v = round(rule.target + sign * far, 9)
    if better(v) or (strict and value is not None and v == value):
        out.append(Aim(v, strict, "满分" if top >= points - EPS else "最高分"))
    return out


def _ladder_aims(rule: Any, score: float, points: float) -> list[Aim]:
    """The next word up and the best word (their shares: what the indicator's value is)."""
    better = sorted({s for s in rule.levels.values() if s * points > score + EPS})
    if not better:
        return []
    out = [Aim(better[0], False, "下一档")] if len(better) > 1 else []
    out.append(Aim(better[-1], False, "满分" if better[-1] >= 1 - EPS else "最高档"))
    return out


def level_word(ind: PlanIndicator, value: float | None) -> str | None:
    """The word of a ladder indicator that gives ``value`` (the first listed, when several do)."""
    if ind.rule.type != "ladder" or value is None:
        return None
    return next((word for word, share in ind.rule.levels.items() if share == value), None)


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
    word = level_word(ind, aim.value)
    if word is not None:
        return f"“{word}”"
    shown = fmt_value(aim.value, ind.unit, fixed=True)
    if aim.strict:
        return f"{shown} {'以下' if lower else '以上'}(不含 {shown})"
    return shown
