"""The differences between two schemes as a report: change list, counts, summary, table and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from assess.scheme import model as m

KIND_ORDER = [
    "新增",
    "删除",
    "更名",
    "编码调整",
    "分值",
    "分组分值",
    "目标值",
    "计分规则",
    "责任单位",
    "所属类别",
    "一级指标",
    "等次",
    "其他",
]


@dataclass
class Change:
    kind: str  # one of KIND_ORDER
    id: str
    name: str
    old: str
    new: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "old": self.old,
            "new": self.new,
            "note": self.note,
        }

    def row(self) -> list[str]:
        return [self.kind, self.id, self.name, self.old or "—", self.new or "—", self.note]


@dataclass
class SchemeDiff:
    old: m.Scheme
    new: m.Scheme
    changes: list[Change] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)  # side by side, with data
    notes: list[str] = field(default_factory=list)

    HEADERS: ClassVar[tuple[str, ...]] = ("变化", "编码", "指标", "原方案", "新方案", "说明")
    UNIT_HEADERS: ClassVar[tuple[str, ...]] = (
        "单位",
        "分组",
        "原总分",
        "原名次",
        "原等次",
        "新总分",
        "新名次",
        "新等次",
        "总分变化",
        "名次变化",
    )

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.kind] = out.get(c.kind, 0) + 1
        return {k: out[k] for k in KIND_ORDER if k in out}

    def summary(self) -> str:
        if not self.changes:
            return f"《{self.new.title}》与《{self.old.title}》的指标和计分规则相同。"
        parts = "、".join(f"{k} {v} 处" for k, v in self.counts().items())
        return f"《{self.new.title}》与《{self.old.title}》相比,共有 {len(self.changes)} 处变化:{parts}。"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "assess.diff/1",
            "old": {"id": self.old.id, "year": self.old.year, "title": self.old.title},
            "new": {"id": self.new.id, "year": self.new.year, "title": self.new.title},
            "summary": self.summary(),
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
            "units": self.units,
            "notes": self.notes,
        }

    def unit_rows(self) -> list[list[str]]:
        rows = []
        for u in self.units:
            rows.append(
                [
                    u["unit"],
                    u.get("group") or "—",
                    _n(u.get("old_total")),
                    _n(u.get("old_rank")),
                    u.get("old_grade") or "—",
                    _n(u.get("new_total")),
                    _n(u.get("new_rank")),
                    u.get("new_grade") or "—",
                    _signed(u.get("total_change")),
                    _rank_change(u.get("old_rank"), u.get("new_rank")),
                ]
            )
        return rows

    def table(self) -> str:
        from tabulate import tabulate

        lines = [self.summary(), ""]
        lines.append(
            tabulate(
                [c.row() for c in self.changes],
                headers=list(self.HEADERS),
                tablefmt="simple",
                disable_numparse=True,
            )
        )
        if self.units:
            lines += ["", f"【同一批数据按两个方案评分】(原:{self.old.id},新:{self.new.id})"]
            lines.append(
                tabulate(
                    self.unit_rows(),
                    headers=list(self.UNIT_HEADERS),
                    tablefmt="simple",
                    disable_numparse=True,
                )
            )
        for note in self.notes:
            lines.append(f"注:{note}")
        return "\n".join(lines) + "\n"


def _n(x: Any) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}" if isinstance(x, float) else str(x)


def _signed(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:+.2f}"


def _rank_change(old: int | None, new: int | None) -> str:
    if old is None or new is None:
        return "—"
    d = old - new
    return f"↑{d}" if d > 0 else f"↓{-d}" if d < 0 else "持平"
