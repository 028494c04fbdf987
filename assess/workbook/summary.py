"""Summary table (汇总表): one row per unit, one column per field.

The user-facing description is docs/workbooks.md section 4.2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import replace
from operator import attrgetter, gt, itemgetter
from pathlib import Path
from typing import Any

from assess.errors import Finding, Location
from assess.scheme.inputs import KIND_COUNT, KIND_PERCENT, KIND_TEXT, InputSpec, ReadPlan
from assess.workbook.checks import (
    canonical_group,
    canonical_unit,
    check_unit,
    check_year,
    known_units,
    likely_fraction,
)
from assess.workbook.data import OK, UnitData, Value
from assess.workbook.details import dup_or
from assess.workbook.headers import (
    GROUP_HEADERS,
    OWNER_HEADERS,
    TOTAL_RE,
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
from assess.workbook.names import clean_all, code_key, key_of, shown, split_unit
from assess.workbook.read import Book, Row, column_letter, open_book, paused_gc
from assess.workbook.safety import fail
from assess.workbook.values import parse_column, parse_rating, parse_value, parse_year, unit_factor


class UnitList(list[UnitData]):
    """Units read from one file, with the findings about the file as a whole."""

    def __init__(self, items: Iterable[UnitData] = (), findings: list[Finding] | None = None) -> None:
        super().__init__(items)
        self.findings: list[Finding] = findings or []


class _Columns:
    """A summary table's parsed columns, shared by the :class:`ColumnValues` of its units."""

    __slots__ = ("file", "letters", "notes", "numbers", "raws", "rows", "sheet")

    def __init__(self, file: str, sheet: str, rows: list[int]) -> None:
        self.file, self.sheet, self.rows = file, sheet, rows
        self.letters: dict[str, str] = {}
        self.numbers: dict[str, list[Any]] = {}
        self.raws: dict[str, list[Any]] = {}
        self.notes: dict[str, dict[int, tuple[str, str]]] = {}

    def add(
        self,
        spec: InputSpec,
        letter: str,
        numbers: list[Any],
        raws: list[Any],
        notes: dict[int, tuple[str, str]],
        flagged: set[int],
    ) -> None:
        """Store a parsed column and flag the rows whose values :func:`check_unit` may report."""
        key = spec.key
        self.letters[key], self.numbers[key], self.raws[key], self.notes[key] = (
            letter,
            numbers,
            raws,
            notes,
        )
        flagged.update(notes)
        lo, hi = spec.minimum, spec.maximum
        if spec.kind == KIND_COUNT:
            lo = 0.0 if lo is None else max(lo, 0.0)  # both n < minimum and n < 0 are reported
        elif _is_percent(spec) and hi is None:
            lo, hi = (0.0 if lo is None else lo), 100.0
        # Only a number is left where no note was made (a blank, 不适用 or bad cell has one).
        vals = numbers if not notes else [v for v in numbers if v is not None]
        if not vals or spec.kind == KIND_TEXT:
            return
        if likely_fraction(spec) and min(vals) < 1.0:  # 0.85 where 85 (%) is meant
            flagged.update(i for i, v in enumerate(numbers) if v is not None and 0.0 < v < 1.0)
        if lo is not None and min(vals) < lo:  # min/max in C; the scan only when something is off
            flagged.update(i for i, v in enumerate(numbers) if v is not None and v < lo)
        if hi is not None and max(vals) > hi:
            flagged.update(i for i, v in enumerate(numbers) if v is not None and v > hi)
        if spec.kind == KIND_COUNT and not all(v == int(v) for v in vals):
            flagged.update(i for i, v in enumerate(numbers) if v is not None and v != int(v))

    def flag_parts(self, specs: list[InputSpec], flagged: set[int]) -> None:
        """Flag rows where a part exceeds its whole (both columns present)."""
        for spec in specs:
            whole = self.numbers.get(spec.part_of or "")
            part = self.numbers.get(spec.key)
            if whole is None or part is None:
                continue
            no_blanks = not self.notes[spec.key] and not self.notes[spec.part_of or ""]
            if no_blanks and not any(map(gt, part, whole)):  # compared in C
                continue
            flagged.update(
                i
                for i, (p, w) in enumerate(zip(part, whole, strict=True))
                if p is not None and w is not None and p > w
            )

    def column(self, key: str) -> tuple[list[Any], dict[int, tuple[str, str]]] | None:
        """A field's parsed numbers and the (status, note) of the cells that were not plain."""
        if key not in self.numbers:
            return None
        return self.numbers[key], self.notes[key]

    def value(self, key: str, i: int) -> Value:
        status, note = self.notes[key].get(i, (OK, ""))
        return Value(
            self.numbers[key][i],
            status,
            self.raws[key][i],
            f"{self.sheet}!{self.letters[key]}{self.rows[i]}",
            self.file,
            note,
        )


class ColumnValues(MutableMapping[str, Value]):
    """One unit's values in a summary table, made into :class:`Value` objects only when asked for.

    A national summary table has 500,000 rows × 20 fields: ten million Value
    objects would cost seconds and gigabytes that the columns already hold.
    Writing to it turns it into a plain dict of its own.
    """

    __slots__ = ("_i", "_own", "_table")

    def __init__(self, table: _Columns, i: int) -> None:
        self._table, self._i = table, i
        self._own: dict[str, Value] | None = None

    def __getitem__(self, key: str) -> Value:
        if self._own is not None:
            return self._own[key]
        if key not in self._table.numbers:
            raise KeyError(key)
        return self._table.value(key, self._i)

    def __contains__(self, key: object) -> bool:
        return key in (self._own if self._own is not None else self._table.numbers)

    def __iter__(self) -> Iterator[str]:
        return iter(self._own if self._own is not None else self._table.numbers)

    def __len__(self) -> int:
        return len(self._own if self._own is not None else self._table.numbers)

    def _mine(self) -> dict[str, Value]:
        if self._own is None:
            self._own = {k: self._table.value(k, self._i) for k in self._table.numbers}
        return self._own

    def __setitem__(self, key: str, value: Value) -> None:
        self._mine()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._mine()[key]

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def column_source(self) -> tuple[_Columns, int] | None:
        """The shared columns and this unit's row in them, while nothing was written to it.

        The array path of ``rank --brief`` reads whole columns through this
        instead of making one ``Value`` per unit and field.
        """
        return (self._table, self._i) if self._own is None else None


def shared_columns(units: list[UnitData]) -> tuple[_Columns, list[int]] | None:
    """When every unit is an untouched row of one summary table: that table and the units' rows.

    Checked with C-level attribute getters: 500,000 villages cost milliseconds here.
    """
    try:
        tables = set(map(attrgetter("values._table"), units))
        owned = list(map(attrgetter("values._own"), units))  # a dict once written to: not hashable
        rows = list(map(attrgetter("values._i"), units))
    except AttributeError:  # a unit read some other way
        return None
    if len(tables) != 1 or owned.count(None) != len(owned):
        return None
    return tables.pop(), rows


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
    """:func:`read_summary` on an open Book (garbage collection paused: see :func:`paused_gc`)."""
    with paused_gc():
        return _summary_from_book(book, plan, sheet)


def _summary_from_book(book: Book, plan: ReadPlan, sheet: str | None) -> UnitList:
    file = book.file
    by_code, by_name = spec_index(plan.inputs)
    result = UnitList()
    candidates = (
        [sheet] if sheet else [s.name for s in book.sheets if s.visible == "visible"] or book.sheet_names
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
                len(summary_columns(row, by_code, by_name)) + bool(match_roles(row, {"u": UNIT_HEADERS}))
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
    if "group" not in roles and not plan.tables and not plan.groups:  # villages ranked by county
        roles.update(match_roles(rows[h], {"group": OWNER_HEADERS}))
    gc, yc = roles.get("group"), roles.get("year")
    header_loc = Location(file=file, sheet=name, row=h + 1)
    present = {s.key for s, _u in columns.values()}
    for spec in plan.inputs:
        if spec.required and spec.key not in present:
            result.findings.append(
                Finding("missing-field", f"汇总表缺少指标“{spec.name}”所在的列", header_loc)
            )
    factors: dict[int, float] = {}  # column → unit conversion
    for c, (spec, unit) in columns.items():
        if unit and spec.unit and unit != spec.unit:
            f = unit_factor(unit, spec.unit)
            loc = Location(file=file, sheet=name, cell=f"{column_letter(c)}{h + 1}")
            if f is None:
                result.findings.append(
                    Finding(
                        "unit-mismatch",
                        f"列“{shown(cell_text(rows[h][c]))}”的单位“{shown(unit)}”与方案要求的“{spec.unit}”不一致,无法换算",
                        loc,
                    )
                )
            elif f != 1.0:
                factors[c] = f
    plan_cols = [(c, spec, factors.get(c, 1.0)) for c, (spec, _u) in sorted(columns.items())]
    numbers, body, names = _unit_rows(book, name, rows, start, unit_col, plan_cols, result, known_units(plan))
    table = _Columns(file, name, [r + 1 for r in numbers])
    flagged: set[int] = set()
    for c, spec, factor in plan_cols:
        raw, whole = book.refine_column(name, c, numbers, _take(body, c), percent=_is_percent(spec))
        table.add(spec, column_letter(c), *_parse(raw, spec, factor, whole), flagged)
    specs = [s for _c, s, _f in plan_cols]
    table.flag_parts(specs, flagged)
    letter = column_letter(unit_col)
    groups = _take(body, gc) if gc is not None else None
    years = _take(body, yc) if yc is not None else None
    units_known = known_units(plan)
    here = Location(file=file, sheet=name)  # stands in for the unit's cell until a finding needs it
    by_text: dict[Any, tuple[str | None, list[Finding]]] = {}  # group as written → (group, findings)
    unit_groups, default_year, append = plan.unit_groups, plan.year, result.append
    if not units_known and years is None and not unit_groups:
        # The usual national table: each distinct group text is judged once, units made in one pass.
        simple = _simple_units(table, names, numbers, groups, plan, here, f"{name}!{letter}", default_year)
        if simple is not None:
            result.extend(simple)
            for i in sorted(flagged):
                result[i].findings.extend(check_unit(result[i], specs, skip=_skip(plan, result[i])))
            return result
    for i, (r, unit) in enumerate(zip(numbers, names, strict=True)):
        findings: list[Finding] = []
        if units_known and unit not in units_known:
            unit = canonical_unit(unit, plan, here, findings)
        year = parse_year(years[i]) if years is not None else None
        if year is not None:
            check_year(year, plan, here, findings)
        raw_group = groups[i] if groups is not None else ""
        if unit_groups:  # the scheme's unit list may overrule the group
            group = canonical_group(cell_text(raw_group) or None, unit, plan, here, findings)
        else:
            known = by_text.get(raw_group)
            if known is None:
                said: list[Finding] = []
                text = cell_text(raw_group) or None
                known = by_text[raw_group] = (canonical_group(text, unit, plan, here, said), said)
            group, said = known
            if said:
                findings.extend(said)
        if findings:
            cell = Location(file=file, sheet=name, cell=f"{letter}{r + 1}")
            findings = [replace(f, location=cell) for f in findings]
        data = UnitData(
            unit,
            group,
            default_year if year is None else year,
            ColumnValues(table, i),
            {},
            file,
            f"{name}!{letter}{r + 1}",
            findings,
        )
        if i in flagged:
            findings.extend(check_unit(data, specs, skip=_skip(plan, data)))
        append(data)
    return result


def _simple_units(
    table: _Columns,
    names: list[str],
    numbers: list[int],
    groups: list[Any] | None,
    plan: ReadPlan,
    here: Location,
    prefix: str,
    year: int | None,
) -> list[UnitData] | None:
    """Units of a table without years or a unit list in the scheme; None when a group text needs a finding."""
    raw = groups if groups is not None else [""] * len(names)
    canonical: dict[Any, str | None] = {}
    for text in set(raw):
        said: list[Finding] = []
        canonical[text] = canonical_group(cell_text(text) or None, "", plan, here, said)
        if said:
            return None  # the general loop reports it at each unit's cell
    return [
        UnitData(unit, group, year, ColumnValues(table, i), {}, table.file, f"{prefix}{r + 1}", [])
        for i, (unit, group, r) in enumerate(
            zip(names, map(canonical.__getitem__, raw), numbers, strict=True)
        )
    ]


def _is_percent(spec: InputSpec) -> bool:
    return spec.kind == KIND_PERCENT or spec.unit == "%"


def _take(rows: list[Row], c: int) -> list[Any]:
    """Column ``c`` of ``rows`` ('' where a row is short)."""
    try:
        return list(map(itemgetter(c), rows))
    except IndexError:
        return [row[c] if c < len(row) else "" for row in rows]


_NOTE_WORDS = ("注", "说明", "填表", "备注")


def _unit_rows(
    book: Book,
    sheet: str,
    rows: list[Row],
    start: int,
    unit_col: int,
    plan_cols: list[tuple[int, InputSpec, float]],
    result: UnitList,
    listed: set[str] | frozenset[str],
) -> tuple[list[int], list[Row], list[str]]:
    """The rows that are units (not blank, total or note rows): 0-based numbers, rows, cleaned names.

    A name the scheme's unit list has (``listed``) is a unit even if it reads like a total row."""
    cleaned = clean_all(_take(rows[start:], unit_col))  # a blank name cleans to ""
    joined = "\n".join(cleaned)
    if "" not in cleaned and not TOTAL_RE.search(joined) and not any(w in joined for w in _NOTE_WORDS):
        return list(range(start, start + len(cleaned))), rows[start:], cleaned  # nothing to skip
    numbers: list[int] = []
    kept: list[Row] = []
    names: list[str] = []
    for r, unit in enumerate(cleaned, start):
        if not unit:
            row = rows[r]
            if any(not is_blank(cell_at(row, c)) for c, _s, _f in plan_cols):
                result.findings.append(
                    Finding(
                        "missing-unit-name",
                        f"第 {r + 1} 行有数据但单位名称为空,已跳过",
                        Location(file=book.file, sheet=sheet, row=r + 1),
                    )
                )
            continue
        if (unit.startswith(_NOTE_WORDS) or (TOTAL_RE.search(unit) and key_of(unit) in TOTAL_ROWS)) and (
            unit not in listed
        ):
            continue
        numbers.append(r)
        kept.append(rows[r])
        names.append(unit)
    return numbers, kept, names


def _parse(
    raw: list[Any], spec: InputSpec, factor: float, whole_percent: bool
) -> tuple[list[Any], list[Any], dict[int, tuple[str, str]]]:
    """(numbers, raw values, index → (status, note) of the cells that were not plain)."""
    if spec.levels:
        words = [parse_rating(v, spec.levels) for v in raw]
        return (
            [v for v, _st, _n in words],
            raw,
            {i: (st, n) for i, (_v, st, n) in enumerate(words) if st != OK},
        )
    if spec.kind == KIND_TEXT:
        parsed = [parse_value(v, spec.kind, spec.unit) for v in raw]
        return [None] * len(raw), raw, {i: (st, n) for i, (_v, st, n) in enumerate(parsed) if st != OK or n}
    values, bad = parse_column(raw, spec.kind, spec.unit, factor, percent_formatted=whole_percent)
    return values, raw, {i: (st, note) for i, st, note in bad}


def _skip(plan: ReadPlan, data: UnitData) -> frozenset[str]:
    """The keys the unit's group is not asked for (分类考核): a blank there is no finding."""
    return plan.optional.get(data.group or "", frozenset()) if plan.optional else frozenset()
