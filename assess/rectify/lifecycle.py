"""The life cycle of a ledger row and its measures: what a status counts as, and the upgrade.

A status is what a clerk typed; what it *counts as* depends on the cells
beside it, because a superior office only accepts a completion it can check
(docs/rectify.md, "整改状态与认定"):

* 已完成（待认定）needs 完成日期 and 佐证材料, 已销号 needs 认定单位 and
  认定日期; without them the row is a finding and counts as 整改中.
* 不涉及 needs 不涉及理由; without it the row counts as 未开始.
* A problem with measures (the 整改措施 sheet) is complete when all its
  measures are, whatever its own cell says.

The 整改措施 sheet is filled by people only: assess creates it, reads it, and
never writes a cell of it afterwards, so every measure survives every run.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assess.errors import Finding, Location
from assess.rectify.ledger import (
    FORMAT,
    FORMAT_VERSION,
    HISTORY_SHEET,
    LedgerBook,
    header_columns,
    merged_findings,
    missing_columns,
    set_value,
)
from assess.rectify.model import (
    C_CONFIRM_DATE,
    C_CONFIRM_UNIT,
    C_DONE_DATE,
    C_EVIDENCE,
    C_ID,
    C_NA_REASON,
    C_STATUS,
    CLOSED,
    COLUMNS,
    COMPLETED,
    DONE,
    IN_PROGRESS,
    NOT_APPLICABLE,
    NOT_STARTED,
    STATUSES,
    Deadline,
    Row,
    as_date,
    ledger_status,
    parse_deadline,
    shown,
)
from assess.render.xlsx_print import status_validation

# The 整改措施 sheet: one row per measure, keyed by the problem's 编号.
M_PROBLEM = "问题编号"
M_MEASURE = "整改措施"
M_DEPARTMENT = "责任单位"
M_OWNER = "责任人"
M_DEADLINE = "整改时限"
M_STATUS = "整改状态"
M_DONE_DATE = "完成日期"
M_EVIDENCE = "佐证材料"
M_REMARK = "备注"
MEASURE_COLUMNS = (
    M_PROBLEM,
    M_MEASURE,
    M_DEPARTMENT,
    M_OWNER,
    M_DEADLINE,
    M_STATUS,
    M_DONE_DATE,
    M_EVIDENCE,
    M_REMARK,
)
MEASURE_WIDTHS = (20, 40, 16, 9, 12, 14, 12, 20, 20)
NEW_COLUMN_WIDTHS = {C_CONFIRM_UNIT: 14, C_CONFIRM_DATE: 12, C_NA_REASON: 24}
STATUS_ERROR = "请从下拉列表中选择:" + "、".join(STATUSES)


@dataclass(slots=True)
class Measure:
    """One measure as read from the 整改措施 sheet."""

    problem: str  # the problem's 编号 as typed
    values: dict[str, Any]
    sheet: str
    row: int
    letters: dict[str, str]  # column → letter, for findings

    @property
    def status(self) -> str:
        return str(self.values.get(M_STATUS) or NOT_STARTED)

    @property
    def deadline(self) -> Deadline:
        value = self.values.get(M_DEADLINE)
        return value if isinstance(value, (dt.date, str)) and value != "" else None

    def cell(self, column: str) -> str:
        return f"{self.letters[column]}{self.row}"

    def to_dict(self, status: str, overdue: bool) -> dict[str, Any]:
        def text(column: str) -> str | None:
            value = self.values.get(column)
            return None if value is None or str(value).strip() == "" else str(value).strip()

        done = self.values.get(M_DONE_DATE)
        deadline = self.deadline
        return {
            "problem": self.problem,
            "measure": text(M_MEASURE),
            "department": text(M_DEPARTMENT),
            "owner": text(M_OWNER),
            "deadline": deadline.isoformat() if isinstance(deadline, dt.date) else deadline,
            "status": self.status,
            "counted_as": status,
            "done_date": done.isoformat() if isinstance(done, dt.date) else None,
            "evidence": text(M_EVIDENCE),
            "remark": text(M_REMARK),
            "overdue": overdue,
            "sheet": self.sheet,
            "row": self.row,
        }


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _blank(value: Any) -> bool:
    return _text(value) == ""


# ---- reading the measures ------------------------------------------------------


def _measures_header(ws: Worksheet) -> tuple[int, dict[str, int]] | None:
    return header_columns(ws, MEASURE_COLUMNS, M_PROBLEM)


def find_measures_sheet(wb: Workbook, title: str) -> str:
    """``title``, or the sheet a person renamed it to (the one whose header has 问题编号 and 整改状态)."""
    if title in wb.sheetnames:
        return title
    for ws in wb.worksheets:
        found = _measures_header(ws)
        if found is not None and M_STATUS in found[1]:
            return str(ws.title)
    return title


def read_measures(wb: Workbook, title: str, file: str, findings: list[Finding]) -> list[Measure]:
    """The measures of the 整改措施 sheet; broken cells go to ``findings`` (the ledger is refused)."""
    if title not in wb.sheetnames:
        return []
    ws = wb[title]
    header = _measures_header(ws)
    if header is None:
        findings.append(
            Finding(
                "ledger-columns",
                f"工作表“{shown(title)}”中找不到“{M_PROBLEM}”列;整改措施表的列名须与模板一致,不可删除或改名",
                Location(file=file, sheet=title),
            )
        )
        return []
    head_row, columns = header
    missing = [c for c in MEASURE_COLUMNS if c not in columns]
    if missing:
        findings.append(missing_columns(ws, head_row, columns, missing, file))
        return []
    merged_findings(ws, head_row, columns.values(), file, findings)  # a merged cell hides a value
    letters = {name: get_column_letter(c) for name, c in columns.items()}
    out: list[Measure] = []
    for r in range(head_row + 1, (ws.max_row or 0) + 1):
        raw = {name: ws.cell(r, c).value for name, c in columns.items()}
        if all(_blank(v) for v in raw.values()):
            continue
        values = dict(raw)

        def loc(column: str, r: int = r) -> Location:
            return Location(file=file, sheet=title, cell=f"{letters[column]}{r}")

        status = _text(raw[M_STATUS])
        if status:
            known = ledger_status(status)
            if known is None:
                findings.append(
                    Finding(
                        "ledger-status",
                        f"整改状态“{shown(status)}”不在可选值中({'、'.join(STATUSES)})",
                        loc(M_STATUS),
                    )
                )
            values[M_STATUS] = known or NOT_STARTED
        else:
            values[M_STATUS] = NOT_STARTED
        done = raw[M_DONE_DATE]
        if not _blank(done):
            day = as_date(done)
            if day is None:
                findings.append(
                    Finding(
                        "ledger-date",
                        f"完成日期“{shown(_text(done))}”不是日期(应如 2025-06-30)",
                        loc(M_DONE_DATE),
                    )
                )
            values[M_DONE_DATE] = day
        deadline, good = parse_deadline(raw[M_DEADLINE])
        if not good:
            findings.append(
                Finding(
                    "ledger-deadline",
                    f"整改时限“{shown(_text(raw[M_DEADLINE]))}”不是日期,也不是“立行立改”或“长期坚持”",
                    loc(M_DEADLINE),
                )
            )
        values[M_DEADLINE] = deadline
        out.append(Measure(_text(raw[M_PROBLEM]), values, title, r, letters))
    return out


# ---- what a status counts as ------------------------------------------------------


@dataclass(slots=True)
class Lifecycle:
    """What every row and measure counts as in the figures, and why not as written."""

    status: dict[str, str] = field(default_factory=dict)  # row 编号 → status counted
    measures: dict[str, list[tuple[Measure, str]]] = field(default_factory=dict)  # 编号 → (measure, counted)
    findings: list[Finding] = field(default_factory=list)

    def of(self, row: Row) -> str:
        return self.status.get(row.id, row.status)


def _missing(names: list[str]) -> str:
    return "和".join(names)


def _row_status(row: Row, file: str | None, book: LedgerBook, findings: list[Finding]) -> str:
    """What ``row``'s own cells make of its status."""

    def loc(column: str) -> Location:
        sheet = book.sheet(row.sheet)
        return Location(
            file=file, sheet=row.sheet, cell=f"{get_column_letter(sheet.columns[column])}{row.row}"
        )

    status = row.status
    needs: tuple[str, ...] = ()
    counted = IN_PROGRESS
    if status == COMPLETED:
        needs = (C_DONE_DATE, C_EVIDENCE)
    elif status == CLOSED:
        needs = (C_CONFIRM_UNIT, C_CONFIRM_DATE)
    elif status == NOT_APPLICABLE:
        needs, counted = (C_NA_REASON,), NOT_STARTED
    missing = [c for c in needs if c in book.sheet(row.sheet).columns and _blank(row.get(c))]
    if not missing:
        return status
    findings.append(
        Finding(
            "ledger-incomplete",
            f"整改状态为“{status}”,但未填写{_missing(missing)},按“{counted}”统计",
            loc(missing[0]),
            "warning",
        )
    )
    return counted


def evaluate(book: LedgerBook) -> Lifecycle:
    """What each row and measure of ``book`` counts as; findings name the cells to fill in."""
    file = str(book.path) if book.path else None
    out = Lifecycle()
    rows = book.by_id()
    incomplete: set[str] = set()  # rows a finding already says are counted otherwise than written
    for row in book.rows:
        out.status[row.id] = _row_status(row, file, book, out.findings)
        if out.status[row.id] != row.status:
            incomplete.add(row.id)
    for m in book.measures:
        if m.problem not in rows:
            out.findings.append(
                Finding(
                    "measure-unknown-problem",
                    (f"问题编号“{shown(m.problem)}”不在台账中" if m.problem else "此行有内容但问题编号为空")
                    + ",这条整改措施未计入进度;请填写台账“编号”列中的编号",
                    Location(file=file, sheet=m.sheet, cell=m.cell(M_PROBLEM)),
                )
            )
            continue
        counted = m.status
        if counted == COMPLETED:
            missing = [c for c in (M_DONE_DATE, M_EVIDENCE) if _blank(m.values.get(c))]
            if missing:
                out.findings.append(
                    Finding(
                        "ledger-incomplete",
                        f"整改状态为“{COMPLETED}”,但未填写{_missing(missing)},按“{IN_PROGRESS}”统计",
                        Location(file=file, sheet=m.sheet, cell=m.cell(missing[0])),
                        "warning",
                    )
                )
                counted = IN_PROGRESS
        out.measures.setdefault(m.problem, []).append((m, counted))
    for ident, pairs in out.measures.items():
        row = rows[ident]
        own = out.status[ident]
        counted_measures = [s for _m, s in pairs if s != NOT_APPLICABLE]
        if own == NOT_APPLICABLE or not counted_measures:
            continue
        if ident in incomplete:  # 已完成 without evidence stays 整改中, as its finding says
            continue
        open_ = sum(s not in DONE for s in counted_measures)
        if not open_:
            out.status[ident] = own if own in DONE else COMPLETED
        elif own in DONE:
            sheet = book.sheet(row.sheet)
            out.findings.append(
                Finding(
                    "ledger-measures-open",
                    f"整改状态为“{row.status}”,但其整改措施还有 {open_} 条未完成,按“{IN_PROGRESS}”统计",
                    Location(
                        file=file,
                        sheet=row.sheet,
                        cell=f"{get_column_letter(sheet.columns[C_STATUS])}{row.row}",
                    ),
                    "warning",
                )
            )
            out.status[ident] = IN_PROGRESS
        elif any(s != NOT_STARTED for s in counted_measures):
            out.status[ident] = IN_PROGRESS
    return out


# ---- sheets of format 2, and the upgrade from format 1 ---------------------------------


def free_title(wb: Workbook, wanted: str) -> str:
    taken = {n.casefold() for n in wb.sheetnames}
    name, n = wanted, 2
    while name.casefold() in taken:
        name = f"{wanted}({n})"
        n += 1
    return name


def new_measures_sheet(book: LedgerBook) -> None:
    """The empty 整改措施 sheet, before 变更记录 (a free name when a sheet of the clerk's has it).

    Its rows are typed by a clerk, so each column carries the 公文 font as its
    default style: Excel and WPS give a new cell its column's style.
    """
    from assess.render.xlsx_style import BORDER, CENTER, GW_FONT, GW_HEAD, HEAD_FILL

    wb = book.wb
    title = free_title(wb, book.measures_sheet)
    index = wb.sheetnames.index(HISTORY_SHEET) if HISTORY_SHEET in wb.sheetnames else len(wb.sheetnames)
    ws = wb.create_sheet(title, index)
    for c, (name, width) in enumerate(zip(MEASURE_COLUMNS, MEASURE_WIDTHS, strict=True), start=1):
        cell = ws.cell(row=1, column=c)
        set_value(cell, name)
        cell.font, cell.fill, cell.border, cell.alignment = GW_HEAD, HEAD_FILL, BORDER, CENTER
        ws.column_dimensions[get_column_letter(c)].width = width
        ws.column_dimensions[get_column_letter(c)].font = GW_FONT
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(MEASURE_COLUMNS))}1"
    status_validation(ws, MEASURE_COLUMNS.index(M_STATUS) + 1, 2, STATUSES, allow_blank=False)
    book.measures_sheet = title


def ensure_measures_sheet(book: LedgerBook) -> bool:
    """Create the 整改措施 sheet when it is missing (a person deleted it); True when created."""
    if book.measures_sheet in book.wb.sheetnames:
        return False
    new_measures_sheet(book)
    return True


def _last_used_column(ws: Worksheet) -> int:
    last = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.value not in (None, "") and cell.column > last:
                last = cell.column
    return last


def _set_status_list(ws: Worksheet, header_row: int, column: int) -> None:
    """Give the 整改状态 column the life cycle's drop-down (the old one listed four words)."""
    found = False
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and dv.formula1 and "未开始" in dv.formula1:
            dv.formula1 = '"' + ",".join(STATUSES) + '"'
            dv.error = STATUS_ERROR
            found = True
    if not found:
        status_validation(ws, column, header_row + 1, STATUSES, allow_blank=False)


def upgrade(book: LedgerBook) -> list[str]:
    """Bring a format-1 ledger to the current format in place; the columns added, by name.

    New columns go right of every cell in use (a clerk's own columns stay where
    they are); their header cell takes the look of the 编号 header.  Ids stay as
    they are: an old ``ZG-…`` id may be quoted in documents already.
    """
    from copy import copy

    added: list[str] = []
    for sheet in book.sheets:
        ws = sheet.ws
        missing = [c for c in COLUMNS if c not in sheet.columns]
        if missing:
            like = ws.cell(sheet.header_row, sheet.columns[C_ID])
            c = _last_used_column(ws) + 1
            for name in missing:
                cell = ws.cell(sheet.header_row, c)
                set_value(cell, name)
                if like.has_style:
                    cell.font, cell.fill = copy(like.font), copy(like.fill)
                    cell.border, cell.alignment = copy(like.border), copy(like.alignment)
                ws.column_dimensions[get_column_letter(c)].width = NEW_COLUMN_WIDTHS.get(name, 12)
                sheet.columns[name] = c
                for row in book.rows:
                    if row.sheet == sheet.title:
                        row.values.setdefault(name, None)
                c += 1
            added += [m for m in missing if m not in added]
        _set_status_list(ws, sheet.header_row, sheet.columns[C_STATUS])
    book.progress_sheet = free_title(book.wb, book.progress_sheet)
    book.measures_sheet = free_title(book.wb, book.measures_sheet)
    new_measures_sheet(book)
    book.version = FORMAT_VERSION
    return added


def upgrade_note(book: LedgerBook, old: int, backup: str | None) -> Finding:
    name = book.path.name if book.path else "台账"
    kept = f"升级前的台账已备份为 {backup}" if backup else "未备份升级前的台账"
    return Finding(
        "ledger-upgraded",
        f"台账 {name} 已由旧格式(assess.ledger/{old})升级为 {FORMAT}:增加了认定单位、认定日期、不涉及理由三列"
        f"和“{book.measures_sheet}”工作表,整改状态下拉列表增加了“{COMPLETED}”“长期坚持”“不涉及”;"
        f"原有的行、编号和人工填写的内容都没有改变;{kept}",
        Location(file=str(book.path) if book.path else None),
        "warning",
    )


def quiet_load(path: Any) -> Workbook:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path)


__all__ = [
    "MEASURE_COLUMNS",
    "Lifecycle",
    "Measure",
    "ensure_measures_sheet",
    "evaluate",
    "new_measures_sheet",
    "read_measures",
    "upgrade",
    "upgrade_note",
]
