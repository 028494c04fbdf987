"""The brief ranking table of ``rank --brief``: every unit's place, total, grade and
scores as columns, without basis text.

Both ways of scoring fill the same ``Brief``: ``array.columns.brief_columns`` on
arrays for large cohorts, ``Brief.from_results`` from the engine's results
otherwise; the writer (``render/brief_json.py``) does not know which.
Consequences, last year's comparison and indicator statistics are computed
here on the columns, as ``ranking.py`` computes them on results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult
    from assess.workbook.data import UnitData


class CategoryScore(NamedTuple):
    id: str
    score: float


class Named(NamedTuple):
    name: str


class IndicatorValue(NamedTuple):
    id: str
    value: float | None


class BriefRow(NamedTuple):
    """One unit of the brief table with the attributes the ranking table and documents read
    (the screen table, the Word document and the workbook never show basis text)."""

    unit: str
    group: str | None
    group_name: str | None
    rank: int
    overall_rank: int
    categories: list[CategoryScore]
    bonus_total: float
    penalty_total: float
    total: float
    grade: str | None
    flags: list[str]
    previous: dict[str, Any] | None
    vetoes: list[Named]
    indicators: list[IndicatorValue]


@dataclass
class Brief:
    """Columns in the cohort's input order; sparse per-unit lists keyed by unit index."""

    plan: Plan
    units: list[str]
    group_ids: list[str | None]
    files: list[str]
    rank: np.ndarray  # place within the group
    overall_rank: np.ndarray
    total: np.ndarray
    grades: list[str | None]
    categories: np.ndarray  # units × categories
    scores: np.ndarray  # units × leaf indicators; NaN where the indicator does not count
    values: np.ndarray  # units × leaf indicators; NaN where there is no usable value
    bonus: np.ndarray
    penalty: np.ndarray
    vetoes: dict[int, list[str]]  # names of the vetoes that hit
    barred: dict[int, list[str]]  # reasons of the bars that held the grade down
    findings: dict[int, list[dict[str, Any]]]
    flags: dict[int, list[str]] = field(default_factory=dict)
    previous: list[dict[str, Any]] | None = None
    group_names: list[str | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # quotas exceeded by a tie (``rank_cohort``'s notes)

    @property
    def n(self) -> int:
        return len(self.units)

    @classmethod
    def from_results(cls, plan: Plan, results: list[UnitResult]) -> Brief:
        """The brief table of results the engine scored and ``rank_cohort`` ranked."""
        m = len(plan.indicators)
        n = len(results)
        scores = np.full((n, m), np.nan)
        values = np.full((n, m), np.nan)
        for u, r in enumerate(results):
            for i, ind in enumerate(r.indicators[:m]):
                if ind.score is not None:
                    scores[u, i] = ind.score
                if ind.value is not None and ind.applicable:
                    values[u, i] = ind.value
        brief = cls(
            plan=plan,
            units=[r.unit for r in results],
            group_ids=[r.group for r in results],
            files=[r.file for r in results],
            rank=np.array([r.rank or 0 for r in results], dtype=int),
            overall_rank=np.array([r.overall_rank or 0 for r in results], dtype=int),
            total=np.array([r.total for r in results]),
            grades=[r.grade for r in results],
            categories=np.array([[c.score for c in r.categories] for r in results]).reshape(
                n, len(plan.categories)
            ),
            scores=scores,
            values=values,
            bonus=np.array([r.bonus_total for r in results]),
            penalty=np.array([r.penalty_total for r in results]),
            vetoes={u: [v.name for v in r.vetoes] for u, r in enumerate(results) if r.vetoes},
            barred={u: list(r.barred) for u, r in enumerate(results) if r.barred},
            findings={u: list(r.findings) for u, r in enumerate(results) if r.findings},
            flags={u: list(r.flags) for u, r in enumerate(results) if r.flags},
            group_names=[r.group_name for r in results],
        )
        if any(r.previous is not None for r in results):
            brief.previous = [r.previous or {} for r in results]
        return brief

    def rows(self) -> list[BriefRow]:
        """Every unit as a row object, in table order (documents: tens of thousands, not 500,000)."""
        ids = [c.id for c in self.plan.categories]
        leaf = [i.id for i in self.plan.indicators]
        cats = self.categories.tolist()
        held = self.values.astype(object)
        held[np.isnan(self.values)] = None
        values = held.tolist()
        names = self.group_names or [None] * self.n
        return [
            BriefRow(
                self.units[u],
                self.group_ids[u],
                names[u],
                int(self.rank[u]),
                int(self.overall_rank[u]),
                [CategoryScore(i, s) for i, s in zip(ids, cats[u], strict=True)],
                float(self.bonus[u]),
                float(self.penalty[u]),
                float(self.total[u]),
                self.grades[u],
                self.flags.get(u, []),
                self.previous[u] if self.previous is not None else None,
                [Named(v) for v in self.vetoes.get(u, [])],
                [IndicatorValue(i, v) for i, v in zip(leaf, values[u], strict=True)],
            )
            for u in self.order().tolist()
        ]

    def order(self) -> np.ndarray:
        """Indexes in table order: by group, place, then name (as the full document)."""
        names = np.array(self.units) if self.units else np.zeros(0, dtype=str)
        groups = np.array([g or "" for g in self.group_ids]) if self.units else np.zeros(0, dtype=str)
        return np.lexsort((names, self.rank, groups))

    def statistics(self, data: Sequence[UnitData] = ()) -> list[dict[str, Any]]:
        """The statistics appendix, as ``statistics.indicator_statistics`` computes it on results;
        a pooled rate's numerators and denominators are read from the units' ``data``."""
        from assess.scoring.statistics import pooled_parts, rate_sums, statistics_of, unit_parts

        by_unit = {u.unit: u for u in data}
        by_id = {}
        sums = {}
        for i, ind in enumerate(self.plan.indicators):
            col = self.values[:, i]
            held = ~np.isnan(col)
            by_id[ind.id] = col[held].tolist()
            rp = pooled_parts(ind)
            if rp is not None and by_unit:
                rows = np.flatnonzero(held).tolist()
                sums[ind.id] = rate_sums(unit_parts(self.plan, by_unit.get(self.units[u]), rp) for u in rows)
        return statistics_of(self.plan, by_id, sums)


def consequences(
    plan: Plan, brief: Brief, previous: dict[str, dict[str, Any]] | None
) -> dict[int, list[str]]:
    """``conditions.flag_consequences`` on columns for plain conditions (``conditions.plain``):
    tied units share a place, so a consequence."""
    from assess.scoring.conditions import places_of

    flags: dict[int, list[str]] = {}
    n = brief.n
    for c in plan.scheme.consequences:
        if c.within == "group":
            names = sorted({g or "" for g in brief.group_ids})
            code = {g: k for k, g in enumerate(names)}
            scopes = np.fromiter((code[g or ""] for g in brief.group_ids), dtype=int, count=n)
            places = brief.rank
        else:
            scopes, places = np.zeros(n, dtype=int), brief.overall_rank
        order = np.lexsort((places, scopes))
        bounds = np.flatnonzero(np.diff(scopes[order])) + 1
        for members in np.split(order, bounds):
            ranked = places[members]  # ascending
            mine = places[members]
            held = np.ones(len(members), dtype=bool)
            if c.bottom is not None:
                below = len(ranked) - np.searchsorted(ranked, mine, side="right")
                held &= below < places_of(c.bottom, len(ranked))  # whole places: plain conditions only
            if c.top is not None:
                above = np.searchsorted(ranked, mine, side="left")
                held &= above < places_of(c.top, len(ranked))
            for u in members[held].tolist():
                if c.grade is not None and brief.grades[u] != c.grade:
                    continue
                if c.years > 1:
                    last = (previous or {}).get(brief.units[u])
                    if last is None or (c.grade is not None and last.get("grade") != c.grade):
                        continue
                flags.setdefault(u, []).append(c.name)
    return {u: flags[u] for u in sorted(flags)}


def previous_columns(
    brief: Brief, previous: dict[str, dict[str, Any]], *, overall: bool = False
) -> list[dict[str, Any]]:
    """``ranking.compare_previous`` for every unit of the brief table."""
    from assess.scoring.ranking import previous_entry

    current = (brief.overall_rank if overall else brief.rank).tolist()
    totals = brief.total.tolist()
    return [
        previous_entry(previous.get(name), current[u], totals[u], overall=overall)
        for u, name in enumerate(brief.units)
    ]


__all__ = ["Brief", "consequences", "previous_columns"]
