"""County workbook (填报表): one unit per file, label/value details and a field-per-row data sheet.

The unit's name, year and group are labels (``单位名称 | 甲县`` or ``填报单位:甲县``)
on any sheet; the data sheet has 指标编码/指标名称 and 数值 headers.  Detail
tables named like the plan's are read from the same workbook.  The
user-facing description is docs/workbooks.md section 4.1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from assess.errors import Finding, Location
from assess.scheme.inputs import KIND_BOOL, KIND_PERCENT, KIND_TEXT, InputSpec, ReadPlan
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
    table_keys = _index(plan).table_keys
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
    index = _index(plan)
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
    for spec in plan.inputs if len(data.values) < index.n_keys else ():
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
        self.inputs = plan.inputs  # keeps the fields (and so their ids below) alive
        self.n_keys = len({s.key for s in plan.inputs})
        self.table_keys = frozenset(key_of(n) for t in plan.tables for n in (t.name, *t.aliases))
        self.by_code, self.by_name = spec_index(plan.inputs)
        self.names = sorted({s.name for s in plan.inputs})
        self.rows: dict[tuple[Any, Any], tuple[InputSpec | None, str, str | None]] = {}
        self.units: dict[tuple[Any, str | None], tuple[str, float | None]] = {}
        self.layouts: dict[tuple[Any, ...], list[_Layout]] = {}  # see _cached_layout
        # ids of the fields whose value is a percentage, and of those whose
        # finite float needs no parsing (neither yes/no, text nor a percentage)
        self.percent = {id(s) for s in plan.inputs if s.kind == KIND_PERCENT or s.unit == "%"}
        numeric = {id(s) for s in plan.inputs if s.kind not in (KIND_BOOL, KIND_TEXT)}
        self.plain = numeric - self.percent
        self.plain_percent = numeric & self.percent  # plain too unless 0 < |value| < 1

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


class _Layout:
    """What the rows of one data sheet are, worked out from their code and name cells (``keys``) alone.

    Row positions are 0-based under the header.  ``matched``: the first row of
    each field, with the cell its value is in; ``dups``: later rows of a field
    already read, with where it was first read; ``unknown`` and ``hinted``:
    rows of no field (without and with a "did you mean" hint), reported only
    when their value cell is filled.  ``units``: the matched rows' unit cells
    when ``unit_pairs`` (their :meth:`_Index.row_unit`) was worked out.
    """

    __slots__ = (
        "dups",
        "hinted",
        "keys",
        "matched",
        "percent",
        "pick",
        "pick_unknown",
        "unit_pairs",
        "units",
        "unknown",
        "unknown_texts",
    )

    def __init__(self, keys: list[tuple[Any, Any]]) -> None:
        self.keys = keys  # (code cell, name cell) of each row
        self.matched: list[tuple[int, InputSpec, str]] = []
        self.dups: list[tuple[int, InputSpec, str]] = []
        self.unknown: list[int] = []
        self.unknown_texts: list[str] = []
        self.hinted: list[tuple[int, str, str]] = []
        self.units: list[Any] | None = None
        self.unit_pairs: list[tuple[str, float | None]] = []

    def finish(self, percent_specs: set[int]) -> None:
        """Pickers for the matched and unknown rows; positions (in ``matched``) of percent fields."""
        self.pick = _picker([i for i, _s, _w in self.matched])
        self.pick_unknown = _picker(self.unknown)
        self.percent = [k for k, (_i, spec, _w) in enumerate(self.matched) if id(spec) in percent_specs]


def _picker(idx: list[int]) -> Callable[[list[Any]], Sequence[Any]]:
    """``seq → (seq[i] for i in idx)`` as a tuple, in C."""
    if len(idx) > 1:
        return itemgetter(*idx)
    if idx:
        i = idx[0]
        return lambda seq: (seq[i],)
    return lambda seq: ()


def _layout(
    index: _Index,
    sheet: str,
    h: int,
    letter: str,
    keys: list[tuple[Any, Any]],
    seen: Mapping[str, Value],
) -> _Layout:
    """Match each row to a field by code, then by name (a row met before in the process is not matched again)."""
    memo = index.rows
    if len(memo) > 100_000:
        memo.clear()
    out = _Layout(keys)
    taken: dict[str, str] = {}  # fields first read in this sheet → their cell
    for i, key in enumerate(keys):
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = index.resolve(*key)
        spec, text, hint = hit
        if spec is None:
            if text:
                if hint is None:
                    out.unknown.append(i)
                    out.unknown_texts.append(text)
                else:
                    out.hinted.append((i, text, hint))
            continue
        if spec.key in taken:
            out.dups.append((i, spec, taken[spec.key]))
        elif spec.key in seen:
            out.dups.append((i, spec, seen[spec.key].where))
        else:
            taken[spec.key] = where = f"{sheet}!{letter}{h + 2 + i}"
            out.matched.append((i, spec, where))
    out.finish(index.percent)
    return out


def _cached_layout(
    index: _Index, sheet: str, h: int, letter: str, cols: tuple[Any, ...], keys: list[tuple[Any, Any]]
) -> _Layout:
    """:func:`_layout` for a unit's first data sheet, remembered per process.

    Every county fills in the same template: a sheet whose code and name
    cells equal (==, cell by cell) those of a sheet already read is laid out
    the same way.
    """
    key = (sheet, h, cols, len(keys))
    known = index.layouts.get(key)
    if known is None:
        if len(index.layouts) >= 64:
            index.layouts.clear()
        known = index.layouts[key] = []
    for layout in known:
        if layout.keys == keys:
            return layout
    layout = _layout(index, sheet, h, letter, keys, {})
    if len(known) >= 8:
        del known[0]
    known.append(layout)
    return layout


def _filled(v: Any) -> bool:
    """``not is_blank(v)``."""
    return v is not None and (type(v) is not str or bool(v.strip()))


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
    by_row: list[tuple[int, Finding]] = []  # findings about rows, put in row order at the end
    body = rows[h + 1 :]
    keys = _pairs(body, cc, nc)
    seen = data.values
    if seen:  # a second data sheet: its duplicates depend on the first
        layout = _layout(index, sheet, h, letter, keys, seen)
    else:
        layout = _cached_layout(index, sheet, h, letter, (cc, nc, vc), keys)
    for i, text, hint in layout.hinted:
        if _filled(body[i][vc] if vc < len(body[i]) else ""):
            by_row.append(
                (
                    h + 1 + i,
                    Finding(
                        "unknown-field",
                        f"方案中没有指标“{text}”,是否为“{hint}”?",
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
        filled = _cells(layout.pick_unknown(body), vc)
        if set(map(type, filled)) != {float}:  # numbers are all filled
            unknown = [t for t, v in zip(unknown, filled, strict=True) if _filled(v)]
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
    mrows = layout.pick(body)  # the matched rows
    raws = _refine(book, sheet, vc, h, layout, _cells(mrows, vc))
    pairs = _unit_pairs(index, layout, _cells(mrows, uc)) if uc is not None else None
    notes = _cells(mrows, oc) if oc is not None else None
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
            elif number is not None and status == OK and not note and type(raw) is not str:
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


def _unit_pairs(index: _Index, layout: _Layout, units: list[Any]) -> list[tuple[str, float | None]]:
    """:meth:`_Index.row_unit` of each matched row; kept with the layout, as units seldom change."""
    if layout.units == units:
        return layout.unit_pairs
    pairs = [index.row_unit(u, spec.unit) for u, (_i, spec, _w) in zip(units, layout.matched, strict=True)]
    layout.units, layout.unit_pairs = units, pairs
    return pairs


def _pairs(rows: list[Any], cc: int | None, nc: int | None) -> list[tuple[Any, Any]]:
    """(code cell, name cell) of each row, '' where absent: ``list(zip(_cells(…), _cells(…)))``."""
    if cc is not None and nc is not None:
        try:
            return list(map(itemgetter(cc, nc), rows))
        except IndexError:
            pass
    return list(zip(_cells(rows, cc), _cells(rows, nc), strict=True))


def _cells(rows: Sequence[Any], c: int | None) -> list[Any]:
    """Column ``c`` of ``rows``; '' where the column is absent or a row is short."""
    if c is None:
        return [""] * len(rows)
    try:
        return list(map(itemgetter(c), rows))
    except IndexError:
        return [row[c] if c < len(row) else "" for row in rows]


def _refine(book: Book, sheet: str, c: int, h: int, layout: _Layout, raws: list[Any]) -> list[Any]:
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
