"""The score sheet as a styled workbook, lost points highlighted.

Numbers are numeric cells with number formats (the measured value keeps its
unit in the format: ``64.30%``, ``1,234.50 万元``), so Excel can sum and sort
them; the print setup is :func:`assess.render.xlsx_print.fit_print`'s."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from openpyxl import Workbook

from assess.render.scoresheet import composition_lines, composition_sum, source_text, value_text
from assess.render.xlsx_print import fit_print
from assess.render.xlsx_style import BOLD, LOST_FILL, TOTAL_FILL, header, number_format, put, title, to_bytes
from assess.scoring.history import trend_line
from assess.scoring.numbers import fmt, fmt_value
from assess.scoring.result import OUTSIDE
from assess.workbook.marker import SCORESHEET

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.result import IndicatorResult, UnitResult


def score_sheet_xlsx(plan: Plan, r: UnitResult) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "得分表"
    cols = ["一级指标", "编码", "二级指标", "分值", "实际值", "得分", "失分", "计分依据", "取值来源"]
    title(ws, f"{r.unit}{plan.scheme.year} 年度乡村振兴实绩考核得分表", len(cols))
    widths = [18, 7, 30, 7, 12, 8, 8, 60, 50]
    header(ws, 2, cols, widths)
    numfmt = number_format(plan.scheme.rounding.decimals)
    row = 3
    cats = {c.id: c for c in r.categories}
    for cat in plan.scheme.categories:
        c = cats[cat.id]
        if plan.sets and not c.points:  # a category the unit's group is not assessed on (分类考核)
            continue
        for ind in (
            i for i in r.indicators if i.category == cat.id and i.rule != "sum" and i.status != OUTSIDE
        ):
            fill = LOST_FILL if ind.lost > 0 else None
            put(ws, row, 1, cat.name)
            put(ws, row, 2, ind.id)
            put(ws, row, 3, ind.name)
            put(ws, row, 4, ind.points, number_format=numfmt)
            measured, shown_as = _measured(ind)
            put(ws, row, 5, measured, number_format=shown_as)
            put(ws, row, 6, ind.score if ind.score is not None else "—", number_format=numfmt, fill=fill)
            put(ws, row, 7, ind.lost or None, number_format=numfmt, fill=fill)
            put(ws, row, 8, ind.basis)
            put(ws, row, 9, source_text(ind))
            row += 1
        for col, value in enumerate(
            [cat.name, "", "小计", c.points, "", c.score, c.points - c.score or None, "", ""], start=1
        ):
            put(ws, row, col, value, font=BOLD, fill=TOTAL_FILL, number_format=numfmt)
        row += 1
    for part in composition_lines(plan, r):
        put(ws, row, 1, "加权合成")
        put(ws, row, 2, part.id)
        put(ws, row, 3, f"{part.name}(权重 {part.weight})")
        put(ws, row, 4, part.points, number_format=numfmt)
        put(ws, row, 5, f"{part.score}(满分 {fmt(part.scale)})")
        put(ws, row, 6, part.weighted, number_format=numfmt)
        put(ws, row, 8, part.basis)
        row += 1
    lines: list[tuple[str, float | None, str]] = [("基本得分", r.base_total, composition_sum(plan, r))]
    lines += [(f"{plan.bonus_word}:" + b.name, b.score, b.basis) for b in r.bonus if b.score]
    lines += [("扣分:" + p.name, -abs(p.score), p.basis) for p in r.penalties]
    lines += [("一票否决:" + v.name, None, v.basis) for v in r.vetoes]
    lines += [("总分", r.total, f"等次:{r.grade or '—'}" + (f";组内第 {r.rank} 名" if r.rank else ""))]
    for name, value, basis in lines:
        put(ws, row, 1, name, font=BOLD)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        put(ws, row, 6, value if value is not None else "—", number_format=numfmt, font=BOLD)
        put(ws, row, 8, basis)
        row += 1
    trend = trend_line(plan, (r.previous or {}).get("history"))
    for line in [trend] if trend else []:  # 历年得分, with --previous
        put(ws, row, 1, line)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
        row += 1
    for line in r.grade_basis:
        put(ws, row, 1, line)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
        row += 1
    ws.freeze_panes = "D3"
    fit_print(ws, header_row=2, widths=widths)
    return to_bytes(wb, SCORESHEET)


def _measured(ind: IndicatorResult) -> tuple[float | str, str | None]:
    """The 实际值 cell: a number with its unit in the number format, or the word shown
    (是/否, a ladder's word, 未填报, 不适用)."""
    text = value_text(ind)
    value = ind.value
    if (
        value is None
        or isinstance(value, bool)
        or not math.isfinite(value)
        or ind.rule == "boolean"
        or text != fmt_value(value, ind.unit)
    ):
        return text, None
    if ind.unit == "%":
        return value, '0.00"%"'
    digits = "#,##0" if float(value).is_integer() else "#,##0.00"
    unit = (ind.unit or "").replace('"', "")
    return value, f'{digits}" {unit}"' if unit else digits
