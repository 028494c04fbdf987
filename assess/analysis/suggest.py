"""Every way a unit could win points, each with the total it would gain.

The gain is measured by re-scoring the unit with the needed value, so
rescaling for 缺项, category weights, shared deduction caps (deduct_groups)
and the bonus cap are all taken into account.  Cohort rules (rank, relative,
minmax) depend on the other units' values, which are taken as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assess.analysis.advice import Change, Suggestion, num_text, value_text
from assess.analysis.aims import COUNT_UNITS, EPS, Aim, aim_text, aims, is_lower, scored_value
from assess.analysis.rescore import Rescorer, input_keys, with_indicator, with_inputs
from assess.analysis.solve import solve_inputs
from assess.scheme.plan import Plan, PlanIndicator
from assess.scheme.walk import id_key, walk_indicators
from assess.scoring import rules as R
from assess.scoring.engine import rule_of
from assess.scoring.numbers import fmt, fmt_value
from assess.scoring.result import UnitResult
from assess.workbook.data import OK


def overridden(plan: Plan, ind: PlanIndicator, p: Any) -> Any:
    """The override (得分调整) that decides the indicator's score for this unit whatever its value,
    if any (one whose condition reads the indicator's own value may stop holding: not this)."""
    if not ind.overrides:
        return None
    from assess.scoring.overrides import holding

    item = holding(ind, p.env)[0]
    formula = next((f for o, f in ind.overrides if o is item), None)
    if formula is None:
        return None
    names = {plan.name_aliases.get(n, n) for n in formula.names}
    own = ("value", ind.id) in formula.refs or (ind.formula is None and ind.key in names)
    if ind.formula is not None:  # a computed value moves with the fields it is computed from
        own = own or bool(names & {plan.name_aliases.get(n, n) for n in ind.formula.names})
    return None if own else item


def override_notes(plan: Plan, rs: Rescorer, index: int, result: UnitResult) -> list[str]:
    """Indicators a fact scores whatever their value: no value to aim at, said instead."""
    p = rs.prepared[index]
    out = []
    for i, ind in enumerate(plan.indicators):
        res = result.indicators[i]
        item = overridden(plan, ind, p)
        if item is not None and res.score is not None and res.lost > EPS:
            out.append(
                f"指标 {ind.id}“{ind.name}”因“{item.reason}”按得分调整计 {fmt(res.score)} 分,"
                "提高该项数值不能增加得分"
            )
    return out


def _deduct_group_note(plan: Plan, ind: PlanIndicator) -> str:
    gid = getattr(ind.rule, "cap_group", None)
    group = next((g for g in plan.scheme.deduct_groups if g.id == gid), None)
    if group is None:
        return ""
    return f"受“{group.name}”合计扣分上限 {fmt(group.cap)} 分约束"


def unit_suggestions(plan: Plan, rs: Rescorer, index: int, result: UnitResult) -> list[Suggestion]:
    p = rs.prepared[index]
    base = result.total
    specs = {s.key: s for s in plan.read.inputs}
    out: list[Suggestion] = []
    for i, ind in enumerate(plan.indicators):
        res = result.indicators[i]
        if not res.applicable or res.lost <= EPS:
            continue
        rule = rule_of(plan, ind, p)  # with the unit's own target where the rule takes one from a field
        if rule is None:  # its own target is blank or wrong: no value to aim at
            continue
        if overridden(plan, ind, p) is not None:  # a fact decides its score (得分调整): said in the notes
            continue
        value = p.values[i].value if p.values[i].status == OK else None
        if rule.type in R.COHORT_RULES:
            s = _cohort_suggestion(plan, rs, index, i, ind, rule, value, res.score or 0.0, base)
            if s is not None:
                out.append(s)
            continue
        lower = is_lower(ind, rule)
        integer = ind.kind == "count" or rule.type == "deduct" or ind.unit in COUNT_UNITS
        found = aims(ind, rule, value, res.score or 0.0, res.points)
        for aim in found:
            number = scored_value(aim, lower, integer)
            why = _out_of_bounds(plan, ind, specs, p, number, lower, integer)
            feasible = why is None
            new = with_indicator(plan, p, i, number)
            if ind.formula is None and ind.key in input_keys(plan):
                new = with_inputs(plan, p, {ind.key: number})
            gain = plan.round(rs.total(index, new) - base)
            changes = solve_inputs(plan, ind, p, aim.value, lower, aim.strict) if ind.formula else []
            out.append(
                _suggestion(plan, ind, rule, value, aim, lower, res.lost, gain, changes, feasible, why)
            )
    return out


def _out_of_bounds(
    plan: Plan,
    ind: PlanIndicator,
    specs: Mapping[str, Any],
    p: Any,
    number: float,
    lower: bool,
    integer: bool,
) -> str | None:
    """Why a reported value of ``number`` cannot be had (None: it can): above the field's
    maximum, above the whole it is part of (a count never above its total), below its minimum."""
    unit = ind.unit
    if not lower:
        maximum = _max_of(plan, ind, specs)
        if maximum is not None and number > maximum + EPS:
            return f"超过取值上限 {num_text(maximum, unit)},无法达到"
        spec = specs.get(ind.key)
        whole = spec.part_of if spec is not None else None
        limit = p.env.get(whole) if whole else None
        if isinstance(limit, (int, float)) and number > float(limit) + EPS:
            f = plan.fields.get(whole or "")
            return f"超过{f.name if f is not None else whole} {num_text(float(limit), unit)},无法达到"
        return None
    spec = specs.get(ind.key)
    minimum = spec.minimum if spec is not None else None
    if minimum is None:
        minimum = next((i.min for i, _c, _k in walk_indicators(plan.scheme) if i.id == ind.id), None)
    if minimum is None and (integer or ind.unit == "%"):
        minimum = 0.0
    if minimum is not None and number < minimum - EPS:
        return f"低于取值下限 {num_text(float(minimum), unit)},无法达到"
    return None


def input_specs(plan: Plan) -> dict[str, Any]:
    return {s.key: s for s in plan.read.inputs}


def _max_of(plan: Plan, ind: PlanIndicator, specs: Mapping[str, Any]) -> float | None:
    """The largest value the indicator can take (its declared max), if any."""
    spec = specs.get(ind.key)
    if spec is not None and spec.maximum is not None:
        return float(spec.maximum)
    declared = next((i.max for i, _c, _k in walk_indicators(plan.scheme) if i.id == ind.id), None)
    return float(declared) if declared is not None else None


def _suggestion(
    plan: Plan,
    ind: PlanIndicator,
    rule: Any,
    value: float | None,
    aim: Aim,
    lower: bool,
    lost: float,
    gain: float,
    changes: list[Change],
    feasible: bool,
    why: str | None = None,
) -> Suggestion:
    target = aim_text(ind, aim, lower, value)
    line = "baseline" if rule.type == "step" else "target"
    if type(rule) is R.OwnLines and line in rule.own and aim.value == getattr(rule, line):
        target += f"(本单位{R.OWN_WORDS[line]})"  # the unit's own target, not one for all
    if rule.type == "boolean":
        head = f"{ind.name}需由{value_text(ind, value)}改为{target}"
    elif rule.type == "deduct":
        head = f"{ind.name}需由 {num_text(value, ind.unit or '个')} 减少到 {target}"
    elif rule.type == "ladder":  # words, quoted: no spaces around them
        head = (
            f"{ind.name}(未填报)需达到{target}"
            if value is None
            else f"{ind.name}需由{value_text(ind, value)}提高到{target}"
        )
    elif value is None:
        head = f"{ind.name}(未填报)需达到 {target}"
    else:
        verb = "降低到" if lower else "提高到"
        head = f"{ind.name}需由 {value_text(ind, value)} {verb} {target}"
    what = {
        "满分": "方可得满分",
        "下一档": "方可进入上一档",
        "最高档": "方可进入最高档",
        "少扣一档": "方可少扣一档",
        "开始少扣分": "方开始少扣分",
        "达到目标": "方可得基本分",
        "最高分": "方可得最高分",
    }.get(aim.label, "")
    note = ""
    if gain <= EPS:
        note = _deduct_group_note(plan, ind) or "总分不变"
        tail = f",但{note},总分不增加" if note != "总分不变" else ",但总分不增加"
    else:
        tail = f",可增 {plan.round.text(gain)} 分"
    said, reachable = _changes_text(changes)
    tail += said
    feasible = feasible and reachable
    if not feasible and not changes:
        tail += f"({why or '超出取值上限,无法达到'})"
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
        text=_joined(head, what) + tail,
        changes=changes,
        feasible=feasible,
        note=note,
    )


def _joined(head: str, what: str) -> str:
    """Head and condition with a space after a number or unit, none after a closing quote or bracket."""
    if not what:
        return head
    return f"{head}{'' if head.endswith(('”', ')')) else ' '}{what}"


def _changes_text(changes: list[Change]) -> tuple[str, bool]:
    """The reported fields to change, in brackets, and whether any of them can.

    Any one reachable change is enough (或); when none is, each is listed with
    why it is out of reach and the suggestion itself is out of reach.
    """
    ok = [c for c in changes if c.feasible]
    if ok:
        return "(即" + "或".join(c.text() for c in ok) + ")", True
    if changes:
        return "(" + ";".join(c.text() for c in changes) + ")", False
    return "", True


def group_suggestions(plan: Plan, rs: Rescorer, index: int, result: UnitResult) -> list[Suggestion]:
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
        what = f"达到排在其前的单位的数值 {num_text(needed, ind.unit)} 可升一个名次"
    elif rule.type == "relative" and rule.to == "average":
        avg = sum(peers) / len(peers)
        at = rule.at_average or 0.0
        points = ind.points_for(p.group)
        cap = points if rule.cap is None else min(points, rule.cap)
        if at <= 0:
            return None
        needed = avg * at / cap if lower else avg * cap / at
        aim = "满分"
        ratio = fmt_value((at / cap if lower else cap / at) * 100, "%", fixed=False)
        what = f"约为其他单位平均值 {num_text(avg, ind.unit)} 的 {ratio},方可得满分"
    else:
        needed = best
        aim = "满分"
        # As the engine labels the cohort: 组内 only when the unit is in a group.
        scope = "组内" if rule.within == "group" and p.group else "全体"
        what = f"达到{scope}最好值 {num_text(best, ind.unit)} 方可得满分"
    new = with_indicator(plan, p, i, needed)
    if ind.formula is None and ind.key in input_keys(plan):
        new = with_inputs(plan, p, {ind.key: needed})
    results = rs.cohort(index, new)
    gain = plan.round(results[index].total - base)
    verb = "降低到" if lower else "提高到"
    text = (
        f"{ind.name}按{_COHORT_WORDS[rule.type]}计分,取决于其他单位:需由 {num_text(value, ind.unit)} "
        f"{verb} {num_text(needed, ind.unit)}({what}),按其他单位现有数据可增 {plan.round.text(max(0.0, gain))} 分"
    )
    changes = solve_inputs(plan, ind, p, needed, lower, False) if ind.formula else []
    said, feasible = _changes_text(changes)
    text += said
    if (
        feasible
        and not lower
        and ind.unit == "%"
        and needed > 100 + EPS
        and _max_of(plan, ind, input_specs(plan)) is None
    ):
        # a share measured against the others' average can ask for more than the whole
        text += ";所需数值超过 100%,实际难以达到"
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
        lost=ind.points_for(p.group) - score,
        gain=max(0.0, gain),
        text=text,
        changes=changes,
        feasible=feasible,
    )


_COHORT_WORDS = {"rank": "排名", "relative": "相对值", "minmax": "极差法"}


def bonus_suggestions(plan: Plan, result: UnitResult) -> tuple[list[Suggestion], list[str]]:
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
        notes.append(f"{plan.bonus_word}已达合计上限 {fmt(cap)} 分,再取得{plan.bonus_word}项也不能增加总分")
        return out, notes
    for item in section.items:
        if not plan.has_bonus(result.group, item.id):
            continue  # an item only other groups have (分类考核)
        have = got.get(item.id, 0.0)
        left = item.points - have
        if left <= EPS:
            continue
        gain = left if room is None else min(left, room)
        word = plan.bonus_word  # 加分, or the scheme's own name (附加分)
        capped = f"(受{word}合计上限 {fmt(cap)} 分限制)" if room is not None and room < left - EPS else ""
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
                text=f"{word}项“{item.name}”尚可加 {plan.round.text(gain)} 分{capped}",
            )
        )
    return out, notes


def grouped(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Indicators by the most they can win (largest first); each one's full-points step first."""
    by_id: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        by_id.setdefault(s.id, []).append(s)
    order = sorted(by_id.values(), key=lambda g: (-max(s.gain for s in g), -g[0].lost, id_key(g[0].id)))
    out: list[Suggestion] = []
    for group in order:
        out += sorted(group, key=lambda s: -s.gain)
    return out
