"""``assess score``: score sheets for one unit or a cohort, every point explained."""

from __future__ import annotations

from pathlib import Path

from assess.commands.common import document, json_chunks, load_plan, read_inputs
from assess.commands.output import per_unit_targets, single_target, write_each, write_json
from assess.commands.run import Run
from assess.errors import EXIT_FINDINGS, DataError


def run_score(
    scheme: str,
    inputs: list[Path],
    details: list[Path],
    fmt: str,
    output: Path | None,
    report_date: str | None,
    force: bool,
    issuer: str | None = None,
) -> Run:
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import rank_cohort

    plan = load_plan(scheme)
    data = read_inputs(plan, inputs, details=details)
    if not data.units:
        reasons = "\n".join(f"  {r['file']}: {r['reason']}" for r in data.refused)
        raise DataError("没有可评分的单位" + (f":\n{reasons}" if reasons else ""))
    results = score_units(plan, data.units)
    if len(results) > 1:
        rank_cohort(plan, results)
    run = Run()
    for r in data.refused:
        run.messages.append(f"未评分:{r['file']}:{r['reason']}")
    if data.refused:
        run.exit_code = EXIT_FINDINGS
    if fmt == "table":
        from assess.render.terminal import score_sheet

        run.stdout = "\n".join(score_sheet(plan, r) for r in results)
        return run
    if fmt == "json":
        return write_json(
            run, json_chunks(document(plan, results, data.files, report_date=report_date)), output
        )
    if output is None:
        raise DataError(f"{fmt} 格式须用 -o 指定输出文件(单个单位)或文件夹(多个单位)")
    from assess.render.scoresheet import render_score_sheet

    if len(results) == 1 and output.suffix:
        targets = [single_target(output, fmt)]
    else:
        targets = per_unit_targets(output, [r.unit for r in results], fmt, force)
    run.written += write_each(
        targets,
        lambda i: render_score_sheet(
            plan, results[i], fmt, report_date=report_date, cohort=results, issuer=issuer
        ),
    )
    if len(targets) == 1 and output.suffix and not output.is_dir():
        run.messages.append(f"已写入:{targets[0]}")
    else:
        run.messages.append(f"已写入 {len(targets)} 个文件:{targets[0].parent}")
    return run
