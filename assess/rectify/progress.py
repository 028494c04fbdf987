"""Progress figures: per unit, per responsible department, and overall.

问题总数; 已完成 (已完成 + 已销号); 整改中; 未开始; 逾期 (a dated deadline
before the as-of date and not done; 立行立改 and 长期坚持 have no date and
are never counted overdue); 完成率 = 已完成 ÷ 问题总数, to one decimal,
rounded half up.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assess.rectify.model import C_DEPARTMENT, DONE, IN_PROGRESS, NOT_STARTED, Row

NO_DEPARTMENT = "未明确责任单位"
_SPLIT_RE = re.compile(r"[、,,;;/\s]+")


def rate(done: int, total: int) -> float | None:
    """Completion rate in percent, one decimal, half up; None when there is nothing to do."""
    if total <= 0:
        return None
    value = (Decimal(done) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


def is_overdue(row: Row, as_of: dt.date) -> bool:
    deadline = row.deadline
    return isinstance(deadline, dt.date) and deadline < as_of and row.status not in DONE


@dataclass(slots=True)
class Tally:
    name: str
    total: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.done, self.total)

    def add(self, row: Row, as_of: dt.date) -> None:
        self.total += 1
        status = row.status
        if status in DONE:
            self.done += 1
        elif status == IN_PROGRESS:
            self.in_progress += 1
        elif status == NOT_STARTED:
            self.not_started += 1
        if is_overdue(row, as_of):
            self.overdue += 1

    def sentence(self) -> str:
        """``共 57 条,完成 26 条,正在整改 31 条,完成率 45.6%`` (and 逾期 when any)."""
        if self.total == 0:
            return "暂无整改问题"
        # 通报 texts count every unfinished item as 正在整改; 未开始 is named when there are any,
        # so the sentence agrees with the table beside it.
        text = f"共 {self.total} 条,完成 {self.done} 条,正在整改 {self.in_progress} 条,"
        if self.not_started:
            text += f"尚未开始 {self.not_started} 条,"
        text += f"完成率 {self.rate:.1f}%"
        if self.overdue:
            text += f",逾期未完成 {self.overdue} 条"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "done": self.done,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "overdue": self.overdue,
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

    @property
    def overdue_units(self) -> list[str]:
        return [t.name for t in self.units if t.overdue]

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "overall": self.overall.to_dict(),
            "units": [t.to_dict() for t in self.units],
            "departments": [t.to_dict() for t in self.departments],
            "overdue_units": self.overdue_units,
            "overdue": self.overdue,
        }


def _group(
    rows: Iterable[Row],
    as_of: dt.date,
    keys: Callable[[Row], list[str]],
    order: list[str],
) -> list[Tally]:
    tallies: dict[str, Tally] = {}
    for row in rows:
        for key in keys(row):
            tallies.setdefault(key, Tally(key)).add(row, as_of)
    rank = {name: i for i, name in enumerate(order)}
    return sorted(tallies.values(), key=lambda t: (rank.get(t.name, len(rank)), 0))


def compute(rows: list[Row], as_of: dt.date, unit_order: list[str] | None = None) -> Progress:
    """Figures for ``rows`` at ``as_of``; units in ``unit_order`` first, others as they appear."""
    overall = Tally("合计")
    for row in rows:
        overall.add(row, as_of)
    seen_units = list(dict.fromkeys(r.unit for r in rows))
    order = list(unit_order or []) + [u for u in seen_units if u not in (unit_order or [])]
    units = _group(rows, as_of, lambda r: [r.unit], order)
    dept_order = list(dict.fromkeys(d for r in rows for d in departments_of(r)))
    departments = _group(rows, as_of, departments_of, dept_order)
    overdue = [
        {
            "id": r.id,
            "unit": r.unit,
            "description": str(r.values.get("问题描述") or ""),
            "deadline": r.deadline.isoformat() if isinstance(r.deadline, dt.date) else None,
            "status": r.status,
        }
        for r in rows
        if is_overdue(r, as_of)
    ]
    return Progress(as_of, overall, units, departments, overdue)


__all__ = ["Progress", "Tally", "compute", "departments_of", "is_overdue", "rate"]
