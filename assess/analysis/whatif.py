"""Gap to the next grade and the next rank, and where the points are cheapest to win.

For every indicator that lost points, the value that would earn them is
worked out from the rule (threshold → target, bands → the next band's edge,
step → the baseline or one step back, …) and the gain in the *total* is
measured by re-scoring the unit with that value, so rescaling for 缺项,
category weights, shared deduction caps (deduct_groups) and the bonus cap are
all taken into account.  For a derived value (a formula) the reported field
that would have to change is solved for as well, e.g. the numerator of a
rate.  Vetoes and bars that no points can lift are stated, as is a gap that
stays out of reach even with every indicator at full points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assess.analysis.rescore import (
    Rescorer,
    input_keys,
    with_env,
    with_indicator,
    with_inputs,
)
from assess.errors import UsageError
from assess.scheme import model as m
from assess.scheme.plan import Plan, PlanIndicator
from assess.scoring import rules as R
from assess.scoring.engine import Prepared
from assess.scoring.numbers import fmt, fmt_value
from assess.scoring.result import UnitResult
from assess.workbook.data import OK

EPS = 1e-9
STRICT_STEP = 0.01  # "above 60%": shown as "高于 60%", scored with a value this much beyond
_COUNT_UNITS = {"人", "个", "户", "项", "村", "次", "件", "所", "家", "条"}


# ---- data ------------------------------------------------------------------


@dataclass
class Change:
    """A reported field that would have to change for a derived value to move."""

    key: str
    name: str
    unit: str | None
    current: float | None
    needed: float
    feasible: bool = True
    note: str = ""

    def text(self) -> str:
        verb = "增加" if (self.current is None or self.needed >= self.current) else "减少"
        cur = _num_text(self.current, self.unit)
        out = f"{self.name}由 {cur} {verb}到 {_num_text(self.needed, self.unit)}"
        return out + (f",{self.note}" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.key,
            "name": self.name,
            "unit": self.unit,
            "current": self.current,
            "needed": self.needed,
            "feasible": self.feasible,
            "note": self.note,
        }


@dataclass
class Suggestion:
    """One way to win points: an indicator's value, a bonus item, fewer problems."""

    id: str
    name: str
    kind: str  # indicator | cohort | bonus
    rule: str
    unit: str | None
    current: float | None
    needed: float | None
    strict: bool  # the needed value must be exceeded, not only reached
    aim: str  # 满分 / 下一档 / 少扣一档 / …
    lost: float  # points the indicator lost
    gain: float  # points the total would gain (after rescaling and caps)
    text: str
    changes: list[Change] = field(default_factory=list)
    feasible: bool = True
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "rule": self.rule,
            "unit": self.unit,
            "current": self.current,
            "needed": self.needed,
            "strict": self.strict,
            "aim": self.aim,
            "lost": self.lost,
            "gain": self.gain,
            "feasible": self.feasible,
            "note": self.note,
            "text": self.text,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass
class Gap:
    """The points to the next grade or the next place, and whether points can close it."""

    target: str
    needed: float | None  # None: nothing above (already the best)
    reachable: bool
    text: str
    blockers: list[str] = field(default_factory=list)
    route: list[str] = field(default_factory=list)  # suggestion ids that together close the gap

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "needed": self.needed,
            "reachable": self.reachable,
            "text": self.text,
            "blockers": self.blockers,
            "route": self.route,
        }


@dataclass
class Explanation:
    unit: str
    group: str | None
    total: float
    grade: str | None
    rank: int | None
    group_size: int
    max_total: float
    grade_gap: Gap
    rank_gap: Gap
    suggestions: list[Suggestion]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "group": self.group,
            "total": self.total,
            "grade": self.grade,
            "rank": self.rank,
            "group_size": self.group_size,
            "max_total": self.max_total,
            "grade_gap": self.grade_gap.to_dict(),
            "rank_gap": self.rank_gap.to_dict(),
            "suggestions": [s.to_dict() for s in self.suggestions],
            "notes": self.notes,
        }


# ---- formatting ------------------------------------------------------------


def _num_text(value: float | None, unit: str | None) -> str:
    if value is None:
        return "未填报"
    return fmt_value(value, unit)


def _value_text(ind: PlanIndicator, value: float | None) -> str:
    if value is None:
        return "未填报"
    if ind.kind == "bool" or ind.rule.type == "boolean":
        return "“是”" if value else "“否”"
    return fmt_value(value, ind.unit)


# ---- what a rule needs -------------------------------------------------------


@dataclass
class _Aim:
    value: float
    strict: bool
    label: str


def _lower(ind: PlanIndicator, rule: Any) -> bool:
    if rule.type == "linear":
        return bool(rule.floor > rule.target)
    return ind.direction == "lower"


def aims(ind: PlanIndicator, rule: Any, value: float | None, score: float, points: float) -> list[_Aim]:
    """The values that would earn more points under a unit rule, best last."""
    lost = points - score
    if lost <= EPS:
        return []
    t = rule.type
    lower = _lower(ind, rule)
    if t == "threshold":
        return [_Aim(rule.target, not rule.inclusive, "满分")]
    if t in ("linear", "ratio"):
        return [_Aim(rule.target, False, "满分")]
    if t == "direct":
        return [_Aim(rule.scale or points, False, "满分")]
    if t == "boolean":
        return [_Aim(1.0 if rule.expect else 0.0, False, "满分")]
    if t == "deduct":
        out: list[_Aim] = []
        if value is not None and value > 0:
            cap = points if rule.cap is None else min(points, rule.cap)
            start = math.ceil(cap / rule.per_item - EPS) - 1  # fewest problems still fully capped, minus one
            if value * rule.per_item > cap + EPS and 0 < start < value:
                out.append(_Aim(float(start), False, "开始少扣分"))
        out.append(_Aim(0.0, False, "满分"))
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
                out.append(_Aim(round(v, 9), strict, "少扣一档"))
        out.append(_Aim(rule.baseline, False, "满分"))
        return out
    if t == "bands":
        current = next((b for b in rule.bands if value is not None and R.in_band(value, b)), None)
        cur_score = score

        def band_score(b: m.Band) -> float:
            return min(points, b.score if b.score is not None else (b.share or 0.0) * points)

        better = [b for b in rule.bands if band_score(b) > cur_score + EPS and b is not current]
        if not better:
            return []
        candidates: list[tuple[float, _Aim]] = []
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
            out.append(_Aim(nxt[1].value, nxt[1].strict, "下一档"))
        out.append(_Aim(top[1].value, top[1].strict, "满分" if top[0] >= points - EPS else "最高档"))
        return out
    return []


def _edge(band: m.Band, value: float | None) -> _Aim | None:
    """The value in ``band`` nearest to ``value``."""
    if value is None:
        if band.min is not None:
            return _Aim(band.min, not band.include_min, "")
        if band.max is not None:
            return _Aim(band.max, not band.include_max, "")
        return _Aim(0.0, False, "")
    if band.min is not None and (value < band.min or (value == band.min and not band.include_min)):
        return _Aim(band.min, not band.include_min, "")
    if band.max is not None and (value > band.max or (value == band.max and not band.include_max)):
        return _Aim(band.max, not band.include_max, "")
    return None


def _scored_value(aim: _Aim, lower: bool, integer: bool) -> float:
    """The number to score with: just beyond a strict edge, whole for counts."""
    v = aim.value
    if aim.strict:
        v = v - STRICT_STEP if lower else v + STRICT_STEP
    if integer:
        v = math.floor(v + EPS) if lower else math.ceil(v - EPS)
    return float(v)


def _aim_text(ind: PlanIndicator, aim: _Aim, lower: bool, value: float | None) -> str:
    if ind.rule.type == "boolean":
        return "“是”" if aim.value else "“否”"
    if ind.rule.type == "deduct":
        return f"{fmt(aim.value)} {ind.unit or '个'}"
    shown = fmt_value(aim.value, ind.unit, fixed=True)
    if aim.strict:
        return f"{shown} {'以下' if lower else '以上'}(不含 {shown})"
    return shown


# ---- derived values: which reported field to change -----------------------


def _leaves(plan: Plan, names: frozenset[str]) -> list[str]:
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
        return bool(spec.kind == "count" or spec.unit in _COUNT_UNITS)
    f = plan.fields.get(key)
    if f is not None and f.aggregate is not None:
        return f.aggregate.op in ("count", "count_where") or f.unit in _COUNT_UNITS
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
    for key in _leaves(plan, ind.formula.names):
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
        x = _secant(lambda v, k=key: _derived_value(plan, ind, env, k, v), x0, g0, x0 + h, g1, wanted)
        if x is None:
            continue
        integer = _is_integer(plan, key, specs)
        if integer:
            x = float(math.floor(x + EPS) if lower else math.ceil(x - EPS))
        x = round(x, 6)
        name, unit = _field_name(plan, key)
        change = Change(key, name, unit, x0, x)
        spec = specs.get(key)
        whole = spec.part_of if spec is not None else None
        limit = env.get(whole) if whole else None
        if isinstance(limit, (int, float)) and x > float(limit) + EPS:
            change.feasible = False
            wname, _u = _field_name(plan, whole or "")
            change.note = f"超过{wname} {_num_text(float(limit), unit)},无法达到"
        elif spec is not None and spec.maximum is not None and x > spec.maximum + EPS:
            change.feasible = False
            change.note = f"超过上限 {fmt(spec.maximum)},无法达到"
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


# ---- suggestions -------------------------------------------------------------


def _deduct_group_note(plan: Plan, ind: PlanIndicator) -> str:
    gid = getattr(ind.rule, "cap_group", None)
    group = next((g for g in plan.scheme.deduct_groups if g.id == gid), None)
    if group is None:
        return ""
    return f"受“{group.name}”合计扣分上限 {fmt(group.cap)} 分约束"


def _unit_suggestions(plan: Plan, rs: Rescorer, index: int, result: UnitResult) -> list[Suggestion]:
    p = rs.prepared[index]
    base = result.total
    specs = {s.key: s for s in plan.read.inputs}
    out: list[Suggestion] = []
    for i, ind in enumerate(plan.indicators):
        res = result.indicators[i]
        if not res.applicable or res.lost <= EPS:
            continue
        rule = ind.rule_for(p.group)
        value = p.values[i].value if p.values[i].status == OK else None
        if rule.type in R.COHORT_RULES:
            s = _cohort_suggestion(plan, rs, index, i, ind, rule, value, res.score or 0.0, base)
            if s is not None:
                out.append(s)
            continue
        lower = _lower(ind, rule)
        integer = ind.kind == "count" or rule.type == "deduct" or ind.unit in _COUNT_UNITS
        found = aims(ind, rule, value, res.score or 0.0, ind.points)
        for aim in found:
            number = _scored_value(aim, lower, integer)
            maximum = _max_of(plan, ind, specs)
            feasible = not (maximum is not None and number > maximum + EPS and not lower)
            new = with_indicator(plan, p, i, number)
            if ind.formula is None and ind.key in input_keys(plan):
                new = with_inputs(plan, p, {ind.key: number})
            gain = plan.round(rs.total(index, new) - base)
            changes = solve_inputs(plan, ind, p, aim.value, lower, aim.strict) if ind.formula else []
            out.append(_suggestion(plan, ind, rule, value, aim, lower, res.lost, gain, changes, feasible))
    return out


def _max_of(plan: Plan, ind: PlanIndicator, specs: Mapping[str, Any]) -> float | None:
    """The largest value the indicator can take (its declared max), if any."""
    spec = specs.get(ind.key)
    if spec is not None and spec.maximum is not None:
        return float(spec.maximum)
    from assess.scheme.validate import walk_indicators

    declared = next((i.max for i, _c, _k in walk_indicators(plan.scheme) if i.id == ind.id), None)
    return float(declared) if declared is not None else None


def _suggestion(
    plan: Plan,
    ind: PlanIndicator,
    rule: Any,
    value: float | None,
    aim: _Aim,
    lower: bool,
    lost: float,
    gain: float,
    changes: list[Change],
    feasible: bool,
) -> Suggestion:
    target = _aim_text(ind, aim, lower, value)
    if rule.type == "boolean":
        head = f"{ind.name}需由{_value_text(ind, value)}改为{target}"
    elif rule.type == "deduct":
        head = f"{ind.name}需由 {_num_text(value, ind.unit or '个')} 减少到 {target}"
    elif value is None:
        head = f"{ind.name}(未填报)需达到 {target}"
    else:
        verb = "降低到" if lower else "提高到"
        head = f"{ind.name}需由 {_value_text(ind, value)} {verb} {target}"
    what = {
        "满分": "方可得满分",
        "下一档": "方可进入上一档",
        "最高档": "方可进入最高档",
        "少扣一档": "方可少扣一档",
        "开始少扣分": "方开始少扣分",
    }.get(aim.label, "")
    note = ""
    if gain <= EPS:
        note = _deduct_group_note(plan, ind) or "总分不变"
        tail = f",但{note},总分不增加" if note != "总分不变" else ",但总分不增加"
    else:
        tail = f",可增 {plan.round.text(gain)} 分"
    if changes:
        ok = [c for c in changes if c.feasible]
        bad = [c for c in changes if not c.feasible]
        if ok:
            tail += "(即" + "或".join(c.text() for c in ok) + ")"
        elif bad:
            tail += "(" + ";".join(c.text() for c in bad) + ")"
            feasible = False
    if not feasible and not changes:
        tail += "(超出取值上限,无法达到)"
    return Suggestion(
        id=ind.id,
        name=ind.name,
        kind="indicator",
        rule=rule.type,
        unit=ind.unit,
        current=value,
        needed=aim.value,
        strict=aim.strict,
        aim=aim.label,
        lost=lost,
        gain=max(0.0, gain),
        text=f"{head} {what}{tail}".replace("  ", " "),
        changes=changes,
        feasible=feasible,
        note=note,
    )


def _group_suggestions(plan: Plan, rs: Rescorer, index: int, result: UnitResult) -> list[Suggestion]:
    """A shared deduction cap hides problems: clearing one item may win nothing, clearing all does."""
    p = rs.prepared[index]
    keys = input_keys(plan)
    out: list[Suggestion] = []
    for group in plan.scheme.deduct_groups:
        members = [
            (i, ind)
            for i, ind in enumerate(plan.indicators)
            if ind.rule.type == "deduct"
            and getattr(ind.rule, "cap_group", None) == group.id
            and p.values[i].status == OK
            and (p.values[i].value or 0) > 0
        ]
        if len(members) < 2:
            continue
        inputs = {ind.key: 0.0 for _i, ind in members if ind.formula is None and ind.key in keys}
        new = with_inputs(plan, p, inputs) if inputs else p
        for i, ind in members:
            if ind.key not in inputs:
                new = with_indicator(plan, new, i, 0.0)
        gain = plan.round(rs.total(index, new) - result.total)
        if gain <= EPS:
            continue
        names = "、".join(f"{ind.id} {ind.name}" for _i, ind in members)
        changes = [Change(ind.key, ind.name, ind.unit or "个", p.values[i].value, 0.0) for i, ind in members]
        out.append(
            Suggestion(
                id=group.id,
                name=group.name,
                kind="group",
                rule="deduct",
                unit=None,
                current=None,
                needed=0.0,
                strict=False,
                aim="满分",
                lost=sum(result.indicators[i].lost for i, _ind in members),
                gain=gain,
                text=(
                    f"“{group.name}”(合计扣分上限 {fmt(group.cap)} 分)中 {names} 的问题须同时减少到 0 个,"
                    f"可增 {plan.round.text(gain)} 分;只减少其中一项可能不增分"
                ),
                changes=changes,
            )
        )
    return out


def _cohort_suggestion(
    plan: Plan,
    rs: Rescorer,
    index: int,
    i: int,
    ind: PlanIndicator,
    rule: Any,
    value: float | None,
    score: float,
    base: float,
) -> Suggestion | None:
    """Cohort rules: the reference is another unit's value, so it moves when they move."""
    p = rs.prepared[index]
    lower = ind.direction == "lower"
    peers: list[float] = []
    for q in rs.prepared:
        if q is p:
            continue
        if rule.within == "group" and q.group != p.group:
            continue
        v = q.values[i].value
        if q.values[i].status == OK and v is not None:
            peers.append(float(v))
    if not peers or value is None:
        return None
    best = min(peers) if lower else max(peers)
    if rule.type == "rank":
        better = sorted({v for v in peers if (v < value if lower else v > value)}, reverse=not lower)
        if not better:
            return None
        needed = better[-1]  # the nearest better value: draw level with the place above
        aim = "上一名次"
        what = f"达到排在其前的单位的数值 {_num_text(needed, ind.unit)} 可升一个名次"
    elif rule.type == "relative" and rule.to == "average":
        avg = sum(peers) / len(peers)
        at = rule.at_average or 0.0
        cap = ind.points if rule.cap is None else min(ind.points, rule.cap)
        if at <= 0:
            return None
        needed = avg * at / cap if lower else avg * cap / at
        aim = "满分"
        what = f"约为其他单位平均值 {_num_text(avg, ind.unit)} 的 {fmt((at / cap if lower else cap / at) * 100)}%,方可得满分"
    else:
        needed = best
        aim = "满分"
        what = (
            f"达到{'组内' if rule.within == 'group' else '全体'}最好值 {_num_text(best, ind.unit)} 方可得满分"
        )
    new = with_indicator(plan, p, i, needed)
    if ind.formula is None and ind.key in input_keys(plan):
        new = with_inputs(plan, p, {ind.key: needed})
    results = rs.cohort(index, new)
    gain = plan.round(results[index].total - base)
    verb = "降低到" if lower else "提高到"
    text = (
        f"{ind.name}按{_COHORT_WORDS[rule.type]}计分,取决于其他单位:需由 {_num_text(value, ind.unit)} "
        f"{verb} {_num_text(needed, ind.unit)}({what}),按其他单位现有数据可增 {plan.round.text(max(0.0, gain))} 分"
    )
    changes = solve_inputs(plan, ind, p, needed, lower, False) if ind.formula else []
    ok = [c for c in changes if c.feasible]
    feasible = True
    if ok:
        text += "(即" + "或".join(c.text() for c in ok) + ")"
    elif changes:
        text += "(" + ";".join(c.text() for c in changes) + ")"
        feasible = False
    return Suggestion(
        id=ind.id,
        name=ind.name,
        kind="cohort",
        rule=rule.type,
        unit=ind.unit,
        current=value,
        needed=needed,
        strict=False,
        aim=aim,
        lost=ind.points - score,
        gain=max(0.0, gain),
        text=text,
        changes=changes,
        feasible=feasible,
    )


_COHORT_WORDS = {"rank": "排名", "relative": "相对值", "minmax": "极差法"}


def _bonus_suggestions(plan: Plan, result: UnitResult) -> tuple[list[Suggestion], list[str]]:
    section = plan.scheme.bonus
    if section is None:
        return [], []
    notes: list[str] = []
    got = {b.id: b.score for b in result.bonus if b.id != "bonus-cap"}
    raw = sum(got.values())
    cap = section.cap
    room = None if cap is None else max(0.0, cap - min(raw, cap))
    out: list[Suggestion] = []
    if room is not None and room <= EPS:
        notes.append(f"加分已达合计上限 {fmt(cap)} 分,再取得加分项也不能增加总分")
        return out, notes
    for item in section.items:
        have = got.get(item.id, 0.0)
        left = item.points - have
        if left <= EPS:
            continue
        gain = left if room is None else min(left, room)
        capped = f"(受加分合计上限 {fmt(cap)} 分限制)" if room is not None and room < left - EPS else ""
        out.append(
            Suggestion(
                id=item.id,
                name=item.name,
                kind="bonus",
                rule=item.rule.type,
                unit=item.unit,
                current=have,
                needed=item.points,
                strict=False,
                aim="加分",
                lost=0.0,
                gain=plan.round(gain),
                text=f"加分项“{item.name}”尚可加 {plan.round.text(gain)} 分{capped}",
            )
        )
    return out, notes


def _grouped(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Indicators by the most they can win (largest first); each one's full-points step first."""
    by_id: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        by_id.setdefault(s.id, []).append(s)
    order = sorted(by_id.values(), key=lambda g: (-max(s.gain for s in g), -g[0].lost, _id_key(g[0].id)))
    out: list[Suggestion] = []
    for group in order:
        out += sorted(group, key=lambda s: -s.gain)
    return out


def _id_key(ident: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ident.split("."))


def _joint_total(plan: Plan, rs: Rescorer, index: int, chosen: list[Suggestion]) -> float:
    """Total with several indicator suggestions applied together (caps interact)."""
    p = rs.prepared[index]
    inputs: dict[str, float] = {}
    values: dict[int, float] = {}
    positions = {ind.id: i for i, ind in enumerate(plan.indicators)}
    keys = input_keys(plan)
    bonus = 0.0
    for s in chosen:
        if s.kind == "bonus":
            bonus += s.gain
            continue
        if s.kind == "group":
            for c in s.changes:
                ind = next(x for x in plan.indicators if x.key == c.key)
                if ind.formula is None and ind.key in keys:
                    inputs[ind.key] = 0.0
                else:
                    values[plan.indicators.index(ind)] = 0.0
            continue
        i = positions[s.id]
        ind = plan.indicators[i]
        number = _scored_value(
            _Aim(s.needed or 0.0, s.strict, ""),
            _lower(ind, ind.rule_for(p.group)),
            ind.kind == "count" or s.rule == "deduct",
        )
        if ind.formula is None and ind.key in keys:
            inputs[ind.key] = number
        else:
            values[i] = number
    new = with_inputs(plan, p, inputs) if inputs else p
    for i, number in values.items():
        new = with_indicator(plan, new, i, number)
    total = rs.total(index, new)
    if bonus:
        section = plan.scheme.bonus
        result = rs.results[index]
        raw = sum(b.score for b in result.bonus if b.id != "bonus-cap")
        cap = section.cap if section is not None and section.cap is not None else math.inf
        total += min(raw + bonus, cap) - min(raw, cap)
    return plan.round(total)


def _best_per_indicator(suggestions: list[Suggestion]) -> list[Suggestion]:
    best: dict[str, Suggestion] = {}
    for s in suggestions:
        if not s.feasible:
            continue
        if s.id not in best or s.gain > best[s.id].gain + EPS or s.aim == "满分":
            best[s.id] = s
    return list(best.values())


def _route(
    plan: Plan, rs: Rescorer, index: int, suggestions: list[Suggestion], needed: float
) -> tuple[list[str], bool]:
    """The fewest suggestions, largest gain first, that close ``needed`` points (checked together)."""
    base = rs.results[index].total
    chosen: list[Suggestion] = []
    # Smallest single step that is enough on its own first.
    alone = [s for s in suggestions if s.gain >= needed - EPS and s.feasible]
    if alone:
        pick = min(alone, key=lambda s: (s.gain, s.id))
        return [pick.id], True
    for s in sorted(_best_per_indicator(suggestions), key=lambda s: (-s.gain, s.id)):
        if s.gain <= EPS:
            continue
        chosen.append(s)
        if _joint_total(plan, rs, index, chosen) - base >= needed - EPS:
            return [c.id for c in chosen], True
    return [c.id for c in chosen], False


def explain_unit(plan: Plan, rs: Rescorer, index: int) -> Explanation:
    result = rs.results[index]
    suggestions = _unit_suggestions(plan, rs, index, result) + _group_suggestions(plan, rs, index, result)
    bonus, notes = _bonus_suggestions(plan, result)
    suggestions = _grouped(suggestions)
    everything = suggestions + bonus
    all_best = _best_per_indicator(everything)
    max_total = _joint_total(plan, rs, index, all_best) if all_best else result.total
    if result.penalty_total > 0:
        notes.append(f"扣分项共扣 {fmt(result.penalty_total)} 分,不能通过提高指标值挽回")
    if result.incomplete:
        notes.append(
            f"指标 {'、'.join(result.incomplete)} 须与其他单位一并评分,单独评分时未计入(可用 --cohort 指定参评单位)"
        )
    grade_gap = _grade_gap(plan, rs, index, result, everything, max_total)
    rank_gap = _rank_gap(plan, rs, index, result, everything, max_total)
    members = [r for r in rs.results if r.group == result.group]
    return Explanation(
        unit=result.unit,
        group=result.group_name,
        total=result.total,
        grade=result.grade,
        rank=result.rank,
        group_size=len(members),
        max_total=max_total,
        grade_gap=grade_gap,
        rank_gap=rank_gap,
        suggestions=everything,
        notes=notes,
    )


def _grade_gap(
    plan: Plan, rs: Rescorer, index: int, r: UnitResult, suggestions: list[Suggestion], max_total: float
) -> Gap:
    names = plan.grade_names
    if not names or r.grade is None:
        return Gap("等次", None, False, "方案未规定等次。")
    level = names.index(r.grade)
    if level == 0:
        return Gap(f"“{names[0]}”", None, True, f"已评为最高等次“{names[0]}”。")
    nxt = names[level - 1]
    line = plan.scheme.grades[level - 1].min
    needed = max(0.0, plan.round(line - r.total))
    blockers: list[str] = []
    hard = False
    veto_grades = {v.id: v.grade for v in plan.scheme.vetoes}
    for v in r.vetoes:
        capped = veto_grades.get(v.id)
        if v.effect == "lowest":
            blockers.append(f"发生一票否决事项“{v.name}”,等次定为最低等次“{names[-1]}”,任何得分都无法改变")
            hard = True
        elif v.effect == "zero":
            blockers.append(f"发生一票否决事项“{v.name}”,总分计为 0,任何得分都无法改变")
            hard = True
        elif v.effect == "cap_grade" and capped in names and names.index(capped) >= level:
            blockers.append(f"发生一票否决事项“{v.name}”,等次最高为“{capped}”,任何得分都无法改变")
            hard = True
    bar_grades = {bar.reason: bar.grade for bar, _f in plan.bars}
    for reason in r.barred:
        barred = bar_grades.get(reason)
        if barred in names and names.index(barred) <= level - 1:
            blockers.append(f"{reason}(须先消除这一情形,与得分多少无关)")
    grade = plan.scheme.grades[level - 1]
    if grade.quota is not None:
        blockers.append(
            f"“{nxt}”等次有名额限制({'本组' if grade.quota_within == 'group' else '全体'}单位数的 "
            f"{fmt(grade.quota * 100)}%),达到分数线还须在名额之内"
        )
    target = f"“{nxt}”等次(分数线 {fmt(line)} 分)"
    if hard:
        head = f"总分已达到{target}" if needed <= EPS else f"距{target}差 {plan.round.text(needed)} 分"
        return Gap(target, needed, False, f"{head},但" + ";".join(blockers) + "。", blockers)
    if needed <= EPS:
        why = ";".join(blockers) if blockers else "等次受名额限制"
        return Gap(
            target,
            0.0,
            bool(r.barred) or grade.quota is not None,
            f"总分已达到{target},未评为“{nxt}”是因为:{why}。",
            blockers,
        )
    if max_total < line - EPS:
        text = (
            f"距{target}差 {plan.round.text(needed)} 分;即使所有可改进的指标都得满分并取得全部可得加分,"
            f"总分最高 {plan.round.text(max_total)} 分,仍达不到分数线,差距无法弥补。"
        )
        return Gap(target, needed, False, text, blockers)
    route, ok = _route(plan, rs, index, suggestions, needed)
    names_by_id = {s.id: s.name for s in suggestions}
    text = f"距{target}差 {plan.round.text(needed)} 分"
    if ok and route:
        text += ";" + (
            "改进 "
            + "、".join(f"{i} {names_by_id[i]}" for i in route)
            + ("一项即可" if len(route) == 1 else f"这 {len(route)} 项可以达到")
        )
    text += "。" + ("".join(f"另:{b}。" for b in blockers) if blockers else "")
    return Gap(target, needed, ok, text, blockers, route if ok else [])


def _rank_gap(
    plan: Plan, rs: Rescorer, index: int, r: UnitResult, suggestions: list[Suggestion], max_total: float
) -> Gap:
    if r.rank is None:
        return Gap("名次", None, False, "单独评分,没有名次;用 --cohort 指定同批参评单位后可计算名次差距。")
    scope = "组内" if r.group else ""
    if r.rank == 1:
        return Gap(f"{scope}第 1 名", None, True, f"已列{scope}第 1 名。")
    above = [o for o in rs.results if o.group == r.group and o.rank is not None and o.rank < r.rank]
    nearest = max(above, key=lambda o: (o.rank or 0, -o.total))
    needed = plan.round(nearest.total - r.total)
    q = 10.0**-plan.scheme.rounding.decimals
    target = f"{scope}第 {nearest.rank} 名({nearest.unit},{plan.round.text(nearest.total)} 分)"
    if any(v.effect == "zero" for v in r.vetoes):
        return Gap(
            target,
            needed,
            False,
            f"距{target}差 {plan.round.text(needed)} 分,但发生一票否决事项,总分计为 0,任何得分都无法改变。",
        )
    text = (
        f"距{target}差 {plan.round.text(needed)} 分:再得 {plan.round.text(needed)} 分可与其同分"
        f"(同分按方案的同分规则比较),得 {plan.round.text(needed + q)} 分可超过"
    )
    if max_total < nearest.total - EPS:
        return Gap(target, needed, False, text + f";但总分最高 {plan.round.text(max_total)} 分,无法超过。")
    route, ok = _route(plan, rs, index, suggestions, needed + q)
    names_by_id = {s.id: s.name for s in suggestions}
    if ok and route:
        text += (
            ";改进 "
            + "、".join(f"{i} {names_by_id[i]}" for i in route)
            + ("一项即可" if len(route) == 1 else f"这 {len(route)} 项可以超过")
        )
    return Gap(target, needed, ok, text + "。", [], route if ok else [])


# ---- --set -------------------------------------------------------------------


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
        raise UsageError(f"--set 的值“{text}”不是数字(可写 75、75%、是、否)") from None
    if not math.isfinite(value):
        raise UsageError(f"--set 的值“{text}”不是有限的数字")
    return value


def parse_assignments(plan: Plan, texts: list[str]) -> list[Assignment]:
    """``1.2.3=75``, ``产业资金=1200``, ``消除风险人数=3000``: indicator or field, by id or name."""
    keys = input_keys(plan)
    out: list[Assignment] = []
    for text in texts:
        if "=" not in text:
            raise UsageError(f"--set “{text}”应写成 编码=数值,如 --set 1.5=62 或 --set 产业资金=1200")
        key, raw = text.split("=", 1)
        key = key.strip()
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
                leaves = "、".join(_leaves(plan, f.formula.names))
                raise UsageError(f"字段“{key}”由公式 {f.formula.text} 计算,不能直接指定;请改为指定 {leaves}")
            out.append(
                Assignment(key, f.name, "env" if f.aggregate is not None else "input", fid, value, text)
            )
            continue
        spec = next((s for s in plan.read.inputs if key in (s.key, s.name)), None)
        if spec is not None:
            out.append(Assignment(key, spec.name, "input", spec.key, value, text))
            continue
        raise UsageError(f"--set “{text}”:方案中没有编码或名称为“{key}”的指标或字段")
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
