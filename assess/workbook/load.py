"""Read many input files at once: layouts detected per file, two cores used,
one bad file reported without stopping the others.

Workers receive only the ``ReadPlan`` (plain dataclasses) and return
``UnitData``; nothing else crosses the process boundary.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from assess.errors import AssessError, Finding, Location
from assess.scheme.inputs import ReadPlan, TableSpec
from assess.workbook.data import TableData, UnitData

PARALLEL_FROM = 16  # below this many files a pool costs more than it saves
CHUNK = 8

Progress = Callable[[int, int], None]  # (done, total)


def read_file(path: Path, plan: ReadPlan) -> tuple[list[UnitData], list[Finding]]:
    """One county workbook or one summary table → its units; an unreadable file → a finding."""
    from assess.workbook.layouts import detect_layout, read_county, read_summary

    try:
        layout = detect_layout(path)
        if layout == "summary":
            return read_summary(path, plan), []
        if layout == "details":
            return [], [
                Finding(
                    "details-as-input",
                    "这是明细表(每行一个村、户或项目),请用 --details 指定,而不是作为单位数据",
                    Location(file=str(path)),
                )
            ]
        return [read_county(path, plan)], []
    except AssessError as exc:
        loc = exc.location if exc.location.file else Location(file=str(path))
        return [], [Finding("unreadable", exc.message, loc)]
    except (MemoryError, RecursionError):
        return [], [Finding("unreadable", "文件过大或结构过深,无法读取", Location(file=str(path)))]


def _read_chunk(paths: list[Path], plan: ReadPlan) -> list[tuple[list[UnitData], list[Finding]]]:
    return [read_file(p, plan) for p in paths]


def read_all(
    files: list[Path],
    plan: ReadPlan,
    *,
    details: list[Path] | None = None,
    progress: Progress | None = None,
    jobs: int = 0,
) -> tuple[list[UnitData], list[Finding]]:
    units: list[UnitData] = []
    findings: list[Finding] = []
    total = len(files)
    workers = jobs or min(os.cpu_count() or 1, 8)
    if total >= PARALLEL_FROM and workers > 1:
        chunks = [files[i : i + CHUNK] for i in range(0, total, CHUNK)]
        done = 0
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for batch in pool.map(_read_chunk, chunks, [plan] * len(chunks)):
                for got, problems in batch:
                    units.extend(got)
                    findings.extend(problems)
                done += len(batch)
                if progress:
                    progress(done, total)
    else:
        for i, path in enumerate(files):
            got, problems = read_file(path, plan)
            units.extend(got)
            findings.extend(problems)
            if progress:
                progress(i + 1, total)
    for path in details or []:
        findings.extend(attach_details(path, plan, units))
    return units, findings


def attach_details(path: Path, plan: ReadPlan, units: list[UnitData]) -> list[Finding]:
    """A province-wide detail table, split by its unit column onto the units read."""
    from assess.workbook.layouts import read_details

    if not plan.tables:
        return [Finding("unused-details", "方案没有定义明细表,--details 指定的文件未使用", Location(file=str(path)))]
    spec = _table_for(path, plan.tables)
    try:
        by_unit = read_details(path, spec)
    except AssessError as exc:
        loc = exc.location if exc.location.file else Location(file=str(path))
        return [Finding("unreadable", exc.message, loc)]
    known = {u.unit: u for u in units}
    findings: list[Finding] = []
    for name, table in by_unit.items():
        unit = known.get(name)
        if unit is None:
            findings.append(
                Finding(
                    "unknown-unit",
                    f"明细表中的单位“{name}”({len(table)} 行)不在评分单位中,未使用",
                    Location(file=str(path), sheet=table.sheet),
                    "warning",
                )
            )
            continue
        unit.tables.setdefault(spec.key, TableData(spec.key, table.file, table.sheet))
        _extend(unit.tables[spec.key], table)
    return findings


def _table_for(path: Path, tables: tuple[TableSpec, ...]) -> TableSpec:
    stem = path.stem
    for spec in tables:
        if spec.name in stem or any(a in stem for a in spec.aliases):
            return spec
    return tables[0]


def _extend(into: TableData, more: TableData) -> None:
    if not into.rows:
        into.rows, into.columns, into.letters = more.rows, more.columns, more.letters
        into.file, into.sheet = more.file, more.sheet
        return
    into.rows.extend(more.rows)
    for key, values in more.columns.items():
        into.columns.setdefault(key, []).extend(values)
