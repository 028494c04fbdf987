"""How robust is the ranking?  Uncertainty and sensitivity analysis of the totals.

The method follows the composite-indicator practice of the OECD/JRC handbook
and the JRC's COINr package (``get_sensitivity``, ``remove_elements``): the
uncertain choices of the scheme are drawn at random within stated ranges,
the cohort is re-scored for every draw, and each unit's rank is summarised
over the runs (median, 5th–95th percentile, share of runs in each grade).
Each indicator is then left out in turn to show the rank shift it causes.

What can vary (``--vary``):

* ``weights=±10%`` — each category's contribution is scaled by a factor drawn
  uniformly from [0.9, 1.1]; the factors are renormalised so that the total
  keeps its full score;
* ``targets=±5%`` — the target of every threshold, linear and ratio rule and
  the baseline of every step rule are scaled by a factor drawn per indicator
  (never beyond the indicator's declared max);
* ``bands=±5%`` — all edges of an indicator's bands are scaled by one factor
  drawn per indicator (so the bands stay in order).

Speed: the cohort is prepared and scored once by the engine; the runs use the
array core ``assess.scoring.array.core.FastCohort`` (numpy), which re-scores every
unit with the drawn parameters and equals the engine when nothing varies.
Values, bonus, penalties and vetoes do not change between runs; bars are
taken as in the nominal result.
"""

from __future__ import annotations

import math
import random
import re
import statistics
from typing import Any

from assess.analysis.sensitivity_report import (
    ROBUST_SHARE,
    LeaveOut,
    SensitivityReport,
    UnitRobustness,
)
from assess.errors import UsageError
from assess.scheme.plan import Plan
from assess.scoring.engine import Prepared, score_prepared
from assess.scoring.ranking import rank_cohort
from assess.scoring.result import UnitResult
from assess.workbook.names import shown

__all__ = ["parse_vary", "run_sensitivity"]

KEYS = {
    "weights": "weights",
    "权重": "weights",
    "targets": "targets",
    "目标": "targets",
    "目标值": "targets",
    "bands": "bands",
    "档次": "bands",
    "分档": "bands",
}
VARIED_RULES = ("threshold", "linear", "ratio", "step", "base")


def parse_vary(texts: list[str]) -> dict[str, float]:
    """``["weights=±10%", "targets=5%"]`` → ``{"weights": 0.10, "targets": 0.05}``."""
    out: dict[str, float] = {}
    for text in texts or ["weights=±10%"]:
        for part in re.split(r"[,,;;\s]+", text.strip()):
            if not part:
                continue
            key, sep, raw = part.partition("=")
            kind = KEYS.get(key.strip().lower())
            if not sep or kind is None:
                raise UsageError(
                    f"--vary “{shown(part)}”应写成 weights=±10%、targets=±5% 或 bands=±5%(权重、目标值、分档界限)"
                )
            number = raw.strip().lstrip("±").lstrip("+-").replace("+/-", "")
            percent = number.endswith(("%", "%"))
            number = number.removesuffix("%").removesuffix("%")
            try:
                value = float(number)
            except ValueError:
                raise UsageError(
                    f"--vary “{shown(part)}”中的幅度“{shown(raw)}”不是数字,应写成 ±10%"
                ) from None
            if percent or value >= 1:
                value /= 100
            if not 0 <= value < 1 or not math.isfinite(value):
                raise UsageError(f"--vary “{shown(part)}”的幅度应在 0 至 100% 之间(不含 100%)")
            out[kind] = value
    return out


# ---- the analysis ------------------------------------------------------------------


def _draw(
    plan: Plan, fc: Any, ranges: dict[str, float], rng: random.Random, varied: list[int]
) -> tuple[Any, dict[str, Any]]:
    """One run's parameters: a ``Variation`` for the array core, and the same named for the listing."""
    import numpy as np

    from assess.scoring.array.core import Variation

    var = Variation()
    params: dict[str, Any] = {}
    w = ranges.get("weights")
    if w is not None:
        factors = [rng.uniform(1 - w, 1 + w) for _ in plan.categories]
        if any(f != 1.0 for f in factors):
            raw = fc.default_weights * np.array(factors)
            var.weights = raw / raw.sum() * fc.default_weights.sum()
        params["weights"] = {c.id: f for c, f in zip(plan.categories, factors, strict=True)}
    for kind in ("targets", "bands"):
        x = ranges.get(kind)
        if x is None:
            continue
        caps = _caps(plan, varied, kind)
        mult = np.ones(len(plan.indicators))
        named: dict[str, float] = {}
        for i in varied:
            ind = plan.indicators[i]
            if (ind.rule.type == "bands") != (kind == "bands"):
                continue
            mult[i] = min(rng.uniform(1 - x, 1 + x), caps.get(i, math.inf))
            named[ind.id] = float(mult[i])
        if named and any(v != 1.0 for v in named.values()):
            setattr(var, kind, mult)
        params[kind] = named
    return var, params


def _caps(plan: Plan, varied: list[int], kind: str) -> dict[int, float]:
    """The largest factor that keeps a percentage target (or band edge) at or below 100%.

    A target of 100% (完成率 100%) cannot become 105%: that would make full
    points impossible for everyone, not express an uncertain choice.
    """
    out: dict[int, float] = {}
    for i in varied:
        ind = plan.indicators[i]
        if ind.unit != "%":
            continue
        highest = 0.0
        for rule in [ind.rule, *ind.rules_by_group.values()]:
            if kind == "bands" and rule.type == "bands":
                edges = [x for b in rule.bands for x in (b.min, b.max) if x is not None]
            elif kind == "targets":
                edges = [
                    getattr(rule, a) for a in ("target", "baseline") if getattr(rule, a, None) is not None
                ]
            else:
                edges = []
            # a line each unit takes from a field (按本单位目标计分) is no number to scale here
            highest = max([highest, *(e for e in edges if isinstance(e, (int, float)) and 0 < e <= 100)])
        if highest > 0:
            out[i] = 100.0 / highest
    return out


def run_sensitivity(
    plan: Plan, prepared: list[Prepared], runs: int, vary: list[str], seed: int
) -> SensitivityReport:
    """Re-score the cohort ``runs`` times with parameters drawn within ``vary``; leave each indicator out.

    The same ``seed`` gives the same runs; ``report.parameters`` lists every run's factors.
    """
    from assess.scoring.array.core import FastCohort
    from assess.scoring.array.support import array_support

    if runs < 1:
        raise UsageError("--sensitivity 的运行次数应至少为 1")
    if len(prepared) < 2:
        raise UsageError("排名稳健性分析至少需要 2 个单位")
    ranges = parse_vary(vary)
    reasons = array_support(plan, units=len(prepared))
    if reasons:  # the runs would not reproduce the engine: no analysis rather than a wrong one
        raise UsageError(
            "排名稳健性分析用数组核心反复评分,本方案有它不能与逐单位评分完全一致的内容:"
            + ";".join(reasons)
            + "。请去掉 --sensitivity 后排名"
        )
    results = score_prepared(plan, prepared, cohort=True)
    rank_cohort(plan, results)
    fc = FastCohort(plan, prepared, results)
    varied = [i for i, ind in enumerate(plan.indicators) if ind.rule.type in (*VARIED_RULES, "bands")]
    rng = random.Random(seed)
    n = len(results)
    ranks_by_unit: list[list[int]] = [[] for _ in range(n)]
    grade_counts = [[0] * max(1, len(plan.grade_names)) for _ in range(n)]
    parameters: list[dict[str, Any]] = []
    for k in range(runs):
        var, params = _draw(plan, fc, ranges, rng, varied)
        parameters.append({"run": k + 1, **params})
        totals, cats = fc.totals(var)
        places, levels = fc.standing(totals, cats, var)
        for u, (place, level) in enumerate(zip(places.tolist(), levels.tolist(), strict=True)):
            ranks_by_unit[u].append(place)
            grade_counts[u][level] += 1
    units = _summarise(plan, results, ranks_by_unit, grade_counts, runs)
    leave = _leave_one_out(plan, fc, results)
    return SensitivityReport(
        runs=runs,
        seed=seed,
        vary=ranges,
        units=units,
        leave_out=leave,
        parameters=parameters,
        grade_names=list(plan.grade_names),
        groups=dict(plan.group_names),
        decimals=plan.scheme.rounding.decimals,
    )


def _percentile(sorted_values: list[int], p: float) -> int:
    k = max(0, math.ceil(p * len(sorted_values)) - 1)
    return sorted_values[min(k, len(sorted_values) - 1)]


def _summarise(
    plan: Plan,
    results: list[UnitResult],
    ranks_by_unit: list[list[int]],
    grade_counts: list[list[int]],
    runs: int,
) -> list[UnitRobustness]:
    names = plan.grade_names
    out: list[UnitRobustness] = []
    for u, r in enumerate(results):
        ranks = sorted(ranks_by_unit[u])
        same = sum(1 for x in ranks if x == r.rank) / runs
        shares = {g: grade_counts[u][i] / runs for i, g in enumerate(names)}
        reasons = []
        if same < ROBUST_SHARE - 1e-12:
            reasons.append(f"仅 {same * 100:.0f}% 的运行保持第 {r.rank} 名")
        if names and r.grade in shares and shares[r.grade] < ROBUST_SHARE - 1e-12:
            reasons.append(f"仅 {shares[r.grade] * 100:.0f}% 的运行评为“{r.grade}”")
        out.append(
            UnitRobustness(
                unit=r.unit,
                group=r.group,
                nominal_rank=r.rank,
                nominal_grade=r.grade,
                median_rank=float(statistics.median(ranks)),
                p5=_percentile(ranks, 0.05),
                p95=_percentile(ranks, 0.95),
                same_rank=same,
                grades=shares,
                robust=not reasons,
                reasons=reasons,
            )
        )
    out.sort(key=lambda x: (x.group or "", x.nominal_rank or 0, x.unit))
    return out


def _leave_one_out(plan: Plan, fc: Any, results: list[UnitResult]) -> list[LeaveOut]:
    """Each indicator left out in turn (as 缺项 for every unit): the rank and grade shifts it causes."""
    from assess.scoring.array.core import Variation

    n = len(results)
    nominal = [r.rank or 0 for r in results]
    names = plan.grade_names
    nominal_grades = [names.index(r.grade) if r.grade in names else 0 for r in results]
    out: list[LeaveOut] = []
    for j, ind in enumerate(plan.indicators):
        var = Variation(exclude=frozenset({j}))
        totals, cats = fc.totals(var)
        at, graded = fc.standing(totals, cats, var)
        places, levels = at.tolist(), graded.tolist()
        shifts = [places[u] - nominal[u] for u in range(n)]
        moves = sorted(
            ({"unit": results[u].unit, "from": nominal[u], "to": places[u]} for u in range(n) if shifts[u]),
            key=lambda m: (-abs(m["to"] - m["from"]), m["unit"]),
        )[:5]
        out.append(
            LeaveOut(
                id=ind.id,
                name=ind.name,
                mean_shift=sum(abs(s) for s in shifts) / n,
                max_shift=max(abs(s) for s in shifts),
                changed=sum(1 for s in shifts if s),
                grade_changed=sum(1 for u in range(n) if levels[u] != nominal_grades[u]),
                moves=moves,
            )
        )
    out.sort(key=lambda x: (-x.mean_shift, -x.max_shift, x.id))
    return out
