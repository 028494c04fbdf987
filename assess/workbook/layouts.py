"""The three workbook layouts: county workbook (填报表), summary table (汇总表), detail table (明细表).

Templates drift: title rows, merged cells, renamed headers, a unit in the
header, blank rows, notes below the table.  Each reader therefore finds its
header row itself (the row among the first ``HEADER_SCAN`` that matches most
known headers), maps the needed columns to indices once, then loops over
plain lists — no per-cell objects — and reports every problem as a Finding
instead of stopping.  The user-facing description is docs/workbooks.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Finding, Location
from assess.scheme.inputs import (
    KIND_PERCENT,
    InputSpec,
    ReadPlan,
    TableSpec,
)
from assess.workbook.data import ERROR, MISSING, OK, TableData, UnitData, Value
from assess.workbook.names import clean, closest, code_key, key_of, name_key, split_unit
from assess.workbook.read import Book, Row, column_letter, open_book
from assess.workbook.safety import fail
from assess.workbook.values import (
    SUSPECT,
    PercentCell,
    check_unit,
    parse_column,
    parse_value,
    parse_year,
    unit_factor,
)

HEADER_SCAN = 30  # rows searched for a header row
MAX_CELL_FINDINGS = 20  # per column of a detail table; the rest are counted in one finding


def _keys(*names: str) -> frozenset[str]:
    return frozenset(name_key(n) for n in names)


# fmt: off
COUNTY_ROLES: dict[str, frozenset[str]] = {
    "code": _keys("指标编码", "编码", "代码", "指标代码", "编号", "指标编号"),
    "name": _keys("指标名称", "名称", "项目", "指标", "指标项", "考核指标", "指标内容", "项目名称"),
    "unit": _keys("单位", "计量单位"),
    "value": _keys(
        "数值", "填报值", "填报数值", "本年数值", "本年数", "完成值", "完成数", "实际值", "数据",
        "指标值", "本年度数值", "年度数值", "实际完成", "填报数据", "本年完成值", "值", "填报数",
    ),
    "note": _keys("说明或佐证", "说明", "备注", "佐证", "佐证材料", "说明或佐证材料", "数据来源",
                  "备注说明"),
}
UNIT_HEADERS = _keys(
    "单位名称", "县市区", "县(市、区)", "县(市、区)名称", "县市区名称", "县区", "区县", "县", "县名",
    "乡镇", "乡镇(街道)", "乡镇名称", "村", "村名称", "行政村", "地区", "填报单位", "被考核单位", "单位",
)
GROUP_HEADERS = _keys("分组", "考核分组", "组别", "类别", "分类", "考核类别")
YEAR_HEADERS = _keys("年度", "考核年度", "填报年度", "年份", "数据年度")
LABELS: dict[str, frozenset[str]] = {
    "unit": UNIT_HEADERS - _keys("单位", "村", "县", "乡镇", "地区"),
    "year": YEAR_HEADERS,
    "group": GROUP_HEADERS,
}
_LABEL_RE = re.compile(
    r"(单位名称|填报单位|被考核单位|县\(市、区\)|县市区|年度|考核年度|填报年度|分组|考核分组|组别):\s*([^\s:]+)"
)
OWNER_HEADERS = _keys("所属单位", "所属县", "所属县市区", "所属县(市、区)", "所属乡镇", "所属区县")
TOTAL_ROWS = _keys("合计", "总计", "小计", "全省", "全市", "汇总", "平均", "合计数")
# fmt: on


class UnitList(list[UnitData]):
    """Units read from one file, with the findings about the file as a whole."""

    def __init__(
        self, items: Iterable[UnitData] = (), findings: list[Finding] | None = None
    ) -> None:
        super().__init__(items)
        self.findings: list[Finding] = findings or []


class UnitTables(dict[str, TableData]):
    """A detail table split by unit name, with the findings about rows that belong to no unit."""

    def __init__(self, findings: list[Finding] | None = None) -> None:
        super().__init__()
        self.findings: list[Finding] = findings or []


# ---- shared helpers ------------------------------------------------------------------


def _cell(row: Row, c: int | None) -> Any:
    return row[c] if c is not None and c < len(row) else ""


def _text(v: object) -> str:
    """A cell as display text: strings stripped, whole floats without ``.0``."""
    if v is None or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _find_header(
    rows: list[Row], score: Callable[[Row], int], scan: int = HEADER_SCAN
) -> tuple[int, int]:
    """(row index, score) of the best-scoring row among the first ``scan`` rows; (-1, 0) if none."""
    best, best_score = -1, 0
    for r, row in enumerate(rows[:scan]):
        s = score(row)
        if s > best_score:
            best, best_score = r, s
    return best, best_score


def _roles(row: Row, roles: dict[str, frozenset[str]]) -> dict[str, int]:
    """Role → column for the header cells of ``row`` (first match of each role wins)."""
    out: dict[str, int] = {}
    for c, v in enumerate(row):
        if type(v) is not str or not v:
            continue
        k = key_of(v)
        for role, keys in roles.items():
            if k in keys and role not in out:
                out[role] = c
                break
    return out


def _spec_index(
    specs: Sequence[InputSpec],
) -> tuple[dict[str, InputSpec], dict[str, InputSpec]]:
    """Lookups by code key and by name/alias key."""
    by_code: dict[str, InputSpec] = {}
    by_name: dict[str, InputSpec] = {}
    for s in specs:
        if s.code:
            by_code.setdefault(code_key(s.code), s)
        by_code.setdefault(code_key(s.key), s)
        for n in (s.name, *s.aliases):
            by_name.setdefault(name_key(n), s)
    return by_code, by_name


def _is_blank(v: object) -> bool:
    return v is None or (type(v) is str and not v.strip())


def _canonical_unit(name: str, plan: ReadPlan, loc: Location, findings: list[Finding]) -> str:
    """The scheme's spelling of a unit name; an unknown unit is reported (with a suggestion)."""
    if not plan.units or name in plan.units:
        return name
    key = key_of(name)
    for u in plan.units:
        if key_of(u) == key:
            return u
    hint = closest(name, plan.units)
    tip = f",是否为“{hint}”?" if hint else ""
    findings.append(Finding("unknown-unit", f"单位“{name}”不在考核方案的单位名单中{tip}", loc))
    return name


def _canonical_group(
    group: str | None, unit: str, plan: ReadPlan, loc: Location, findings: list[Finding]
) -> str | None:
    """Declared group checked against the scheme's groups; the scheme's unit list wins."""
    listed = plan.unit_groups.get(unit)
    if group is None:
        return listed
    if plan.groups:
        key = key_of(group)
        match = next((g for g in plan.groups if key_of(g) == key), None)
        if match is None:
            hint = closest(group, plan.groups)
            tip = f",是否为“{hint}”?" if hint else f"(可选:{'、'.join(plan.groups)})"
            findings.append(
                Finding("unknown-group", f"分组“{group}”不是考核方案中的分组{tip}", loc)
            )
        else:
            group = match
    if listed is not None and key_of(listed) != key_of(group):
        findings.append(
            Finding(
                "group-mismatch",
                f"填报的分组“{group}”与考核方案单位名单中的分组“{listed}”不一致,按方案计",
                loc,
                "warning",
            )
        )
        return listed
    return group


def _check_year(year: int | None, plan: ReadPlan, loc: Location, findings: list[Finding]) -> None:
    if year is not None and plan.year is not None and year != plan.year:
        findings.append(
            Finding(
                "year-mismatch",
                f"填报年度为 {year} 年,与考核方案年度 {plan.year} 年不一致",
                loc,
            )
        )


# ---- a) county workbook ------------------------------------------------------------------


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
        h, _ = _find_header(rows, lambda row: len(_roles(row, COUNTY_ROLES)))
        if h < 0:
            continue
        roles = _roles(rows[h], COUNTY_ROLES)
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
                for label, keys in LABELS.items():
                    if label in out or k not in keys:
                        continue
                    for c2 in range(c + 1, min(len(row), c + 6)):
                        if not _is_blank(row[c2]):
                            out[label] = (row[c2], sheet, f"{column_letter(c2)}{r + 1}")
                            break
                text = clean(v)
                if ":" in text:
                    for m in _LABEL_RE.finditer(text):
                        for label, keys in LABELS.items():
                            if label not in out and name_key(m.group(1)) in keys:
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
    unit = _canonical_unit(unit, plan, unit_loc, findings)
    year = _county_year(book, labels, first)
    if year is not None:
        loc = (
            Location(file=file, sheet=labels["year"][1], cell=labels["year"][2])
            if "year" in labels
            else Location(file=file, sheet=first)
        )
        _check_year(year, plan, loc, findings)
    group_raw = _text(labels["group"][0]) if "group" in labels else None
    group_loc = (
        Location(file=file, sheet=labels["group"][1], cell=labels["group"][2])
        if "group" in labels
        else unit_loc
    )
    group = _canonical_group(group_raw or None, unit, plan, group_loc, findings)
    data = UnitData(
        unit=unit,
        group=group,
        year=year if year is not None else plan.year,
        file=file,
        where=where,
    )
    by_code, by_name = _spec_index(plan.inputs)
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
    if "unit" in labels and _text(labels["unit"][0]):
        value, sheet, cell = labels["unit"]
        return clean(_text(value)), f"{sheet}!{cell}"
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
    file, known = book.file, book.formats_known
    names = sorted({s.name for s in by_name.values()})
    for r in range(h + 1, len(rows)):
        row = rows[r]
        code, name, raw = _cell(row, cc), _cell(row, nc), _cell(row, vc)
        if _is_blank(code) and _is_blank(name):
            continue
        spec = by_code.get(code_key(code)) if not _is_blank(code) else None
        if spec is None and not _is_blank(name):
            spec = by_name.get(key_of(name))
        loc = Location(file=file, sheet=sheet, cell=f"{letter}{r + 1}")
        if spec is None:
            if not _is_blank(raw) and not _is_blank(name):
                hint = closest(_text(name), names)
                tip = f",是否为“{hint}”?" if hint else ""
                findings.append(
                    Finding(
                        "unknown-field",
                        f"方案中没有指标“{_text(name)}”{tip}",
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
        number, status, note = parse_value(raw, spec.kind, spec.unit, formats_known=known)
        row_unit = clean(_text(_cell(row, uc))) if uc is not None else ""
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
        evidence = _text(_cell(row, oc)) if oc is not None else ""
        full_note = ";".join(x for x in (note, evidence) if x) if status == OK else note
        data.values[spec.key] = Value(
            number, status, raw, f"{sheet}!{letter}{r + 1}", file, full_note
        )
        cells[spec.key] = loc


# ---- b) summary table ----------------------------------------------------------------------


def read_summary(path: Path, plan: ReadPlan, sheet: str | None = None) -> UnitList:
    """Read a summary table: one row per unit, one column per field.  File-level problems go to ``.findings``."""
    with open_book(Path(path)) as book:
        return summary_from_book(book, plan, sheet)


def _summary_columns(
    row: Row, by_code: dict[str, InputSpec], by_name: dict[str, InputSpec]
) -> dict[int, tuple[InputSpec, str | None]]:
    out: dict[int, tuple[InputSpec, str | None]] = {}
    seen: set[str] = set()
    for c, v in enumerate(row):
        if _is_blank(v):
            continue
        name, unit = split_unit(_text(v))
        spec = by_code.get(code_key(v)) or by_name.get(key_of(v)) or by_code.get(code_key(name))
        if spec is None:  # “A1 农村居民收入” or “A1\n农村居民收入”
            parts = re.split(r"[\s:]+", _text(v), maxsplit=1)
            if len(parts) == 2:
                spec = by_code.get(code_key(parts[0])) or by_name.get(key_of(parts[1]))
        if spec is not None and spec.key not in seen:
            seen.add(spec.key)
            out[c] = (spec, unit)
    return out


def summary_from_book(book: Book, plan: ReadPlan, sheet: str | None = None) -> UnitList:
    """:func:`read_summary` on an open Book."""
    file = book.file
    by_code, by_name = _spec_index(plan.inputs)
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
        h, score = _find_header(
            rows,
            lambda row: (
                len(_summary_columns(row, by_code, by_name))
                + bool(_roles(row, {"u": UNIT_HEADERS}))
            ),
        )
        if score > best[0]:
            best = (score, name, h)
    score, name, h = best
    rows = book.rows(name) if name else []
    unit_col = _roles(rows[h], {"u": UNIT_HEADERS}).get("u") if h >= 0 else None
    if h < 0 or unit_col is None:
        raise fail(
            book.path,
            "未找到汇总表的表头(需要“单位名称”或“县市区”等列,以及以指标编码或名称为表头的列)",
        )
    columns = _summary_columns(rows[h], by_code, by_name)
    start = h + 1
    if h + 1 < len(rows):  # a row of codes under the names
        extra = _summary_columns(rows[h + 1], by_code, by_name)
        if len(extra) >= 2:
            for c, item in extra.items():
                columns.setdefault(c, item)
            start = h + 2
    if h > 0:  # merged group headers above: only fill columns not matched yet
        for c, item in _summary_columns(rows[h - 1], by_code, by_name).items():
            if c not in columns and item[0].key not in {s.key for s, _u in columns.values()}:
                columns[c] = item
    roles = _roles(rows[h], {"group": GROUP_HEADERS, "year": YEAR_HEADERS})
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
                        f"列“{_text(rows[h][c])}”的单位“{unit}”与方案要求的“{spec.unit}”不一致,无法换算",
                        loc,
                    )
                )
            elif f != 1.0:
                factors[c] = f
    percent_cols = [c for c, (s, _u) in columns.items() if s.kind == KIND_PERCENT or s.unit == "%"]
    if percent_cols:
        book.mark_percent(name, percent_cols)
    known = book.formats_known
    plan_cols = [
        (c, spec, column_letter(c), factors.get(c)) for c, (spec, _u) in sorted(columns.items())
    ]
    for r in range(start, len(rows)):
        row = rows[r]
        unit_raw = _cell(row, unit_col)
        if _is_blank(unit_raw):
            if any(not _is_blank(_cell(row, c)) for c, *_rest in plan_cols):
                result.findings.append(
                    Finding(
                        "missing-unit-name",
                        f"第 {r + 1} 行有数据但单位名称为空,已跳过",
                        Location(file=file, sheet=name, row=r + 1),
                    )
                )
            continue
        unit = clean(_text(unit_raw))
        if key_of(unit) in TOTAL_ROWS or unit.startswith(("注", "说明", "填表", "备注")):
            continue
        where = f"{name}!{column_letter(unit_col)}{r + 1}"
        uloc = Location(file=file, sheet=name, cell=f"{column_letter(unit_col)}{r + 1}")
        findings: list[Finding] = []
        unit = _canonical_unit(unit, plan, uloc, findings)
        year = parse_year(_cell(row, yc)) if yc is not None else None
        _check_year(year, plan, uloc, findings)
        group_text = _text(_cell(row, gc)) if gc is not None else ""
        group = _canonical_group(group_text or None, unit, plan, uloc, findings)
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
            number, status, note = parse_value(raw, spec.kind, spec.unit, formats_known=known)
            if factor is not None and number is not None and status == OK and type(raw) is not str:
                number *= factor
            ref = f"{letter}{r + 1}"
            data.values[spec.key] = Value(number, status, raw, f"{name}!{ref}", file, note)
            cells[spec.key] = Location(file=file, sheet=name, cell=ref)
        findings.extend(check_unit(data, [s for _c, s, _l, _f in plan_cols], cells))
        data.findings = findings
        result.append(data)
    return result


def dup_or(book: Book, dup: Finding | None, text: str) -> AssessError:
    """An error for a sheet lookup that failed, ambiguous or absent."""
    return fail(book.path, dup.message if dup is not None else text)


# ---- c) detail tables ----------------------------------------------------------------------


def read_details(path: Path, spec: TableSpec, sheet: str | None = None) -> UnitTables:
    """Read a province-wide detail table and split it by the unit column; fast for 500,000 rows."""
    with open_book(Path(path)) as book:
        return details_from_book(book, spec, sheet)


def _table_header(
    book: Book, sheet: str, spec: TableSpec
) -> tuple[int, dict[str, int], int | None]:
    """Header row, column key → index, and the unit column (None when absent)."""
    roles = {c.key: _keys(c.name, *c.aliases) for c in spec.columns}
    unit_keys = _keys(spec.unit_column, *spec.unit_aliases)
    rows = book.rows(sheet)
    h, _ = _find_header(rows, lambda row: len(_roles(row, {**roles, "\0unit": unit_keys})))
    if h < 0:
        return -1, {}, None
    found = _roles(rows[h], {**roles, "\0unit": unit_keys})
    unit_col = found.pop("\0unit", None)
    return h, found, unit_col


def _find_table_sheet(book: Book, spec: TableSpec, sheet: str | None) -> str:
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
    scored = [(len(_table_header(book, s, spec)[1]), s) for s in visible]
    best = max(scored, default=(0, ""))
    if best[0] == 0:
        raise fail(book.path, f"未找到明细表“{spec.name}”(没有同名工作表,也没有含其列名的表头)")
    return best[1]


def details_from_book(book: Book, spec: TableSpec, sheet: str | None = None) -> UnitTables:
    """:func:`read_details` on an open Book."""
    name = _find_table_sheet(book, spec, sheet)
    h, cols, unit_col = _table_header(book, name, spec)
    out = UnitTables()
    loc = Location(file=book.file, sheet=name, row=h + 1 if h >= 0 else None)
    if unit_col is None:
        raise fail(book.path, f"明细表“{name}”中没有标明所属单位的列(如“{spec.unit_column}”)")
    rows = _data_rows(book.rows(name, extras=True), h, [unit_col, *cols.values()])
    unit_keys: list[str] = []
    memo: dict[object, str] = {}
    letter = column_letter(unit_col)
    for r, row in rows:
        u = row[unit_col] if unit_col < len(row) else ""
        text = memo.get(u)
        if text is None:
            text = memo[u] = clean(_text(u))
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


def _column(rows: list[tuple[int, Row]], c: int) -> list[Any]:
    data = [row for _r, row in rows]
    try:
        return list(map(itemgetter(c), data))
    except IndexError:
        return [row[c] if c < len(row) else "" for row in data]


def table_from_sheet(book: Book, sheet: str, spec: TableSpec) -> TableData:
    """One unit's detail table from a sheet of its own workbook (all rows belong to the unit)."""
    h, cols, _unit_col = _table_header(book, sheet, spec)
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
    table = TableData(key=spec.key, file=book.file, sheet=sheet, rows=[r + 1 for r, _row in rows])
    wanted = [
        cols[c.key]
        for c in spec.columns
        if c.key in cols and (c.kind == KIND_PERCENT or c.unit == "%")
    ]
    percent = {c: set(r) for c, r in book.percent_rows(sheet, wanted).items()} if wanted else {}
    known = book.formats_known
    header = book.rows(sheet)[h]
    for col in spec.columns:
        c = cols.get(col.key)
        if c is None:
            continue
        letter = column_letter(c)
        table.letters[col.key] = letter
        raw = _column(rows, c)
        prows = percent.get(c)
        whole = False
        if prows:
            numbers = [r for r, _row in rows]
            whole = prows.issuperset(numbers)  # the usual case: the whole column is formatted
            if not whole:
                raw = [
                    PercentCell(v) if type(v) is float and r in prows else v
                    for r, v in zip(numbers, raw, strict=True)
                ]
        head_unit = split_unit(_text(header[c]))[1]
        factor = unit_factor(head_unit, col.unit) if head_unit and col.unit else 1.0
        if factor is None:
            table.findings.append(
                Finding(
                    "unit-mismatch",
                    f"列“{_text(header[c])}”的单位“{head_unit}”与方案要求的“{col.unit}”不一致,无法换算",
                    Location(file=book.file, sheet=sheet, cell=f"{letter}{h + 1}"),
                )
            )
            factor = 1.0
        values, bad = parse_column(raw, col.kind, col.unit, known, factor, percent_formatted=whole)
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
            code = "bad-value" if status == ERROR else "suspect-value"
            if status != ERROR and not note.startswith(SUSPECT):
                continue
            table.findings.append(
                Finding(
                    code,
                    f"“{col.name}”{note}",
                    Location(file=book.file, sheet=sheet, cell=f"{letter}{rows[i][0] + 1}"),
                    "error" if status == ERROR else "warning",
                )
            )
    return table


# ---- which layout, and many files --------------------------------------------------------


def detect_layout(path: Path, plan: ReadPlan | None = None) -> str:
    """ "county", "summary" or "details" for a file, judged from its header rows."""
    with open_book(Path(path)) as book:
        return layout_of(book, plan)


def layout_of(book: Book, plan: ReadPlan | None = None) -> str:
    """:func:`detect_layout` on an open Book.

    A sheet with 指标名称/编码 and 数值 headers makes a county workbook; a
    sheet named like a plan's detail table, or whose unit column repeats
    names, is a detail table; one unit per row is a summary table.
    """
    sheets = [s.name for s in book.sheets if s.visible != "very-hidden"]
    for name in sheets:
        rows = book.rows(name)
        h, _ = _find_header(rows, lambda row: len(_roles(row, COUNTY_ROLES)))
        roles = _roles(rows[h], COUNTY_ROLES) if h >= 0 else {}
        if "value" in roles and ("code" in roles or "name" in roles):
            return "county"
    if plan is not None and plan.tables:
        by_code, by_name = _spec_index(plan.inputs)
        for spec in plan.tables:
            if book.find_sheet(spec.name, *spec.aliases)[0] is not None:
                return "details"
            for name in sheets:
                h, cols, unit_col = _table_header(book, name, spec)
                if h >= 0 and unit_col is not None and len(cols) >= 2:
                    fields = _summary_columns(book.rows(name)[h], by_code, by_name)
                    if len(cols) > len(fields):
                        return "details"
    heads = {"u": UNIT_HEADERS, "owner": OWNER_HEADERS}
    for name in sheets:
        rows = book.rows(name)
        h, _ = _find_header(rows, lambda row: len(_roles(row, heads)))
        roles = _roles(rows[h], heads) if h >= 0 else {}
        if "owner" in roles:  # 所属县 beside 村名称: one row per village
            return "details"
        if "u" not in roles:
            continue
        c = roles["u"]
        names = [clean(_text(_cell(row, c))) for row in rows[h + 1 :]]
        names = [n for n in names if n and key_of(n) not in TOTAL_ROWS]
        return "details" if len(set(names)) < len(names) else "summary"
    raise fail(
        book.path,
        "无法识别表格格式:既不是县级填报表(指标名称、数值等列),也不是汇总表或明细表(单位名称等列)",
    )


def _read_one(path: Path, plan: ReadPlan) -> tuple[list[UnitData], list[Finding], bool]:
    """Units and findings of one file; (.., .., True) when the file is a detail table to attach later."""
    try:
        with open_book(Path(path)) as book:
            layout = layout_of(book, plan)
            if layout == "county":
                return [county_from_book(book, plan)], [], False
            if layout == "summary":
                units = summary_from_book(book, plan)
                return list(units), units.findings, False
            return [], [], True
    except AssessError as e:
        return [], [Finding("unreadable", e.message, e.location)], False
    except Exception as e:  # noqa: BLE001 - one broken file must not stop 3,000 others
        message = f"无法读取“{Path(path).name}”:读取时发生意外错误({type(e).__name__}: {e})"
        return [], [Finding("unreadable", message, Location(file=str(path)))], False


def read_units(
    paths: Iterable[Path],
    plan: ReadPlan,
    *,
    details: Iterable[Path] = (),
    progress: Callable[[Path], object] | None = None,
    jobs: int = 0,
) -> tuple[list[UnitData], list[Finding]]:
    """Read every file, never stopping at a bad one; detail files are attached to their units.

    ``paths`` may mix county workbooks, summary tables and detail tables
    (detected per file); ``details`` are files known to be detail tables.
    An unreadable file becomes a finding with code "unreadable".  ``jobs`` > 1
    reads files in that many processes.  Duplicate units are returned as they
    are: the caller decides which one counts.
    """
    paths = [Path(p) for p in paths]
    units: list[UnitData] = []
    findings: list[Finding] = []
    detail_files = [Path(p) for p in details]
    if jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from itertools import repeat

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_read_one, paths, repeat(plan), chunksize=8))
    else:
        results = []
        for p in paths:
            results.append(_read_one(p, plan))
            if progress is not None:
                progress(p)
    for path, (got, found, is_details) in zip(paths, results, strict=True):
        units.extend(got)
        findings.extend(found)
        if is_details:
            detail_files.append(path)
    for path in detail_files:
        findings.extend(_attach_details(path, plan, units))
        if progress is not None and path not in paths:
            progress(path)
    findings.extend(_missing_tables(plan, units))
    return units, findings


def _attach_details(path: Path, plan: ReadPlan, units: list[UnitData]) -> list[Finding]:
    """Read a province-wide detail file and give each unit its part."""
    out: list[Finding] = []
    index = {key_of(u.unit): u for u in units}
    try:
        with open_book(path) as book:
            read_any = False
            for spec in plan.tables:
                try:
                    tables = details_from_book(book, spec)
                except AssessError:
                    continue
                read_any = True
                out.extend(tables.findings)
                for name, table in tables.items():
                    unit = index.get(key_of(name))
                    if unit is None:
                        loc = Location(
                            file=book.file,
                            sheet=table.sheet,
                            row=table.rows[0] if table.rows else None,
                        )
                        out.append(
                            Finding(
                                "unknown-unit",
                                f"明细表“{spec.name}”中的单位“{name}”没有对应的填报数据",
                                loc,
                                "warning",
                            )
                        )
                        continue
                    if spec.key in unit.tables:
                        loc = Location(file=book.file, sheet=table.sheet)
                        out.append(
                            Finding(
                                "duplicate-table",
                                f"单位“{unit.unit}”的明细表“{spec.name}”重复提供,以先读取的为准",
                                loc,
                                "warning",
                            )
                        )
                        continue
                    unit.tables[spec.key] = table
                    unit.findings.extend(table.findings)
            if not read_any:
                names = "、".join(t.name for t in plan.tables) or "(方案未定义明细表)"
                raise fail(book.path, f"文件中没有可识别的明细表(应为:{names})")
    except AssessError as e:
        out.append(Finding("unreadable", e.message, e.location))
    return out


def _missing_tables(plan: ReadPlan, units: list[UnitData]) -> list[Finding]:
    out: list[Finding] = []
    for spec in plan.tables:
        lacking = [u for u in units if spec.key not in u.tables]
        if not lacking:
            continue
        if len(lacking) == len(units):
            out.append(
                Finding(
                    "missing-table",
                    f"未提供明细表“{spec.name}”,依赖它的指标将按缺失处理",
                    Location(),
                    "warning",
                )
            )
            continue
        for u in lacking:
            out.append(
                Finding(
                    "missing-table",
                    f"单位“{u.unit}”未提供明细表“{spec.name}”",
                    Location(file=u.file),
                )
            )
    return out
