"""Whole-scheme checks that pydantic cannot make, each pointing at its YAML node.

Every check appends a Finding instead of raising, so ``assess check`` lists
all problems of a scheme in one run.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from assess.errors import Finding, FormulaError
from assess.scheme import model as m
from assess.scheme.formula import Formula, compile_formula

if TYPE_CHECKING:
    from assess.scheme.load import LoadedScheme, Path_

EPS = 1e-9

_REF_WHY = {
    ("字段公式", "value"): "字段在指标之前计算,此时还没有指标数值",
    ("字段公式", "score"): "字段在指标之前计算,此时还没有指标得分",
    ("汇总条件", "value"): "汇总条件逐行作用于明细表,只能用明细表的列",
    ("汇总条件", "score"): "汇总条件逐行作用于明细表,只能用明细表的列",
    ("公式", "score"): "指标数值在计分之前计算,此时还没有得分",
    ("一票否决条件", "score"): "一票否决在得分之前判断,只能用数值 value()",
}
PLACEHOLDERS = ("name", "value", "target", "unit", "lost", "points", "score")


def walk_indicators(
    scheme: m.Scheme,
) -> Iterator[tuple[m.Indicator, m.Category, tuple[str | int, ...]]]:
    """Every indicator at every level, with its category and YAML key path."""

    def rec(ind: m.Indicator, cat: m.Category, key: tuple[str | int, ...]) -> Iterator[Any]:
        yield ind, cat, key
        for j, child in enumerate(ind.children):
            yield from rec(child, cat, (*key, "children", j))

    for ci, cat in enumerate(scheme.categories):
        for ii, ind in enumerate(cat.indicators):
            yield from rec(ind, cat, ("categories", ci, "indicators", ii))


class _Checker:
    def __init__(self, loaded: LoadedScheme) -> None:
        self.loaded = loaded
        self.s = loaded.scheme
        self.findings: list[Finding] = []
        self.fields = {f.id: f for f in self.s.fields}
        self.field_names = {f.name: f.id for f in self.s.fields}
        self.grade_names = [g.name for g in self.s.grades]
        # by_group and units[].group accept a group's id, name or alias (as plan.py does)
        self.group_names = {a for g in self.s.groups for a in (g.id, g.name, *g.aliases)}
        self.indicator_ids: set[str] = set()
        self.parent_ids: set[str] = set()

    def add(self, key: Path_, code: str, message: str, severity: str = "error") -> None:
        self.findings.append(Finding(code, message, self.loaded.location(key), severity))

    # -- ids ---------------------------------------------------------------
    def unique(self, items: list[tuple[str, Path_]], what: str) -> None:
        seen: dict[str, Path_] = {}
        for ident, key in items:
            if ident in seen:
                first = self.loaded.location(seen[ident])
                self.add(
                    (*key, "id") if what != "等次" else (*key, "name"),
                    "duplicate-id",
                    f"{what}编码“{ident}”重复(第 {first.line} 行已使用)"
                    if what != "等次"
                    else f"等次“{ident}”重复(第 {first.line} 行已使用)",
                )
            else:
                seen[ident] = key

    def check_ids(self) -> None:
        s = self.s
        items: list[tuple[str, Path_]] = []
        for ci, cat in enumerate(s.categories):
            items.append((cat.id, ("categories", ci)))
        for ind, _cat, key in walk_indicators(s):
            items.append((ind.id, key))
            self.indicator_ids.add(ind.id)
            if ind.children:
                self.parent_ids.add(ind.id)
        if s.bonus:
            items += [(b.id, ("bonus", "items", i)) for i, b in enumerate(s.bonus.items)]
        if s.penalties:
            items += [(p.id, ("penalties", "items", i)) for i, p in enumerate(s.penalties.items)]
        items += [(v.id, ("vetoes", i)) for i, v in enumerate(s.vetoes)]
        self.unique(items, "指标")
        self.unique([(f.id, ("fields", i)) for i, f in enumerate(s.fields)], "字段")
        self.unique([(t.id, ("tables", i)) for i, t in enumerate(s.tables)], "明细表")
        self.unique([(g.id, ("groups", i)) for i, g in enumerate(s.groups)], "分组")
        self.unique(
            [(g.id, ("deduct_groups", i)) for i, g in enumerate(s.deduct_groups)],
            "扣分组",
        )
        self.unique(
            [(p.id, ("composition", i)) for i, p in enumerate(s.composition)],
            "合成部分",
        )
        for ti, table in enumerate(s.tables):
            self.unique(
                [(c.id, ("tables", ti, "columns", ci)) for ci, c in enumerate(table.columns)],
                f"明细表“{table.name}”的列",
            )
        owner: dict[str, str] = {}
        for gi, g in enumerate(s.groups):
            for ai, alias in enumerate(dict.fromkeys((g.name, *g.aliases))):
                if alias in owner and owner[alias] != g.id:
                    where: Path_ = ("groups", gi, "aliases", ai - 1) if ai else ("groups", gi, "name")
                    self.add(
                        where,
                        "duplicate-id",
                        f"分组名称或别名“{alias}”同时属于两个分组",
                    )
                owner.setdefault(alias, g.id)
        seen_units: dict[str, int] = {}
        for ui, unit in enumerate(s.units):
            if unit.name in seen_units:
                self.add(
                    ("units", ui, "name"),
                    "duplicate-id",
                    f"单位“{unit.name}”重复(第 {self.loaded.location(('units', seen_units[unit.name])).line} 行已列出)",
                )
            else:
                seen_units[unit.name] = ui
        self.unique([(g.name, ("grades", i)) for i, g in enumerate(s.grades)], "等次")
        for fi, f in enumerate(s.fields):
            if f.id in self.indicator_ids:
                self.add(("fields", fi, "id"), "duplicate-id", f"字段“{f.id}”与指标编码重名")

    # -- formulas ----------------------------------------------------------
    def formula(
        self,
        text: str,
        key: Path_,
        names: set[str],
        what: str,
        refs: str = "value score",
        before: set[str] | None = None,
    ) -> Formula | None:
        """Compile ``text`` and check the names and the value()/score() it uses.

        ``refs`` says which of value() and score() can be known where the
        formula is evaluated; ``before`` limits value() to the leaf indicators
        whose values are computed earlier (indicator formulas)."""
        try:
            formula = compile_formula(text)
        except FormulaError as exc:
            self.add(key, "formula", exc.message)
            return None
        for name in sorted(formula.names - names):
            self.add(key, "unknown-name", f"{what}“{text}”引用了未定义的“{name}”")
        for kind, ident in sorted(formula.refs):
            if ident not in self.indicator_ids:
                self.add(
                    key,
                    "unknown-name",
                    f"{what}“{text}”中 {kind}() 引用了不存在的指标“{ident}”",
                )
            elif kind not in refs:
                self.add(
                    key,
                    "formula-ref",
                    f"{what}“{text}”中不能使用 {kind}():{_REF_WHY[what, kind]}",
                )
            elif kind == "value" and ident in self.parent_ids:
                self.add(
                    key,
                    "formula-ref",
                    f'{what}“{text}”中 value("{ident}") 无效:指标 {ident} 由三级指标合计,没有数值;'
                    "请引用三级指标或用 score()",
                )
            elif kind == "value" and before is not None and ident not in before:
                self.add(
                    key,
                    "formula-ref",
                    f'{what}“{text}”中 value("{ident}") 无效:只能引用排在本指标之前的指标',
                )
        return formula

    def check_formulas(self) -> None:
        s = self.s
        names = set(self.fields) | set(self.field_names)
        graph: dict[str, set[str]] = {}
        tables = {t.id: t for t in s.tables}
        for fi, f in enumerate(s.fields):
            key: Path_ = ("fields", fi)
            if f.formula and f.aggregate:
                self.add(key, "field-source", f"字段“{f.id}”不能同时有 formula 和 aggregate")
            if f.formula:
                formula = self.formula(f.formula, (*key, "formula"), names, "字段公式", refs="")
                if formula:
                    graph[f.id] = {self.field_names.get(n, n) for n in formula.names}
            if f.part_of and f.part_of not in self.fields:
                self.add(
                    (*key, "part_of"),
                    "unknown-name",
                    f"part_of 引用了不存在的字段“{f.part_of}”",
                )
            if f.aggregate:
                self.check_aggregate(f.aggregate, (*key, "aggregate"), tables)
        self.check_cycles(graph)
        earlier: set[str] = set()
        for ind, _cat, key in walk_indicators(s):
            if ind.children:
                continue
            if ind.formula:
                self.formula(
                    ind.formula,
                    (*key, "formula"),
                    names,
                    "公式",
                    refs="value",
                    before=earlier,
                )
            if ind.field and ind.field not in self.fields and ind.field not in self.field_names:
                self.add(
                    (*key, "field"),
                    "unknown-name",
                    f"指标 {ind.id} 引用了不存在的字段“{ind.field}”",
                )
            earlier.add(ind.id)
        for vi, veto in enumerate(s.vetoes):
            self.formula(veto.when, ("vetoes", vi, "when"), names, "一票否决条件", refs="value")
        for bi, bar in enumerate(s.bars):
            self.formula(bar.when, ("bars", bi, "when"), names | {"veto"}, "等次限制条件")

    def check_aggregate(self, agg: m.Aggregate, key: Path_, tables: dict[str, m.Table]) -> None:
        table = tables.get(agg.table)
        if table is None:
            self.add(
                (*key, "table"),
                "unknown-name",
                f"明细表“{agg.table}”未在 tables 中定义",
            )
            return
        cols = {c.id for c in table.columns} | {c.name for c in table.columns}
        if agg.op in ("sum", "sum_where", "mean", "min", "max") and not agg.column:
            self.add(key, "aggregate", f"汇总方式 {agg.op} 须写 column(汇总哪一列)")
        if agg.column and agg.column not in cols:
            self.add(
                (*key, "column"),
                "unknown-name",
                f"明细表“{table.name}”没有列“{agg.column}”",
            )
        if agg.op.endswith("_where") and not agg.where:
            self.add(key, "aggregate", f"汇总方式 {agg.op} 须写 where(条件)")
        if agg.where:
            self.formula(agg.where, (*key, "where"), cols, "汇总条件", refs="")

    def check_cycles(self, graph: dict[str, set[str]]) -> None:
        state: dict[str, int] = {}
        index = {f.id: i for i, f in enumerate(self.s.fields)}

        def visit(node: str, trail: list[str]) -> None:
            state[node] = 1
            for nxt in sorted(graph.get(node, ())):
                if state.get(nxt) == 1:
                    cycle = trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt]
                    self.add(
                        ("fields", index[node], "formula"),
                        "formula-cycle",
                        f"公式循环引用:{' → '.join(cycle)}",
                    )
                elif nxt in graph and not state.get(nxt):
                    visit(nxt, [*trail, nxt])
            state[node] = 2

        for node in graph:
            if not state.get(node):
                visit(node, [node])

    # -- rules -------------------------------------------------------------
    def check_indicators(self) -> None:
        for ci, cat in enumerate(self.s.categories):
            total = sum(i.points for i in cat.indicators)
            if not cat.free_points and abs(total - cat.points) > EPS:
                self.add(
                    ("categories", ci, "points"),
                    "points-sum",
                    f"一级指标“{cat.name}”分值 {_n(cat.points)} 不等于所含指标分值之和 {_n(total)}"
                    "(如确属不同,请写 free_points: true)",
                )
        for ind, _cat, key in walk_indicators(self.s):
            if ind.children:
                total = sum(c.points for c in ind.children)
                if abs(total - ind.points) > EPS:
                    self.add(
                        (*key, "points"),
                        "points-sum",
                        f"指标 {ind.id} 分值 {_n(ind.points)} 不等于所含三级指标分值之和 {_n(total)}",
                    )
                if ind.rule is not None:
                    self.add(
                        (*key, "rule"),
                        "rule",
                        f"指标 {ind.id} 有三级指标,不应再写 rule",
                    )
                continue
            if ind.rule is None:
                self.add(key, "rule", f"指标 {ind.id} 缺少计分规则 rule")
                continue
            if ind.field and ind.formula:
                self.add(key, "value-source", f"指标 {ind.id} 不能同时有 field 和 formula")
            self.check_rule(ind.rule, ind.points, ind.direction, (*key, "rule"), ind.id)

    def check_rule(self, rule: Any, points: float, direction: str, key: Path_, ident: str) -> None:
        self.rule_params(rule, points, direction, key, ident)
        from assess.scheme.messages import pydantic_message

        for group, override in rule.by_group.items():
            gkey = (*key, "by_group", group)
            if not self.group_names:
                self.add(
                    gkey,
                    "unknown-group",
                    f"方案没有定义 groups,不能按分组“{group}”覆盖参数",
                )
            elif group not in self.group_names:
                self.add(gkey, "unknown-group", f"分组“{group}”未在 groups 中定义")
            if "type" in override and override["type"] != rule.type:
                self.add((*gkey, "type"), "rule", "分组覆盖参数不能改变计分规则类型 type")
                continue
            if "by_group" in override:
                self.add((*gkey, "by_group"), "rule", "分组覆盖参数中不能再写 by_group")
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
                    self.add(where, "rule", f"分组覆盖参数无效:{message}")
                continue
            self.rule_params(variant, points, direction, gkey, ident)

    def rule_params(self, rule: Any, points: float, direction: str, key: Path_, ident: str) -> None:
        t = rule.type
        if t == "threshold" and rule.partial > points + EPS:
            self.add(
                (*key, "partial"),
                "rule",
                f"指标 {ident} 未达标得分 {_n(rule.partial)} 大于分值",
            )
        elif t == "linear":
            if abs(rule.floor - rule.target) < EPS:
                self.add(
                    key,
                    "rule",
                    f"指标 {ident} 的 floor 与 target 相等({_n(rule.target)}),无法按比例计分",
                )
            elif (rule.floor > rule.target) != (direction == "lower"):
                self.add(
                    key,
                    "rule",
                    f"指标 {ident} 的 floor 与 target 方向与 direction: {direction} 不符"
                    "(越大越好时 floor 应小于 target)",
                )
        elif t == "bands":
            self.check_bands(rule.bands, points, (*key, "bands"), ident)
        elif t == "rank":
            if not rule.scores and rule.first is None:
                self.add(
                    key,
                    "rule",
                    f"指标 {ident} 的排名赋分须写 scores(各名次得分)或 first",
                )
            for i, v in enumerate(rule.scores or []):
                if v > points + EPS:
                    self.add(
                        (*key, "scores", i),
                        "rule",
                        f"指标 {ident} 名次得分 {_n(v)} 大于分值",
                    )
                elif v < 0:
                    self.add(
                        (*key, "scores", i),
                        "rule",
                        f"指标 {ident} 名次得分 {_n(v)} 不能为负数",
                    )
            if rule.first is not None and rule.first > points + EPS:
                self.add(
                    (*key, "first"),
                    "rule",
                    f"指标 {ident} 第 1 名得分 {_n(rule.first)} 大于分值",
                )
        elif t == "relative":
            if rule.to == "average" and rule.at_average is None:
                self.add(
                    key,
                    "rule",
                    f"指标 {ident} 与平均值比较时须写 at_average(等于平均值时得分)",
                )
            for name in ("at_average", "floor"):
                v = getattr(rule, name)
                if v is not None and v > points + EPS:
                    self.add(
                        (*key, name),
                        "rule",
                        f"指标 {ident} 的 {name} {_n(v)} 大于分值 {_n(points)}",
                    )
            if rule.floor is not None and rule.cap is not None and rule.floor > rule.cap:
                self.add(key, "rule", f"指标 {ident} 的 floor 大于 cap")
        elif t == "minmax" and rule.base + rule.span > 100 + EPS:
            self.add(key, "rule", f"指标 {ident} 的 base + span 超过 100")
        elif t == "deduct":
            if rule.cap is not None and rule.cap < 0:
                self.add((*key, "cap"), "rule", f"指标 {ident} 的扣分上限不能为负数")
            groups = {g.id for g in self.s.deduct_groups}
            if rule.cap_group and rule.cap_group not in groups:
                self.add(
                    (*key, "cap_group"),
                    "unknown-name",
                    f"扣分组“{rule.cap_group}”未在 deduct_groups 中定义",
                )
        elif t == "boolean" and rule.partial > points + EPS:
            self.add((*key, "partial"), "rule", f"指标 {ident} 的 partial 大于分值")

    def check_bands(self, bands: list[m.Band], points: float, key: Path_, ident: str) -> None:
        inf = float("inf")
        for i, band in enumerate(bands):
            if band.score is not None and band.score > points + EPS:
                self.add(
                    (*key, i, "score"),
                    "bands",
                    f"指标 {ident} 第 {i + 1} 档得分 {_n(band.score)} 大于分值 {_n(points)}",
                )
            if band.min is not None and band.max is not None and band.min >= band.max:
                self.add((*key, i), "bands", f"指标 {ident} 第 {i + 1} 档下限不小于上限")
        lows = [b.min if b.min is not None else -inf for b in bands]
        if lows != sorted(lows) and lows != sorted(lows, reverse=True):
            self.add(key, "bands", f"指标 {ident} 的分档顺序混乱,请按从高到低或从低到高排列")
            return
        order = sorted(range(len(bands)), key=lambda i: lows[i])
        for a_i, b_i in itertools.pairwise(order):
            a, b = bands[a_i], bands[b_i]
            a_hi = a.max if a.max is not None else inf
            b_lo = lows[b_i]
            touching = abs(a_hi - b_lo) < EPS
            first, second = sorted((a_i, b_i))
            if (a_hi > b_lo + EPS) or (touching and a.include_max and b.include_min):
                self.add(
                    (*key, second),
                    "bands",
                    f"指标 {ident} 第 {first + 1} 档与第 {second + 1} 档区间重叠",
                )
            elif a_hi < b_lo - EPS or (touching and not a.include_max and not b.include_min):
                self.add(
                    (*key, second),
                    "bands-gap",
                    f"指标 {ident} 第 {first + 1} 档与第 {second + 1} 档之间有空隙"
                    f"({_gap(a_hi, b_lo)}的值不属于任何一档,不得分)",
                    "warning",
                )

    # -- grades, groups, ranking --------------------------------------------
    def check_grades(self) -> None:
        s = self.s
        for i in range(1, len(s.grades)):
            if s.grades[i].min >= s.grades[i - 1].min:
                self.add(
                    ("grades", i, "min"),
                    "grades-order",
                    f"等次须按分数线从高到低排列:“{s.grades[i].name}”的下限 {_n(s.grades[i].min)} "
                    f"不低于“{s.grades[i - 1].name}”的 {_n(s.grades[i - 1].min)}",
                )
        for i, g in enumerate(s.grades):
            if g.quota is not None and not 0 <= g.quota <= 1:
                self.add(
                    ("grades", i, "quota"),
                    "quota",
                    f"等次“{g.name}”的比例 {_n(g.quota)} 应在 0 至 1 之间(如 30% 写 0.3)",
                )
        for i, veto in enumerate(s.vetoes):
            if veto.effect == "cap_grade" and veto.grade not in self.grade_names:
                self.add(
                    ("vetoes", i, "grade"),
                    "unknown-grade",
                    f"一票否决“{veto.name}”须写 grade,且为已定义的等次",
                )
        for i, bar in enumerate(s.bars):
            if bar.grade not in self.grade_names:
                self.add(
                    ("bars", i, "grade"),
                    "unknown-grade",
                    f"等次“{bar.grade}”未在 grades 中定义",
                )
        for i, c in enumerate(s.consequences):
            if c.grade is not None and c.grade not in self.grade_names:
                self.add(
                    ("consequences", i, "grade"),
                    "unknown-grade",
                    f"等次“{c.grade}”未在 grades 中定义",
                )
            if c.grade is None and c.bottom is None and c.top is None:
                self.add(
                    ("consequences", i),
                    "consequence",
                    f"结果运用“{c.name}”须写 grade、bottom 或 top 中至少一项",
                )
            if c.bottom is not None and c.top is not None:
                self.add(
                    ("consequences", i),
                    "consequence",
                    f"结果运用“{c.name}”不能同时写 bottom 和 top",
                )
        known = {c.id for c in s.categories} | self.indicator_ids
        for i, ident in enumerate(s.ranking.tie_break):
            if ident not in known:
                self.add(
                    ("ranking", "tie_break", i),
                    "unknown-name",
                    f"同分比较项“{ident}”不是已定义的指标编码",
                )
        for i, unit in enumerate(s.units):
            if unit.group is not None and unit.group not in self.group_names:
                self.add(
                    ("units", i, "group"),
                    "unknown-group",
                    f"单位“{unit.name}”的分组“{unit.group}”未定义",
                )

    def check_composition(self) -> None:
        s = self.s
        weights = [c.weight for c in s.categories]
        if any(w is not None for w in weights):
            if any(w is None for w in weights):
                self.add(
                    ("categories",),
                    "weights",
                    "部分一级指标写了 weight,其余没写;要么都写,要么都不写",
                )
            elif abs(sum(w or 0 for w in weights) - 1) > 1e-6:
                self.add(
                    ("categories",),
                    "weights",
                    f"一级指标权重之和为 {_n(sum(w or 0 for w in weights))},应为 1",
                )
        elif abs(sum(c.points for c in s.categories) - s.full_score) > EPS:
            self.add(
                ("full_score",),
                "points-sum",
                f"各一级指标分值之和 {_n(sum(c.points for c in s.categories))} 不等于满分 {_n(s.full_score)}",
                "warning",
            )
        if s.composition:
            total = sum(p.weight for p in s.composition)
            if abs(total - 1) > 1e-6:
                self.add(("composition",), "weights", f"各部分权重之和为 {_n(total)},应为 1")
            if sum(p.source == "categories" for p in s.composition) != 1:
                self.add(
                    ("composition",),
                    "composition",
                    "composition 中须有且只有一项 source: categories",
                )
            for i, p in enumerate(s.composition):
                if (
                    p.source == "field"
                    and (p.field or p.id) not in self.fields
                    and (p.field or p.id) not in self.field_names
                ):
                    self.add(
                        ("composition", i),
                        "unknown-name",
                        f"部分“{p.name}”引用的字段“{p.field or p.id}”未定义",
                    )
        if s.bonus:
            for i, b in enumerate(s.bonus.items):
                if b.field and b.field not in self.fields and b.field not in self.field_names:
                    self.add(
                        ("bonus", "items", i, "field"),
                        "unknown-name",
                        f"加分项 {b.id} 引用了不存在的字段“{b.field}”",
                    )
        if s.penalties:
            for i, item in enumerate(s.penalties.items):
                if item.field and item.field not in self.fields and item.field not in self.field_names:
                    self.add(
                        ("penalties", "items", i, "field"),
                        "unknown-name",
                        f"扣分项 {item.id} 引用了不存在的字段“{item.field}”",
                    )

    # -- rectification texts ------------------------------------------------
    def check_rectify(self) -> None:
        s = self.s
        texts: list[tuple[m.RectifyText | None, Path_]] = [
            (ind.rectify, (*key, "rectify")) for ind, _cat, key in walk_indicators(s)
        ]
        if s.penalties:
            texts += [
                (p.rectify, ("penalties", "items", i, "rectify")) for i, p in enumerate(s.penalties.items)
            ]
        texts += [(v.rectify, ("vetoes", i, "rectify")) for i, v in enumerate(s.vetoes)]
        for rectify, key in texts:
            if rectify is None:
                continue
            for name in ("problem", "measure"):
                text = getattr(rectify, name)
                if text:
                    self.placeholders(text, (*key, name))

    def placeholders(self, text: str, key: Path_) -> None:
        allowed = " ".join("{" + p + "}" for p in PLACEHOLDERS)
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError:
            self.add(
                key,
                "rectify-template",
                f"整改模板“{text}”中的花括号不成对;如需花括号本身请写 {{{{ 或 }}}}",
            )
            return
        for _literal, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in PLACEHOLDERS or spec or conversion:
                shown = (
                    "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                )
                self.add(
                    key,
                    "rectify-template",
                    f"整改模板中的占位符“{shown}”无效;可用的占位符:{allowed}",
                )


def _gap(lo: float, hi: float) -> str:
    return f"恰为 {_n(lo)} " if abs(hi - lo) < EPS else f"{_n(lo)} 至 {_n(hi)} 之间"


def _n(x: float) -> str:
    return f"{x:g}"


def validate_scheme(loaded: LoadedScheme) -> list[Finding]:
    checker = _Checker(loaded)
    checker.check_ids()
    checker.check_formulas()
    checker.check_indicators()
    checker.check_grades()
    checker.check_composition()
    checker.check_rectify()
    checker.findings.sort(key=lambda f: (f.location.line or 0, f.location.column or 0))
    return checker.findings
