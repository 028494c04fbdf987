"""``assess explain``: the gap to the next grade and place, where to win the points, and what-if."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess.commands.common import data_paths, guard, load_plan, locate, provenance, read_inputs
from assess.commands.output import document_target, write_json
from assess.commands.run import Run
from assess.errors import EXIT_FINDINGS, DataError, UsageError
from assess.workbook.names import shown

if TYPE_CHECKING:
    from assess.analysis.advice import Explanation
    from assess.analysis.rescore import Rescorer
    from assess.analysis.whatif import WhatIf
    from assess.scheme.plan import Plan

EXPLAIN_FORMAT = "assess.explain/1"


def run_explain(
    scheme: str,
    inputs: list[Path],
    cohort: list[Path],
    details: list[Path],
    *,
    units: list[str],
    sets: list[str],
    fmt: str,
    output: Path | None,
    report_date: str | None,
    limit: int = 0,
    force: bool = False,
    data_opts: list[str] | None = None,
) -> Run:
    from assess.analysis.gaps import explain_unit
    from assess.analysis.rescore import Rescorer
    from assess.analysis.whatif import parse_assignments, what_if
    from assess.scoring.engine import prepare

    plan = load_plan(scheme)
    inputs = data_paths(plan, inputs)
    assignments = parse_assignments(plan, sets)  # usage errors before any file is read
    located = locate(plan, [*inputs, *cohort], data_opts or [])
    outputs = guard(plan, force, [*inputs, *cohort], details, located)
    if output is not None:
        document_target(output, fmt, outputs)
    data = read_inputs(plan, inputs, details=details, located=located)
    run = Run(messages=list(data.notes))
    refused = list(data.refused)
    if not data.units:
        reasons = "\n".join(f"  {r['file']}: {r['reason']}" for r in refused)
        raise DataError("没有可分析的单位" + (f":\n{reasons}" if reasons else ""))
    members = list(data.units)
    names = {u.unit for u in members}
    files = list(data.files)
    if cohort:
        peers = read_inputs(plan, cohort, details=details, located=located)
        run.messages.extend(note for note in peers.notes if note not in run.messages)
        # The unit's own file may sit in the cohort folder: it counts once.
        refused += [r for r in peers.refused if "重复出现" not in r["reason"] or not _own(r, names)]
        members += [u for u in peers.units if u.unit not in names]
        files += [f for f in peers.files if f not in files]
    chosen = units or [u.unit for u in data.units]
    missing = [n for n in chosen if n not in {u.unit for u in members}]
    if missing:
        some = sorted(names)[:30]
        more = f"等 {len(names):,} 个" if len(names) > len(some) else ""
        raise UsageError(
            f"输入中没有单位“{'、'.join(shown(n) for n in missing[:10])}”;可选:{'、'.join(some)}{more}"
        )
    prepared = [prepare(plan, u) for u in members]
    rs = Rescorer(plan, prepared)
    explanations = [explain_unit(plan, rs, rs.index_of(n)) for n in chosen]
    whatifs = [what_if(plan, rs, rs.index_of(n), assignments) for n in chosen] if assignments else []
    for r in refused:
        run.messages.append(f"未计入:{r['file']}:{r['reason']}")
    if refused:
        run.exit_code = EXIT_FINDINGS
    if len(members) == 1:
        run.messages.append(
            "提示:只有一个单位,名次和按排名、相对值、极差法计分的指标无法计算;可用 --cohort 指定同批参评单位。"
        )
    if fmt == "table":
        from assess.render.explain import explanation_text

        run.stdout = "\n".join(
            explanation_text(plan, rs, e, w, limit)
            for e, w in zip(explanations, _pad(whatifs, len(explanations)), strict=True)
        )
        return run
    doc = {
        "format": EXPLAIN_FORMAT,
        "scheme": {"id": plan.scheme.id, "year": plan.scheme.year, "title": plan.scheme.title},
        "provenance": provenance(plan, files, report_date),
        "cohort_size": len(members),
        "units": [
            _unit_dict(plan, rs, e, w)
            for e, w in zip(explanations, _pad(whatifs, len(explanations)), strict=True)
        ],
    }
    if fmt == "json":
        from assess.commands.common import dumps

        return write_json(run, dumps(doc), output, outputs)
    from assess.render.document import write_document
    from assess.render.explain import explain_document

    target = document_target(output, fmt, outputs)
    document = explain_document(plan, rs, explanations, whatifs, report_date)
    run.written.append(write_document(document, target, outputs.write, fmt))
    run.messages.extend(outputs.messages)
    run.messages.append(f"已写入:{target}")
    return run


def _own(refusal: dict[str, str], names: set[str]) -> bool:
    return any(f"“{n}”" in refusal["reason"] for n in names)


def _pad(items: list[Any], n: int) -> list[Any]:
    return items if items else [None] * n


def _unit_dict(plan: Plan, rs: Rescorer, e: Explanation, w: WhatIf | None) -> dict[str, Any]:
    from assess.analysis.profile import category_rates, profile_sentence

    r = rs.results[rs.index_of(e.unit)]
    out = e.to_dict()
    out["categories"] = category_rates(plan, r, rs.results)
    out["profile"] = profile_sentence(plan, r, rs.results) if len(rs.results) > 1 else ""
    if w is not None:
        out["what_if"] = w.to_dict()
    return out
