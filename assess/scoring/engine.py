"""Plan × cohort → results.

Scoring runs in two passes.  ``prepare`` turns one unit's data into the value
of every leaf indicator (fields, aggregates, formulas; each with its origin),
once.  ``score_prepared`` applies the rules to those values; it is cheap and
can be re-run with other parameters (sensitivity analysis) without reading or
evaluating anything again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from assess.errors import DataError, Location
from assess.scheme.plan import Plan, PlanIndicator
from assess.scoring import rules as R
from assess.scoring.aggregate import TOO_LARGE, aggregate
from assess.scoring.grades import band_grade
from assess.scoring.numbers import fmt, fmt_value
from assess.scoring.result import OUTSIDE, Adjustment, CategoryResult, IndicatorResult, UnitResult
from assess.scoring.source_note import with_source_note
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, OK, UnitData

COHORT = "cohort"  # status of a cohort indicator scored without a cohort


@dataclass(slots=True)
class IndicatorValue:
    value: float | None
    status: str
    reason: str = ""
    source: str = ""
    inputs: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Prepared:
    """A unit's values, ready for any number of scoring passes."""

    unit: UnitData
    group: str | None
    env: dict[str, object]
    values: list[IndicatorValue]  # aligned with plan.indicators


def prepare(plan: Plan, unit: UnitData) -> Prepared:
    env: dict[str, object] = {}
    status: dict[str, str] = {}
    reason: dict[str, str] = {}
    source: dict[str, str] = {}
    reported = unit.values
    for key in plan.env_keys:
        if key not in reported:
            continue
        val = reported[key]
        if val.status == OK:
            env[key] = val.number
            if val.origin and val.raw is None and val.note:  # a source computed it: said in the basis
                reason[key] = val.note  # (see source_note.py)
        else:
            env[key] = None
            reason[key] = val.note
        status[key] = val.status
        source[key] = val.source
    for fid in plan.aggregates:
        f = plan.fields[fid]
        assert f.aggregate is not None
        table = unit.tables.get(f.aggregate.table)
        if table is None:
            env[fid], status[fid], reason[fid] = None, MISSING, "未提供明细表"
            continue
        got = aggregate(f.aggregate, f.where, table)
        if got is not None and not math.isfinite(got):  # a sum of cells near 1e308 overflows
            env[fid], status[fid], reason[fid] = None, ERROR, TOO_LARGE
        else:
            env[fid], status[fid] = got, OK if got is not None else MISSING
        name = table.file.replace("\\", "/").rsplit("/", 1)[-1]
        source[fid] = f"{name} {table.sheet}({len(table)} 行)".strip()
    # A name stands for its field as soon as the field has its value: reported and aggregated
    # fields before any derived one, a derived field right after it is computed, so that a
    # derived formula may name the fields it uses (plan.derived_order follows the names).
    derived = plan.derived_aliases
    for name, fid in plan.env_aliases:
        if fid not in derived:
            env.setdefault(name, env.get(fid))
            status.setdefault(name, status.get(fid, MISSING))
    for fid in plan.derived_order:
        formula = plan.fields[fid].formula
        assert formula is not None
        _formula_value(plan, formula, env, status, reason, fid)
        for name in derived.get(fid, ()):
            env.setdefault(name, env.get(fid))
            status.setdefault(name, status.get(fid, MISSING))
    values: list[IndicatorValue] = []
    for ind in plan.indicators:
        if ind.formula is not None:
            key = "value:" + ind.id
            _formula_value(plan, ind.formula, env, status, reason, key)
            inputs = [
                {
                    "name": n,
                    "value": env.get(n),
                    "status": status.get(n, MISSING),
                    "source": source.get(plan.name_aliases.get(n, n), ""),
                }
                for n in sorted(ind.formula.names)
            ]
            values.append(
                IndicatorValue(
                    env[key],  # type: ignore[arg-type]
                    status[key],
                    reason.get(key, ""),
                    ind.formula.text,
                    inputs,
                )
            )
        else:
            raw = env.get(ind.key)
            st = status.get(ind.key, MISSING)
            values.append(
                IndicatorValue(
                    raw if isinstance(raw, (int, float)) else None,
                    st,
                    reason.get(ind.key, ""),
                    source.get(ind.key, ""),
                )
            )
            env["value:" + ind.id] = raw
    return Prepared(unit, plan.group_of(unit.group, unit.unit), env, values)


def _formula_value(
    plan: Plan,
    formula: Any,
    env: dict[str, object],
    status: dict[str, str],
    reason: dict[str, str],
    key: str,
) -> None:
    names = [plan.name_aliases.get(n, n) for n in sorted(formula.names)]
    refs = ["value:" + r for kind, r in sorted(formula.refs) if kind == "value"]
    states = [status.get(n, MISSING) for n in (*names, *refs)]
    if NOT_APPLICABLE in states:
        env[key], status[key], reason[key] = None, NOT_APPLICABLE, "所需数据不适用"
        return
    value, why = formula.evaluate(env)
    if value is None:
        bad = [n for n in names if status.get(n, MISSING) != OK]
        if bad:
            # a wrong input says what is wrong with it: "缺少" would send the clerk looking for a blank
            gaps = [n for n in bad if status.get(n, MISSING) != ERROR]
            parts = [f"缺少 {'、'.join(gaps)}"] if gaps else []
            parts += [f"{n}:{reason[n]}" if reason.get(n) else f"{n} 有误" for n in bad if n not in gaps]
            why = ";".join(parts)
        elif all(st == OK for st in states):
            why = f"无法计算({why})"  # every input is there: a zero denominator, text…
        err = any(status.get(n) == ERROR for n in names)
        env[key], status[key], reason[key] = None, ERROR if err else MISSING, why
        return
    # Clean binary artefacts (57 / 100 * 100 is 56.99999999999999) so that a
    # rate the clerk computes as exactly 57% meets a 57% target.
    env[key], status[key] = round(float(value), 9) if not isinstance(value, str) else value, OK


# ---- scoring ---------------------------------------------------------------


def score_units(plan: Plan, units: list[UnitData]) -> list[UnitResult]:
    """Score units as one cohort (cohort rules compare them with each other)."""
    prepared = [prepare(plan, u) for u in units]
    return score_prepared(plan, prepared, cohort=len(prepared) > 1)


def first_pass(plan: Plan, unit: UnitData) -> tuple[Prepared, list[IndicatorResult]]:
    """Everything about one unit that needs no other unit: its values and its unit-rule scores.

    ``rank`` runs this while the pool is still reading other files.
    """
    p = prepare(plan, unit)
    return p, [_unit_rule(plan, ind, p, i) for i, ind in enumerate(plan.indicators)]


def settled(plan: Plan) -> list[bool]:
    """Per indicator: whether its first-pass result is final (no cohort rule, no shared
    deduction cap), so that ``rank`` may encode it while the pool still reads."""
    capped = {g.id for g in plan.scheme.deduct_groups}
    cohort = set(plan.cohort_indicators)
    out = []
    for i, ind in enumerate(plan.indicators):
        rules = [ind.rule, *ind.rules_by_group.values()]
        shared = any(getattr(r, "cap_group", None) in capped for r in rules)
        out.append(i not in cohort and not shared)
    return out


def score_prepared(
    plan: Plan,
    prepared: list[Prepared],
    *,
    cohort: bool = True,
    rows: list[list[IndicatorResult]] | None = None,
) -> list[UnitResult]:
    """Score prepared units; ``rows`` are their first-pass scores when already computed."""
    scores = score_rows(plan, prepared, cohort=cohort, rows=rows)
    return [_finish(plan, p, row) for p, row in zip(prepared, scores, strict=True)]


def score_rows(
    plan: Plan,
    prepared: list[Prepared],
    *,
    cohort: bool = True,
    rows: list[list[IndicatorResult]] | None = None,
) -> list[list[IndicatorResult]]:
    """Every unit's indicator scores, cohort rules included, before totals (``_finish``)."""
    if rows is None:
        rows = [[_unit_rule(plan, ind, p, i) for i, ind in enumerate(plan.indicators)] for p in prepared]
    scores = rows
    for i in plan.cohort_indicators:
        ind = plan.indicators[i]
        if not cohort:
            for row in scores:
                if row[i].status == OK:
                    row[i] = _cohort_unscorable(ind, row[i])
            continue
        _score_cohort_indicator(plan, i, prepared, scores)
    return scores


def _base(plan: Plan, ind: PlanIndicator, value: IndicatorValue, rule: Any, points: float) -> IndicatorResult:
    return IndicatorResult(
        id=ind.id,
        name=ind.name,
        category=plan.categories[ind.category].id,
        points=points,
        unit=ind.unit,
        value=value.value,
        status=value.status,
        score=None,
        lost=0.0,
        basis="",
        rule=rule.type,
        source=value.source,
        inputs=value.inputs,
        department=ind.department,
        nature=ind.nature,
        parent=ind.parent,
        target=rule.__dict__.get("target"),  # not getattr: pydantic's miss path is slow
    )


def rule_of(plan: Plan, ind: PlanIndicator, p: Prepared) -> Any:
    """The rule a unit is scored by: its group's, with its own lines where the rule takes them
    from a field (按本单位目标计分); None when those cannot be used for this unit."""
    rule = ind.rule_for(p.group)
    if not ind.own_lines:
        return rule
    from assess.scoring.unit_lines import own_rule

    own, problem = own_rule(plan, ind, rule, p)
    return None if problem is not None else own


def _unit_rule(plan: Plan, ind: PlanIndicator, p: Prepared, i: int) -> IndicatorResult:
    res = _unit_score(plan, ind, p, i)
    if (
        ind.overrides and res.status != OUTSIDE
    ):  # 得分调整: a fact that decides the score (scoring/overrides.py)
        from assess.scoring.overrides import apply_override

        apply_override(plan, ind, p, res)
    return res


def _unit_score(plan: Plan, ind: PlanIndicator, p: Prepared, i: int) -> IndicatorResult:
    value = p.values[i]
    rule = ind.rule_for(p.group)
    if not ind.has(p.group):
        return _outside(plan, ind, p, value, rule)
    problem = None
    if ind.own_lines:
        from assess.scoring.unit_lines import own_rule

        rule, problem = own_rule(plan, ind, rule, p)
    points = ind.points_for(p.group)
    res = _base(plan, ind, value, rule, points)
    if value.status != OK or value.value is None:
        return _not_ok(plan, ind, res, value, p)
    if problem is not None:
        return _no_line(plan, ind, res, p, problem)
    fn = R.UNIT_RULES.get(rule.type)
    if fn is None:  # cohort rule: scored in the second pass
        return res
    score, basis = fn(value.value, points, rule, ind.direction, ind.unit)
    basis = _rated(ind, p, basis, value.value) if ind.levels else basis
    return _scored(plan, res, score, with_source_note(basis, value))


def _outside(
    plan: Plan, ind: PlanIndicator, p: Prepared, value: IndicatorValue, rule: Any
) -> IndicatorResult:
    """An indicator the unit's group is not assessed on: no points, no score; a value reported
    for it anyway is said, not scored (``group_sets``)."""
    res = _base(plan, ind, value, rule, 0.0)
    res.status = OUTSIDE
    res.applicable = False
    res.value = None
    group = plan.group_names.get(p.group or "", p.group or "")
    res.basis = f"{group}组不考核此项"
    if value.status == OK and value.value is not None:
        from assess.scoring.outside import not_in_set

        not_in_set(plan, ind, p, group)
    return res


def _scored(plan: Plan, res: IndicatorResult, score: float, basis: str) -> IndicatorResult:
    res.score = plan.round(score)
    res.lost = plan.round(res.points - res.score)
    res.basis = basis
    return res


def _not_ok(
    plan: Plan, ind: PlanIndicator, res: IndicatorResult, value: IndicatorValue, p: Prepared
) -> IndicatorResult:
    if value.status == NOT_APPLICABLE:
        res.applicable = False
        res.score = None
        res.basis = "不适用,按缺项处理" + ("" if plan.scheme.not_applicable == "none" else ",满分折算")
        return res
    if value.reason.startswith("无法计算("):
        why = value.reason  # reported, but the formula cannot be computed: not 未填报
    else:
        why = "未填报" if value.status == MISSING else "数据有误"
        if value.reason:
            why += f"({value.reason})"
    return _by_policy(plan, ind, res, p, why)


def _no_line(
    plan: Plan, ind: PlanIndicator, res: IndicatorResult, p: Prepared, problem: Any
) -> IndicatorResult:
    """A unit whose own target (floor, baseline) cannot be used: 不适用 is 缺项; blank or wrong
    is a data problem reported at its cell, and the indicator is scored by the missing policy."""
    head = f"实际值 {fmt_value(res.value, ind.unit)},{problem.text}"
    if problem.status == NOT_APPLICABLE:
        res.applicable = False
        res.score = None
        res.basis = f"{head},按缺项处理" + ("" if plan.scheme.not_applicable == "none" else ",满分折算")
        return res
    from assess.scoring.unit_lines import say

    say(p.unit, problem)  # a data problem at the target's cell, said once however often scored
    res.status = problem.status
    return _by_policy(plan, ind, res, p, f"{head},无法按本单位目标计分")


def _by_policy(
    plan: Plan, ind: PlanIndicator, res: IndicatorResult, p: Prepared, why: str
) -> IndicatorResult:
    """An indicator that has no score of its own, by the scheme's missing-value policy."""
    if ind.missing == "refuse":
        raise DataError(
            f"单位“{p.unit.unit}”的指标 {ind.id}“{ind.name}”{why};方案规定缺数据时不予评分",
            Location(file=p.unit.file),
        )
    if ind.missing == "exclude":
        res.applicable = False
        res.basis = f"{why},按缺项处理" + ("" if plan.scheme.not_applicable == "none" else ",满分折算")
        return res
    res.score = 0.0
    res.lost = res.points
    # Said as the scheme's rule only where the scheme writes one; else the 0 is provisional
    # (the blank or bad cell is an error finding, and score/rank exit 1).
    res.basis = f"{why},按方案计 0 分" if ind.missing_stated else f"{why},方案未规定缺数据如何计分,暂计 0 分"
    return res


def _rated(ind: PlanIndicator, p: Prepared, basis: str, value: float | None = None) -> str:
    """The basis of a rating indicator, led by the word reported and its points (a ladder's:
    by the word alone, its share being said by the rule)."""
    v = p.unit.values.get(ind.key)
    if ind.rule.type == "ladder" and value is not None:
        word = R.ladder_word(v.raw if v is not None else None, value, ind.levels)
        return f"“{word}”,{basis}" if word is not None else basis
    if v is None:
        return basis
    from assess.workbook.values import parse_rating

    _n, status, note = parse_rating(v.raw, ind.levels)
    return f"{note};{basis}" if status == OK and note else basis


def _cohort_unscorable(ind: PlanIndicator, res: IndicatorResult) -> IndicatorResult:
    words = {"rank": "按排名赋分", "relative": "按相对值计分", "minmax": "按极差法计分"}
    res.status = COHORT
    res.score = None
    res.basis = (
        f"实际值 {fmt_value(res.value, ind.unit)};该指标{words[res.rule]},"
        "须与其他单位一并评分,单独评分时无法计算,未计入总分"
    )
    return res


def _score_cohort_indicator(
    plan: Plan, i: int, prepared: list[Prepared], scores: list[list[IndicatorResult]]
) -> None:
    ind = plan.indicators[i]
    buckets: dict[tuple[str | None, str], list[int]] = {}
    for u, p in enumerate(prepared):
        if scores[u][i].status != OK:
            continue
        rule = ind.rule_for(p.group)
        scope = p.group if rule.within == "group" else None
        buckets.setdefault((scope, rule.within), []).append(u)
    for (scope, within), members in buckets.items():
        values = [prepared[u].values[i].value for u in members]
        label = (
            "全体"
            if within == "cohort"
            else f"{plan.group_names.get(scope or '', '')}组内"
            if scope
            else "全体"
        )
        stats = R.cohort_stats([float(v) for v in values if v is not None], ind.direction, label)
        for u in members:
            p = prepared[u]
            rule = ind.rule_for(p.group)
            value = p.values[i].value
            assert value is not None
            points = ind.points_for(p.group)
            score, basis = R.COHORT_RULES[rule.type](value, points, rule, ind.direction, ind.unit, stats)
            basis = _rated(ind, p, basis) if ind.levels else basis
            _scored(plan, scores[u][i], score, with_source_note(basis, p.values[i]))
            if ind.overrides:
                from assess.scoring.overrides import apply_override

                apply_override(plan, ind, p, scores[u][i])


def _apply_deduct_groups(plan: Plan, row: list[IndicatorResult]) -> None:
    """A cap shared by several deduct indicators: later items give back the excess."""
    for group in plan.scheme.deduct_groups:
        members = [
            (ind, res)
            for ind, res in zip(plan.indicators, row, strict=True)
            if res.rule == "deduct"
            and getattr(ind.rule, "cap_group", None) == group.id
            and res.score is not None
        ]
        used = 0.0
        for _ind, res in members:
            deducted = res.points - (res.score or 0.0)
            allowed = max(0.0, min(deducted, group.cap - used))
            if allowed < deducted:
                res.score = plan.round(res.points - allowed)
                res.lost = plan.round(allowed)
                res.basis += f";与同组指标合计扣分达上限 {fmt(group.cap)} 分,本项实扣 {fmt(allowed)} 分"
            used += allowed


def _finish(plan: Plan, p: Prepared, row: list[IndicatorResult]) -> UnitResult:
    from assess.scoring.total import finish_unit

    _apply_deduct_groups(plan, row)
    result = finish_unit(plan, p, row)
    result.band_grade = band_grade(plan, result.total)
    return result


__all__ = ["Adjustment", "CategoryResult", "Prepared", "prepare", "score_prepared", "score_units"]
