"""Glue between the ``rectify`` command line and ``run_rectify``: workbooks are scored
first (through the same pipeline as ``score``), then the report becomes a ``Run``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess.commands.run import Run
from assess.errors import EXIT_FINDINGS

if TYPE_CHECKING:
    from assess.rectify.problems import Screen


def score_workbooks(scheme: str, paths: list[Path], data_opts: list[str] | None = None) -> dict[str, Any]:
    """Workbooks given to ``rectify`` are scored as one cohort, as ``assess rank`` would, with
    the indicator statistics a ranking carries (the averages ``below_average`` compares with)."""
    from assess.commands.common import load_plan, locate, read_inputs
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import indicator_statistics, rank_cohort

    plan = load_plan(scheme)
    data = read_inputs(plan, paths, located=locate(plan, paths, data_opts or []))
    results = score_units(plan, data.units)
    stats: list[dict[str, Any]] = []
    if len(results) > 1:
        rank_cohort(plan, results)
        stats = indicator_statistics(plan, results)
    return {"units": [r.to_dict() for r in results], "statistics": stats}


def run_rectify_cli(
    scheme: str,
    results: list[Path],
    findings: list[Path],
    ledger: Path | None,
    output: Path,
    as_of: dt.date,
    layout: str,
    formats: set[str],
    backup: bool,
    issuer: str | None,
    title: str | None,
    data_opts: list[str] | None = None,
    screen: Screen | None = None,
    split_by_unit: bool = False,
) -> Run:
    from assess.commands.common import load_plan, locate
    from assess.commands.rectify import run_rectify

    workbooks = [p for p in results if p.suffix.lower() != ".json"]
    located = locate(load_plan(scheme), workbooks, data_opts or []) if workbooks or data_opts else {}

    report = run_rectify(
        scheme,
        results,
        findings,
        ledger,
        output,
        as_of,
        layout,
        formats,
        backup,
        issuer,
        title,
        scorer=lambda paths: score_workbooks(scheme, paths, data_opts),
        sources=[p for files in located.values() for p in files],
        screen=screen,
        split_by_unit=split_by_unit,
    )
    run = Run(written=list(report.written))
    for finding in report.findings:
        label = "错误" if finding.severity == "error" else "提示"
        run.messages.append(f"{label}:{finding}")
    run.messages.append(report.summary())
    for path in report.written:
        run.messages.append(f"已写入:{path}")
    if report.has_errors:
        run.exit_code = EXIT_FINDINGS
    return run
