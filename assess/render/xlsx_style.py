"""Shared openpyxl styling: fonts, borders, safe text (no formula injection)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from copy import copy
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
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
# 公文 fonts for tables meant to be printed (整改台账, 报送表): 仿宋_GB2312 text, 黑体 headings.
# A cell names one font only; charset 134 (GB2312) makes Excel and WPS fall back to a Chinese
# face where 仿宋_GB2312 is not installed, and LibreOffice maps it through render.office.FONT_ALIASES.
GW_FONT = Font(name="仿宋_GB2312", size=11, charset=134)
GW_HEAD = Font(name="黑体", size=11, charset=134)
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
    """Write a cell; text is always stored as text, even when it starts with = + - @.

    openpyxl hashes every style object on every assignment, which made styling
    3,000 ranking rows take seconds; each combination is therefore styled once
    and its compact style array copied to the cells that share it.
    """
    cell = ws.cell(row=row, column=col)
    cell.value = value = cell_value(value)
    align = align or (RIGHT if isinstance(value, (int, float)) else WRAP)
    cache: dict[tuple[int, int, int, str | None], tuple[Any, ...]] = ws.__dict__.setdefault(
        "_assess_styles", {}
    )
    key = (id(font), id(fill), id(align), number_format)
    known = cache.get(key)
    if known is None:
        cell.font = font
        cell.border = BORDER
        cell.alignment = align
        if number_format:
            cell.number_format = number_format
        if fill is not None:
            cell.fill = fill
        # keep the style objects alive so their ids cannot be reused by others
        cache[key] = (copy(cell._style), font, fill, align)
    else:
        cell._style = copy(known[0])
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


MAX_CELL_TEXT = 32_767  # characters Excel keeps in one cell


def cell_value(value: Any) -> Any:
    """A value openpyxl can write and Excel can open: text without control characters (which
    openpyxl refuses and XML cannot hold) and within Excel's length; no NaN or infinity."""
    if isinstance(value, str):
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value if len(value) <= MAX_CELL_TEXT else value[: MAX_CELL_TEXT - 1] + "…"
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def header(ws: Worksheet, row: int, names: Sequence[str], widths: Sequence[float]) -> None:
    for col, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        put(ws, row, col, name, font=BOLD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions[get_column_letter(col)].width = width


def title(ws: Worksheet, text: str, ncols: int) -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    cell = ws.cell(row=1, column=1, value=cell_value(text))
    cell.font = TITLE
    cell.alignment = CENTER
    ws.row_dimensions[1].height = 30


def number_format(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def to_bytes(wb: Any, kind: str) -> bytes:
    """The workbook's bytes, marked as assess's ``kind`` of output (:mod:`assess.workbook.marker`)."""
    import io

    from assess.workbook.marker import mark

    mark(wb, kind)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
