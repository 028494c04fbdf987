"""A source with one row per unit: a department's sheet, third-party scores, a target table.

Read with the summary-table reader on the source's own keys only, so a
department's sheet may carry any other columns; a unit listed twice (in one
file or in two) is a finding naming both cells, and the first row counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from assess.errors import Finding, Location
from assess.sources.data import SourceData
from assess.sources.spec import SourceSpec
from assess.workbook.data import MISSING, OK, UnitData, Value
from assess.workbook.marker import TEMPLATE
from assess.workbook.names import shown
from assess.workbook.read import Book, open_book
from assess.workbook.summary import shared_columns, summary_from_book


def read_table(spec: SourceSpec, files: list[Path]) -> SourceData:
    out = SourceData(spec, list(files))
    title, keys = spec.title, spec.keys
    for path in files:
        try:
            with open_book(path) as book:
                if not_data(book):
                    out.findings.append(own_output(spec, path))
                    continue
                units = summary_from_book(book, spec.read)
                template = book.output_kind == TEMPLATE
        except Exception as exc:  # one bad file is a finding; the others are read
            out.findings.append(unreadable(spec, path, exc))
            continue
        if template and not filled(units):  # a blank template is not the source's data
            out.findings.append(blank_template(spec, path))
            out.files.remove(path)
            continue
        out.findings.extend(units.findings)
        name = path.name
        made = _made(units, keys, title, path)
        for n, unit in enumerate(units):
            place = f"{name} {unit.where}"
            first = out.values.get(unit.unit)
            if first is not None:
                loc = Location(
                    file=str(path), sheet=unit.where.partition("!")[0], cell=unit.where.partition("!")[2]
                )
                out.findings.append(
                    _twice(spec, unit.unit, out.where[unit.unit], place, first, unit.values, loc)
                )
                continue
            out.values[unit.unit] = made[n] if made is not None else _asked(unit, keys, title, path)
            out.where[unit.unit] = place
            if unit.findings:
                out.unit_findings.setdefault(unit.unit, []).extend(unit.findings)
    return out


def _absent(path: Path, title: str) -> Value:
    return Value(None, MISSING, where="", file=str(path), note=f"{title}中没有此项", origin=title)


def _asked(unit: UnitData, keys: tuple[str, ...], title: str, path: Path) -> dict[str, Value]:
    """One unit's values of ``keys``, asked of the unit one by one, each marked with the source."""
    got: dict[str, Value] = {}
    for key in keys:
        v = unit.values.get(key)
        if v is None:
            v = _absent(path, title)
        v.origin = title
        got[key] = v
    return got


def _made(
    units: list[UnitData], keys: tuple[str, ...], title: str, path: Path
) -> list[dict[str, Value]] | None:
    """Each unit's values of ``keys``, made column by column from the table's shared columns.

    The same values as :func:`_asked` gives unit by unit, without a mapping call per value
    and with the origin given as each is made.  None when the units are not untouched rows
    of one table (then each unit is asked).
    """
    shared = shared_columns(units)
    if shared is None:
        return None
    table, rows = shared
    made: list[dict[str, Value]] = [{} for _ in rows]
    plain = (OK, "")
    for key in keys:
        column = table.column(key)
        if column is None:  # the column is missing (said once, by the summary reader)
            for got in made:
                got[key] = _absent(path, title)
            continue
        numbers, notes = column
        raws, lines, file = table.raws[key], table.rows, table.file
        head = f"{table.sheet}!{table.letters[key]}"
        get = notes.get
        for got, i in zip(made, rows, strict=True):
            status, note = get(i, plain) if notes else plain
            got[key] = Value(numbers[i], status, raws[i], f"{head}{lines[i]}", file, note, title)
    return made


def _twice(
    spec: SourceSpec,
    unit: str,
    first_place: str,
    place: str,
    first: dict[str, Value],
    again: Mapping[str, Value],
    loc: Location,
) -> Finding:
    """A unit read twice from one source: said once, with any value that differs named by both cells."""
    differ = []
    for key, v1 in first.items():
        v2 = again.get(key)
        if v2 is not None:
            v2.origin = v1.origin
        if v2 is not None and (v1.number != v2.number or v1.status != v2.status):
            differ.append(f"{key}:{v1.source} 为 {_show(v1)},{v2.source} 为 {_show(v2)}")
    message = f"单位“{shown(unit)}”在来源“{spec.id}”{spec.title}中出现两次({first_place} 与 {place}),采用前者"
    if differ:
        message += ";两处数据不一致:" + ";".join(differ)
    return Finding("source-duplicate", message, loc)


def _show(v: Value) -> str:
    if v.number is not None:
        return f"{v.number:g}"
    return "空白" if v.raw in (None, "") else f"“{v.raw}”"


def not_data(book: Book) -> bool:
    """A file assess wrote that is never a source's data (a ranking, a score sheet…).

    A template is data once filled: :func:`filled` tells a blank one.
    """
    return book.output_kind is not None and book.output_kind != TEMPLATE


def filled(units: Iterable[UnitData]) -> bool:
    """Whether any unit read from a template holds a value (a blank template holds none)."""
    return any(v.status != MISSING for unit in units for v in unit.values.values())


def blank_template(spec: SourceSpec, path: Path) -> Finding:
    message = f"“{path.name}”是尚未填写的填报模板(没有任何数据),不作为来源“{spec.id}”的数据读取"
    return Finding("blank-template", message, Location(file=str(path)), "warning")


def own_output(spec: SourceSpec, path: Path) -> Finding:
    message = f"“{path.name}”是 assess 生成的文件,不作为来源“{spec.id}”的数据读取"
    return Finding("own-output", message, Location(file=str(path)), "warning")


def unreadable(spec: SourceSpec, path: Path, exc: BaseException) -> Finding:
    from assess.workbook.load import _unreadable

    f = _unreadable(path, exc)
    return Finding("unreadable", f"来源“{spec.id}”:{f.message}", f.location)
