"""The scoring core on arrays, for re-scoring a cohort many times (sensitivity analysis)
and for the brief table of large cohorts (``columns.py``); see the package docstring.

``FastCohort`` is built once from prepared units: a values matrix (units ×
indicators), masks for missing and not-applicable values, the adjustments that
do not change between runs (bonus, penalties, vetoes, bars), and per
indicator the rule parameters of each unit's group.  ``totals`` then scores
every unit with numpy in a few dozen array operations, optionally with other
category weights, scaled targets or band edges, or indicators left out, and
``places`` ranks them within their groups with the scheme's tie-breaks.

With no variation it reproduces the engine's totals and places exactly (a
test checks it); it writes no basis text, which is what makes it fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assess.scoring.array.standing import EPS, Standing
from assess.workbook.data import NOT_APPLICABLE, OK

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.engine import Prepared
    from assess.scoring.result import UnitResult


@dataclass
class Variation:
    """One run's parameters; ``None`` means as in the scheme."""

    weights: np.ndarray | None = None  # category weights, summing to 1
    targets: np.ndarray | None = None  # per indicator, multiplier of target/floor/baseline
    bands: np.ndarray | None = None  # per indicator, multiplier of band edges
    exclude: frozenset[int] = field(default_factory=frozenset)  # indicators left out (as 缺项)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.weights is not None:
            out["weights"] = [round(float(w), 6) for w in self.weights]
        if self.targets is not None:
            out["targets"] = [round(float(t), 6) for t in self.targets]
        if self.bands is not None:
            out["bands"] = [round(float(b), 6) for b in self.bands]
        if self.exclude:
            out["exclude"] = sorted(self.exclude)
        return out


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _round9(x: np.ndarray) -> np.ndarray:
    """Python's correctly rounded ``round(v, 9)`` of each value.

    numpy's np.round scales, rounds and scales back, which differs from
    Python only next to a tie: those few values are rounded one by one.
    """
    with np.errstate(all="ignore"):  # huge values overflow the scaling; they are redone below
        out = np.round(x, 9)
        near = np.abs(np.abs(x * 1e9) % 1.0 - 0.5) < 1e-3
    near |= ~np.isfinite(x) | (np.abs(x) > 1e6)
    idx = np.flatnonzero(near)
    if idx.size:
        out.flat[idx] = [round(v, 9) for v in x.flat[idx].tolist()]
    return out


class FastCohort(Standing):
    def __init__(self, plan: Plan, prepared: list[Prepared], results: list[UnitResult]) -> None:
        inds = plan.indicators
        n, m = len(prepared), len(inds)
        values = np.full((n, m), np.nan)
        ok = np.zeros((n, m), dtype=bool)
        na = np.zeros((n, m), dtype=bool)  # not applicable, or not usable under policy "exclude"
        for u, p in enumerate(prepared):
            for i, v in enumerate(p.values):
                if v.status == OK and v.value is not None:
                    values[u, i] = v.value
                    ok[u, i] = True
                elif v.status == NOT_APPLICABLE or inds[i].missing == "exclude":
                    na[u, i] = True
        by_unit = {r.unit: r for r in results}
        ordered = [by_unit[p.unit.unit] for p in prepared]
        names = plan.grade_names
        floor_level = np.zeros(n, dtype=int)  # the best grade index a unit may have
        for u, r in enumerate(ordered):
            level = 0
            for hit in r.vetoes:
                if hit.effect == "lowest":
                    level = max(level, len(names) - 1)
                elif hit.effect == "cap_grade":
                    veto = next((x for x in plan.scheme.vetoes if x.id == hit.id), None)
                    if veto is not None and veto.grade in names:
                        level = max(level, names.index(veto.grade))
            for bar, _formula in plan.bars:
                if bar.reason in r.barred and bar.grade in names:
                    level = max(level, min(names.index(bar.grade) + 1, len(names) - 1))
            floor_level[u] = level
        parts: dict[str, np.ndarray] = {}
        for part in plan.scheme.composition:
            if part.source == "field":
                key = part.field or part.id
                parts[part.id] = np.array([_number(p.env.get(key)) for p in prepared])
        self._setup(
            plan,
            [p.unit.unit for p in prepared],
            [p.group for p in prepared],
            values,
            ok,
            na,
            bonus=np.array([r.bonus_total for r in ordered]),
            penalty=np.array([r.penalty_total for r in ordered]),
            zero=np.array([any(v.effect == "zero" for v in r.vetoes) for r in ordered], dtype=bool),
            floor_level=floor_level,
            parts=parts,
            fixed=fixed_scores(plan, [p.env for p in prepared]),
        )

    @classmethod
    def from_arrays(
        cls,
        plan: Plan,
        units: list[str],
        groups: list[str | None],
        values: np.ndarray,
        ok: np.ndarray,
        na: np.ndarray,
        **adjustments: Any,
    ) -> FastCohort:
        """A cohort whose values and adjustments were computed on columns (``columns.py``)."""
        self = cls.__new__(cls)
        self._setup(plan, units, groups, values, ok, na, **adjustments)
        return self

    def _setup(
        self,
        plan: Plan,
        units: list[str],
        groups: list[str | None],
        values: np.ndarray,
        ok: np.ndarray,
        na: np.ndarray,
        *,
        bonus: np.ndarray,
        penalty: np.ndarray,
        zero: np.ndarray,
        floor_level: np.ndarray,
        parts: dict[str, np.ndarray],
        fixed: np.ndarray | None = None,
    ) -> None:
        self.plan = plan
        # 得分调整 (overrides): per unit and indicator the score a holding condition gives, NaN
        # where none holds (applied where the indicator has a score, as engine._unit_rule does)
        self.fixed = fixed
        self.units = units
        self.n = n = len(units)
        inds = plan.indicators
        self.m = len(inds)
        self.values, self.ok, self.na = values, ok, na
        self.points = np.array([ind.points for ind in inds])
        self.category = np.array([ind.category for ind in inds])
        self.cat_points = np.array([c.points for c in plan.categories])
        names = sorted({g or "" for g in groups})
        code = {g: k for k, g in enumerate(names)}
        self.group_code = np.fromiter((code[g or ""] for g in groups), dtype=int, count=n)
        self.group_names = names
        self.variants: list[list[tuple[Any, np.ndarray]]] = []
        for ind in inds:
            # one rule per group at most: the units of the groups sharing a rule, found in one pass
            by_rule: dict[int, tuple[Any, list[int]]] = {}
            for k, g in enumerate(names):
                rule = ind.rule_for(g or None)
                by_rule.setdefault(id(rule), (rule, []))[1].append(k)
            self.variants.append(
                [(rule, np.flatnonzero(np.isin(self.group_code, codes))) for rule, codes in by_rule.values()]
            )
        self.bonus, self.penalty, self.zero = bonus, penalty, zero
        self.floor_level = floor_level
        self.grade_min = np.array([g.min for g in plan.scheme.grades])
        s = plan.scheme
        self.default_weights = (
            np.array([c.weight or 0.0 for c in s.categories])
            if any(c.weight is not None for c in s.categories)
            else self.cat_points / self.cat_points.sum()
        )
        self.tie_break = [self._tie_key(k) for k in s.ranking.tie_break]
        self.deduct_groups = [
            (
                group,
                [
                    i
                    for i, ind in enumerate(inds)
                    if ind.rule.type == "deduct" and getattr(ind.rule, "cap_group", None) == group.id
                ],
            )
            for group in s.deduct_groups
        ]
        self.category_columns = [np.flatnonzero(self.category == c) for c in range(len(self.cat_points))]
        self.cohort = set(plan.cohort_indicators)
        self._part_values = parts

    def _tie_key(self, ident: str) -> tuple[str, int]:
        for ci, cat in enumerate(self.plan.scheme.categories):
            if cat.id == ident:
                return ("category", ci)
        for i, ind in enumerate(self.plan.indicators):
            if ind.id == ident:
                return ("indicator", i)
        if ident in self.plan.parents:  # a second-level indicator: the sum of its children
            return ("parent", list(self.plan.parents).index(ident))
        return ("category", -1)

    # -- indicator scores ----------------------------------------------------
    def indicator_scores(self, var: Variation | None = None) -> np.ndarray:
        """Rounded scores (units × indicators); NaN where an indicator does not count."""
        var = var or Variation()
        scores = np.where(self.ok | self.na, np.nan, 0.0)  # missing under "zero" scores 0
        for i, ind in enumerate(self.plan.indicators):
            if i in var.exclude:
                scores[:, i] = np.nan
                continue
            t = 1.0 if var.targets is None else float(var.targets[i])
            b = 1.0 if var.bands is None else float(var.bands[i])
            if i in self.cohort:
                self._cohort_scores(i, ind, scores)
                continue
            for rule, members in self.variants[i]:
                ok = members[self.ok[members, i]]
                if ok.size == 0:
                    continue
                v = self.values[ok, i]
                scores[ok, i] = self._rule(rule, v, ind.points, ind.direction, t, b, ok, i)
        if self.fixed is not None:
            scores = np.where(np.isnan(self.fixed) | np.isnan(scores), scores, self.fixed)
        scores = self.plan.round.array(scores)
        return self._deduct_groups(scores)

    def _rule(
        self,
        rule: Any,
        v: np.ndarray,
        points: float,
        direction: str,
        t: float,
        b: float,
        members: np.ndarray,
        i: int,
    ) -> np.ndarray:
        lower = direction == "lower"
        kind = rule.type
        if kind == "threshold":
            target = rule.target * t
            if lower:
                meets = v <= target if rule.inclusive else v < target  # exact, as rules._meets
            else:
                meets = v >= target if rule.inclusive else v > target
            return np.where(meets, points, _clamp(rule.partial, points))
        if kind == "linear":
            floor, target = rule.floor * t, rule.target * t
            return np.clip(points * (v - floor) / (target - floor), 0.0, points)
        if kind == "step":
            base = rule.baseline * t
            gap = _round9((v - base) if lower else (base - v))
            ratio = _round9(np.maximum(gap, 0.0) / rule.step)
            steps = (
                np.floor(ratio)
                if rule.count == "whole"
                else np.ceil(ratio)
                if rule.count == "started"
                else ratio
            )
            return points - np.minimum(points, steps * rule.deduct)
        if kind == "bands":
            out = np.zeros_like(v)
            done = np.zeros(v.shape, dtype=bool)
            for band in rule.bands:
                hit = np.ones(v.shape, dtype=bool)
                if band.min is not None:
                    lo = band.min * b
                    hit &= (v > lo) | ((v == lo) & band.include_min)
                if band.max is not None:
                    hi = band.max * b
                    hit &= (v < hi) | ((v == hi) & band.include_max)
                hit &= ~done
                score = band.score if band.score is not None else band.share * points
                out[hit] = _clamp(score, points)
                done |= hit
            return out
        if kind == "ratio":
            target = rule.target * t
            if lower:
                return np.where(v <= 0, points, np.clip(points * target / np.where(v <= 0, 1, v), 0, points))
            return np.clip(points * v / target, 0.0, points)
        if kind == "deduct":
            cap = points if rule.cap is None else min(points, rule.cap)
            return points - np.minimum(np.maximum(v, 0.0) * rule.per_item, cap)
        if kind == "boolean":
            return np.where((v != 0) == rule.expect, points, _clamp(rule.partial, points))
        if kind == "direct":
            raw = v / rule.scale * points if rule.scale else v
            return np.clip(raw, 0.0, points)
        if kind == "base":  # as rules.base, operation for operation
            top = points if rule.max is None else min(points, rule.max)
            bottom = min(rule.min, top)
            target = rule.target * t
            better = _round9((target - v) if lower else (v - target))
            ratio = _round9(np.abs(better) / rule.per)
            steps = (
                np.floor(ratio)
                if rule.count == "whole"
                else np.ceil(ratio)
                if rule.count == "started"
                else ratio
            )
            raw = np.where(better > 0, rule.base + steps * rule.above, rule.base - steps * rule.below)
            return np.clip(np.minimum(top, np.maximum(bottom, raw)), 0.0, points)
        if kind == "ladder":  # the value is the word's share of the points
            return np.clip(v * points, 0.0, points)
        raise ValueError(f"not a unit rule: {kind}")  # cohort rules: _cohort_scores

    def _cohort_scores(self, i: int, ind: Any, scores: np.ndarray) -> None:
        """A cohort rule, as the engine scores it: units pooled by (within, group) whatever
        their group's rule variant, each then scored with its own variant's parameters."""
        parts = [(rule, members[self.ok[members, i]]) for rule, members in self.variants[i]]
        if not any(len(ok) for _r, ok in parts):
            return
        units = np.concatenate([ok for _r, ok in parts])
        variant = np.concatenate([np.full(len(ok), k) for k, (_r, ok) in enumerate(parts)])
        grouped = np.concatenate([np.full(len(ok), r.within == "group") for r, ok in parts])
        order = np.argsort(units, kind="stable")  # unit order inside a pool, as the engine adds them
        units, variant, grouped = units[order], variant[order], grouped[order]
        pool = np.where(grouped, self.group_code[units] * 2 + 1, 0)
        lower = ind.direction == "lower"
        by_pool = np.argsort(pool, kind="stable")
        for sel in np.split(by_pool, np.flatnonzero(np.diff(pool[by_pool])) + 1):
            x_all = self.values[units[sel], i]
            for k in np.unique(variant[sel]).tolist():
                mine = sel[variant[sel] == k]
                x = self.values[units[mine], i]
                scores[units[mine], i] = self._cohort_rule(parts[k][0], x, ind.points, lower, x_all)

    def _cohort_rule(
        self, rule: Any, x: np.ndarray, points: float, lower: bool, pool: np.ndarray
    ) -> np.ndarray:
        """Scores of values ``x`` against their ``pool`` (every unit compared with them)."""
        best = pool.min() if lower else pool.max()
        if rule.type == "rank":
            keyed = np.sort(pool if lower else -pool)
            places = np.searchsorted(keyed, x if lower else -x, side="left") + 1
            if rule.scores:
                table = np.array([*rule.scores, rule.others])
                score = table[np.minimum(places, len(rule.scores) + 1) - 1]
            else:
                score = np.maximum(rule.others, rule.first - (rule.step or 0) * (places - 1))
            return np.clip(score, 0.0, points)
        if rule.type == "relative":
            avg = sum(pool.tolist()) / len(pool)  # as rules.cohort_stats adds them
            return self._relative(rule, x, points, lower, best, avg)
        top, bottom = pool.max(), pool.min()  # minmax
        if top == bottom:
            return np.full_like(x, (rule.base + rule.span) / 100 * points)
        pos = (top - x) / (top - bottom) if lower else (x - bottom) / (top - bottom)
        return np.clip((pos * rule.span + rule.base) / 100 * points, 0.0, points)

    @staticmethod
    def _relative(
        rule: Any, x: np.ndarray, points: float, lower: bool, best: float, avg: float
    ) -> np.ndarray:
        """As rules.relative: floor and cap apply to both forms; 0 is the best a lower value can be."""
        cap = points if rule.cap is None else min(points, rule.cap)
        if rule.to == "best":
            bottom = 0.0 if rule.floor is None else min(rule.floor, cap)
            if lower:
                raw = np.where(x <= 0, np.inf, points * best / np.where(x <= 0, 1, x))
            else:
                raw = np.full_like(x, -np.inf) if best <= 0 else points * x / best
            return np.minimum(cap, np.maximum(bottom, raw))
        floor = 0.0 if rule.floor is None else rule.floor
        if avg == 0:
            raw = np.full_like(x, rule.at_average)
        elif lower:
            raw = np.where(x <= 0, np.inf, rule.at_average * avg / np.where(x <= 0, 1, x))
        else:
            raw = rule.at_average * x / avg
        return np.minimum(cap, np.maximum(floor, raw))

    def _deduct_groups(self, scores: np.ndarray) -> np.ndarray:
        """As engine._apply_deduct_groups: in indicator order, the deduct indicators of a group
        give back what exceeds its cap (a group's rule variants keep the rule's type and group)."""
        for group, members in self.deduct_groups:
            used = np.zeros(self.n)
            for i in members:
                points = float(self.points[i])
                col = scores[:, i]
                scored = ~np.isnan(col)
                deducted = np.where(scored, points - col, 0.0)
                allowed = np.maximum(0.0, np.minimum(deducted, group.cap - used))
                kept = self.plan.round.array(points - allowed)
                scores[:, i] = np.where(scored & (allowed < deducted), kept, col)
                used += allowed
        return scores

    # -- totals, grades and places ---------------------------------------------
    def totals(
        self, var: Variation | None = None, scores: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(totals, category scores) for every unit, rounded as the engine rounds
        (``scores``: this run's ``indicator_scores``, when the caller has them)."""
        base, cat = self._base(var or Variation(), scores)
        if self.plan.scheme.composition:
            base = self._compose(base)
        total = np.maximum(0.0, base + self.bonus - self.penalty)
        total = np.where(self.zero, 0.0, total)
        return self.plan.round.array(total), cat

    def part_points(self, scores: np.ndarray) -> np.ndarray:
        """Each ``composition`` part's weighted points (units × parts), rounded as
        ``total.finish_unit`` rounds them (the JSON's ``parts[].weighted``)."""
        base, _cat = self._base(Variation(), scores)
        rnd = self.plan.round
        cols = [rnd.array(c) for c in self._contributions(base)]
        return np.stack(cols, axis=1) if cols else np.zeros((self.n, 0))

    def _base(self, var: Variation, scores: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(base before composition, category scores), as ``total.finish_unit`` rounds them."""
        s = self.plan.scheme
        rnd = self.plan.round
        scores = self.indicator_scores(var) if scores is None else scores
        counted = ~np.isnan(scores)
        k = len(self.cat_points)
        applicable = np.zeros((self.n, k))
        leaf = np.zeros(k)
        earned = rnd.sum_array(scores, counted, self.category_columns)  # as rnd.sum per category
        for c, cols in enumerate(self.category_columns):
            applicable[:, c] = np.where(counted[:, cols], self.points[cols], 0.0).sum(axis=1)
            leaf[c] = self.points[cols].sum()
        cat = earned.copy()
        if s.not_applicable == "rescale_category":
            partial = (applicable > 0) & (applicable < leaf)
            cat = np.where(
                partial, rnd.array(earned / np.where(applicable > 0, applicable, 1) * self.cat_points), earned
            )
        weighted = var.weights is not None or any(c.weight is not None for c in s.categories)
        if weighted:
            w = var.weights if var.weights is not None else self.default_weights
            rate = np.where(applicable > 0, cat / np.where(self.cat_points > 0, self.cat_points, 1), 0.0)
            if var.weights is not None:
                # varied weights: each category's rate on its applicable points, weights renormalised
                # over the categories that apply
                live = applicable > 0
                rate = np.where(live, earned / np.where(live, applicable, 1), 0.0)
                norm = (live * w).sum(axis=1)
                base = (rate * w).sum(axis=1) / np.where(norm > 0, norm, 1) * s.full_score
            else:
                base = (rate * w).sum(axis=1) * s.full_score
                if s.not_applicable == "rescale_total":
                    # as total.finish_unit: the same weighting of applicable and of all leaf points
                    safe = np.where(self.cat_points > 0, self.cat_points, 1)
                    reachable = (applicable / safe * w).sum(axis=1) * s.full_score
                    complete = float((leaf / safe * w).sum() * s.full_score)
                    part = (reachable > 0) & (reachable < complete - EPS)
                    base = np.where(part, base / np.where(reachable > 0, reachable, 1) * s.full_score, base)
        else:
            base = cat.sum(axis=1)
            if s.not_applicable == "rescale_total":
                total_app = applicable.sum(axis=1)
                full_leaf = self.points.sum()
                part = (total_app > 0) & (total_app < full_leaf - EPS)
                base = np.where(part, base / np.where(total_app > 0, total_app, 1) * s.full_score, base)
        return rnd.array(base), cat

    def _compose(self, base: np.ndarray) -> np.ndarray:
        """As total.finish_unit: the parts' contributions added unrounded, the sum rounded once."""
        combined = np.zeros(self.n)
        for contrib in self._contributions(base):
            combined = combined + contrib
        return self.plan.round.array(combined)

    def _contributions(self, base: np.ndarray) -> list[np.ndarray]:
        """As total.finish_unit: each part's contribution in the same float operations."""
        s = self.plan.scheme
        out = []
        for part in s.composition:
            if part.source == "categories":
                score = base / s.full_score * part.scale
            else:
                score = self._part_values[part.id]
            out.append(score / part.scale * s.full_score * part.weight)
        return out


def _clamp(score: float, points: float) -> float:
    """rules._clamp."""
    return max(0.0, min(points, score))


def fixed_scores(plan: Plan, envs: list[dict[str, object]]) -> np.ndarray | None:
    """The score each unit's first holding override gives (``overrides.holding``), NaN where
    none holds; None when no indicator has overrides."""
    from assess.scoring.overrides import holding, override_score

    if not any(ind.overrides for ind in plan.indicators):
        return None
    out = np.full((len(envs), len(plan.indicators)), np.nan)
    for i, ind in enumerate(plan.indicators):
        if ind.overrides:
            for u, env in enumerate(envs):
                item, _undecided = holding(ind, env)
                if item is not None:
                    out[u, i] = override_score(item, ind.points)
    return out
