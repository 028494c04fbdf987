"""One run of the ledger's life cycle, between opening the ledger and saving it.

``assess rectify`` (assess/commands/rectify.py) calls these in order: upgrade a
format-1 ledger, split shared problems, merge, then :func:`figures` — what
each row counts as, the progress, and what is new this period.  Kept out of
the command so the command stays orchestration only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.errors import AssessError
from assess.rectify.ledger import FORMAT_VERSION, LedgerBook
from assess.rectify.lifecycle import Lifecycle, ensure_measures_sheet, evaluate, upgrade
from assess.rectify.merge import MergeStats
from assess.rectify.model import C_SOURCE, DONE, Problem, Row, id_sort_key
from assess.rectify.progress import Progress, compute, source_order


def scheme_facts(scheme: Path | str | None) -> tuple[int | None, list[str]]:
    """The scheme's year and unit list; (None, []) without a scheme, or one that cannot be read
    (a findings-only run never needed it: the ids then take the as-of year)."""
    if scheme is None:
        return None, []
    from assess.commands.common import load_plan

    with contextlib.suppress(AssessError):
        plan = load_plan(str(scheme))
        return plan.scheme.year, [u.name for u in plan.scheme.units]
    return None, []


def unit_order(order: list[str], problems: list[Problem], book: LedgerBook) -> list[str]:
    """The scheme's units, else the units of the score results, then the ledger's own units."""
    units = list(order) or [p.unit for p in problems if p.origin.startswith("score:")]
    units += [r.unit for r in book.rows]
    return list(dict.fromkeys(units))


def upgrade_if_old(book: LedgerBook) -> int | None:
    """Upgrade a ledger of an older format in place; its old version, or None when current
    (the 整改措施 sheet is made again if a person deleted it)."""
    if book.version >= FORMAT_VERSION:
        ensure_measures_sheet(book)
        return None
    old = book.version
    upgrade(book)
    return old


@dataclass
class Figures:
    lifecycle: Lifecycle
    progress: Progress
    rows: list[Row]  # in report order
    period: str  # the as-of date this period started from ("" for a new ledger)
    changed: bool = False  # a row's done_on moved: the hidden sheet must be written


def figures(
    book: LedgerBook, stats: MergeStats, as_of: dt.date, order: list[str], upgraded_from: int | None = None
) -> Figures:
    """What each row counts as, the progress in report order, and 本期新完成.

    A row's ``done_on`` (hidden sheet) is the as-of date of the run that first
    counted it complete; 本期新完成 are the rows completed after the period's
    start — the as-of date of the last run with an earlier date, so running
    twice on one day reports the same figures.
    """
    today = as_of.isoformat()
    if not book.updated or book.path is None:
        period = ""
    elif book.updated != today:
        period = book.updated
    else:
        period = book.period
    lifecycle = evaluate(book)
    keys = book.keys_by_id()
    newly: list[str] = []
    changed = False
    for row in book.rows:
        entry = book.meta.get(keys.get(row.id, ""))
        if entry is None:
            continue
        done = lifecycle.of(row) in DONE
        if done and not entry.done_on:
            # a format-1 ledger's rows done at its last run were not done in this period
            entry.done_on = book.updated if (upgraded_from is not None and _was_done(row, stats)) else today
            changed = True
        elif not done and entry.done_on:
            entry.done_on = ""
            changed = True
        if done and entry.done_on and entry.done_on > period:
            newly.append(row.id)
    rows = ordered(book.rows, order)
    progress = compute(rows, as_of, order, lifecycle)
    progress.newly_done = [r.id for r in rows if r.id in set(newly)]
    progress.since = period
    stats.since = period
    return Figures(lifecycle, progress, rows, period, changed)


def _was_done(row: Row, stats: MergeStats) -> bool:
    """Done already at the previous version: done now, and no status change to done in this run."""
    return not any(c.id == row.id for c in stats.completed) and row.id not in stats.added


def ordered(rows: list[Row], order: list[str]) -> list[Row]:
    """Rows by unit (``order`` first), then source in the ledger's order, then id in natural order."""
    units = {u: i for i, u in enumerate(order)}
    for r in rows:
        units.setdefault(r.unit, len(units))
    sources = {s: i for i, s in enumerate(source_order(rows))}
    return sorted(
        rows, key=lambda r: (units[r.unit], sources[str(r.get(C_SOURCE) or "").strip()], id_sort_key(r.id))
    )


def summary_lines(progress: Progress, stats: MergeStats, order: list[str]) -> list[str]:
    """Terminal lines after the one-line summary: per unit changes, 本期新完成, overdue per unit."""
    lines: list[str] = []
    if progress.since:
        day = dt.date.fromisoformat(progress.since)
        lines.append(f"本期(上次统计截至 {day.isoformat()})新完成 {len(progress.newly_done)} 条")
    for unit in stats.by_unit(order) if progress.since else []:  # a new ledger: everything is new
        parts = []
        if unit["added"]:
            parts.append(f"新增 {len(unit['added'])} 条")
        if unit["status_changes"]:
            parts.append(f"状态变化 {len(unit['status_changes'])} 条")
        if unit["completed"]:
            parts.append(f"改为已完成 {len(unit['completed'])} 条")
        if unit["closed"]:
            parts.append(f"改为已销号 {len(unit['closed'])} 条")
        if parts:
            lines.append(f"  {unit['unit']}:{','.join(parts)}")
    for group in progress.overdue_by_unit():
        ids = "、".join(i["id"] for i in group["items"][:5])
        more = " 等" if group["count"] > 5 else ""
        lines.append(f"逾期未完成:{group['unit']} {group['count']} 条({ids}{more})")
    if progress.measures.total:
        lines.append(progress.measures.short())
    return lines


def row_extra(row: Row, lifecycle: Lifecycle | None, as_of: dt.date) -> dict[str, Any]:
    """The life-cycle fields of a row in 整改情况.json: what it counts as, 认定, 不涉及理由, measures."""
    from assess.rectify.model import C_CONFIRM_DATE, C_CONFIRM_UNIT, C_NA_REASON
    from assess.rectify.progress import _late

    def text(column: str) -> str | None:
        value = row.get(column)
        return None if value is None or str(value).strip() == "" else str(value).strip()

    day = row.get(C_CONFIRM_DATE)
    pairs = lifecycle.measures.get(row.id, []) if lifecycle is not None else []
    return {
        "counted_as": lifecycle.of(row) if lifecycle is not None else row.status,
        "confirmed_by": text(C_CONFIRM_UNIT),
        "confirmed_on": day.isoformat() if isinstance(day, dt.date) else None,
        "not_applicable_reason": text(C_NA_REASON),
        "measures": [m.to_dict(s, _late(m.deadline, s, as_of)) for m, s in pairs],
    }


__all__ = ["Figures", "figures", "ordered", "scheme_facts", "summary_lines", "unit_order", "upgrade_if_old"]
