"""Unique ids and names: indicators, fields, tables, groups and their aliases, units, grades."""

from __future__ import annotations

from assess.scheme.checker import Checker
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_


def check_ids(chk: Checker) -> None:
    s = chk.s
    items: list[tuple[str, Path_]] = []
    for ci, cat in enumerate(s.categories):
        items.append((cat.id, ("categories", ci)))
    for ind, _cat, key in walk_indicators(s):
        items.append((ind.id, key))
        chk.indicator_ids.add(ind.id)
        if ind.children:
            chk.parent_ids.add(ind.id)
    if s.bonus:
        items += [(b.id, ("bonus", "items", i)) for i, b in enumerate(s.bonus.items)]
    if s.penalties:
        items += [(p.id, ("penalties", "items", i)) for i, p in enumerate(s.penalties.items)]
    items += [(v.id, ("vetoes", i)) for i, v in enumerate(s.vetoes)]
    _unique(chk, items, "指标")
    _unique(chk, [(f.id, ("fields", i)) for i, f in enumerate(s.fields)], "字段")
    _unique(chk, [(t.id, ("tables", i)) for i, t in enumerate(s.tables)], "明细表")
    _unique(chk, [(g.id, ("groups", i)) for i, g in enumerate(s.groups)], "分组")
    _unique(
        chk,
        [(g.id, ("deduct_groups", i)) for i, g in enumerate(s.deduct_groups)],
        "扣分组",
    )
    _unique(
        chk,
        [(p.id, ("composition", i)) for i, p in enumerate(s.composition)],
        "合成部分",
    )
    for ti, table in enumerate(s.tables):
        _unique(
            chk,
            [(c.id, ("tables", ti, "columns", ci)) for ci, c in enumerate(table.columns)],
            f"明细表“{table.name}”的列",
        )
    owner: dict[str, str] = {}
    for gi, g in enumerate(s.groups):
        for ai, alias in enumerate(dict.fromkeys((g.name, *g.aliases))):
            if alias in owner and owner[alias] != g.id:
                where: Path_ = ("groups", gi, "aliases", ai - 1) if ai else ("groups", gi, "name")
                chk.add(
                    where,
                    "duplicate-id",
                    f"分组名称或别名“{alias}”同时属于两个分组",
                )
            owner.setdefault(alias, g.id)
    seen_units: dict[str, int] = {}
    for ui, unit in enumerate(s.units):
        if unit.name in seen_units:
            chk.add(
                ("units", ui, "name"),
                "duplicate-id",
                f"单位“{unit.name}”重复(第 {chk.loaded.location(('units', seen_units[unit.name])).line} 行已列出)",
            )
        else:
            seen_units[unit.name] = ui
    _unique(chk, [(g.name, ("grades", i)) for i, g in enumerate(s.grades)], "等次")
    for fi, f in enumerate(s.fields):
        if f.id in chk.indicator_ids:
            chk.add(("fields", fi, "id"), "duplicate-id", f"字段“{f.id}”与指标编码重名")


def _unique(chk: Checker, items: list[tuple[str, Path_]], what: str) -> None:
    seen: dict[str, Path_] = {}
    for ident, key in items:
        if ident in seen:
            first = chk.loaded.location(seen[ident])
            chk.add(
                (*key, "id") if what != "等次" else (*key, "name"),
                "duplicate-id",
                f"{what}编码“{ident}”重复(第 {first.line} 行已使用)"
                if what != "等次"
                else f"等次“{ident}”重复(第 {first.line} 行已使用)",
            )
        else:
            seen[ident] = key
