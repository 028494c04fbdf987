"""From indicator scores to a unit's total: levels, categories, rescaling,
weighted parts, bonus, penalties and vetoes, each rounded once at its step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assess.errors import Finding, Location
from assess.scoring import rules as R
from assess.scoring.grades import grade_unit
from assess.scoring.numbers import fmt, fmt_value
from assess.scoring.result import OUTSIDE, Adjustment, CategoryResult, IndicatorResult, UnitResult
from assess.scoring.source_note import after_count, made_note

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.engine import Prepared


def _num(env: dict[str, object], key: str) -> float | None:
    value = env.get(key)
    return float(value) if isinstance(value, (int, float)) else None


def _parents(plan: Plan, row: list[IndicatorResult]) -> list[IndicatorResult]:
    """Second-level indicators that have third-level children, as sums of them."""
    out: list[IndicatorResult] = []
    for pid, parent in plan.parents.items():
        kids = [r for r in row if r.parent == pid]
        scored = [r for r in kids if r.score is not None]
        applicable = [r for r in kids if r.applicable]
        score = plan.round.sum([r.score or 0.0 for r in scored]) if scored else None
        inside = [r for r in kids if r.status != OUTSIDE]
        out.append(
            IndicatorResult(
                id=pid,
                name=parent.name,
                category=kids[0].category if kids else "",
                points=parent.points if not plan.sets else sum(r.points for r in inside),
                unit=None,
                value=None,
                status=OUTSIDE if kids and not inside else "ok" if applicable else "na",
                score=score,
                lost=plan.round(sum(r.lost for r in kids)),
                basis=f"由 {len(inside)} 项三级指标得分合计",
                rule="sum",
                applicable=bool(applicable),
                department=parent.department,
            )
        )
    return out


def finish_unit(plan: Plan, p: Prepared, row: list[IndicatorResult]) -> UnitResult:
    s = plan.scheme
    rnd = plan.round
    categories: list[CategoryResult] = []
    leaf_totals: list[float] = []
    cat_points = plan.category_points(p.group)  # a group's own where its set differs (分类考核)
    for ci, cat in enumerate(s.categories):
        members = [row[i] for i in plan.category_members[ci]]
        earned = rnd.sum([r.score for r in members if r.score is not None])
        # A cohort indicator scored alone stays in the applicable points: the total is then a
        # lower bound (the indicator is named as not counted), never scaled up as if 不适用.
        applicable = sum(r.points for r in members if r.applicable)
        leaf_points = sum(r.points for r in members)
        leaf_totals.append(leaf_points)
        score = earned
        if s.not_applicable == "rescale_category" and 0 < applicable < leaf_points:
            score = rnd(earned / applicable * cat_points[ci])
        categories.append(CategoryResult(cat.id, cat.name, cat_points[ci], score, applicable, earned))
    applicable_total = sum(c.applicable_points for c in categories)
    full_leaf = sum(r.points for r in row)
    if any(c.weight is not None for c in s.categories):
        base = sum(
            (c.score / c.points if c.points else 0.0) * (cat.weight or 0.0) * s.full_score
            for c, cat in zip(categories, s.categories, strict=True)
        )
        if s.not_applicable == "rescale_total":
            # the same weighting applied to the applicable and to all leaf points
            reachable = sum(
                (c.applicable_points / c.points if c.points else 0.0) * (cat.weight or 0.0) * s.full_score
                for c, cat in zip(categories, s.categories, strict=True)
            )
            complete = sum(
                (leaf / c.points if c.points else 0.0) * (cat.weight or 0.0) * s.full_score
                for c, cat, leaf in zip(categories, s.categories, leaf_totals, strict=True)
            )
            if 0 < reachable < complete - 1e-9:
                base = base / reachable * s.full_score
    else:
        base = sum(c.score for c in categories)
        if s.not_applicable == "rescale_total" and 0 < applicable_total < full_leaf - 1e-9:
            base = base / applicable_total * s.full_score
    base = rnd(base)
    parts: list[dict[str, Any]] = []
    if s.composition:
        combined = 0.0
        for part in s.composition:
            if part.source == "categories":
                part_score: float | None = base / s.full_score * part.scale
            else:
                part_score = _num(p.env, part.field or part.id)
            contrib = 0.0 if part_score is None else part_score / part.scale * s.full_score * part.weight
            combined += contrib
            parts.append(
                {
                    "id": part.id,
                    "name": part.name,
                    "weight": part.weight,
                    "scale": float(part.scale),
                    "score": part_score,
                    "weighted": rnd(contrib),
                }
            )
        base = rnd(combined)
    bonus, bonus_total = _bonus(plan, p)
    no_set = plan.sets and p.group not in plan.sets
    penalties, penalty_total = _penalties(plan, p)
    unknown: list[str] = []
    vetoes = _vetoes(plan, p, row, unknown)
    total = max(0.0, base + bonus_total - penalty_total)
    if any(v.effect == "zero" for v in vetoes):
        total = 0.0
    result = UnitResult(
        unit=p.unit.unit,
        group=p.group,
        group_name=plan.group_names.get(p.group or "") or p.unit.group,
        file=p.unit.file,
        indicators=row + _parents(plan, row),
        categories=categories,
        bonus=bonus,
        bonus_total=bonus_total,
        penalties=penalties,
        penalty_total=penalty_total,
        vetoes=vetoes,
        base_total=base,
        total=rnd(total),
        applicable_points=applicable_total,
        incomplete=[r.id for r in row if r.status == "cohort"],
        parts=parts,
        findings=[f.to_dict() for f in p.unit.findings],
    )
    grade_unit(plan, result, p.env)
    if no_set:
        text = (
            f"单位“{p.unit.unit}”没有分组,方案各组考核的指标或分值不同,无法确定按哪一组评分;"
            "已按方案所列全部指标暂计,请在方案 units 或填报表中写明分组"
        )
        result.findings.append(Finding("no-group", text, Location(file=p.unit.file)).to_dict())
    for text in unknown:
        result.findings.append(Finding("veto-unknown", text, Location(file=p.unit.file), "warning").to_dict())
    return result


def _bonus(plan: Plan, p: Prepared) -> tuple[list[Adjustment], float]:
    section = plan.scheme.bonus
    if section is None:
        return [], 0.0
    out: list[Adjustment] = []
    for item in section.items:
        if not plan.has_bonus(p.group, item.id):
            continue  # a bonus item only other groups have (分类考核)
        value = _num(p.env, item.field or item.id)
        if value is None:
            out.append(Adjustment(item.id, item.name, None, 0.0, "未填报,不加分", item.department))
            continue
        fn = R.UNIT_RULES[item.rule.type]
        score, basis = fn(value, item.points, item.rule, "higher", item.unit)
        score = plan.round(score)
        if item.rule.type == "boolean" and score:
            basis = f"符合加分条件,加 {fmt(score)} 分"
        elif item.rule.type == "boolean":
            basis = "不符合加分条件,不加分"
        out.append(Adjustment(item.id, item.name, value, score, basis, item.department))
    return out, _capped(plan, out, section.cap, "bonus-cap", plan.bonus_word)


def _penalties(plan: Plan, p: Prepared) -> tuple[list[Adjustment], float]:
    section = plan.scheme.penalties
    if section is None:
        return [], 0.0
    out: list[Adjustment] = []
    for item in section.items:
        count = _num(p.env, item.field or item.id) or 0.0
        if count <= 0:
            continue
        raw = count * item.per_item
        deducted = raw if item.cap is None else min(raw, item.cap)
        capped = f"(该项上限 {fmt(item.cap)} 分)" if item.cap is not None and raw > item.cap else ""
        basis = f"{item.name} {fmt(count)} {item.unit or '个'},每{item.unit or '个'}扣 {fmt(item.per_item)} 分,扣 {fmt(deducted)} 分{capped}"
        key = plan.name_aliases.get(item.field, item.field) if item.field else item.id
        note = made_note(p.unit.values.get(key))  # a count from a findings list: what was found
        if note:
            basis = after_count(basis, note)
        out.append(Adjustment(item.id, item.name, count, plan.round(deducted), basis, item.department))
    return out, _capped(plan, out, section.cap, "penalty-cap", "扣分")


def _capped(plan: Plan, out: list[Adjustment], cap: float | None, ident: str, word: str) -> float:
    """A section's total held to its cap; the cut is its own line, so the sheet still adds up."""
    raw = sum(a.score for a in out)
    total = raw if cap is None else min(raw, cap)
    if total < raw:
        out.append(
            Adjustment(
                ident,
                f"{word}上限",
                None,
                plan.round(total - raw),
                f"{word}合计 {fmt(raw)} 分,超过上限 {fmt(cap or 0)} 分,按上限计",
            )
        )
    return plan.round(total)


def _vetoes(plan: Plan, p: Prepared, row: list[IndicatorResult], unknown: list[str]) -> list[Adjustment]:
    """Triggered vetoes; a condition that cannot be evaluated is reported in ``unknown``."""
    out: list[Adjustment] = []
    env = p.env
    for veto, formula in plan.vetoes:
        value, why = formula.evaluate(env)
        if value is None:
            unknown.append(f"一票否决事项“{veto.name}”无法判断({why}),未认定;请核实后补报")
            continue
        if value:
            effect = {
                "lowest": "等次定为最低等次",
                "cap_grade": f"等次最高为“{veto.grade}”",
                "zero": "总分计为 0",
            }[veto.effect]
            out.append(
                Adjustment(
                    veto.id,
                    veto.name,
                    1.0,
                    0.0,
                    f"{veto.name}({veto.when}),一票否决:{effect}",
                    veto.department,
                    veto.effect,
                )
            )
    return out


__all__ = ["finish_unit", "fmt_value"]
