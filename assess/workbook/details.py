"""Detail tables (明细表): one row per village, household or project.

Either a sheet of a county workbook (every row belongs to that county) or a
province-wide file with a unit column, split here by unit.  Built for
500,000 rows: columns are mapped once and parsed as whole lists.  The
user-facing description is docs/workbooks.md section 4.3.
"""

from __future__ import annotations

from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Finding, Location
from assess.scheme.inputs import KIND_PERCENT, TableSpec
from assess.workbook.data import ERROR, MISSING, TableData
from assess.workbook.headers import (
    TOTAL_ROWS,
    RolesMemo,
    cell_text,
    find_header,
    keys,
    match_roles,
)
from assess.workbook.names import clean, key_of, split_unit
from assess.workbook.read import Book, Row, column_letter, open_book, paused_gc
from assess.workbook.safety import fail
from assess.workbook.values import SUSPECT, parse_column, unit_factor

MAX_CELL_FINDINGS = 20  # per column of a detail table; the rest are counted in one finding


def dup_or(book: Book, dup: Finding | None, text: str) -> AssessError:
    """An error for a sheet lookup that failed, ambiguous or absent."""
    return fail(book.path, dup.message if dup is not None else text)


class UnitTables(dict[str, TableData]):
    """A detail table split by unit name, with the findings about rows that belong to no unit."""

    def __init__(self, findings: list[Finding] | None = None) -> None:
        super().__init__()
        self.findings: list[Finding] = findings or []


def read_details(path: Path, spec: TableSpec, sheet: str | None = None) -> UnitTables:
    """Read a province-wide detail table and split it by the unit column; fast for 500,000 rows."""
    with open_book(Path(path)) as book:
        return details_from_book(book, spec, sheet)


def table_header(book: Book, sheet: str, spec: TableSpec) -> tuple[int, dict[str, int], int | None]:
    """Header row, column key → index, and the unit column (None when absent)."""
    wanted, full, memo = _header_roles(spec)
    rows = book.rows(sheet)
    h, _ = find_header(rows, lambda row: len(match_roles(row, wanted, memo)), full=full)
    if h < 0:
        return -1, {}, None
    found = match_roles(rows[h], wanted, memo)
    unit_col = found.pop("\0unit", None)
    return h, found, unit_col


_roles_memo: dict[int, tuple[TableSpec, dict[str, frozenset[str]], int, RolesMemo]] = {}


def _header_roles(spec: TableSpec) -> tuple[dict[str, frozenset[str]], int, RolesMemo]:
    """Column key → header keys, with ``"\0unit"`` for the unit column, the number of
    columns, and the rows matched so far; worked out once per table spec."""
    hit = _roles_memo.get(id(spec))
    if hit is None or hit[0] is not spec:
        roles = {c.key: keys(c.name, *c.aliases) for c in spec.columns}
        wanted = {**roles, "\0unit": keys(spec.unit_column, *spec.unit_aliases)}
        if len(_roles_memo) > 256:
            _roles_memo.clear()
        hit = _roles_memo[id(spec)] = (spec, wanted, len(roles), {})
    return hit[1], hit[2], hit[3]


def find_table_sheet(book: Book, spec: TableSpec, sheet: str | None) -> str:
    if sheet is not None:
        found, dup = book.find_sheet(sheet)
        if found is None:
            raise dup_or(book, dup, f"找不到工作表“{sheet}”")
        return found
    found, dup = book.find_sheet(spec.name, *spec.aliases)
    if found is not None:
        return found
    if dup is not None:
        raise dup_or(book, dup, "")
    visible = [s.name for s in book.sheets if s.visible == "visible"] or book.sheet_names
    scored = [(len(table_header(book, s, spec)[1]), s) for s in visible]
    best = max(scored, default=(0, ""))
    if best[0] == 0:
        raise fail(book.path, f"未找到明细表“{spec.name}”(没有同名工作表,也没有含其列名的表头)")
    return best[1]


def details_from_book(book: Book, spec: TableSpec, sheet: str | None = None) -> UnitTables:
    """:func:`read_details` on an open Book (garbage collection paused: see :func:`paused_gc`)."""
    with paused_gc():
        return _details_from_book(book, spec, sheet)


def _details_from_book(book: Book, spec: TableSpec, sheet: str | None) -> UnitTables:
    name = find_table_sheet(book, spec, sheet)
    h, cols, unit_col = table_header(book, name, spec)
    out = UnitTables()
    loc = Location(file=book.file, sheet=name, row=h + 1 if h >= 0 else None)
    if unit_col is None:
        raise fail(book.path, f"明细表“{name}”中没有标明所属单位的列(如“{spec.unit_column}”)")
    rows = _data_rows(book.rows(name), h, [unit_col, *cols.values()])
    unit_keys: list[str] = []
    memo: dict[object, str] = {}
    letter = column_letter(unit_col)
    for r, row in rows:
        u = row[unit_col] if unit_col < len(row) else ""
        text = memo.get(u)
        if text is None:
            text = memo[u] = clean(cell_text(u))
        if not text and len(out.findings) < MAX_CELL_FINDINGS:
            cell = Location(file=book.file, sheet=name, cell=f"{letter}{r + 1}")
            out.findings.append(Finding("missing-unit-name", "该行未填写所属单位,已跳过", cell))
        unit_keys.append(text)
    table = _build_table(book, name, spec, h, cols, rows)
    out.findings.extend(_missing_columns(spec, cols, loc))
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(unit_keys):
        if k:
            groups.setdefault(k, []).append(i)
    by_row: dict[int, str] = {}
    for k, idx in groups.items():
        for i in idx:
            by_row[table.rows[i]] = k
    for unit, idx in groups.items():
        part = TableData(key=spec.key, file=book.file, sheet=name, letters=table.letters)
        lo, hi = idx[0], idx[-1] + 1
        if hi - lo == len(idx):  # rows of a unit usually sit together: slice instead of index
            part.rows = table.rows[lo:hi]
            part.columns = {k: v[lo:hi] for k, v in table.columns.items()}
        else:
            pick = itemgetter(*idx) if len(idx) > 1 else (lambda v, i=lo: (v[i],))
            part.rows = list(pick(table.rows))
            part.columns = {k: list(pick(v)) for k, v in table.columns.items()}
        out[unit] = part
    for f in table.findings:  # a cell's finding goes to the cell's unit, a column's to the file
        owner = by_row.get(_row_of(f)) if f.location.cell else None
        (out[owner].findings if owner is not None else out.findings).append(f)
    return out


def _row_of(f: Finding) -> int:
    digits = "".join(ch for ch in (f.location.cell or "") if ch.isdigit())
    return int(digits) if digits else -1


def _missing_columns(spec: TableSpec, cols: dict[str, int], loc: Location) -> list[Finding]:
    return [
        Finding("missing-column", f"明细表“{spec.name}”缺少列“{c.name}”", loc)
        for c in spec.columns
        if c.key not in cols
    ]


def _data_rows(rows: list[Row], h: int, needed: list[int]) -> list[tuple[int, Row]]:
    """Rows under the header holding anything in the needed columns, without total rows.

    The first needed column is the one checked for 合计/总计 (the unit column of a
    province-wide table).  itemgetter keeps the per-row cost in C for 500,000 rows.
    """
    out: list[tuple[int, Row]] = []
    if not needed:
        return out
    n = len(needed)
    get = itemgetter(*needed) if n > 1 else (lambda row: (row[needed[0]],))
    for r in range(h + 1, len(rows)):
        row = rows[r]
        try:
            vals = get(row)
        except IndexError:
            vals = tuple(row[c] if c < len(row) else "" for c in needed)
        if vals.count("") == n:
            continue
        lead = vals[0]
        if type(lead) is str and lead and key_of(lead) in TOTAL_ROWS:
            continue
        out.append((r, row))
    return out


def _cells(data: list[Row], c: int) -> list[Any]:
    try:
        return list(map(itemgetter(c), data))
    except IndexError:
        return [row[c] if c < len(row) else "" for row in data]


@lru_cache(maxsize=4096)
def _head_unit_of(text: str) -> str | None:
    return split_unit(text)[1]


def _head_unit(cell: Any) -> str | None:
    """The unit in a header cell (``集体经济收入(万元)`` → 万元); the same headers recur in every file."""
    text = cell_text(cell)
    return _head_unit_of(text)


def table_from_sheet(book: Book, sheet: str, spec: TableSpec) -> TableData:
    """One unit's detail table from a sheet of its own workbook (all rows belong to the unit)."""
    h, cols, _unit_col = table_header(book, sheet, spec)
    loc = Location(file=book.file, sheet=sheet, row=h + 1 if h >= 0 else None)
    if h < 0:
        t = TableData(key=spec.key, file=book.file, sheet=sheet)
        t.findings = [
            Finding(
                "missing-column",
                f"明细表“{sheet}”中找不到表头(列名如“{spec.columns[0].name if spec.columns else ''}”)",
                loc,
            )
        ]
        return t
    rows = _data_rows(book.rows(sheet), h, list(cols.values()))
    table = _build_table(book, sheet, spec, h, cols, rows)
    table.findings[:0] = _missing_columns(spec, cols, loc)
    return table


def _build_table(
    book: Book,
    sheet: str,
    spec: TableSpec,
    h: int,
    cols: dict[str, int],
    rows: list[tuple[int, Row]],
) -> TableData:
    """Columns as lists: numbers (float or None) for numeric kinds, text (str or None) for text."""
    numbers = [r for r, _row in rows]
    table = TableData(key=spec.key, file=book.file, sheet=sheet, rows=[r + 1 for r in numbers])
    header = book.rows(sheet)[h]
    data = [row for _r, row in rows]
    for col in spec.columns:
        c = cols.get(col.key)
        if c is None:
            continue
        letter = column_letter(c)
        table.letters[col.key] = letter
        percent = col.kind == KIND_PERCENT or col.unit == "%"
        raw, whole = book.refine_column(sheet, c, numbers, _cells(data, c), percent=percent)
        head_unit = _head_unit(header[c])
        factor = unit_factor(head_unit, col.unit) if head_unit and col.unit else 1.0
        if factor is None:
            table.findings.append(
                Finding(
                    "unit-mismatch",
                    f"列“{cell_text(header[c])}”的单位“{head_unit}”与方案要求的“{col.unit}”不一致,无法换算",
                    Location(file=book.file, sheet=sheet, cell=f"{letter}{h + 1}"),
                )
            )
            factor = 1.0
        values, bad = parse_column(raw, col.kind, col.unit, factor, percent_formatted=whole)
        table.columns[col.key] = values
        for n, (i, status, note) in enumerate(bad):
            if status == MISSING:
                continue
            if n >= MAX_CELL_FINDINGS:
                rest = sum(1 for _i, s, _n in bad[n:] if s == ERROR)
                if rest:
                    table.findings.append(
                        Finding(
                            "bad-value",
                            f"列“{col.name}”另有 {rest} 个单元格无效,未逐一列出",
                            Location(file=book.file, sheet=sheet, cell=f"{letter}{h + 1}"),
                        )
                    )
                break
            code = "bad-value" if status == ERROR else "suspect-percent"
            if status != ERROR and not note.startswith(SUSPECT):
                continue
            table.findings.append(
                Finding(
                    code,
                    f"“{col.name}”{note.removeprefix(SUSPECT)}",
                    Location(file=book.file, sheet=sheet, cell=f"{letter}{rows[i][0] + 1}"),
                    "error" if status == ERROR else "warning",
                )
            )
    return table
