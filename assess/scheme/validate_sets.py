"""Each group's own indicator set (``groups``, ``drop``, ``points``): names that exist, points
that add up to the full score in every group, and units that say which set they are on.

A group's total is checked on its own: a scheme that gives one group an extra item and
another group a different one has no single "written total", so the warning on the written
total (validate_grades) gives way to an error per group here.
"""

from __future__ import annotations

from assess.scheme import model as m
from assess.scheme.checker import EPS, Checker, num
from assess.scheme.group_sets import GroupSet, group_sets, uses_sets
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_


def check_group_sets(chk: Checker) -> None:
    s = chk.s
    if not uses_sets(s):
        return
    group_ids = {a: g.id for g in s.groups for a in (g.id, g.name, *g.aliases)}
    _check_names(chk, group_ids)
    if not s.groups:
        return
    sets = group_sets(s, group_ids)
    weighted = any(c.weight is not None for c in s.categories)
    for gi, g in enumerate(s.groups):
        gs = sets[g.id]
        where: Path_ = (
            ("groups", gi, "points") if g.points else ("groups", gi, "drop") if g.drop else ("groups", gi)
        )
        if not any(gs.categories):
            chk.add(where, "group-set", f"分组“{g.name}”不考核任何指标")
            continue
        if weighted:
            _check_weights(chk, g, gs, where)
        elif abs(gs.total() - s.full_score) > EPS:
            chk.add(
                where,
                "group-points",
                f"分组“{g.name}”考核的指标分值合计 {num(gs.total())},不等于满分 {num(s.full_score)}"
                f"({_explain(s, g, gs)})",
            )
    for ui, unit in enumerate(s.units):
        if unit.group is None and s.groups:
            chk.add(
                ("units", ui, "name"),
                "group-set",
                f"单位“{unit.name}”没有写分组(group);方案各组考核的指标或分值不同,须写明本单位属哪一组",
            )
    check_group_rules(chk)


def _check_names(chk: Checker, group_ids: dict[str, str]) -> None:
    s = chk.s
    leaves: set[str] = set()
    parents: set[str] = set()
    for ind, _cat, key in walk_indicators(s):
        (parents if ind.children else leaves).add(ind.id)
        for i, name in enumerate(ind.groups or ()):
            _group_known(chk, name, group_ids, (*key, "groups", i), f"指标 {ind.id} 的 groups")
    if s.bonus is not None:
        for bi, item in enumerate(s.bonus.items):
            for i, name in enumerate(item.groups or ()):
                _group_known(
                    chk, name, group_ids, ("bonus", "items", bi, "groups", i), f"加分项“{item.name}”的 groups"
                )
    categories = {c.id for c in s.categories}
    for gi, g in enumerate(s.groups):
        for i, ident in enumerate(g.drop):
            if ident not in leaves | parents | categories:
                chk.add(
                    ("groups", gi, "drop", i),
                    "group-set",
                    f"分组“{g.name}”的 drop 中指标“{ident}”不在方案中(应写指标或一级指标的 id)",
                )
        for ident in g.points:
            at: Path_ = ("groups", gi, "points", ident)
            if ident in parents:
                chk.add(
                    at,
                    "group-set",
                    f"分组“{g.name}”的 points 只写末级指标;指标 {ident} 的分值由其三级指标合计",
                )
            elif ident in categories and ident not in leaves:
                chk.add(
                    at,
                    "group-set",
                    f"分组“{g.name}”的 points 只写末级指标;一级指标“{ident}”的分值由所含指标合计",
                )
            elif ident not in leaves:
                chk.add(at, "group-set", f"分组“{g.name}”的 points 中指标“{ident}”不在方案中")
            elif ident in g.drop:
                chk.add(at, "group-set", f"分组“{g.name}”既不考核指标 {ident}(drop),又给它分值(points)")


def _group_known(chk: Checker, name: str, group_ids: dict[str, str], key: Path_, where: str) -> None:
    if not chk.s.groups:
        chk.add(key, "unknown-group", f"方案没有定义 groups,{where} 中不能写分组“{name}”")
    elif name not in group_ids:
        chk.add(key, "unknown-group", f"{where} 中分组“{name}”未在 groups 中定义")


def _check_weights(chk: Checker, g: m.Group, gs: GroupSet, where: Path_) -> None:
    weights = [c.weight or 0.0 for c, pts in zip(chk.s.categories, gs.categories, strict=True) if pts > 0]
    if abs(sum(weights) - 1) > 1e-6:
        chk.add(
            where,
            "group-points",
            f"分组“{g.name}”考核的一级指标权重之和为 {num(sum(weights))},应为 1",
        )


def _explain(s: m.Scheme, g: m.Group, gs: GroupSet) -> str:
    """How the group's set differs from the scheme as written, for the message."""
    out: list[str] = []
    missing = [ind.id for ind, _c, _k in walk_indicators(s) if not ind.children and ind.id not in gs.points]
    if missing:
        out.append(
            "本组不考核 " + "、".join(missing[:6]) + (f" 等 {len(missing)} 项" if len(missing) > 6 else "")
        )
    changed = [f"{i} 为 {num(p)} 分" for i, p in g.points.items() if i in gs.points]
    if changed:
        out.append("、".join(changed[:6]))
    per_cat = [f"{c.name} {num(p)}" for c, p in zip(s.categories, gs.categories, strict=True)]
    out.append("各一级指标:" + "、".join(per_cat))
    return ";".join(out)


def check_group_rules(chk: Checker) -> None:
    """A rule's own numbers (a band's score, a partial score) within a group's own points."""
    from assess.scheme.validate_rules import rule_params

    s = chk.s
    keys = {ind.id: (ind, key) for ind, _c, key in walk_indicators(s) if not ind.children}
    group_ids = {a: g.id for g in s.groups for a in (g.id, g.name, *g.aliases)}
    for gi, g in enumerate(s.groups):
        for ident, points in g.points.items():
            if ident not in keys:
                continue
            ind, _key = keys[ident]
            if ind.rule is None:
                continue
            rule = ind.rule
            for name, override in rule.by_group.items():
                if group_ids.get(name) == g.id:
                    try:
                        rule = type(rule).model_validate(
                            {**rule.model_dump(exclude={"by_group"}), **override}
                        )
                    except ValueError:
                        return  # reported by check_indicators
            rule_params(
                chk,
                rule,
                float(points),
                ind.direction,
                ("groups", gi, "points", ident),
                f"{ident}(分组“{g.name}”)",
            )
