"""The ledger's figure sheets (汇总, 进度) and its print setup: the ledger as a document.

A ledger is both data that people edit and assess reads back
(:mod:`assess.rectify.ledger`, :mod:`assess.rectify.sheets`) and a document
that is printed and sent.  What is only ever shown lives here, with the other
document builders: the 汇总 and 进度 sheets are rebuilt from the progress
figures on every run and never read back (they hold figures only; 进度 is
recognised by its title cell, so a clerk's own sheet of that name is never
removed), and :func:`print_layout` lays the ledger's sheets out for printing
once, leaving a sheet whose printing a person set up as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from assess.rectify.ledger import HISTORY_SHEET, SUMMARY_SHEET, LedgerBook, set_value
from assess.rectify.lifecycle import free_title
from assess.rectify.progress import Progress, Tally
from assess.rectify.sheets import freeze_at, head_row
from assess.render.xlsx_print import fit_rows, has_print_setup, set_print, sheet_widths
from assess.render.xlsx_style import BOLD, BORDER, CENTER, FONT, HEAD_FILL, WRAP


def print_layout(book: LedgerBook, heading: str) -> None:
    """Printing set up (:mod:`assess.render.xlsx_print`) on the ledger's sheets that have none:
    new sheets, and the sheets of a ledger made before; a sheet whose printing a person set up
    is left alone.  Rows are made tall enough for their text on every save (never lower)."""
    for sheet in book.sheets:
        ws = sheet.ws
        fit_rows(ws, sheet.header_row + 1, sheet.last_row, sorted(sheet.columns.values()))
        if has_print_setup(ws):
            continue
        if ws.freeze_panes in (None, f"B{sheet.header_row + 1}"):  # the old default: 编号 only
            ws.freeze_panes = freeze_at(sheet.columns, sheet.header_row)
        widths = sheet_widths(ws, max(sheet.columns.values(), default=1))
        own = sheet.title if book.layout == "per-unit" else ""  # a unit's own sheet: its name first
        set_print(ws, header_row=sheet.header_row, widths=widths, heading=own + heading)
    # The other sheets assess keeps (their titles as this ledger has them): (title, header row, landscape).
    others = [
        (SUMMARY_SHEET, None, False),
        (getattr(book, "measures_sheet", None), 1, True),
        (getattr(book, "progress_sheet", None), None, False),
        (HISTORY_SHEET, 1, False),
    ]
    for name, header_row, landscape in others:
        if name and name in book.wb.sheetnames and not has_print_setup(book.wb[name]):
            set_print(book.wb[name], header_row=header_row, landscape=landscape)


SUMMARY_HEAD = (
    "序号",
    "名称",
    "问题总数",
    "已完成",
    "整改中",
    "未开始",
    "逾期",
    "完成率(%)",
)


def write_summary(book: LedgerBook, progress: Progress, title: str) -> None:
    """Rebuild the 汇总 sheet as the first sheet: by unit, by department, and the sentence."""
    wb = book.wb
    if SUMMARY_SHEET in wb.sheetnames:
        wb.remove(wb[SUMMARY_SHEET])
    ws = wb.create_sheet(SUMMARY_SHEET, 0)
    ncols = len(SUMMARY_HEAD)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    set_value(ws.cell(1, 1), title)
    ws.cell(1, 1).font = BOLD
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 28
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    set_value(
        ws.cell(2, 1),
        f"截至 {progress.as_of.year}年{progress.as_of.month}月{progress.as_of.day}日,"
        f"{progress.overall.sentence()}。本表由 assess 每次运行时重新生成,请勿在此填写。",
    )
    ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = 36
    r = 4
    for caption, first, tallies in (
        ("按单位", "单位名称", progress.units),
        ("按责任单位", "责任单位", progress.departments),
    ):
        set_value(ws.cell(r, 1), caption)
        ws.cell(r, 1).font = BOLD
        r += 1
        head = list(SUMMARY_HEAD)
        head[1] = first
        head_row(ws, r, head, [6, 22, 10, 10, 10, 10, 10, 12])
        r += 1
        for i, t in enumerate([*tallies, progress.overall], start=1):
            last = i == len(tallies) + 1
            values: list[Any] = [
                "" if last else i,
                t.name,
                t.total,
                t.done,
                t.in_progress,
                t.not_started,
                t.overdue,
                t.rate,
            ]
            for c, value in enumerate(values, start=1):
                cell = ws.cell(r, c)
                set_value(cell, "—" if value is None else value)
                cell.font = BOLD if last else FONT
                cell.border = BORDER
                cell.alignment = WRAP if c == 2 else CENTER
                if c == ncols:
                    cell.number_format = "0.0"
            r += 1
        r += 1
    ws.freeze_panes = "A4"


# ---- 进度 ---------------------------------------------------------------------

PROGRESS_TITLE = "整改进度(按问题来源、问题类别)"  # also how a rebuild knows the sheet is its own
FIGURES = ("问题总数", "已完成", "其中长期坚持", "整改中", "未开始", "逾期", "不涉及", "完成率(%)")


def _figures(t: Tally) -> list[Any]:
    return [t.total, t.done, t.long_term, t.in_progress, t.not_started, t.overdue, t.not_applicable, t.rate]


def write_progress_sheet(book: LedgerBook, progress: Progress) -> None:
    """Rebuild the 进度 sheet just before 变更记录."""
    wb = book.wb
    title = book.progress_sheet
    if title in wb.sheetnames:
        if wb[title].cell(1, 1).value == PROGRESS_TITLE:
            wb.remove(wb[title])
        else:  # a sheet of the clerk's own took the name: theirs stays, ours gets another
            book.progress_sheet = title = free_title(wb, title)
    index = wb.sheetnames.index(HISTORY_SHEET) if HISTORY_SHEET in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(title, index)
    width = 2 + len(FIGURES)
    for c, w in enumerate([16, 22, *([10] * len(FIGURES))], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    set_value(ws.cell(1, 1), PROGRESS_TITLE)
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


__all__ = ["print_layout", "write_progress_sheet", "write_summary"]
