"""The rectification ledger (整改台账) workbook: open, validate, edit in place, save.

A ledger is edited by people in Excel or WPS between runs: rows sorted,
columns widened or coloured, a column added, statuses typed.  So it is
never rebuilt: it is opened with openpyxl, only the cells that must change
are written, new rows are appended, and everything else (styles, extra
columns, other sheets) is kept.  Columns are found by their header text, in
any order.

A very hidden sheet ``_assess`` carries the format version, the layout and,
per problem, its stable key (what the inputs call it), its 编号 in the ledger,
what was last generated and the last status seen — which is how a re-run
tells a person's edit from text it wrote itself, and what changed since.

Format 2 (the life cycle) adds the key → 编号 mapping, 认定单位/认定日期/
不涉及理由 columns and the 整改措施 sheet; a format-1 ledger is upgraded in
place (:func:`assess.rectify.lifecycle.upgrade`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assess.errors import Finding, LedgerError, Location
from assess.rectify.model import (
    C_ID,
    C_UNIT,
    GENERATED,
    MAX_CELL_TEXT,
    Row,
    canonical,
)
from assess.render.xlsx_print import DATE_FORMAT  # one date format in every workbook assess writes
from assess.workbook.names import key_of

FORMAT = "assess.ledger/2"
FORMAT_PREFIX = "assess.ledger/"
FORMAT_VERSION = 2
META_SHEET = "_assess"
SUMMARY_SHEET = "汇总"
HISTORY_SHEET = "变更记录"
SINGLE_SHEET = "整改台账"
MEASURES_SHEET = "整改措施"  # default titles; the hidden sheet keeps the ones in use
PROGRESS_SHEET = "进度"
RESERVED = (META_SHEET, SUMMARY_SHEET, HISTORY_SHEET)
LAYOUTS = ("single", "per-unit")
HISTORY_COLUMNS = ("时间", "编号", "字段", "原值", "新值")
HEADER_ROWS = 5  # the header is looked for in the first rows of a sheet


def merged_findings(ws: Worksheet, after_row: int, columns: Any, file: str, findings: list[Finding]) -> None:
    """A finding for every merged range below ``after_row`` that covers one of ``columns``.

    assess writes in those rows and columns (new rows, 核对情况, updated text,
    变更记录), and a merged cell cannot be written; a merged title above the
    header or merged cells in a column of the clerk's own are fine.
    """
    wanted = set(columns)
    for merged in sorted(ws.merged_cells.ranges, key=lambda m: (m.min_row, m.min_col)):
        if merged.max_row <= after_row:
            continue
        if not any(merged.min_col <= c <= merged.max_col for c in wanted):
            continue
        findings.append(
            Finding(
                "ledger-merged",
                f"单元格 {merged.coord} 被合并;台账的表格区域不能有合并单元格,请取消合并后重试"
                "(选中这些单元格,在“开始”中再点一次“合并后居中”)",
                Location(file=file, sheet=str(ws.title), cell=str(merged.coord)),
            )
        )


def missing_columns(
    ws: Any, header_row: int, found: dict[str, int], missing: Sequence[str], file: str
) -> Finding:
    """Required columns not found, said at the header cell a person most likely renamed (a header
    that is none of the sheet's column names), or at the header row when there is none."""
    known = set(found.values())
    odd = [
        c
        for c in range(1, (ws.max_column or 0) + 1)
        if c not in known
        and isinstance(ws.cell(header_row, c).value, str)
        and ws.cell(header_row, c).value.strip()
    ]
    text = f"缺少必需的列:{'、'.join(missing)}(列名须与台账模板一致,可调整顺序和列宽,不可删除或改名)"
    if not odd:
        return Finding("ledger-columns", text, Location(file=file, sheet=str(ws.title), row=header_row))
    cell = f"{get_column_letter(odd[0])}{header_row}"
    heads = "、".join(f"“{ws.cell(header_row, c).value.strip()}”" for c in odd[:3])
    text += f";表头中的 {heads} 不是台账的列,如是由“{missing[0]}”改名而来,请改回原名"
    return Finding("ledger-columns", text, Location(file=file, sheet=str(ws.title), cell=cell))


def header_columns(
    ws: Any, names: Sequence[str], key: str, least: int = 1
) -> tuple[int, dict[str, int]] | None:
    """The first of the first rows holding ``key`` and at least ``least`` of ``names``, with the
    column of each name found (written as the clerk wrote it: spaces, full-width forms)."""
    wanted = {key_of(c): c for c in names}
    for r in range(1, HEADER_ROWS + 1):
        found: dict[str, int] = {}
        for c in range(1, (ws.max_column or 0) + 1):
            value = ws.cell(r, c).value
            name = wanted.get(key_of(value)) if isinstance(value, str) else None
            if name and name not in found:
                found[name] = c
        if key in found and len(found) >= least:
            return r, found
    return None


META_HEAD_V1 = ("编号", "来源", "单位名称", "整改状态", "首次发现", "最近发现", *GENERATED)
META_HEAD = (
    "键",
    "编号",
    "来源",
    "单位名称",
    "整改状态",
    "首次发现",
    "最近发现",
    "完成于",
    "共性",
    *GENERATED,
)
META_PAIRS = 9  # meta rows 1–9: key/value pairs (format 1 used rows 1–5)
META_FIRST_ROW_V1 = 7  # format 1: row 6 META_HEAD_V1, problems from row 7
META_FIRST_ROW = 12  # format 2: row 11 META_HEAD, problems from row 12
MANUAL_KEY = "manual:"  # key of a row a person added: ``manual:`` + its 编号

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class LedgerInvalid(LedgerError):
    """A ledger whose structure or cells are broken: every problem listed, nothing written."""

    def __init__(self, message: str, findings: list[Finding], location: Location | None = None) -> None:
        super().__init__(message, location)
        self.findings = findings

    def format_message(self) -> str:
        return "\n".join([super().format_message()] + [f"  {f}" for f in self.findings])


def set_value(cell: Cell, value: Any) -> None:
    """Write a value into a cell, keeping its style; text is always text (no formula injection).

    Text is written without the control characters a worksheet cannot hold
    and cut to Excel's limit (the inputs are cleaned before; this is the net).
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
    cell.value = value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    if isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


@dataclass(slots=True)
class MetaEntry:
    """What the ledger remembers about one problem (the hidden sheet's row)."""

    origin: str
    unit: str
    status: str
    first_seen: str
    last_seen: str
    generated: dict[str, str] = field(default_factory=dict)  # column → canonical text
    id: str = ""  # the row's 编号 (format 1: the key itself)
    done_on: str = ""  # as-of date of the run that first saw it complete (ISO), "" while not
    group: str = ""  # key of the shared problem it was split from


@dataclass(slots=True)
class DataSheet:
    ws: Worksheet
    header_row: int  # 1-based
    columns: dict[str, int]  # ledger column → 1-based column
    last_row: int  # last row holding anything in a known column

    @property
    def title(self) -> str:
        return str(self.ws.title)


@dataclass
class LedgerBook:
    path: Path | None
    wb: Workbook
    layout: str
    sheets: list[DataSheet]
    rows: list[Row]
    meta: dict[str, MetaEntry]
    history_next: int = 2
    updated: str = ""  # as-of date of the last write (ISO)
    warnings: list[Finding] = field(default_factory=list)
    version: int = FORMAT_VERSION  # the format it was read in; < FORMAT_VERSION until upgraded
    period: str = ""  # as-of date of the run before the last one with a later date (ISO)
    measures_sheet: str = MEASURES_SHEET
    progress_sheet: str = PROGRESS_SHEET
    measures: list[Any] = field(default_factory=list)  # assess.rectify.lifecycle.Measure

    # ---- lookups -------------------------------------------------------------

    def by_id(self) -> dict[str, Row]:
        return {r.id: r for r in self.rows}

    def keys_by_id(self) -> dict[str, str]:
        """编号 → key of its hidden-sheet entry."""
        return {e.id: k for k, e in self.meta.items()}

    def sheet(self, title: str) -> DataSheet:
        return next(s for s in self.sheets if s.title == title)

    # ---- edits ---------------------------------------------------------------

    def set(self, row: Row, column: str, value: Any) -> None:
        sheet = self.sheet(row.sheet)
        set_value(sheet.ws.cell(row=row.row, column=sheet.columns[column]), value)
        row.values[column] = value

    def append(self, values: dict[str, Any]) -> Row:
        """A new row at the end of the right sheet (a unit's own sheet in the per-unit layout)."""
        from assess.rectify.sheets import new_data_sheet, style_new_row

        unit = str(values[C_UNIT])
        if self.layout == "per-unit":
            home = next((r.sheet for r in self.rows if r.unit == unit), None)
            target = self.sheet(home) if home else None
            if target is None:
                target = new_data_sheet(self, unit)
        else:
            target = self.sheets[0] if self.sheets else new_data_sheet(self, SINGLE_SHEET)
        target.last_row += 1
        r = target.last_row
        for column, c in target.columns.items():
            set_value(target.ws.cell(row=r, column=c), values.get(column))
        style_new_row(target, r)
        row = Row(str(values[C_ID]), unit, dict(values), target.title, r)
        self.rows.append(row)
        return row


# ---- opening -----------------------------------------------------------------


def new_ledger(layout: str) -> LedgerBook:
    """An empty ledger: data sheet(s) are created as rows arrive; meta and history now."""
    from assess.rectify.sheets import new_data_sheet, new_history_sheet

    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    book = LedgerBook(None, wb, layout, [], [], {})
    if layout == "single":
        new_data_sheet(book, SINGLE_SHEET)
    new_history_sheet(wb)
    from assess.rectify.lifecycle import new_measures_sheet

    new_measures_sheet(book)
    return book


def write_meta(book: LedgerBook, as_of: dt.date, period: str = "") -> None:
    """Rewrite the hidden sheet from ``book.meta`` (always in the current format)."""
    import assess

    wb = book.wb
    if META_SHEET in wb.sheetnames:
        wb.remove(wb[META_SHEET])
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    pairs = [
        ("format", FORMAT),
        ("layout", book.layout),
        ("generator", f"assess {assess.__version__}"),
        ("updated", as_of.isoformat()),
        ("note", "本工作表由 assess 维护,请勿修改"),
        ("period", period),
        ("measures", book.measures_sheet),
        ("progress", book.progress_sheet),
    ]
    for r, (k, v) in enumerate(pairs, start=1):
        set_value(ws.cell(r, 1), k)
        set_value(ws.cell(r, 2), v)
    for c, name in enumerate(META_HEAD, start=1):
        set_value(ws.cell(META_FIRST_ROW - 1, c), name)
    for r, (key, e) in enumerate(sorted(book.meta.items()), start=META_FIRST_ROW):
        cells: list[Any] = [
            key,
            e.id,
            e.origin,
            e.unit,
            e.status,
            e.first_seen,
            e.last_seen,
            e.done_on,
            e.group,
        ]
        cells += [e.generated.get(col) for col in GENERATED]
        for c, value in enumerate(cells, start=1):
            set_value(ws.cell(r, c), value)


def current(row: Row) -> dict[str, str]:
    """The row's generated columns as canonical text."""
    return {col: canonical(row.values.get(col)) for col in GENERATED}


__all__ = [
    "FORMAT",
    "MANUAL_KEY",
    "LedgerBook",
    "LedgerInvalid",
    "MetaEntry",
    "new_ledger",
    "set_value",
    "write_meta",
]
