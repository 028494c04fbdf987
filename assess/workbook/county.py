"""County workbook (填报表): one unit per file, label/value details and a field-per-row data sheet.

The unit's name, year and group are labels (``单位名称 | 甲县`` or ``填报单位:甲县``)
on any sheet; the data sheet has 指标编码/指标名称 and 数值 headers.  Detail
tables named like the plan's are read from the same workbook.  The
user-facing description is docs/workbooks.md section 4.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assess.errors import Finding, Location
from assess.scheme.inputs import KIND_PERCENT, InputSpec, ReadPlan
from assess.workbook.checks import (
    canonical_group,
    canonical_unit,
    check_unit,
    check_year,
)
from assess.workbook.data import OK, UnitData, Value
from assess.workbook.details import table_from_sheet
from assess.workbook.headers import (
    COUNTY_ROLES,
    GROUP_HEADERS,
    HEADER_SCAN,
    UNIT_HEADERS,
    YEAR_HEADERS,
    cell_at,
    cell_text,
    find_header,
    is_blank,
    keys,
    match_roles,
    spec_index,
)
from assess.workbook.names import clean, closest, code_key, key_of, name_key
from assess.workbook.read import Book, column_letter, open_book
from assess.workbook.safety import fail
from assess.workbook.values import parse_value, parse_year, unit_factor

LABELS: dict[str, frozenset[str]] = {
    "unit": UNIT_HEADERS - keys("单位", "村", "县", "乡镇", "地区"),
    "year": YEAR_HEADERS,
    "group": GROUP_HEADERS,
}
_LABEL_RE = re.compile(
    r"(单位名称|填报单位|被考核单位|县\(市、区\)|县市区|年度|考核年度|填报年度|分组|考核分组|组别):\s*([^\s:]+)"
)


def read_county(path: Path, plan: ReadPlan) -> UnitData:
    """Read one county workbook (label/value details and a field-per-row data sheet).

    Raises WorkbookError when the file cannot be read or has no data sheet;
    every other problem is a Finding in the returned UnitData.
    """
    with open_book(Path(path)) as book:
        return county_from_book(book, plan)


def _data_sheets(book: Book, plan: ReadPlan) -> list[tuple[str, int, dict[str, int]]]:
    """Sheets holding a field-per-row table: (sheet, header row, role → column)."""
    table_keys = {key_of(n) for t in plan.tables for n in (t.name, *t.aliases)}
    found: list[tuple[str, int, dict[str, int], str]] = []
    for info in book.sheets:
        if info.visible == "very-hidden" or key_of(info.name) in table_keys:
            continue
        rows = book.rows(info.name)
        h, _ = find_header(rows, lambda row: len(match_roles(row, COUNTY_ROLES)))
        if h < 0:
            continue
        roles = match_roles(rows[h], COUNTY_ROLES)
        if "value" in roles and ("code" in roles or "name" in roles):
            found.append((info.name, h, roles, info.visible))
    visible = [f for f in found if f[3] == "visible"]
    return [(s, h, r) for s, h, r, _v in (visible or found)]


def _labels(book: Book, sheets: Iterable[str]) -> dict[str, tuple[Any, str, str]]:
    """Label → (value, sheet, cell) for 单位名称/年度/分组 written as pairs or as ``标签:值`` text."""
    out: dict[str, tuple[Any, str, str]] = {}
    for sheet in sheets:
        rows = book.rows(sheet)
        for r, row in enumerate(rows[:HEADER_SCAN]):
            for c, v in enumerate(row[:30]):
                if type(v) is not str or not v:
                    continue
                k = key_of(v)
                for label, wanted in LABELS.items():
                    if label in out or k not in wanted:
                        continue
                    for c2 in range(c + 1, min(len(row), c + 6)):
                        if not is_blank(row[c2]):
                            out[label] = (row[c2], sheet, f"{column_letter(c2)}{r + 1}")
                            break
                text = clean(v)
                if ":" in text:
                    for m in _LABEL_RE.finditer(text):
                        for label, wanted in LABELS.items():
                            if label not in out and name_key(m.group(1)) in wanted:
                                out[label] = (
                                    m.group(2),
                                    sheet,
                                    f"{column_letter(c)}{r + 1}",
                                )
    return out


def county_from_book(book: Book, plan: ReadPlan) -> UnitData:
    """:func:`read_county` on an open Book."""
    file = book.file
    findings: list[Finding] = []
    sheets = _data_sheets(book, plan)
    if not sheets:
        raise fail(
            book.path,
            "未找到指标数据表(需要有“指标编码”或“指标名称”以及“数值”等表头的工作表)",
        )
    others = [s.name for s in book.sheets if s.name not in {x[0] for x in sheets}]
    labels = _labels(book, [*others, *(s for s, _h, _r in sheets)])
    first = sheets[0][0]
    unit, where = _unit_name(book, labels, findings)
    unit_loc = (
        Location(file=file, sheet=labels["unit"][1], cell=labels["unit"][2])
        if "unit" in labels
        else Location(file=file)
    )
    unit = canonical_unit(unit, plan, unit_loc, findings)
    year = _county_year(book, labels, first)
    if year is not None:
        loc = (
            Location(file=file, sheet=labels["year"][1], cell=labels["year"][2])
            if "year" in labels
            else Location(file=file, sheet=first)
        )
        check_year(year, plan, loc, findings)
    group_raw = cell_text(labels["group"][0]) if "group" in labels else None
    group_loc = (
        Location(file=file, sheet=labels["group"][1], cell=labels["group"][2])
        if "group" in labels
        else unit_loc
    )
    group = canonical_group(group_raw or None, unit, plan, group_loc, findings)
    data = UnitData(
        unit=unit,
        group=group,
        year=year if year is not None else plan.year,
        file=file,
        where=where,
    )
    by_code, by_name = spec_index(plan.inputs)
    cells: dict[str, Location] = {}
    for sheet, h, roles in sheets:
        _read_rows(book, sheet, h, roles, by_code, by_name, data, cells, findings)
    for spec in plan.inputs:
        if spec.key not in data.values and spec.required:
            code = f"(编码 {spec.code})" if spec.code else ""
            findings.append(
                Finding(
                    "missing-field",
                    f"缺少指标“{spec.name}”{code}的填报行",
                    Location(file=file, sheet=first),
                )
            )
    findings.extend(check_unit(data, plan.inputs, cells))
    for tspec in plan.tables:
        tsheet, dup = book.find_sheet(tspec.name, *tspec.aliases)
        if dup is not None:
            findings.append(dup)
        if tsheet is not None:
            table = table_from_sheet(book, tsheet, tspec)
            findings.extend(table.findings)
            data.tables[tspec.key] = table
    data.findings = findings
    return data


def _unit_name(
    book: Book, labels: dict[str, tuple[Any, str, str]], findings: list[Finding]
) -> tuple[str, str]:
    if "unit" in labels and cell_text(labels["unit"][0]):
        value, sheet, cell = labels["unit"]
        return clean(cell_text(value)), f"{sheet}!{cell}"
    stem = book.path.stem
    findings.append(
        Finding(
            "missing-unit-name",
            f"未找到“单位名称”,已按文件名“{stem}”作为单位名称",
            Location(file=book.file),
            "warning",
        )
    )
    return clean(stem), ""


def _county_year(book: Book, labels: dict[str, tuple[Any, str, str]], sheet: str) -> int | None:
    if "year" in labels:
        return parse_year(labels["year"][0])
    for row in book.rows(sheet)[:5]:  # a title such as “2024年度乡村振兴实绩考核数据表”
        for v in row:
            if type(v) is str and "年" in v:
                y = parse_year(v.split("年")[0][-4:])
                if y is not None:
                    return y
    return None


def _read_rows(
    book: Book,
    sheet: str,
    h: int,
    roles: dict[str, int],
    by_code: dict[str, InputSpec],
    by_name: dict[str, InputSpec],
    data: UnitData,
    cells: dict[str, Location],
    findings: list[Finding],
) -> None:
    """Match each row under the header to a field by code, then by name, and parse its value."""
    cc, nc, uc, vc, oc = (roles.get(k) for k in ("code", "name", "unit", "value", "note"))
    assert vc is not None
    if any(s.kind == KIND_PERCENT or s.unit == "%" for s in by_name.values()):
        book.mark_percent(sheet, [vc])
    rows = book.rows(sheet)
    letter = column_letter(vc)
    file = book.file
    names = sorted({s.name for s in by_name.values()})
    for r in range(h + 1, len(rows)):
        row = rows[r]
        code, name, raw = cell_at(row, cc), cell_at(row, nc), cell_at(row, vc)
        if is_blank(code) and is_blank(name):
            continue
        spec = by_code.get(code_key(code)) if not is_blank(code) else None
        if spec is None and not is_blank(name):
            spec = by_name.get(key_of(name))
        loc = Location(file=file, sheet=sheet, cell=f"{letter}{r + 1}")
        if spec is None:
            if not is_blank(raw) and not is_blank(name):
                hint = closest(cell_text(name), names)
                tip = f",是否为“{hint}”?" if hint else ""
                findings.append(
                    Finding(
                        "unknown-field",
                        f"方案中没有指标“{cell_text(name)}”{tip}",
                        loc,
                        "warning",
                    )
                )
            continue
        if spec.key in data.values:
            first = data.values[spec.key].where
            findings.append(
                Finding(
                    "duplicate-field",
                    f"指标“{spec.name}”重复填报(首次在 {first}),以首次为准",
                    loc,
                )
            )
            continue
        number, status, note = parse_value(raw, spec.kind, spec.unit)
        row_unit = clean(cell_text(cell_at(row, uc))) if uc is not None else ""
        if row_unit and spec.unit and row_unit.casefold() != clean(spec.unit).casefold():
            factor = unit_factor(row_unit, spec.unit)
            if factor is None:
                findings.append(
                    Finding(
                        "unit-mismatch",
                        f"指标“{spec.name}”的计量单位填为“{row_unit}”,方案要求“{spec.unit}”,无法换算,请核实",
                        loc,
                    )
                )
            elif number is not None and status == OK and not note and type(raw) is not str:
                number *= factor
                note = f"按“{row_unit}”换算为“{spec.unit}”"
        evidence = cell_text(cell_at(row, oc)) if oc is not None else ""
        full_note = ";".join(x for x in (note, evidence) if x) if status == OK else note
        data.values[spec.key] = Value(
            number, status, raw, f"{sheet}!{letter}{r + 1}", file, full_note
        )
        cells[spec.key] = loc
