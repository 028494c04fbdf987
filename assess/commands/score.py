"""``assess score``: score sheets for one unit or a cohort, every point explained."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assess.commands.common import (
    data_paths,
    document,
    file_findings,
    guard,
    json_chunks,
    load_plan,
    locate,
    read_inputs,
)
from assess.commands.output import FOLDER_FORMATS, write_each, write_json
from assess.commands.run import Run
from assess.errors import EXIT_FINDINGS, DataError, UsageError


def run_score(
    scheme: str,
    inputs: list[Path],
    details: list[Path],
    fmt: str,
    output: Path | None,
    report_date: str | None,
    force: bool,
    issuer: str | None = None,
    *,
    data_opts: list[str] | None = None,
    previous: list[str] | None = None,
) -> Run:
    from assess.commands.previous import read_previous
    from assess.scoring.coverage import coverage, mark_provisional
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import compare_previous, rank_cohort

    plan = load_plan(scheme)
    inputs = data_paths(plan, inputs)
    located = locate(plan, inputs, data_opts or [])
    prior = read_previous(plan, previous or [])  # earlier years: the trend line, years running
    outputs = guard(plan, force, inputs, details, located, 上年结果=prior.files)
    if fmt in FOLDER_FORMATS and output is None:
        raise UsageError(f"{fmt} 格式须用 -o 指定输出文件(单个单位)或文件夹(多个单位)")
    if output is not None and (fmt == "json" or output.suffix):
        outputs.file(output, fmt)  # refused before anything is read
    data = read_inputs(plan, inputs, details=details, located=located)
    if not data.units:
        reasons = "\n".join(f"  {r['file']}: {r['reason']}" for r in data.refused)
        raise DataError("没有可评分的单位" + (f":\n{reasons}" if reasons else ""))
    results = score_units(plan, data.units)
    cover = coverage(plan, [(r.unit, r.group) for r in results], ranking=len(results) > 1)
    notes = list(cover.notes)  # each provisional grade says why in its basis
    if len(results) > 1:
        # a quota exceeded by a tie, a condition of years running undecided, as ``rank`` says it
        notes += rank_cohort(plan, results, prior.history)
    else:
        compare_previous(results, prior.history)  # the unit's history: its trend line
    notes += prior.notes
    mark_provisional(plan, results, cover)
    run = Run()
    run.messages.extend(data.notes)
    run.messages.extend(notes)
    run.messages.extend(line.strip() for line in prior.messages())
    run.messages.extend(f"{text[:-1]};往年结果用 --previous 给出。" for text in prior.history.pending)
    for r in data.refused:
        run.messages.append(f"未评分:{r['file']}:{r['reason']}")
    if data.refused:
        run.exit_code = EXIT_FINDINGS
    from assess.commands.rank import say_problems

    say_problems(run, data)
    if fmt == "table":
        from assess.render.terminal import score_sheet

        run.stdout = "\n".join(score_sheet(plan, r) for r in results)
        return run
    if fmt == "json":
        extra: dict[str, Any] = {"findings": [f.to_dict() for f in [*file_findings(data), *prior.findings]]}
        if prior.given:
            extra.update(prior.head())
        if notes:
            extra["notes"] = notes
        doc = document(plan, results, data.files, report_date=report_date, extra=extra)
        return write_json(run, json_chunks(doc), output, outputs)
    assert output is not None
    from assess.render.scoresheet import render_score_sheet

    if output.suffix and len(results) > 1:
        raise UsageError(
            f"评分了 {len(results)} 个单位,{fmt} 格式每个单位一个文件:-o 应为文件夹(如 -o 得分表),"
            f"而“{output.name}”是文件名;只要一个文件请用 --format json"
        )
    if output.suffix:
        targets = [outputs.file(output, fmt)]
    else:
        targets = outputs.folder(output, [r.unit for r in results], fmt)
    run.written += write_each(
        targets,
        lambda i: render_score_sheet(
            plan, results[i], fmt, report_date=report_date, cohort=results, issuer=issuer
        ),
        outputs,
    )
    run.messages.extend(outputs.messages)
    if output.suffix:
        run.messages.append(f"已写入:{targets[0]}")
    else:
        run.messages.append(f"已写入 {len(targets)} 个文件到文件夹:{output}")
    return run
