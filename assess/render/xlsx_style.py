"""Shared openpyxl styling: fonts, borders, safe text (no formula injection)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
LOST_FILL = PatternFill("solid", fgColor="FCE4D6")
TOTAL_FILL = PatternFill("solid", fgColor="EDEDED")
FONT = Font(name="宋体", size=11)
BOLD = Font(name="宋体", size=11, bold=True)
TITLE = Font(name="黑体", size=16, bold=True)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    *,
    number_format: str | None = None,
    font: Font = FONT,
    fill: PatternFill | None = None,
    align: Alignment | None = None,
) -> Cell:
    """Write a cell; text is always stored as text, even when it starts with = + - @."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        if value.startswith(_FORMULA_START):
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value
    cell.font = font
    cell.border = BORDER
    cell.alignment = align or (RIGHT if isinstance(value, (int, float)) else WRAP)
    if number_format:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
    return cell


def header(ws: Worksheet, row: int, names: Sequence[str], widths: Sequence[float]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        put(ws, row, col, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions[get_column_letter(col)].width = width


def title(ws: Worksheet, text: str, ncols: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    cell = ws.cell(row=1, column=1, value=text)
    cell.font = TITLE
    cell.alignment = CENTER
    ws.row_dimensions[1].height = 30


def number_format(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def to_bytes(wb: Any) -> bytes:
    import io

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
