"""One workbook per unit: its rows of the ledger, for sending to that unit (``--split-by-unit``).

A county needs its own problems on paper and in a file it can open, not the
whole province's ledger.  Each workbook has the ledger's columns (as
``model.COLUMNS`` lists them, whatever the ledger's own order), a title row
and a line with the unit's progress, and prints like the ledger
(:mod:`assess.render.xlsx_print`).  The workbooks are remade on every run and
marked as assess's output: they are never read back, neither as a ledger nor
as data, so what a unit writes into its copy must be entered in the ledger.
That makes them documents, built here with the others; the ledger's rows and
progress figures they show come from :mod:`assess.rectify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess.rectify.model import C_DEADLINE, C_ID, C_STATUS, C_UNIT, COLUMNS, STATUSES, Row
from assess.rectify.progress import Progress
from assess.rectify.sheets import WIDTHS
from assess.render.xlsx_print import Table, column_kind, column_width, table_workbook

if TYPE_CHECKING:
    from assess.commands.output import Outputs

PREFIX = "整改台账_"  # 整改台账_浏阳市.xlsx; never the ledger's own name (整改台账.xlsx)


def _value(row: Row, column: str) -> Any:
    if column == C_STATUS:
        return row.status
    if column == C_DEADLINE:
        return row.deadline
    value = row.get(column)
    return value.date() if isinstance(value, dt.datetime) else value


def _units(rows: Iterable[Row], progress: Progress) -> list[str]:
    """Units in the order of the progress figures (the scheme's list), then any others as they come."""
    order = [t.name for t in progress.units]
    for row in rows:
        if row.unit not in order:
            order.append(row.unit)
    return order


def day_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def unit_table(unit: str, rows: list[Row], progress: Progress, heading: str) -> Table:
    """The table of one unit's workbook."""
    tally = next((t for t in progress.units if t.name == unit), None)
    note = f"截至{day_text(progress.as_of)}" + (f",{tally.sentence()}。" if tally is not None else "。")
    columns = list(COLUMNS)
    lead = 0
    while lead < len(columns) and columns[lead] in (C_ID, C_UNIT):
        lead += 1
    return Table(
        title=f"{unit}{heading}",
        columns=columns,
        rows=[[_value(r, c) for c in columns] for r in rows],
        widths=[column_width(c, WIDTHS) for c in columns],
        kinds=[column_kind(c) for c in columns],
        note=note,
        sheet=heading,
        keep_left=lead,
        status_column=columns.index(C_STATUS) if C_STATUS in columns else None,
        statuses=STATUSES,
    )


def unit_targets(rows: list[Row], progress: Progress, out_dir: Path) -> list[tuple[str, Path]]:
    """Each unit of ``rows`` with its workbook's path, ``out_dir/整改台账_<unit>.xlsx``."""
    from assess.render.atomic import safe_filename

    taken: set[str] = set()
    return [(unit, out_dir / f"{PREFIX}{safe_filename(unit, taken)}.xlsx") for unit in _units(rows, progress)]


def check_unit_books(
    rows: list[Row], progress: Progress, out_dir: Path, outputs: Outputs, ledger: Path
) -> None:
    """Refuse, before anything is written, a unit's workbook that would land on the ledger, an
    input, or a file assess did not write."""
    outputs.read([ledger], "整改台账")
    for _unit, target in unit_targets(rows, progress, out_dir):
        outputs.check(target)


def write_unit_books(
    rows: list[Row],
    progress: Progress,
    out_dir: Path,
    heading: str,
    write: Callable[[Path, bytes], Path],
) -> list[Path]:
    """The workbook of every unit of ``rows``; ``write`` checks and writes one (``Outputs.write``)."""
    from assess.workbook.marker import UNIT_LEDGER

    written: list[Path] = []
    for unit, target in unit_targets(rows, progress, out_dir):
        mine = [r for r in rows if r.unit == unit]
        written.append(write(target, table_workbook(unit_table(unit, mine, progress, heading), UNIT_LEDGER)))
    return written


__all__ = ["PREFIX", "check_unit_books", "unit_table", "unit_targets", "write_unit_books"]
