"""Plain-text tables for the terminal (tabulate)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tabulate import tabulate

from assess.errors import Finding
from assess.render import fit, tables
from assess.scoring.history import trend_line
from assess.scoring.numbers import fmt
from assess.scoring.result import OUTSIDE

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.scoring.brief import Brief
    from assess.scoring.result import UnitResult

_SEVERITY = {"error": "错误", "warning": "提示"}


# ``check`` on a screen narrower than its table (assess.render.tables), step by step:
# 1. 文件 shows the file's name without its folder; 2. 问题 wraps (at least 20 columns);
# 3. 文件 wraps (at least 12); 4. 位置 wraps (at least 10).  No column is dropped.
FINDING_HEADERS = ["级别", "文件", "位置", "问题"]
FINDING_STEPS = (
    tables.short(1, cell=lambda place: re.split(r"[\\/]", place)[-1]),
    tables.wrap(3, least=20),
    tables.wrap(1, least=12),
    tables.wrap(2, least=10),
)


def findings_table(findings: list[Finding], checked: list[str], what: str) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return f"已检查 {len(checked)} 个{what},未发现问题。\n"
    rows = []
    for f in findings:
        loc = f.location
        place = loc.file or ""
        if loc.line is not None:
            place += f":{loc.line}:{loc.column or 1}"
        inner = ""
        if loc.sheet is not None:
            inner = (
                f"{loc.sheet}!{loc.cell}"
                if loc.cell
                else (f"{loc.sheet} 第 {loc.row} 行" if loc.row else loc.sheet)
            )
        elif loc.key:
            inner = loc.key
        rows.append((_SEVERITY.get(f.severity, f.severity), place, inner, f.message))
    screen = fit.current()
    colours = {"错误": "bold_red", "提示": "yellow"}
    table = tables.fit_table(
        FINDING_HEADERS,
        rows,
        FINDING_STEPS,
        screen.width,
        paint={0: lambda level: fit.paint(level, colours.get(level), screen.color)},
    )
    return f"{table}\n\n已检查 {len(checked)} 个{what}:{errors} 个错误,{warnings} 个提示。\n"


def _score_text(plan: Plan, value: float | None) -> str:
    return plan.round.text(value) if value is not None else "—"


def score_widths(headers: list[str], rows: list[tuple[Any, ...]], width: int | None) -> list[int | None]:
    """The score sheet's wrapping (tabulate ``maxcolwidths``): 指标 at 24 and 计分依据 at 60
    columns for the full table; on a screen, 计分依据 to the width left (at least
    ``fit.BASIS_MIN``), and 指标 to ``fit.NAME_NARROW`` first when even that does not fit."""
    name, basis = 1, len(headers) - 1
    if width is None:
        return [None, 24, *[None] * (basis - 2), 60]
    natural = fit.column_widths(headers, rows)
    name_width, room = 24, 0
    for name_width in (24, fit.NAME_NARROW):
        widths = [min(w, name_width) if i == name else w for i, w in enumerate(natural[:basis])]
        room = width - fit.table_width(widths) - fit.GAP
        if room >= fit.BASIS_MIN:
            break
    return [None, name_width, *[None] * (basis - 2), max(room, fit.BASIS_MIN)]


def score_sheet(plan: Plan, r: UnitResult) -> str:
    from assess.render.scoresheet import composition_lines, composition_sum, value_text

    cats = {c.id: c for c in plan.scheme.categories}
    rows: list[tuple[Any, ...]] = []
    for ind in r.indicators:
        if ind.rule == "sum" or ind.status == OUTSIDE:
            continue
        mark = "✗" if ind.lost > 0 else ("…" if ind.status == "cohort" else "")
        rows.append(
            (
                ind.id,
                ind.name,
                fmt(ind.points),
                value_text(ind),
                _score_text(plan, ind.score),
                f"-{fmt(ind.lost)}" if ind.lost > 0 else "",
                mark,
                ind.basis,
            )
        )
    headers = ["编码", "指标", "分值", "实际值", "得分", "失分", "", "计分依据"]
    screen = fit.current()
    table = tabulate(
        rows,
        headers=headers,
        tablefmt="simple",
        disable_numparse=True,
        maxcolwidths=score_widths(headers, rows, screen.width),
    )
    lines = [f"{r.unit}({r.group_name or '未分组'})  {plan.scheme.title}", "", table, ""]
    for c in r.categories:
        if plan.sets and not c.points:  # a category the unit's group is not assessed on (分类考核)
            continue
        lines.append(f"  {c.id} {cats[c.id].name}:{plan.round.text(c.score)} / {fmt(c.points)}")
    parts = composition_lines(plan, r)
    if parts:
        lines.append(f"  加权合成(满分 {fmt(plan.scheme.full_score)} 分):")
        for p in parts:
            lines.append(
                f"    {p.name}(权重 {p.weight}):{p.score}(满分 {fmt(p.scale)}),"
                f"折算 {plan.round.text(p.weighted)} / {fmt(p.points)};{p.basis}"
            )
        lines.append(f"  基本得分:{composition_sum(plan, r)}")
    if r.bonus_total:
        lines.append(f"  {plan.bonus_word}:+{plan.round.text(r.bonus_total)}")
    if r.penalty_total:
        lines.append(f"  扣分:-{plan.round.text(r.penalty_total)}")
    for v in r.vetoes:
        lines.append(f"  一票否决:{v.basis}")
    grade = fit.paint(r.grade or "—", fit.grade_colour(r.grade, plan.grade_names), screen.color)
    lines.append(f"总分:{plan.round.text(r.total)}    等次:{grade}{'(暂定)' if r.provisional else ''}")
    trend = trend_line(plan, (r.previous or {}).get("history"))
    if trend:  # with --previous: one line of the earlier years
        lines.append(trend)
    for b in r.grade_basis:
        lines.append(f"  {b}")
    if r.incomplete:
        lines.append(
            f"注意:{len(r.incomplete)} 项指标({'、'.join(r.incomplete)})须与其他单位一并评分,"
            "单独评分时未计入总分;请一次评分全部单位或使用汇总表。"
        )
    return "\n".join(lines) + "\n"


def brief_table(brief: Brief, *, overall: bool) -> str:
    """``rank --brief`` on the screen: the same table as the full ranking."""
    return ranking_table(brief.plan, brief.rows(), overall=overall, with_previous=brief.previous is not None)


def marks(r: Any) -> str:
    """The 标记 cell: awards, consequences (约谈、通报…), the vetoes that hit, 暂定."""
    vetoes = [v.name for v in getattr(r, "vetoes", None) or ()]
    parts = [*(r.awards or ()), *r.flags]
    if vetoes:
        parts.append(f"一票否决({'、'.join(vetoes)})")
    if getattr(r, "provisional", ""):
        parts.append("暂定")
    return "、".join(parts)


def ranking_table(plan: Plan, results: Sequence[Any], *, overall: bool, with_previous: bool) -> str:
    """Units by group and place; ``results`` are ``UnitResult`` or ``BriefRow`` objects.

    Every block (group) shows the same columns, fitted once to the screen (``fit``)."""
    from assess.render.ranking import category_scores, own_words, part_headers, part_points
    from assess.scoring.ranking import groups_of, place_text, table_key

    screen = fit.current()
    cats = plan.scheme.categories
    parts = part_headers(plan)
    blocks = {"": results} if overall or not plan.scheme.groups else groups_of(results)
    order = list(plan.group_names) + [""]
    built: list[tuple[str, list[fit.Column], list[list[Any]]]] = []
    for gid in sorted(blocks, key=lambda g: order.index(g) if g in order else len(order)):
        members = sorted(blocks[gid], key=lambda r: table_key(r, overall))
        own = own_words(plan, members, overall)  # 部门 beside 市州 where a notice ranks both
        columns = [
            fit.Column("排名"),
            fit.Column(own.header if own is not None else "单位"),
            *[fit.Column(c.name, "category", c.id) for c in cats],
            *[fit.Column(p, "part") for p in parts],
            fit.Column(plan.bonus_word, "adjust"),
            fit.Column("扣分", "adjust"),
            fit.Column("总分"),
            fit.Column("等次"),
        ]
        if with_previous:
            columns += [
                fit.Column("上年排名", "previous"),
                fit.Column("排名变化"),
                fit.Column("分数变化", "previous"),
            ]
        columns.append(fit.Column("标记", "mark"))
        rows = []
        for r in members:
            scores = category_scores(plan, r)
            row: list[Any] = [
                place_text(r.overall_rank if overall else r.rank),
                r.unit,
                *[plan.round.text(scores[c.id]) for c in cats],
                *[plan.round.text(v) for v in part_points(plan, r)],
                plan.round.text(r.bonus_total),
                plan.round.text(r.penalty_total),
                plan.round.text(r.total),
                r.grade or "—",
            ]
            if with_previous:
                prev = r.previous or {}
                change = prev.get("total_change")
                row += [
                    prev.get("previous_rank") or "—",
                    prev.get("rank_change", "—"),
                    "—" if change is None else f"{change:+.2f}",
                ]
            row.append(marks(r))
            rows.append(row)
        title = "全体单位" if gid == "" else plan.group_names.get(gid, gid)
        built.append((title, columns, rows))
    # The widest block decides, so that every block gives up the same columns.
    widest = max(built, key=lambda b: len(b[1]), default=None)
    if widest is None:
        return ""
    every = [row for _t, cols, rows in built if len(cols) == len(widest[1]) for row in rows]
    fitted = fit.fit_columns(widest[1], every, screen.width)
    grade_at = len(cats) + len(parts) + 5
    out: list[str] = []
    legend = False
    for title, columns, rows in built:
        f = fitted if len(columns) == len(widest[1]) else fit.fit_columns(columns, rows, screen.width)
        legend = legend or f.legend
        heads, ks = list(f.headers), f.keep
        if 1 in ks:  # each block's own unit word (部门 beside 市(州)), whichever block was fitted
            heads[ks.index(1)] = columns[1].header
        wrap_at = {len(columns) - 1: f.mark_width} if f.mark_width else {}
        shown = fit.fitted_rows(rows, ks, wrap_at)
        if screen.color and grade_at in ks:
            g = ks.index(grade_at)
            for row in shown:
                row[g] = fit.paint(row[g], fit.grade_colour(row[g], plan.grade_names), True)
        out.append(f"【{title}】")
        out.append(tabulate(shown, headers=heads, tablefmt="simple", disable_numparse=True))
        out.append("")
    if legend:  # category columns headed by their ids
        names = ";".join(f"{c.id} {c.name}" for c in cats)
        out += [fit.wrap(f"一级指标:{names}", screen.width or 10**6), ""]
    return "\n".join(out)
