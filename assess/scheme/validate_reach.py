"""What no unit can reach: grade lines above the highest total, groups with no unit in them.

The caps of single indicators (a rule that never gives full points) are
checked with the rules in ``validate_rules``; here the whole scheme is read.
"""

from __future__ import annotations

from assess.scheme.checker import EPS, Checker, num


def check_reach(chk: Checker) -> None:
    _grade_lines(chk)
    _empty_groups(chk)


def _grade_lines(chk: Checker) -> None:
    """A grade line above the highest total a unit can reach: the full score plus the bonus."""
    s = chk.s
    bonus = 0.0
    if s.bonus:
        bonus = sum(item.points for item in s.bonus.items)
        if s.bonus.cap is not None:
            bonus = min(bonus, s.bonus.cap)
    for i, g in enumerate(s.grades):
        if g.min > s.full_score + bonus + EPS:
            top = f"满分 {num(s.full_score)}" + (f" 与加分上限 {num(bonus)} 之和" if bonus else "")
            chk.add(
                ("grades", i, "min"),
                "grade-unreachable",
                f"等次“{g.name}”的分数线 {num(g.min)} 高于{top},任何单位都评不上",
            )
        elif g.min > s.full_score + EPS:
            chk.add(
                ("grades", i, "min"),
                "grade-unreachable",
                f"等次“{g.name}”的分数线 {num(g.min)} 高于满分 {num(s.full_score)},只有得到加分的单位才能评上",
                "warning",
            )


def _empty_groups(chk: Checker) -> None:
    """Groups no listed unit belongs to, where the scheme's unit list says who is in which group."""
    s = chk.s
    if not any(u.group for u in s.units):
        return  # the groups come from the workbooks: nothing to compare with here
    used = {u.group for u in s.units if u.group}
    for i, g in enumerate(s.groups):
        if used.isdisjoint((g.id, g.name, *g.aliases)):
            chk.add(
                ("groups", i),
                "empty-group",
                f"分组“{g.name}”在 units 中没有任何单位;按分组计算的排名、名额和分组参数对它不起作用",
                "warning",
            )
