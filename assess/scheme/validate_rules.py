"""Indicators and their rules: points that add up, one rule per leaf, sound parameters and bands.

A by_group override is validated as the rule it would make, so an override
is held to the same checks as the rule itself.
"""

from __future__ import annotations

import itertools
from typing import Any

from pydantic import ValidationError

from assess.scheme import model as m
from assess.scheme.checker import EPS, Checker, num
from assess.scheme.messages import pydantic_message
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_


def check_indicators(chk: Checker) -> None:
    for ci, cat in enumerate(chk.s.categories):
        total = sum(i.points for i in cat.indicators)
        if not cat.free_points and abs(total - cat.points) > EPS:
            chk.add(
                ("categories", ci, "points"),
                "points-sum",
                f"一级指标“{cat.name}”分值 {num(cat.points)} 不等于所含指标分值之和 {num(total)}"
                "(如确属不同,请写 free_points: true)",
            )
    for ind, _cat, key in walk_indicators(chk.s):
        if ind.children:
            total = sum(c.points for c in ind.children)
            if abs(total - ind.points) > EPS:
                chk.add(
                    (*key, "points"),
                    "points-sum",
                    f"指标 {ind.id} 分值 {num(ind.points)} 不等于所含三级指标分值之和 {num(total)}",
                )
            if ind.rule is not None:
                chk.add(
                    (*key, "rule"),
                    "rule",
                    f"指标 {ind.id} 有三级指标,不应再写 rule",
                )
            continue
        if ind.rule is None:
            chk.add(key, "rule", f"指标 {ind.id} 缺少计分规则 rule")
            continue
        if ind.field and ind.formula:
            chk.add(key, "value-source", f"指标 {ind.id} 不能同时有 field 和 formula")
        _check_rule(chk, ind.rule, ind.points, ind.direction, (*key, "rule"), ind.id, _value_range(chk, ind))
    _check_caps(chk)


Range = tuple[float | None, float | None]


def _value_range(chk: Checker, ind: m.Indicator) -> Range:
    """The values the indicator can take as the scheme declares them: its own min and max,
    else those of the field it reads."""
    field = chk.fields.get(ind.field or "") or chk.fields.get(chk.field_names.get(ind.field or "", ""))
    lo = ind.min if ind.min is not None else (field.min if field and not ind.formula else None)
    hi = ind.max if ind.max is not None else (field.max if field and not ind.formula else None)
    return lo, hi


def _check_rule(
    chk: Checker, rule: Any, points: float, direction: str, key: Path_, ident: str, span: Range
) -> None:
    rule_params(chk, rule, points, direction, key, ident)
    _reachable(chk, rule, points, direction, key, ident, span)

    for group, override in rule.by_group.items():
        gkey = (*key, "by_group", group)
        if not chk.group_names:
            chk.add(
                gkey,
                "unknown-group",
                f"方案没有定义 groups,不能按分组“{group}”覆盖参数",
            )
        elif group not in chk.group_names:
            chk.add(gkey, "unknown-group", f"分组“{group}”未在 groups 中定义")
        if "type" in override and override["type"] != rule.type:
            chk.add((*gkey, "type"), "rule", "分组覆盖参数不能改变计分规则类型 type")
            continue
        if "by_group" in override:
            chk.add((*gkey, "by_group"), "rule", "分组覆盖参数中不能再写 by_group")
            continue
        if rule.type == "ladder" and "levels" in override:
            chk.add((*gkey, "levels"), "rule", "按等次比例计分(ladder)的等次按指标读取,不能按分组覆盖 levels")
            continue
        data = rule.model_dump(exclude={"by_group"})
        data.update(override)
        try:
            variant = type(rule).model_validate(data)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                sub = tuple(p for p in err["loc"] if p != rule.type)
                where = (*gkey, *sub)
                message = pydantic_message(err, data, where, type(rule))
                chk.add(where, "rule", f"分组覆盖参数无效:{message}")
            continue
        rule_params(chk, variant, points, direction, gkey, ident)
        _reachable(chk, variant, points, direction, gkey, ident, span)


def rule_params(chk: Checker, rule: Any, points: float, direction: str, key: Path_, ident: str) -> None:
    t = rule.type
    if t == "threshold" and rule.partial > points + EPS:
        chk.add(
            (*key, "partial"),
            "rule",
            f"指标 {ident} 未达标得分 {num(rule.partial)} 大于分值",
        )
    elif t == "linear":
        if isinstance(rule.floor, str) or isinstance(rule.target, str):
            pass  # a unit's own line (按本单位目标计分): compared unit by unit when scoring
        elif abs(rule.floor - rule.target) < EPS:
            chk.add(
                key,
                "rule",
                f"指标 {ident} 的 floor 与 target 相等({num(rule.target)}),无法按比例计分",
            )
        elif (rule.floor > rule.target) != (direction == "lower"):
            chk.add(
                key,
                "rule",
                f"指标 {ident} 的 floor 与 target 方向与 direction: {direction} 不符"
                "(越大越好时 floor 应小于 target)",
            )
    elif t == "bands":
        _check_bands(chk, rule.bands, points, (*key, "bands"), ident)
    elif t == "rank":
        if not rule.scores and rule.first is None:
            chk.add(
                key,
                "rule",
                f"指标 {ident} 的排名赋分须写 scores(各名次得分)或 first",
            )
        for i, v in enumerate(rule.scores or []):
            if v > points + EPS:
                chk.add(
                    (*key, "scores", i),
                    "rule",
                    f"指标 {ident} 名次得分 {num(v)} 大于分值",
                )
            elif v < 0:
                chk.add(
                    (*key, "scores", i),
                    "rule",
                    f"指标 {ident} 名次得分 {num(v)} 不能为负数",
                )
        if rule.first is not None and rule.first > points + EPS:
            chk.add(
                (*key, "first"),
                "rule",
                f"指标 {ident} 第 1 名得分 {num(rule.first)} 大于分值",
            )
    elif t == "relative":
        if rule.to == "average" and rule.at_average is None:
            chk.add(
                key,
                "rule",
                f"指标 {ident} 与平均值比较时须写 at_average(等于平均值时得分)",
            )
        for name in ("at_average", "floor"):
            v = getattr(rule, name)
            if v is not None and v > points + EPS:
                chk.add(
                    (*key, name),
                    "rule",
                    f"指标 {ident} 的 {name} {num(v)} 大于分值 {num(points)}",
                )
        if rule.floor is not None and rule.cap is not None and rule.floor > rule.cap:
            chk.add(key, "rule", f"指标 {ident} 的 floor 大于 cap")
    elif t == "minmax" and rule.base + rule.span > 100 + EPS:
        chk.add(key, "rule", f"指标 {ident} 的 base + span 超过 100")
    elif t == "deduct":
        if rule.cap is not None and rule.cap < 0:
            chk.add((*key, "cap"), "rule", f"指标 {ident} 的扣分上限不能为负数")
        groups = {g.id for g in chk.s.deduct_groups}
        if rule.cap_group and rule.cap_group not in groups:
            chk.add(
                (*key, "cap_group"),
                "unknown-name",
                f"扣分组“{rule.cap_group}”未在 deduct_groups 中定义",
            )
    elif t == "boolean" and rule.partial > points + EPS:
        chk.add((*key, "partial"), "rule", f"指标 {ident} 的 partial 大于分值")
    elif t == "base":
        from assess.scheme.validate_scores import check_base

        check_base(chk, rule, points, key, ident)


def _check_bands(chk: Checker, bands: list[m.Band], points: float, key: Path_, ident: str) -> None:
    inf = float("inf")
    for i, band in enumerate(bands):
        if band.score is not None and band.score > points + EPS:
            chk.add(
                (*key, i, "score"),
                "bands",
                f"指标 {ident} 第 {i + 1} 档得分 {num(band.score)} 大于分值 {num(points)}",
            )
        if band.min is not None and band.max is not None and band.min >= band.max:
            chk.add((*key, i), "bands", f"指标 {ident} 第 {i + 1} 档下限不小于上限")
    lows = [b.min if b.min is not None else -inf for b in bands]
    if lows != sorted(lows) and lows != sorted(lows, reverse=True):
        chk.add(key, "bands", f"指标 {ident} 的分档顺序混乱,请按从高到低或从低到高排列")
        return
    order = sorted(range(len(bands)), key=lambda i: lows[i])
    for a_i, b_i in itertools.pairwise(order):
        a, b = bands[a_i], bands[b_i]
        a_hi = a.max if a.max is not None else inf
        b_lo = lows[b_i]
        touching = abs(a_hi - b_lo) < EPS
        first, second = sorted((a_i, b_i))
        if (a_hi > b_lo + EPS) or (touching and a.include_max and b.include_min):
            chk.add(
                (*key, second),
                "bands",
                f"指标 {ident} 第 {first + 1} 档与第 {second + 1} 档区间重叠",
            )
        elif a_hi < b_lo - EPS or (touching and not a.include_max and not b.include_min):
            chk.add(
                (*key, second),
                "bands-gap",
                f"指标 {ident} 第 {first + 1} 档与第 {second + 1} 档之间有空隙"
                f"({_gap(a_hi, b_lo)}的值不属于任何一档,不得分)",
                "warning",
            )


def _gap(lo: float, hi: float) -> str:
    return f"恰为 {num(lo)} " if abs(hi - lo) < EPS else f"{num(lo)} 至 {num(hi)} 之间"


def _reachable(
    chk: Checker, rule: Any, points: float, direction: str, key: Path_, ident: str, span: Range
) -> None:
    """Warn where no value can earn the indicator's full points, or a deduction cap is out of reach."""
    t = rule.type
    best: float | None = None  # the highest score the rule can give, where it is below points
    where: Path_ = key
    if t == "bands":
        best = max(
            min(b.score if b.score is not None else (b.share or 0) * points, points) for b in rule.bands
        )
        what = f"各档得分最高为 {num(best)}"
        where = (*key, "bands")
    elif t == "rank" and rule.scores:
        best = max(*rule.scores, rule.others)
        what = f"名次得分最高为 {num(best)}"
        where = (*key, "scores")
    elif t == "rank" and rule.first is not None:
        best = max(rule.first, rule.others)
        what = f"第 1 名得分 {num(best)}"
        where = (*key, "first")
    elif t == "relative" and rule.cap is not None:
        best = rule.cap
        what = f"的最高得分 cap 为 {num(best)}"
        where = (*key, "cap")
    elif t in ("base", "ladder"):
        from assess.scheme.validate_scores import best_of

        best, what, where = best_of(rule, points, key)
    elif t == "minmax":
        best = (rule.base + rule.span) / 100 * points
        what = f"的 base + span 为 {num(rule.base + rule.span)}(最高只能得分值的 {num(rule.base + rule.span)}%,即 {num(best)} 分)"
    elif t == "deduct" and rule.cap is not None and rule.cap > points + EPS:
        chk.add(
            (*key, "cap"),
            "cap-unreachable",
            f"指标 {ident} 的扣分上限 {num(rule.cap)} 大于分值 {num(points)},最多只扣 {num(points)} 分,"
            "上限达不到;请核对扣分上限或分值",
            "warning",
        )
    if best is not None:
        if best < points - EPS:
            chk.add(
                where,
                "cap-unreachable",
                f"指标 {ident} {what},达不到分值 {num(points)},任何单位都得不到满分",
                "warning",
            )
        return
    goal = {"threshold": "target", "linear": "target", "ratio": "target", "step": "baseline"}.get(t)
    if goal is None:
        return
    target = getattr(rule, goal)
    if isinstance(target, str) or (t == "linear" and isinstance(rule.floor, str)):
        return  # each unit's own target (按本单位目标计分): no line the scheme itself draws
    lower = rule.floor > rule.target if t == "linear" else direction == "lower"
    edge = span[0] if lower else span[1]  # the best value the scheme allows
    if edge is None:
        return
    bound = "下限 min" if lower else "上限 max"
    if (edge > target + EPS) if lower else (edge < target - EPS):
        why = f"{'低于' if lower else '高于'}取值{bound} {num(edge)}"
    elif t == "threshold" and not rule.inclusive and abs(edge - target) < EPS:
        why = f"等于取值{bound} {num(edge)},而 inclusive: false(恰好等于不算达标)"
    else:
        return
    chk.add(
        (*key, goal),
        "cap-unreachable",
        f"指标 {ident} 的 {goal} {num(target)} {why},任何单位都得不到满分",
        "warning",
    )


def _check_caps(chk: Checker) -> None:
    """Shared caps that nothing can reach: a deduction group's, the bonus total's."""
    s = chk.s
    members: dict[str, float] = {}
    for ind, _cat, _key in walk_indicators(s):
        rule = ind.rule
        if not ind.children and rule is not None and rule.type == "deduct" and rule.cap_group:
            members[rule.cap_group] = members.get(rule.cap_group, 0.0) + ind.points
    for gi, g in enumerate(s.deduct_groups):
        if g.id not in members:
            chk.add(
                ("deduct_groups", gi),
                "empty-group",
                f"扣分组“{g.name}”没有指标使用(没有指标写 cap_group: {g.id}),其扣分上限不起作用",
                "warning",
            )
        elif g.cap > members[g.id] + EPS:
            chk.add(
                ("deduct_groups", gi, "cap"),
                "cap-unreachable",
                f"扣分组“{g.name}”的扣分上限 {num(g.cap)} 大于所含指标分值之和 {num(members[g.id])},上限达不到",
                "warning",
            )
    if s.bonus and s.bonus.cap is not None:
        total = sum(i.points for i in s.bonus.items)
        if s.bonus.cap > total + EPS:
            chk.add(
                ("bonus", "cap"),
                "cap-unreachable",
                f"加分合计上限 {num(s.bonus.cap)} 大于各加分项分值之和 {num(total)},上限达不到",
                "warning",
            )
