"""Re-scoring with changed values: the engine run on modified ``UnitData`` / ``Prepared``.

The what-if analysis asks "how many points would this change win?" dozens of
times per unit.  Changing a value scored by a unit rule touches only that
unit, so ``Rescorer.unit`` re-runs the engine's per-unit pass for one unit
and keeps the cohort indicators as they were scored with the cohort.  A value
that a cohort rule reads (rank, relative, min–max) moves the other units'
scores too, so ``Rescorer.cohort`` re-runs the whole cohort.

This module uses three helpers of ``assess.scoring.engine`` that are not part
of its public surface (``_unit_rule``, ``_finish``, ``_formula_value``);
``tests/analysis`` checks that the fast path gives the engine's own result.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import replace
from typing import TypeVar

from assess.scheme.plan import Plan
from assess.scoring import engine as E
from assess.scoring.engine import IndicatorValue, Prepared, prepare, score_prepared
from assess.scoring.ranking import rank_cohort
from assess.scoring.result import IndicatorResult, UnitResult
from assess.workbook.data import MISSING, OK, Value

ASSUMED = "假设值"


def input_keys(plan: Plan) -> set[str]:
    """Keys a unit's reported data is stored under (fields, indicators, bonus and penalty items)."""
    return {spec.key for spec in plan.read.inputs}


def with_inputs(plan: Plan, p: Prepared, values: Mapping[str, float]) -> Prepared:
    """Re-prepare the unit with some reported values replaced (exact engine semantics)."""
    unit = replace(p.unit, values=dict(p.unit.values))
    for key, number in values.items():
        unit.values[key] = Value(float(number), OK, raw=number, where=ASSUMED, file="")
    return prepare(plan, unit)


def with_env(plan: Plan, p: Prepared, values: Mapping[str, float]) -> Prepared:
    """Override computed fields (aggregates of detail tables) and re-run the formulas after them."""
    env = dict(p.env)
    status = {k: (OK if v is not None else MISSING) for k, v in env.items()}
    reason: dict[str, str] = {}
    for key, number in values.items():
        env[key] = float(number)
        status[key] = OK
        for name, fid in plan.name_aliases.items():
            if fid == key:
                env[name] = float(number)
                status[name] = OK
    for fid in plan.derived_order:
        formula = plan.fields[fid].formula
        assert formula is not None
        E._formula_value(plan, formula, env, status, reason, fid)
        for name, target in plan.name_aliases.items():
            if target == fid:
                env[name] = env[fid]
                status[name] = status[fid]
    out = list(p.values)
    for i, ind in enumerate(plan.indicators):
        if ind.formula is not None:
            key = "value:" + ind.id
            E._formula_value(plan, ind.formula, env, status, reason, key)
            computed = env[key]
            out[i] = IndicatorValue(
                float(computed) if isinstance(computed, (int, float)) else None,
                status[key],
                reason.get(key, ""),
                ind.formula.text,
                p.values[i].inputs,
            )
        elif ind.key in values:
            out[i] = IndicatorValue(float(values[ind.key]), OK, "", ASSUMED)
            env["value:" + ind.id] = float(values[ind.key])
    return Prepared(p.unit, p.group, env, out)


def with_indicator(plan: Plan, p: Prepared, index: int, number: float) -> Prepared:
    """The unit with one indicator's value replaced (whatever it is computed from)."""
    values = list(p.values)
    values[index] = IndicatorValue(float(number), OK, "", ASSUMED)
    env = dict(p.env)
    env["value:" + plan.indicators[index].id] = float(number)
    return Prepared(p.unit, p.group, env, values)


T = TypeVar("T")


def _clone(r: T) -> T:
    """A shallow copy, five times cheaper than copy.copy on a slotted dataclass."""
    cls = type(r)
    new = object.__new__(cls)
    for name in cls.__slots__:  # type: ignore[attr-defined]
        setattr(new, name, getattr(r, name))
    return new


class Rescorer:
    """Score a cohort once; then re-score one unit (or the cohort) with changed values."""

    def __init__(self, plan: Plan, prepared: list[Prepared]) -> None:
        self.plan = plan
        self.prepared = prepared
        self.cohort_mode = len(prepared) > 1
        # Each unit's unit-rule scores, kept apart: re-scoring the cohort for one changed unit
        # copies them for the others instead of computing them again (most of the work).
        self.first = [
            [E._unit_rule(plan, ind, p, i) for i, ind in enumerate(plan.indicators)] for p in prepared
        ]
        self._settled = E.settled(plan)  # results scoring never writes into: shared, not copied
        self.results = score_prepared(plan, prepared, cohort=self.cohort_mode, rows=self._rows())
        # grades before quotas: a unit reused in a re-scored cohort is ranked from there again
        self._graded = [(r.grade, list(r.grade_basis)) for r in self.results]
        if self.cohort_mode:
            rank_cohort(plan, self.results)
        self._cohort_set = set(plan.cohort_indicators)

    def _rows(self) -> list[list[IndicatorResult]]:
        """The first-pass rows, with fresh copies of the results that cohort scoring changes."""
        keep = self._settled
        return [[r if k else _clone(r) for r, k in zip(row, keep, strict=True)] for row in self.first]

    def index_of(self, unit: str) -> int:
        for i, p in enumerate(self.prepared):
            if p.unit.unit == unit:
                return i
        raise KeyError(unit)

    def unit(self, index: int, p: Prepared) -> UnitResult:
        """The unit re-scored alone; cohort indicators keep their scores from the cohort run.

        Only valid when no value read by a cohort rule changed (see ``changes_cohort``).
        """
        plan = self.plan
        base = self.results[index]
        row = []
        for i, ind in enumerate(plan.indicators):
            if i in self._cohort_set:
                row.append(copy.copy(base.indicators[i]))
            else:
                row.append(E._unit_rule(plan, ind, p, i))
        return E._finish(plan, p, row)

    def changes_cohort(self, index: int, p: Prepared) -> bool:
        old = self.prepared[index]
        if any(
            (old.values[i].value, old.values[i].status) != (p.values[i].value, p.values[i].status)
            for i in self._cohort_set
        ):
            return True
        # a cohort indicator's 得分调整 decided otherwise: its score is the cohort pass's to give
        from assess.scoring.overrides import holding

        inds = self.plan.indicators
        return any(
            inds[i].overrides and holding(inds[i], old.env) != holding(inds[i], p.env)
            for i in self._cohort_set
        )

    def total(self, index: int, p: Prepared) -> float:
        if self.cohort_mode and self.changes_cohort(index, p):
            return self.cohort(index, p)[index].total
        return self.unit(index, p).total

    def cohort(self, index: int, p: Prepared) -> list[UnitResult]:
        """The whole cohort re-scored and re-ranked with unit ``index`` replaced by ``p``."""
        prepared = list(self.prepared)
        prepared[index] = p
        plan = self.plan
        rows = self._rows()
        rows[index] = [E._unit_rule(plan, ind, p, i) for i, ind in enumerate(plan.indicators)]
        E.score_rows(plan, prepared, cohort=self.cohort_mode, rows=rows)
        # A unit whose cohort-rule results came out the same keeps its totals: only its place,
        # quota grade and consequences are worked out again (finishing 50,000 units took seconds).
        results = [
            self._reused(u) if u != index and self._unchanged(u, row) else E._finish(plan, q, row)
            for u, (q, row) in enumerate(zip(prepared, rows, strict=True))
        ]
        if self.cohort_mode:
            rank_cohort(self.plan, results)
        return results

    def _unchanged(self, u: int, row: list[IndicatorResult]) -> bool:
        base = self.results[u].indicators
        return all(
            (row[i].score, row[i].status, row[i].basis) == (base[i].score, base[i].status, base[i].basis)
            for i in self._cohort_set
        )

    def _reused(self, u: int) -> UnitResult:
        """Unit ``u``'s result as scored, before ranking (rank_cohort sets the rest again)."""
        new = _clone(self.results[u])
        new.grade, basis = self._graded[u]
        new.grade_basis = list(basis)
        new.flags, new.rank, new.overall_rank, new.previous = [], None, None, None
        new.awards, new.notes = None, []
        return new
