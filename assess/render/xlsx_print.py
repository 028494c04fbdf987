"""How assess's printable workbooks print: as an office prints a 台账.

Without a page setup Excel, WPS and LibreOffice print a ledger of 16 and more
columns portrait at 100 %, the columns cut across pages: a ledger of 140
problems came out as dozens of pages no one could read in order.  A sheet laid
out here prints landscape, on A4 or (when its columns are too wide to be read
on A4) A3, one page wide and as many pages tall as needed, with the header row
on every page, the title at the top and "第 X 页 共 Y 页" at the bottom.

This is the print layer of every xlsx document assess writes (the ranking,
指标统计 and score sheet through :func:`fit_print`; the ledger's sheets through
:func:`set_print`), so it lives in ``render/`` beside :mod:`xlsx_style` and
knows nothing of the ledger's data: the callers pass columns, widths and the
status words.  A ledger's data sheets get this layout once: when assess creates
them, or the first time it saves a ledger made before this layout existed
(:func:`assess.render.ledger_sheets.print_layout`).  A sheet whose printing
someone has already set up (orientation, fit to page or print titles) is left
as that person set it.  :func:`table_workbook` writes a whole workbook in the
same layout (the per-unit copies of the ledger and the reports to a higher
office), with a title row, which a ledger cannot have (see docs/rectify.md: its
header stays in row 1 so that people's edits and assess's reading agree).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from assess.render.xlsx_style import (
    CENTER,
    GW_FONT,
    GW_HEAD,
    HEAD_FILL,
    RIGHT,
    WRAP,
    cell_value,
    put,
    title,
    to_bytes,
)

# How dates show in every workbook assess writes, the ledger included (rectify.ledger uses it).
DATE_FORMAT = "yyyy-mm-dd"
PAPER_A4 = 9  # the paperSize codes of SpreadsheetML
PAPER_A3 = 8
PAPERS = {"A4": PAPER_A4, "A3": PAPER_A3}
PAGE_FOOTER = "第 &P 页 共 &N 页"
# Page margins in inches (the unit of SpreadsheetML): narrow sides, room for header and footer.
_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}
# Below this scale a table fitted to the width of landscape A4 is too small to read (11 pt → 7.7 pt).
MIN_A4_SCALE = 0.7
DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
_SHEET_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))  # what a sheet's name cannot hold

# Column widths (characters) by the kind of column; named columns first, then by what the name says.
_DATE_WORDS = ("日期", "时限", "时间")
_LONG_WORDS = ("描述", "措施", "情况", "理由", "材料", "意见", "进展", "问题", "要求", "说明", "备注")
_NARROW = {"序号": 6, "失分": 6, "扣分": 6}


def column_width(name: str, table: Mapping[str, float] | None = None) -> float:
    """The width of column ``name``: from ``table`` when it has it, else by the kind of column.

    Dates get 12 characters, enough for ``2025-06-30`` in 仿宋 11 pt, so they never wrap.
    """
    if table and name in table:
        return float(table[name])
    if name in _NARROW:
        return _NARROW[name]
    if name.endswith(_DATE_WORDS):
        return 12
    if name.endswith("状态"):
        return 10
    if any(word in name for word in _LONG_WORDS):
        return 30
    return 12


def column_kind(name: str) -> str:
    """How a column's cells are aligned and formatted: ``date``, ``number``, ``center`` or ``text``."""
    if name.endswith(_DATE_WORDS):
        return "date"
    if name in _NARROW and name != "序号":
        return "number"
    if name in ("序号", "编号") or name.endswith(("状态", "单位名称")):
        return "center"
    return "text"


def width_mm(widths: Sequence[float]) -> float:
    """Printed width of columns ``widths`` (characters) at 100 %: Excel's 7 + 5 pixels at 96 dpi."""
    return sum(7 * w + 5 for w in widths) * 25.4 / 96


def paper_for(widths: Sequence[float]) -> int:
    """A4 when the columns fit landscape A4 at no less than MIN_A4_SCALE, else A3."""
    usable = 297 - (_MARGINS["left"] + _MARGINS["right"]) * 25.4
    return PAPER_A4 if width_mm(widths) * MIN_A4_SCALE <= usable else PAPER_A3


def sheet_widths(ws: Worksheet, columns: int | None = None) -> list[float]:
    """The widths of a sheet's visible columns (the first ``columns``, else all that hold anything)."""
    last = columns or ws.max_column or 1
    return [_width(ws, c) for c in range(1, last + 1) if not _hidden(ws, c)]


def _width(ws: Worksheet, column: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(column))
    return float(dim.width) if dim is not None and dim.width else DEFAULT_WIDTH


def _hidden(ws: Worksheet, column: int) -> bool:
    dim = ws.column_dimensions.get(get_column_letter(column))
    return bool(dim is not None and dim.hidden)


# Row heights: neither LibreOffice nor Excel makes a row written by openpyxl tall enough for its
# wrapped text when it opens the file, so a printed ledger had its lines drawn over each other.
LINE_PT = 14.5  # one line of 11 pt text
_PAD_PT = 3.5


def _units(text: str) -> float:
    """Width of ``text`` in column-width units: a Chinese character (or full-width mark) at 11 pt
    takes about two, a Latin letter or digit about one.  Counted without a loop per character:
    this runs over every cell of the ledger on each save."""
    ascii_chars = len(text.encode("ascii", "ignore"))
    return 2.1 * (len(text) - ascii_chars) + 1.05 * ascii_chars


def text_lines(value: Any, width: float) -> int:
    """Lines ``value`` takes in a wrapped cell ``width`` characters wide."""
    if value is None or isinstance(value, (int, float, dt.date)):
        return 1
    room = max(1.0, width - 1)  # the cell's padding
    text = str(value)
    if len(text) * 2.1 <= room:  # fits on one line whatever its characters
        return 1
    return sum(max(1, math.ceil(_units(part) / room)) for part in text.split("\n"))


def fit_height(values: Sequence[Any], widths: Sequence[float]) -> float:
    """The height (points) a row of ``values`` needs for its text to show and print whole."""
    lines = max((text_lines(v, w) for v, w in zip(values, widths, strict=False)), default=1)
    return max(18.0, lines * LINE_PT + _PAD_PT)


def fit_rows(ws: Worksheet, first: int, last: int, columns: Sequence[int]) -> None:
    """Rows ``first``…``last`` made tall enough for the text in ``columns``; never lower:
    a row a person made taller stays so.  Hidden columns do not count."""
    columns = [c for c in columns if not _hidden(ws, c)]
    widths = [_width(ws, c) for c in columns]
    for r in range(first, last + 1):
        need = fit_height([ws.cell(row=r, column=c).value for c in columns], widths)
        dim = ws.row_dimensions[r]
        if dim.height is None or dim.height < need:
            dim.height = need


def has_print_setup(ws: Worksheet) -> bool:
    """Whether someone (assess or a person) has set up this sheet's printing already."""
    props = ws.sheet_properties.pageSetUpPr
    return bool(
        ws.page_setup.orientation not in (None, "default")
        or ws.page_setup.paperSize
        or (props is not None and props.fitToPage)
        or ws.print_title_rows
    )


def _header_text(text: str) -> str:
    """Text safe in a page header: ``&`` starts a code there, and Excel keeps 255 characters."""
    return text.replace("&", "&&")[:200]


def set_print(
    ws: Worksheet,
    *,
    header_row: int | None,
    widths: Sequence[float] | None = None,
    heading: str | None = None,
    paper: int | None = None,
    landscape: bool = True,
) -> None:
    """Lay out ``ws`` for printing: paper, orientation, one page wide, header on every page,
    page numbers (and ``heading`` as the page header) on every page."""
    setup = ws.page_setup
    setup.orientation = "landscape" if landscape else "portrait"
    setup.paperSize = paper or (paper_for(widths or sheet_widths(ws)) if landscape else PAPER_A4)
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as the rows need
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**_MARGINS)
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    footer = ws.oddFooter.center
    footer.text, footer.font, footer.size = PAGE_FOOTER, "仿宋_GB2312,Regular", 10
    if heading:
        head = ws.oddHeader.center
        head.text, head.font, head.size = _header_text(heading), "黑体,Regular", 14


def fit_print(
    ws: Worksheet, *, header_row: int, widths: Sequence[float] | None = None, heading: str | None = None
) -> None:
    """:func:`set_print` for a report table (ranking, score sheet, statistics): portrait A4 when
    its columns fit the width of portrait A4 at 100 %, else landscape (A4, or A3 when too wide)."""
    widths = list(widths or sheet_widths(ws))
    portrait = 210 - (_MARGINS["left"] + _MARGINS["right"]) * 25.4
    set_print(
        ws, header_row=header_row, widths=widths, heading=heading, landscape=width_mm(widths) > portrait
    )


def status_validation(
    ws: Worksheet, column: int, first_row: int, statuses: Sequence[str], *, allow_blank: bool = True
) -> None:
    """The 整改状态 drop-down on ``column`` from ``first_row`` down (the ledger, its measures,
    the per-unit copies and the upward report all use this one).

    It is an aid to typing only: the ledger is read by the text in its cells
    (aliases allowed), never by this list, so it lives with the print layer
    that the printed copies need and the ledger's writer imports it."""
    letter = get_column_letter(column)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(statuses) + '"',
        allow_blank=allow_blank,
        showErrorMessage=True,
        errorTitle="整改状态",
        error="请从下拉列表中选择:" + "、".join(statuses),
    )
    dv.add(f"{letter}{first_row}:{letter}1048576")
    ws.add_data_validation(dv)


@dataclass
class Table:
    """One sheet to write: a title row, an optional note row, the header and the rows."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    widths: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # column_kind() words, one per column
    note: str | None = None
    sheet: str = "整改台账"
    keep_left: int = 0  # columns kept in view when scrolling right (编号, 单位名称)
    status_column: int | None = None  # 0-based column with the 整改状态 drop-down
    statuses: Sequence[str] = ()
    date_format: str = DATE_FORMAT
    paper: int | None = None  # None: A4 or A3 by the widths


def _note(ws: Worksheet, row: int, text: str, ncols: int) -> None:
    """A line under the title (截至日期, 填报单位), outside the table: no border."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    cell = ws.cell(row=row, column=1, value=cell_value(text))
    cell.font = GW_FONT
    cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 22


_ALIGN = {"date": CENTER, "center": CENTER, "number": RIGHT, "text": WRAP}


def write_table(ws: Worksheet, table: Table) -> None:
    """``table`` into an empty sheet, laid out for printing."""
    ncols = len(table.columns)
    widths = table.widths or [column_width(c) for c in table.columns]
    kinds = table.kinds or [column_kind(c) for c in table.columns]
    title(ws, table.title, ncols)
    head = 2
    if table.note:
        _note(ws, 2, table.note, ncols)
        head = 3
    for c, (name, width) in enumerate(zip(table.columns, widths, strict=True), start=1):
        put(ws, head, c, name, font=GW_HEAD, fill=HEAD_FILL, align=CENTER)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[head].height = fit_height(table.columns, widths)
    for r, values in enumerate(table.rows, start=head + 1):
        for c, (value, kind) in enumerate(zip(values, kinds, strict=True), start=1):
            if isinstance(value, dt.datetime):
                value = value.date()
            fmt = None
            if isinstance(value, dt.date):
                fmt = table.date_format
            elif kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
                fmt = "0.00"
            put(ws, r, c, value, number_format=fmt, font=GW_FONT, align=_ALIGN.get(kind, WRAP))
        ws.row_dimensions[r].height = fit_height(values, widths)
    ws.freeze_panes = f"{get_column_letter(table.keep_left + 1)}{head + 1}"
    if table.rows:
        ws.auto_filter.ref = f"A{head}:{get_column_letter(ncols)}{head + len(table.rows)}"
    if table.status_column is not None and table.statuses:
        status_validation(ws, table.status_column + 1, head + 1, table.statuses)
    set_print(ws, header_row=head, widths=widths, paper=table.paper)


def table_workbook(table: Table, kind: str) -> bytes:
    """A workbook of one table, marked as assess's ``kind`` of output (never read back as data)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = table.sheet.translate(_SHEET_BAD).strip("'")[:31] or "整改台账"  # --title may hold / or :
    write_table(ws, table)
    return to_bytes(wb, kind)


__all__ = [
    "DATE_FORMAT",
    "PAGE_FOOTER",
    "PAPERS",
    "PAPER_A3",
    "PAPER_A4",
    "Table",
    "column_kind",
    "column_width",
    "fit_height",
    "fit_print",
    "fit_rows",
    "has_print_setup",
    "paper_for",
    "set_print",
    "status_validation",
    "table_workbook",
    "write_table",
]
