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


class OwnLines:
    """A rule whose lines (``target``, ``floor``, ``baseline``) are one unit's own values, read
    from the data fields the scheme names (按本单位目标计分).

    It reads as the rule does (the same attributes, numbers where the scheme wrote field
    names), so every rule function scores it unchanged; ``own`` says, per line taken from a
    field, where the unit's value was read, for the basis.  A line the unit has no usable
    value for is None (the engine scores such a unit by the missing-value policy instead).
    """

    def __init__(self, rule: Any, values: dict[str, float | None], own: dict[str, str]) -> None:
        self.__dict__.update(rule.__dict__)
        self.__dict__.update(values)
        self.rule = rule  # the scheme's rule (or group variant) it was made from
        self.own = own  # line → where the unit's value was read ("" when nowhere to say)


OWN_WORDS = {"target": "目标任务", "floor": "不得分值", "baseline": "基准"}


def _own(rule: Any, name: str, unit: str | None, tail: str = "") -> str | None:
    """``本单位目标任务 95 万亩(浏阳市.xlsx 指标数据!C5)`` for a line the unit has its own
    value of; None for a line the scheme writes as a number."""
    if type(rule) is not OwnLines or name not in rule.own:
        return None
    inner = ",".join(x for x in (rule.own[name], tail) if x)
    return f"本单位{OWN_WORDS[name]} {_v(getattr(rule, name), unit)}" + (f"({inner})" if inner else "")


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
    goal = _own(rule, "target", unit) or f"目标 {_t(rule.target, unit)}"
    head = f"实际值 {_v(value, unit)} {sign} {goal}"
    if ok:
        return points, f"{head},{_full(points)}"
    score = _clamp(rule.partial, points)
    return score, f"{head},未达标,{_got(score)}"


def linear(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    floor, target = rule.floor, rule.target
    lower = floor > target
    if (value >= target) if not lower else (value <= target):
        top = _own(rule, "target", unit) or f"满分值 {_t(target, unit)}"
        return points, f"实际值 {_v(value, unit)} 达到{top},{_full(points)}"
    if (value <= floor) if not lower else (value >= floor):
        bottom = _own(rule, "floor", unit) or f"不得分值 {_t(floor, unit)}"
        return 0.0, f"实际值 {_v(value, unit)} 达到{bottom},不得分"
    score = points * (value - floor) / (target - floor)
    low = _own(rule, "floor", unit, "0 分") or f" {_t(floor, unit)}(0 分)"
    high = _own(rule, "target", unit, "满分") or f" {_t(target, unit)}(满分)"
    return score, f"实际值 {_v(value, unit)} 介于{low}与{high}之间,按比例得 {fmt(score)} 分"


def step(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    gap = (value - rule.baseline) if direction == "lower" else (rule.baseline - value)
    gap = round(gap, 9)
    base = _own(rule, "baseline", unit) or f"基准 {_t(rule.baseline, unit)}"
    if gap <= 0:
        return points, f"实际值 {_v(value, unit)} 达到{base},{_full(points)}"
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
        f"实际值 {_v(value, unit)} {word}{base} {f'{fmt(gap)} {_gap_word(unit)}'.strip()},"
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
    own = _own(rule, "target", unit)
    if own is not None:
        return _own_ratio(value, points, rule, direction, unit, own)
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


def _own_ratio(value: float, points: float, rule: Any, direction: str, unit: str | None, own: str) -> Scored:
    """``ratio`` against the unit's own target, said as its 完成率 (the same score)."""
    head = f"实际值 {_v(value, unit)},{own}"
    if direction == "lower":
        if value <= 0:
            return points, f"{head},{_full(points)}"
        raw = points * rule.target / value
        rate = f"目标任务 ÷ 实际值为 {fmt_value(rule.target / value * 100, '%')}"
    else:
        raw = points * value / rule.target
        rate = f"完成率 {fmt_value(value / rule.target * 100, '%')}"
    score = _clamp(raw, points)
    if score >= points:
        return score, f"{head},{rate},{_full(points)}"
    return score, f"{head},{rate},按比例{_got(score)}" if score > 0 else f"{head},{rate},不得分"


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


def counted(gap: float, per: float, count: str) -> float:
    """How many ``per`` a gap makes: exact (pro rata), whole (part of one not counted) or
    started (part of one counted as one); the ratio is first kept to 9 decimals, as in step."""
    ratio = round(gap / per, 9)
    if count == "whole":
        return float(math.floor(ratio))
    if count == "started":
        return float(math.ceil(ratio))
    return ratio


def base(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    """基本分加减: the base score at the target, points per ``per`` better or worse, capped both ways."""
    top = points if rule.max is None else min(points, rule.max)
    bottom = min(rule.min, top)
    better = round((rule.target - value) if direction == "lower" else (value - rule.target), 9)
    goal = _own(rule, "target", unit) or f"目标 {_t(rule.target, unit)}"
    head = f"实际值 {_v(value, unit)}"
    at_base = _clamp(min(top, max(bottom, rule.base)), points)  # validated: min ≤ base ≤ max
    if better == 0:
        return at_base, f"{head},等于{goal},得基本分 {fmt(at_base)} 分"
    gap_word = _gap_word(unit)
    gap = abs(better)
    side = ("低于" if better > 0 else "高于") if direction == "lower" else ("高于" if better > 0 else "低于")
    text = f"{head},{side}{goal} {f'{fmt(gap)} {gap_word}'.strip()}"
    rate = rule.above if better > 0 else rule.below
    if rate == 0:
        return at_base, f"{text},{'不加分' if better > 0 else '不扣分'},得基本分 {fmt(at_base)} 分"
    steps = counted(gap, rule.per, rule.count)
    if steps != round(gap / rule.per, 9):
        text += f",按 {f'{fmt(steps * rule.per)} {gap_word}'.strip()}计"
    moved = steps * rule.above if better > 0 else steps * rule.below
    raw = rule.base + moved if better > 0 else rule.base - moved
    score = _clamp(min(top, max(bottom, raw)), points)
    verb = "加" if better > 0 else "扣"
    text += (
        f",每 {fmt(rule.per)} {gap_word}{verb} {fmt(rate)} 分"
        if gap_word
        else f",每 {fmt(rule.per)} {verb} {fmt(rate)} 分"
    )
    if raw > top:
        return score, f"{text},加 {fmt(moved)} 分,得 {fmt(score)} 分(最高 {fmt(top)} 分)"
    if raw < bottom:
        return score, f"{text},扣 {fmt(moved)} 分,得 {fmt(score)} 分(最低 {fmt(bottom)} 分)"
    sign = "+" if better > 0 else "−"
    return score, f"{text},得 {fmt(rule.base)} {sign} {fmt(moved)} = {fmt(score)} 分"


def ladder(value: float, points: float, rule: Any, direction: str, unit: str | None) -> Scored:
    """按等次比例: the value is the share of the points the word reported earns (the engine puts
    the word in front: “基本完成”,按 60% 计 2.4 分)."""
    score = _clamp(value * points, points)
    if score >= points:
        return score, _full(points)
    if score <= 0:
        return 0.0, "不得分"
    return score, f"按 {fmt(round(value * 100, 6))}% 计 {fmt(score)} 分"


def ladder_word(raw: object, value: float, levels: tuple[tuple[str, float], ...]) -> str | None:
    """The word a ladder's value was reported as: the cell's own word when it gives this share,
    else the only word that does (an assumed value in what-if analysis has no cell)."""
    from assess.scheme.model import level_key

    if isinstance(raw, str):
        key = level_key(raw)
        hit = next((w for w, share in levels if level_key(w) == key and share == value), None)
        if hit is not None:
            return hit
    words = [w for w, share in levels if share == value]
    return words[0] if len(words) == 1 else None


UNIT_RULES: dict[str, Callable[[float, float, Any, str, str | None], Scored]] = {
    "threshold": threshold,
    "linear": linear,
    "step": step,
    "bands": bands,
    "ratio": ratio,
    "deduct": deduct,
    "boolean": boolean,
    "direct": direct,
    "base": base,
    "ladder": ladder,
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
        # the average named, then where the value stands: "低于全体平均 84.87%" would read as a gap
        f"实际值 {_v(value, unit)},{st.scope}平均 {_v(avg, unit)}({pos}平均),"
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
