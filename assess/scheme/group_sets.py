"""Each group's own set of indicators and points (分类考核: 各组考核的指标和分值不同).

Published schemes give 耕地保有量 1 point in one group of districts and 3 in another, drop
indicators a group has nothing to do with (a 城区 has no 高标准农田) and add items only one
group has.  A scheme says so in three places: an indicator's ``groups`` (only these groups
have it), a group's ``drop`` (it does not have these) and a group's ``points`` (its own points
for these leaves).  This module turns them into one ``GroupSet`` per group, once, which both
the checks (every group's points add up to the full score) and the plan (each unit scored on
its group's set) read, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from assess.scheme import model as m
from assess.scheme.walk import walk_indicators


@dataclass(frozen=True, slots=True)
class GroupSet:
    """What one group is assessed on."""

    points: dict[str, float]  # every indicator id in the set (leaf and parent) → its points
    categories: tuple[float, ...]  # each category's points for this group (0: none of it)
    bonus: frozenset[str]  # the bonus items this group has

    def total(self) -> float:
        return sum(self.categories)


def uses_sets(s: m.Scheme) -> bool:
    """Whether any group's indicators or points differ from the scheme as written."""
    if any(g.drop or g.points for g in s.groups):
        return True
    if s.bonus is not None and any(item.groups is not None for item in s.bonus.items):
        return True
    return any(ind.groups is not None for ind, _c, _k in walk_indicators(s))


def group_sets(s: m.Scheme, group_ids: dict[str, str]) -> dict[str, GroupSet]:
    """Each group's set, by canonical group id; {} when the scheme uses no sets.

    Names that do not resolve (an unknown indicator in ``drop``) are left out here and
    reported by ``check_group_sets``; a checked scheme has none."""
    if not uses_sets(s):
        return {}
    return {g.id: _one(s, g, group_ids) for g in s.groups}


def _allowed(groups: list[str] | None, gid: str, group_ids: dict[str, str]) -> bool:
    return groups is None or any(group_ids.get(name, name) == gid for name in groups)


def _one(s: m.Scheme, g: m.Group, group_ids: dict[str, str]) -> GroupSet:
    dropped = set(g.drop)
    points: dict[str, float] = {}
    categories: list[float] = []
    for cat in s.categories:
        written = 0.0
        own = 0.0

        def visit(ind: m.Indicator, open_: bool) -> float:
            """The indicator's points for this group (0 when it is not in the set)."""
            nonlocal written, own
            inside = open_ and ind.id not in dropped and _allowed(ind.groups, g.id, group_ids)
            if ind.children:
                got = sum(visit(child, inside) for child in ind.children)
                if inside and any(c.id in points for c in ind.children):
                    points[ind.id] = got
                return got if inside else 0.0
            written += ind.points
            if not inside:
                return 0.0
            value = float(g.points.get(ind.id, ind.points))
            points[ind.id] = value
            own += value
            return value

        open_cat = cat.id not in dropped
        for ind in cat.indicators:
            visit(ind, open_cat)
        if not any(ind.id in points for ind in _leaves(cat)):
            categories.append(0.0)
        else:
            categories.append(cat.points - written + own)
    bonus = frozenset(
        item.id for item in (s.bonus.items if s.bonus else []) if _allowed(item.groups, g.id, group_ids)
    )
    return GroupSet(points, tuple(categories), bonus)


def _leaves(cat: m.Category) -> list[m.Indicator]:
    out: list[m.Indicator] = []

    def rec(ind: m.Indicator) -> None:
        if ind.children:
            for c in ind.children:
                rec(c)
        else:
            out.append(ind)

    for ind in cat.indicators:
        rec(ind)
    return out
