"""What changed between two schemes (usually last year's and this year's).

Indicators are matched by id (编码): an id only in the new scheme is 新增, only
in the old one 删除, the same id with another name 更名; an indicator that
keeps its name under a new id is 编码调整.  For matched indicators the points,
targets (including each group's target), the rule and the responsible
department are compared.  Categories, grade lines and quotas, vetoes and the
bonus and penalty caps are compared too.  With data, both schemes score the
same cohort so that each unit's total, rank and grade can be set side by side.
"""

from __future__ import annotations

from typing import Any

from assess.analysis.diff_report import KIND_ORDER, Change, SchemeDiff
from assess.analysis.diff_words import (
    PARAM_WORDS,
    RULE_WORDS,
    direction,
    line_text,
    override_text,
    param_text,
    quota_text,
    rule_brief,
    value_text,
)
from assess.scheme import model as m
from assess.scheme.walk import id_key, walk_indicators
from assess.scoring.numbers import fmt


def _dept(ind: m.Indicator, cat: m.Category) -> str | None:
    return ind.department or cat.department


def _rule_changes(ident: str, name: str, unit: str | None, old: Any, new: Any) -> list[Change]:
    if old is None or new is None:
        if old is new:
            return []
        return [
            Change(
                "计分规则",
                ident,
                name,
                RULE_WORDS.get(getattr(old, "type", ""), "无"),
                RULE_WORDS.get(getattr(new, "type", ""), "无"),
            )
        ]
    if old.type != new.type:
        return [
            Change(
                "计分规则",
                ident,
                name,
                f"{RULE_WORDS[old.type]}({rule_brief(old, unit)})",
                f"{RULE_WORDS[new.type]}({rule_brief(new, unit)})",
                "计分方法改变",
            )
        ]
    out: list[Change] = []
    a = old.model_dump(exclude={"by_group"})
    b = new.model_dump(exclude={"by_group"})
    if a.get("target") != b.get("target"):
        out.append(
            Change(
                "目标值",
                ident,
                name,
                line_text(a.get("target"), unit),
                line_text(b.get("target"), unit),
                direction(a.get("target"), b.get("target")),
            )
        )
    others = [k for k in sorted(set(a) | set(b)) if k not in ("type", "target") and a.get(k) != b.get(k)]
    if others:
        olds = ";".join(param_text(k, a.get(k), unit) for k in others)
        news = ";".join(param_text(k, b.get(k), unit) for k in others)
        out.append(
            Change(
                "计分规则", ident, name, olds, news, "、".join(PARAM_WORDS.get(k, k) for k in others) + "调整"
            )
        )
    ga, gb = old.by_group, new.by_group
    for group in sorted(set(ga) | set(gb)):
        ta, tb = (ga.get(group) or {}).get("target"), (gb.get(group) or {}).get("target")
        if ta != tb and (ta is not None or tb is not None):
            out.append(
                Change(
                    "目标值",
                    ident,
                    name,
                    line_text(ta if ta is not None else a.get("target"), unit),
                    line_text(tb if tb is not None else b.get("target"), unit),
                    f"{group}{direction(ta, tb)}",
                )
            )
        rest_a = {k: v for k, v in (ga.get(group) or {}).items() if k != "target"}
        rest_b = {k: v for k, v in (gb.get(group) or {}).items() if k != "target"}
        if rest_a != rest_b:
            out.append(
                Change(
                    "计分规则",
                    ident,
                    name,
                    str(rest_a or "无"),
                    str(rest_b or "无"),
                    f"{group}的规则参数调整",
                )
            )
    return out


def diff_schemes(old: m.Scheme, new: m.Scheme) -> SchemeDiff:
    out = SchemeDiff(old, new)
    ch = out.changes
    a = {ind.id: (ind, cat) for ind, cat, _k in walk_indicators(old)}
    b = {ind.id: (ind, cat) for ind, cat, _k in walk_indicators(new)}
    only_old = [i for i in a if i not in b]
    only_new = [i for i in b if i not in a]
    recoded: dict[str, str] = {}
    for i in only_new:
        match = next(
            (j for j in only_old if a[j][0].name == b[i][0].name and j not in recoded.values()), None
        )
        if match is not None:
            recoded[i] = match
    for i in only_new:
        ind, cat = b[i]
        if i in recoded:
            ch.append(Change("编码调整", i, ind.name, recoded[i], i, f"原编码 {recoded[i]}"))
        else:
            ch.append(
                Change(
                    "新增",
                    i,
                    ind.name,
                    "",
                    f"{fmt(ind.points)} 分",
                    f"{cat.id} {cat.name};{_dept(ind, cat) or '未定责任单位'}",
                )
            )
    for i in only_old:
        if i in recoded.values():
            continue
        ind, cat = a[i]
        ch.append(Change("删除", i, ind.name, f"{fmt(ind.points)} 分", "", f"{cat.id} {cat.name}"))
    for i, (ni, nc) in b.items():
        pair = a.get(i) or (a.get(recoded[i]) if i in recoded else None)
        if pair is None:
            continue
        oi, oc = pair
        if oi.name != ni.name:
            ch.append(Change("更名", i, ni.name, oi.name, ni.name))
        if oi.points != ni.points:
            ch.append(
                Change(
                    "分值",
                    i,
                    ni.name,
                    f"{fmt(oi.points)} 分",
                    f"{fmt(ni.points)} 分",
                    direction(oi.points, ni.points),
                )
            )
        ch.extend(_rule_changes(i, ni.name, ni.unit, oi.rule, ni.rule))
        if oi.override != ni.override:
            ch.append(
                Change(
                    "计分规则",
                    i,
                    ni.name,
                    override_text(oi.override),
                    override_text(ni.override),
                    "得分调整(override)改变",
                )
            )
        if _dept(oi, oc) != _dept(ni, nc):
            ch.append(Change("责任单位", i, ni.name, _dept(oi, oc) or "无", _dept(ni, nc) or "无"))
        if oc.id != nc.id:
            ch.append(Change("所属类别", i, ni.name, f"{oc.id} {oc.name}", f"{nc.id} {nc.name}"))
    _categories(old, new, ch)
    _group_sets(old, new, ch)
    _scheme_level(old, new, ch)
    order = {k: n for n, k in enumerate(KIND_ORDER)}
    ch.sort(key=lambda c: (order.get(c.kind, 99), id_key(c.id)))
    return out


def _group_sets(old: m.Scheme, new: m.Scheme, ch: list[Change]) -> None:
    """Each group's own indicators and points (分类考核), compared group by group, by name."""
    from assess.scheme.group_sets import group_sets, uses_sets

    if not uses_sets(old) and not uses_sets(new):
        return

    def per_group(s: m.Scheme) -> dict[str, dict[str, float]]:
        ids = {a: g.id for g in s.groups for a in (g.id, g.name, *g.aliases)}
        sets = group_sets(s, ids)
        leaves = {i.id: i.points for i, _c, _k in walk_indicators(s) if not i.children}
        return {g.name: (sets[g.id].points if g.id in sets else leaves) for g in s.groups}

    def text(v: float | None) -> str:
        return "不考核" if v is None else f"{fmt(v)} 分"

    a, b = per_group(old), per_group(new)
    before = {i.id for i, _c, _k in walk_indicators(old) if not i.children}
    names = {i.id: i.name for i, _c, _k in walk_indicators(new) if not i.children and i.id in before}
    for group in [g for g in b if g in a]:
        for ident in sorted(names, key=id_key):  # both schemes' leaves: new and dropped ones are said above
            was, now = a[group].get(ident), b[group].get(ident)
            if was != now:
                ch.append(Change("分组分值", ident, names[ident], text(was), text(now), f"{group}组"))


def _categories(old: m.Scheme, new: m.Scheme, ch: list[Change]) -> None:
    a = {c.id: c for c in old.categories}
    b = {c.id: c for c in new.categories}
    for cid, c in b.items():
        o = a.get(cid)
        if o is None:
            ch.append(Change("一级指标", cid, c.name, "", f"{fmt(c.points)} 分", "新增一级指标"))
            continue
        if o.name != c.name:
            ch.append(Change("一级指标", cid, c.name, o.name, c.name, "更名"))
        if o.points != c.points:
            ch.append(
                Change("一级指标", cid, c.name, f"{fmt(o.points)} 分", f"{fmt(c.points)} 分", "分值调整")
            )
        if o.weight != c.weight:
            ch.append(Change("一级指标", cid, c.name, value_text(o.weight), value_text(c.weight), "权重调整"))
        if o.department != c.department:
            ch.append(Change("责任单位", cid, c.name, o.department or "无", c.department or "无", "一级指标"))
    for cid, o in a.items():
        if cid not in b:
            ch.append(Change("一级指标", cid, o.name, f"{fmt(o.points)} 分", "", "删除一级指标"))


def _count_text(count: int | dict[str, int] | None) -> str:
    if count is None:
        return "不限"
    if isinstance(count, int):
        return f"{count} 个"
    return "、".join(f"{group} {k} 个" for group, k in count.items())


def _scheme_level(old: m.Scheme, new: m.Scheme, ch: list[Change]) -> None:
    if old.full_score != new.full_score:
        ch.append(Change("其他", "", "满分", fmt(old.full_score), fmt(new.full_score)))
    ga = {g.name: g for g in old.grades}
    gb = {g.name: g for g in new.grades}
    for name in [*gb, *(n for n in ga if n not in gb)]:
        x, y = ga.get(name), gb.get(name)
        if x is None or y is None:
            ch.append(Change("等次", "", name, "有" if x else "无", "有" if y else "无"))
            continue
        if x.min != y.min:
            ch.append(Change("等次", "", name, f"{fmt(x.min)} 分", f"{fmt(y.min)} 分", "分数线调整"))
        if x.quota != y.quota:
            ch.append(Change("等次", "", name, quota_text(x.quota), quota_text(y.quota), "名额比例调整"))
        if x.quota_count != y.quota_count:
            ch.append(
                Change(
                    "等次", "", name, _count_text(x.quota_count), _count_text(y.quota_count), "名额个数调整"
                )
            )
    va = {v.id: v for v in old.vetoes}
    vb = {v.id: v for v in new.vetoes}
    for vid in sorted(set(va) | set(vb)):
        x2, y2 = va.get(vid), vb.get(vid)
        if x2 is None or y2 is None:
            v = y2 or x2
            assert v is not None
            ch.append(
                Change(
                    "其他",
                    vid,
                    f"一票否决:{v.name}",
                    "无" if x2 is None else v.when,
                    "无" if y2 is None else v.when,
                    "新增否决事项" if x2 is None else "取消否决事项",
                )
            )
        elif (x2.when, x2.effect, x2.grade) != (y2.when, y2.effect, y2.grade):
            ch.append(
                Change(
                    "其他", vid, f"一票否决:{y2.name}", f"{x2.when}({x2.effect})", f"{y2.when}({y2.effect})"
                )
            )
    for label, xa, ya in (
        ("加分合计上限", old.bonus.cap if old.bonus else None, new.bonus.cap if new.bonus else None),
        (
            "扣分合计上限",
            old.penalties.cap if old.penalties else None,
            new.penalties.cap if new.penalties else None,
        ),
    ):
        if xa != ya:
            ch.append(
                Change(
                    "其他",
                    "",
                    label,
                    "不限" if xa is None else f"{fmt(xa)} 分",
                    "不限" if ya is None else f"{fmt(ya)} 分",
                    direction(xa, ya),
                )
            )


def side_by_side(
    old_results: list[Any], new_results: list[Any], group_order: list[str] | None = None
) -> list[dict[str, Any]]:
    """Each unit's total, rank and grade under both schemes (results already ranked).

    Groups come in ``group_order`` (the schemes' group ids, as in the ranking
    and the notice); groups not listed follow, by id.
    """
    a = {r.unit: r for r in old_results}
    b = {r.unit: r for r in new_results}
    position = {g: i for i, g in enumerate(dict.fromkeys(group_order or []))}

    def key(name: str) -> tuple[int, str, int, str]:
        r = b.get(name) or a[name]
        group = r.group or ""
        return (position.get(group, len(position)), group, r.rank or 0, name)

    rows = []
    for name in sorted(set(a) | set(b), key=key):
        x, y = a.get(name), b.get(name)
        either = y if y is not None else x
        rows.append(
            {
                "unit": name,
                "group": either.group_name if either is not None else None,
                "old_total": x.total if x else None,
                "old_rank": x.rank if x else None,
                "old_grade": x.grade if x else None,
                "new_total": y.total if y else None,
                "new_rank": y.rank if y else None,
                "new_grade": y.grade if y else None,
                "total_change": round(y.total - x.total, 6) if x and y else None,
            }
        )
    return rows
