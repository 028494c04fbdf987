"""Awards (``awards``): prizes for exact places and named lists of a number of units.

An award with ``places`` goes to the units holding those places (within the group, or the
cohort with ``within: cohort``); tied units share a place, so they share the award.  An award
with ``count`` (a number, or one per group) or ``quota`` (a share of the units, rounded down
as quotas are) is a list given in rank order.  The lists of one scope (``within``) follow
each other in the scheme's order: a list starts after the units of the lists before it
(标兵县 20, then 先进县 the next 10).  A tie at a list's line keeps the tied units together
on it (``ranking.quota_cut``, the rule of grade quotas) and a note says so.

Only ranked units receive awards.  ``grade`` (a grade, ``较好及以上`` or a list) and ``min``
(a total) narrow who may; a list then takes the next units that may.  A unit under a veto
receives no award (``conditions.honours_barred``): it is passed over, and its notes and the
run's notes say so (“有一票否决事项,不授予“标兵县””).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assess.scoring.conditions import grade_choice, honours_barred, withheld
from assess.scoring.numbers import fmt
from assess.scoring.ranking import NO_GROUP, count_for, groups_of, quota_allowed, quota_cut

if TYPE_CHECKING:
    from assess.scheme.model import Award
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult


def give_awards(plan: Plan, results: list[UnitResult]) -> list[str]:
    """Set every unit's ``awards`` (places, grades and vetoes final); returns the run's notes
    (a tie at an award's line, an award withheld for a veto)."""
    awards = plan.scheme.awards
    if not awards:
        return []
    for r in results:
        r.awards = []
    ranked = [r for r in results if r.ranked and r.rank is not None]
    notes: list[str] = []
    taken: dict[tuple[str, str], set[str]] = {}  # (within, scope) → units of the lists so far
    for award in awards:
        for scope, label, members in _scopes(award, ranked):
            place = _place(award)
            members = sorted(members, key=lambda r: (place(r), r.unit))
            if award.places is not None:
                notes += _by_places(plan, award, label, members, place)
            else:
                seen = taken.setdefault((award.within, scope), set())
                notes += _by_list(plan, award, scope, label, members, place, seen)
    return notes


def _scopes(award: Award, ranked: list[UnitResult]) -> list[tuple[str, str | None, list[UnitResult]]]:
    if award.within == "cohort":
        return [(NO_GROUP, None, ranked)] if ranked else []
    return [(gid, members[0].group_name, members) for gid, members in groups_of(ranked).items()]


def _place(award: Award) -> Callable[[UnitResult], int]:
    if award.within == "cohort":
        return lambda r: r.overall_rank or 0
    return lambda r: r.rank or 0


def _may(plan: Plan, award: Award, r: UnitResult) -> bool:
    """Whether the unit meets the award's own conditions (its grade, its total)."""
    if award.grade is not None and r.grade not in grade_choice(award.grade, plan.grade_names)[0]:
        return False
    return award.min is None or r.total >= award.min - 1e-9


def _by_places(
    plan: Plan,
    award: Award,
    label: str | None,
    members: list[UnitResult],
    place: Callable[[UnitResult], int],
) -> list[str]:
    assert award.places is not None
    wanted = set(award.places)
    notes: list[str] = []
    given: list[UnitResult] = []
    for r in members:
        if place(r) not in wanted or not _may(plan, award, r):
            continue
        if honours_barred(r):
            notes.append(withheld(r, award.name))
            continue
        assert r.awards is not None
        r.awards.append(award.name)
        given.append(r)
    if len(given) > len(award.places):
        ties: dict[int, list[str]] = {}
        for r in given:
            ties.setdefault(place(r), []).append(r.unit)
        said = ";".join(f"{'、'.join(units)}并列第 {p} 名" for p, units in ties.items() if len(units) > 1)
        head = f"{label}:" if label else ""
        listed = "、".join(str(p) for p in award.places)
        notes.append(
            f"{head}“{award.name}”授予第 {listed} 名;{said},按考核方案一并授予,实际 {len(given)} 个。"
        )
    return notes


def _by_list(
    plan: Plan,
    award: Award,
    scope: str,
    label: str | None,
    members: list[UnitResult],
    place: Callable[[UnitResult], int],
    seen: set[str],
) -> list[str]:
    """A named list of ``count`` (or ``quota`` × units) in rank order, after the lists before it."""
    n = len(members)
    where = "本组" if award.within == "group" else "全体"
    if award.quota is not None:
        allowed = quota_allowed(award.quota, n)
        size = f"“{award.name}”名单为{where} {n} 个单位的 {fmt(award.quota * 100)}%({allowed} 个)"
    else:
        count = count_for(plan, award.count, scope or None)
        if count is None:  # no list for this group
            return []
        allowed = count
        size = f"“{award.name}”名单为{where} {allowed} 个"
    candidates = [r for r in members if r.unit not in seen and _may(plan, award, r)]
    eligible = [r for r in candidates if not honours_barred(r)]
    cut = quota_cut([place(r) for r in eligible], allowed)
    given = eligible[:cut]
    # A unit under a veto is passed over where it would have been on the list: ranked no lower
    # than the last unit given it, or (nobody given it) within the list's length.
    if given:
        last = place(given[-1])
        passed = [r for r in candidates if honours_barred(r) and place(r) <= last]
    else:
        would = quota_cut([place(r) for r in candidates], allowed)
        passed = [r for r in candidates[:would] if honours_barred(r)]
    notes = [withheld(r, award.name) for r in passed]
    for r in given:
        assert r.awards is not None
        r.awards.append(award.name)
    seen.update(r.unit for r in (*given, *passed))
    if cut > allowed:
        head = f"{label}:" if label else ""
        tied = "、".join(r.unit for r in eligible[allowed - 1 : cut])
        notes.append(
            f"{head}{size};{tied}的总分及各同分比较项均相同,在名单线上并列,"
            f"按考核方案一并授予“{award.name}”,实际 {cut} 个,超出 {cut - allowed} 个。"
        )
    return notes


__all__ = ["give_awards"]
