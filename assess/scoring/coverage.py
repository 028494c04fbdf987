"""How many units the cohort rules saw, against how many the scheme expects.

Rank, relative and min–max indicators, places, quotas and consequences are computed over the
units scored together.  The scheme may list its units (``units``) or count them per group
(``groups[].count``); a run over fewer is flagged and its cohort results called provisional
(暂定).  Without either, a run says how many units the cohort rules saw.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assess.scoring.conditions import placed
from assess.scoring.ranking import has_quota

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult

NO_GROUP = ""
SHOWN = 10  # missing units named before "等"


@dataclass
class Coverage:
    notes: list[str] = field(default_factory=list)  # what a document, the JSON and the summary say
    short: bool = False  # fewer units than the scheme expects somewhere
    known: bool = True  # the scheme says how many units to expect


def _expected(plan: Plan) -> dict[str, tuple[int, list[str]]]:
    """Group id → (units expected, their names when listed); groups the scheme says nothing of are absent."""
    out: dict[str, tuple[int, list[str]]] = {}
    if plan.scheme.units:
        for u in plan.scheme.units:
            key = plan.unit_groups.get(u.name, NO_GROUP)
            count, names = out.get(key, (0, []))
            out[key] = (count + 1, [*names, u.name])
        return out
    for g in plan.scheme.groups:
        if g.count is not None:
            out[g.id] = (g.count, [])
    return out


def _what(plan: Plan, ranking: bool, groups: Iterable[str] = ()) -> str:
    """What needs the other units; ``groups``: those scored (a cohort indicator none of them is
    assessed on, in a scheme whose groups have their own sets, needs nobody)."""
    parts: list[str] = []
    seen = [None if g == NO_GROUP else g for g in groups] or [None]
    ids = [
        plan.indicators[i].id for i in plan.cohort_indicators if any(plan.indicators[i].has(g) for g in seen)
    ]
    if ids:
        parts.append(f"按排名、相对值或极差法计分的指标({'、'.join(ids)})")
    if ranking:
        parts.append("名次")
    if any(placed(bar) for bar in plan.scheme.bars):
        parts.append("按名次的等次限制")
    if any(has_quota(g) for g in plan.scheme.grades):
        parts.append("等次名额")
    if ranking and plan.scheme.awards:
        parts.append("奖项")
    if ranking and plan.scheme.consequences:
        parts.append("结果运用")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + "和" + parts[-1]


def coverage(plan: Plan, units: Iterable[tuple[str, str | None]], *, ranking: bool) -> Coverage:
    """``units``: (name, group id) of every unit scored together; ``ranking``: places were given."""
    seen: dict[str, list[str]] = {}
    for name, group in units:
        seen.setdefault(group or NO_GROUP, []).append(name)
    n = sum(len(v) for v in seen.values())
    what = _what(plan, ranking, seen)
    out = Coverage()
    if not what or n == 0:
        return out
    expected = _expected(plan)
    label = plan.group_names
    if n == 1:  # one workbook: nothing to compare with
        known = all(key in expected for key in seen)
        total = sum(count for count, _names in expected.values())
        out.known, out.short = known, known and total > 1
        should = f"(方案应有 {total} 个)" if known else ""
        out.notes.append(
            f"本次只评分了 1 个单位{should}:{what}须与其他单位一并计算,"
            "单独评分时不能确定,等次为暂定;全部单位一并评分(assess rank)后才能确定。"
        )
        return out
    missing_groups = [key for key in expected if key not in seen]
    for key in sorted(seen):
        if key not in expected:
            out.known = False
            continue
        count, names = expected[key]
        have = seen[key]
        if len(have) >= count:
            continue
        out.short = True
        missing = [u for u in names if u not in set(have)]
        gone = ""
        if missing:
            listed = "、".join(missing[:SHOWN]) + (f"等 {len(missing)} 个" if len(missing) > SHOWN else "")
            gone = f"(缺{listed})"
        where = f"{label.get(key, key)}" if key else "未分组的单位"
        out.notes.append(
            f"{where}按方案应有 {count} 个单位,本次只有 {len(have)} 个{gone};{what}只按这 {len(have)} 个单位计算,"
            "为暂定结果,全部单位一并评分后才能确定。"
        )
    if missing_groups and out.known:
        out.short = True
        gone = "、".join(label.get(k, k) if k else "未分组的单位" for k in sorted(missing_groups))
        count = sum(expected[k][0] for k in missing_groups)
        out.notes.append(
            f"{gone}按方案应有的 {count} 个单位本次都未参评;全体名次和按全体计算的各项只按本次的 {n} 个单位计算,"
            "为暂定结果。"
        )
    if not out.known and not out.short:
        groups = [k for k in sorted(seen) if k]
        each = ""
        if groups:
            each = "(" + ",".join(f"{label.get(k, k)} {len(seen[k])} 个" for k in groups) + ")"
        out.notes.append(
            f"{what}按本次一并评分的 {n} 个单位计算{each};方案未写明应参评的单位(units)或各组单位数"
            "(groups 的 count),无法核对是否齐全。"
        )
    return out


def mark_provisional(plan: Plan, results: list[UnitResult], cover: Coverage) -> None:
    """``score`` on part of the cohort (one workbook, or fewer units than the scheme lists):
    the cohort indicators and the grade are provisional (暂定), and each unit says why."""
    quota = next((g for g in plan.scheme.grades if has_quota(g)), None)
    bar = next((b for b in plan.scheme.bars if placed(b)), None)
    alone = len(results) == 1
    if not (alone or cover.short):
        return
    for r in results:
        why: list[str] = []
        if r.incomplete:
            why.append(f"指标 {'、'.join(r.incomplete)} 须与其他单位一并评分,单独评分时未计入总分")
        elif alone and plan.cohort_indicators:
            ids = "、".join(plan.indicators[i].id for i in plan.cohort_indicators)
            why.append(f"指标 {ids} 按参评单位比较计分")
        if bar is not None:
            why.append(f"等次限制“{bar.reason}”按名次判断,须与其他单位一并排名后确定")
        if quota is not None:
            why.append(f"“{quota.name}”等次有名额限制,须与其他单位一并排名后确定")
        if cover.short and not alone:
            why.append("本次评分的单位少于方案应有的单位")
        elif alone and not why:
            continue
        if not why:
            continue
        r.provisional = ";".join(why)
        if r.grade is not None:
            r.grade_basis.append(f"等次“{r.grade}”为暂定:{r.provisional}")
        for i in plan.cohort_indicators:
            res = r.indicators[i]
            if not res.basis.startswith("暂定"):
                res.basis = f"暂定:{res.basis}"
