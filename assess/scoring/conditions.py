"""Conditions of consequences (结果运用): grades, places, shares of a group, years running,
combined with ``any`` / ``all``.

A condition's keys hold together (and); ``any`` needs one of its conditions, ``all`` every
one.  ``grade`` is a grade name, ``名称及以下`` / ``名称及以上`` or a list of names;
``bottom`` and ``top`` are a number of places or a share of the group (``"10%"``).
``years: N`` also needs the N − 1 years before this one to meet it (``_earlier_years``); a
year whose results were not given leaves the condition undecided (``scoring/history.py``).

A consequence may also be triggered by facts: ``when`` (a formula of fields, ``value()``,
``score()`` and ``veto``, the language of bars; its value per unit is kept on the unit by
``grades.grade_unit`` in ``UnitResult.bar_tests``) and ``veto`` (true, false, or the ids or
names of vetoes, one of which must have hit).  A unit without a place (``ranked: false``)
never meets ``bottom`` or ``top``.  A unit under a veto never receives a commendation (a
consequence with ``top`` anywhere in its condition, see ``commends``) nor an award
(``scoring/awards.py``): ``honours_barred`` is that one rule, ``withheld`` its note.

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
    from assess.scoring.history import History, Previous
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


def formulas_of(c: BarCondition | Condition) -> list[str]:
    """Every ``when`` of a bar's (or a consequence's) condition and of its ``any`` / ``all``."""
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
        and c.when is None
        and c.veto is None
        and (c.grade is None or (isinstance(c.grade, str) and not c.grade.endswith((WORSE, BETTER))))
        and not isinstance(c.bottom, str)
        and not isinstance(c.top, str)
        and (c.years == 1 or c.grade is not None or (c.bottom is None and c.top is None))
    )


def columnar_refusal(plan: Plan) -> str | None:
    """Why the array path cannot flag this scheme's consequences (None: it can)."""
    for c in plan.scheme.consequences:
        if c.when is not None or c.veto is not None:
            return f"结果运用“{c.name}”的条件(公式 when、一票否决 veto)不支持按列计算"
        if not plain(c):
            return (
                f"结果运用“{c.name}”的条件(等次及以下/及以上、等次列表、百分比名次、any/all、"
                "无等次的连续年数)不支持按列计算"
            )
    return None


class _Scopes:
    """Sorted places per scope this year, built once per run, and the earlier years' results.

    ``assume`` is what a needed year whose results were not given counts as: not meeting the
    condition (False, the result applied) or meeting it (True: the bound that finds the
    undecided units, see ``scoring/history.py``)."""

    def __init__(self, results: list[UnitResult], history: History | None) -> None:
        self.now: dict[tuple[str, str], list[int]] = {}
        for r in results:  # a unit without a place (ranked: false) is in no list
            if r.rank is not None:
                self.now.setdefault(("group", r.group or ""), []).append(r.rank)
            if r.overall_rank is not None:
                self.now.setdefault(("cohort", ""), []).append(r.overall_rank)
        for places in self.now.values():
            places.sort()
        self.history = history
        self.assume = False


def holds(
    c: Condition | BarCondition,
    r: UnitResult,
    names: Sequence[str],
    scopes: _Scopes | None,
    previous: Previous,
    tests: Mapping[str, bool] | None = None,
) -> bool:
    """Whether unit ``r`` meets condition ``c`` (grades and places already final; ``when`` by
    ``tests``, the values of the formulas for the unit; ``scopes`` only where places count,
    and for ``years``: the earlier years are ``scopes.history``)."""
    if c.when is not None and not (tests or {}).get(c.when, False):
        return False
    # a bar's own ``grade`` is the grade it bars, not a condition
    if not isinstance(c, BarCondition):
        if c.grade is not None and r.grade not in grade_choice(c.grade, names)[0]:
            return False
        if c.veto is not None and not _vetoed(c.veto, r):
            return False
    if c.bottom is not None or c.top is not None:
        assert scopes is not None
        place = r.rank if c.within == "group" else r.overall_rank
        if place is None:  # not ranked (ranked: false): no place to be among the first or last
            return False
        scope = ("group", r.group or "") if c.within == "group" else ("cohort", "")
        if not _in_places(c, place, scopes.now[scope]):
            return False
    if c.years > 1:
        assert scopes is not None
        if not _earlier_years(c, r.unit, names, scopes):
            return False
    if c.all is not None and not all(holds(x, r, names, scopes, previous, tests) for x in c.all):
        return False
    return c.any is None or any(holds(x, r, names, scopes, previous, tests) for x in c.any)


def _earlier_years(c: Condition | BarCondition, unit: str, names: Sequence[str], scopes: _Scopes) -> bool:
    """Each of the ``years`` − 1 years before this one meets the condition too (2023 and 2022
    for ``years: 3`` in 2024); a unit missing from a year's results does not.  A year whose
    results were not given counts as ``scopes.assume`` (the caller notes the undecided)."""
    history = scopes.history
    if history is None:
        return False
    for year in history.needed(c.years):
        got = history.earlier.get(year)
        if got is None:
            if scopes.assume:
                continue
            return False
        if not _in_year(c, got.units.get(unit), names, got.places):
            return False
    return True


def _in_year(
    c: Condition | BarCondition,
    entry: dict[str, Any] | None,
    names: Sequence[str],
    places: Mapping[tuple[str, str], list[int]],
) -> bool:
    """An earlier year's result meets the condition: its grade meets ``grade``; where the
    condition names no grade, its place (in that year's group, from the file) meets
    ``bottom`` / ``top``."""
    if entry is None:
        return False
    if not isinstance(c, BarCondition) and c.grade is not None:
        return entry.get("grade") in grade_choice(c.grade, names)[0]
    if c.bottom is None and c.top is None:
        return True
    key = "rank" if c.within == "group" else "overall_rank"
    place = entry.get(key)
    scope = ("group", entry.get("group") or "") if c.within == "group" else ("cohort", "")
    return isinstance(place, int) and _in_places(c, place, places.get(scope, []))


def _undecided(
    c: Condition | BarCondition,
    r: UnitResult,
    names: Sequence[str],
    scopes: _Scopes,
    previous: Previous,
) -> bool:
    """Whether a unit that does not meet ``c`` would meet it were the missing years' results
    given: only then is the condition undecided for it (a year missing, the rest met)."""
    from assess.scoring.history import longest

    history = scopes.history
    if history is None or not history.missing(longest(c)):
        return False
    scopes.assume = True
    try:
        return holds(c, r, names, scopes, previous, r.bar_tests)
    finally:
        scopes.assume = False


def _vetoed(spec: bool | str | list[str], r: UnitResult) -> bool:
    """``veto: true`` any veto hit; ``false`` none; an id or name (or a list of them): one of those."""
    if isinstance(spec, bool):
        return bool(r.vetoes) == spec
    wanted = {spec} if isinstance(spec, str) else set(spec)
    return any(v.id in wanted or v.name in wanted for v in r.vetoes)


def commends(c: Condition) -> bool:
    """Whether a consequence reads ``top`` anywhere: a commendation of the first units
    (通报表扬 of the top 2…), which a unit under a veto never receives."""
    return c.top is not None or any(commends(sub) for sub in (*(c.any or ()), *(c.all or ())))


def honours_barred(r: UnitResult) -> bool:
    """The one rule for awards and commendations: a unit under a veto receives neither."""
    return bool(r.vetoes)


AWARD, CONSEQUENCE = "不授予", "不列入"  # withheld: an award; a commendation (通报表扬)


def withheld_text(name: str, verb: str = AWARD) -> str:
    """有一票否决事项,不授予“标兵县”: why a unit under a veto does not receive ``name``."""
    return f"有一票否决事项,{verb}“{name}”"


def withheld(r: UnitResult, name: str, verb: str = AWARD) -> str:
    """A unit under a veto that would have received ``name``: said in its notes; the sentence
    for the run's notes is returned (the array path writes it with ``withheld_text`` too)."""
    text = withheld_text(name, verb)
    r.notes.append(text)
    return f"{r.unit}{text}。"


def flag_consequences(plan: Plan, results: list[UnitResult], previous: Previous) -> list[str]:
    """Append each consequence's name to the flags of the units that meet its condition; a
    commendation is withheld from a unit under a veto (the notes returned say so), a
    consequence of years running is not applied where a needed year is missing (said too)."""
    from assess.scoring.history import History, longest, undecided_text

    notes: list[str] = []
    if not plan.scheme.consequences:
        return notes
    names = plan.grade_names
    history = History.of(plan.scheme.year, previous)
    scopes = _Scopes(results, history)
    order = sorted(results, key=lambda r: (r.group or "", r.rank or 0, r.unit))
    for c in plan.scheme.consequences:
        honour = commends(c)
        undecided: list[str] = []
        for r in order:
            if holds(c, r, names, scopes, previous, r.bar_tests):
                if honour and honours_barred(r):
                    notes.append(withheld(r, c.name, CONSEQUENCE))
                else:
                    r.flags.append(c.name)
            elif not (honour and honours_barred(r)) and _undecided(c, r, names, scopes, previous):
                undecided.append(r.unit)
        if undecided and history is not None:
            history.say(notes, undecided_text(f"结果运用“{c.name}”", longest(c), history, undecided))
    return notes


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


def bar_places(plan: Plan, results: list[UnitResult], previous: Previous) -> list[str]:
    """The bars that read places, once places are set and before quotas, in the scheme's order;
    the notes returned name the bars of years running left undecided (a needed year missing)."""
    from assess.scoring.history import History, longest, undecided_text

    bars = [bar for bar, _f in plan.bars if placed(bar)]
    names = plan.grade_names
    notes: list[str] = []
    if not bars or not names:
        return notes
    history = History.of(plan.scheme.year, previous)
    scopes = _Scopes(results, history)
    for bar in bars:
        undecided: list[str] = []
        for r in results:
            if r.grade is None:
                continue
            if not holds(bar, r, names, scopes, previous, r.bar_tests):
                # undecided only where the bar would change the grade
                reaches = bar.grade in names and names.index(r.grade) <= names.index(bar.grade)
                if reaches and _undecided(bar, r, names, scopes, previous):
                    undecided.append(r.unit)
                continue
            level = names.index(r.grade)
            new = hold_down(names, r, bar, level, r.grade_basis)
            r.grade = names[new]
        if undecided and history is not None:
            history.say(notes, undecided_text(f"等次限制“{bar.reason}”", longest(bar), history, undecided))
    return notes
