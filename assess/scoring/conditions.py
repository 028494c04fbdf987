"""Conditions of consequences (结果运用): grades, places, shares of a group, years running,
combined with ``any`` / ``all``.

A condition's keys hold together (and); ``any`` needs one of its conditions, ``all`` every
one.  ``grade`` is a grade name, ``名称及以下`` / ``名称及以上`` or a list of names;
``bottom`` and ``top`` are a number of places or a share of the group (``"10%"``).
``years: 2`` also needs last year's result to meet the condition (see ``_last_year``).

The array path (``scoring/brief.py``) evaluates only the plain form (one grade name, whole
places, ``years`` with a grade); ``columnar_refusal`` says what else a scheme uses.

Grade bars (等次限制, ``BarCondition``) take the same language without ``grade`` and with
``when`` (a formula) instead.  A grade is decided in this order (docs/scheme.md, “等次的评定
顺序”): the band of the total; vetoes; the bars that read formulas only (``grades.grade_unit``,
unit by unit); places (totals and tie-breaks only, never grades); the bars that read places
(``bottom`` / ``top`` / ``years`` anywhere in them: ``bar_places``, in the scheme's order);
quotas within groups, then over the cohort; consequences.  A place-based bar's formulas are
evaluated with the others and kept on the unit (``UnitResult.bar_tests``).  The array path
does not evaluate ``any`` / ``all`` or places in bars: ``array_support`` refuses them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from assess.scheme.model import BarCondition

if TYPE_CHECKING:
    from collections.abc import Mapping

    from assess.scheme.model import Bar, Condition
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult

WORSE = "及以下"
BETTER = "及以上"
SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%%]\s*$")


def grade_choice(spec: str | list[str], names: Sequence[str]) -> tuple[set[str], list[str]]:
    """(the grades a ``grade`` condition admits, the names in it that are not grades)."""
    wanted: set[str] = set()
    unknown: list[str] = []
    for text in [spec] if isinstance(spec, str) else spec:
        base, side = text.strip(), ""
        for suffix in (WORSE, BETTER):
            if base.endswith(suffix) and base[: -len(suffix)].strip():
                base, side = base[: -len(suffix)].strip(), suffix
        if base not in names:
            unknown.append(base)
            continue
        k = names.index(base)
        wanted |= set(names[k:] if side == WORSE else names[: k + 1] if side == BETTER else [base])
    return wanted, unknown


def share_of(spec: int | str) -> float | None:
    """The percentage in ``"10%"``; None for a number of places or text that is no share."""
    if isinstance(spec, int):
        return None
    hit = SHARE.match(spec)
    return float(hit.group(1)) if hit else None


def places_of(spec: int | str, n: int) -> int:
    """How many places ``bottom`` / ``top`` covers in a scope of ``n`` units: a number as it is;
    a share ⌊X % × n⌋ (as quotas count), at least 1 where the scope has a unit."""
    if isinstance(spec, int):
        return spec
    share = share_of(spec)
    assert share is not None  # validated with the scheme
    count = int((Decimal(str(share)) * n / 100).to_integral_value(ROUND_FLOOR))
    return max(count, 1 if n else 0)


def _in_places(c: Condition | BarCondition, place: int, ranked: Sequence[int]) -> bool:
    # Tied units share a place, so they share a consequence: "bottom 2" holds a unit when fewer
    # than 2 units rank strictly below it; "top 3" when fewer than 3 rank above it.
    n = len(ranked)
    if c.bottom is not None and n - bisect_right(ranked, place) >= places_of(c.bottom, n):
        return False
    return not (c.top is not None and bisect_left(ranked, place) >= places_of(c.top, n))


def formulas_of(c: BarCondition) -> list[str]:
    """Every ``when`` of a bar's condition and of its ``any`` / ``all`` conditions."""
    out = [c.when] if c.when is not None else []
    for sub in (*(c.any or ()), *(c.all or ())):
        out += formulas_of(sub)
    return out


def placed(c: BarCondition) -> bool:
    """Whether a bar reads places (``bottom``, ``top``, ``years`` anywhere in it): decided
    after ranking (``bar_places``), not with the unit alone."""
    if c.bottom is not None or c.top is not None or c.years > 1:
        return True
    return any(placed(sub) for sub in (*(c.any or ()), *(c.all or ())))


def plain(c: Condition) -> bool:
    """The form the array path evaluates as this module does."""
    return (
        c.any is None
        and c.all is None
        and (c.grade is None or (isinstance(c.grade, str) and not c.grade.endswith((WORSE, BETTER))))
        and not isinstance(c.bottom, str)
        and not isinstance(c.top, str)
        and (c.years == 1 or c.grade is not None or (c.bottom is None and c.top is None))
    )


def columnar_refusal(plan: Plan) -> str | None:
    """Why the array path cannot flag this scheme's consequences (None: it can)."""
    for c in plan.scheme.consequences:
        if not plain(c):
            return (
                f"结果运用“{c.name}”的条件(等次及以下/及以上、等次列表、百分比名次、any/all、"
                "无等次的连续年数)不支持按列计算"
            )
    return None


class _Scopes:
    """Sorted places per scope this year and last year, built once per run."""

    def __init__(self, results: list[UnitResult], previous: dict[str, dict[str, Any]] | None) -> None:
        self.now: dict[tuple[str, str], list[int]] = {}
        for r in results:
            self.now.setdefault(("group", r.group or ""), []).append(r.rank or 0)
            self.now.setdefault(("cohort", ""), []).append(r.overall_rank or 0)
        self.last: dict[tuple[str, str], list[int]] = {}
        for entry in (previous or {}).values():
            for within, key, scope in (
                ("group", "rank", entry.get("group") or ""),
                ("cohort", "overall_rank", ""),
            ):
                place = entry.get(key)
                if isinstance(place, int):
                    self.last.setdefault((within, scope), []).append(place)
        for places in (*self.now.values(), *self.last.values()):
            places.sort()


def holds(
    c: Condition | BarCondition,
    r: UnitResult,
    names: Sequence[str],
    scopes: _Scopes | None,
    previous: dict[str, dict[str, Any]] | None,
    tests: Mapping[str, bool] | None = None,
) -> bool:
    """Whether unit ``r`` meets condition ``c`` (grades and places already final; a bar's
    ``when`` by ``tests``, its formulas' values for the unit; ``scopes`` only where places count)."""
    if isinstance(c, BarCondition):  # a bar's own ``grade`` is the grade it bars, not a condition
        if c.when is not None and not (tests or {}).get(c.when, False):
            return False
    elif c.grade is not None and r.grade not in grade_choice(c.grade, names)[0]:
        return False
    if c.bottom is not None or c.top is not None:
        assert scopes is not None
        place = (r.rank if c.within == "group" else r.overall_rank) or 0
        scope = ("group", r.group or "") if c.within == "group" else ("cohort", "")
        if not _in_places(c, place, scopes.now[scope]):
            return False
    if c.years > 1:
        assert scopes is not None
        if not _last_year(c, (previous or {}).get(r.unit), names, scopes):
            return False
    if c.all is not None and not all(holds(x, r, names, scopes, previous, tests) for x in c.all):
        return False
    return c.any is None or any(holds(x, r, names, scopes, previous, tests) for x in c.any)


def _last_year(
    c: Condition | BarCondition, last: dict[str, Any] | None, names: Sequence[str], scopes: _Scopes
) -> bool:
    """Last year's result meets the condition too: its grade meets ``grade``; where the
    condition names no grade, its place (in last year's group, from the file) meets
    ``bottom`` / ``top``.  Only last year's file is read, whatever ``years`` says."""
    if last is None:
        return False
    if not isinstance(c, BarCondition) and c.grade is not None:
        return last.get("grade") in grade_choice(c.grade, names)[0]
    if c.bottom is None and c.top is None:
        return True
    key = "rank" if c.within == "group" else "overall_rank"
    place = last.get(key)
    scope = ("group", last.get("group") or "") if c.within == "group" else ("cohort", "")
    return isinstance(place, int) and _in_places(c, place, scopes.last.get(scope, []))


def flag_consequences(
    plan: Plan, results: list[UnitResult], previous: dict[str, dict[str, Any]] | None
) -> None:
    """Append each consequence's name to the flags of the units that meet its condition."""
    if not plan.scheme.consequences:
        return
    names = plan.grade_names
    scopes = _Scopes(results, previous)
    order = sorted(results, key=lambda r: (r.group or "", r.rank or 0, r.unit))
    for c in plan.scheme.consequences:
        for r in order:
            if holds(c, r, names, scopes, previous):
                r.flags.append(c.name)


def hold_down(names: Sequence[str], r: UnitResult, bar: Bar, level: int, basis: list[str]) -> int:
    """The grade index after ``bar`` held unit ``r`` (at ``level``) below its grade; the
    reason goes to the basis and to ``barred``.  ``grades.grade_unit`` calls this too."""
    if bar.grade not in names:
        return level
    barred = names.index(bar.grade)
    if level > barred:
        return level
    new = min(barred + 1, len(names) - 1)
    basis.append(f"{bar.reason},由“{names[level]}”降为“{names[new]}”")
    r.barred.append(bar.reason)
    return new


def bar_places(plan: Plan, results: list[UnitResult], previous: dict[str, dict[str, Any]] | None) -> None:
    """The bars that read places, once places are set and before quotas, in the scheme's order."""
    bars = [bar for bar, _f in plan.bars if placed(bar)]
    names = plan.grade_names
    if not bars or not names:
        return
    scopes = _Scopes(results, previous)
    for bar in bars:
        for r in results:
            if r.grade is None or not holds(bar, r, names, scopes, previous, r.bar_tests):
                continue
            level = names.index(r.grade)
            new = hold_down(names, r, bar, level, r.grade_basis)
            r.grade = names[new]
