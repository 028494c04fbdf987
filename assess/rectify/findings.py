"""Problems from inspection findings workbooks (督查发现问题清单).

One row per finding.  Required columns: 单位名称, 问题来源, 问题类别,
问题描述; optional: 关联指标, 扣分, 责任单位, 责任人, 整改措施, 整改时限,
整改状态.  Headers are matched through :func:`assess.workbook.names.name_key`
and a list of aliases, in the first rows of every sheet (a title row above
the header is fine).  Cells that cannot be used become findings with their
cell; a file without the required columns raises a LedgerError.

The header detection (:func:`find_headers`) and the reading of a row
(:func:`row_values`, :func:`not_a_problem`) are shared with the findings data
source (``assess/sources/findings.py``), so one list feeds both the scores and
the ledger.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.errors import Finding, LedgerError, Location
from assess.rectify.model import (
    MAX_CELL_TEXT,
    STATUS_ALIASES,
    STATUSES,
    Problem,
    clean_text,
    finding_problem_id,
    parse_deadline,
    shown,
)
from assess.workbook.names import key_of
from assess.workbook.read import Book, column_letter, open_book

HEADER_ROWS = 10  # how far down the header row is looked for

REQUIRED = ("单位名称", "问题来源", "问题类别", "问题描述")
ALIASES: dict[str, tuple[str, ...]] = {
    "单位名称": (
        "单位",
        "县市区",
        "县(市、区)",
        "县市区名称",
        "被督查单位",
        "被检查单位",
        "地区",
    ),
    "问题来源": ("来源", "发现渠道", "问题渠道", "检查类型"),
    "问题类别": ("类别", "问题类型", "问题分类", "类型"),
    "问题描述": ("问题", "存在问题", "发现问题", "具体问题", "问题表现", "问题内容"),
    "关联指标": ("指标", "对应指标", "涉及指标", "考核指标"),
    "扣分": ("失分", "扣分分值", "扣分情况"),
    "责任单位": ("牵头单位", "责任部门", "整改责任单位"),
    "责任人": ("整改责任人", "联系人"),
    "整改措施": ("措施", "整改要求"),
    "整改时限": ("时限", "完成时限", "整改期限"),
    "整改状态": ("状态", "整改情况", "进展情况"),
}


@dataclass(frozen=True, slots=True)
class Header:
    sheet: str
    row: int  # 0-based
    columns: dict[str, int]  # canonical name → 0-based column


def lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Every spelling of a column (its name and aliases, as :func:`key_of` keys) → its name."""
    out: dict[str, str] = {}
    for name, others in aliases.items():
        for a in (name, *others):
            out[key_of(a)] = name
    return out


_KEYS = lookup(ALIASES)


def header_in(sheet: str, rows: list[list[Any]], keys: dict[str, str] = _KEYS) -> Header | None:
    """The row with the most known column names (at least two), in the first rows."""
    best: Header | None = None
    for r, row in enumerate(rows[:HEADER_ROWS]):
        cols: dict[str, int] = {}
        for c, cell in enumerate(row):
            name = keys.get(key_of(cell)) if isinstance(cell, str) else None
            if name and name not in cols:
                cols[name] = c
        if len(cols) >= 2 and (best is None or len(cols) > len(best.columns)):
            best = Header(sheet, r, cols)
    return best


def find_headers(
    book: Book, required: tuple[str, ...], keys: dict[str, str] = _KEYS
) -> tuple[list[Header], Header | None]:
    """The header of every visible sheet that has all ``required`` columns, and, when none has,
    the best partial header found (for the message naming the missing columns)."""
    headers: list[Header] = []
    best: Header | None = None
    for info in book.sheets:
        if info.visible != "visible":
            continue
        h = header_in(info.name, book.rows(info.name), keys)
        if h is None:
            continue
        if all(n in h.columns for n in required):
            headers.append(h)
        elif best is None or len(h.columns) > len(best.columns):
            best = h
    return headers, best


def missing_columns(best: Header | None, required: tuple[str, ...]) -> tuple[list[str], str]:
    """The required columns the best partial header lacks, and where that header was taken from."""
    missing = [n for n in required if best is None or n not in best.columns]
    where = f"(已将工作表“{best.sheet}”第 {best.row + 1} 行作为表头)" if best is not None else ""
    return missing, where


def row_values(h: Header, row: list[Any]) -> dict[str, str]:
    """The text of every known column of one row (blank cells as "")."""
    return {n: cell_text(row[c] if c < len(row) else None) for n, c in h.columns.items()}


def not_a_problem(values: dict[str, str]) -> bool:
    """A row holding only numbers (a serial number, a count), or a totals row."""
    return all(not v or v.isdigit() for v in values.values()) or values.get("单位名称") in ("合计", "总计")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return clean_text(str(value))


def _number(value: Any) -> float | bool | None:
    """A points cell: a number, None when blank, False when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        s = unicodedata.normalize("NFKC", clean_text(str(value))).removesuffix("分").strip()
        try:
            number = float(s)
        except (ValueError, OverflowError):
            return False
    return number if math.isfinite(number) else False  # NaN, inf, 1e400


def _refuse_own_output(path: Path, kind: str | None) -> None:
    """A workbook assess wrote (the ledger, a unit's copy of it, a report) is not a findings
    workbook: read as one, every problem in it would come back as a new one.  A blank
    findings template (``assess template --source``) is one."""
    from assess.workbook.marker import TEMPLATE, label

    if kind is not None and kind != TEMPLATE:
        raise LedgerError(
            f"“{path.name}”是 assess 生成的{label(kind)},不是督查发现问题清单,不作为问题清单读取;"
            "更新台账请用 --ledger 指定台账",
            Location(file=str(path)),
        )


def read_findings(path: Path, findings: list[Finding]) -> list[Problem]:
    """The problems in one findings workbook; problems with cells are appended to ``findings``."""
    path = Path(path)
    file = str(path)
    origin = f"findings:{path.name}"
    out: list[Problem] = []
    seen: dict[str, str] = {}
    with open_book(path) as book:
        _refuse_own_output(path, book.output_kind)
        headers, best = find_headers(book, REQUIRED)
        if not headers:
            missing, where = missing_columns(best, REQUIRED)
            raise LedgerError(
                f"督查发现问题清单 {path.name} 缺少必需的列:{'、'.join(missing)}{where}。"
                f"必需的列为:{'、'.join(REQUIRED)}",
                Location(file=file),
            )
        for h in headers:
            rows = book.rows(h.sheet)
            for r in range(h.row + 1, len(rows)):
                problem = _row_problem(h, rows[r], r, file, origin, findings)
                if problem is None:
                    continue
                if problem.id in seen:
                    findings.append(
                        Finding(
                            "duplicate-finding",
                            f"与{seen[problem.id]}的问题相同(同一单位、来源和描述),已合并为一条",
                            problem.location or Location(file=file),
                            "warning",
                        )
                    )
                    continue
                seen[problem.id] = f"{h.sheet} 第 {r + 1} 行"
                out.append(problem)
    return out


def _row_problem(
    h: Header, row: list[Any], r: int, file: str, origin: str, findings: list[Finding]
) -> Problem | None:
    def cell(name: str) -> Any:
        c = h.columns.get(name)
        return row[c] if c is not None and c < len(row) else None

    def loc(name: str | None = None) -> Location:
        c = h.columns.get(name) if name else None
        if c is None:
            return Location(file=file, sheet=h.sheet, row=r + 1)
        return Location(file=file, sheet=h.sheet, cell=f"{column_letter(c)}{r + 1}")

    values = row_values(h, row)
    if not any(values.values()):
        return None
    for name, text in values.items():
        if len(text) > MAX_CELL_TEXT:
            values[name] = text[:MAX_CELL_TEXT]
            findings.append(
                Finding(
                    "text-too-long",
                    f"{name}有 {len(text):,} 个字符,超过 Excel 单元格的上限 {MAX_CELL_TEXT:,} 个字符,"
                    "台账中只保留前面部分",
                    loc(name),
                    "warning",
                )
            )
    if not_a_problem(values):
        return None
    missing = [n for n in REQUIRED if not values.get(n)]
    if missing:
        findings.append(
            Finding(
                "finding-incomplete",
                f"{'、'.join(missing)}为空,本行未列入台账",
                loc(missing[0]),
            )
        )
        return None
    lost: float | None = None
    if "扣分" in h.columns:
        parsed = _number(cell("扣分"))
        if parsed is False:
            findings.append(
                Finding(
                    "bad-number",
                    f"扣分“{shown(values['扣分'])}”不是数字,已按空白处理",
                    loc("扣分"),
                )
            )
        elif isinstance(parsed, float):
            lost = parsed
    raw_deadline = cell("整改时限")
    deadline, ok = parse_deadline(clean_text(raw_deadline) if isinstance(raw_deadline, str) else raw_deadline)
    if not ok:
        findings.append(
            Finding(
                "bad-date",
                f"整改时限“{shown(values['整改时限'])}”不是日期;应填日期(如 2025-06-30)或“立行立改”“长期坚持”,"
                "已按未填处理",
                loc("整改时限"),
            )
        )
    status: str | None = None
    raw_status = unicodedata.normalize("NFKC", values.get("整改状态", "")).strip()
    if raw_status:
        status = raw_status if raw_status in STATUSES else STATUS_ALIASES.get(raw_status)
        if status is None:
            findings.append(
                Finding(
                    "bad-status",
                    f"整改状态“{shown(raw_status)}”不在可选值中({'、'.join(STATUSES)}),已按未开始处理",
                    loc("整改状态"),
                )
            )
    unit, source = values["单位名称"], values["问题来源"]
    description = values["问题描述"]
    return Problem(
        id=finding_problem_id(unit, source, description),
        unit=unit,
        source=source,
        category=values["问题类别"],
        description=description,
        origin=origin,
        indicator=values.get("关联指标", ""),
        lost=lost,
        department=values.get("责任单位", ""),
        owner=values.get("责任人", ""),
        measure=values.get("整改措施", ""),
        deadline=deadline,
        status=status,
        location=loc(),
    )


__all__ = [
    "ALIASES",
    "REQUIRED",
    "Header",
    "cell_text",
    "find_headers",
    "header_in",
    "lookup",
    "missing_columns",
    "not_a_problem",
    "read_findings",
    "row_values",
]
