"""Grades and their quotas, vetoes, bars, consequences, awards, ranking, units, and how the
total is composed."""

from __future__ import annotations

from collections.abc import Sequence

from assess.scheme import model as m
from assess.scheme.checker import EPS, Checker, num
from assess.scheme.group_sets import uses_sets
from assess.scoring.conditions import grade_choice, share_of


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
    sizes = _sizes(chk)
    for i, g in enumerate(s.grades):
        if g.quota is not None and not 0 <= g.quota <= 1:
            chk.add(
                ("grades", i, "quota"),
                "quota",
                f"等次“{g.name}”的比例 {num(g.quota)} 应在 0 至 1 之间(如 30% 写 0.3)",
            )
        if g.quota_count is not None:
            where = f"等次“{g.name}”"
            if g.quota is not None:
                chk.add(
                    ("grades", i, "quota_count"),
                    "quota",
                    f"{where}不能同时写 quota(名额比例)和 quota_count(名额个数)",
                )
            _counts(chk, g.quota_count, g.quota_within, ("grades", i, "quota_count"), where, "名额", sizes)
    for i, award in enumerate(s.awards):
        _check_award(chk, award, ("awards", i), sizes)
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
        _check_bar(chk, bar, bar.reason, ("bars", i), top=True)
    for i, c in enumerate(s.consequences):
        _check_condition(chk, c, c.name, ("consequences", i), top=True)
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


def _check_condition(
    chk: Checker, c: m.Condition, name: str, at: tuple[str | int, ...], *, top: bool = False
) -> None:
    """A consequence's condition and, in turn, each of its ``any`` / ``all`` conditions."""
    if c.grade is not None:
        _wanted, unknown = grade_choice(c.grade, chk.grade_names)
        for base in unknown:
            chk.add((*at, "grade"), "unknown-grade", f"等次“{base}”未在 grades 中定义")
    parts = (c.grade, c.bottom, c.top, c.when, c.veto, c.any, c.all)
    if all(p is None for p in parts):
        where = f"结果运用“{name}”" if top else f"结果运用“{name}”的条件"
        chk.add(at, "consequence", f"{where}须写 grade、bottom、top、when、veto、any 或 all 中至少一项")
    if c.veto is not None and not isinstance(c.veto, bool):
        known = {v.id for v in chk.s.vetoes} | {v.name for v in chk.s.vetoes}
        for j, ident in enumerate([c.veto] if isinstance(c.veto, str) else c.veto):
            if ident not in known:
                chk.add(
                    (*at, "veto") if isinstance(c.veto, str) else (*at, "veto", j),
                    "unknown-name",
                    f"结果运用“{name}”的 veto“{ident}”不是已定义的一票否决事项(vetoes 的 id 或 name)",
                )
    _places(chk, c, f"结果运用“{name}”", at, "consequence")
    for key, items in (("any", c.any), ("all", c.all)):
        if items is not None and not items:
            chk.add((*at, key), "consequence", f"结果运用“{name}”的 {key} 不能为空")
        for j, sub in enumerate(items or []):
            _check_condition(chk, sub, name, (*at, key, j))


def _places(
    chk: Checker, c: m.Condition | m.BarCondition, where: str, at: tuple[str | int, ...], code: str
) -> None:
    """``bottom`` / ``top`` of a consequence's or a bar's condition."""
    if c.bottom is not None and c.top is not None:
        chk.add(at, code, f"{where}不能同时写 bottom 和 top")
    for key, spec in (("bottom", c.bottom), ("top", c.top)):
        if isinstance(spec, int) and spec < 1:
            chk.add((*at, key), code, f"{where}的 {key} 应至少为 1,实际为 {spec}")
        elif isinstance(spec, str):
            share = share_of(spec)
            if share is None or not 0 < share <= 100:
                chk.add(
                    (*at, key),
                    code,
                    f"{where}的 {key}“{spec}”应为名次数(如 3)或百分比(如 10%,大于 0、不超过 100%)",
                )


def _check_bar(
    chk: Checker, c: m.BarCondition, reason: str, at: tuple[str | int, ...], *, top: bool = False
) -> None:
    """A bar's condition and, in turn, each of its ``any`` / ``all`` conditions: the language
    of consequences without ``grade`` (a bar decides the grade), with ``when`` formulas."""
    where = f"等次限制“{reason}”"
    if all(p is None for p in (c.when, c.bottom, c.top, c.any, c.all)):
        chk.add(at, "bar", f"{where}{'' if top else '的条件'}须写 when、bottom、top、any 或 all 中至少一项")
    _places(chk, c, where, at, "bar")
    if c.years > 1 and c.bottom is None and c.top is None:
        chk.add(
            (*at, "years"),
            "bar",
            f"{where}的 years 须与 bottom 或 top 同写:上年只有名次可核对(取自 --previous 的上年结果)",
        )
    for key, items in (("any", c.any), ("all", c.all)):
        if items is not None and not items:
            chk.add((*at, key), "bar", f"{where}的 {key} 不能为空")
        for j, sub in enumerate(items or []):
            _check_bar(chk, sub, reason, (*at, key, j))


def _sizes(chk: Checker) -> dict[str, tuple[str, int]] | None:
    """Units that take places, per group (canonical id → (name, count), "" for units without a
    group, and the cohort under ``None``'s key "*"), when the scheme says: from ``units`` (those
    not ``ranked: false``), else from every group's ``count``; None when it does not say."""
    s = chk.s
    ids = {a: g.id for g in s.groups for a in (g.id, g.name, *g.aliases)}
    label = {g.id: g.name for g in s.groups}
    out: dict[str, tuple[str, int]] = {}
    if s.units:
        for u in s.units:
            if not u.ranked:
                continue
            gid = ids.get(u.group, u.group or "") if u.group else ""
            name, n = out.get(gid, (label.get(gid, gid), 0))
            out[gid] = (name, n + 1)
        for gid, name in label.items():
            out.setdefault(gid, (name, 0))
    elif s.groups and all(g.count is not None for g in s.groups):
        out = {g.id: (g.name, g.count or 0) for g in s.groups}
    else:
        return None
    out["*"] = ("全体", sum(n for _name, n in out.values()))
    return out


def _counts(
    chk: Checker,
    count: int | dict[str, int],
    within: str,
    at: tuple[str | int, ...],
    where: str,
    word: str,
    sizes: dict[str, tuple[str, int]] | None,
) -> None:
    """A number of units (a grade's quota, an award's list), for every group alike or per group:
    its groups known, and no larger than the units that take places where it applies."""
    ids = {a: g.id for g in chk.s.groups for a in (g.id, g.name, *g.aliases)}
    if isinstance(count, dict):
        if within == "cohort":
            chk.add(at, "quota", f"{where}按全体计算(within: cohort),{word}个数应为一个数,不能按分组写")
            return
        for key, k in count.items():
            if key not in ids:
                chk.add((*at, key), "unknown-group", f"{where}的{word}个数中分组“{key}”未定义")
            else:
                _fits(chk, (*at, key), where, word, k, sizes, [ids[key]])
        return
    if sizes is None:
        return
    # every group alike: the groups that have units to rank (an empty group is warned of apart)
    scopes = ["*"] if within == "cohort" or not chk.s.groups else [k for k in sizes if k != "*"]
    _fits(chk, at, where, word, count, sizes, [k for k in scopes if sizes[k][1]])


def _fits(
    chk: Checker,
    at: tuple[str | int, ...],
    where: str,
    word: str,
    k: int,
    sizes: dict[str, tuple[str, int]] | None,
    scopes: list[str],
) -> None:
    if sizes is None:
        return
    for scope in scopes:
        if scope not in sizes:
            continue
        name, n = sizes[scope]
        if k > n:
            place = "全体" if scope == "*" else f"分组“{name}”" if scope else "未分组的单位中"
            chk.add(at, "quota-size", f"{where}的{word} {k} 个多于{place}参与排名的 {n} 个单位")
            return


def _check_award(
    chk: Checker, a: m.Award, at: tuple[str | int, ...], sizes: dict[str, tuple[str, int]] | None
) -> None:
    where = f"奖项“{a.name}”"
    kinds = [k for k, v in (("places", a.places), ("count", a.count), ("quota", a.quota)) if v is not None]
    if len(kinds) != 1:
        chk.add(
            at,
            "award",
            f"{where}须写 places(名次)、count(名单个数)或 quota(名单比例)中的一项"
            + (f",不能同时写 {' 和 '.join(kinds)}" if kinds else ""),
        )
    if a.grade is not None:
        _wanted, unknown = grade_choice(a.grade, chk.grade_names)
        for base in unknown:
            chk.add((*at, "grade"), "unknown-grade", f"等次“{base}”未在 grades 中定义")
    if a.count is not None:
        _counts(chk, a.count, a.within, (*at, "count"), where, "名单", sizes)
    if a.places is not None and sizes is not None:
        scopes = ["*"] if a.within == "cohort" else [k for k in sizes if k != "*" and sizes[k][1]]
        fewest = min((sizes[k] for k in scopes), key=lambda x: x[1], default=None)
        for j, p in enumerate(a.places):
            if fewest is not None and p > fewest[1]:
                name, n = fewest
                place = "全体" if a.within == "cohort" else f"分组“{name}”" if name else "未分组的单位中"
                chk.add(
                    (*at, "places", j), "quota-size", f"{where}的名次 {p} 超出{place}参与排名的 {n} 个单位"
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
    elif not uses_sets(s) and abs(sum(c.points for c in s.categories) - s.full_score) > EPS:
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
