"""County workbook (填报表): one unit per file, label/value details and a field-per-row data sheet.

The unit's name, year and group are labels (``单位名称 | 甲县`` or ``填报单位:甲县``)
on any sheet; the data sheet has 指标编码/指标名称 and 数值 headers.  Detail
tables named like the plan's are read from the same workbook.  The
user-facing description is docs/workbooks.md section 4.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

from assess.errors import Finding, Location
from assess.scheme.inputs import ReadPlan
from assess.workbook.checks import (
    canonical_group,
    canonical_unit,
    check_unit,
    check_year,
)
from assess.workbook.data import OK, UnitData, Value
from assess.workbook.details import table_from_sheet
from assess.workbook.headers import (
    GROUP_HEADERS,
    HEADER_SCAN,
    UNIT_HEADERS,
    YEAR_HEADERS,
    book_county_header,
    cell_text,
    is_blank,
    keys,
)
from assess.workbook.names import clean, key_of, name_key, shown
from assess.workbook.read import Book, column_letter, open_book
from assess.workbook.rowmatch import (
    Layout,
    RowIndex,
    cached_layout,
    cells,
    code_name_pairs,
    match_rows,
    row_index,
    unit_pairs_of,
)
from assess.workbook.safety import fail
from assess.workbook.values import PercentCell, is_bare_number, parse_rating, parse_value, parse_year

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
    """Sheets holding a field-per-row table: (sheet, header row, role → column).

    The plan's detail-table sheets and very hidden sheets are not read here.
    """
    table_keys = row_index(plan).table_keys
    found: list[tuple[str, int, dict[str, int], str]] = []
    for info in book.sheets:
        if info.visible == "very-hidden" or key_of(info.name) in table_keys:
            continue
        header = book_county_header(book, info.name)
        if header is not None:
            found.append((info.name, *header, info.visible))
    visible = [f for f in found if f[3] == "visible"]
    return [(s, h, r) for s, h, r, _v in (visible or found)]


def _labels(book: Book, places: Iterable[tuple[str, int]]) -> dict[str, tuple[Any, str, str]]:
    """Label → (value, sheet, cell) for 单位名称/年度/分组 written as pairs or as ``标签:值`` text.

    ``places`` are (sheet, rows to look at); the search stops once all three are found.
    """
    out: dict[str, tuple[Any, str, str]] = {}
    for sheet, depth in places:
        rows = book.rows(sheet)
        for r, row in enumerate(rows[:depth]):
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
                if ":" in v or "：" in v or "﹕" in v:
                    for m in _LABEL_RE.finditer(clean(v)):
                        for label, wanted in LABELS.items():
                            if label not in out and name_key(m.group(1)) in wanted:
                                out[label] = (m.group(2), sheet, f"{column_letter(c)}{r + 1}")
            if len(out) == len(LABELS):
                return out
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
    data_names = {x[0] for x in sheets}
    index = row_index(plan)
    table_keys = index.table_keys
    others = [
        (s.name, HEADER_SCAN)
        for s in book.sheets
        if s.name not in data_names and s.visible != "very-hidden" and key_of(s.name) not in table_keys
    ]
    labels = _labels(book, [*others, *((s, h) for s, h, _r in sheets)])
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
    for sheet, h, roles in sheets:
        _read_rows(book, sheet, h, roles, index, data, findings)
    # every value read is a field's; as many as there are fields means none is missing
    skip = plan.optional.get(data.group or "", frozenset()) if plan.optional else frozenset()
    for spec in plan.inputs if len(data.values) < index.n_keys else ():
        if spec.key not in data.values and spec.required and spec.key not in skip:
            code = f"(编码 {spec.code})" if spec.code else ""
            findings.append(
                Finding(
                    "missing-field",
                    f"缺少指标“{spec.name}”{code}的填报行",
                    Location(file=file, sheet=first),
                )
            )
    findings.extend(check_unit(data, plan.inputs, skip=skip))
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
        name = clean(cell_text(value))
        if name:
            return name, f"{sheet}!{cell}"
        findings.append(  # only invisible characters (a bell, a zero-width space…)
            Finding(
                "missing-unit-name",
                f"“单位名称”只有不可见的字符(“{shown(cell_text(value))}”),请填写单位名称",
                Location(file=book.file, sheet=sheet, cell=cell),
            )
        )
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


def _filled(v: Any) -> bool:
    """``not is_blank(v)``."""
    return v is not None and (type(v) is not str or bool(v.strip()))


def _read_rows(
    book: Book,
    sheet: str,
    h: int,
    roles: dict[str, int],
    index: RowIndex,
    data: UnitData,
    findings: list[Finding],
) -> None:
    """Match each row under the header to a field by code, then by name, and parse its value.

    Rows the plan does not need are only matched, never parsed.  The sheet's
    XML is consulted (.xlsx) only when a needed value is blank (an error value
    or a formula without a result reads as blank) or a percent field holds a
    number between 0 and 1 (maybe a percent-formatted cell).
    """
    cc, nc, uc, vc, oc = (roles.get(k) for k in ("code", "name", "unit", "value", "note"))
    assert vc is not None
    rows = book.rows(sheet)
    letter = column_letter(vc)
    file = book.file
    by_row: list[tuple[int, Finding]] = []  # findings about rows, put in row order at the end
    body = rows[h + 1 :]
    keys = code_name_pairs(body, cc, nc)
    seen = data.values
    if seen:  # a second data sheet: its duplicates depend on the first
        layout = match_rows(index, sheet, h, letter, keys, seen)
    else:
        layout = cached_layout(index, sheet, h, letter, (cc, nc, vc), keys)
    for i, text, hint in layout.hinted:
        if _filled(body[i][vc] if vc < len(body[i]) else ""):
            by_row.append(
                (
                    h + 1 + i,
                    Finding(
                        "unknown-field",
                        f"方案中没有指标“{shown(text)}”,是否为“{hint}”?",
                        Location(file=file, sheet=sheet, cell=f"{letter}{h + 2 + i}"),
                        "warning",
                    ),
                )
            )
    for i, spec, first in layout.dups:
        by_row.append(
            (
                h + 1 + i,
                Finding(
                    "duplicate-field",
                    f"指标“{spec.name}”重复填报(首次在 {first}),以首次为准",
                    Location(file=file, sheet=sheet, cell=f"{letter}{h + 2 + i}"),
                ),
            )
        )
    unknown = layout.unknown_texts
    if unknown:
        filled = cells(layout.pick_unknown(body), vc)
        if set(map(type, filled)) != {float}:  # numbers are all filled
            unknown = [t for t, v in zip(unknown, filled, strict=True) if _filled(v)]
    unknown_note = None
    owner = index.foreign
    foreign = [t for t in unknown if key_of(t) in owner] if owner else []
    if foreign:
        unknown = [t for t in unknown if key_of(t) not in owner]
        owners = "、".join(dict.fromkeys(f"“{owner[key_of(t)]}”" for t in foreign))
        listed = "”“".join(shown(t) for t in foreign[:3])
        more = "等" if len(foreign) > 3 else ""
        by_row.append(
            (
                0,
                Finding(
                    "foreign-field",
                    f"“{listed}”{more} {len(foreign)} 项由数据来源{owners}提供,本表中填写的值未采用",
                    Location(file=file, sheet=sheet),
                    "warning",
                ),
            )
        )
    if unknown:
        listed = "”“".join(shown(u) for u in unknown[:3])
        more = "等" if len(unknown) > 3 else ""
        unknown_note = Finding(
            "unknown-field",
            f"另有 {len(unknown)} 项指标不在考核方案中,未读取(“{listed}”{more})",
            Location(file=file, sheet=sheet),
            "warning",
        )
    mrows = layout.pick(body)  # the matched rows
    raws = _refine(book, sheet, vc, h, layout, cells(mrows, vc))
    pairs = unit_pairs_of(index, layout, cells(mrows, uc)) if uc is not None else None
    notes = cells(mrows, oc) if oc is not None else None
    if notes is not None and notes.count("") == len(notes):
        notes = None  # no evidence given: the usual case
    plain, plain_percent = index.plain, index.plain_percent
    for k, ((i, spec, where), raw) in enumerate(zip(layout.matched, raws, strict=True)):
        number: float | None
        if (
            type(raw) is float
            and raw - raw == 0.0
            and (id(spec) in plain or (id(spec) in plain_percent and not 0.0 < abs(raw) < 1.0))
        ):
            number, status, note = raw, OK, ""  # what parse_value gives a finite float here
        elif spec.levels:
            number, status, note = parse_rating(raw, spec.levels)
        else:
            number, status, note = parse_value(raw, spec.kind, spec.unit)
        row_unit, factor = pairs[k] if pairs is not None else ("", 1.0)
        if factor != 1.0:
            if factor is None:
                by_row.append(
                    (
                        h + 1 + i,
                        Finding(
                            "unit-mismatch",
                            f"指标“{spec.name}”的计量单位填为“{row_unit}”,方案要求“{spec.unit}”,无法换算,请核实",
                            Location(file=file, sheet=sheet, cell=f"{letter}{h + 2 + i}"),
                        ),
                    )
                )
            elif number is not None and status == OK and not note and is_bare_number(raw):
                number *= factor
                note = f"按“{row_unit}”换算为“{spec.unit}”"
        if notes is not None:
            ev = notes[k]
            evidence = ev.strip() if type(ev) is str else cell_text(ev)
            full_note = (f"{note};{evidence}" if note else evidence) if status == OK and evidence else note
        else:
            full_note = note
        seen[spec.key] = Value(number, status, raw, where, file, full_note)
    by_row.sort(key=itemgetter(0))
    findings.extend(f for _r, f in by_row)
    if unknown_note is not None:
        findings.append(unknown_note)


def _refine(book: Book, sheet: str, c: int, h: int, layout: Layout, raws: list[Any]) -> list[Any]:
    """The matched rows' raw values, with what calamine cannot see put back (.xlsx only)."""
    if not book.format_facts:
        return raws
    if "" in raws:
        facts = book.blank_facts(sheet)
        if facts:
            raws = [
                facts.get((h + 1 + i, c), raw) if raw == "" else raw
                for (i, _s, _w), raw in zip(layout.matched, raws, strict=True)
            ]
    percent = [k for k in layout.percent if type(raws[k]) is float]
    if any(0.0 < abs(raws[k]) <= 1.0 for k in percent):
        formatted = book.percent_cells(sheet, [c]).get(c)
        if formatted:
            for k in percent:
                if h + 1 + layout.matched[k][0] in formatted:
                    raws[k] = PercentCell(raws[k])
    return raws
