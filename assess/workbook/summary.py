"""Summary table (汇总表): one row per unit, one column per field.

The user-facing description is docs/workbooks.md section 4.2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from assess.errors import Finding, Location
from assess.scheme.inputs import KIND_PERCENT, InputSpec, ReadPlan
from assess.workbook.checks import (
    canonical_group,
    canonical_unit,
    check_unit,
    check_year,
)
from assess.workbook.data import OK, UnitData, Value
from assess.workbook.details import dup_or
from assess.workbook.headers import (
    GROUP_HEADERS,
    TOTAL_ROWS,
    UNIT_HEADERS,
    YEAR_HEADERS,
    cell_at,
    cell_text,
    find_header,
    is_blank,
    match_roles,
    spec_index,
)
from assess.workbook.names import clean, code_key, key_of, split_unit
from assess.workbook.read import Book, Row, column_letter, open_book
from assess.workbook.safety import fail
from assess.workbook.values import parse_value, parse_year, unit_factor


class UnitList(list[UnitData]):
    """Units read from one file, with the findings about the file as a whole."""

    def __init__(
        self, items: Iterable[UnitData] = (), findings: list[Finding] | None = None
    ) -> None:
        super().__init__(items)
        self.findings: list[Finding] = findings or []


def read_summary(path: Path, plan: ReadPlan, sheet: str | None = None) -> UnitList:
    """Read a summary table: one row per unit, one column per field.  File-level problems go to ``.findings``."""
    with open_book(Path(path)) as book:
        return summary_from_book(book, plan, sheet)


def summary_columns(
    row: Row, by_code: dict[str, InputSpec], by_name: dict[str, InputSpec]
) -> dict[int, tuple[InputSpec, str | None]]:
    out: dict[int, tuple[InputSpec, str | None]] = {}
    seen: set[str] = set()
    for c, v in enumerate(row):
        if is_blank(v):
            continue
        name, unit = split_unit(cell_text(v))
        spec = by_code.get(code_key(v)) or by_name.get(key_of(v)) or by_code.get(code_key(name))
        if spec is None:  # “A1 农村居民收入” or “A1\n农村居民收入”
            parts = re.split(r"[\s:]+", cell_text(v), maxsplit=1)
            if len(parts) == 2:
                spec = by_code.get(code_key(parts[0])) or by_name.get(key_of(parts[1]))
        if spec is not None and spec.key not in seen:
            seen.add(spec.key)
            out[c] = (spec, unit)
    return out


def summary_from_book(book: Book, plan: ReadPlan, sheet: str | None = None) -> UnitList:
    """:func:`read_summary` on an open Book."""
    file = book.file
    by_code, by_name = spec_index(plan.inputs)
    result = UnitList()
    candidates = (
        [sheet]
        if sheet
        else [s.name for s in book.sheets if s.visible == "visible"] or book.sheet_names
    )
    if sheet and sheet not in book.sheet_names:
        found, dup = book.find_sheet(sheet)
        if found is None:
            raise dup_or(book, dup, f"找不到工作表“{sheet}”")
        candidates = [found]
    best: tuple[int, str, int] = (0, "", -1)
    for name in candidates:
        rows = book.rows(name)
        h, score = find_header(
            rows,
            lambda row: (
                len(summary_columns(row, by_code, by_name))
                + bool(match_roles(row, {"u": UNIT_HEADERS}))
            ),
        )
        if score > best[0]:
            best = (score, name, h)
    score, name, h = best
    rows = book.rows(name) if name else []
    unit_col = match_roles(rows[h], {"u": UNIT_HEADERS}).get("u") if h >= 0 else None
    if h < 0 or unit_col is None:
        raise fail(
            book.path,
            "未找到汇总表的表头(需要“单位名称”或“县市区”等列,以及以指标编码或名称为表头的列)",
        )
    columns = summary_columns(rows[h], by_code, by_name)
    start = h + 1
    if h + 1 < len(rows):  # a row of codes under the names
        extra = summary_columns(rows[h + 1], by_code, by_name)
        if len(extra) >= 2:
            for c, item in extra.items():
                columns.setdefault(c, item)
            start = h + 2
    if h > 0:  # merged group headers above: only fill columns not matched yet
        for c, item in summary_columns(rows[h - 1], by_code, by_name).items():
            if c not in columns and item[0].key not in {s.key for s, _u in columns.values()}:
                columns[c] = item
    roles = match_roles(rows[h], {"group": GROUP_HEADERS, "year": YEAR_HEADERS})
    gc, yc = roles.get("group"), roles.get("year")
    header_loc = Location(file=file, sheet=name, row=h + 1)
    present = {s.key for s, _u in columns.values()}
    for spec in plan.inputs:
        if spec.required and spec.key not in present:
            result.findings.append(
                Finding("missing-field", f"汇总表缺少指标“{spec.name}”所在的列", header_loc)
            )
    factors: dict[int, float] = {}
    for c, (spec, unit) in columns.items():
        if unit and spec.unit and unit != spec.unit:
            f = unit_factor(unit, spec.unit)
            loc = Location(file=file, sheet=name, cell=f"{column_letter(c)}{h + 1}")
            if f is None:
                result.findings.append(
                    Finding(
                        "unit-mismatch",
                        f"列“{cell_text(rows[h][c])}”的单位“{unit}”与方案要求的“{spec.unit}”不一致,无法换算",
                        loc,
                    )
                )
            elif f != 1.0:
                factors[c] = f
    percent_cols = [c for c, (s, _u) in columns.items() if s.kind == KIND_PERCENT or s.unit == "%"]
    if percent_cols:
        book.mark_percent(name, percent_cols)
    plan_cols = [
        (c, spec, column_letter(c), factors.get(c)) for c, (spec, _u) in sorted(columns.items())
    ]
    for r in range(start, len(rows)):
        row = rows[r]
        unit_raw = cell_at(row, unit_col)
        if is_blank(unit_raw):
            if any(not is_blank(cell_at(row, c)) for c, *_rest in plan_cols):
                result.findings.append(
                    Finding(
                        "missing-unit-name",
                        f"第 {r + 1} 行有数据但单位名称为空,已跳过",
                        Location(file=file, sheet=name, row=r + 1),
                    )
                )
            continue
        unit = clean(cell_text(unit_raw))
        if key_of(unit) in TOTAL_ROWS or unit.startswith(("注", "说明", "填表", "备注")):
            continue
        where = f"{name}!{column_letter(unit_col)}{r + 1}"
        uloc = Location(file=file, sheet=name, cell=f"{column_letter(unit_col)}{r + 1}")
        findings: list[Finding] = []
        unit = canonical_unit(unit, plan, uloc, findings)
        year = parse_year(cell_at(row, yc)) if yc is not None else None
        check_year(year, plan, uloc, findings)
        group_text = cell_text(cell_at(row, gc)) if gc is not None else ""
        group = canonical_group(group_text or None, unit, plan, uloc, findings)
        data = UnitData(
            unit=unit,
            group=group,
            year=year if year is not None else plan.year,
            file=file,
            where=where,
        )
        cells: dict[str, Location] = {}
        for c, spec, letter, factor in plan_cols:
            raw = row[c] if c < len(row) else ""
            number, status, note = parse_value(raw, spec.kind, spec.unit)
            if factor is not None and number is not None and status == OK and type(raw) is not str:
                number *= factor
            ref = f"{letter}{r + 1}"
            data.values[spec.key] = Value(number, status, raw, f"{name}!{ref}", file, note)
            cells[spec.key] = Location(file=file, sheet=name, cell=ref)
        findings.extend(check_unit(data, [s for _c, s, _l, _f in plan_cols], cells))
        data.findings = findings
        result.append(data)
    return result
