"""The rectification documents: one 整改清单 per unit, and the 整改进展情况 report.

The data is the ledger's rows and :class:`assess.rectify.progress.Progress`; this module
shapes them for ``templates/checklist.html.j2`` (landscape: seven columns of long text) and
``templates/progress.html.j2`` (portrait), and :func:`assess.render.document.write_document`
writes them in any document format.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from assess.rectify.model import (
    C_DEPARTMENT,
    C_DESCRIPTION,
    C_MEASURE,
    C_OWNER,
    Row,
)
from assess.rectify.progress import Progress, Tally, is_overdue
from assess.render.document import Document


def deadline_label(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _date_label(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def checklist_context(
    unit: str,
    rows: list[Row],
    tally: Tally,
    as_of: dt.date,
    *,
    omitted: str = "",
    counted: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``omitted``: the sentence on the unit's lost points the screen did not list (or "");
    ``counted``: what each row (by 编号) counts as in the figures, when not what its cell says."""
    cells = []
    for i, r in enumerate(rows, start=1):
        as_counted = (counted or {}).get(r.id, r.status)
        status = r.status + (f"(按{as_counted}统计)" if as_counted != r.status else "")
        status += "(逾期)" if is_overdue(r, as_of, as_counted) else ""
        cells.append(
            [
                i,
                {"text": str(r.get(C_DESCRIPTION) or ""), "align": "left"},
                str(r.get(C_DEPARTMENT) or ""),
                str(r.get(C_OWNER) or ""),
                {"text": str(r.get(C_MEASURE) or ""), "align": "left"},
                deadline_label(r.deadline),
                status,
            ]
        )
    return {
        "unit": unit,
        "intro": f"截至{_date_label(as_of)},{unit}{tally.sentence()}。",
        "rows": cells,
        "omitted": omitted,
        "note": "整改时限为“立行立改”的须立即整改,“长期坚持”的须建立长效机制;"
        "完成整改后应逐项收集佐证材料,经核查验收后销号。",
    }


def progress_context(progress: Progress) -> dict[str, Any]:
    def rows(tallies: list[Tally]) -> list[Any]:
        out: list[Any] = [
            [
                t.name,
                t.total,
                t.done,
                t.in_progress,
                t.not_started,
                t.overdue,
                _pct(t.rate),
            ]
            for t in tallies
        ]
        o = progress.overall
        out.append(
            {
                "cells": [
                    "合计",
                    o.total,
                    o.done,
                    o.in_progress,
                    o.not_started,
                    o.overdue,
                    _pct(o.rate),
                ],
                "bold": True,
            }
        )
        return out

    overdue_units = [t for t in progress.units if t.overdue]
    if overdue_units:
        named = "、".join(f"{t.name}({t.overdue} 条)" for t in overdue_units)
        overdue_text = (
            f"截至{_date_label(progress.as_of)},有逾期未完成整改问题的单位有:{named},"
            f"共 {progress.overall.overdue} 条,请相关单位加快整改进度。"
        )
    else:
        overdue_text = f"截至{_date_label(progress.as_of)},没有逾期未完成的整改问题。"
    return {
        **_lifecycle_context(progress),
        "overview": f"截至{_date_label(progress.as_of)},{progress.overall.sentence()}。",
        "unit_rows": rows(progress.units),
        "dept_rows": rows(progress.departments),
        "chart": [(t.name, t.rate) for t in progress.units if t.rate is not None],
        "overdue_text": overdue_text,
        "overdue_rows": [
            [
                item["unit"],
                item["id"],
                {"text": item["description"], "align": "left"},
                deadline_label(dt.date.fromisoformat(item["deadline"])) if item["deadline"] else "",
                item["status"],
            ]
            for item in progress.overdue
        ],
        "note": "完成率 = (已完成(待认定)+ 已销号 + 长期坚持)÷ 问题总数;问题总数不含经认领不涉及的问题;"
        "已完成未填完成日期或佐证材料、已销号未填认定单位或认定日期的,按整改中统计;"
        "逾期指整改时限早于统计截止日期且尚未完成。"
        "同一问题由多个责任单位负责的,在各责任单位中分别统计。",
    }


def _figures(name: list[Any], t: Tally) -> list[Any]:
    return [*name, t.total, t.done, t.in_progress, t.not_started, t.overdue, _pct(t.rate)]


def _lifecycle_context(progress: Progress) -> dict[str, Any]:
    """Sources, categories, measures, 不涉及 and 本期新完成 (docs/rectify.md, 整改进展情况)."""
    sources = ";".join(t.short() for t in progress.sources)
    if progress.since:
        changes = (
            f"{_date_label(dt.date.fromisoformat(progress.since))}以来,"
            f"本期新完成 {len(progress.newly_done)} 条。"
        )
    else:
        changes = f"本期新完成 {len(progress.newly_done)} 条。"
    m = progress.measures
    measures = f"{m.short()}" + (f",逾期未完成 {m.overdue} 条" if m.overdue else "") + "。" if m.total else ""
    return {
        "source_text": f"按问题来源:{sources}。" if sources else "",
        "changes_text": changes,
        "measures_text": measures,
        "source_rows": [_figures([t.name], t) for t in progress.sources],
        # per unit, the measures of the 整改措施 sheet (a problem's several steps, each with its deadline)
        "unit_measure_rows": [_figures([t.name], t) for t in progress.unit_measures if t.total],
        "unit_source_rows": [_figures([u, t.name], t) for u, t in progress.unit_sources],
        "unit_category_rows": [_figures([u, t.name], t) for u, t in progress.unit_categories],
        "overdue_units_text": [
            f"{g['unit']}逾期未完成 {g['count']} 条:" + "、".join(i["id"] for i in g["items"]) + "。"
            for g in progress.overdue_by_unit()
        ],
        "na_text": (
            f"经各单位认领,以下 {len(progress.not_applicable)} 条问题不涉及本单位,未计入问题总数。"
            if progress.not_applicable
            else ""
        ),
        "na_rows": [
            [
                i["unit"],
                i["id"],
                {"text": i["description"], "align": "left"},
                {"text": i["reason"] or "", "align": "left"},
            ]
            for i in progress.not_applicable
        ],
    }


def checklist_document(
    unit: str,
    rows: list[Row],
    tally: Tally,
    as_of: dt.date,
    *,
    title: str,
    issuer: str | None,
    omitted: str = "",
    counted: dict[str, str] | None = None,
) -> Document:
    """One unit's 整改清单 (see :func:`checklist_context` for ``omitted`` and ``counted``)."""
    context = checklist_context(unit, rows, tally, as_of, omitted=omitted, counted=counted)
    return Document("checklist.html.j2", context, title=title, issuer=issuer, date=as_of, landscape=True)


def progress_document(progress: Progress, as_of: dt.date, *, title: str, issuer: str | None) -> Document:
    """The 整改进展情况 report, dated ``as_of``."""
    return Document("progress.html.j2", progress_context(progress), title=title, issuer=issuer, date=as_of)


__all__ = [
    "checklist_context",
    "checklist_document",
    "deadline_label",
    "progress_context",
    "progress_document",
]
