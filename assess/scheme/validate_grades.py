"""Grades, vetoes, bars, consequences, ranking, units, and how the total is composed."""

from __future__ import annotations

from collections.abc import Sequence

from assess.scheme import model as m
from assess.scheme.checker import EPS, Checker, num


def check_grades(chk: Checker) -> None:
    s = chk.s
    for i in range(1, len(s.grades)):
        if s.grades[i].min >= s.grades[i - 1].min:
            chk.add(
                ("grades", i, "min"),
                "grades-order",
                f"等次须按分数线从高到低排列:“{s.grades[i].name}”的下限 {num(s.grades[i].min)} "
                f"不低于“{s.grades[i - 1].name}”的 {num(s.grades[i - 1].min)}",
            )
    for i, g in enumerate(s.grades):
        if g.quota is not None and not 0 <= g.quota <= 1:
            chk.add(
                ("grades", i, "quota"),
                "quota",
                f"等次“{g.name}”的比例 {num(g.quota)} 应在 0 至 1 之间(如 30% 写 0.3)",
            )
    for i, veto in enumerate(s.vetoes):
        if veto.effect == "cap_grade" and veto.grade not in chk.grade_names:
            chk.add(
                ("vetoes", i, "grade"),
                "unknown-grade",
                f"一票否决“{veto.name}”须写 grade,且为已定义的等次",
            )
    for i, bar in enumerate(s.bars):
        if bar.grade not in chk.grade_names:
            chk.add(
                ("bars", i, "grade"),
                "unknown-grade",
                f"等次“{bar.grade}”未在 grades 中定义",
            )
    for i, c in enumerate(s.consequences):
        if c.grade is not None and c.grade not in chk.grade_names:
            chk.add(
                ("consequences", i, "grade"),
                "unknown-grade",
                f"等次“{c.grade}”未在 grades 中定义",
            )
        if c.grade is None and c.bottom is None and c.top is None:
            chk.add(
                ("consequences", i),
                "consequence",
                f"结果运用“{c.name}”须写 grade、bottom 或 top 中至少一项",
            )
        if c.bottom is not None and c.top is not None:
            chk.add(
                ("consequences", i),
                "consequence",
                f"结果运用“{c.name}”不能同时写 bottom 和 top",
            )
    known = {c.id for c in s.categories} | chk.indicator_ids
    for i, ident in enumerate(s.ranking.tie_break):
        if ident not in known:
            chk.add(
                ("ranking", "tie_break", i),
                "unknown-name",
                f"同分比较项“{ident}”不是已定义的指标编码",
            )
    for i, unit in enumerate(s.units):
        if unit.group is not None and unit.group not in chk.group_names:
            chk.add(
                ("units", i, "group"),
                "unknown-group",
                f"单位“{unit.name}”的分组“{unit.group}”未定义",
            )


def check_composition(chk: Checker) -> None:
    s = chk.s
    weights = [c.weight for c in s.categories]
    if any(w is not None for w in weights):
        if any(w is None for w in weights):
            chk.add(
                ("categories",),
                "weights",
                "部分一级指标写了 weight,其余没写;要么都写,要么都不写",
            )
        elif abs(sum(w or 0 for w in weights) - 1) > 1e-6:
            chk.add(
                ("categories",),
                "weights",
                f"一级指标权重之和为 {num(sum(w or 0 for w in weights))},应为 1",
            )
    elif abs(sum(c.points for c in s.categories) - s.full_score) > EPS:
        chk.add(
            ("full_score",),
            "points-sum",
            f"各一级指标分值之和 {num(sum(c.points for c in s.categories))} 不等于满分 {num(s.full_score)}",
            "warning",
        )
    if s.composition:
        total = sum(p.weight for p in s.composition)
        if abs(total - 1) > 1e-6:
            chk.add(("composition",), "weights", f"各部分权重之和为 {num(total)},应为 1")
        if sum(p.source == "categories" for p in s.composition) != 1:
            chk.add(
                ("composition",),
                "composition",
                "composition 中须有且只有一项 source: categories",
            )
        for i, p in enumerate(s.composition):
            if (
                p.source == "field"
                and (p.field or p.id) not in chk.fields
                and (p.field or p.id) not in chk.field_names
            ):
                chk.add(
                    ("composition", i),
                    "unknown-name",
                    f"部分“{p.name}”引用的字段“{p.field or p.id}”未定义",
                )
    adjustments: list[tuple[str, str, Sequence[m.BonusItem | m.PenaltyItem]]] = [
        ("bonus", "加分项", s.bonus.items if s.bonus else []),
        ("penalties", "扣分项", s.penalties.items if s.penalties else []),
    ]
    for section, word, items in adjustments:
        for i, item in enumerate(items):
            if item.field and item.field not in chk.fields and item.field not in chk.field_names:
                chk.add(
                    (section, "items", i, "field"),
                    "unknown-name",
                    f"{word} {item.id} 引用了不存在的字段“{item.field}”",
                )
