"""Ranking within groups, ties and tie-breaks, grade quotas (shares or numbers of units),
awards, consequences and the comparison with last year's results.

A unit the scheme lists with ``ranked: false`` is graded but not ranked: it has no place
(``rank`` and ``overall_rank`` None, shown as “不排名”), takes no place from the others, is
outside the quotas (neither counted nor admitted) and receives no award or place-based
consequence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from assess.scoring.conditions import bar_places, flag_consequences
from assess.scoring.history import History, Previous
from assess.scoring.numbers import fmt
from assess.scoring.statistics import indicator_statistics as indicator_statistics  # re-exported

if TYPE_CHECKING:
    from assess.scheme.model import Grade
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult

NO_GROUP = ""
UNRANKED = "不排名"  # the place of a unit graded but not ranked, as tables show it


def place_text(place: int | None) -> str:
    """A place as tables show it: the number, or “不排名” (None, or 0 in the brief table)."""
    return str(place) if place else UNRANKED


def table_key(r: Any, overall: bool = False) -> tuple[Any, ...]:
    """The order of a ranking table within a group: by place, units without one last, then name."""
    place = r.overall_rank if overall else r.rank
    return (not place, place or 0, r.unit)


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
    previous: Previous = None,
    *,
    overall: bool = False,
) -> list[str]:
    """Set rank, overall_rank, quota-adjusted grades, awards, flags and year-on-year changes.

    Returns the notes a ranking document prints about the run (a quota or an award list
    exceeded by a tie, an award withheld for a veto, a condition of years running undecided
    for want of a year's results).  ``previous``: the earlier years (``scoring/history.py``),
    or last year's units as a bare dict."""
    from assess.scoring.awards import give_awards

    notes: list[str] = []
    for r in results:
        r.ranked = r.unit not in plan.unranked
        r.notes = []
        if not r.ranked:
            r.rank = r.overall_rank = None
    placed = [r for r in results if r.ranked]
    everyone = _order(plan, placed)
    for r, place in zip(everyone, _places(plan, everyone), strict=True):
        r.overall_rank = place
    in_groups: list[list[UnitResult]] = []
    for members in groups_of(placed).values():
        ordered = _order(plan, members)
        for r, place in zip(ordered, _places(plan, ordered), strict=True):
            r.rank = place
        in_groups.append(ordered)
    notes += bar_places(plan, results, previous)  # places are final, quotas not yet applied
    for ordered in in_groups:
        notes += _apply_quotas(plan, ordered, "group")
    if any(has_quota(g) and g.quota_within == "cohort" for g in plan.scheme.grades):
        notes += _apply_quotas(plan, everyone, "cohort")
    if previous is not None:
        compare_previous(results, previous, overall=overall)
    notes += give_awards(plan, results)
    notes += flag_consequences(plan, results, previous)
    return notes


def quota_cut(places: Sequence[int], allowed: int) -> int:
    """How many of the units holding a grade keep it under a quota of ``allowed``, ``places``
    being their places in rank order (tie-breaks already applied).  Units still tied with the
    last one inside the quota cannot be told apart: they all keep the grade, so the quota may
    be exceeded by a tie; a quota of 0 admits nobody.  The array path calls this too."""
    cut = min(allowed, len(places))
    while 0 < cut < len(places) and places[cut - 1] == places[cut]:
        cut += 1
    return cut


def quota_allowed(quota: float, n: int) -> int:
    """Units a quota admits in a scope of ``n``: the decimal quota × n, rounded down."""
    return int((Decimal(str(quota)) * n).to_integral_value(ROUND_FLOOR))


def quota_text(grade: str, quota: float, scope: str, n: int, allowed: int) -> str:
    """“好”等次名额为本组 10 个单位的 30%(3 个): the quota as the notes and the basis say it."""
    where = "本组" if scope == "group" else "全体"
    return f"“{grade}”等次名额为{where} {n} 个单位的 {fmt(quota * 100)}%({allowed} 个)"


def has_quota(grade: Grade) -> bool:
    """Whether a grade has a quota: a share (``quota``) or a number of units (``quota_count``)."""
    return grade.quota is not None or grade.quota_count is not None


def count_for(plan: Plan, count: int | dict[str, int] | None, group: str | None) -> int | None:
    """A number of units written for every group alike or per group (by id, name or alias):
    the one for ``group``; None when the scheme writes none for it."""
    if not isinstance(count, dict):
        return count
    by_id = {plan.group_ids.get(k, k): v for k, v in count.items()}
    return by_id.get(group or NO_GROUP)


def quota_limit(plan: Plan, grade: Grade, scope: str, group: str | None, n: int) -> tuple[int, str] | None:
    """(units the quota of ``grade`` admits, the quota as said) in a scope of ``n`` units (a
    group, ``group`` its id, or the cohort); None when the grade has no quota there.  The array
    path (``array/standing.py``) calls this too."""
    if grade.quota is not None:
        allowed = quota_allowed(grade.quota, n)
        return allowed, quota_text(grade.name, grade.quota, scope, n, allowed)
    count = count_for(plan, grade.quota_count, group if scope == "group" else None)
    if count is None:
        return None
    return count, f"“{grade.name}”等次名额为{'本组' if scope == 'group' else '全体'} {count} 个"


def quota_tie_note(
    quota: str, grade: str, tied: Sequence[str], label: str | None, allowed: int, cut: int
) -> str:
    """The note of a quota exceeded by a tie at its line (``tied``: the last unit inside the
    quota and those tied with it, in rank order); the array path (``array/standing.py``) calls
    this too, so ``rank``, ``rank --brief`` and ``score`` print the same sentence."""
    head = f"{label}:" if label else ""
    return (
        f"{head}{quota};{'、'.join(tied)}的总分及各同分比较项均相同,在名额线上并列,"
        f"按考核方案一并评为“{grade}”,实际 {cut} 个,超出名额 {cut - allowed} 个。"
    )


def _apply_quotas(plan: Plan, ordered: list[UnitResult], scope: str) -> list[str]:
    names = plan.grade_names
    n = len(ordered)
    notes: list[str] = []
    for gi, grade in enumerate(plan.scheme.grades):
        if not has_quota(grade) or grade.quota_within != scope or gi + 1 >= len(names) or not ordered:
            continue
        limit = quota_limit(plan, grade, scope, ordered[0].group, n)
        if limit is None:
            continue
        allowed, quota = limit
        holders = [r for r in ordered if r.grade == grade.name]
        if len(holders) <= allowed:
            continue
        place = (lambda r: r.rank) if scope == "group" else (lambda r: r.overall_rank)
        cut = quota_cut([place(r) or 0 for r in holders], allowed)
        if cut > allowed:
            label = holders[0].group_name if scope == "group" else None
            tied = [r.unit for r in holders[allowed - 1 : cut]]
            notes.append(quota_tie_note(quota, grade.name, tied, label, allowed, cut))
            for r in holders[allowed:cut]:
                r.grade_basis.append(
                    f"{quota},本单位与名额内最后一名{holders[allowed - 1].unit}并列(总分及各同分比较项均相同),"
                    f"并列单位一并保留“{grade.name}”等次,超出名额 {cut - allowed} 个"
                )
        for i, r in enumerate(holders):
            if i < cut:
                continue
            r.grade = names[gi + 1]
            r.grade_basis.append(
                f"{quota},本单位在达到“{grade.name}”等次的 {len(holders)} 个单位中按排名列第 {i + 1} 位,"
                f"降为“{r.grade}”"
            )
    return notes


def compare_previous(results: Sequence[UnitResult], previous: Previous, *, overall: bool = False) -> None:
    """上年排名 and 排名变化 on the same basis as this year's table (group places, or overall
    ones), against the latest earlier year given; with the earlier years of a ``History``, each
    unit's ``history`` too.  Nothing when no earlier year was given."""
    for r, entry in zip(results, previous_entries(previous, results, overall=overall), strict=True):
        r.previous = entry


def previous_entries(
    previous: Previous, results: Sequence[Any], *, overall: bool = False
) -> list[dict[str, Any] | None]:
    """Each unit's comparison (``UnitResult`` or anything with ``unit``, ``rank``,
    ``overall_rank``, ``total`` and ``grade``): None for all when no earlier year was given."""
    if previous is None or (isinstance(previous, History) and previous.latest is None):
        return [None] * len(results)
    if not isinstance(previous, History):  # a bare dict: last year's units, no history
        return [
            previous_entry(
                previous.get(r.unit), r.overall_rank if overall else r.rank, r.total, overall=overall
            )
            for r in results
        ]
    latest = previous.latest
    assert latest is not None
    out: list[dict[str, Any] | None] = []
    for r in results:
        current = r.overall_rank if overall else r.rank
        entry = previous_entry(latest.units.get(r.unit), current, r.total, overall=overall)
        if previous.trend:
            entry["history"] = previous.trend_of(r.unit, current, r.total, r.grade, overall=overall)
        out.append(entry)
    return out


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
