"""What ``explain`` hands back: suggestions, gaps and the explanation, as data and JSON.

The classes carry the Chinese sentence already worded (``text``) next to the
numbers, so the table, JSON and HTML outputs say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assess.scheme.plan import PlanIndicator
from assess.scoring.numbers import fmt_value


@dataclass
class Change:
    """A reported field that would have to change for a derived value to move."""

    key: str
    name: str
    unit: str | None
    current: float | None
    needed: float
    feasible: bool = True
    note: str = ""
    proposed: bool = True  # False: no value of this field reaches the goal (``note`` says why)

    def text(self) -> str:
        if not self.proposed:
            return self.note
        verb = "增加" if (self.current is None or self.needed >= self.current) else "减少"
        cur = num_text(self.current, self.unit)
        out = f"{self.name}由 {cur} {verb}到 {num_text(self.needed, self.unit)}"
        return out + (f",{self.note}" if self.note else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.key,
            "name": self.name,
            "unit": self.unit,
            "current": self.current,
            "needed": self.needed if self.proposed else None,
            "feasible": self.feasible,
            "note": self.note,
        }


@dataclass
class Suggestion:
    """One way to win points: an indicator's value, a bonus item, fewer problems."""

    id: str
    name: str
    kind: str  # indicator | cohort | bonus
    rule: str
    unit: str | None
    current: float | None
    needed: float | None
    strict: bool  # the needed value must be exceeded, not only reached
    aim: str  # 满分 / 下一档 / 少扣一档 / …
    lost: float  # points the indicator lost
    gain: float  # points the total would gain (after rescaling and caps)
    text: str
    changes: list[Change] = field(default_factory=list)
    feasible: bool = True
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "rule": self.rule,
            "unit": self.unit,
            "current": self.current,
            "needed": self.needed,
            "strict": self.strict,
            "aim": self.aim,
            "lost": self.lost,
            "gain": self.gain,
            "feasible": self.feasible,
            "note": self.note,
            "text": self.text,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass
class Gap:
    """The points to the next grade or the next place, and whether points can close it."""

    target: str
    needed: float | None  # None: nothing above (already the best)
    reachable: bool
    text: str
    blockers: list[str] = field(default_factory=list)
    route: list[str] = field(default_factory=list)  # suggestion ids that together close the gap

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "needed": self.needed,
            "reachable": self.reachable,
            "text": self.text,
            "blockers": self.blockers,
            "route": self.route,
        }


@dataclass
class Explanation:
    unit: str
    group: str | None
    total: float
    grade: str | None
    rank: int | None
    group_size: int
    max_total: float
    grade_gap: Gap
    rank_gap: Gap
    suggestions: list[Suggestion]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "group": self.group,
            "total": self.total,
            "grade": self.grade,
            "rank": self.rank,
            "group_size": self.group_size,
            "max_total": self.max_total,
            "grade_gap": self.grade_gap.to_dict(),
            "rank_gap": self.rank_gap.to_dict(),
            "suggestions": [s.to_dict() for s in self.suggestions],
            "notes": self.notes,
        }


def num_text(value: float | None, unit: str | None) -> str:
    if value is None:
        return "未填报"
    return fmt_value(value, unit)


def value_text(ind: PlanIndicator, value: float | None) -> str:
    if value is None:
        return "未填报"
    if ind.kind == "bool" or ind.rule.type == "boolean":
        return "“是”" if value else "“否”"
    if ind.rule.type == "ladder":  # its value is the share of the word reported
        from assess.analysis.aims import level_word

        word = level_word(ind, value)
        return f"“{word}”" if word is not None else f"按 {fmt_value(value * 100, '%', fixed=False)} 计"
    return fmt_value(value, ind.unit)
