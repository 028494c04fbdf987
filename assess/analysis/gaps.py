"""Gap to the next grade and the next rank, and the fewest improvements that close it.

For every indicator that lost points the value that would earn them is worked
out (``suggest``), and the suggestions are combined, largest gain first and
re-scored together so that caps interact as they would, until the gap is
closed.  Vetoes and bars that no points can lift are stated, as is a gap that
stays out of reach even with every indicator at full points.
"""

from __future__ import annotations

import math

from assess.analysis.advice import Explanation, Gap, Suggestion
from assess.analysis.aims import COUNT_UNITS, EPS, Aim, is_lower, scored_value
from assess.analysis.rescore import Rescorer, input_keys, with_indicator, with_inputs
from assess.analysis.suggest import (
    bonus_suggestions,
    group_suggestions,
    grouped,
    override_notes,
    unit_suggestions,
)
from assess.scheme.plan import Plan
from assess.scoring.engine import rule_of
from assess.scoring.numbers import fmt, fmt_value
from assess.scoring.result import UnitResult


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
        number = scored_value(
            Aim(s.needed or 0.0, s.strict, ""),
            is_lower(ind, rule_of(plan, ind, p) or ind.rule_for(p.group)),
            ind.kind == "count" or s.rule == "deduct" or ind.unit in COUNT_UNITS,
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
    suggestions = unit_suggestions(plan, rs, index, result) + group_suggestions(plan, rs, index, result)
    bonus, notes = bonus_suggestions(plan, result)
    notes += override_notes(plan, rs, index, result)
    suggestions = grouped(suggestions)
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
        scope = "本组" if grade.quota_within == "group" and r.group else "全体"
        share = fmt_value(grade.quota * 100, "%", fixed=False)
        blockers.append(f"“{nxt}”等次有名额限制({scope}单位数的 {share}),达到分数线还须在名额之内")
    elif grade.quota_count is not None:
        from assess.scoring.ranking import count_for

        scope = "本组" if grade.quota_within == "group" and r.group else "全体"
        count = count_for(plan, grade.quota_count, r.group if grade.quota_within == "group" else None)
        if count is not None:
            blockers.append(f"“{nxt}”等次有名额限制({scope} {count} 个),达到分数线还须在名额之内")
    target = f"“{nxt}”等次(分数线 {fmt(line)} 分)"
    if hard:
        head = f"总分已达到{target}" if needed <= EPS else f"距{target}差 {plan.round.text(needed)} 分"
        return Gap(target, needed, False, f"{head},但" + ";".join(blockers) + "。", blockers)
    if needed <= EPS:
        why = ";".join(blockers) if blockers else "等次受名额限制"
        return Gap(
            target,
            0.0,
            bool(r.barred) or grade.quota is not None or grade.quota_count is not None,
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
    if not r.ranked:
        return Gap("名次", None, False, "方案规定该单位只评分、定等次,不参加排名(ranked: false),没有名次。")
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
    if max_total < nearest.total + q - EPS:  # reaching its total only ties; passing needs one step more
        reach = "至多与其同分,无法超过" if max_total >= nearest.total - EPS else "无法超过"
        return Gap(target, needed, False, text + f";但总分最高 {plan.round.text(max_total)} 分,{reach}。")
    route, ok = _route(plan, rs, index, suggestions, needed + q)
    names_by_id = {s.id: s.name for s in suggestions}
    if ok and route:
        text += (
            ";改进 "
            + "、".join(f"{i} {names_by_id[i]}" for i in route)
            + ("一项即可" if len(route) == 1 else f"这 {len(route)} 项可以超过")
        )
    return Gap(target, needed, ok, text + "。", [], route if ok else [])
