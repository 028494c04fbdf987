"""Merging this run's problems into the ledger without losing what people typed.

Rules (docs/rectify.md, "重新运行时"):

* A problem not yet in the ledger is appended with 整改状态 未开始 (or the
  status its findings workbook gave).
* A generated column (问题描述, 整改措施, 整改时限 …) is updated only while
  the cell still holds what assess last wrote there; once a person changed
  it, their text stays.  Rows marked 已销号 are not changed at all.
* 整改状态, 完成日期, 佐证材料 and 备注 are never written for an existing row.
* No row is ever removed: a problem that inputs of the same kind no longer
  contain gets 核对情况 "本轮未再发现(日期)"; it is cleared if the problem
  comes back.
* Every status change made by people since the last run, every update and
  every new problem goes to 变更记录 with the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assess.errors import Finding, Location
from assess.rectify.ledger import LedgerBook, MetaEntry, current
from assess.rectify.model import (
    C_CHECK,
    C_DEADLINE,
    C_ID,
    C_STATUS,
    C_UNIT,
    CLOSED,
    COLUMNS,
    NOT_SEEN,
    NOT_STARTED,
    Problem,
    add_days,
    canonical,
    parse_iso,
    shown,
)
from assess.rectify.sheets import add_history

ADDED = "新增问题"
MANUAL = "manual"


@dataclass(slots=True)
class MergeStats:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # ids where a person's edit was kept
    not_seen: list[str] = field(default_factory=list)
    seen_again: list[str] = field(default_factory=list)
    status_changes: int = 0
    changed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "kept_edits": len(self.kept),
            "not_seen": len(self.not_seen),
            "seen_again": len(self.seen_again),
            "status_changes": self.status_changes,
        }


def merge(
    book: LedgerBook,
    problems: list[Problem],
    as_of: dt.date,
    scope: set[tuple[str, str]],
    findings: list[Finding],
) -> MergeStats:
    """Apply ``problems`` to ``book`` in place; ``scope`` says which absences mean 未再发现."""
    stats = MergeStats()
    today = as_of.isoformat()
    rows = book.by_id()

    # 1. Status changes people made since the last run.
    for row in book.rows:
        entry = book.meta.get(row.id)
        if entry is None:  # a row a person added: remember it from now on
            book.meta[row.id] = MetaEntry(MANUAL, row.unit, row.status, today, today, current(row))
            stats.changed = True
            continue
        if entry.status != row.status:
            add_history(book, as_of, row.id, C_STATUS, entry.status, row.status)
            entry.status = row.status
            stats.status_changes += 1
            stats.changed = True

    # 2. This run's problems.
    present: set[str] = set()
    for p in problems:
        present.add(p.id)
        found = rows.get(p.id)
        entry = book.meta.get(p.id)
        if found is None:
            if entry is not None and entry.origin != MANUAL:
                findings.append(
                    Finding(
                        "ledger-row-deleted",
                        f"问题 {p.id}({shown(p.unit)})曾在台账中,已被人工删除,本次未重新加入;"
                        "如需恢复,请删除台账后重新生成或手工补回该行",
                        Location(file=str(book.path) if book.path else None),
                        "warning",
                    )
                )
                continue
            _add(book, p, as_of)
            stats.added.append(p.id)
            stats.changed = True
            continue
        row = found
        if entry is None:
            entry = book.meta[p.id] = MetaEntry(p.origin, p.unit, row.status, today, today, current(row))
        entry.last_seen = today
        if entry.origin == MANUAL:
            entry.origin = p.origin
        check = canonical(row.values.get(C_CHECK))
        if check.startswith(NOT_SEEN):
            book.set(row, C_CHECK, "")
            add_history(book, as_of, row.id, C_CHECK, check, "")
            stats.seen_again.append(p.id)
            stats.changed = True
        if row.status == CLOSED:
            continue
        cells = current(row)
        touched = False
        generated = p.generated()
        first = parse_iso(entry.first_seen) if p.deadline_days is not None else None
        if p.deadline_days is not None and first is not None:
            # a deadline counts from the day the problem was first found, not from each re-run
            generated[C_DEADLINE] = add_days(first, p.deadline_days)
        for column, value in generated.items():
            new = canonical(value)
            cur = cells[column]
            if cur == new:
                entry.generated[column] = new
                continue
            if cur == entry.generated.get(column, ""):
                book.set(row, column, value)
                add_history(book, as_of, row.id, column, cur, new)
                entry.generated[column] = new
                touched = True
            elif entry.generated.get(column) != new:
                entry.generated[column] = new  # a person's text stays; remember the new wording
                stats.kept.append(p.id)
                stats.changed = True
        if touched:
            stats.updated.append(p.id)
            stats.changed = True

    # 3. Problems the same kind of input no longer contains.
    for row in book.rows:
        if row.id in present:
            continue
        entry = book.meta[row.id]
        if (entry.origin, row.unit) not in scope and (entry.origin, "*") not in scope:
            continue
        check = canonical(row.values.get(C_CHECK))
        if check.startswith(NOT_SEEN):
            continue
        mark = f"{NOT_SEEN}({today})"
        book.set(row, C_CHECK, mark)
        add_history(book, as_of, row.id, C_CHECK, check, mark)
        stats.not_seen.append(row.id)
        stats.changed = True
    return stats


def _add(book: LedgerBook, p: Problem, as_of: dt.date) -> None:
    values: dict[str, Any] = dict.fromkeys(COLUMNS)
    values.update(p.generated())
    values[C_ID] = p.id
    values[C_UNIT] = p.unit
    values[C_STATUS] = p.status or NOT_STARTED
    row = book.append(values)
    today = as_of.isoformat()
    book.meta[p.id] = MetaEntry(p.origin, p.unit, row.status, today, today, current(row))
    add_history(book, as_of, p.id, ADDED, "", p.description)


__all__ = ["MergeStats", "merge"]
