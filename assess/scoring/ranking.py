"""Ranking within groups, ties and tie-breaks, grade quotas, consequences and
the comparison with last year's results."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from assess.scoring.numbers import _fixed, fmt

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult

NO_GROUP = ""


def _tie_values(plan: Plan, r: UnitResult) -> tuple[float, ...]:
    ties = plan.scheme.ranking.tie_break
    if not ties:
        return ()
    out: list[float] = []
    for k in ties:  # a category id first, else an indicator id (a handful of ids: a scan is cheapest)
        hit = next((c.score for c in r.categories if c.id == k), None)
        if hit is None:
            hit = next((i.score or 0.0 for i in r.indicators if i.id == k), 0.0)
        out.append(hit)
    return tuple(out)


def _order(plan: Plan, units: list[UnitResult]) -> list[UnitResult]:
    # Name last only to make the printed order deterministic; it never splits a place.
    return sorted(units, key=lambda r: (-r.total, *(-v for v in _tie_values(plan, r)), r.unit))


def _places(plan: Plan, ordered: list[UnitResult]) -> list[int]:
    places: list[int] = []
    dense = plan.scheme.ranking.ties == "dense"
    prev_key: tuple[float, ...] | None = None
    for i, r in enumerate(ordered):
        key = (r.total, *_tie_values(plan, r))
        if key == prev_key:
            places.append(places[-1])
        else:
            places.append((places[-1] + 1 if places else 1) if dense else i + 1)
        prev_key = key
    return places


class _HasGroup(Protocol):
    @property
    def group(self) -> str | None: ...


G = TypeVar("G", bound=_HasGroup)


def groups_of(units: Iterable[G]) -> dict[str, list[G]]:
    out: dict[str, list[G]] = {}
    for r in units:
        out.setdefault(r.group or NO_GROUP, []).append(r)
    return out


def rank_cohort(
    plan: Plan,
    results: list[UnitResult],
    previous: dict[str, dict[str, Any]] | None = None,
    *,
    overall: bool = False,
) -> None:
    """Set rank, overall_rank, quota-adjusted grades, flags and year-on-year changes."""
    everyone = _order(plan, results)
    for r, place in zip(everyone, _places(plan, everyone), strict=True):
        r.overall_rank = place
    for members in groups_of(results).values():
        ordered = _order(plan, members)
        for r, place in zip(ordered, _places(plan, ordered), strict=True):
            r.rank = place
        _apply_quotas(plan, ordered, "group")
    if any(g.quota is not None and g.quota_within == "cohort" for g in plan.scheme.grades):
        _apply_quotas(plan, everyone, "cohort")
    if previous is not None:
        compare_previous(results, previous, overall=overall)
    _flag_consequences(plan, results, previous)


def _apply_quotas(plan: Plan, ordered: list[UnitResult], scope: str) -> None:
    names = plan.grade_names
    n = len(ordered)
    for gi, grade in enumerate(plan.scheme.grades):
        if grade.quota is None or grade.quota_within != scope or gi + 1 >= len(names):
            continue
        allowed = int((Decimal(str(grade.quota)) * n).to_integral_value(ROUND_FLOOR))
        holders = [r for r in ordered if r.grade == grade.name]
        if len(holders) <= allowed:
            continue
        where = "本组" if scope == "group" else "全体"
        place = (lambda r: r.rank) if scope == "group" else (lambda r: r.overall_rank)
        # Units tied on the total and every tie-break cannot be told apart: at the cut-off
        # they lose the grade together, so the quota is never exceeded.
        cut = allowed
        while 0 < cut < len(holders) and place(holders[cut - 1]) == place(holders[cut]):
            cut -= 1
        for i, r in enumerate(holders):
            if i < cut:
                continue
            r.grade = names[gi + 1]
            tie = "(与名额内最后一名并列,并列单位一并调整)" if i < allowed else ""
            r.grade_basis.append(
                f"“{grade.name}”等次名额为{where} {n} 个单位的 {fmt(grade.quota * 100)}%({allowed} 个),"
                f"本单位在达到“{grade.name}”等次的 {len(holders)} 个单位中按排名列第 {i + 1} 位{tie},"
                f"降为“{r.grade}”"
            )


def _flag_consequences(
    plan: Plan, results: list[UnitResult], previous: dict[str, dict[str, Any]] | None
) -> None:
    for c in plan.scheme.consequences:
        scopes = groups_of(results) if c.within == "group" else {NO_GROUP: results}
        for members in scopes.values():
            ordered = _order(plan, members)
            places = [(r.rank if c.within == "group" else r.overall_rank) or 0 for r in ordered]
            ranked = sorted(places)
            for r, place in zip(ordered, places, strict=True):
                if c.grade is not None and r.grade != c.grade:
                    continue
                # Tied units share a place, so they share a consequence: "bottom 2" holds a unit
                # when fewer than 2 units rank strictly below it; "top 3" when fewer than 3 rank above.
                if c.bottom is not None and len(ranked) - bisect_right(ranked, place) >= c.bottom:
                    continue
                if c.top is not None and bisect_left(ranked, place) >= c.top:
                    continue
                if c.years > 1:
                    last = (previous or {}).get(r.unit)
                    if last is None or (c.grade is not None and last.get("grade") != c.grade):
                        continue
                r.flags.append(c.name)


def compare_previous(
    results: list[UnitResult], previous: dict[str, dict[str, Any]], *, overall: bool = False
) -> None:
    """上年排名 and 排名变化 on the same basis as this year's table: group places, or overall ones."""
    for r in results:
        current = r.overall_rank if overall else r.rank
        r.previous = previous_entry(previous.get(r.unit), current, r.total, overall=overall)


def previous_entry(
    last: dict[str, Any] | None, current: int | None, total: float, *, overall: bool = False
) -> dict[str, Any]:
    """One unit's comparison with last year's result (``last``: None when it is new)."""
    if last is None:
        return {
            "previous_rank": None,
            "previous_total": None,
            "previous_grade": None,
            "rank_change": "新增",
            "total_change": None,
        }
    prev_rank = last.get("overall_rank" if overall else "rank")
    change = "—"
    if isinstance(prev_rank, int) and current is not None:
        delta = prev_rank - current
        change = f"↑{delta}" if delta > 0 else f"↓{-delta}" if delta < 0 else "持平"
    prev_total = last.get("total")
    return {
        "previous_rank": prev_rank,
        "previous_total": prev_total,
        "previous_grade": last.get("grade"),
        "rank_change": change,
        "total_change": round(total - prev_total, 6) if isinstance(prev_total, (int, float)) else None,
    }


def indicator_statistics(plan: Plan, results: list[UnitResult]) -> list[dict[str, Any]]:
    """Average, best and worst of each indicator's value across the cohort."""
    by_id: dict[str, list[float]] = {ind.id: [] for ind in plan.indicators}
    for r in results:
        for i in r.indicators:
            if i.value is not None and i.applicable and i.id in by_id:
                by_id[i.id].append(i.value)
    return statistics_of(plan, by_id)


def statistics_of(plan: Plan, by_id: dict[str, list[float]]) -> list[dict[str, Any]]:
    """The statistics of each indicator's usable values (in unit order: the average is their sum / n)."""
    out: list[dict[str, Any]] = []
    for ind in plan.indicators:
        values = by_id[ind.id]
        if not values:
            out.append({"id": ind.id, "name": ind.name, "unit": ind.unit, "count": 0})
            continue
        lower = ind.direction == "lower"
        out.append(
            {
                "id": ind.id,
                "name": ind.name,
                "unit": ind.unit,
                "direction": ind.direction,
                "count": len(values),
                "average": sum(values) / len(values),
                "best": min(values) if lower else max(values),
                "worst": max(values) if lower else min(values),
            }
        )
    return out


def gap_text(
    value: float | None, average: float | None, unit: str | None, direction: str, scope: str = "全省"
) -> str:
    """As 通报 texts say it: ``低于全省平均 8.06 个百分点``."""
    if value is None or average is None:
        return "—"
    diff = value - average
    gap = _fixed(abs(diff), 2)  # half-up, like the values printed beside it
    if float(gap) == 0:
        return f"与{scope}平均持平"
    word = "高于" if diff > 0 else "低于"
    amount = f"{gap} 个百分点" if unit == "%" else f"{gap}{' ' + unit if unit else ''}"
    return f"{word}{scope}平均 {amount}"
