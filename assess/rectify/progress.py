"""Progress figures: per unit, per responsible department, per source and category, and overall.

问题总数 (claimed rows: 不涉及 rows are counted apart, not in the total);
已完成 (已完成（待认定）+ 已销号 + 长期坚持, as the life cycle counts them:
:mod:`assess.rectify.lifecycle`); 整改中; 未开始; 逾期 (a dated deadline
before the as-of date and not done; 立行立改 and 长期坚持 have no date and
are never counted overdue); 完成率 = 已完成 ÷ 问题总数, to one decimal,
rounded half up.  长期坚持 counts as done because the problem itself is
rectified and what remains is a standing mechanism; it is named apart
(“其中长期坚持 N 条”) so nobody mistakes it for finished work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from assess.rectify.model import (
    C_CATEGORY,
    C_DEPARTMENT,
    C_NA_REASON,
    C_SOURCE,
    CLOSED,
    DONE,
    LONG_TERM,
    NOT_APPLICABLE,
    NOT_STARTED,
    Deadline,
    Row,
)

if TYPE_CHECKING:
    from assess.rectify.lifecycle import Lifecycle

NO_DEPARTMENT = "未明确责任单位"
_SPLIT_RE = re.compile(r"[、,,;;/\s]+")


def rate(done: int, total: int) -> float | None:
    """Completion rate in percent, one decimal, half up; None when there is nothing to do."""
    if total <= 0:
        return None
    value = (Decimal(done) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def is_overdue(row: Row, as_of: dt.date, status: str | None = None) -> bool:
    """A dated deadline before ``as_of`` and not done (``status``: what the row counts as)."""
    return _late(row.deadline, row.status if status is None else status, as_of)


def _late(deadline: Deadline, status: str, as_of: dt.date) -> bool:
    return (
        isinstance(deadline, dt.date) and deadline < as_of and status not in DONE and status != NOT_APPLICABLE
    )


@dataclass(slots=True)
class Tally:
    name: str
    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    long_term: int = 0  # of done: 长期坚持
    closed: int = 0  # of done: 已销号
    not_applicable: int = 0  # 不涉及: outside the total

    @property
    def rate(self) -> float | None:
        return rate(self.done, self.total)

    def add(self, row: Row, as_of: dt.date, status: str | None = None) -> None:
        """Count ``row`` as ``status`` (what the life cycle makes of it; its own cell by default)."""
        self.count(row.status if status is None else status, row.deadline, as_of)

    def count(self, status: str, deadline: Deadline, as_of: dt.date) -> None:
        if status == NOT_APPLICABLE:
            self.not_applicable += 1
            return
        self.total += 1
        if status in DONE:
            self.done += 1
            self.long_term += status == LONG_TERM
            self.closed += status == CLOSED
        elif status == NOT_STARTED:
            self.not_started += 1
        else:
            self.in_progress += 1
        if _late(deadline, status, as_of):
            self.overdue += 1

    def sentence(self) -> str:
        """``共 57 条,完成 26 条,正在整改 31 条,完成率 45.6%`` (and 逾期 when any)."""
        tail = f",另有不涉及 {self.not_applicable} 条未计入" if self.not_applicable else ""
        if self.total == 0:
            return "暂无整改问题" + tail
        # 通报 texts count every unfinished item as 正在整改; 未开始 is named when there are any,
        # so the sentence agrees with the table beside it.
        text = f"共 {self.total} 条,完成 {self.done} 条"
        if self.long_term:
            text += f"(其中长期坚持 {self.long_term} 条)"
        text += f",正在整改 {self.in_progress} 条,"
        if self.not_started:
            text += f"尚未开始 {self.not_started} 条,"
        text += f"完成率 {self.rate:.1f}%"
        if self.overdue:
            text += f",逾期未完成 {self.overdue} 条"
        return text + tail

    def short(self) -> str:
        """``国家考核评估反馈问题 57 条,已完成 26 条,完成率 45.6%`` (a source, a category, the measures)."""
        if self.total == 0:
            return f"{self.name} 0 条"
        return f"{self.name} {self.total} 条,已完成 {self.done} 条,完成率 {self.rate:.1f}%"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "done": self.done,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "overdue": self.overdue,
            "long_term": self.long_term,
            "closed": self.closed,
            "not_applicable": self.not_applicable,
            "rate": self.rate,
            "sentence": self.sentence(),
        }


def departments_of(row: Row) -> list[str]:
    """The departments named in 责任单位 (several may share an item: 县财政局、县乡村振兴局)."""
    text = str(row.values.get(C_DEPARTMENT) or "").strip()
    names = [n for n in _SPLIT_RE.split(text) if n]
    return list(dict.fromkeys(names)) or [NO_DEPARTMENT]


@dataclass(slots=True)
class Progress:
    as_of: dt.date
    overall: Tally
    units: list[Tally] = field(default_factory=list)
    departments: list[Tally] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)  # the overdue items
    sources: list[Tally] = field(default_factory=list)  # totals by 问题来源
    categories: list[Tally] = field(default_factory=list)  # totals by 问题类别
    unit_sources: list[tuple[str, Tally]] = field(default_factory=list)  # (unit, tally named by source)
    unit_categories: list[tuple[str, Tally]] = field(default_factory=list)
    measures: Tally = field(default_factory=lambda: Tally("整改措施"))
    unit_measures: list[Tally] = field(default_factory=list)
    not_applicable: list[dict[str, Any]] = field(default_factory=list)  # 不涉及 rows and their reasons
    newly_done: list[str] = field(default_factory=list)  # 本期新完成: done since the last run's as-of
    since: str = ""  # that as-of date (ISO), "" for a new ledger

    @property
    def overdue_units(self) -> list[str]:
        return [t.name for t in self.units if t.overdue]

    def overdue_by_unit(self) -> list[dict[str, Any]]:
        """The overdue items per unit, in unit order."""
        out: list[dict[str, Any]] = []
        for t in self.units:
            items = [i for i in self.overdue if i["unit"] == t.name]
            if items:
                out.append({"unit": t.name, "count": len(items), "items": items})
        return out

    def to_dict(self) -> dict[str, Any]:
        def pairs(items: list[tuple[str, Tally]], key: str) -> list[dict[str, Any]]:
            return [{"unit": u, key: t.name, **t.to_dict()} for u, t in items]

        return {
            "as_of": self.as_of.isoformat(),
            "overall": self.overall.to_dict(),
            "units": [t.to_dict() for t in self.units],
            "departments": [t.to_dict() for t in self.departments],
            "sources": [t.to_dict() | {"text": t.short()} for t in self.sources],
            "categories": [t.to_dict() for t in self.categories],
            "unit_sources": pairs(self.unit_sources, "source"),
            "unit_categories": pairs(self.unit_categories, "category"),
            "overdue_units": self.overdue_units,
            "overdue": self.overdue,
            "overdue_by_unit": self.overdue_by_unit(),
            "measures": self.measures.to_dict() | {"text": self.measures.short()},
            "unit_measures": [t.to_dict() for t in self.unit_measures],
            "not_applicable": self.not_applicable,
            "since": self.since or None,
            "newly_done": len(self.newly_done),
            "newly_done_ids": self.newly_done,
        }


def _group(
    rows: Iterable[Row],
    as_of: dt.date,
    keys: Callable[[Row], list[str]],
    order: list[str],
    status: Callable[[Row], str] | None = None,
) -> list[Tally]:
    tallies: dict[str, Tally] = {}
    for row in rows:
        for key in keys(row):
            tallies.setdefault(key, Tally(key)).add(row, as_of, status(row) if status else None)
    rank = {name: i for i, name in enumerate(order)}
    return sorted(tallies.values(), key=lambda t: (rank.get(t.name, len(rank)), 0))


def _text_of(column: str, blank: str) -> Callable[[Row], list[str]]:
    def key(row: Row) -> list[str]:
        return [str(row.values.get(column) or "").strip() or blank]

    return key


def _crossed(
    rows: list[Row],
    as_of: dt.date,
    units: list[Tally],
    key: Callable[[Row], list[str]],
    status: Callable[[Row], str],
    order: list[str] | None = None,
) -> list[tuple[str, Tally]]:
    order = order or list(dict.fromkeys(k for r in rows for k in key(r)))
    by_unit: dict[str, list[Row]] = {}
    for r in rows:
        by_unit.setdefault(r.unit, []).append(r)
    out: list[tuple[str, Tally]] = []
    for unit in units:
        out += [(unit.name, t) for t in _group(by_unit.get(unit.name, []), as_of, key, order, status)]
    return out


def source_order(rows: list[Row]) -> list[str]:
    """The sources in the order the ledger's units list them.

    A new ledger holds each unit's rows source by source, in the order the
    inputs were given; a source one unit lacks must not move behind the
    sources of that unit (the first unit without 国家考核评估反馈问题 would
    otherwise put it after 审计 for every unit).  So a source comes before
    another when some unit lists it first, and ties (and contradictions a
    clerk's sorting may leave) go by first appearance.
    """
    first: dict[str, int] = {}
    after: dict[str, set[str]] = {}
    by_unit: dict[str, list[str]] = {}
    for r in rows:
        source = str(r.get(C_SOURCE) or "").strip()
        first.setdefault(source, len(first))
        seen = by_unit.setdefault(r.unit, [])
        if source not in seen:
            if seen:
                after.setdefault(seen[-1], set()).add(source)
            seen.append(source)
    before = dict.fromkeys(first, 0)
    for targets in after.values():
        for t in targets:
            before[t] += 1
    out: list[str] = []
    left = dict(first)
    while left:
        ready = [s for s in left if before[s] == 0] or list(left)  # a cycle: first appearance decides
        source = min(ready, key=left.__getitem__)
        out.append(source)
        del left[source]
        for t in after.get(source, ()):
            before[t] -= 1
    return out


def compute(
    rows: list[Row],
    as_of: dt.date,
    unit_order: list[str] | None = None,
    lifecycle: Lifecycle | None = None,
) -> Progress:
    """Figures for ``rows`` at ``as_of``; units in ``unit_order`` first, others as they appear.

    ``lifecycle`` says what each row (and measure) counts as; without it a row
    counts as its 整改状态 cell says.
    """

    def status(row: Row) -> str:
        return lifecycle.of(row) if lifecycle is not None else row.status

    overall = Tally("合计")
    for row in rows:
        overall.add(row, as_of, status(row))
    seen_units = list(dict.fromkeys(r.unit for r in rows))
    order = list(unit_order or []) + [u for u in seen_units if u not in (unit_order or [])]
    units = _group(rows, as_of, lambda r: [r.unit], order, status)
    dept_order = list(dict.fromkeys(d for r in rows for d in departments_of(r)))
    departments = _group(rows, as_of, departments_of, dept_order, status)
    by_source = _text_of(C_SOURCE, "未注明来源")
    by_category = _text_of(C_CATEGORY, "未分类")
    overdue = [
        {
            "id": r.id,
            "unit": r.unit,
            "description": str(r.values.get("问题描述") or ""),
            "deadline": r.deadline.isoformat() if isinstance(r.deadline, dt.date) else None,
            "status": r.status,
        }
        for r in rows
        if is_overdue(r, as_of, status(r))
    ]
    progress = Progress(as_of, overall, units, departments, overdue)
    sources = [s or "未注明来源" for s in source_order(rows)]
    progress.sources = _group(rows, as_of, by_source, sources, status)
    progress.categories = _group(
        rows, as_of, by_category, list(dict.fromkeys(k for r in rows for k in by_category(r))), status
    )
    progress.unit_sources = _crossed(rows, as_of, units, by_source, status, sources)
    progress.unit_categories = _crossed(rows, as_of, units, by_category, status)
    progress.not_applicable = [
        {"id": r.id, "unit": r.unit, "description": str(r.values.get("问题描述") or ""),
         "reason": str(r.values.get(C_NA_REASON) or "").strip() or None}
        for r in rows
        if r.status == NOT_APPLICABLE and status(r) == NOT_APPLICABLE
    ]  # fmt: skip
    if lifecycle is not None:
        unit_of = {r.id: r.unit for r in rows}
        per_unit: dict[str, Tally] = {}
        for ident, pairs in lifecycle.measures.items():
            for m, counted in pairs:
                progress.measures.count(counted, m.deadline, as_of)
                per_unit.setdefault(unit_of[ident], Tally(unit_of[ident])).count(counted, m.deadline, as_of)
        rank = {name: i for i, name in enumerate(order)}
        progress.unit_measures = sorted(per_unit.values(), key=lambda t: rank.get(t.name, len(rank)))
    return progress


__all__ = ["Progress", "Tally", "compute", "departments_of", "is_overdue", "rate"]
