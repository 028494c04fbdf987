"""The 基本分加减 rule (base), the 等次比例 rule (ladder) and item overrides (得分调整).

``base``: the base score, its caps and the points are in order (a score never above the
indicator's points).  ``ladder``: the words are read from the indicator's own cell, or from a
field that is a reported word (not computed, no levels of its own, not read as other words by
another ladder).  ``override``: on a leaf indicator, scores within its points, not on an item
sharing a deduction cap (the shared cap would give back what the override takes).  The
override's ``when`` is checked with the other formulas (``validate_formulas``).
"""

from __future__ import annotations

from typing import Any

from assess.scheme import model as m
from assess.scheme.checker import EPS, Checker, num
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_

LADDER = "按等次比例计分(ladder)"


def check_base(chk: Checker, rule: Any, points: float, key: Path_, ident: str) -> None:
    """A base rule's (or a group variant's) numbers: base, max and min within the points, in order."""
    if rule.above == 0 and rule.below == 0:
        chk.add(
            key,
            "rule",
            f"指标 {ident} 的基本分加减计分(base)须写 above(优于目标时每个 per 加的分)"
            "或 below(差于目标时每个 per 扣的分)中至少一项",
        )
    if rule.base > points + EPS:
        chk.add((*key, "base"), "rule", f"指标 {ident} 的基本分 base {num(rule.base)} 大于分值 {num(points)}")
    if rule.max is not None and rule.max > points + EPS:
        chk.add(
            (*key, "max"),
            "rule",
            f"指标 {ident} 的最高得分 max {num(rule.max)} 大于分值 {num(points)};指标得分不能超过分值,"
            "请把分值写为最高得分,或把超出的部分列为加分项(bonus)",
        )
    elif rule.max is not None and rule.max < rule.base - EPS:
        chk.add(
            (*key, "max"),
            "rule",
            f"指标 {ident} 的最高得分 max {num(rule.max)} 小于基本分 base {num(rule.base)}",
        )
    if rule.min > rule.base + EPS:
        chk.add(
            (*key, "min"),
            "rule",
            f"指标 {ident} 的最低得分 min {num(rule.min)} 大于基本分 base {num(rule.base)}",
        )


def best_of(rule: Any, points: float, key: Path_) -> tuple[float | None, str, Path_]:
    """The highest score a base or ladder rule can give, what it is, and where it is written."""
    if rule.type == "ladder":
        top = max(rule.levels.values())
        return top * points, f"各等次的得分比例最高为 {num(top)}", (*key, "levels")
    if rule.above == 0:
        return rule.base, f"的基本分 base 为 {num(rule.base)},且优于目标不加分(above 为 0)", (*key, "base")
    if rule.max is not None:
        return rule.max, f"的最高得分 max 为 {num(rule.max)}", (*key, "max")
    return None, "", key


def check_scores(chk: Checker) -> None:
    """Ladders and overrides, indicator by indicator."""
    ladders: dict[str, tuple[m.Indicator, dict[str, float]]] = {}  # field id → first ladder reading it
    for ind, _cat, key in walk_indicators(chk.s):
        if ind.override:
            _check_overrides(chk, ind, key)
        if not ind.children and ind.rule is not None and ind.rule.type == "ladder":
            _check_ladder(chk, ind, ind.rule, key, ladders)


def _check_overrides(chk: Checker, ind: m.Indicator, key: Path_) -> None:
    if ind.children:
        chk.add(
            (*key, "override"),
            "override",
            f"指标 {ind.id} 有三级指标,得分调整 override 应写在三级指标上",
        )
        return
    rule = ind.rule
    groups = [dict(o) for o in (rule.by_group.values() if rule is not None else ())]
    if getattr(rule, "cap_group", None) or any(o.get("cap_group") for o in groups):
        chk.add(
            (*key, "override"),
            "override",
            f"指标 {ind.id} 与同组指标共享扣分上限(cap_group),不能再写得分调整 override"
            "(共享上限会退回调整扣去的分);请去掉 cap_group 或 override",
        )
    for k, item in enumerate(ind.override):
        if item.score is not None and item.score > ind.points + EPS:
            chk.add(
                (*key, "override", k, "score"),
                "override",
                f"指标 {ind.id} 的得分调整“{item.reason}”得分 {num(item.score)} 大于分值 {num(ind.points)}",
            )


def _check_ladder(
    chk: Checker,
    ind: m.Indicator,
    rule: Any,
    key: Path_,
    ladders: dict[str, tuple[m.Indicator, dict[str, float]]],
) -> None:
    if ind.formula:
        chk.add(
            (*key, "formula"),
            "rule",
            f"指标 {ind.id} {LADDER}读取填报的等次,不能写 formula;等次由指标直接填报,或用 field 读取一个字段",
        )
        return
    if ind.levels is not None:
        chk.add(
            (*key, "levels"),
            "rule",
            f"指标 {ind.id} {LADDER}的等次及比例写在 rule.levels 中,不再写指标的 levels",
        )
    if ind.kind not in (None, "text"):
        chk.add(
            (*key, "kind"),
            "rule",
            f"指标 {ind.id} {LADDER}读取文字等次,kind 不写(或写 text),实际为 kind: {ind.kind}",
        )
    if not ind.field:
        return
    fid = ind.field if ind.field in chk.fields else chk.field_names.get(ind.field)
    field = chk.fields.get(fid or "")
    if field is None:
        return  # an unknown field: reported with the other references
    where = (*key, "field")
    if field.formula or field.aggregate:
        how = "由公式计算" if field.formula else "由明细表汇总"
        chk.add(where, "rule", f"指标 {ind.id} {LADDER}读取的字段“{field.name}”{how},不是填报的等次")
    elif field.levels is not None:
        chk.add(
            where,
            "rule",
            f"指标 {ind.id} {LADDER}读取的字段“{field.name}”已写 levels(评价等次);"
            "等次比例只写在 rule.levels 中,请去掉字段的 levels",
        )
    elif field.kind not in (None, "text"):
        chk.add(
            where,
            "rule",
            f"指标 {ind.id} {LADDER}读取的字段“{field.name}”是 kind: {field.kind},不是文字等次",
        )
    elif field.kind is None and field.unit:
        chk.add(
            where,
            "rule",
            f"指标 {ind.id} {LADDER}读取的字段“{field.name}”是数值(单位 {field.unit}),不是文字等次;"
            "等次字段不写 unit(可写 kind: text)",
        )
    else:
        first = ladders.setdefault(field.id, (ind, rule.levels))
        if first[0] is not ind and first[1] != rule.levels:
            chk.add(
                where,
                "rule",
                f"指标 {ind.id} 与指标 {first[0].id} 都按等次读取字段“{field.name}”,但所列等次或比例不同;"
                "一个字段只能按一种等次读取",
            )
