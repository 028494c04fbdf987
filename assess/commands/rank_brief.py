"""``rank --brief``: the ranking of a large cohort as a brief table, scored on columns.

Five hundred thousand villages with every point's basis written out make a
1.5 GB document no one reads; the brief table keeps what a ranking needs
(place, total, grade, category and indicator scores, vetoes, bars and
consequences) and leaves the basis of one unit to ``score`` and ``explain``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from assess.commands.common import Inputs, document
from assess.commands.output import Outputs, document_target, write_json
from assess.commands.run import Run
from assess.errors import UsageError
from assess.scheme.plan import Plan
from assess.scoring.brief import Brief
from assess.scoring.history import Previous

BRIEF_FORMAT = "assess.rank-brief/1"
SUGGEST_FROM = 20_000  # units; a full ranking this large suggests --brief
DOCUMENT_LIMIT = 50_000  # units in a Word document or workbook (held in memory while written)


def check_brief(fmt: str, sensitivity: int) -> None:
    """Refuse what the brief table cannot do before any file is read."""
    if sensitivity:
        raise UsageError("--brief 不能与 --sensitivity 同时使用:稳健性分析需要完整评分")


def check_size(fmt: str, count: int) -> None:
    """A table or document of more units than anyone reads is refused before scoring starts."""
    if fmt != "json" and count > DOCUMENT_LIMIT:
        raise UsageError(
            f"单位过多({count:,} 个):屏幕表格、Word 文档和 xlsx 最多列 {DOCUMENT_LIMIT:,} 个单位,"
            "请改用 --format json -o 文件(可加 --brief)"
        )


def brief_of(
    plan: Plan,
    data: Inputs,
    last: Previous,
    *,
    overall: bool,
    firsts: Callable[[], list[tuple[Any, Any]]] | None = None,
) -> Brief:
    """On columns when the scheme allows it, else through the engine: the same table either way.

    ``firsts`` gives every unit's first pass (most done while the files were read)."""
    from assess.scoring.array.columns import brief_columns

    brief = brief_columns(plan, data.units, last, overall=overall)
    if brief is not None:
        return brief
    from assess.scoring.engine import first_pass, score_prepared
    from assess.scoring.ranking import rank_cohort

    done = firsts() if firsts is not None else [first_pass(plan, u) for u in data.units]
    prepared = [p for p, _row in done]
    results = score_prepared(plan, prepared, cohort=len(prepared) > 1, rows=[row for _p, row in done])
    notes = rank_cohort(plan, results, last, overall=overall)
    brief = Brief.from_results(plan, results)
    brief.notes = notes
    return brief


def write_brief(
    run: Run,
    plan: Plan,
    brief: Brief,
    data: Inputs,
    extra: dict[str, Any],
    *,
    fmt: str,
    output: Path | None,
    outputs: Outputs,
    report_date: str | None,
    quiet: bool,
) -> Run:
    if fmt == "table":
        from assess.render.terminal import brief_table

        run.stdout = brief_table(brief, overall=bool(extra.get("overall")))
        return run
    head = document(plan, [], data.files, report_date=report_date, kind=BRIEF_FORMAT, extra=extra)
    del head["units"]
    if fmt == "json":
        from assess.render.brief_json import brief_chunks

        return write_json(run, brief_chunks(head, brief), output, outputs, quiet=quiet)
    # The ranking documents show no basis text: the brief table makes the same documents.
    from assess.render.ranking import render_ranking

    target = document_target(output, fmt, outputs)
    run.written.append(outputs.write(target, render_ranking(plan, brief.rows(), head, fmt)))  # type: ignore[arg-type]
    run.messages.extend(outputs.messages)
    if not quiet:
        run.messages.append(f"已写入:{target}")
    return run


__all__ = [
    "BRIEF_FORMAT",
    "DOCUMENT_LIMIT",
    "SUGGEST_FROM",
    "brief_of",
    "check_brief",
    "check_size",
    "write_brief",
]
