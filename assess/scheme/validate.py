"""Whole-scheme checks that pydantic cannot make, each pointing at its YAML node.

Every check appends a Finding instead of raising, so ``assess check`` lists
all problems of a scheme in one run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from assess.errors import Finding, FormulaError
from assess.scheme import model as m
from assess.scheme.formula import Formula, compile_formula

if TYPE_CHECKING:
    from assess.scheme.load import LoadedScheme, Path_

EPS = 1e-9


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
        self.group_names = {g.id for g in self.s.groups} | {g.name for g in self.s.groups}
        self.indicator_ids: set[str] = set()

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
        if s.bonus:
            items += [(b.id, ("bonus", "items", i)) for i, b in enumerate(s.bonus.items)]
        if s.penalties:
            items += [(p.id, ("penalties", "items", i)) for i, p in enumerate(s.penalties.items)]
        items += [(v.id, ("vetoes", i)) for i, v in enumerate(s.vetoes)]
        self.unique(items, "指标")
        self.unique([(f.id, ("fields", i)) for i, f in enumerate(s.fields)], "字段")
        self.unique([(t.id, ("tables", i)) for i, t in enumerate(s.tables)], "明细表")
        self.unique([(g.id, ("groups", i)) for i, g in enumerate(s.groups)], "分组")
        self.unique([(g.name, ("grades", i)) for i, g in enumerate(s.grades)], "等次")
        for fi, f in enumerate(s.fields):
            if f.id in self.indicator_ids:
                self.add(("fields", fi, "id"), "duplicate-id", f"字段“{f.id}”与指标编码重名")

    # -- formulas ----------------------------------------------------------
    def formula(self, text: str, key: Path_, names: set[str], what: str) -> Formula | None:
        try:
            formula = compile_formula(text)
        except FormulaError as exc:
            self.add(key, "formula", exc.message)
            return None
        for name in sorted(formula.names - names):
            self.add(key, "unknown-name", f"{what}“{text}”引用了未定义的“{name}”")
        for kind, ident in sorted(formula.refs):
            if ident not in self.indicator_ids:
                self.add(key, "unknown-name", f"{what}“{text}”中 {kind}() 引用了不存在的指标“{ident}”")
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
                formula = self.formula(f.formula, (*key, "formula"), names, "公式")
                if formula:
                    graph[f.id] = {self.field_names.get(n, n) for n in formula.names}
            if f.part_of and f.part_of not in self.fields:
                self.add((*key, "part_of"), "unknown-name", f"part_of 引用了不存在的字段“{f.part_of}”")
            if f.aggregate:
                self.check_aggregate(f.aggregate, (*key, "aggregate"), tables)
        self.check_cycles(graph)
        for ind, _cat, key in walk_indicators(s):
            if ind.formula:
                self.formula(ind.formula, (*key, "formula"), names, "公式")
            if ind.field and ind.field not in self.fields and ind.field not in self.field_names:
                self.add((*key, "field"), "unknown-name", f"指标 {ind.id} 引用了不存在的字段“{ind.field}”")
        for vi, veto in enumerate(s.vetoes):
            self.formula(veto.when, ("vetoes", vi, "when"), names, "一票否决条件")
        for bi, bar in enumerate(s.bars):
            self.formula(bar.when, ("bars", bi, "when"), names | {"veto"}, "等次限制条件")

    def check_aggregate(self, agg: m.Aggregate, key: Path_, tables: dict[str, m.Table]) -> None:
        table = tables.get(agg.table)
        if table is None:
            self.add((*key, "table"), "unknown-name", f"明细表“{agg.table}”未在 tables 中定义")
            return
        cols = {c.id for c in table.columns} | {c.name for c in table.columns}
        if agg.op in ("sum", "sum_where", "mean", "min", "max") and not agg.column:
            self.add(key, "aggregate", f"汇总方式 {agg.op} 须写 column(汇总哪一列)")
        if agg.column and agg.column not in cols:
            self.add((*key, "column"), "unknown-name", f"明细表“{table.name}”没有列“{agg.column}”")
        if agg.op.endswith("_where") and not agg.where:
            self.add(key, "aggregate", f"汇总方式 {agg.op} 须写 where(条件)")
        if agg.where:
            self.formula(agg.where, (*key, "where"), cols, "条件")

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
                    self.add((*key, "rule"), "rule", f"指标 {ind.id} 有三级指标,不应再写 rule")
                continue
            if ind.rule is None:
                self.add(key, "rule", f"指标 {ind.id} 缺少计分规则 rule")
                continue
            if ind.field and ind.formula:
                self.add(key, "value-source", f"指标 {ind.id} 不能同时有 field 和 formula")
            self.check_rule(ind.rule, ind.points, ind.direction, (*key, "rule"), ind.id)

    def check_rule(self, rule: Any, points: float, direction: str, key: Path_, ident: str) -> None:
        self.rule_params(rule, points, direction, key, ident)
        for group, override in rule.by_group.items():
            gkey = (*key, "by_group", group)
            if self.group_names and group not in self.group_names:
                self.add(gkey, "unknown-group", f"分组“{group}”未在 groups 中定义")
            data = rule.model_dump(exclude={"by_group"})
            data.update(override)
            try:
                variant = type(rule).model_validate(data)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    where = (*gkey, *[p for p in err["loc"] if isinstance(p, str)])
                    self.add(where, "rule", f"分组覆盖参数无效:{err['msg']}")
                continue
            self.rule_params(variant, points, direction, gkey, ident)

    def rule_params(self, rule: Any, points: float, direction: str, key: Path_, ident: str) -> None:
        t = rule.type
        if t == "threshold" and rule.partial > points + EPS:
            self.add((*key, "partial"), "rule", f"指标 {ident} 未达标得分 {_n(rule.partial)} 大于分值")
        elif t == "linear":
            if abs(rule.floor - rule.target) < EPS:
                self.add(key, "rule", f"指标 {ident} 的 floor 与 target 相等({_n(rule.target)}),无法按比例计分")
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
                self.add(key, "rule", f"指标 {ident} 的排名赋分须写 scores(各名次得分)或 first")
            for i, v in enumerate(rule.scores or []):
                if v > points + EPS:
                    self.add((*key, "scores", i), "rule", f"指标 {ident} 名次得分 {_n(v)} 大于分值")
        elif t == "relative":
            if rule.to == "average" and rule.at_average is None:
                self.add(key, "rule", f"指标 {ident} 与平均值比较时须写 at_average(等于平均值时得分)")
            if rule.floor is not None and rule.cap is not None and rule.floor > rule.cap:
                self.add(key, "rule", f"指标 {ident} 的 floor 大于 cap")
        elif t == "minmax" and rule.base + rule.span > 100 + EPS:
            self.add(key, "rule", f"指标 {ident} 的 base + span 超过 100")
        elif t == "deduct":
            if rule.cap is not None and rule.cap < 0:
                self.add((*key, "cap"), "rule", f"指标 {ident} 的扣分上限不能为负数")
            groups = {g.id for g in self.s.deduct_groups}
            if rule.cap_group and rule.cap_group not in groups:
                self.add((*key, "cap_group"), "unknown-name", f"扣分组“{rule.cap_group}”未在 deduct_groups 中定义")
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
        for a_i, b_i in zip(order, order[1:], strict=False):
            a, b = bands[a_i], bands[b_i]
            a_hi = a.max if a.max is not None else inf
            b_lo = lows[b_i]
            touching = abs(a_hi - b_lo) < EPS
            if (a_hi > b_lo + EPS) or (touching and a.include_max and b.include_min):
                first, second = sorted((a_i, b_i))
                self.add(
                    (*key, second),
                    "bands",
                    f"指标 {ident} 第 {first + 1} 档与第 {second + 1} 档区间重叠",
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
                self.add(("grades", i, "quota"), "quota", f"等次“{g.name}”的比例 {g.quota} 应在 0 至 1 之间")
        for i, veto in enumerate(s.vetoes):
            if veto.effect == "cap_grade" and veto.grade not in self.grade_names:
                self.add(("vetoes", i, "grade"), "unknown-grade", f"一票否决“{veto.name}”须写 grade,且为已定义的等次")
        for i, bar in enumerate(s.bars):
            if bar.grade not in self.grade_names:
                self.add(("bars", i, "grade"), "unknown-grade", f"等次“{bar.grade}”未在 grades 中定义")
        for i, c in enumerate(s.consequences):
            if c.grade is not None and c.grade not in self.grade_names:
                self.add(("consequences", i, "grade"), "unknown-grade", f"等次“{c.grade}”未在 grades 中定义")
        known = {c.id for c in s.categories} | self.indicator_ids
        for i, ident in enumerate(s.ranking.tie_break):
            if ident not in known:
                self.add(("ranking", "tie_break", i), "unknown-name", f"同分比较项“{ident}”不是已定义的指标编码")
        for i, unit in enumerate(s.units):
            if unit.group is not None and unit.group not in self.group_names:
                self.add(("units", i, "group"), "unknown-group", f"单位“{unit.name}”的分组“{unit.group}”未定义")

    def check_composition(self) -> None:
        s = self.s
        weights = [c.weight for c in s.categories]
        if any(w is not None for w in weights):
            if any(w is None for w in weights):
                self.add(("categories",), "weights", "部分一级指标写了 weight,其余没写;要么都写,要么都不写")
            elif abs(sum(w or 0 for w in weights) - 1) > 1e-6:
                self.add(("categories",), "weights", f"一级指标权重之和为 {_n(sum(w or 0 for w in weights))},应为 1")
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
                self.add(("composition",), "composition", "composition 中须有且只有一项 source: categories")
            for i, p in enumerate(s.composition):
                if p.source == "field" and (p.field or p.id) not in self.fields:
                    self.add(("composition", i), "unknown-name", f"部分“{p.name}”引用的字段“{p.field or p.id}”未定义")
        if s.bonus:
            for i, b in enumerate(s.bonus.items):
                if b.field and b.field not in self.fields:
                    self.add(("bonus", "items", i, "field"), "unknown-name", f"加分项 {b.id} 引用了不存在的字段“{b.field}”")
        if s.penalties:
            for i, p in enumerate(s.penalties.items):
                if p.field and p.field not in self.fields:
                    self.add(("penalties", "items", i, "field"), "unknown-name", f"扣分项 {p.id} 引用了不存在的字段“{p.field}”")


def _n(x: float) -> str:
    return f"{x:g}"


def validate_scheme(loaded: LoadedScheme) -> list[Finding]:
    checker = _Checker(loaded)
    checker.check_ids()
    checker.check_formulas()
    checker.check_indicators()
    checker.check_grades()
    checker.check_composition()
    checker.findings.sort(key=lambda f: (f.location.line or 0, f.location.column or 0))
    return checker.findings
