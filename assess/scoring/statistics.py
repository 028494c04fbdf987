"""The statistics appendix of the ranking (附件1 主要指标完成情况统计), on one contract.

A figure in that appendix goes into a sealed notice, so each one follows the indicator:

- *direction*: best, worst and "worse than average" are judged the way the indicator is
  scored; a count of problems that is deducted from (``deduct``) is better when lower
  whatever ``direction`` says, and a ``linear`` rule says it by its floor and target;
- *average*: the scheme's ``average`` key (``assess/scheme/rates.py``): the mean of the
  units, the pooled rate of a rate formula (Σ numerators ÷ Σ denominators, as a province
  reports its own 完成率) or a figure given in the scheme; the document says which;
- *yes/no* indicators have a count and share of 是, never a mean of 0/1;
- units without a usable value (not applicable, missing) are in no statistic, and one
  unit alone is not ranked against itself (no best, worst or gap).

The full ranking reads values and rate parts from results (``indicator_statistics``), the
brief table from its columns and the units' data (``Brief.statistics``); both end in
``statistics_of`` so their documents are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from math import fsum
from typing import TYPE_CHECKING, Any

from assess.scheme.rates import MEAN, POOLED, RateParts, rate_parts
from assess.scoring.numbers import _fixed, fmt_value

if TYPE_CHECKING:
    from assess.scheme.plan import Plan, PlanIndicator
    from assess.scoring.result import UnitResult
    from assess.workbook.data import UnitData

GIVEN = "given"
TIE = 0.005  # a gap that prints as 0.00 is no gap
BASIS_WORDS = {
    MEAN: "各单位算术平均",
    POOLED: "合计比率(各单位分子之和 ÷ 分母之和)",
    GIVEN: "给定的平均值(考核方案或排名时指定,如公布的全省平均)",
}


def better_direction(ind: PlanIndicator) -> str:
    """``higher`` or ``lower``: the way the indicator's rule rewards its value."""
    rule = ind.rule
    kind = getattr(rule, "type", None)
    if kind == "deduct":  # the value is a count of problems
        return "lower"
    if kind == "linear" and not isinstance(rule.floor, str) and not isinstance(rule.target, str):
        return "lower" if rule.floor > rule.target else "higher"
    return ind.direction  # a linear rule on each unit's own lines: as the indicator says


def is_yes_no(ind: PlanIndicator) -> bool:
    return ind.kind == "bool" or getattr(ind.rule, "type", None) == "boolean"


def expected_answer(ind: PlanIndicator) -> bool:
    """The answer the rule rewards (是 unless the rule expects 否)."""
    return bool(getattr(ind.rule, "expect", True))


def usable(value: float | None, applicable: bool = True) -> bool:
    return value is not None and applicable and value == value


def rate_sums(pairs: Iterable[tuple[object, object]]) -> tuple[float, float] | None:
    """Σ numerators and Σ denominators of a pooled rate, or None when a unit's parts are unknown."""
    tops: list[float] = []
    bottoms: list[float] = []
    for num, den in pairs:
        if not isinstance(num, (int, float)) or not isinstance(den, (int, float)):
            return None
        tops.append(float(num))
        bottoms.append(float(den))
    return fsum(tops), fsum(bottoms)  # exact: the same whichever order the units came in


def indicator_statistics(plan: Plan, results: list[UnitResult]) -> list[dict[str, Any]]:
    """The statistics of every indicator over the ranked results."""
    by_id: dict[str, list[float]] = {ind.id: [] for ind in plan.indicators}
    parts: dict[str, list[tuple[object, object]]] = {}
    pooled = {ind.id: rp for ind in plan.indicators if (rp := pooled_parts(ind)) is not None}
    for r in results:
        for i in r.indicators:
            if i.id not in by_id or not usable(i.value, i.applicable):
                continue
            by_id[i.id].append(i.value)  # type: ignore[arg-type]
            rp = pooled.get(i.id)
            if rp is not None:
                got = {x["name"]: x.get("value") for x in i.inputs}
                parts.setdefault(i.id, []).append((got.get(rp.numerator), got.get(rp.denominator)))
    sums = {k: rate_sums(parts.get(ind.id, [])) for ind in plan.indicators if (k := ind.id) in pooled}
    return statistics_of(plan, by_id, sums)


def pooled_parts(ind: PlanIndicator) -> RateParts | None:
    """The numerator and denominator of an indicator whose average is pooled."""
    return rate_parts(ind.formula.text) if ind.average == POOLED and ind.formula is not None else None


def unit_parts(plan: Plan, unit: UnitData | None, rp: RateParts) -> tuple[object, object]:
    """A unit's numerator and denominator read from its data (the brief table keeps only
    values): a reported field directly, a derived or summed one through ``engine.prepare``."""
    if unit is None:
        return None, None
    got: list[object] = []
    env: dict[str, object] | None = None
    for name in (rp.numerator, rp.denominator):
        key = plan.name_aliases.get(name, name)
        spec = plan.fields.get(key)
        if spec is None or spec.formula is not None or spec.aggregate is not None:
            if env is None:
                from assess.scoring.engine import prepare

                env = prepare(plan, unit).env
            got.append(env.get(name))
            continue
        value = unit.values.get(key)
        got.append(value.number if value is not None and value.status == "ok" else None)
    return got[0], got[1]


def statistics_of(
    plan: Plan,
    by_id: dict[str, list[float]],
    sums: dict[str, tuple[float, float] | None] | None = None,
) -> list[dict[str, Any]]:
    """Each indicator's statistics from its usable values (in unit order) and, for a pooled
    rate, the sums of its numerators and denominators over the same units."""
    out: list[dict[str, Any]] = []
    for ind in plan.indicators:
        values = by_id[ind.id]
        lower = better_direction(ind) == "lower"
        entry: dict[str, Any] = {
            "id": ind.id,
            "name": ind.name,
            "unit": ind.unit,
            "direction": "lower" if lower else "higher",
            "count": len(values),
            "average": None,
            "average_basis": None,
            "best": None,
            "worst": None,
        }
        out.append(entry)
        if not values:
            continue
        if is_yes_no(ind):
            yes = sum(1 for v in values if v)
            entry.update(yes=yes, share=yes / len(values), expect=expected_answer(ind))
            continue
        entry["average"], entry["average_basis"] = _average(ind, values, (sums or {}).get(ind.id))
        if len(values) > 1:
            entry["best"] = min(values) if lower else max(values)
            entry["worst"] = max(values) if lower else min(values)
    return out


def _average(
    ind: PlanIndicator, values: list[float], sums: tuple[float, float] | None
) -> tuple[float | None, str]:
    if isinstance(ind.average, float):
        return ind.average, GIVEN
    if ind.average == POOLED and ind.formula is not None:
        rp = rate_parts(ind.formula.text)
        if rp is None or sums is None or sums[1] == 0:
            return None, POOLED  # the rate of the whole cannot be formed: shown as —
        return sums[0] / sums[1] * rp.factor, POOLED
    return fsum(values) / len(values), MEAN


def apply_averages(plan: Plan, given: Iterable[str]) -> None:
    """``rank --average 1.2=2.9``: a published figure (全省平均) for an indicator's average,
    over what the scheme says; a wrong code or a yes/no indicator is refused before reading."""
    from assess.errors import UsageError

    by_id = {i.id: i for i in plan.indicators}
    for text in given:
        ident, sep, number = text.partition("=")
        ind = by_id.get(ident.strip())
        if not sep or ind is None:
            raise UsageError(
                f"--average {text}:应写成“指标编码=数值”,如 --average 1.2=2.9,编码须为方案中的末级指标"
            )
        if is_yes_no(ind):
            raise UsageError(f"--average {text}:指标 {ind.id} 为是否项,统计中列“是”的个数和占比,不用平均值")
        try:
            value = float(number.strip().rstrip("%"))
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            raise UsageError(f"--average {text}:“{number}”不是数值")
        ind.average = value


def is_worse(value: float, stat: dict[str, Any]) -> bool:
    """Whether a unit's value is worse than the average, beyond what rounds to no gap."""
    average = stat.get("average")
    if average is None or stat.get("count", 0) < 2 or abs(value - average) < TIE:
        return False
    return value > average if stat["direction"] == "lower" else value < average


def gap_text(value: float | None, average: float | None, unit: str | None, scope: str = "") -> str:
    """The gap as 通报 texts say it: ``低于平均 8.06 个百分点`` (a difference of percents is in
    个百分点), ``比平均多 2.36 个``; ``scope`` names the average, as ``全省``."""
    if value is None or average is None:
        return "—"
    diff = value - average
    gap = _fixed(abs(diff), 2)  # half-up, like the values printed beside it
    if float(gap) == 0:
        return f"与{scope}平均持平"
    if unit == "%":
        return f"{'高于' if diff > 0 else '低于'}{scope}平均 {gap} 个百分点"
    if unit:
        return f"比{scope}平均{'多' if diff > 0 else '少'} {gap} {unit}"
    return f"{'高于' if diff > 0 else '低于'}{scope}平均 {gap}"


def yes_no_text(stat: dict[str, Any]) -> str:
    """``是 11 个,占 78.57%``: a share, never a mean of 0 and 1."""
    return f"是 {stat['yes']} 个,占 {fmt_value(stat['share'] * 100, '%')}"


def average_text(stat: dict[str, Any]) -> str:
    if stat.get("yes") is not None:
        return yes_no_text(stat)
    return fmt_value(stat.get("average"), stat.get("unit"))


def basis_note(stats: list[dict[str, Any]]) -> list[str]:
    """The lines under the table that say how each average was taken and which way is better."""
    by_basis: dict[str, list[str]] = {}
    lower: list[str] = []
    yes_no: list[str] = []
    for s in stats:
        if not s.get("count"):
            continue
        if s.get("yes") is not None:
            yes_no.append(s["id"])
            continue
        basis = s.get("average_basis") or MEAN
        label = s["id"]
        if basis == GIVEN:
            label = f"{s['id']}为 {fmt_value(s['average'], s.get('unit'))}"
        by_basis.setdefault(basis, []).append(label)
        if s["direction"] == "lower":
            lower.append(s["id"])
    lines = []
    for basis in (POOLED, GIVEN, MEAN):
        ids = by_basis.get(basis)
        if not ids:
            continue
        if basis == GIVEN:
            lines.append(f"“平均”为{BASIS_WORDS[basis]}的:{'、'.join(ids)}。")
            continue
        which = "、".join(ids) if basis != MEAN else ("其余指标" if len(by_basis) > 1 else "各指标")
        lines.append(f"{which}的“平均”为{BASIS_WORDS[basis]}。")
    if lower:
        lines.append(f"{'、'.join(lower)}数值越低越好,“最好”“最差”和“差于平均的单位”按此判断。")
    if yes_no:
        lines.append(
            f"{'、'.join(yes_no)}为是否项,列“是”的个数和占比,“差于平均的单位”一栏列不符合要求的单位。"
        )
    if any(s.get("count") == 1 for s in stats):
        lines.append("只有 1 个单位有数值的指标不列最好、最差。")
    return lines


def worse_units(
    stat: dict[str, Any],
    pairs: Iterable[tuple[str, float | None]],
    *,
    gaps: bool = True,
    text: Callable[[float], str] | None = None,
) -> list[str]:
    """The units worse than the average, the worst first, each with its value and gap
    (``平江县 4.18%(高于平均 1.01 个百分点)``; without ``gaps`` just ``平江县 4.18%``); for a
    yes/no indicator, the units that did not answer as required, in the order given.
    ``text`` writes a value (default ``fmt_value`` with the indicator's unit)."""
    if not stat.get("count") or stat["count"] < 2:
        return []
    unit = stat.get("unit")
    if stat.get("yes") is not None:
        want = bool(stat.get("expect", True))
        return [f"{name}(填报“{'是' if v else '否'}”)" for name, v in pairs if usable(v) and bool(v) != want]
    held = [(name, float(v)) for name, v in pairs if v is not None and usable(v) and is_worse(v, stat)]
    sign = 1 if stat["direction"] == "lower" else -1
    held.sort(key=lambda p: -sign * p[1])  # stable: equal values keep the order given
    shown = text or (lambda v: fmt_value(v, unit))
    if not gaps:
        return [f"{name} {shown(v)}" for name, v in held]
    return [f"{name} {shown(v)}({gap_text(v, stat['average'], unit)})" for name, v in held]


__all__ = [
    "GIVEN",
    "average_text",
    "basis_note",
    "better_direction",
    "gap_text",
    "indicator_statistics",
    "is_worse",
    "statistics_of",
    "worse_units",
]
