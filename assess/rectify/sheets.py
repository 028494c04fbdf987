"""The ledger's own sheets and the look of new rows: what the ledger is, not how it reports.

Data sheets get a header, widths, a frozen header row, a filter and the
整改状态 drop-down when they are created; rows added later get borders and
wrapping like the ones before; the 变更记录 sheet is only ever appended to.
These are the sheets assess reads back, so they stay with the ledger's model.
The sheets that only show figures (汇总, 进度) and the ledger's print setup are
documents, built in :mod:`assess.render.ledger_sheets`.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assess.rectify.ledger import (
    DATE_FORMAT,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    RESERVED,
    SUMMARY_SHEET,
    DataSheet,
    LedgerBook,
    set_value,
)
from assess.rectify.model import (
    C_DEADLINE,
    C_DONE_DATE,
    C_ID,
    C_LOST,
    C_STATUS,
    C_UNIT,
    COLUMNS,
    DEADLINE_WORDS,
    STATUSES,
)
from assess.render.xlsx_print import column_width, status_validation
from assess.render.xlsx_style import BORDER, CENTER, FONT, GW_FONT, GW_HEAD, HEAD_FILL, RIGHT, WRAP

WIDTHS = {  # characters; about 260 in all, so that A3 landscape prints at about 75 %
    "编号": 22,  # 2024-督查-浏阳市-003 on one line
    "单位名称": 10,
    "问题来源": 10,
    "问题类别": 10,
    "问题描述": 34,
    "关联指标": 14,
    "失分": 7,
    "责任单位": 12,
    "责任人": 9,
    "整改措施": 30,
    "整改时限": 12,
    "整改状态": 10,
    "完成日期": 12,
    "佐证材料": 16,
    "备注": 12,
    "核对情况": 12,
    "认定单位": 12,
    "认定日期": 12,
    "不涉及理由": 14,
}
_SHEET_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _sheet_name(book: LedgerBook, wanted: str) -> str:
    base = (wanted.translate(_SHEET_BAD).strip("'") or "台账")[:31]
    taken = {n.casefold() for n in book.wb.sheetnames} | {n.casefold() for n in RESERVED}
    name, n = base, 2
    while name.casefold() in taken:
        tail = f"({n})"
        name = base[: 31 - len(tail)] + tail
        n += 1
    return name


def head_row(ws: Any, row: int, names: list[str] | tuple[str, ...], widths: list[float]) -> None:
    """A header row in the ledger's look (黑体 on grey, bordered), with its columns' widths."""
    for c, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = ws.cell(row=row, column=c)
        set_value(cell, name)
        cell.font, cell.fill, cell.border, cell.alignment = (
            GW_HEAD,
            HEAD_FILL,
            BORDER,
            CENTER,
        )
        ws.column_dimensions[get_column_letter(c)].width = width


def new_data_sheet(book: LedgerBook, name: str) -> DataSheet:
    """A data sheet with the standard columns, placed after the existing data sheets."""
    title = _sheet_name(book, name)
    index = len(book.sheets) + (1 if SUMMARY_SHEET in book.wb.sheetnames else 0)
    ws = book.wb.create_sheet(title, index)
    head_row(ws, 1, COLUMNS, [column_width(c, WIDTHS) for c in COLUMNS])
    ws.freeze_panes = freeze_at({c: i for i, c in enumerate(COLUMNS, start=1)}, 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}1"
    status_validation(ws, COLUMNS.index(C_STATUS) + 1, 2, STATUSES, allow_blank=False)
    deadline_col = get_column_letter(COLUMNS.index(C_DEADLINE) + 1)
    hint = DataValidation(
        type="custom",
        formula1=f'OR(ISNUMBER({deadline_col}2),{deadline_col}2="{DEADLINE_WORDS[0]}",'
        f'{deadline_col}2="{DEADLINE_WORDS[1]}")',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="整改时限",
        error="整改时限应为日期(如 2025-06-30),或“立行立改”“长期坚持”",
    )
    hint.add(f"{deadline_col}2:{deadline_col}1048576")
    ws.add_data_validation(hint)
    sheet = DataSheet(ws, 1, {c: i for i, c in enumerate(COLUMNS, start=1)}, 1)
    book.sheets.append(sheet)
    return sheet


def freeze_at(columns: dict[str, int], header_row: int) -> str:
    """Below the header and right of 编号 and 单位名称 when they lead the sheet, else of 编号."""
    ident, unit = columns.get(C_ID, 1), columns.get(C_UNIT)
    keep = max(ident, unit) if unit is not None and {ident, unit} == {1, 2} else ident if ident == 1 else 0
    return f"{get_column_letter(keep + 1)}{header_row + 1}"


def style_new_row(sheet: DataSheet, r: int) -> None:
    """Borders, alignment and formats by column; the font of the row above (a person's choice
    kept), or 仿宋 in a new sheet."""
    ws = sheet.ws
    for column, c in sheet.columns.items():
        cell = ws.cell(row=r, column=c)
        above = ws.cell(row=r - 1, column=c) if r - 1 > sheet.header_row else None
        cell.font = copy(above.font) if above is not None and above.has_style else GW_FONT
        cell.border = BORDER
        if column in (C_ID, C_STATUS, C_DEADLINE, C_DONE_DATE):
            cell.alignment = CENTER
        elif column == C_LOST:
            cell.alignment = RIGHT
            cell.number_format = "0.00"
        else:
            cell.alignment = WRAP
        if column in (C_DEADLINE, C_DONE_DATE):
            cell.number_format = DATE_FORMAT


def new_history_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(HISTORY_SHEET)
    head_row(ws, 1, HISTORY_COLUMNS, [12, 13, 12, 40, 40])
    ws.freeze_panes = "A2"


def add_history(book: LedgerBook, when: dt.date, ident: str, column: str, old: Any, new: Any) -> None:
    """Append one line to 变更记录 (created again if a person deleted it)."""
    if HISTORY_SHEET not in book.wb.sheetnames:
        new_history_sheet(book.wb)
        book.history_next = 2
    ws = book.wb[HISTORY_SHEET]
    r = book.history_next
    for c, value in enumerate((when, ident, column, _plain(old), _plain(new)), start=1):
        cell = ws.cell(row=r, column=c)
        set_value(cell, value)
        cell.font, cell.border = FONT, BORDER
        cell.alignment = CENTER if c <= 3 else WRAP
    book.history_next += 1


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    return "" if value is None else value


__all__ = [
    "WIDTHS",
    "add_history",
    "freeze_at",
    "head_row",
    "new_data_sheet",
    "new_history_sheet",
    "style_new_row",
]
