"""What the scoring commands share: the plan, the inputs, provenance, the JSON document."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import Any

from assess import __version__
from assess.commands.output import Outputs, data_role
from assess.errors import Finding, Location, UsageError
from assess.scheme.plan import Plan
from assess.scoring.result import RESULT_FORMAT, UnitResult
from assess.sources.receipt import Receipt
from assess.workbook.data import UnitData

DATA_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv"}


def load_plan(scheme: str) -> Plan:
    """Resolve ``--scheme`` (path or bundled id), validate it and compile it once."""
    from assess.scheme.load import load_scheme
    from assess.scheme.plan import compile_plan
    from assess.scheme.registry import resolve_scheme

    return compile_plan(load_scheme(resolve_scheme(scheme)))


def guard(
    plan: Plan,
    force: bool,
    data: Iterable[Path] = (),
    details: Iterable[Path] = (),
    located: dict[str, list[Path]] | None = None,
    **others: Iterable[Path | None],
) -> Outputs:
    """The command's :class:`Outputs`, knowing every file it reads and what each is.

    ``located`` maps a data source to its files (:func:`locate`); ``others`` maps
    a role (上年结果, 问题清单…) to its files.
    """
    outputs = Outputs(force)
    outputs.read(data, data_role(plan.scheme.level))
    outputs.read(details, "明细表")
    for sid, files in (located or {}).items():
        spec = next(s for s in plan.sources if s.id == sid)
        outputs.read(files, f"来源“{sid}”{spec.title}的数据")
    outputs.read([Path(plan.path)], "考核方案")
    for role, paths in others.items():
        outputs.read(paths, role)
    return outputs


def expand_inputs(paths: list[Path], notes: list[str] | None = None) -> list[Path]:
    """Files as given; folders expanded to their data files.

    A folder also holds what is not data: Office lock files (``~$x.xlsx``,
    ``.~lock.x.xlsx#``), temporary and hidden files.  They are passed over,
    and said once in ``notes`` with the first few names.
    """
    out: list[Path] = []
    passed: list[str] = []
    for path in paths:
        if path.is_dir():
            found = []
            for p in sorted(path.iterdir()):
                suffix = Path(p.name.rstrip("#")).suffix.lower()  # .~lock.x.xlsx# too
                if not p.is_file() or suffix not in DATA_SUFFIXES | {".tmp"}:
                    continue
                if not_data(p):
                    passed.append(p.name)
                else:
                    found.append(p)
            if not found:
                raise UsageError(f"文件夹“{path}”中没有可读取的数据文件(.xlsx .xls .xlsm .xlsb .ods .csv)")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        elif path.exists():
            raise UsageError(f"输入“{path}”不是普通文件或文件夹")
        else:
            raise UsageError(f"找不到输入文件“{path}”")
    if passed and notes is not None:
        shown = "、".join(passed[:3]) + (f" 等 {len(passed)} 个" if len(passed) > 3 else "")
        notes.append(f"已跳过 Office 锁定文件、临时文件和隐藏文件:{shown}")
    return out


def not_data(path: Path) -> bool:
    """An Office owner/lock file, a temporary file or a hidden file: never a unit's data."""
    name = path.name
    if name.startswith(("~$", ".~lock.", ".")) or name.lower().endswith((".tmp", "#")):
        return True
    try:
        attributes = getattr(path.stat(), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & 0x2)  # FILE_ATTRIBUTE_HIDDEN on Windows


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_paths(plan: Plan, paths: list[Path]) -> list[Path]:
    """The data to read: as given, or the current folder for a scheme whose units send no
    workbook of their own (every value from other sources: department reports, ledgers…).

    A scheme with the units' own workbooks still needs them named: reading the
    current folder by surprise could take any workbook lying there as data.
    """
    if paths:
        return paths
    from assess.errors import UsageError

    if not plan.sources or any(s.kind == "unit" for s in plan.sources):
        raise UsageError(
            "请给出数据文件或文件夹(各单位的填报表),如 assess rank -s county-2024 examples/counties"
        )
    return [Path(".")]


def locate(plan: Plan, paths: Iterable[Path], data: Iterable[str] = ()) -> dict[str, list[Path]]:
    """Each data source's files: ``--data 源=路径``, else a folder named after it in or beside the data."""
    if not plan.sources:
        if tuple(data):
            from assess.sources.locate import parse_data

            parse_data(tuple(data), plan.sources)  # refused with its message
        return {}
    from assess.sources.locate import parse_data, subfolders

    given = parse_data(tuple(data), plan.sources)
    return {**given, **subfolders(list(paths), plan.sources, given)}


@dataclass
class Inputs:
    units: list[UnitData]
    findings: list[Finding] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # files passed over, said on stderr
    receipt: Receipt | None = None  # per data source: units covered, missing, extra (回执)
    source_files: list[Path] = field(default_factory=list)  # the other sources' files (also in files)


def read_inputs(
    plan: Plan,
    paths: list[Path],
    *,
    details: list[Path] | None = None,
    progress: Any = None,
    jobs: int = 0,
    on_units: Any = None,
    located: dict[str, list[Path]] | None = None,
) -> Inputs:
    """Read every input, never stopping at a bad file; duplicates are refused by name.

    With data sources (``located``: see :func:`locate`), the other sources are
    read first and merged onto each unit as its workbook arrives.
    """
    from assess.workbook.load import SKIPPED, read_all

    notes: list[str] = []
    merger, source_files = None, []
    given_on_units = on_units
    sources_read = None
    if plan.sources:
        from assess.sources.merge import Merger, read_source
        from assess.sources.spec import UNIT

        def sources_read() -> None:
            """The other sources, read while the pool reads the units' own workbooks."""
            nonlocal merger, on_units
            read = []
            for spec in plan.sources:
                if spec.kind != UNIT:
                    given = located.get(spec.id, []) if located else []
                    files_of = expand_inputs(given, notes) if given else []
                    notes.extend(f"来源“{spec.id}”的文件取自文件夹“{p}”" for p in given if p.is_dir())
                    source_files.extend(files_of)
                    read.append(read_source(spec, files_of, plan))
            merger = Merger(plan, read)
            on_units = merger.wrap(given_on_units)

    own = any(s.kind == "unit" for s in plan.sources) or not plan.sources
    files = expand_inputs(paths, notes) if own or paths else []
    if own:
        units, findings = read_all(
            files,
            plan.own_read,
            details=details or [],
            progress=progress,
            jobs=jobs,
            on_units=(lambda got: on_units(got)) if on_units is not None or plan.sources else None,
            started=sources_read,
        )
    else:
        assert sources_read is not None
        sources_read()
        from assess.sources.merge import units_from_sources

        assert merger is not None
        units, findings = units_from_sources(plan, merger.sources), []
        on_units(units)
    named = {str(p) for p in paths}
    inputs = Inputs([], [], [], [], notes)
    for f in findings:
        if f.code in SKIPPED and (f.location.file or "") not in named:
            inputs.notes.append(f"已跳过:{f.message}")  # found in a folder: said, not refused
            continue
        if f.code in SKIPPED:
            f = replace(f, severity="error")  # named on the command line: not counted, said as such
        inputs.findings.append(f)
        if f.code == "unreadable" or f.code in SKIPPED:
            inputs.refused.append({"file": f.location.file or "", "reason": f.message})
    skipped = {f.location.file for f in findings if f.code in SKIPPED}
    inputs.files = [p for p in files if str(p) not in skipped] + list(details or []) + source_files
    inputs.source_files = source_files
    names = list(map(attrgetter("unit"), units))
    if len(set(names)) == len(names):  # no name twice (in C: 500,000 villages in milliseconds)
        inputs.units = units
        _receipt(inputs, merger, files)
        return inputs
    seen: dict[str, UnitData] = {}
    for unit in units:
        first = seen.get(unit.unit)
        if first is not None:
            message = f"单位“{unit.unit}”重复出现:{_place(first)} 与 {_place(unit)};后者未计入"
            inputs.findings.append(Finding("duplicate-unit", message, Location(file=unit.file)))
            inputs.refused.append({"file": unit.file, "reason": message})
            continue
        seen[unit.unit] = unit
        inputs.units.append(unit)
    _receipt(inputs, merger, files)
    return inputs


def _receipt(inputs: Inputs, merger: Any, own: list[Path]) -> None:
    if merger is None:
        return
    inputs.receipt = merger.finish(inputs.units, own)
    inputs.findings.extend(inputs.receipt.findings)


REFUSAL_CODES = frozenset({"unreadable", "duplicate-unit"})  # said as 未计入, not again as problems
PROBLEMS_SHOWN = 20  # data problems listed on stderr; the rest are counted


def file_findings(data: Inputs) -> list[Finding]:
    """Findings about the inputs that belong to no one unit (a column missing from a summary
    table, a unit name not in the scheme…), without the refusals said on their own."""
    from assess.workbook.load import SKIPPED

    return [f for f in data.findings if f.code not in REFUSAL_CODES and f.code not in SKIPPED]


def data_problems(data: Inputs) -> list[Finding]:
    """Every error found while reading what was scored: blank required cells, words in numeric
    fields, values out of range, likely fractions, words not among a rating's levels…

    Scoring goes on (by the scheme's missing-value policy), but ``score`` and ``rank`` exit 1
    and list them: a figure built on them must not go out unchecked.
    """
    out = [f for f in file_findings(data) if f.severity == "error"]
    out += [f for u in data.units for f in u.findings if f.severity == "error"]
    return out


def problem_text(f: Finding) -> str:
    """A data problem in one line: where (file and cell), then what."""
    where = str(f.location)
    return f"{where}:{f.message}" if where else f.message


def problem_lines(problems: list[Finding]) -> list[str]:
    """The stderr lines naming data problems: each with its file and cell, the first few."""
    lines = [f"  数据问题:{problem_text(f)}" for f in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(
            f"  ……另有 {len(problems) - PROBLEMS_SHOWN:,} 处数据问题,全部问题见 JSON 输出的 findings"
            "或 assess check 的结果"
        )
    return lines


def _place(unit: UnitData) -> str:
    return f"{Path(unit.file).name} {unit.where}".strip()


def provenance(plan: Plan, files: list[Path], report_date: str | None) -> dict[str, Any]:
    return {
        "tool": "assess",
        "version": __version__,
        "scheme": {
            "id": plan.scheme.id,
            "year": plan.scheme.year,
            "title": plan.scheme.title,
            "sha256": plan.sha256,
        },
        "inputs": [{"file": p.name, "sha256": sha256_file(p)} for p in files],
        "report_date": report_date,
    }


def document(
    plan: Plan,
    results: list[UnitResult],
    files: list[Path],
    *,
    report_date: str | None,
    kind: str = RESULT_FORMAT,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": kind,
        "scheme": {"id": plan.scheme.id, "year": plan.scheme.year, "title": plan.scheme.title},
        "provenance": provenance(plan, files, report_date),
    }
    if extra:
        doc.update(extra)
    # The results themselves: each becomes a dict only as the JSON is written
    # (json_chunks), so a large cohort is never held as dicts and text at once.
    doc["units"] = results
    return doc


COMPACT_FROM = 50  # units; above this each unit is written on one line


def _plain(unit: Any) -> Any:
    return unit.to_dict() if hasattr(unit, "to_dict") else unit


_SLOT = "\0assess-indicators\0"  # placeholder for a unit's indicator list (NUL: never in a key)
_SLOT_JSON = '"indicators": ' + json.dumps(_SLOT)


# json.dumps with any keyword builds a new encoder per call: a few microseconds, times
# 32 indicators of 3,000 counties.  The same settings, so the same bytes.
_compact = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def encode_indicator(ind: Any) -> str:
    """One indicator as it appears inside a unit's line of a large document."""
    return _compact(ind.to_dict())


def _unit_line(unit: Any, ready: dict[int, list[str | None]] | None) -> str:
    """``json.dumps(unit.to_dict())``, with indicators already encoded where ``ready`` has them."""
    texts = ready.get(id(unit)) if ready else None
    if texts is None or not hasattr(unit, "indicators"):
        return _compact(_plain(unit))
    parts: list[str] = []
    for i, ind in enumerate(unit.indicators):  # parents (level-3 sums) come after the leaves
        text = texts[i] if i < len(texts) else None
        parts.append(text if text is not None else encode_indicator(ind))
    text = _compact(unit.to_dict(indicators=_SLOT))
    # The key and its quotes can only be the real key: quotes inside a JSON string are escaped.
    return text.replace(_SLOT_JSON, '"indicators": [' + ", ".join(parts) + "]", 1)


def json_chunks(doc: dict[str, Any], ready: dict[int, list[str | None]] | None = None) -> Iterator[str]:
    """Deterministic JSON in pieces: the same inputs give the same bytes.

    A few units are indented for reading; a large cohort writes one unit per
    line, because the indenting encoder is pure Python and five times slower
    than the C one (3,000 counties: 3.0 s against 0.6 s) while a file of
    thousands of units is read by programs, not people.  Units are encoded one
    at a time, so the file is written without the whole text in memory.
    ``ready`` maps ``id(unit)`` to indicators encoded earlier (``None`` where
    not), which ``rank`` does while the pool is still reading.
    """
    units = doc.get("units")
    if not isinstance(units, list) or len(units) <= COMPACT_FROM:
        whole = doc if not isinstance(units, list) else {**doc, "units": [_plain(u) for u in units]}
        yield json.dumps(whole, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        return
    head = {k: v for k, v in doc.items() if k != "units"}
    text = json.dumps(head, ensure_ascii=False, indent=2, allow_nan=False)
    yield f'{text[:-2]},\n  "units": [\n'
    sep = "    "
    for unit in units:
        yield sep + _unit_line(unit, ready)
        sep = ",\n    "
    yield "\n  ]\n}\n"


def dumps(doc: dict[str, Any]) -> str:
    """The document as one string (for the screen and for small documents)."""
    return "".join(json_chunks(doc))
