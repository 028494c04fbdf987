"""What a source reader hands to the merge: per-unit values, findings, and where each unit was read.

Every kind of source (a department's table, a findings list, raters' sheets)
reads into this one shape, so the merge and the receipt know nothing of kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assess.errors import Finding
from assess.sources.spec import SourceSpec
from assess.workbook.data import Value


@dataclass(slots=True)
class SourceData:
    """One source as read: ``values[unit][key]``; ``defaults`` for units the source does not list."""

    spec: SourceSpec
    files: list[Path] = field(default_factory=list)
    values: dict[str, dict[str, Value]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # about files and rows, not about one unit
    where: dict[str, str] = field(default_factory=dict)  # unit → "文件 工作表!A5" where it was read
    # A findings list names only units with problems: every other unit has these values
    # (0, "未发现问题").  Empty for a table, where a unit not listed is missing.
    defaults: dict[str, Value] = field(default_factory=dict)
    unit_findings: dict[str, list[Finding]] = field(default_factory=dict)  # unit → its rows' problems
    detail: dict[str, object] = field(default_factory=dict)  # kind-specific summary for the receipt

    def given(self) -> bool:
        return bool(self.files)
