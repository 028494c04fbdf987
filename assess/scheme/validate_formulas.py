"""Formulas of fields, indicators, vetoes, bars, consequences and aggregate conditions: names,
value()/score(), cycles.

A formula may only use what is known where it is evaluated: a field formula
runs before any indicator, an indicator formula only sees the indicators
before it, an aggregate condition only the columns of its table.
"""

from __future__ import annotations

from assess.errors import FormulaError
from assess.scheme import model as m
from assess.scheme.checker import Checker
from assess.scheme.formula import Formula, compile_formula
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_

_REF_WHY = {
    ("字段公式", "value"): "字段在指标之前计算,此时还没有指标数值",
    ("字段公式", "score"): "字段在指标之前计算,此时还没有指标得分",
    ("汇总条件", "value"): "汇总条件逐行作用于明细表,只能用明细表的列",
    ("汇总条件", "score"): "汇总条件逐行作用于明细表,只能用明细表的列",
    ("公式", "score"): "指标数值在计分之前计算,此时还没有得分",
    ("一票否决条件", "score"): "一票否决在得分之前判断,只能用数值 value()",
    ("得分调整条件", "score"): "得分调整在各指标计分时判断,只能用数值 value()",
}


def check_formulas(chk: Checker) -> None:
    s = chk.s
    names = set(chk.fields) | set(chk.field_names)
    graph: dict[str, set[str]] = {}
    tables = {t.id: t for t in s.tables}
    for fi, f in enumerate(s.fields):
        key: Path_ = ("fields", fi)
        if f.formula and f.aggregate:
            chk.add(key, "field-source", f"字段“{f.id}”不能同时有 formula 和 aggregate")
        if f.formula:
            formula = _formula(chk, f.formula, (*key, "formula"), names, "字段公式", refs="")
            if formula:
                graph[f.id] = {chk.field_names.get(n, n) for n in formula.names}
        if f.part_of and f.part_of not in chk.fields:
            chk.add(
                (*key, "part_of"),
                "unknown-name",
                f"part_of 引用了不存在的字段“{f.part_of}”",
            )
        if f.aggregate:
            _check_aggregate(chk, f.aggregate, (*key, "aggregate"), tables)
    _check_cycles(chk, graph)
    earlier: set[str] = set()
    for ind, _cat, key in walk_indicators(s):
        if ind.children:
            continue
        if ind.formula:
            _formula(
                chk,
                ind.formula,
                (*key, "formula"),
                names,
                "公式",
                refs="value",
                before=earlier,
            )
        for k, item in enumerate(ind.override):
            _formula(chk, item.when, (*key, "override", k, "when"), names, "得分调整条件", refs="value")
        if ind.field and ind.field not in chk.fields and ind.field not in chk.field_names:
            chk.add(
                (*key, "field"),
                "unknown-name",
                f"指标 {ind.id} 引用了不存在的字段“{ind.field}”",
            )
        earlier.add(ind.id)
    for vi, veto in enumerate(s.vetoes):
        _formula(chk, veto.when, ("vetoes", vi, "when"), names, "一票否决条件", refs="value")
    for bi, bar in enumerate(s.bars):
        for at, cond in _bar_conditions(bar, ("bars", bi)):
            if cond.when is not None:
                _formula(chk, cond.when, (*at, "when"), names | {"veto"}, "等次限制条件")
    for ci, consequence in enumerate(s.consequences):
        for at, cond in _bar_conditions(consequence, ("consequences", ci)):
            if cond.when is not None:
                _formula(chk, cond.when, (*at, "when"), names | {"veto"}, "结果运用条件")


def _bar_conditions(
    c: m.BarCondition | m.Condition, at: Path_
) -> list[tuple[Path_, m.BarCondition | m.Condition]]:
    """A bar's (or a consequence's) condition and those in its ``any`` / ``all``, each with its
    place in the scheme."""
    out: list[tuple[Path_, m.BarCondition | m.Condition]] = [(at, c)]
    for key in ("any", "all"):
        items: list[m.BarCondition | m.Condition] = list(getattr(c, key) or [])
        for j, sub in enumerate(items):
            out += _bar_conditions(sub, (*at, key, j))
    return out


def _formula(
    chk: Checker,
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
        chk.add(key, "formula", exc.message)
        return None
    for name in sorted(formula.names - names):
        chk.add(key, "unknown-name", f"{what}“{text}”引用了未定义的“{name}”")
    for kind, ident in sorted(formula.refs):
        if ident not in chk.indicator_ids:
            chk.add(
                key,
                "unknown-name",
                f"{what}“{text}”中 {kind}() 引用了不存在的指标“{ident}”",
            )
        elif kind not in refs:
            chk.add(
                key,
                "formula-ref",
                f"{what}“{text}”中不能使用 {kind}():{_REF_WHY[what, kind]}",
            )
        elif kind == "value" and ident in chk.parent_ids:
            chk.add(
                key,
                "formula-ref",
                f'{what}“{text}”中 value("{ident}") 无效:指标 {ident} 由三级指标合计,没有数值;'
                "请引用三级指标或用 score()",
            )
        elif kind == "value" and before is not None and ident not in before:
            chk.add(
                key,
                "formula-ref",
                f'{what}“{text}”中 value("{ident}") 无效:只能引用排在本指标之前的指标',
            )
    return formula


def _check_aggregate(chk: Checker, agg: m.Aggregate, key: Path_, tables: dict[str, m.Table]) -> None:
    table = tables.get(agg.table)
    if table is None:
        chk.add(
            (*key, "table"),
            "unknown-name",
            f"明细表“{agg.table}”未在 tables 中定义",
        )
        return
    cols = {c.id for c in table.columns} | {c.name for c in table.columns}
    if agg.op in ("sum", "sum_where", "mean", "min", "max") and not agg.column:
        chk.add(key, "aggregate", f"汇总方式 {agg.op} 须写 column(汇总哪一列)")
    if agg.column and agg.column not in cols:
        chk.add(
            (*key, "column"),
            "unknown-name",
            f"明细表“{table.name}”没有列“{agg.column}”",
        )
    if agg.op.endswith("_where") and not agg.where:
        chk.add(key, "aggregate", f"汇总方式 {agg.op} 须写 where(条件)")
    if agg.where:
        _formula(chk, agg.where, (*key, "where"), cols, "汇总条件", refs="")


def _check_cycles(chk: Checker, graph: dict[str, set[str]]) -> None:
    state: dict[str, int] = {}
    index = {f.id: i for i, f in enumerate(chk.s.fields)}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt]
                chk.add(
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
