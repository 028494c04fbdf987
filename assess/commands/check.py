"""``assess check``: a scheme alone, or data files against a scheme; every problem at once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from assess.errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Finding, SchemeError, UsageError
from assess.sources.receipt import Receipt

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.workbook.data import UnitData


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    what: str = "方案"
    notes: list[str] = field(default_factory=list)  # files a folder read passed over
    receipt: Receipt | None = None  # per data source: units covered, missing, extra (回执)

    unusable: bool = False  # an input could not be read at all (exit code 2)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 clean, 1 problems found, 2 an input could not be used (every problem still listed)."""
        if self.unusable:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.has_errors else EXIT_CLEAN

    def to_dict(self) -> dict[str, object]:
        return {
            "checked": self.checked,
            "notes": self.notes,
            "errors": sum(f.severity == "error" for f in self.findings),
            "warnings": sum(f.severity == "warning" for f in self.findings),
            "findings": [f.to_dict() for f in self.findings],
            **({"receipt": self.receipt.to_dict()} if self.receipt else {}),
        }

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"
        from assess.render.terminal import findings_table

        receipt = "".join(f"{line}\n" for line in self.receipt.lines()) if self.receipt else ""
        return (
            receipt
            + findings_table(self.findings, self.checked, self.what)
            + "".join(f"{note}\n" for note in self.notes)
        )


def run_check(
    scheme: str | None,
    paths: list[Path],
    details: list[Path],
    *,
    strict: bool = False,
    data: list[str] | None = None,
) -> CheckReport:
    """Check schemes, or data files against a scheme; with ``strict`` every warning is an error."""
    if scheme is None and data:
        raise UsageError("--data 须与 --scheme 一起使用")
    if scheme is None and not paths:
        raise UsageError(
            "请给出要检查的方案文件(如 assess check 方案.yaml),或用 --scheme 指定方案后给出数据文件"
        )
    report = _check_schemes(paths) if scheme is None else _check_data(scheme, paths, details, data or [])
    if strict:
        report.findings = [
            replace(f, severity="error") if f.severity == "warning" else f for f in report.findings
        ]
    return report


def _check_schemes(paths: list[Path]) -> CheckReport:
    from assess.scheme.load import load_scheme

    report = CheckReport(what="方案")
    for path in paths:
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise UsageError(f"“{path}”不是方案文件(.yaml);检查数据文件时请用 --scheme 指定方案")
        if path.is_dir():
            raise UsageError(f"“{path}”是文件夹,不是方案文件")
        if path.exists() and not path.is_file():
            raise UsageError(f"“{path}”不是普通文件(可能是管道或设备),不是方案文件")
        if not path.is_file():
            raise UsageError(f"找不到方案文件“{path}”")
        report.checked.append(str(path))
        try:
            loaded = load_scheme(path)
        except SchemeError as exc:
            report.findings.extend(exc.findings or [exc.to_finding()])
            report.unusable = report.unusable or not exc.findings
        else:
            report.findings.extend(loaded.warnings)  # a scheme without errors may still warn
    return report


def _check_data(scheme: str, paths: list[Path], details: list[Path], data: list[str]) -> CheckReport:
    from assess.commands.common import data_paths, load_plan, locate, read_inputs

    plan = load_plan(scheme)
    paths = data_paths(plan, paths)
    located = locate(plan, paths, data)
    inputs = read_inputs(plan, paths, details=details, located=located)
    report = CheckReport(what="数据文件")
    report.checked = [str(p) for p in inputs.files]
    report.notes = inputs.notes
    report.receipt = inputs.receipt
    report.findings.extend(inputs.findings)
    report.unusable = any(f.code == "unreadable" for f in inputs.findings)
    for unit in inputs.units:
        check_unit(plan, unit)
        report.findings.extend(unit.findings)
    return report


def check_unit(plan: Plan, unit: UnitData) -> None:
    """What is checked of one unit's data beyond reading it, onto its findings (also the
    receipts of ``assess serve``, which must say what ``assess check`` says)."""
    if any(ind.own_lines for ind in plan.indicators):  # targets per unit (按本单位目标计分)
        from assess.scoring.unit_lines import check_lines

        check_lines(plan, unit)  # a task of 0 a ratio would divide by: said before scoring
    if plan.sets:
        from assess.scoring.outside import check_outside

        check_outside(plan, unit)  # a value for an indicator the unit's group does not have
