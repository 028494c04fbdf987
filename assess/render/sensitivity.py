"""The robustness analysis (``rank --sensitivity``) as screen tables and as a document.

The data is :class:`assess.analysis.sensitivity_report.SensitivityReport`; this module only
shapes it for the screen and for ``templates/sensitivity.html.j2``.

On a screen narrower than the tables (:mod:`assess.render.tables`), step by step:

各单位名次区间表:

1. 去掉“名次中位数”列;
2. 去掉“名次不变”列;
3. “结论”“各等次比例”折行到剩余宽度(至少 16 列、12 列);
4. 去掉“分组”列;
5. 去掉“各等次比例”列;
6. “单位”名称折行(至少 12 列)。

单位、名次、5%—95% 区间、等次、结论始终保留。

逐一去掉一项指标的表:

1. 列名缩写为“平均变化”“最大变化”“名次变化数”“等次变化数”;
2. “指标”名称折行到剩余宽度(至少 16 列);
3. 去掉“等次变化数”列;
4. 去掉“最大变化”列;
5. 去掉“名次变化数”列。

编码、指标、平均名次变化始终保留。
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.render import fit
from assess.render.document import Document
from assess.render.tables import drop, fit_table, short, wrap
from assess.scoring.numbers import fmt

if TYPE_CHECKING:
    from assess.analysis.sensitivity_report import SensitivityReport
    from assess.scheme.plan import Plan

HEADERS = ["分组", "单位", "名次", "名次中位数", "5%—95% 区间", "名次不变", "等次", "各等次比例", "结论"]
LEAVE_HEADERS = ["编码", "指标", "平均名次变化", "最大名次变化", "名次变化的单位数", "等次变化的单位数"]
LEAVE_SHORT = ["编码", "指标", "平均变化", "最大变化", "名次变化数", "等次变化数"]
SCREEN_LEAVE_ROWS = 15  # the screen lists the indicators that move the places most

UNIT_STEPS = (drop(3), drop(5), wrap(8, least=16), wrap(7, least=12), drop(0), drop(7), wrap(1, least=12))
LEAVE_STEPS = (
    *(short(i, header=LEAVE_SHORT[i]) for i in range(2, 6)),
    wrap(1, least=16),
    drop(5),
    drop(3),
    drop(4),
)


def share_text(v: float) -> str:
    return "<1%" if 0 < v < 0.005 else f"{v * 100:.0f}%"


def unit_rows(report: SensitivityReport) -> list[list[str]]:
    out = []
    for u in report.units:
        shares = "、".join(f"{g} {share_text(v)}" for g, v in u.grades.items() if v > 0)
        out.append(
            [
                report.groups.get(u.group or "", "") or "—",
                u.unit,
                str(u.nominal_rank or "—"),
                fmt(u.median_rank, 1),
                f"{u.p5}—{u.p95}",
                f"{u.same_rank * 100:.0f}%",
                u.nominal_grade or "—",
                shares,
                "稳健" if u.robust else "不稳健:" + ";".join(u.reasons),
            ]
        )
    return out


def leave_rows(report: SensitivityReport) -> list[list[str]]:
    return [
        [x.id, x.name, f"{x.mean_shift:.2f}", str(x.max_shift), str(x.changed), str(x.grade_changed)]
        for x in report.leave_out
    ]


def sensitivity_table(report: SensitivityReport) -> str:
    """The analysis on the screen: method, summary and both tables, fitted to the screen in
    force (``fit.current()``; the full tables outside a command)."""
    width = fit.current().width
    lines = ["【排名稳健性分析】", report.method_text(), report.summary_text(), ""]
    lines.append(fit_table(HEADERS, unit_rows(report), UNIT_STEPS, width))
    lines += ["", "【逐一去掉一项指标后的名次变化】(按平均名次变化从大到小;去掉的指标按缺项折算)"]
    lines.append(fit_table(LEAVE_HEADERS, leave_rows(report)[:SCREEN_LEAVE_ROWS], LEAVE_STEPS, width))
    if len(report.leave_out) > SCREEN_LEAVE_ROWS:
        lines.append(f"……共 {len(report.leave_out)} 项指标,完整列表见 JSON 或 HTML 输出。")
    return "\n".join(lines) + "\n"


def parameters_table(report: SensitivityReport) -> str:
    """Every run's factors, one column per parameter (a table for a file, not fitted)."""
    from tabulate import tabulate

    keys: list[str] = []
    for p in report.parameters[:1]:
        for kind in ("weights", "targets", "bands"):
            keys += [f"{kind}:{k}" for k in p.get(kind, {})]
    rows = [
        [p["run"]] + [f"{p[k.split(':')[0]][k.split(':', 1)[1]]:.4f}" for k in keys]
        for p in report.parameters
    ]
    return tabulate(rows, headers=["运行", *keys], tablefmt="simple", disable_numparse=True) + "\n"


def sensitivity_document(
    plan: Plan,
    report: SensitivityReport,
    *,
    title: str | None = None,
    issuer: str | None = None,
    date: str | None = None,
) -> Document:
    """The analysis as a document (``templates/sensitivity.html.j2``)."""
    from assess import __version__

    chart = [
        {"label": x.name if len(x.name) <= 16 else x.name[:15] + "…", "value": round(x.mean_shift, 2)}
        for x in report.leave_out[:15]
    ]
    context = {
        "method": report.method_text(),
        "summary": report.summary_text(),
        "headers": HEADERS,
        "rows": unit_rows(report),
        "leave_headers": LEAVE_HEADERS,
        "leave_rows": leave_rows(report),
        "chart": chart,
        "fragile": [f"{u.unit}:{';'.join(u.reasons)}。" for u in report.fragile],
        "provenance": (
            f"由 assess {__version__} 生成;方案 {plan.scheme.id}(SHA-256 {plan.sha256[:16]}…);"
            f"随机数种子 {report.seed},每次运行的参数见 JSON 输出的 parameters。"
        ),
    }
    return Document(
        "sensitivity.html.j2",
        context,
        title=title or f"{plan.scheme.year} 年度考核排名稳健性分析",
        issuer=issuer,
        date=date,
        landscape=True,
    )


def render_sensitivity(
    plan: Plan,
    report: SensitivityReport,
    fmt_name: str = "html",
    *,
    title: str | None = None,
    issuer: str | None = None,
    date: str | None = None,
) -> str | bytes:
    """The document's content as ``fmt_name`` (``html``; ``doc`` for the MHT package)."""
    return sensitivity_document(plan, report, title=title, issuer=issuer, date=date).content(fmt_name)


__all__ = [
    "HEADERS",
    "LEAVE_HEADERS",
    "leave_rows",
    "parameters_table",
    "render_sensitivity",
    "sensitivity_document",
    "sensitivity_table",
    "unit_rows",
]
