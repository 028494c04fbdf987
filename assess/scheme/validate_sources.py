"""Checks of ``sources:``: every input has exactly one source, each source says what its kind needs.

A field given by two sources would make a unit's figure depend on which file
was read last, so a key claimed twice is an error naming both sources; a
scheme with sources but no ``unit`` source must give every input a source.
"""

from __future__ import annotations

from assess.scheme.checker import Checker
from assess.scheme.walk import walk_indicators
from assess.scheme.yamltree import Path_


def input_keys(chk: Checker) -> tuple[dict[str, str], dict[str, str]]:
    """(name → input key for everything a unit reports, name → why it cannot be reported)."""
    s = chk.s
    keys: dict[str, str] = {}
    derived: dict[str, str] = {}
    for f in s.fields:
        names = (f.id, f.name, *f.aliases)
        if f.formula or f.aggregate:
            for n in names:
                derived.setdefault(n, "由公式计算" if f.formula else "由明细表汇总")
        else:
            for n in names:
                keys.setdefault(n, f.id)
    for ind, _cat, _key in walk_indicators(s):
        if ind.children:
            derived.setdefault(ind.id, "由三级指标合计")
        elif ind.formula:
            derived.setdefault(ind.id, "由公式计算")
        elif ind.field:
            keys.setdefault(ind.id, keys.get(ind.field, ind.field))
        else:
            keys.setdefault(ind.id, ind.id)
    for section in (s.bonus, s.penalties):
        if section is not None:
            for item in section.items:
                keys.setdefault(item.id, keys.get(item.field, item.field) if item.field else item.id)
    return keys, derived


def check_sources(chk: Checker) -> None:
    s = chk.s
    if not s.sources:
        return
    keys, derived = input_keys(chk)
    owner: dict[str, tuple[str, Path_]] = {}  # input key → (source id, where it was claimed)
    units = [i for i, src in enumerate(s.sources) if src.kind == "unit"]
    for i in units[1:]:
        chk.add(("sources", i, "kind"), "source-kind", "只能有一个 kind: unit 的来源(单位自己的填报表)")
    kinds: dict[str, str | None] | None = None
    for i, src in enumerate(s.sources):
        here: Path_ = ("sources", i)
        _kind_settings(chk, i)
        if src.counts:
            kinds = key_kinds(chk) if kinds is None else kinds
            _count_kinds(chk, i, keys, derived, kinds)
        if src.rates:
            kinds = key_kinds(chk) if kinds is None else kinds
            _rate_kinds(chk, i, keys, derived, kinds)
        named = [(n, (*here, "fields", j)) for j, n in enumerate(src.fields)]
        named += [(c.field, (*here, "counts", j, "field")) for j, c in enumerate(src.counts)]
        named += [(r.field, (*here, "rates", j, "field")) for j, r in enumerate(src.rates)]
        seen_here: set[str] = set()
        for name, where in named:
            if name in derived:
                chk.add(where, "source-field", f"“{name}”{derived[name]},不能由来源“{src.id}”提供")
                continue
            key = keys.get(name)
            if key is None:
                chk.add(
                    where, "source-field", f"来源“{src.id}”中的“{name}”不是方案中的字段、指标或加分扣分项"
                )
                continue
            if key in seen_here:
                continue  # a findings source may count several rules into one key
            seen_here.add(key)
            if key in owner and owner[key][0] != src.id:
                chk.add(
                    where,
                    "source-conflict",
                    f"“{name}”同时由来源“{owner[key][0]}”和“{src.id}”提供;每项数据只能有一个来源",
                )
                continue
            owner[key] = (src.id, where)
    if not units:
        unclaimed = sorted({k for k in keys.values() if k not in owner})
        if unclaimed:
            shown = "、".join(unclaimed[:5]) + (f" 等 {len(unclaimed)} 项" if len(unclaimed) > 5 else "")
            chk.add(
                ("sources",),
                "source-missing",
                f"没有 kind: unit 的来源,以下数据也没有其他来源提供:{shown}",
            )


COUNTABLE = ("count", "number")
KIND_WORDS = {
    "bool": "是否",
    "text": "文字",
    "rating": "评价等次",
    "percent": "百分比",
    "amount": "金额",
    "score": "得分",
}


def key_kinds(chk: Checker) -> dict[str, str | None]:
    """Input key → the kind of value it holds (as plan.py infers it); None for a bonus or
    penalty item entered under its own id, which takes a number of items whatever its rule."""
    from assess.scheme.plan import infer_kind

    s = chk.s
    out: dict[str, str | None] = {}
    for f in s.fields:
        if not f.formula and not f.aggregate:
            out[f.id] = infer_kind(f.kind, f.unit, levels=f.levels)
    for ind, _cat, _key in walk_indicators(s):
        if not ind.children and not ind.formula and not ind.field and ind.rule is not None:
            out.setdefault(ind.id, infer_kind(ind.kind, ind.unit, ind.rule.type, ind.levels))
    for section in (s.bonus, s.penalties):
        if section is not None:
            for item in section.items:
                if not item.field:
                    out.setdefault(item.id, None)
    return out


def _count_kinds(
    chk: Checker, i: int, keys: dict[str, str], derived: dict[str, str], kinds: dict[str, str | None]
) -> None:
    """A findings source counts problems: each count fills a number of items, never a yes/no,
    a text, a rating word or a percentage."""
    src = chk.s.sources[i]
    for j, c in enumerate(src.counts):
        key = keys.get(c.field)
        if c.field in derived or key is None:
            continue  # said by check_sources
        kind = kinds.get(key)
        if kind is None or kind in COUNTABLE:
            continue
        chk.add(
            ("sources", i, "counts", j, "field"),
            "source-count-kind",
            f"问题清单来源“{src.id}”把问题个数计入“{c.field}”,但它是{KIND_WORDS.get(kind, kind)}(kind: {kind});"
            "问题个数只能计入个数或数值(kind: count、number)的字段、直接填报的指标,或加分项、扣分项",
        )


RATE_KINDS = ("percent", "number")


def _rate_kinds(
    chk: Checker, i: int, keys: dict[str, str], derived: dict[str, str], kinds: dict[str, str | None]
) -> None:
    """A ledger source computes a percentage: each rate fills a percent or number item, once."""
    src = chk.s.sources[i]
    seen: dict[str, int] = {}
    for j, r in enumerate(src.rates):
        key = keys.get(r.field)
        if r.field in derived or key is None:
            continue  # said by check_sources
        if key in seen:
            chk.add(
                ("sources", i, "rates", j, "field"),
                "source-conflict",
                f"整改台账来源“{src.id}”的 rates 第 {seen[key] + 1} 项和第 {j + 1} 项都计入“{r.field}”;"
                "每项数据只能由一个比率计算",
            )
            continue
        seen[key] = j
        kind = kinds.get(key)
        if kind in RATE_KINDS:
            continue
        words = {**KIND_WORDS, "count": "个数", "number": "数值"}
        what = "加分项或扣分项(按个数计)" if kind is None else f"{words.get(kind, kind)}(kind: {kind})"
        rate = "按期整改率" if r.measure == "on_time" else "整改完成率"
        chk.add(
            ("sources", i, "rates", j, "field"),
            "source-rate-kind",
            f"整改台账来源“{src.id}”把{rate}计入“{r.field}”,但它是{what};"
            "比率只能计入百分比或数值(kind: percent、number,或 unit: %)的字段或直接填报的指标",
        )


def _kind_settings(chk: Checker, i: int) -> None:
    """What each kind needs, and what only another kind may say."""
    src = chk.s.sources[i]
    here: Path_ = ("sources", i)
    if src.kind == "unit" and (src.fields or src.counts):
        chk.add(
            (*here, "fields"),
            "source-kind",
            f"来源“{src.id}”是单位填报表,提供其他来源以外的全部数据,不写 fields",
        )
    if src.kind in ("table", "ratings") and not src.fields:
        chk.add(here, "source-kind", f"来源“{src.id}”没有写 fields(它提供哪些数据)")
    if src.kind == "findings" and not src.counts:
        chk.add(here, "source-kind", f"问题清单来源“{src.id}”没有写 counts(哪些问题计入哪一项)")
    if src.kind != "findings" and src.counts:
        chk.add(
            (*here, "counts"),
            "source-kind",
            f"只有 kind: findings 的来源可以写 counts,“{src.id}”是 {src.kind}",
        )
    if src.kind == "findings" and src.fields:
        chk.add(
            (*here, "fields"), "source-kind", f"问题清单来源“{src.id}”用 counts 说明计入哪一项,不写 fields"
        )
    if src.kind == "ledger" and not src.rates:
        chk.add(here, "source-kind", f"整改台账来源“{src.id}”没有写 rates(计算哪个比率,计入哪一项)")
    if src.kind == "ledger" and src.fields:
        chk.add(
            (*here, "fields"), "source-kind", f"整改台账来源“{src.id}”用 rates 说明计入哪一项,不写 fields"
        )
    if src.kind != "ledger" and src.rates:
        chk.add(
            (*here, "rates"), "source-kind", f"只有 kind: ledger 的来源可以写 rates,“{src.id}”是 {src.kind}"
        )
    if src.kind != "ledger" and src.as_of is not None:
        chk.add(
            (*here, "as_of"), "source-kind", f"只有 kind: ledger 的来源可以写 as_of,“{src.id}”是 {src.kind}"
        )
    if src.kind != "ratings" and (src.combine or src.raters):
        chk.add(
            here, "source-kind", f"只有 kind: ratings 的来源可以写 combine 和 raters,“{src.id}”是 {src.kind}"
        )
    weights = [r.weight for r in src.raters]
    if src.kind == "ratings" and src.combine == "weighted" and (not weights or None in weights):
        chk.add(
            (*here, "raters"), "source-kind", f"来源“{src.id}”按权重合成(weighted),须列出每个评分方的 weight"
        )
