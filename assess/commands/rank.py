"""``assess rank``: score every unit, rank within groups, grade, compare with earlier years."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from assess.commands.common import (
    PROBLEMS_SHOWN,
    Inputs,
    data_paths,
    data_problems,
    document,
    encode_indicator,
    file_findings,
    guard,
    json_chunks,
    load_plan,
    locate,
    problem_lines,
    problem_text,
    read_inputs,
)
from assess.commands.output import Outputs, document_target, write_json
from assess.commands.previous import Previous, read_previous
from assess.commands.rank_brief import SUGGEST_FROM, brief_of, check_brief, check_size, write_brief
from assess.commands.run import Run
from assess.errors import EXIT_FINDINGS, DataError, UsageError
from assess.scheme.plan import Plan
from assess.scoring.history import History

RANK_FORMAT = "assess.rank/1"


def run_rank(
    scheme: str,
    inputs: list[Path],
    details: list[Path],
    *,
    data_opts: list[str] | None = None,
    previous: list[str] | None,
    overall: bool,
    fmt: str,
    output: Path | None,
    report_date: str | None,
    title: str | None,
    issuer: str | None,
    quiet: bool,
    strict: bool,
    jobs: int,
    force: bool,
    progress: Any = None,
    sensitivity: int = 0,
    vary: list[str] | None = None,
    seed: int = 1,
    brief: bool = False,
    averages: list[str] | None = None,
    also: tuple[tuple[str, Path], ...] = (),
) -> Run:
    """Rank and write ``output`` in ``fmt``; ``also`` gives more (format, path) pairs written
    from the same result (``assess serve`` writes JSON, HTML, xlsx and doc of one reading:
    four runs could each see a different set of files while counties upload)."""
    from assess.scoring.array.support import array_support
    from assess.scoring.coverage import coverage
    from assess.scoring.engine import first_pass, score_prepared, settled
    from assess.scoring.ranking import indicator_statistics, rank_cohort

    if brief:
        check_brief(fmt, sensitivity)
    plan = load_plan(scheme)
    inputs = data_paths(plan, inputs)
    if averages:
        from assess.scoring.statistics import apply_averages

        apply_averages(plan, averages)
    located = locate(plan, inputs, data_opts or [])
    if output is not None:  # an output over any input is refused before any input is judged
        named = [_previous_path(text) for text in previous or []]
        document_target(output, fmt, guard(plan, force, inputs, details, located, 上年结果=named))
    prior = read_previous(plan, previous or [])  # strict: a file refused names its place
    last = prior.history
    outputs = guard(plan, force, inputs, details, located, 上年结果=prior.files)
    if output is not None:
        document_target(output, fmt, outputs)  # refused before the data are read
    if also and (brief or fmt == "table"):
        raise UsageError("排名结果只能在完整的文件格式中一并写出几种格式")
    for other_fmt, other in also:
        document_target(other, other_fmt, outputs)
    early: dict[int, tuple[Any, Any, Any]] = {}
    final = settled(plan) if fmt == "json" and not brief else []
    encoded: dict[int, list[str | None]] = {}  # id(unit) → its settled indicators as JSON

    table_keys = [t.key for t in plan.read.tables] if details else []

    def on_units(units: list[Any]) -> None:
        # score (and for JSON, encode) what needs no other unit while the pool reads the next files
        for unit in units:
            if any(k not in unit.tables for k in table_keys):
                continue  # a --details file will still give it a table: scored once that is attached
            try:
                p, row = first_pass(plan, unit)
            except DataError:  # refused data: said later, unless the unit is a duplicate dropped
                continue
            early[id(unit)] = (_tables_signature(unit), p, row)
            if final:
                encoded[id(unit)] = [
                    encode_indicator(r) if ok else None for r, ok in zip(row, final, strict=True)
                ]

    # The brief table scores the cohort on columns once all is read, when the scheme allows it.
    watch = None if brief and not array_support(plan, columns=True) else on_units
    data = read_inputs(
        plan, inputs, details=details, progress=progress, jobs=jobs, on_units=watch, located=located
    )
    if strict and (data.refused or any(f.severity == "error" for u in data.units for f in u.findings)):
        problems = [f"{r['file']}: {r['reason']}" for r in data.refused]
        problems += [str(f) for u in data.units for f in u.findings if f.severity == "error"]
        raise DataError("--strict:输入有问题,未排名:\n  " + "\n  ".join(problems[:50]))
    if not data.units:
        raise DataError(_nothing_to_rank(data))
    check_size(fmt, len(data.units))
    if brief:
        table = brief_of(plan, data, last, overall=overall, firsts=lambda: _firsts(plan, data, early)[0])
        run = _summary(data, table.units, last, quiet)
        extra = _extra(plan, data, prior, overall, title, issuer, table.statistics(data.units))
        seen = coverage(plan, zip(table.units, table.group_ids, strict=True), ranking=True).notes
        seen += table.notes
        if seen:  # as on the engine path below: what the cohort rules saw, a quota exceeded by a tie
            extra["notes"] = seen
            if not quiet:
                run.messages += [f"  {note}" for note in seen]
        say_history(run, extra, prior, quiet)
        note_problems(extra, data)
        return write_brief(
            run,
            plan,
            table,
            data,
            extra,
            fmt=fmt,
            output=output,
            outputs=outputs,
            report_date=report_date,
            quiet=quiet,
        )
    firsts, ready = _firsts(plan, data, early, encoded)
    prepared = [p for p, _row in firsts]
    results = score_prepared(plan, prepared, cohort=len(prepared) > 1, rows=[row for _p, row in firsts])
    notes = coverage(plan, [(r.unit, r.group) for r in results], ranking=True).notes
    notes += rank_cohort(plan, results, last, overall=overall)
    report = None
    if sensitivity:
        from assess.analysis.sensitivity import run_sensitivity

        report = run_sensitivity(plan, prepared, sensitivity, list(vary or []), seed)
    run = _summary(data, [r.unit for r in results], last, quiet)
    if not quiet and len(results) >= SUGGEST_FROM:
        run.messages.append(
            f"  单位较多({len(results)} 个):加 --brief 可输出精简排名表(不写计分依据),快得多、文件小得多"
        )
    extra = _extra(plan, data, prior, overall, title, issuer, indicator_statistics(plan, results))
    if notes:  # what the cohort rules saw, a quota exceeded by a tie: JSON, document and summary
        extra["notes"] = notes
        if not quiet:
            run.messages += [f"  {note}" for note in notes]
    say_history(run, extra, prior, quiet)
    note_problems(extra, data)
    if fmt == "table":
        from assess.render.terminal import ranking_table

        run.stdout = ranking_table(plan, results, overall=overall, with_previous=prior.given)
        if report is not None:
            from assess.render.sensitivity import sensitivity_table

            run.stdout += "\n" + sensitivity_table(report)
        return run
    ordered = sorted(results, key=lambda r: (r.group or "", r.rank is None, r.rank or 0, r.unit))
    doc = document(plan, ordered, data.files, report_date=report_date, kind=RANK_FORMAT, extra=extra)
    if report is not None:
        doc["sensitivity"] = report.to_dict()
    if fmt == "json":
        by_result = {id(results[k]): texts for k, texts in ready.items()}
        run = write_json(run, json_chunks(doc, by_result), output, outputs, quiet=quiet)
    else:
        run = _write_document(
            run, plan, ordered, doc, report, extra, fmt, output, outputs, report_date, quiet
        )
    for other_fmt, other in also:
        run = _write_document(
            run, plan, ordered, doc, report, extra, other_fmt, other, outputs, report_date, True
        )
    return run


def _write_document(
    run: Run,
    plan: Plan,
    ordered: list[Any],
    doc: dict[str, Any],
    report: Any,
    extra: dict[str, Any],
    fmt: str,
    output: Path | None,
    outputs: Outputs,
    report_date: str | None,
    quiet: bool,
) -> Run:
    """The ranking document, and beside it the sensitivity report when one was asked for."""
    from assess.render.document import FORMATS, write_document
    from assess.render.ranking import render_ranking

    target = document_target(output, fmt, outputs)
    run.written.append(outputs.write(target, render_ranking(plan, ordered, doc, fmt)))
    if report is not None and fmt in FORMATS:
        from assess.render.sensitivity import sensitivity_document

        note = sensitivity_document(
            plan, report, title=f"{extra['title']}稳健性分析", issuer=extra["issuer"], date=report_date
        )
        target_note = target.with_name(f"{target.stem}_稳健性分析{target.suffix}")
        run.written.append(write_document(note, target_note, outputs.write, fmt))
    run.messages.extend(outputs.messages)
    if not quiet:
        run.messages.append(f"已写入:{target}")
    return run


def _nothing_to_rank(data: Inputs) -> str:
    """Why no unit was read: each refused input, and the inputs read as detail tables."""
    refused = {r["file"] for r in data.refused}
    others = set(data.source_files)  # read as their sources: not the units' own data
    lines = [f"{Path(r['file']).name}:{r['reason']}" for r in data.refused]
    lines += [
        f"{p.name}:按明细表读取(有“所属县”一类的列,或同一单位名称出现多行),其中没有单位的填报数据"
        for p in data.files
        if str(p) not in refused and p not in others
    ]
    shown = "".join(f"\n  {line}" for line in lines[:20])
    more = f"\n  ……另有 {len(lines) - 20} 个" if len(lines) > 20 else ""
    head = "所有输入都无法读取" if all(str(p) in refused for p in data.files) else "输入中没有单位的填报数据"
    return f"没有可排名的单位:{head}{shown}{more}"


def _firsts(
    plan: Plan,
    data: Inputs,
    early: dict[int, tuple[Any, Any, Any]],
    encoded: dict[int, list[str | None]] | None = None,
) -> tuple[list[tuple[Any, Any]], dict[int, list[str | None]]]:
    """Every unit's first pass, taken from the early ones where still valid; and, by position,
    the indicators already encoded."""
    from assess.scoring.engine import first_pass

    firsts: list[tuple[Any, Any]] = []
    ready: dict[int, list[str | None]] = {}
    for unit in data.units:
        got = early.get(id(unit))
        # a detail table attached after the unit arrived changes its aggregates: score it again
        if got is not None and got[0] == _tables_signature(unit):
            firsts.append((got[1], got[2]))
            if encoded and id(unit) in encoded:
                ready[len(firsts) - 1] = encoded[id(unit)]
        else:
            firsts.append(first_pass(plan, unit))
    return firsts, ready


def _summary(data: Inputs, units: list[str], last: History, quiet: bool) -> Run:
    """The run with its exit code and the lines said on stderr about what was counted.

    ``quiet`` drops the summary, never the reason for a non-zero exit: each
    input not counted is still named.
    """
    run = Run()
    if data.refused:
        run.exit_code = EXIT_FINDINGS
    if not quiet:
        run.messages.append(f"已评分 {len(units)} 个单位;{len(data.refused)} 个输入未计入。")
        run.messages.extend(f"  {note}" for note in data.notes)
    for r in data.refused:
        run.messages.append(f"  未计入:{r['file']}:{r['reason']}")
    say_problems(run, data)
    latest = last.latest
    if not quiet and latest is not None:
        gone = sorted(set(latest.units) - set(units))
        if gone:
            when = "上年" if latest.year == last.year - 1 else f"{latest.year} 年"
            run.messages.append(f"  {when}有、本年无的单位:{'、'.join(gone)}")
    return run


def say_history(run: Run, extra: dict[str, Any], prior: Previous, quiet: bool) -> None:
    """What the earlier years' results make the ranking say: notes (“较上年” against an older
    year), warnings (a folder's files passed over, another scheme), and without ``--previous``
    the conditions of years running left undecided (on the screen only)."""
    if prior.notes:
        extra["notes"] = [*extra.get("notes", []), *prior.notes]
    if prior.findings:
        extra["findings"] = [*extra.get("findings", []), *(f.to_dict() for f in prior.findings)]
    if quiet:
        return
    run.messages += [f"  {note}" for note in prior.notes]
    run.messages += prior.messages()
    run.messages += [f"  {text[:-1]};往年结果用 --previous 给出。" for text in prior.history.pending]


def say_problems(run: Run, data: Inputs) -> None:
    """Exit 1 and name every data problem (each cell), also with ``--quiet``: it is the reason."""
    problems = data_problems(data)
    if not problems:
        return
    run.exit_code = EXIT_FINDINGS
    run.messages.append(
        f"  有 {len(problems):,} 处数据问题,所涉指标按方案的缺数据规则计分(见计分依据);请核实更正后重新评分:"
    )
    run.messages.extend(problem_lines(problems))


def note_problems(extra: dict[str, Any], data: Inputs) -> None:
    """The data problems in the notes of the JSON and the document (the first few, by file name
    and cell): a ranking built on them is not to be issued before they are checked."""
    problems = data_problems(data)
    if not problems:
        return
    lines = [
        f"有 {len(problems):,} 处数据问题,所涉指标已按考核方案的缺数据规则计分,"
        "核实更正并重新评分前,本排名不宜印发:"
    ]
    for f in problems[:PROBLEMS_SHOWN]:
        where = replace(f.location, file=Path(f.location.file).name if f.location.file else None)
        lines.append(problem_text(replace(f, location=where)))
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"另有 {len(problems) - PROBLEMS_SHOWN:,} 处,见 JSON 输出中各单位的 findings。")
    extra["notes"] = [*extra.get("notes", []), *lines]


def _extra(
    plan: Plan,
    data: Inputs,
    prior: Previous,
    overall: bool,
    title: str | None,
    issuer: str | None,
    stats: list[dict[str, Any]],
) -> dict[str, Any]:
    """What a ranking document says besides its units."""
    return {
        "title": title or default_title(plan),
        "issuer": issuer or plan.scheme.issuer,
        "overall": overall,
        **(prior.head() if prior.given else {"previous": None}),
        "groups": [{"id": g.id, "name": g.name} for g in plan.scheme.groups],
        "statistics": stats,
        "refused": data.refused,
        "findings": [f.to_dict() for f in file_findings(data)],
    }


def _tables_signature(unit: Any) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((key, len(table)) for key, table in unit.tables.items()))


def default_title(plan: Any) -> str:
    """2024 年度县市区乡村振兴实绩考核结果排名; a notice of several kinds names them all (市州和省直部门)."""
    from assess.levels import units_title

    return f"{plan.scheme.year} 年度{units_title(plan)}乡村振兴实绩考核结果排名"


def _previous_path(text: str) -> Path:
    """The file of a ``--previous`` value as written (``2023=文件`` names its year first)."""
    year, sep, rest = text.partition("=")
    return Path(rest) if sep and year.strip().isdigit() else Path(text)
