"""``assess explain``: the gap to the next grade and place, where to win the points, and what-if."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from assess.commands.common import guard, load_plan, locate, provenance, read_inputs
from assess.commands.output import document_target, write_json
from assess.commands.run import Run
from assess.errors import EXIT_FINDINGS, DataError, UsageError
from assess.workbook.names import shown

if TYPE_CHECKING:
    from assess.analysis.advice import Explanation
    from assess.analysis.rescore import Rescorer
    from assess.analysis.whatif import WhatIf
    from assess.scheme.plan import Plan
    from assess.scoring.result import UnitResult

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
    target = document_target(output, fmt, outputs)
    run.written.append(
        outputs.write(target, render_explain(plan, rs, explanations, whatifs, fmt, report_date))
    )
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


def _headline(plan: Plan, e: Explanation, r: UnitResult) -> str:
    # Ranked within the group when there is one; without groups among everyone ranked with it.
    scope = "组内" if r.group else ""
    place = f",{scope}第 {e.rank} 名(共 {e.group_size} 个)" if e.rank else ""
    group = e.group or ("未分组" if plan.group_names else "")
    return (
        f"{e.unit}{f'({group})' if group else ''}总分 {plan.round.text(e.total)} 分,等次“{e.grade or '—'}”{place};"
        f"各项可改进指标都得满分时总分最高 {plan.round.text(e.max_total)} 分。"
    )


def explanation_text(plan: Plan, rs: Rescorer, e: Explanation, w: WhatIf | None, limit: int = 0) -> str:
    from tabulate import tabulate

    from assess.analysis.profile import category_rates, profile_sentence

    r = rs.results[rs.index_of(e.unit)]
    lines = [f"【{e.unit}】", _headline(plan, e, r), f"等次:{e.grade_gap.text}", f"名次:{e.rank_gap.text}"]
    shown = e.suggestions[:limit] if limit else e.suggestions
    if shown:
        lines.append("可争取的分数(按可增分数从大到小):")
        for k, s in enumerate(shown, 1):
            lines.append(f"  {k:>2}. [{s.id}] {s.text}")
        if len(shown) < len(e.suggestions):
            lines.append(f"  …另有 {len(e.suggestions) - len(shown)} 项(去掉 --top 可全部列出)")
    else:
        lines.append("没有失分的指标。")
    for note in e.notes:
        lines.append(f"注:{note}")
    rates = category_rates(plan, r, rs.results)
    if rates:
        rows = [
            [
                x["label"],
                f"{x['rate']:.1f}%",
                "—" if x["average"] is None else f"{x['average']:.1f}%",
                "—" if x["gap"] is None else f"{x['gap']:+.1f}",
            ]
            for x in rates
        ]
        lines.append(
            tabulate(
                rows,
                headers=["一级指标", "得分率", "参评平均", "差(个百分点)"],
                tablefmt="simple",
                disable_numparse=True,
            )
        )
    if len(rs.results) > 1:
        lines.append(profile_sentence(plan, r, rs.results))
    if w is not None:
        lines += whatif_lines(plan, w)
    return "\n".join(lines) + "\n"


def whatif_lines(plan: Plan, w: WhatIf) -> list[str]:
    from tabulate import tabulate

    from assess.scoring.numbers import fmt_value

    lines = w.lines(plan)
    if w.rows:
        rows = [
            [
                x["id"],
                x["name"],
                fmt_value(x["value_before"], x["unit"]),
                fmt_value(x["value_after"], x["unit"]),
                plan.round.text(x["score_before"]),
                plan.round.text(x["score_after"]),
            ]
            for x in w.rows
        ]
        from assess.render import fit

        headers = ["编码", "指标", "原值", "假设值", "原得分", "新得分"]
        lines.append(
            tabulate(
                rows,
                headers=headers,
                tablefmt="simple",
                disable_numparse=True,
                maxcolwidths=fit.wrap_widths(headers, rows, 1, fit.current().width),
            )
        )
    else:
        lines.append("指标得分没有变化。")
    if w.others:
        moved = "、".join(
            f"{o['unit']}({o['rank_before']}→{o['rank_after']})"
            for o in w.others
            if o["rank_before"] != o["rank_after"]
        )
        if moved:
            lines.append(f"名次随之变化的其他单位:{moved}")
    return lines


def render_explain(
    plan: Plan,
    rs: Rescorer,
    explanations: list[Explanation],
    whatifs: list[WhatIf],
    fmt_name: str,
    report_date: str | None,
) -> str | bytes:
    from assess import __version__
    from assess.analysis.profile import category_chart, category_rates, profile_sentence
    from assess.render.env import render_document
    from assess.scoring.numbers import fmt, fmt_value

    blocks = []
    by_unit = {w.unit: w for w in whatifs}
    for e in explanations:
        r: UnitResult = rs.results[rs.index_of(e.unit)]
        rows = [
            [
                s.id,
                s.name,
                _current(s, plan),
                _needed(s, plan),
                {"text": fmt(s.lost) if s.lost else "", "num": True},
                {"text": plan.round.text(s.gain), "num": True, "bold": s.gain > 0},
                {"text": s.text, "align": "left"},
            ]
            for s in e.suggestions
        ]
        w = by_unit.get(e.unit)
        what = None
        if w is not None:
            what = {
                "lines": w.lines(plan),
                "rows": [
                    [
                        x["id"],
                        {"text": x["name"], "align": "left"},
                        fmt_value(x["value_before"], x["unit"]),
                        fmt_value(x["value_after"], x["unit"]),
                        plan.round.text(x["score_before"]),
                        plan.round.text(x["score_after"]),
                    ]
                    for x in w.rows
                ],
            }
        rates = category_rates(plan, r, rs.results)
        blocks.append(
            {
                "unit": e.unit,
                "headline": _headline(plan, e, r),
                "grade_gap": e.grade_gap.text,
                "rank_gap": e.rank_gap.text,
                "rows": rows,
                "notes": e.notes,
                "chart": category_chart(rates),
                "has_average": any(x["average"] is not None for x in rates),
                "profile": profile_sentence(plan, r, rs.results) if len(rs.results) > 1 else "",
                "what_if": what,
            }
        )
    title = (
        f"{explanations[0].unit}{plan.scheme.year} 年度考核得分差距分析"
        if len(explanations) == 1
        else f"{plan.scheme.year} 年度考核得分差距分析"
    )
    context = {
        "blocks": blocks,
        "intro": (
            f"按《{plan.scheme.title}》,对照同批参评的 {len(rs.results)} 个单位,逐项列出失分指标须达到的数值"
            "和可增加的总分(已考虑缺项折算、扣分上限、加分上限和一票否决)。"
        ),
        "provenance": f"由 assess {__version__} 生成;方案 {plan.scheme.id}(SHA-256 {plan.sha256[:16]}…)。",
    }
    html = render_document(
        "explain.html.j2", context, title=title, issuer=None, date=report_date, landscape=True
    )
    if fmt_name == "doc":
        from assess.render.mht import to_mht

        return to_mht(html, title=title)
    return html


def _word(s: Any, plan: Plan, value: float | None) -> str | None:
    """A ladder's value as the word reported (its value is the word's share of the points)."""
    from assess.analysis.aims import level_word

    if s.rule != "ladder":
        return None
    ind = next((i for i in plan.indicators if i.id == s.id), None)
    return level_word(ind, value) if ind is not None else None


def _current(s: Any, plan: Plan) -> str:
    from assess.scoring.numbers import fmt_value

    if s.kind == "bonus":
        return fmt_value(s.current, "分")
    if s.rule == "boolean":
        return "是" if s.current else "否"
    word = _word(s, plan, s.current)
    if word is not None:
        return word
    return fmt_value(s.current, s.unit)


def _needed(s: Any, plan: Plan) -> str:
    from assess.scoring.numbers import fmt_value

    if s.kind == "bonus":
        return fmt_value(s.needed, "分")
    if s.rule == "boolean":
        return "是" if s.needed else "否"
    word = _word(s, plan, s.needed)
    if word is not None:
        return word
    text = fmt_value(s.needed, s.unit)
    if s.strict:
        text += " 以下" if s.current is not None and s.needed < s.current else " 以上"
    return text
