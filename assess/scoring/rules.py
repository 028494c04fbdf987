"""One small function per rule type: a value in, a score and its basis out.

Each returns the unrounded score (clamped to 0..points) and a one-line
Chinese basis (计分依据) that a clerk can read aloud to an inspector.  The
cohort rules take the statistics of the cohort they are scored in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assess.scoring.numbers import fmt, fmt_value

Scored = tuple[float, str]


def _clamp(score: float, points: float) -> float:
    return max(0.0, min(points, score))


def _v(value: float, unit: str | None) -> str:
    return fmt_value(value, unit)


def _t(value: float, unit: str | None) -> str:
    return fmt_value(value, unit, fixed=False)


def _gap_word(unit: str | None) -> str:
    return "个百分点" if unit == "%" else (unit or "")


def _full(points: float) -> str:
    return f"得满分 {fmt(points)} 分"


def _got(score: float) -> str:
    return f"得 {fmt(score)} 分" if score > 0 else "不得分"


def _meets(value: float, target: float, direction: str, inclusive: bool = True) -> bool:
    if direction == "lower":
        return value <= target if inclusive else value < target
    return value >= target if inclusive else value > target


def threshold(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    ok = _meets(value, rule.target, direction, rule.inclusive)
    if direction == "lower":
        sign = ("≤" if rule.inclusive else "<") if ok else (">" if rule.inclusive else "≥")
    else:
        sign = ("≥" if rule.inclusive else ">") if ok else ("<" if rule.inclusive else "≤")
    head = f"实际值 {_v(value, unit)} {sign} 目标 {_t(rule.target, unit)}"
    if ok:
        return points, f"{head},{_full(points)}"
    score = _clamp(rule.partial, points)
    return score, f"{head},未达标,{_got(score)}"


def linear(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    floor, target = rule.floor, rule.target
    lower = floor > target
    if (value >= target) if not lower else (value <= target):
        return points, f"实际值 {_v(value, unit)} 达到满分值 {_t(target, unit)},{_full(points)}"
    if (value <= floor) if not lower else (value >= floor):
        return 0.0, f"实际值 {_v(value, unit)} 达到不得分值 {_t(floor, unit)},不得分"
    score = points * (value - floor) / (target - floor)
    return score, (
        f"实际值 {_v(value, unit)} 介于 {_t(floor, unit)}(0 分)与 {_t(target, unit)}(满分)之间,"
        f"按比例得 {fmt(score)} 分"
    )


def step(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    gap = (value - rule.baseline) if direction == "lower" else (rule.baseline - value)
    gap = round(gap, 9)
    if gap <= 0:
        return points, f"实际值 {_v(value, unit)} 达到基准 {_t(rule.baseline, unit)},{_full(points)}"
    ratio = round(gap / rule.step, 9)
    if rule.count == "whole":
        steps: float = math.floor(ratio)
    elif rule.count == "started":
        steps = math.ceil(ratio)
    else:
        steps = ratio
    deducted = min(points, steps * rule.deduct)
    word = "超过" if direction == "lower" else "低于"
    score = points - deducted
    tail = ",扣完为止" if deducted >= points else ""
    return score, (
        f"实际值 {_v(value, unit)} {word}基准 {_t(rule.baseline, unit)} {f'{fmt(gap)} {_gap_word(unit)}'.strip()},"
        f"计 {fmt(steps)} 档,每档扣 {fmt(rule.deduct)} 分,扣 {fmt(deducted)} 分{tail},{_got(score)}"
    )


def _band_text(band: Any, unit: str | None) -> str:
    lo, hi = band.min, band.max
    if lo is not None and hi is not None:
        left = f"{_t(lo, unit)}{'(含)' if band.include_min else ''}"
        right = f"{_t(hi, unit)}{'(含)' if band.include_max else ''}"
        return f"{left}—{right}"
    if lo is not None:
        return f"{'≥' if band.include_min else '>'} {_t(lo, unit)}"
    if hi is not None:
        return f"{'≤' if band.include_max else '<'} {_t(hi, unit)}"
    return "任意值"


def in_band(value: float, band: Any) -> bool:
    if band.min is not None and (value < band.min or (value == band.min and not band.include_min)):
        return False
    return not (band.max is not None and (value > band.max or (value == band.max and not band.include_max)))


def bands(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    for band in rule.bands:
        if in_band(value, band):
            score = band.score if band.score is not None else band.share * points
            score = _clamp(score, points)
            return score, f"实际值 {_v(value, unit)} 在“{_band_text(band, unit)}”档,{_got(score)}"
    return 0.0, f"实际值 {_v(value, unit)} 不在任何一档内,不得分"


def ratio(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    if direction == "lower":
        if value <= 0:
            return points, f"实际值 {_v(value, unit)},{_full(points)}"
        raw = points * rule.target / value
        text = f"目标 {_t(rule.target, unit)} ÷ 实际值 {_v(value, unit)} × {fmt(points)} 分"
    else:
        raw = points * value / rule.target
        text = f"实际值 {_v(value, unit)} ÷ 目标 {_t(rule.target, unit)} × {fmt(points)} 分"
    score = _clamp(raw, points)
    cap = "(以分值为限)" if raw > points else ""
    return score, f"{text} = {fmt(raw)} 分{cap},{_got(score)}"


def deduct(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    count = max(0.0, value)
    cap = points if rule.cap is None else min(points, rule.cap)
    raw = count * rule.per_item
    deducted = min(raw, cap)
    score = points - deducted
    unit_word = unit or "个"
    if count == 0:
        return points, f"未发现问题,{_full(points)}"
    capped = f"(该项上限 {fmt(cap)} 分)" if raw > cap else ""
    return score, (
        f"发现问题 {fmt(count)} {unit_word},每{unit_word}扣 {fmt(rule.per_item)} 分,"
        f"扣 {fmt(deducted)} 分{capped}"
    )


_YES = {True: "是", False: "否"}


def boolean(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    answer = bool(value)
    if answer == rule.expect:
        return points, f"填报“{_YES[answer]}”,符合要求,{_full(points)}"
    score = _clamp(rule.partial, points)
    return score, f"填报“{_YES[answer]}”,不符合要求,{_got(score)}"


def direct(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    if rule.scale:
        raw = value / rule.scale * points
        score = _clamp(raw, points)
        return score, (f"直接采信得分 {fmt(value)} 分(满分 {fmt(rule.scale)}),折算为 {fmt(score)} 分")
    score = _clamp(value, points)
    clamp = f"(超出分值,按 {fmt(points)} 分计)" if value > points else ""
    return score, f"直接采信得分 {fmt(value)} 分{clamp}"


def bonus(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    if rule.per_item:
        raw = max(0.0, value) * rule.per_item
        score = min(raw, points)
        capped = f"(本项上限 {fmt(points)} 分)" if raw > points else ""
        return (
            score,
            f"{fmt(value)} {unit or '项'},每{unit or '项'}加 {fmt(rule.per_item)} 分,加 {fmt(score)} 分{capped}",
        )
    if value:
        return points, f"符合加分条件,加 {fmt(points)} 分"
    return 0.0, "不符合加分条件,不加分"


UNIT_RULES: dict[str, Callable[[float, float, Any, str, str | None], Scored]] = {
    "threshold": threshold,
    "linear": linear,
    "step": step,
    "bands": bands,
    "ratio": ratio,
    "deduct": deduct,
    "boolean": boolean,
    "direct": direct,
    "bonus": bonus,
}


# ---- cohort rules ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CohortStats:
    """What a cohort rule needs to know of the units it compares against."""

    count: int
    best: float
    worst: float
    average: float
    places: dict[float, int]  # value → place (1 = best), equal values share a place
    scope: str  # "组内" or "全体"


def cohort_stats(values: list[float], direction: str, scope: str) -> CohortStats:
    ordered = sorted(values, reverse=direction != "lower")
    places: dict[float, int] = {}
    for i, v in enumerate(ordered):
        places.setdefault(v, i + 1)
    best, worst = (ordered[0], ordered[-1]) if ordered else (0.0, 0.0)
    avg = sum(values) / len(values) if values else 0.0
    return CohortStats(len(values), best, worst, avg, places, scope)


def rank(value: float, points: float, rule: Any, direction: str, unit: str | None, st: CohortStats) -> Scored:
    place = st.places[value]
    if rule.scores:
        score = rule.scores[place - 1] if place <= len(rule.scores) else rule.others
    else:
        score = max(rule.others, rule.first - (rule.step or 0) * (place - 1))
    score = _clamp(score, points)
    return score, f"实际值 {_v(value, unit)},{st.scope}第 {place} 名(共 {st.count} 个单位),{_got(score)}"


def relative(
    value: float, points: float, rule: Any, direction: str, unit: str | None, st: CohortStats
) -> Scored:
    lower = direction == "lower"
    if rule.to == "best":
        # floor and cap (最低 / 最高得分) apply here too when the scheme sets them
        top = points if rule.cap is None else min(points, rule.cap)
        bottom = 0.0 if rule.floor is None else min(rule.floor, top)
        ref = st.best
        if lower:
            if value <= 0:
                best = _full(points) if top >= points else _got(top)
                return top, f"实际值 {_v(value, unit)} 为{st.scope}最好,{best}"
            raw = points * ref / value
            text = f"{st.scope}最好值 {_v(ref, unit)} ÷ 实际值 {_v(value, unit)}"
        else:
            if ref <= 0:
                return bottom, f"{st.scope}最好值为 {_v(ref, unit)},无法按比例计分,{_got(bottom)}"
            raw = points * value / ref
            text = f"实际值 {_v(value, unit)} ÷ {st.scope}最好值 {_v(ref, unit)}"
        score = min(top, max(bottom, raw))
        limit = ""
        if rule.cap is not None and raw > top:
            limit = f"(上限 {fmt(top)} 分)"
        elif rule.floor is not None and raw < bottom:
            limit = f"(下限 {fmt(bottom)} 分)"
        return score, f"{text} × {fmt(points)} 分,{_got(score)}{limit}"
    avg = st.average
    at = rule.at_average
    if avg == 0:
        raw = at
    elif lower and value <= 0:
        raw = math.inf  # nothing is better than 0 when lower is better: the cap
    else:
        raw = at * (avg / value if lower else value / avg)
    cap = points if rule.cap is None else min(points, rule.cap)
    floor = 0.0 if rule.floor is None else rule.floor
    score = min(cap, max(floor, raw))
    if abs(value - avg) < 1e-9:
        pos = "等于"
    elif (value < avg) == lower:
        pos = "优于"
    else:
        pos = "低于" if value < avg else "高于"  # worse: say it as the numbers are
    limit = ""
    if raw > cap:
        limit = f"(上限 {fmt(cap)} 分)"
    elif raw < floor:
        limit = f"(下限 {fmt(floor)} 分)"
    return score, (
        f"实际值 {_v(value, unit)} {pos}{st.scope}平均 {_v(avg, unit)},"
        f"平均值得 {fmt(at)} 分,按比例得 {fmt(score)} 分{limit}"
    )


def minmax(
    value: float, points: float, rule: Any, direction: str, unit: str | None, st: CohortStats
) -> Scored:
    top, bottom = max(st.best, st.worst), min(st.best, st.worst)
    if top == bottom:
        score = (rule.base + rule.span) / 100 * points
        return score, f"{st.scope}各单位数值相同,均按最高值计,{_got(score)}"
    if direction == "lower":
        pos = (top - value) / (top - bottom)
        formula = f"({_v(top, unit)} − {_v(value, unit)})/({_v(top, unit)} − {_v(bottom, unit)})"
    else:
        pos = (value - bottom) / (top - bottom)
        formula = f"({_v(value, unit)} − {_v(bottom, unit)})/({_v(top, unit)} − {_v(bottom, unit)})"
    score = _clamp((pos * rule.span + rule.base) / 100 * points, points)
    return score, f"[{formula} × {fmt(rule.span)} + {fmt(rule.base)}] / 100 × {fmt(points)} = {fmt(score)} 分"


COHORT_RULES: dict[str, Callable[[float, float, Any, str, str | None, CohortStats], Scored]] = {
    "rank": rank,
    "relative": relative,
    "minmax": minmax,
}
