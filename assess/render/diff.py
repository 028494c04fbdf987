"""``assess diff`` as screen tables and as a document (评分细则对照说明).

The data is :class:`assess.analysis.diff_report.SchemeDiff`; this module only shapes it for
the screen and for ``templates/diff.html.j2``.

On a screen narrower than the tables (:mod:`assess.render.tables`), step by step:

变化表:

1. “原方案”“新方案”“说明”折行到剩余宽度(各至少 16 列);
2. “指标”名称折行(至少 12 列);
3. 去掉“说明”列;
4. “原方案”“新方案”折行到至少 10 列。

变化、编码、指标、原方案、新方案始终保留。

各单位对照表(``--data``):

1. 去掉“分组”列;
2. 去掉“原总分”“新总分”列(“总分变化”保留);
3. 去掉“原名次”“原等次”列(“名次变化”保留);
4. “单位”名称折行(至少 12 列)。

单位、新名次、新等次、总分变化、名次变化始终保留。
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assess.render import fit
from assess.render.document import Document
from assess.render.tables import drop, fit_table, wrap

if TYPE_CHECKING:
    from assess.analysis.diff_report import Change, SchemeDiff

HEADERS = ["变化", "编码", "指标", "原方案", "新方案", "说明"]
UNIT_HEADERS = [
    "单位",
    "分组",
    "原总分",
    "原名次",
    "原等次",
    "新总分",
    "新名次",
    "新等次",
    "总分变化",
    "名次变化",
]
CHANGE_STEPS = (wrap(3, 4, 5, least=16), wrap(2, least=12), drop(5), wrap(3, 4, least=10))
UNIT_STEPS = (drop(1), drop(2, 5), drop(3, 4), wrap(0, least=12))


def change_row(c: Change) -> list[str]:
    return [c.kind, c.id, c.name, c.old or "—", c.new or "—", c.note]


def unit_rows(result: SchemeDiff) -> list[list[str]]:
    return [
        [
            u["unit"],
            u.get("group") or "—",
            _n(u.get("old_total")),
            _n(u.get("old_rank")),
            u.get("old_grade") or "—",
            _n(u.get("new_total")),
            _n(u.get("new_rank")),
            u.get("new_grade") or "—",
            _signed(u.get("total_change")),
            _rank_change(u.get("old_rank"), u.get("new_rank")),
        ]
        for u in result.units
    ]


def diff_table(result: SchemeDiff) -> str:
    """The differences on the screen, fitted to the screen in force (``fit.current()``)."""
    width = fit.current().width
    lines = [result.summary(), ""]
    lines.append(fit_table(HEADERS, [change_row(c) for c in result.changes], CHANGE_STEPS, width))
    if result.units:
        lines += ["", f"【同一批数据按两个方案评分】(原:{result.old.id},新:{result.new.id})"]
        lines.append(fit_table(UNIT_HEADERS, unit_rows(result), UNIT_STEPS, width))
    for note in result.notes:
        lines.append(f"注:{note}")
    return "\n".join(lines) + "\n"


def diff_document(result: SchemeDiff, *, report_date: str | None, issuer: str | None) -> Document:
    """The 评分细则对照说明 (``templates/diff.html.j2``)."""
    from assess import __version__

    old, new = result.old, result.new
    title = (
        f"{new.year} 年度与 {old.year} 年度考核评分细则对照说明"
        if old.year != new.year
        else "考核评分细则修订对照说明"
    )
    context = {
        "summary": result.summary(),
        "counts": [[k, str(v)] for k, v in result.counts().items()],
        "headers": HEADERS,
        "rows": [change_row(c) for c in result.changes],
        "unit_headers": UNIT_HEADERS,
        "unit_rows": unit_rows(result),
        "notes": result.notes,
        "old_title": old.title,
        "new_title": new.title,
        "provenance": f"由 assess {__version__} 生成;原方案 {old.id},新方案 {new.id}。",
    }
    return Document(
        "diff.html.j2", context, title=title, issuer=issuer or new.issuer, date=report_date, landscape=True
    )


def _n(x: Any) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}" if isinstance(x, float) else str(x)


def _signed(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:+.2f}"


def _rank_change(old: int | None, new: int | None) -> str:
    if old is None or new is None:
        return "—"
    d = old - new
    return f"↑{d}" if d > 0 else f"↓{-d}" if d < 0 else "持平"


__all__ = ["HEADERS", "UNIT_HEADERS", "change_row", "diff_document", "diff_table", "unit_rows"]
