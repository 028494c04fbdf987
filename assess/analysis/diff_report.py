"""The differences between two schemes as data: change list, counts, summary and JSON.

The screen tables and the document are made from it by :mod:`assess.render.diff`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


@dataclass
class SchemeDiff:
    old: m.Scheme
    new: m.Scheme
    changes: list[Change] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)  # side by side, with data
    notes: list[str] = field(default_factory=list)

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
