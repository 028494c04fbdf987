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
from typing import Any, cast

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
    GROUP_HEADERS,
    HEADER_SCAN,
    UNIT_HEADERS,
    YEAR_HEADERS,
    book_county_header,
    cell_at,
    cell_text,
    is_blank,
    keys,
    spec_index,
)
from assess.workbook.names import clean, closest, code_key, key_of, name_key
from assess.workbook.read import Book, column_letter, open_book
from assess.workbook.safety import fail
from assess.workbook.values import PercentCell, parse_value, parse_year, unit_factor

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
    table_keys = {key_of(n) for t in plan.tables for n in (t.name, *t.aliases)}
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
    table_keys = {key_of(n) for t in plan.tables for n in (t.name, *t.aliases)}
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
    index = _index(plan)
    for sheet, h, roles in sheets:
        _read_rows(book, sheet, h, roles, index, data, findings)
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
    findings.extend(check_unit(data, plan.inputs))
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


class _Index:
    """A plan's field lookups, and what each (code, name) pair of a row resolves to.

    The same rows recur in every county's workbook, so a row is matched (and
    a hint looked for) once per process, not once per file.
    """

    def __init__(self, plan: ReadPlan) -> None:
        self.by_code, self.by_name = spec_index(plan.inputs)
        self.names = sorted({s.name for s in plan.inputs})
        self.rows: dict[tuple[Any, Any], tuple[InputSpec | None, str, str | None]] = {}
        self.units: dict[tuple[Any, str | None], tuple[str, float | None]] = {}

    def resolve(self, code: Any, name: Any) -> tuple[InputSpec | None, str, str | None]:
        """(field, "", None) for a known row; (None, name text, hint) for another."""
        spec = self.by_code.get(code_key(code)) if not is_blank(code) else None
        if spec is None and not is_blank(name):
            spec = self.by_name.get(key_of(name))
        if spec is not None:
            return spec, "", None
        if is_blank(name):
            return None, "", None
        text = cell_text(name)
        return None, text, closest(text, self.names)

    def row_unit(self, raw: Any, unit: str | None) -> tuple[str, float | None]:
        """(the row's unit as written, factor to the field's unit: 1.0 same, None impossible)."""
        key = (raw, unit)
        hit = self.units.get(key)
        if hit is None:
            text = clean(raw)
            if not text or not unit or text.casefold() == clean(unit).casefold():
                hit = (text, 1.0)
            else:
                hit = (text, unit_factor(text, unit))
            if len(self.units) < 10_000:
                self.units[key] = hit
        return hit


_last_index: list[Any] = [None, None]  # (plan, index) of the plan read last


def _index(plan: ReadPlan) -> _Index:
    """The plan's :class:`_Index`, built once per plan."""
    if _last_index[0] is not plan:
        _last_index[:] = [plan, _Index(plan)]
    return cast(_Index, _last_index[1])


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
    index: _Index,
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
    matched: list[tuple[int, InputSpec, Any]] = []
    unknown: list[str] = []
    by_row: list[tuple[int, Finding]] = []  # findings about rows, put in row order at the end
    memo = index.rows
    if len(memo) > 100_000:
        memo.clear()
    ci = cc if cc is not None else 1 << 30  # an absent column reads as ''
    ni = nc if nc is not None else 1 << 30
    for r, row in enumerate(rows[h + 1 :], h + 1):
        n = len(row)
        key = (row[ci] if ci < n else "", row[ni] if ni < n else "")
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = index.resolve(*key)
        spec, text, hint = hit
        if spec is None:
            if text and vc < n and not is_blank(row[vc]):
                if hint is None:
                    unknown.append(text)
                    continue
                by_row.append(
                    (
                        r,
                        Finding(
                            "unknown-field",
                            f"方案中没有指标“{text}”,是否为“{hint}”?",
                            Location(file=file, sheet=sheet, cell=f"{letter}{r + 1}"),
                            "warning",
                        ),
                    )
                )
            continue
        if spec.key in data.values:
            first = data.values[spec.key].where
            by_row.append(
                (
                    r,
                    Finding(
                        "duplicate-field",
                        f"指标“{spec.name}”重复填报(首次在 {first}),以首次为准",
                        Location(file=file, sheet=sheet, cell=f"{letter}{r + 1}"),
                    ),
                )
            )
            continue
        matched.append((r, spec, row[vc] if vc < n else ""))
        data.values[spec.key] = _PLACEHOLDER
    unknown_note = None
    if unknown:
        shown = "”“".join(unknown[:3])
        more = "等" if len(unknown) > 3 else ""
        unknown_note = Finding(
            "unknown-field",
            f"另有 {len(unknown)} 项指标不在考核方案中,未读取(“{shown}”{more})",
            Location(file=file, sheet=sheet),
            "warning",
        )
    raws = _refine(book, sheet, vc, matched)
    for (r, spec, _raw), raw in zip(matched, raws, strict=True):
        row = rows[r]
        number, status, note = parse_value(raw, spec.kind, spec.unit)
        row_unit, factor = index.row_unit(cell_at(row, uc), spec.unit) if uc is not None else ("", 1.0)
        if factor != 1.0:
            if factor is None:
                by_row.append(
                    (
                        r,
                        Finding(
                            "unit-mismatch",
                            f"指标“{spec.name}”的计量单位填为“{row_unit}”,方案要求“{spec.unit}”,无法换算,请核实",
                            Location(file=file, sheet=sheet, cell=f"{letter}{r + 1}"),
                        ),
                    )
                )
            elif number is not None and status == OK and not note and type(raw) is not str:
                number *= factor
                note = f"按“{row_unit}”换算为“{spec.unit}”"
        evidence = cell_text(cell_at(row, oc)) if oc is not None else ""
        full_note = (f"{note};{evidence}" if note else evidence) if status == OK and evidence else note
        data.values[spec.key] = Value(number, status, raw, f"{sheet}!{letter}{r + 1}", file, full_note)
    by_row.sort(key=itemgetter(0))
    findings.extend(f for _r, f in by_row)
    if unknown_note is not None:
        findings.append(unknown_note)


_PLACEHOLDER = Value(None)  # marks a field as seen while its row waits to be parsed


def _refine(book: Book, sheet: str, c: int, matched: list[tuple[int, InputSpec, Any]]) -> list[Any]:
    """The matched rows' raw values, with what calamine cannot see put back (.xlsx only)."""
    raws = [raw for _r, _s, raw in matched]
    if not book.format_facts:
        return raws
    if "" in raws:
        facts = book.blank_facts(sheet)
        if facts:
            raws = [
                facts.get((r, c), raw) if raw == "" else raw
                for (r, _s, _raw), raw in zip(matched, raws, strict=True)
            ]
    percent = [
        i
        for i, (_r, spec, raw) in enumerate(matched)
        if type(raw) is float and (spec.kind == KIND_PERCENT or spec.unit == "%")
    ]
    if any(0.0 < abs(raws[i]) <= 1.0 for i in percent):
        formatted = book.percent_cells(sheet, [c]).get(c)
        if formatted:
            for i in percent:
                if matched[i][0] in formatted:
                    raws[i] = PercentCell(raws[i])
    return raws
