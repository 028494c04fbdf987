"""``assess diff``: what changed between two schemes, and with data what it does to each unit."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING

from assess.commands.output import document_target, write_json
from assess.commands.run import Run
from assess.errors import EXIT_FINDINGS, UsageError

if TYPE_CHECKING:
    from assess.scheme.plan import Plan


def borrow_sources(plan: Plan, donor: Plan) -> Plan:
    """``plan`` reading the data as ``donor`` does, when ``plan`` has no ``sources:`` of its own.

    Last year's scheme on this year's round: the counties' workbooks hold only what they
    report, the rest is in the round's other sources.  Each source gives ``plan`` those of
    its values that ``plan`` has as inputs too; a source giving none of them is left out.
    """
    if plan.sources or not donor.sources:
        return plan
    from assess.sources.spec import UNIT, compile_sources

    sources, own = compile_sources(donor.scheme, plan.read, plan.name_aliases)
    sources = tuple(s for s in sources if s.kind == UNIT or s.keys)
    if all(s.kind == UNIT for s in sources):
        return plan
    borrowed = copy.copy(plan)
    borrowed.sources, borrowed.unit_read = sources, own
    return borrowed


def run_diff(
    old: str,
    new: str,
    data: list[Path],
    details: list[Path],
    *,
    fmt: str,
    output: Path | None,
    report_date: str | None,
    issuer: str | None,
    force: bool = False,
) -> Run:
    from assess.analysis.diff import diff_schemes, side_by_side
    from assess.commands.common import guard, load_plan, locate, read_inputs

    old_plan = load_plan(old)
    new_plan = load_plan(new)
    readers = (borrow_sources(old_plan, new_plan), borrow_sources(new_plan, old_plan))
    located = [locate(plan, data) for plan in readers] if data else [{}, {}]
    outputs = guard(readers[1], force, data, details, located[1])
    outputs.read([Path(old_plan.path)], "原方案")
    if output is not None:
        document_target(output, fmt, outputs)
    result = diff_schemes(old_plan.scheme, new_plan.scheme)
    run = Run()
    if data:
        from assess.scoring.engine import score_units
        from assess.scoring.ranking import rank_cohort

        scored = []
        for plan, original, found in zip(readers, (old_plan, new_plan), located, strict=True):
            if plan is not original:
                donor = new_plan if original is old_plan else old_plan
                result.notes.append(
                    f"方案 {plan.scheme.id} 没有写数据来源(sources),按方案 {donor.scheme.id} "
                    f"的数据来源({'、'.join(s.id for s in plan.sources)})读取各单位的数据。"
                )
            inputs = read_inputs(plan, data, details=details, located=found)
            if not inputs.units:
                raise UsageError(f"按方案 {plan.scheme.id} 没有读到可评分的单位")
            results = score_units(plan, inputs.units)
            rank_cohort(plan, results)
            scored.append(results)
            missing = sum(
                1 for r in results for i in r.indicators if i.status == "missing" and i.rule != "sum"
            )
            if missing:
                result.notes.append(
                    f"按方案 {plan.scheme.id} 评分时,数据中共有 {missing} 个指标值未填报(按该方案的缺数据规则处理);"
                    "只在一个方案中有的指标,另一年度的填报表里通常没有数据。"
                )
            run.messages.extend(note for note in inputs.notes if note not in run.messages)
            for r in inputs.refused:
                run.messages.append(f"未计入({plan.scheme.id}):{r['file']}:{r['reason']}")
            if inputs.refused:
                run.exit_code = EXIT_FINDINGS
        order = [g.id for plan in (new_plan, old_plan) for g in plan.scheme.groups]
        result.units = side_by_side(scored[0], scored[1], order)
    if fmt == "table":
        from assess.render.diff import diff_table

        run.stdout = diff_table(result)
        return run
    if fmt == "json":
        from assess.commands.common import dumps

        return write_json(run, dumps(result.to_dict()), output, outputs)
    from assess.render.diff import diff_document
    from assess.render.document import write_document

    target = document_target(output, fmt, outputs)
    doc = diff_document(result, report_date=report_date, issuer=issuer)
    run.written.append(write_document(doc, target, outputs.write, fmt))
    run.messages.extend(outputs.messages)
    run.messages.append(f"已写入:{target}")
    return run
