"""Fill in the package's own templates the way a unit or a rater would.

The example rounds of ``township-2024`` and ``department-2024`` start from what
``assess template`` hands out (the same functions, called directly), so their
workbooks carry the template's instructions, locked codes and dropdowns, and
what a clerk types goes into the yellow cells only.  Used by
``make_township.py`` and ``make_departments.py``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from assess.commands.template import scheme_units
from assess.scheme.plan import Plan
from assess.sources.spec import RaterSpec, SourceSpec
from assess.workbook.source_template import source_template
from assess.workbook.template import county_template


def unit_book(
    plan: Plan,
    path: Path,
    unit: str,
    group: str,
    values: Mapping[str, object],
    blank: Iterable[str] = (),
    notes: Mapping[str, str] | None = None,
) -> None:
    """One unit's own workbook: its group's template with the values in column D.

    ``blank`` lists keys left empty (a clerk who did not fill a cell); ``notes``
    puts text in the 说明或佐证 column of a key's row."""
    keys = {spec.code or spec.key: spec.key for spec in plan.own_read.inputs}
    skipped, notes = set(blank), notes or {}
    wb = load_workbook(io.BytesIO(county_template(plan, unit, group)))
    ws = wb["指标数据"]
    for r in range(3, ws.max_row + 1):
        key = keys.get(str(ws.cell(r, 1).value))
        if key is None:
            continue
        if key not in skipped:
            ws.cell(r, 4).value = values.get(key)
        if key in notes:
            ws.cell(r, 5).value = notes[key]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _rows(ws: Worksheet) -> tuple[int, dict[str, int]]:
    """The first row of units and each field's column, from the template's header."""
    top = 3 if ws.cell(2, 1).value == "编码" else 2
    return top, {str(ws.cell(1, c).value): c for c in range(1, ws.max_column + 1)}


def rater_book(
    plan: Plan,
    spec: SourceSpec,
    rater: RaterSpec,
    path: Path,
    values: Mapping[str, Mapping[str, object]],
) -> None:
    """One rater's sheet of a ratings source, its template filled: ``values`` unit → key → value."""
    wb = load_workbook(io.BytesIO(source_template(plan, spec, scheme_units(plan), rater)))
    ws = wb.worksheets[1]
    top, columns = _rows(ws)
    heads = {f.key: f"{f.name}({f.unit})" if f.unit else f.name for f in spec.read.inputs}
    for r in range(top, ws.max_row + 1):
        unit = ws.cell(r, 1).value
        if unit is None:
            continue
        for key, head in heads.items():
            ws.cell(r, columns[head]).value = values.get(str(unit), {}).get(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
