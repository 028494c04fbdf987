"""Where a unit stands out and where it lags, relative to the cohort it was scored with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult


def score_rates(results: list[UnitResult]) -> dict[str, float]:
    """Average score rate (score ÷ points) of each indicator across the cohort."""
    sums: dict[str, list[float]] = {}
    for r in results:
        for i in r.indicators:
            if i.score is not None and i.points > 0 and i.rule != "sum":
                sums.setdefault(i.id, []).append(i.score / i.points)
    return {k: sum(v) / len(v) for k, v in sums.items()}


def profile(
    plan: Plan, r: UnitResult, cohort: list[UnitResult], n: int = 3
) -> dict[str, list[dict[str, Any]]]:
    averages = score_rates(cohort)
    items: list[dict[str, Any]] = []
    for i in r.indicators:
        if i.score is None or i.points <= 0 or i.rule == "sum" or i.id not in averages:
            continue
        rate = i.score / i.points
        items.append(
            {
                "id": i.id,
                "name": i.name,
                "rate": rate,
                "average": averages[i.id],
                "gap": rate - averages[i.id],
            }
        )
    strong = sorted((x for x in items if x["gap"] > 0.005), key=lambda x: (-x["gap"], x["id"]))[:n]
    weak = sorted((x for x in items if x["gap"] < -0.005), key=lambda x: (x["gap"], x["id"]))[:n]
    return {"strong": strong, "weak": weak}


def _item(x: dict[str, Any]) -> str:
    word = "高于" if x["gap"] > 0 else "低于"
    return f"{x['name']}(得分率 {x['rate'] * 100:.1f}%,{word}平均 {abs(x['gap']) * 100:.1f} 个百分点)"


def profile_sentence(plan: Plan, r: UnitResult, cohort: list[UnitResult]) -> str:
    p = profile(plan, r, cohort)
    parts = [f"与同批参评的 {len(cohort)} 个单位相比"]
    parts.append(
        "优势指标:" + "、".join(_item(x) for x in p["strong"]) if p["strong"] else "没有明显高于平均的指标"
    )
    parts.append(
        "短板指标:" + "、".join(_item(x) for x in p["weak"]) if p["weak"] else "没有明显低于平均的指标"
    )
    return ",".join(parts) + "。"


def category_rates(plan: Plan, result: UnitResult, cohort: list[UnitResult]) -> list[dict[str, Any]]:
    """Each category's score rate (score ÷ points, in %) for the unit and on average over the cohort.

    Keys: ``id``, ``name``, ``label`` (``1 巩固拓展脱贫攻坚成果``), ``rate``, ``average``
    (both 0–100, ``average`` None without a cohort) and ``gap`` in percentage points.
    ``category_chart`` turns this into rows for the ``bar_chart`` macro.
    """
    sums: dict[str, list[float]] = {}
    for r in cohort:
        for c in r.categories:
            if c.points > 0:
                sums.setdefault(c.id, []).append(c.score / c.points * 100)
    out: list[dict[str, Any]] = []
    for c in result.categories:
        if c.points <= 0:
            continue
        rate = c.score / c.points * 100
        values = sums.get(c.id, [])
        avg = sum(values) / len(values) if len(cohort) > 1 and values else None
        out.append(
            {
                "id": c.id,
                "name": c.name,
                "label": f"{c.id} {c.name}",
                "score": c.score,
                "points": c.points,
                "rate": rate,
                "average": avg,
                "gap": None if avg is None else rate - avg,
            }
        )
    return out


def category_chart(rates: list[dict[str, Any]], unit_word: str = "本单位") -> list[dict[str, Any]]:
    """Rows for ``m.bar_chart(..., max_value=100)``: the unit's rate, then the cohort average, per category."""
    items: list[dict[str, Any]] = []
    for x in rates:
        items.append({"label": f"{x['label']}({unit_word})", "value": round(x["rate"], 1)})
        if x["average"] is not None:
            items.append({"label": f"{x['label']}(参评平均)", "value": round(x["average"], 1)})
    return items
