"""Score results as plain data, and their JSON form (``docs/output.md``).

``to_dict`` is the one place the JSON layout is defined; ``from_dict`` reads
it back for ``rank --previous`` and ``rectify``.  Keys are stable English
names; text values are Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RESULT_FORMAT = "assess.score/1"


# The status of an indicator the unit's group is not assessed on (分类考核): no points, no
# score, left out of every sheet, table and statistic of that unit.
OUTSIDE = "outside"


@dataclass(slots=True)
class IndicatorResult:
    id: str
    name: str
    category: str
    points: float
    unit: str | None
    value: float | None
    status: str  # ok | missing | na | error | cohort (not scorable without a cohort) | outside
    score: float | None
    lost: float
    basis: str
    rule: str
    source: str = ""
    inputs: list[dict[str, Any]] = field(default_factory=list)
    department: str | None = None
    nature: str | None = None
    parent: str | None = None
    applicable: bool = True
    target: float | None = None  # the target that applied (for gaps and rectification)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "parent": self.parent,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "points": self.points,
            "score": self.score,
            "lost": self.lost,
            "applicable": self.applicable,
            "rule": self.rule,
            "target": self.target,
            "basis": self.basis,
            "source": self.source,
            "inputs": self.inputs,
            "department": self.department,
            "nature": self.nature,
        }


@dataclass(slots=True)
class CategoryResult:
    id: str
    name: str
    points: float
    score: float
    applicable_points: float
    earned: float  # before any rescaling

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "points": self.points,
            "applicable_points": self.applicable_points,
            "earned": self.earned,
            "score": self.score,
        }


@dataclass(slots=True)
class Adjustment:
    """A bonus or penalty item, or a triggered veto."""

    id: str
    name: str
    value: float | None
    score: float
    basis: str
    department: str | None = None
    effect: str | None = None  # for vetoes: lowest | cap_grade | zero

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "value": self.value,
            "score": self.score,
            "basis": self.basis,
            "department": self.department,
        }
        if self.effect:
            out["effect"] = self.effect
        return out


@dataclass(slots=True)
class UnitResult:
    unit: str
    group: str | None
    group_name: str | None
    file: str
    indicators: list[IndicatorResult]
    categories: list[CategoryResult]
    bonus: list[Adjustment]
    bonus_total: float
    penalties: list[Adjustment]
    penalty_total: float
    vetoes: list[Adjustment]
    base_total: float  # categories after rescaling / weighting, before adjustments
    total: float
    applicable_points: float
    grade: str | None = None
    grade_basis: list[str] = field(default_factory=list)
    band_grade: str | None = None  # the grade by score alone
    barred: list[str] = field(default_factory=list)  # reasons from bars and vetoes
    bar_tests: dict[str, bool] = field(default_factory=dict)  # bars' formulas, for the place-based bars
    incomplete: list[str] = field(default_factory=list)  # indicator ids not scorable alone
    parts: list[dict[str, Any]] = field(default_factory=list)
    rank: int | None = None
    overall_rank: int | None = None
    flags: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    previous: dict[str, Any] | None = None
    provisional: str = ""  # why the grade is provisional (暂定): scored without the whole cohort
    ranked: bool = True  # False: graded, not ranked (the scheme's ``ranked: false``)
    awards: list[str] | None = None  # the awards given (None: the scheme has no awards)
    notes: list[str] = field(default_factory=list)  # e.g. an award withheld for a veto

    @property
    def lost_points(self) -> float:
        # second-level sums (rule "sum") repeat their third-level children's loss
        return sum(i.lost for i in self.indicators if i.rule != "sum")

    def to_dict(self, indicators: Any = None) -> dict[str, Any]:
        """The JSON form; ``indicators`` stands in for the indicator list when the caller
        encodes it itself (``commands/common.py``: indicators encoded while reading)."""
        out: dict[str, Any] = {
            "unit": self.unit,
            "group": self.group_name,
            "group_id": self.group,
            "file": self.file,
            "rank": self.rank,
            "overall_rank": self.overall_rank,
            **({} if self.ranked else {"ranked": False}),
            "total": self.total,
            "base_total": self.base_total,
            "applicable_points": self.applicable_points,
            "bonus_total": self.bonus_total,
            "penalty_total": self.penalty_total,
            "grade": self.grade,
            "band_grade": self.band_grade,
            "grade_basis": self.grade_basis,
            "flags": self.flags,
            **({} if self.awards is None else {"awards": self.awards}),
            "incomplete": self.incomplete,
            "vetoes": [v.to_dict() for v in self.vetoes],
            "categories": [c.to_dict() for c in self.categories],
            "indicators": [i.to_dict() for i in self.indicators] if indicators is None else indicators,
            "bonus": [b.to_dict() for b in self.bonus],
            "penalties": [p.to_dict() for p in self.penalties],
            "parts": self.parts,
            "findings": self.findings,
        }
        if self.provisional:
            out["provisional"] = self.provisional
        if self.notes:
            out["notes"] = self.notes
        if self.previous is not None:
            out.update(self.previous)
        return out
