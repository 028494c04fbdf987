"""One unit's score sheet as Word-ready HTML, a .doc (MHT) package, or a workbook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess import __version__
from assess.render.document import Document
from assess.scoring.numbers import fmt, fmt_grouped, fmt_value
from assess.scoring.result import OUTSIDE

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import IndicatorResult, UnitResult


def value_text(ind: IndicatorResult) -> str:
    if not ind.applicable and ind.status == "na":
        return "不适用"
    if ind.value is None:
        return "未填报" if ind.status == "missing" else ("有误" if ind.status == "error" else "—")
    if ind.rule == "boolean":
        return "是" if ind.value else "否"
    if ind.rule == "ladder" and ind.basis.startswith("“"):
        # the value of a ladder is the word's share; the sheet shows the word reported, which
        # the basis leads with (engine._rated)
        return ind.basis[1 : ind.basis.find("”")]
    return fmt_value(ind.value, ind.unit)


def source_text(ind: IndicatorResult) -> str:
    if ind.inputs:
        parts = [
            f"{i['name']} = {fmt_grouped(i['value']) if isinstance(i['value'], (int, float)) else '缺'}"
            + (f"({i['source']})" if i.get("source") else "")
            for i in ind.inputs
        ]
        return f"{ind.source};" + ",".join(parts)
    return ind.source or "—"


@dataclass(frozen=True, slots=True)
class PartLine:
    """One ``composition`` part on the score sheet (all texts as printed)."""

    id: str
    name: str
    weight: str  # 30%
    points: float  # the most it gives: weight × full score
    score: str  # its score on its own scale, e.g. 90.00
    scale: float
    weighted: float | None  # its points in the total
    basis: str  # where its score comes from and how it is weighted


def composition_lines(plan: Plan, r: UnitResult) -> list[PartLine]:
    """Each part of a composed total with its score, scale, weight and weighted points ([] without
    ``composition``); ``composition_sum`` says how they make the base score."""
    s = plan.scheme
    rnd = plan.round
    full = s.full_score
    got = {p["id"]: p for p in r.parts}
    out: list[PartLine] = []
    for part in s.composition:
        p = got.get(part.id, {})
        score = p.get("score")
        weighted = p.get("weighted")
        pct = f"{fmt(part.weight * 100)}%"
        if score is None:
            figure = f"未填报,按 0 计,得 {rnd.text(weighted or 0.0)} 分"
        elif part.scale == full:
            figure = f"{rnd.text(score)} × {pct} = {rnd.text(weighted)}"
        else:
            figure = f"{rnd.text(score)} ÷ {fmt(part.scale)} × {fmt(full)} × {pct} = {rnd.text(weighted)}"
        if part.source == "categories":
            before = rnd((score or 0.0) / part.scale * full)
            origin = f"上列各一级指标得出 {rnd.text(before)} 分(满分 {fmt(full)} 分"
            inner = _inner_note(plan, r, before)
            origin += f",{inner})" if inner else ")"
            if part.scale != full:
                origin += f",折合 {rnd.text(score)} 分(满分 {fmt(part.scale)} 分)"
        else:
            key = part.field or part.id
            field = plan.fields.get(plan.name_aliases.get(key, key))
            origin = f"取自“{field.name if field is not None else key}”"
        out.append(
            PartLine(
                part.id,
                part.name,
                pct,
                round(part.weight * full, 9),
                rnd.text(score) if score is not None else "未填报",
                part.scale,
                weighted,
                f"{origin};{figure}",
            )
        )
    return out


def composition_sum(plan: Plan, r: UnitResult) -> str:
    """How the parts' weighted points make the base score, e.g. 日常考核 27.00 + 年终考核 56.00 = 83.00."""
    rnd = plan.round
    lines = composition_lines(plan, r)
    if not lines:
        return ""
    text = (
        " + ".join(f"{p.name} {rnd.text(p.weighted or 0.0)}" for p in lines) + f" = {rnd.text(r.base_total)}"
    )
    if rnd.sum([p.weighted or 0.0 for p in lines]) != r.base_total:
        text += "(各部分按未舍入的加权分相加后舍入)"
    return text


def _inner_note(plan: Plan, r: UnitResult, before: float) -> str:
    """Why the categories' base differs from the sum of their scores ("" when it does not)."""
    full = plan.scheme.full_score
    if before == plan.round.sum([c.score for c in r.categories]):
        return ""
    if r.applicable_points < full:
        return f"适用满分 {fmt(r.applicable_points)} 分,按 得分 ÷ 适用满分 × {fmt(full)} 折算"
    return "按一级指标权重合成"


def sheet_rows(plan: Plan, r: UnitResult) -> list[Any]:
    """Rows of the score table: categories spanning their indicators, then totals."""
    rnd = plan.round
    rows: list[Any] = []
    cats = {c.id: c for c in r.categories}
    for cat in plan.scheme.categories:
        members = [
            i for i in r.indicators if i.category == cat.id and i.rule != "sum" and i.status != OUTSIDE
        ]
        c = cats[cat.id]
        if not members:  # a category the unit's group is not assessed on (分类考核)
            continue
        for k, ind in enumerate(members):
            row: list[Any] = []
            if k == 0:
                row.append(
                    {
                        "text": f"{cat.id}. {cat.name}({fmt(c.points)} 分)",
                        "rowspan": len(members) + 1,
                        "align": "left",
                    }
                )
            lost = ind.lost > 0
            row += [
                {"text": f"{ind.id} {ind.name}", "align": "left"},
                {"text": fmt(ind.points), "num": True},
                {"text": value_text(ind), "num": ind.value is not None},
                {"text": rnd.text(ind.score) if ind.score is not None else "—", "num": True, "bold": lost},
                {"text": rnd.text(ind.lost) if lost else "", "num": True, "bold": lost},
                {"text": ind.basis, "align": "left"},
            ]
            rows.append(row)
        rows.append(
            {
                "cells": [
                    {"text": "小计", "align": "center"},
                    {"text": fmt(c.points), "num": True},
                    "",
                    {"text": rnd.text(c.score), "num": True},
                    {
                        "text": fmt(max(0.0, c.points - c.score)) if c.score < c.points else "",
                        "num": True,
                    },
                    {"text": _subtotal_note(plan, c), "align": "left"},
                ],
                "shade": True,
            }
        )
    full = plan.scheme.full_score
    note = ""
    parts = composition_lines(plan, r)
    for k, part in enumerate(parts):
        row = []
        if k == 0:
            row.append({"text": f"加权合成({fmt(full)} 分)", "rowspan": len(parts), "align": "left"})
        row += [
            {"text": f"{part.name}(权重 {part.weight})", "align": "left"},
            {"text": fmt(part.points), "num": True},
            {"text": f"{part.score}(满分 {fmt(part.scale)})", "num": True},
            {"text": rnd.text(part.weighted), "num": True},
            "",
            {"text": part.basis, "align": "left"},
        ]
        rows.append(row)
    if parts:
        note = composition_sum(plan, r)
    elif r.base_total != sum(c.score for c in r.categories):
        note = (
            f"适用满分 {fmt(r.applicable_points)} 分,按 得分 ÷ 适用满分 × {fmt(full)} 折算"
            if r.applicable_points < full
            else "按权重合成"
        )
    rows.append(
        {
            "cells": [
                {"text": "基本得分", "colspan": 2},
                {"text": fmt(full), "num": True},
                "",
                {"text": rnd.text(r.base_total), "num": True},
                "",
                {"text": note, "align": "left"},
            ],
            "bold": True,
        }
    )
    for b in r.bonus:
        if b.score:
            rows.append(
                _adjustment_row(
                    plan.scheme.bonus.name if plan.scheme.bonus else "加分项",
                    b.value,
                    f"+{rnd.text(b.score)}",
                    f"{b.name}:{b.basis}",
                )
            )
    for p in r.penalties:
        rows.append(_adjustment_row("扣分项", p.value, f"-{rnd.text(abs(p.score))}", f"{p.name}:{p.basis}"))
    for v in r.vetoes:
        rows.append(
            [{"text": "一票否决", "colspan": 2}, "", "是", "", "", {"text": v.basis, "align": "left"}]
        )
    rows.append(
        {
            "cells": [
                {"text": "总分", "colspan": 2},
                "",
                "",
                {"text": rnd.text(r.total), "num": True},
                "",
                {
                    "text": f"等次:{r.grade or '—'}" + (f";组内第 {r.rank} 名" if r.rank else ""),
                    "align": "left",
                },
            ],
            "bold": True,
            "shade": True,
        }
    )
    return rows


def _place(loc: dict[str, Any]) -> str:
    """Where in the unit's own file: ``指标数据!D20`` (the file is named in the note)."""
    if loc.get("sheet") and loc.get("cell"):
        return f"{loc['sheet']}!{loc['cell']}"
    if loc.get("sheet"):
        return str(loc["sheet"]) + (f" 第 {loc['row']} 行" if loc.get("row") else "")
    return Path(str(loc.get("file", ""))).name


def _adjustment_row(label: str, value: float | None, score: str, note: str) -> list[Any]:
    """A bonus or penalty line: the label across the id and name columns, then value, signed score, basis."""
    return [
        {"text": label, "colspan": 2},
        "",
        value_text_adj(value),
        {"text": score, "num": True},
        "",
        {"text": note, "align": "left"},
    ]


def value_text_adj(value: float | None) -> str:
    return "—" if value is None else fmt(value)


def _subtotal_note(plan: Plan, c: Any) -> str:
    if c.applicable_points < c.points:
        return f"适用满分 {fmt(c.applicable_points)} 分"
    return ""


def sheet_context(plan: Plan, r: UnitResult, cohort: list[UnitResult] | None) -> dict[str, Any]:
    from assess.analysis.profile import category_chart, category_rates, profile_sentence
    from assess.levels import units_title
    from assess.scoring.history import trend_line

    lost = [i for i in r.indicators if i.lost > 0 and i.rule != "sum"]
    shares = "、".join(f"{p.name} {plan.round.text(p.weighted)} 分" for p in composition_lines(plan, r))
    summary = (
        f"{r.unit}({r.group_name or '未分组'})按《{plan.scheme.title}》评分,总分 {plan.round.text(r.total)} 分"
        f"(基本得分 {plan.round.text(r.base_total)} 分{f',其中{shares};' if shares else ','}"
        f"{plan.bonus_word} {plan.round.text(r.bonus_total)} 分,"
        f"扣分 {plan.round.text(r.penalty_total)} 分),等次为“{r.grade or '—'}”{'(暂定)' if r.provisional else ''}。"
        f"共 {len(lost)} 项指标失分,合计失分 {fmt(sum(i.lost for i in lost))} 分。"
    )
    incomplete = ""
    if r.incomplete:
        incomplete = (
            f"指标 {'、'.join(r.incomplete)} 须与其他单位一并评分(按排名、相对值或极差法计分),"
            "单独评分时未计入总分。"
        )
    return {
        "summary": summary,
        "trend": trend_line(plan, (r.previous or {}).get("history")),  # 历年得分, with --previous
        "headers": ["一级指标", "二级指标", "分值", "实际值", "得分", "失分", "计分依据"],
        "rows": sheet_rows(plan, r),
        "grade_basis": r.grade_basis,
        "profile": profile_sentence(plan, r, cohort) if cohort and len(cohort) > 1 else "",
        "profile_heading": f"与参评{units_title(plan) or '单位'}比较",  # 与参评乡镇比较
        "category_chart": category_chart(category_rates(plan, r, cohort))
        if cohort and len(cohort) > 1
        else [],
        "incomplete": incomplete,
        "findings": [[_place(f.get("location", {})), f["message"]] for f in r.findings],
        "sources": [
            [i.id, i.name, source_text(i)] for i in r.indicators if i.rule != "sum" and i.status != OUTSIDE
        ],
        "provenance": f"由 assess {__version__} 生成;方案 {plan.scheme.id}(SHA-256 {plan.sha256[:16]}…);数据文件 {Path(r.file).name}。",
    }


def score_sheet_document(
    plan: Plan,
    r: UnitResult,
    *,
    report_date: str | None,
    cohort: list[UnitResult] | None = None,
    issuer: str | None = None,
) -> Document:
    title = f"{r.unit}{plan.scheme.year} 年度乡村振兴实绩考核得分表"
    context = sheet_context(plan, r, cohort)
    return Document(
        "scoresheet.html.j2", context, title=title, issuer=issuer, date=report_date, landscape=True
    )


def render_score_sheet(
    plan: Plan,
    r: UnitResult,
    fmt_name: str,
    *,
    report_date: str | None,
    cohort: list[UnitResult] | None = None,
    issuer: str | None = None,
) -> bytes | str:
    """The file's content for ``fmt_name`` (xlsx, or a document format: :mod:`assess.render.document`)."""
    if fmt_name == "xlsx":
        from assess.render.scoresheet_xlsx import score_sheet_xlsx

        return score_sheet_xlsx(plan, r)
    return score_sheet_document(plan, r, report_date=report_date, cohort=cohort, issuer=issuer).content(
        fmt_name
    )
