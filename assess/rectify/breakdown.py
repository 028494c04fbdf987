"""The ledger's 进度 sheet: figures by 问题来源 and 问题类别, per unit, measures and overdue items.

Rebuilt on every run like 汇总 (it holds figures only); its title is kept in
the hidden sheet, so a sheet of the clerk's own that happened to be called
进度 is never taken for it (the upgrade picks a free name).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.utils import get_column_letter

from assess.rectify.ledger import HISTORY_SHEET, LedgerBook, set_value
from assess.rectify.lifecycle import free_title
from assess.rectify.progress import Progress, Tally
from assess.render.xlsx_style import BOLD, BORDER, CENTER, FONT, HEAD_FILL, WRAP

TITLE = "整改进度(按问题来源、问题类别)"  # also how a rebuild knows the sheet is its own
FIGURES = ("问题总数", "已完成", "其中长期坚持", "整改中", "未开始", "逾期", "不涉及", "完成率(%)")


def _figures(t: Tally) -> list[Any]:
    return [t.total, t.done, t.long_term, t.in_progress, t.not_started, t.overdue, t.not_applicable, t.rate]


def write_progress_sheet(book: LedgerBook, progress: Progress) -> None:
    """Rebuild the 进度 sheet just before 变更记录."""
    wb = book.wb
    title = book.progress_sheet
    if title in wb.sheetnames:
        if wb[title].cell(1, 1).value == TITLE:
            wb.remove(wb[title])
        else:  # a sheet of the clerk's own took the name: theirs stays, ours gets another
            book.progress_sheet = title = free_title(wb, title)
    index = wb.sheetnames.index(HISTORY_SHEET) if HISTORY_SHEET in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(title, index)
    width = 2 + len(FIGURES)
    for c, w in enumerate([16, 22, *([10] * len(FIGURES))], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    set_value(ws.cell(1, 1), TITLE)
    ws.cell(1, 1).font = BOLD
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    day = progress.as_of
    set_value(
        ws.cell(2, 1),
        f"截至 {day.year}年{day.month}月{day.day}日。本表由 assess 每次运行时重新生成,请勿在此填写。",
    )
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    r = 4

    def head(names: list[str]) -> None:
        nonlocal r
        for c, name in enumerate(names, start=1):
            cell = ws.cell(r, c)
            set_value(cell, name)
            cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEAD_FILL, BORDER, CENTER
        r += 1

    def line(values: list[Any], bold: bool = False) -> None:
        nonlocal r
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            set_value(cell, "—" if value is None else value)
            cell.font = BOLD if bold else FONT
            cell.border = BORDER
            cell.alignment = WRAP if c <= 2 else CENTER
        r += 1

    def caption(text: str) -> None:
        nonlocal r
        set_value(ws.cell(r, 1), text)
        ws.cell(r, 1).font = BOLD
        r += 1

    caption("按问题来源")
    head(["问题来源", "", *FIGURES])
    for t in progress.sources:
        line([t.name, "", *_figures(t)])
    line(["合计", "", *_figures(progress.overall)], bold=True)
    r += 1
    for text, first, pairs in (
        ("按单位和问题来源", "问题来源", progress.unit_sources),
        ("按单位和问题类别", "问题类别", progress.unit_categories),
    ):
        caption(text)
        head(["单位名称", first, *FIGURES])
        for unit, t in pairs:
            line([unit, t.name, *_figures(t)])
        r += 1
    caption("按问题类别")
    head(["问题类别", "", *FIGURES])
    for t in progress.categories:
        line([t.name, "", *_figures(t)])
    r += 1
    caption("整改措施(按单位)")
    head(["单位名称", "", *FIGURES])
    for t in progress.unit_measures:
        line([t.name, "", *_figures(t)])
    line(["合计", "", *_figures(progress.measures)], bold=True)
    r += 1
    caption("逾期未完成的问题(按单位)")
    head(["单位名称", "编号", "问题描述", "整改时限", "整改状态"])
    for group in progress.overdue_by_unit():
        for item in group["items"]:
            deadline = dt.date.fromisoformat(item["deadline"]) if item["deadline"] else None
            line([group["unit"], item["id"], item["description"], deadline, item["status"]])
    ws.freeze_panes = "A4"


__all__ = ["write_progress_sheet"]
