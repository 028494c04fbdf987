"""Item overrides (得分调整): a fact that decides an indicator's score whatever its value.

"发现……的,该项不得分", "发生……的,本项得满分": an indicator's ``override`` lists conditions
(formulas, as the ``when`` of bars and vetoes) with the score each gives.  After the rule has
scored the indicator (or the missing-value policy has), the first condition that holds decides
its score, and the basis says why and what the rule gave.  A condition that cannot be judged
(a blank it reads) is not applied: the basis says so and a warning (``override-unknown``) asks
for the fact, as an undecided veto does.  An indicator without a score (不适用, 缺项, a cohort
rule scored alone) is left as it is.

The array path (``array.core``) applies the same conditions on columns; ``override_score`` is
the one computation of the score an override gives, for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assess.errors import Finding, Location
from assess.scoring.numbers import fmt

if TYPE_CHECKING:
    from assess.scheme.plan import Plan, PlanIndicator
    from assess.scoring.engine import Prepared
    from assess.scoring.result import IndicatorResult


def override_score(item: Any, points: float) -> float:
    """The score an override gives: its ``score``, or ``share`` of the points, within 0..points."""
    raw = item.score if item.score is not None else item.share * points
    return max(0.0, min(points, raw))


def said(score: float, points: float) -> str:
    if score >= points:
        return f"该项得满分 {fmt(points)} 分"
    return "该项不得分" if score <= 0 else f"该项得 {fmt(score)} 分"


def holding(ind: PlanIndicator, env: dict[str, object]) -> tuple[Any | None, list[tuple[Any, str]]]:
    """The first override whose condition holds (None: none does), and the conditions before
    it that cannot be judged, with why."""
    undecided: list[tuple[Any, str]] = []
    for item, formula in ind.overrides:
        value, why = formula.evaluate(env)
        if value is None:
            undecided.append((item, why))
        elif value:
            return item, undecided
    return None, undecided


def apply_override(plan: Plan, ind: PlanIndicator, p: Prepared, res: IndicatorResult) -> None:
    """Set ``res`` by the first override that holds, when it has a score."""
    if res.score is None:
        return
    item, undecided = holding(ind, p.env)
    if item is not None:
        old = res.score
        res.score = plan.round(override_score(item, res.points))
        res.lost = plan.round(res.points - res.score)
        res.basis = (
            f"{item.reason},{said(res.score, res.points)}(原得分 {fmt(old)} 分);原计分依据:{res.basis}"
        )
    for cond, why in undecided:
        res.basis += f";“{cond.reason}”无法判断({why}),未调整得分"
        text = (
            f"{p.unit.unit}的指标 {ind.id} 得分调整条件“{cond.when}”({cond.reason})无法判断({why}),"
            "未调整得分;请核实后补报"
        )
        finding = Finding("override-unknown", text, Location(file=p.unit.file), "warning")
        if finding not in p.unit.findings:  # said once, however often the unit is scored
            p.unit.findings.append(finding)
