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
    from assess.scoring.history import History, Previous
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
    awards: list[str] = []  # noqa: RUF012 - never changed in place
    # ``composition`` parts as ``UnitResult.parts`` holds them, with the keys the tables read
    parts: list[dict[str, Any]] = []  # noqa: RUF012 - never changed in place


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
    awards: dict[int, list[str]] | None = None  # awards given, by unit (None: the scheme has none)
    parts: np.ndarray | None = None  # units × composition parts: weighted points (None: no composition)

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
            # 0: no place (ranked: false; the array path refuses such schemes)
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
        if plan.scheme.awards:
            brief.awards = {u: list(r.awards) for u, r in enumerate(results) if r.awards}
        if plan.scheme.composition:
            brief.parts = np.array([[p["weighted"] for p in r.parts] for r in results], dtype=float).reshape(
                n, len(plan.scheme.composition)
            )
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
        part_ids = [p.id for p in self.plan.scheme.composition]
        parts = self.parts.tolist() if self.parts is not None else None
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
                (self.awards or {}).get(u, []),
                [{"id": i, "weighted": w} for i, w in zip(part_ids, parts[u], strict=True)]
                if parts is not None
                else [],
            )
            for u in self.order().tolist()
        ]

    def order(self) -> np.ndarray:
        """Indexes in table order: by group, place (units without one last), then name (as the
        full document)."""
        names = np.array(self.units) if self.units else np.zeros(0, dtype=str)
        groups = np.array([g or "" for g in self.group_ids]) if self.units else np.zeros(0, dtype=str)
        return np.lexsort((names, self.rank, self.rank == 0, groups))

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
    plan: Plan,
    brief: Brief,
    previous: Previous,
    notes: list[str] | None = None,
) -> dict[int, list[str]]:
    """``conditions.flag_consequences`` on columns for plain conditions (``conditions.plain``):
    tied units share a place, so a consequence; a commendation (``top``) is withheld from a
    unit under a veto, said in ``notes`` in the engine's order and words; so is a consequence
    of years running left undecided for want of a year's results."""
    from assess.scoring.conditions import CONSEQUENCE, places_of, withheld_text
    from assess.scoring.history import History, undecided_text

    history = History.of(plan.scheme.year, previous)

    flags: dict[int, list[str]] = {}
    n = brief.n
    for c in plan.scheme.consequences:
        passed: list[int] = []
        undecided: list[int] = []
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
                    met = _earlier_years(c, brief.units[u], history)
                    if not met:
                        if met is None and not (c.top is not None and u in brief.vetoes):
                            undecided.append(u)
                        continue
                if c.top is not None and u in brief.vetoes:  # conditions.honours_barred
                    passed.append(u)
                    continue
                flags.setdefault(u, []).append(c.name)
        if notes is not None:
            passed.sort(key=lambda u: (brief.group_ids[u] or "", int(brief.rank[u]), brief.units[u]))
            notes += [f"{brief.units[u]}{withheld_text(c.name, CONSEQUENCE)}。" for u in passed]
        if undecided and history is not None and notes is not None:
            undecided.sort(key=lambda u: (brief.group_ids[u] or "", int(brief.rank[u]), brief.units[u]))
            units = [brief.units[u] for u in undecided]
            history.say(notes, undecided_text(f"结果运用“{c.name}”", c.years, history, units))
    return {u: flags[u] for u in sorted(flags)}


def _earlier_years(c: Any, unit: str, history: History | None) -> bool | None:
    """``conditions._earlier_years`` for a plain condition (one grade name, or none): True or
    False, None when no given year says no and a needed year is missing (undecided)."""
    if history is None:
        return False
    missing = False
    for year in history.needed(c.years):
        got = history.earlier.get(year)
        if got is None:
            missing = True
            continue
        entry = got.units.get(unit)
        if entry is None or (c.grade is not None and entry.get("grade") != c.grade):
            return False
    return None if missing else True


class _Standing(NamedTuple):
    unit: str
    rank: int | None
    overall_rank: int | None
    total: float
    grade: str | None


def previous_columns(
    brief: Brief, previous: Previous, *, overall: bool = False
) -> list[dict[str, Any]] | None:
    """``ranking.compare_previous`` for every unit of the brief table (None: no earlier year)."""
    from assess.scoring.ranking import previous_entries

    ranks, overall_ranks, totals = brief.rank.tolist(), brief.overall_rank.tolist(), brief.total.tolist()
    rows = [
        _Standing(name, ranks[u] or None, overall_ranks[u] or None, totals[u], brief.grades[u])
        for u, name in enumerate(brief.units)
    ]
    got = previous_entries(previous, rows, overall=overall)
    return None if all(e is None for e in got) else [e or {} for e in got]


__all__ = ["Brief", "consequences", "previous_columns"]
