"""The robustness analysis as data: per-unit rank ranges, leave-one-out shifts, sentences and JSON.

The screen tables and the document are made from it by :mod:`assess.render.sensitivity`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assess.scoring.numbers import fmt

WORDS = {"weights": "一级指标权重", "targets": "目标值(基准值)", "bands": "分档界限"}
ROBUST_SHARE = 0.9  # a place or grade held in at least this share of runs is robust


@dataclass
class UnitRobustness:
    unit: str
    group: str | None
    nominal_rank: int | None
    nominal_grade: str | None
    median_rank: float
    p5: int
    p95: int
    same_rank: float  # share of runs with the nominal rank
    grades: dict[str, float]  # grade → share of runs
    robust: bool
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "group": self.group,
            "rank": self.nominal_rank,
            "grade": self.nominal_grade,
            "median_rank": self.median_rank,
            "rank_p5": self.p5,
            "rank_p95": self.p95,
            "same_rank_share": self.same_rank,
            "grade_shares": self.grades,
            "robust": self.robust,
            "reasons": self.reasons,
        }


@dataclass
class LeaveOut:
    id: str
    name: str
    mean_shift: float  # mean |rank change| over units
    max_shift: int
    changed: int  # units whose rank changes
    grade_changed: int
    moves: list[dict[str, Any]]  # the largest moves

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "mean_shift": self.mean_shift,
            "max_shift": self.max_shift,
            "changed": self.changed,
            "grade_changed": self.grade_changed,
            "moves": self.moves,
        }


@dataclass
class SensitivityReport:
    runs: int
    seed: int
    vary: dict[str, float]
    units: list[UnitRobustness]
    leave_out: list[LeaveOut]
    parameters: list[dict[str, Any]]  # one entry per run: the factors drawn
    grade_names: list[str]
    groups: dict[str, str]
    decimals: int = 2

    @property
    def fragile(self) -> list[UnitRobustness]:
        return [u for u in self.units if not u.robust]

    def method_text(self) -> str:
        ranges = "、".join(f"{WORDS[k]} ±{fmt(v * 100)}%" for k, v in self.vary.items()) or "不变动任何参数"
        return (
            f"按 {ranges} 的范围随机抽取参数(均匀分布,随机数种子 {self.seed}),重复评分 {self.runs} 次,"
            f"统计每个单位组内名次的中位数、5%—95% 区间和各等次出现的比例;"
            f"名次或等次在至少 {fmt(ROBUST_SHARE * 100)}% 的运行中与正式结果相同的,视为稳健。"
        )

    def summary_text(self) -> str:
        n = len(self.fragile)
        if not n:
            return f"全部 {len(self.units)} 个单位的名次和等次均稳健。"
        names = "、".join(u.unit for u in self.fragile[:20]) + ("等" if n > 20 else "")
        return f"{len(self.units)} 个单位中有 {n} 个名次或等次不稳健:{names}。"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "assess.sensitivity/1",
            "runs": self.runs,
            "seed": self.seed,
            "vary": dict(self.vary),
            "method": self.method_text(),
            "summary": self.summary_text(),
            "units": [u.to_dict() for u in self.units],
            "leave_one_out": [x.to_dict() for x in self.leave_out],
            "parameters": self.parameters,
        }
