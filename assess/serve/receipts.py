"""The receipt (回执) of one uploaded file: what ``assess check`` says about it.

The file is read with the command line's readers and limits
(:func:`assess.commands.common.read_inputs`, :mod:`assess.workbook.safety`)
and checked as :func:`assess.commands.check.run_check` checks data: the same
findings, with their sheet and cell and their Chinese messages.  Only what
concerns this file is kept (another source not yet given is the collection
page's business, not this file's).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assess.errors import AssessError, Finding, Location

ACCEPTED = "已通过"
PROBLEMS = "有问题"
MISSING = "未提交"


@dataclass
class Checked:
    """What one file holds and what is wrong with it."""

    units: list[str] = field(default_factory=list)  # the units the file gives data for
    findings: list[Finding] = field(default_factory=list)
    summary: str = ""  # a source's receipt line: rows, units covered

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def state(self) -> str:
        return PROBLEMS if self.errors else ACCEPTED


def finding_dict(f: Finding, shown_name: str) -> dict[str, Any]:
    """A finding as a receipt line, its file named as the sender named it."""
    where = replace(f.location, file=None)
    return {
        "code": f.code,
        "severity": "错误" if f.severity == "error" else "提醒",
        "message": f.message,
        "sheet": f.location.sheet,
        "cell": f.location.cell,
        "row": f.location.row,
        "where": str(where),
        "file": shown_name,
    }


def _own(findings: list[Finding], path: Path) -> list[Finding]:
    return [f for f in findings if f.location.file == str(path)]


def _refusal(exc: AssessError, path: Path) -> Finding:
    return replace(exc.to_finding(), location=replace(exc.location, file=str(path)))


def check_unit_file(scheme: str, path: Path) -> Checked:
    """A unit's own workbook, checked as ``assess check --scheme 方案 文件`` checks it."""
    from assess.commands.common import load_plan, read_inputs

    plan = load_plan(scheme)
    try:
        inputs = read_inputs(plan, [path], located={})
    except AssessError as exc:
        return Checked(findings=[_refusal(exc, path)])
    from assess.commands.check import check_unit

    out = Checked(findings=_own(inputs.findings, path))
    for unit in inputs.units:  # as assess check does, unit by unit
        check_unit(plan, unit)
        out.units.append(unit.unit)
        out.findings.extend(unit.findings)
    return out


def check_source_file(scheme: str, source_id: str, path: Path) -> Checked:
    """A department's table, a findings list…: checked as ``assess check --data 来源=文件`` checks it."""
    from assess.commands.common import load_plan, read_inputs

    plan = load_plan(scheme)
    try:
        inputs = read_inputs(plan, [], located={source_id: [path]})
    except AssessError as exc:
        return Checked(findings=[_refusal(exc, path)])
    out = Checked(findings=_own(inputs.findings, path))
    if inputs.receipt is not None:
        for s in inputs.receipt.sources:
            if s.id == source_id:
                out.units = sorted({*s.extra, *s.by_unit})
                out.summary = str(s.detail.get("summary") or "")
    if not out.units and not out.errors:
        out.findings.append(
            Finding(
                "serve-empty-source",
                "文件中没有读到任何单位的数据,请核对是否为本来源的报表",
                Location(file=str(path)),
            )
        )
    return out
