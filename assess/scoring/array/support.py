"""What the array path can score: one decision for ``rank --brief`` and ``rank --sensitivity``.

``array_support`` lists, in Chinese, every reason the array path cannot reproduce the
engine for a scheme (and, when given, a run); an empty list means it can, exactly.  Every
scheme option it does not list is honoured as the engine honours it, which
``tests/scoring/test_contract.py`` checks on generated schemes.

Options are known by name: a setting the array path was not written for (a key added to
grades, bars, vetoes, ranking, rounding, parts or the sections of bonus and penalties) is
a refusal until the array path mirrors it, so that a new engine feature can never be
silently ignored by the array path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assess.scoring.conditions import placed

if TYPE_CHECKING:
    from assess.scheme.plan import Plan

# Rule types the array core scores (``FastCohort._rule`` and ``_cohort_rule``).
UNIT_RULES = frozenset(
    {"threshold", "linear", "step", "bands", "ratio", "deduct", "boolean", "direct", "base", "ladder"}
)
COHORT_RULES = frozenset({"rank", "relative", "minmax"})
BONUS_RULES = frozenset({"bonus", *UNIT_RULES})
VETO_EFFECTS = frozenset({"lowest", "cap_grade", "zero"})
ROUNDING_MODES = frozenset({"half_up", "half_even", "down"})

# The settings the array path mirrors, per scheme object: anything else written in the
# scheme is a refusal (see the module docstring).
_KNOWN: dict[str, frozenset[str]] = {
    "Grade": frozenset({"name", "min", "quota", "quota_count", "quota_within"}),
    "Bar": frozenset({"grade", "when", "reason", "bottom", "top", "years", "within", "any", "all"}),
    "Veto": frozenset({"id", "name", "when", "effect", "grade", "department", "rectify"}),
    "Ranking": frozenset({"tie_break", "ties"}),
    "Rounding": frozenset({"decimals", "mode"}),
    "Part": frozenset({"id", "name", "weight", "source", "field", "scale"}),
    "DeductGroup": frozenset({"id", "name", "cap"}),
    "Bonus": frozenset({"cap", "items"}),
    "BonusItem": frozenset(
        {"id", "name", "points", "rule", "unit", "field", "department", "source", "missing"}
    ),
    "Penalties": frozenset({"cap", "items"}),
    "PenaltyItem": frozenset(
        {"id", "name", "per_item", "cap", "unit", "field", "department", "source", "rectify"}
    ),
}


def _unknown(obj: Any, where: str) -> list[str]:
    known = _KNOWN.get(type(obj).__name__)
    if known is None:
        return []
    extra = sorted(set(getattr(obj, "model_fields_set", ())) - known)
    return [f"{where}的设置 {'、'.join(extra)}"] if extra else []


def array_support(plan: Plan, *, columns: bool = False, units: int | None = None) -> list[str]:
    """Why the array path cannot score this scheme exactly as the engine does; empty when it can.

    ``columns``: the values too are computed on columns (``rank --brief``), not taken from
    the engine's ``prepare`` (``--sensitivity``).  ``units``: the number of units in the run.
    The data of a run may still need the engine (text where numbers belong, a blank the
    scheme refuses to score): ``brief_columns`` finds that while computing and returns None.
    """
    s = plan.scheme
    reasons: list[str] = []
    if units is not None and units < 2:
        reasons.append("只有 1 个单位,须与其他单位一并计算的指标无法按数组评分")
    if s.rounding.mode not in ROUNDING_MODES:
        reasons.append(f"进位方式 {s.rounding.mode}")
    for ind in plan.indicators:
        rules = [ind.rule, *ind.rules_by_group.values()]
        kinds = {r.type for r in rules}
        odd = sorted(kinds - UNIT_RULES - COHORT_RULES)
        if odd:
            reasons.append(f"指标 {ind.id} 的计分规则 {'、'.join(odd)}")
        elif kinds & COHORT_RULES and kinds & UNIT_RULES:
            reasons.append(f"指标 {ind.id} 各组分别按排名类和非排名类规则计分")
        if ind.own_lines:  # a target per unit (and its blanks, findings): the engine's alone
            reasons.append(f"指标 {ind.id} 按本单位目标计分(目标取自各单位的数据)")
    if plan.sets:  # each group's own indicators and points: the engine's alone (group_sets.py)
        reasons.append("各分组考核的指标或分值不同(groups、drop、points)")
    for bar in s.bars:
        # a floor under the grade on arrays: neither places (they move with every perturbation
        # of --sensitivity) nor any / all; ``conditions.bar_places`` decides them after ranking
        if placed(bar) or bar.any is not None or bar.all is not None:
            reasons.append(
                f"等次限制“{bar.reason}”的条件(名次、百分比名次、连续年数、any/all)不支持按数组计算"
            )
    unranked = [u.name for u in s.units if not u.ranked]
    if unranked:  # places and quotas without them: the engine's alone (ranking.rank_cohort)
        shown = "、".join(unranked[:3]) + (f"等 {len(unranked)} 个" if len(unranked) > 3 else "")
        reasons.append(f"不排名的单位(ranked: false:{shown})")
    for veto in s.vetoes:
        if veto.effect not in VETO_EFFECTS:
            reasons.append(f"一票否决事项“{veto.name}”的处理方式 {veto.effect}")
    named: list[tuple[Any, str]] = [(s.ranking, "排名"), (s.rounding, "进位")]
    named += [(g, f"等次“{g.name}”") for g in s.grades]
    named += [(b, f"等次限制“{b.reason}”") for b in s.bars]
    named += [(v, f"一票否决事项“{v.name}”") for v in s.vetoes]
    named += [(p, f"组成部分“{p.name}”") for p in s.composition]
    named += [(g, f"扣分组“{g.name}”") for g in s.deduct_groups]
    for section, word in ((s.bonus, "加分"), (s.penalties, "扣分")):
        if section is not None:
            named.append((section, word))
            named += [(item, f"{word}项“{item.name}”") for item in section.items]
    for obj, where in named:
        reasons += _unknown(obj, where)
    if s.bonus is not None:
        for item in s.bonus.items:
            if item.rule.type not in BONUS_RULES:
                reasons.append(f"加分项“{item.name}”的计分规则 {item.rule.type}")
    if columns:
        reasons += _column_reasons(plan)
    return reasons


def _column_reasons(plan: Plan) -> list[str]:
    """What values, vetoes, bars and consequences computed on columns cannot reproduce."""
    from assess.scoring.array.formula import compile_vector
    from assess.scoring.conditions import columnar_refusal

    reasons: list[str] = []
    formulas = [(f"字段“{fid}”的公式", plan.fields[fid].formula) for fid in plan.derived_order]
    formulas += [(f"指标 {ind.id} 的公式", ind.formula) for ind in plan.indicators if ind.formula is not None]
    formulas += [(f"一票否决事项“{veto.name}”的条件", f) for veto, f in plan.vetoes]
    formulas += [(f"等次限制“{bar.reason}”的条件", f) for bar, f in plan.bars]
    formulas += [(f"指标 {ind.id} 的得分调整条件", f) for ind in plan.indicators for _o, f in ind.overrides]
    for name, formula in formulas:
        if formula is None or compile_vector(formula) is None:
            reasons.append(f"{name}含文字,无法按列计算")
    for bar, f in plan.bars:
        if any(kind == "score" and ident in plan.parents for kind, ident in f.refs):
            reasons.append(f"等次限制“{bar.reason}”引用二级指标得分")
    why = columnar_refusal(plan)
    if why is not None:
        reasons.append(why)
    if plan.scheme.awards:  # given by the engine alone (scoring/awards.py)
        reasons.append("奖项(awards)不支持按列计算")
    return reasons


__all__ = ["array_support"]
