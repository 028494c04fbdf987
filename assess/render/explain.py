"""``assess explain`` as screen text and as a document (得分差距分析).

The data is each unit's :class:`assess.analysis.advice.Explanation` and, with ``--set``, its
:class:`assess.analysis.whatif.WhatIf`; this module only shapes them for the screen and for
``templates/explain.html.j2``.

On a screen narrower than the tables (:mod:`assess.render.tables`), step by step:

一级指标得分率表:

1. “一级指标”折行到剩余宽度(至少 12 列);
2. 去掉“参评平均”列(“差(个百分点)”保留)。

假设情形表(``--set``):

1. “指标”名称折行到剩余宽度(至少 12 列);
2. 去掉“原得分”列;
3. 去掉“原值”列。

编码、指标、假设值、新得分始终保留。
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assess.render import fit
from assess.render.document import Document
from assess.render.tables import drop, fit_table, wrap

if TYPE_CHECKING:
    from assess.analysis.advice import Explanation
    from assess.analysis.rescore import Rescorer
    from assess.analysis.whatif import WhatIf
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult

RATE_HEADERS = ["一级指标", "得分率", "参评平均", "差(个百分点)"]
RATE_STEPS = (wrap(0, least=12), drop(2))
WHATIF_HEADERS = ["编码", "指标", "原值", "假设值", "原得分", "新得分"]
WHATIF_STEPS = (wrap(1, least=fit.NAME_NARROW), drop(4), drop(2))


def headline(plan: Plan, e: Explanation, r: UnitResult) -> str:
    # Ranked within the group when there is one; without groups among everyone ranked with it.
    scope = "组内" if r.group else ""
    place = f",{scope}第 {e.rank} 名(共 {e.group_size} 个)" if e.rank else ""
    group = e.group or ("未分组" if plan.group_names else "")
    return (
        f"{e.unit}{f'({group})' if group else ''}总分 {plan.round.text(e.total)} 分,等次“{e.grade or '—'}”{place};"
        f"各项可改进指标都得满分时总分最高 {plan.round.text(e.max_total)} 分。"
    )


def explanation_text(plan: Plan, rs: Rescorer, e: Explanation, w: WhatIf | None, limit: int = 0) -> str:
    """One unit on the screen: the gaps, the points to win (``limit`` of them, 0 for all), the
    category rates and the what-if; tables fitted to the screen in force (``fit.current()``)."""
    from assess.analysis.profile import category_rates, profile_sentence

    width = fit.current().width
    r = rs.results[rs.index_of(e.unit)]
    lines = [f"【{e.unit}】", headline(plan, e, r), f"等次:{e.grade_gap.text}", f"名次:{e.rank_gap.text}"]
    shown = e.suggestions[:limit] if limit else e.suggestions
    if shown:
        lines.append("可争取的分数(按可增分数从大到小):")
        for k, s in enumerate(shown, 1):
            lines.append(f"  {k:>2}. [{s.id}] {s.text}")
        if len(shown) < len(e.suggestions):
            lines.append(f"  …另有 {len(e.suggestions) - len(shown)} 项(去掉 --top 可全部列出)")
    else:
        lines.append("没有失分的指标。")
    for note in e.notes:
        lines.append(f"注:{note}")
    rates = category_rates(plan, r, rs.results)
    if rates:
        rows = [
            [
                x["label"],
                f"{x['rate']:.1f}%",
                "—" if x["average"] is None else f"{x['average']:.1f}%",
                "—" if x["gap"] is None else f"{x['gap']:+.1f}",
            ]
            for x in rates
        ]
        lines.append(fit_table(RATE_HEADERS, rows, RATE_STEPS, width))
    if len(rs.results) > 1:
        lines.append(profile_sentence(plan, r, rs.results))
    if w is not None:
        lines += whatif_lines(plan, w)
    return "\n".join(lines) + "\n"


def whatif_lines(plan: Plan, w: WhatIf) -> list[str]:
    """The what-if on the screen: its sentences and the indicators whose scores change."""
    lines = w.lines(plan)
    if w.rows:
        lines.append(fit_table(WHATIF_HEADERS, whatif_rows(plan, w), WHATIF_STEPS, fit.current().width))
    else:
        lines.append("指标得分没有变化。")
    if w.others:
        moved = "、".join(
            f"{o['unit']}({o['rank_before']}→{o['rank_after']})"
            for o in w.others
            if o["rank_before"] != o["rank_after"]
        )
        if moved:
            lines.append(f"名次随之变化的其他单位:{moved}")
    return lines


def whatif_rows(plan: Plan, w: WhatIf, *, document: bool = False) -> list[list[Any]]:
    """The what-if's indicators as table rows (``document``: the name aligned left)."""
    from assess.scoring.numbers import fmt_value

    return [
        [
            x["id"],
            {"text": x["name"], "align": "left"} if document else x["name"],
            fmt_value(x["value_before"], x["unit"]),
            fmt_value(x["value_after"], x["unit"]),
            plan.round.text(x["score_before"]),
            plan.round.text(x["score_after"]),
        ]
        for x in w.rows
    ]


def explain_document(
    plan: Plan,
    rs: Rescorer,
    explanations: list[Explanation],
    whatifs: list[WhatIf],
    report_date: str | None,
) -> Document:
    """The 得分差距分析 of the units explained (``templates/explain.html.j2``)."""
    from assess import __version__
    from assess.analysis.profile import category_chart, category_rates, profile_sentence
    from assess.scoring.numbers import fmt

    blocks = []
    by_unit = {w.unit: w for w in whatifs}
    for e in explanations:
        r: UnitResult = rs.results[rs.index_of(e.unit)]
        rows = [
            [
                s.id,
                s.name,
                _current(s, plan),
                _needed(s, plan),
                {"text": fmt(s.lost) if s.lost else "", "num": True},
                {"text": plan.round.text(s.gain), "num": True, "bold": s.gain > 0},
                {"text": s.text, "align": "left"},
            ]
            for s in e.suggestions
        ]
        w = by_unit.get(e.unit)
        what = None if w is None else {"lines": w.lines(plan), "rows": whatif_rows(plan, w, document=True)}
        rates = category_rates(plan, r, rs.results)
        blocks.append(
            {
                "unit": e.unit,
                "headline": headline(plan, e, r),
                "grade_gap": e.grade_gap.text,
                "rank_gap": e.rank_gap.text,
                "rows": rows,
                "notes": e.notes,
                "chart": category_chart(rates),
                "has_average": any(x["average"] is not None for x in rates),
                "profile": profile_sentence(plan, r, rs.results) if len(rs.results) > 1 else "",
                "what_if": what,
            }
        )
    title = (
        f"{explanations[0].unit}{plan.scheme.year} 年度考核得分差距分析"
        if len(explanations) == 1
        else f"{plan.scheme.year} 年度考核得分差距分析"
    )
    context = {
        "blocks": blocks,
        "intro": (
            f"按《{plan.scheme.title}》,对照同批参评的 {len(rs.results)} 个单位,逐项列出失分指标须达到的数值"
            "和可增加的总分(已考虑缺项折算、扣分上限、加分上限和一票否决)。"
        ),
        "provenance": f"由 assess {__version__} 生成;方案 {plan.scheme.id}(SHA-256 {plan.sha256[:16]}…)。",
    }
    return Document("explain.html.j2", context, title=title, issuer=None, date=report_date, landscape=True)


def _word(s: Any, plan: Plan, value: float | None) -> str | None:
    """A ladder's value as the word reported (its value is the word's share of the points)."""
    from assess.analysis.aims import level_word

    if s.rule != "ladder":
        return None
    ind = next((i for i in plan.indicators if i.id == s.id), None)
    return level_word(ind, value) if ind is not None else None


def _value(s: Any, plan: Plan, value: Any) -> str:
    """A suggestion's value as the table shows it: points, 是/否, a rating word, or a number."""
    from assess.scoring.numbers import fmt_value

    if s.kind == "bonus":
        return fmt_value(value, "分")
    if s.rule == "boolean":
        return "是" if value else "否"
    word = _word(s, plan, value)
    return word if word is not None else fmt_value(value, s.unit)


def _current(s: Any, plan: Plan) -> str:
    return _value(s, plan, s.current)


def _needed(s: Any, plan: Plan) -> str:
    text = _value(s, plan, s.needed)
    if s.strict and s.kind != "bonus" and s.rule != "boolean" and _word(s, plan, s.needed) is None:
        text += " 以下" if s.current is not None and s.needed < s.current else " 以上"
    return text


__all__ = ["explain_document", "explanation_text", "headline", "whatif_lines", "whatif_rows"]
