"""The receipt (回执) of a round's data: per source, which units it covers, lacks or adds.

Plain data with ``to_dict`` (for JSON) and ``lines`` (for the terminal), so
``check`` can hand it back to a department before anything is scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assess.errors import Finding
from assess.sources.spec import KIND_WORDS

LISTED = 10  # names listed in a line before "等 N 个"
GAPS = ("缺",)  # what a unit's receipt says for a source that gave it nothing


@dataclass(slots=True)
class SourceReceipt:
    id: str
    title: str
    kind: str
    files: list[str]
    covered: int
    missing: list[str]
    extra: list[str]
    given: bool = True
    detail: dict[str, Any] = field(default_factory=dict)
    by_unit: dict[str, str] = field(default_factory=dict)  # unit → where its data was read

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "given": self.given,
            "files": self.files,
            "covered": self.covered,
            "missing": self.missing,
            "extra": self.extra,
            **({"detail": self.detail} if self.detail else {}),
        }


@dataclass(slots=True)
class Receipt:
    sources: list[SourceReceipt] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    units: int = 0
    by_unit: dict[str, dict[str, str]] = field(default_factory=dict)  # unit → source → where read, 缺…

    def to_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "sources": [s.to_dict() for s in self.sources],
            "by_unit": [{"unit": u, "sources": got} for u, got in self.by_unit.items()],
        }

    def lines(self) -> list[str]:
        if not self.sources:
            return []
        out = [f"数据来源回执(参评单位 {self.units} 个):"]
        for s in self.sources:
            head = f"  {s.id}({KIND_WORDS.get(s.kind, s.kind)}){s.title}"
            if not s.given:
                out.append(f"{head}:未提供(用 --data {s.id}=文件 指定)")
                continue
            files = _names(s.files, "个文件")
            text = f"{head}:{files};覆盖 {s.covered}/{self.units} 个单位"
            if s.detail.get("summary"):
                text += f";{s.detail['summary']}"
            out.append(text)
            if s.missing:
                out.append(f"    缺少:{_names(s.missing, '个单位')}")
            if s.extra:
                out.append(f"    多出(未参评):{_names(s.extra, '个单位')}")
        gaps = [(u, got) for u, got in self.by_unit.items() if any(w in GAPS for w in got.values())]
        if gaps:
            out.append(f"数据不全的单位({len(gaps)} 个):")
            for unit, got in gaps[:50]:
                out.append(f"  {unit}:" + ";".join(f"{sid} {w}" for sid, w in got.items() if w in GAPS))
            if len(gaps) > 50:
                out.append(f"  ……另有 {len(gaps) - 50} 个,全部见 --format json 的 receipt.by_unit")
        return out


def _names(names: list[str], what: str) -> str:
    shown = "、".join(names[:LISTED])
    return shown + (f" 等 {len(names)} {what}" if len(names) > LISTED else "")
