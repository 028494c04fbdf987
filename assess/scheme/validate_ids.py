"""Unique ids and names: indicators, fields, tables, groups and their aliases, units, grades.

Besides exact repeats, an id or name is checked for what a clerk cannot see:
full-width letters, digits and spaces in an id (``１.２`` is not ``1.2`` to a
formula or to the code column of a workbook), and two ids or names that
differ only in such characters or in invisible ones (zero-width spaces pasted
in from web pages; ``yamltree`` reports those on their own as well).  Two names are "the same to a
reader" when :func:`assess.workbook.names.clean` makes them equal, because
that is how headers and row names of a workbook are matched.
"""

from __future__ import annotations

import unicodedata

from assess.scheme.checker import Checker
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_
from assess.workbook.names import clean, visible


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
    _unique(chk, [(src.id, ("sources", i)) for i, src in enumerate(s.sources)], "来源")
    for ti, table in enumerate(s.tables):
        _unique(
            chk,
            [(c.id, ("tables", ti, "columns", ci)) for ci, c in enumerate(table.columns)],
            f"明细表“{table.name}”的列",
        )
    owner: dict[str, str] = {}
    names: list[tuple[str, Path_]] = []
    for gi, g in enumerate(s.groups):
        for ai, alias in enumerate(dict.fromkeys((g.name, *g.aliases))):
            where: Path_ = ("groups", gi, "aliases", ai - 1) if ai else ("groups", gi, "name")
            if alias in owner and owner[alias] != g.id:
                chk.add(
                    where,
                    "duplicate-id",
                    f"分组名称或别名“{alias}”同时属于两个分组",
                )
            elif alias not in owner:
                names.append((alias, where))
            owner.setdefault(alias, g.id)
    _lookalike(chk, names, "分组名称", ids=False)
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
    _lookalike(chk, [(u.name, ("units", i, "name")) for i, u in enumerate(s.units)], "单位", ids=False)
    _unique(chk, [(g.name, ("grades", i)) for i, g in enumerate(s.grades)], "等次")
    for fi, f in enumerate(s.fields):
        if f.id in chk.indicator_ids:
            chk.add(("fields", fi, "id"), "duplicate-id", f"字段“{f.id}”与指标编码重名")
    _names(
        chk,
        [(f.id, f.name, f.aliases, ("fields", fi)) for fi, f in enumerate(s.fields)],
        "字段",
    )
    for ti, table in enumerate(s.tables):
        _names(
            chk,
            [(c.id, c.name, c.aliases, ("tables", ti, "columns", ci)) for ci, c in enumerate(table.columns)],
            f"明细表“{table.name}”的列",
        )


def _unique(chk: Checker, items: list[tuple[str, Path_]], what: str) -> None:
    seen: dict[str, Path_] = {}
    node = "name" if what == "等次" else "id"
    for ident, key in items:
        if ident in seen:
            first = chk.loaded.location(seen[ident])
            chk.add(
                (*key, node),
                "duplicate-id",
                f"{what}编码“{ident}”重复(第 {first.line} 行已使用)"
                if what != "等次"
                else f"等次“{ident}”重复(第 {first.line} 行已使用)",
            )
        else:
            seen[ident] = key
    _lookalike(
        chk,
        [(ident, (*key, node)) for ident, key in items],
        "等次" if what == "等次" else f"{what}编码",
        ids=what != "等次",
    )


def _names(
    chk: Checker,
    items: list[tuple[str, str, list[str], Path_]],
    what: str,
) -> None:
    """The name and aliases of each field (or column) belong to it alone.

    A workbook row or header is matched by id, name or alias, and a formula
    may use a field's name: a name shared by two fields, or one field's name
    that is another's id, reads one field's figure as the other's."""
    owner: dict[str, tuple[str, str, str, Path_]] = {}  # clean text → (id, kind, text, key)
    for ident, _name, _aliases, key in items:
        owner.setdefault(clean(ident), (ident, "编码", ident, (*key, "id")))
    for ident, name, aliases, key in items:
        texts: list[tuple[str, str, Path_]] = [("名称", name, (*key, "name"))]
        texts += [("别名", a, (*key, "aliases", i)) for i, a in enumerate(aliases)]
        for kind, text, where in texts:
            norm = clean(text)
            if not norm:
                continue
            first = owner.setdefault(norm, (ident, kind, text, where))
            if first[0] == ident:
                continue
            line = chk.loaded.location(first[3]).line
            if first[2] == text:
                chk.add(
                    where,
                    "duplicate-name",
                    f"{what}“{ident}”的{kind}“{text}”与第 {line} 行{what}“{first[0]}”的{first[1]}相同;"
                    "填报表和公式无法区分这两项",
                )
            else:
                chk.add(
                    where,
                    "id-lookalike",
                    f"{what}“{ident}”的{kind}“{visible(text)}”与第 {line} 行{what}“{first[0]}”的"
                    f"{first[1]}“{visible(first[2])}”看起来相同(只差全角半角、空格或看不见的字符);"
                    "填报表无法区分这两项",
                )


def _lookalike(chk: Checker, items: list[tuple[str, Path_]], what: str, *, ids: bool) -> None:
    """Ids (or names) that differ from another only in what cannot be seen, and ids that hold
    full-width characters.  Exact repeats are left to the caller; invisible control characters
    in any text are reported by ``yamltree`` already."""
    seen: dict[str, tuple[str, Path_]] = {}
    for ident, key in items:
        norm = clean(ident)
        first = seen.setdefault(norm, (ident, key))
        if first[0] == ident and first[1] != key:
            continue  # an exact repeat: reported by the caller
        if first[0] != ident:
            line = chk.loaded.location(first[1]).line
            chk.add(
                key,
                "id-lookalike",
                f"{what}“{visible(ident)}”与第 {line} 行的“{visible(first[0])}”看起来相同"
                "(只差全角半角、空格或看不见的字符);请统一写法",
            )
            continue
        if ids and (wide := _fullwidth(ident)):
            chk.add(
                key,
                "id-fullwidth",
                f"{what}“{visible(ident)}”中含有全角字符“{visible(''.join(wide))}”;"
                f"公式和填报表的编码都按半角读取,请改为“{unicodedata.normalize('NFKC', ident)}”",
                "warning",
            )


def _fullwidth(text: str) -> list[str]:
    """Characters that NFKC turns into plain ASCII (full-width digits, letters and signs)."""
    return [
        c
        for c in dict.fromkeys(text)
        if not c.isascii() and (n := unicodedata.normalize("NFKC", c)) != c and n.isascii()
    ]
