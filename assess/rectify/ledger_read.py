"""Reading a ledger back: find its sheets and columns, check every row, refuse it whole.

A ledger comes back from months of hand edits; every broken cell is listed at
once (``LedgerInvalid``) and nothing is written, so a clerk fixes them in one
pass.  Writing and the in-memory model are in :mod:`assess.rectify.ledger`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assess.errors import Finding, LedgerError, Location
from assess.rectify.ledger import (
    FORMAT,
    FORMAT_PREFIX,
    FORMAT_VERSION,
    HISTORY_COLUMNS,
    HISTORY_SHEET,
    LAYOUTS,
    MANUAL_KEY,
    META_FIRST_ROW,
    META_FIRST_ROW_V1,
    META_HEAD,
    META_HEAD_V1,
    META_SHEET,
    RESERVED,
    DataSheet,
    LedgerBook,
    LedgerInvalid,
    MetaEntry,
    header_columns,
    merged_findings,
    missing_columns,
)
from assess.rectify.model import (
    C_CONFIRM_DATE,
    C_DEADLINE,
    C_DONE_DATE,
    C_ID,
    C_STATUS,
    C_UNIT,
    COLUMNS,
    COLUMNS_V1,
    GENERATED,
    NOT_STARTED,
    STATUSES,
    Row,
    as_date,
    ledger_status,
    parse_deadline,
    shown,
)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _read_meta(wb: Workbook, file: str) -> tuple[str, dict[str, str], dict[str, MetaEntry], int]:
    """(layout, key/value pairs, entries by key, format version) of the hidden sheet."""
    if META_SHEET not in wb.sheetnames:
        raise LedgerError(
            f"{Path(file).name} 不是 assess 生成的整改台账(缺少隐藏的元数据工作表 {META_SHEET}),"
            "无法更新;请去掉 --ledger 新建台账,再把人工填写的内容复制过去",
            Location(file=file),
        )
    ws = wb[META_SHEET]
    pairs = {_text(ws.cell(r, 1).value): _text(ws.cell(r, 2).value) for r in range(1, META_FIRST_ROW_V1 - 1)}
    if _text(ws.cell(META_FIRST_ROW_V1 - 1, 1).value) != META_HEAD_V1[0]:
        pairs = {_text(ws.cell(r, 1).value): _text(ws.cell(r, 2).value) for r in range(1, META_FIRST_ROW - 1)}
    fmt = pairs.get("format", "")
    version = fmt[len(FORMAT_PREFIX) :] if fmt.startswith(FORMAT_PREFIX) else ""
    if not version.isdigit():
        raise LedgerError(
            f"{Path(file).name} 的台账格式标记“{shown(fmt)}”无法识别,无法更新",
            Location(file=file, sheet=META_SHEET),
        )
    if int(version) > FORMAT_VERSION:
        raise LedgerError(
            f"台账 {Path(file).name} 由更新版本的 assess 生成(格式 {shown(fmt)}),"
            f"本版本只能读写 {FORMAT};请升级 assess 后再更新此台账",
            Location(file=file),
        )
    layout = pairs.get("layout", "single")
    meta: dict[str, MetaEntry] = {}
    v1 = int(version) < 2
    head, first = (META_HEAD_V1, META_FIRST_ROW_V1) if v1 else (META_HEAD, META_FIRST_ROW)
    skip = len(head) - len(GENERATED)
    for r in range(first, (ws.max_row or 0) + 1):
        cells = [_text(ws.cell(r, c + 1).value) for c in range(len(head))]
        generated = {col: cells[skip + i] for i, col in enumerate(GENERATED)}
        if v1:  # 编号 was the key; the last status seen was written in the old words
            if not cells[0]:
                continue
            status = ledger_status(cells[3]) or cells[3]
            key = MANUAL_KEY + cells[0] if cells[1] == "manual" else cells[0]
            meta[key] = MetaEntry(cells[1], cells[2], status, cells[4], cells[5], generated, id=cells[0])
            continue
        if not cells[0]:
            continue
        meta[cells[0]] = MetaEntry(
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            cells[6],
            generated,
            id=cells[1],
            done_on=cells[7],
            group=cells[8],
        )
    return (layout if layout in LAYOUTS else "single"), pairs, meta, int(version)


def _find_header(
    ws: Worksheet, required: tuple[str, ...] = COLUMNS
) -> tuple[int, dict[str, int], list[str]] | None:
    """(row, known columns, missing ``required`` columns) of the row that has 编号, in the first rows."""
    got = header_columns(ws, COLUMNS, C_ID, 3)
    if got is None:
        return None
    row, found = got
    return row, found, [c for c in required if c not in found]


def _ids(ws: Worksheet, header_row: int, column: int) -> list[str]:
    return [
        ident
        for r in range(header_row + 1, (ws.max_row or 0) + 1)
        if (ident := _text(ws.cell(r, column).value))
    ]


def _data_sheets(
    wb: Workbook,
    file: str,
    findings: list[Finding],
    required: tuple[str, ...] = COLUMNS,
    skip: tuple[str, ...] = (),
) -> list[DataSheet]:
    """The ledger's data sheets; what cannot be used becomes findings.

    A sheet with the ledger's header is a data sheet.  A sheet of the
    clerk's own that looks like one is left alone: one with some of the
    columns whose 编号 are all found in the data sheets (a filtered extract,
    an overview), or with none at all.  A sheet with some columns and 编号
    of its own is a data sheet whose columns were deleted or renamed; a
    second sheet with the full header whose 编号 all repeat an earlier sheet
    is a copy, reported once rather than row by row.
    """
    complete: list[tuple[Worksheet, int, dict[str, int]]] = []
    partial: list[tuple[Worksheet, int, dict[str, int], list[str]]] = []
    for ws in wb.worksheets:
        if ws.title in RESERVED or ws.title in skip:
            continue
        found = _find_header(ws, required)
        if found is None:
            continue  # a sheet of the user's own: kept as it is
        header_row, columns, missing = found
        if missing:
            partial.append((ws, header_row, columns, missing))
        else:
            complete.append((ws, header_row, columns))
    sheets: list[DataSheet] = []
    known: dict[str, str] = {}  # id → title of the data sheet holding it
    for ws, header_row, columns in complete:
        ids = _ids(ws, header_row, columns[C_ID])
        if ids and sheets and all(i in known for i in ids):
            other = known[ids[0]]
            findings.append(
                Finding(
                    "ledger-duplicate-id",
                    f"工作表“{shown(ws.title)}”中的编号都已在工作表“{shown(other)}”中出现,像是台账工作表的副本;"
                    "请删除这张副本,或把它表头中的“编号”改为别的名称(如“原编号”)后重试",
                    Location(file=file, sheet=ws.title, row=header_row),
                )
            )
            continue
        for i in ids:
            known.setdefault(i, ws.title)
        merged_findings(ws, header_row, columns.values(), file, findings)
        sheets.append(DataSheet(ws, header_row, columns, header_row))
    for ws, header_row, columns, missing in partial:
        ids = _ids(ws, header_row, columns[C_ID])
        if sheets and all(i in known for i in ids):
            continue  # the clerk's own extract of the ledger: kept as it is
        findings.append(missing_columns(ws, header_row, columns, missing, file))
    return sheets


def _cell_ref(sheet: DataSheet, column: str, row: int) -> str:
    return f"{get_column_letter(sheet.columns[column])}{row}"


def open_ledger(path: Path) -> LedgerBook:
    """Open and validate a ledger; raise LedgerInvalid listing every broken cell, or LedgerError."""
    from assess.workbook.safety import inspect_file

    file = str(path)
    inspect_file(path)  # zip bombs, encrypted or non-xlsx files
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Cell K2 is marked as a date but…": reported below as a cell
            wb = load_workbook(path)
    except PermissionError:
        raise LedgerError(
            f"无法读取台账 {path.name}:文件可能正在被 Excel 或 WPS 独占打开,请关闭后重试",
            Location(file=file),
        ) from None
    except Exception as e:
        raise LedgerError(
            f"台账 {path.name} 无法打开,文件可能已损坏(技术信息:{shown(str(e), 120)})",
            Location(file=file),
        ) from None
    layout, pairs, meta, version = _read_meta(wb, file)
    from assess.rectify.ledger import MEASURES_SHEET, PROGRESS_SHEET

    measures_title = pairs.get("measures") or MEASURES_SHEET
    progress_title = pairs.get("progress") or PROGRESS_SHEET
    own = (measures_title, progress_title) if version >= 2 else ()
    findings: list[Finding] = []
    # a format-1 ledger has no life-cycle columns yet: they are added when it is upgraded
    sheets = _data_sheets(wb, file, findings, COLUMNS if version >= 2 else COLUMNS_V1, own)
    if not sheets and not findings:
        findings.append(
            Finding(
                "ledger-columns",
                f"找不到含“{C_ID}”“{C_STATUS}”等列的台账工作表",
                Location(file=file),
            )
        )
    rows: list[Row] = []
    notes: list[Finding] = []
    seen: dict[str, str] = {}
    for sheet in sheets:
        for r in range(sheet.header_row + 1, (sheet.ws.max_row or 0) + 1):
            raw = {col: sheet.ws.cell(r, c).value for col, c in sheet.columns.items()}
            if all(_text(v) == "" for v in raw.values()):
                continue
            sheet.last_row = r
            row = _check_row(sheet, r, raw, file, findings, notes)
            ident = _text(raw[C_ID])
            if ident and ident in seen:
                findings.append(
                    Finding(
                        "ledger-duplicate-id",
                        f"编号 {shown(ident)} 重复(另见 {seen[ident]});每个编号只能出现一次",
                        Location(
                            file=file,
                            sheet=sheet.title,
                            cell=_cell_ref(sheet, C_ID, r),
                        ),
                    )
                )
                continue
            if ident:
                seen[ident] = f"{sheet.title}!{_cell_ref(sheet, C_ID, r)}"
            if row is None:
                continue
            rows.append(row)
    history_next = _history_next(wb)
    if HISTORY_SHEET in wb.sheetnames:
        merged_findings(
            wb[HISTORY_SHEET], history_next - 1, range(1, len(HISTORY_COLUMNS) + 1), file, findings
        )
    from assess.rectify.lifecycle import find_measures_sheet, read_measures

    measures_title = find_measures_sheet(wb, measures_title) if version >= 2 else measures_title
    measures = read_measures(wb, measures_title, file, findings) if version >= 2 else []
    if findings:
        raise LedgerInvalid(
            f"台账 {path.name} 有 {len(findings)} 处问题,未作任何修改,请改正后重试:",
            findings,
            Location(file=file),
        )
    book = LedgerBook(path, wb, layout, sheets, rows, meta, history_next, pairs.get("updated", ""), notes)
    book.version = version
    book.period = pairs.get("period", "")
    book.measures_sheet, book.progress_sheet = measures_title, progress_title
    book.measures = measures
    return book


def _check_row(
    sheet: DataSheet,
    r: int,
    raw: dict[str, Any],
    file: str,
    findings: list[Finding],
    warnings: list[Finding],
) -> Row | None:
    def loc(column: str) -> Location:
        return Location(file=file, sheet=sheet.title, cell=_cell_ref(sheet, column, r))

    ok = True
    ident = _text(raw[C_ID])
    if not ident:
        findings.append(
            Finding(
                "ledger-no-id",
                "此行有内容但编号为空;手工添加的问题请填写一个不重复的编号",
                loc(C_ID),
            )
        )
        ok = False
    unit = _text(raw[C_UNIT])
    if not unit:
        findings.append(Finding("ledger-no-unit", "单位名称为空", loc(C_UNIT)))
        ok = False
    values = dict(raw)
    status = _text(raw[C_STATUS])
    known = ledger_status(status) if status else None
    if not status:
        warnings.append(
            Finding(
                "ledger-blank-status",
                "整改状态为空,按“未开始”统计",
                loc(C_STATUS),
                "warning",
            )
        )
        values[C_STATUS] = NOT_STARTED
    elif known is None:
        findings.append(
            Finding(
                "ledger-status",
                f"整改状态“{shown(status)}”不在可选值中({'、'.join(STATUSES)})",
                loc(C_STATUS),
            )
        )
        ok = False
    else:
        values[C_STATUS] = known
    for column in (C_DONE_DATE, C_CONFIRM_DATE):
        if column not in raw:
            continue
        done = raw[column]
        if not _text(done):
            continue
        d = as_date(done)
        if d is None:
            findings.append(
                Finding(
                    "ledger-date",
                    f"{column}“{shown(_text(done))}”不是日期(应如 2025-06-30)"
                    + (
                        "(单元格中是错误值,或日期超出了 Excel 能表示的范围)"
                        if _text(done).startswith("#")
                        else ""
                    ),
                    loc(column),
                )
            )
            ok = False
        else:
            values[column] = d
    deadline, good = parse_deadline(raw[C_DEADLINE])
    if not good:
        findings.append(
            Finding(
                "ledger-deadline",
                f"整改时限“{shown(_text(raw[C_DEADLINE]))}”不是日期,也不是“立行立改”或“长期坚持”"
                + (
                    "(单元格中是错误值,或日期超出了 Excel 能表示的范围)"
                    if _text(raw[C_DEADLINE]).startswith("#")
                    else ""
                ),
                loc(C_DEADLINE),
            )
        )
        ok = False
    values[C_DEADLINE] = deadline
    if not ok:
        return None
    return Row(ident, unit, values, sheet.title, r)


def _history_next(wb: Workbook) -> int:
    if HISTORY_SHEET not in wb.sheetnames:
        return 2
    ws = wb[HISTORY_SHEET]
    last = 1
    for r in range(1, (ws.max_row or 0) + 1):
        if any(ws.cell(r, c).value not in (None, "") for c in range(1, len(HISTORY_COLUMNS) + 1)):
            last = r
    return last + 1


__all__ = ["open_ledger"]
