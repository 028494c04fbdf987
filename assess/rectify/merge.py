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

A problem is matched to its row by its stable key (the hidden sheet maps key →
编号), never by the 编号 shown: new rows get a readable 编号
(``2024-督查-浏阳市-003``, :class:`assess.rectify.model.IdMaker`) and an existing
row keeps the one it has.  New rows are appended in the scheme's unit order,
then source, then input order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from assess.errors import Finding, Location
from assess.rectify.ledger import MANUAL_KEY, LedgerBook, MetaEntry, current
from assess.rectify.model import (
    C_CHECK,
    C_DEADLINE,
    C_ID,
    C_STATUS,
    C_UNIT,
    CLOSED,
    COLUMNS,
    DONE,
    NOT_SEEN,
    NOT_STARTED,
    IdMaker,
    Problem,
    Row,
    add_days,
    canonical,
    parse_iso,
    shown,
)
from assess.rectify.sheets import add_history

ADDED = "新增问题"
MANUAL = "manual"


@dataclass(slots=True)
class StatusChange:
    """A status a person changed since the previous ledger version."""

    id: str
    unit: str
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "unit": self.unit, "old": self.old, "new": self.new}


@dataclass(slots=True)
class MergeStats:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # ids where a person's edit was kept
    not_seen: list[str] = field(default_factory=list)
    seen_again: list[str] = field(default_factory=list)
    status_changes: int = 0
    changed: bool = False
    changes: list[StatusChange] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)  # rows a person added since the last run
    units: dict[str, str] = field(default_factory=dict)  # id → unit, for the per-unit view
    since: str = ""  # as-of date of the previous ledger version ("" for a new ledger)

    @property
    def completed(self) -> list[StatusChange]:
        """Changes from not done to done (已完成（待认定）, 已销号, 长期坚持)."""
        return [c for c in self.changes if c.new in DONE and c.old not in DONE]

    @property
    def closed(self) -> list[StatusChange]:
        return [c for c in self.changes if c.new == CLOSED]

    def by_unit(self, order: list[str]) -> list[dict[str, Any]]:
        """Per unit: new rows, status changes, newly completed and newly closed, in ``order``."""
        units: dict[str, dict[str, Any]] = {}

        def slot(unit: str) -> dict[str, Any]:
            return units.setdefault(
                unit,
                {"unit": unit, "added": [], "status_changes": [], "completed": [], "closed": []},
            )

        for ident in self.added + self.manual:
            slot(self.units.get(ident, ""))["added"].append(ident)
        for c in self.changes:
            slot(c.unit)["status_changes"].append(c.to_dict())
            if c.new in DONE and c.old not in DONE:
                slot(c.unit)["completed"].append(c.id)
            if c.new == CLOSED:
                slot(c.unit)["closed"].append(c.id)
        rank = {u: i for i, u in enumerate(order)}
        return sorted(units.values(), key=lambda u: rank.get(u["unit"], len(rank)))

    def sentence(self) -> str:
        """``新增 1 条,更新 1 条,状态变化 2 条(改为已完成 1 条、改为已销号 0 条),本轮未再发现 2 条``: the cells as
        changed; 本期新完成 (cycle.py) counts what progress counts as done, evidence included."""
        text = f"新增 {len(self.added) + len(self.manual)} 条,更新 {len(self.updated)} 条,"
        text += f"状态变化 {len(self.changes)} 条"
        if self.changes:
            text += f"(改为已完成 {len(self.completed)} 条、改为已销号 {len(self.closed)} 条)"
        if self.kept:
            text += f",保留人工修改 {len(set(self.kept))} 条"
        return text + f",本轮未再发现 {len(self.not_seen)} 条"

    def to_dict(self, order: list[str] | None = None) -> dict[str, Any]:
        return {
            "since": self.since or None,
            "added": len(self.added),
            "added_by_hand": len(self.manual),
            "updated": len(self.updated),
            "kept_edits": len(self.kept),
            "not_seen": len(self.not_seen),
            "seen_again": len(self.seen_again),
            "status_changes": self.status_changes,
            "completed": len(self.completed),
            "closed": len(self.closed),
            "status_changed": [c.to_dict() for c in self.changes],
            "units": self.by_unit(order or []),
        }


def merge(
    book: LedgerBook,
    problems: list[Problem],
    as_of: dt.date,
    scope: set[tuple[str, str]],
    findings: list[Finding],
    *,
    year: int | None = None,
    unit_order: list[str] | None = None,
) -> MergeStats:
    """Apply ``problems`` to ``book`` in place; ``scope`` says which absences mean 未再发现.

    ``year`` is the first part of new ids (the scheme's year, else the as-of
    year); ``unit_order`` the order new rows are appended in.
    """
    stats = MergeStats(since=book.updated if book.path else "")
    today = as_of.isoformat()
    rows = book.by_id()
    keys = book.keys_by_id()

    # 1. Status changes people made since the last run.
    for row in book.rows:
        stats.units[row.id] = row.unit
        key = keys.get(row.id)
        entry = book.meta.get(key) if key is not None else None
        if entry is None:  # a row a person added: remember it from now on
            key = MANUAL_KEY + row.id
            book.meta[key] = MetaEntry(MANUAL, row.unit, row.status, today, today, current(row), id=row.id)
            keys[row.id] = key
            stats.manual.append(row.id)
            stats.changed = True
            continue
        if entry.status != row.status:
            add_history(book, as_of, row.id, C_STATUS, entry.status, row.status)
            stats.changes.append(StatusChange(row.id, row.unit, entry.status, row.status))
            entry.status = row.status
            stats.status_changes += 1
            stats.changed = True

    # 2. This run's problems, matched by key.
    present: set[str] = set()
    fresh: list[Problem] = []
    for p in problems:
        entry = book.meta.get(p.id)
        if entry is None and p.id in rows and keys.get(p.id) == MANUAL_KEY + p.id:
            # a row whose 编号 is the problem's key (a format-1 row typed back by hand): it is that problem
            entry = book.meta[p.id] = book.meta.pop(MANUAL_KEY + p.id)
            entry.origin = p.origin
            keys[p.id] = p.id
        if entry is None:
            fresh.append(p)
            continue
        found = rows.get(entry.id)
        if found is None:
            if entry.origin != MANUAL:
                findings.append(
                    Finding(
                        "ledger-row-deleted",
                        f"问题 {entry.id}({shown(p.unit)})曾在台账中,已被人工删除,本次未重新加入;"
                        "如需恢复,请删除台账后重新生成或手工补回该行",
                        Location(file=str(book.path) if book.path else None),
                        "warning",
                    )
                )
            continue
        row = found
        present.add(row.id)
        entry.last_seen = today
        if entry.origin == MANUAL:
            entry.origin = p.origin
        check = canonical(row.values.get(C_CHECK))
        if check.startswith(NOT_SEEN):
            book.set(row, C_CHECK, "")
            add_history(book, as_of, row.id, C_CHECK, check, "")
            stats.seen_again.append(row.id)
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
                stats.kept.append(row.id)
                stats.changed = True
        if touched:
            stats.updated.append(row.id)
            stats.changed = True

    # 3. New problems: readable ids, appended in the scheme's unit order, then source.
    maker = IdMaker({r.id for r in book.rows} | {e.id for e in book.meta.values()})
    shared = {e.group: e.id for e in book.meta.values() if e.group}  # group key → an existing row's id
    for p in _ordered(fresh, unit_order or [], book):
        ident = _new_id(maker, shared, p, year or as_of.year)
        row = _add(book, p, ident, as_of)
        rows[row.id] = row
        present.add(row.id)
        stats.units[row.id] = row.unit
        stats.added.append(row.id)
        stats.changed = True

    # 4. Problems the same kind of input no longer contains.
    keys = book.keys_by_id()
    for row in book.rows:
        if row.id in present:
            continue
        entry = book.meta[keys[row.id]]
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


def _ordered(problems: list[Problem], unit_order: list[str], book: LedgerBook) -> list[Problem]:
    """Units in ``unit_order`` (others as they come), then source as first seen, then input order."""
    units = {u: i for i, u in enumerate(unit_order)}
    for r in book.rows:
        units.setdefault(r.unit, len(units))
    sources: dict[str, int] = {}
    for p in problems:
        units.setdefault(p.unit, len(units))
        sources.setdefault(p.source, len(sources))
    return sorted(problems, key=lambda p: (units[p.unit], sources[p.source]))


def _new_id(maker: IdMaker, shared: dict[str, str], p: Problem, year: int) -> str:
    if not p.group:
        return maker.new(year, p.source, p.unit)
    number = shared.get(p.group)
    if number is not None:  # another unit's row of the same shared problem: its number, minus the unit
        number = number.rsplit("-", 1)[0]
    else:
        number = maker.shared_number(year, p.source)
    ident = maker.claimed(number, p.unit)
    shared.setdefault(p.group, ident)
    return ident


def _add(book: LedgerBook, p: Problem, ident: str, as_of: dt.date) -> Row:
    values: dict[str, Any] = dict.fromkeys(COLUMNS)
    values.update(p.generated())
    values[C_ID] = ident
    values[C_UNIT] = p.unit
    values[C_STATUS] = p.status or NOT_STARTED
    row = book.append(values)
    today = as_of.isoformat()
    book.meta[p.id] = MetaEntry(
        p.origin, p.unit, row.status, today, today, current(row), id=ident, group=p.group
    )
    add_history(book, as_of, ident, ADDED, "", p.description)
    return row


__all__ = ["MergeStats", "StatusChange", "merge"]
