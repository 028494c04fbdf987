"""The robustness analysis as a report: per-unit rank ranges, leave-one-out shifts, table, JSON and HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from assess.scheme.plan import Plan
from assess.scoring.numbers import fmt

WORDS = {"weights": "一级指标权重", "targets": "目标值(基准值)", "bands": "分档界限"}
ROBUST_SHARE = 0.9  # a place or grade held in at least this share of runs is robust


@dataclass
class UnitRobustness:
    unit: str
    group: str | None
    nominal_rank: int | None
    nominal_grade: str | None
    median_rank: float
    p5: int
    p95: int
    same_rank: float  # share of runs with the nominal rank
    grades: dict[str, float]  # grade → share of runs
    robust: bool
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "group": self.group,
            "rank": self.nominal_rank,
            "grade": self.nominal_grade,
            "median_rank": self.median_rank,
            "rank_p5": self.p5,
            "rank_p95": self.p95,
            "same_rank_share": self.same_rank,
            "grade_shares": self.grades,
            "robust": self.robust,
            "reasons": self.reasons,
        }


@dataclass
class LeaveOut:
    id: str
    name: str
    mean_shift: float  # mean |rank change| over units
    max_shift: int
    changed: int  # units whose rank changes
    grade_changed: int
    moves: list[dict[str, Any]]  # the largest moves

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "mean_shift": self.mean_shift,
            "max_shift": self.max_shift,
            "changed": self.changed,
            "grade_changed": self.grade_changed,
            "moves": self.moves,
        }


@dataclass
class SensitivityReport:
    runs: int
    seed: int
    vary: dict[str, float]
    units: list[UnitRobustness]
    leave_out: list[LeaveOut]
    parameters: list[dict[str, Any]]  # one entry per run: the factors drawn
    grade_names: list[str]
    groups: dict[str, str]
    decimals: int = 2

    @property
    def fragile(self) -> list[UnitRobustness]:
        return [u for u in self.units if not u.robust]

    def method_text(self) -> str:
        ranges = "、".join(f"{WORDS[k]} ±{fmt(v * 100)}%" for k, v in self.vary.items()) or "不变动任何参数"
        return (
            f"按 {ranges} 的范围随机抽取参数(均匀分布,随机数种子 {self.seed}),重复评分 {self.runs} 次,"
            f"统计每个单位组内名次的中位数、5%—95% 区间和各等次出现的比例;"
            f"名次或等次在至少 {fmt(ROBUST_SHARE * 100)}% 的运行中与正式结果相同的,视为稳健。"
        )

    def summary_text(self) -> str:
        n = len(self.fragile)
        if not n:
            return f"全部 {len(self.units)} 个单位的名次和等次均稳健。"
        names = "、".join(u.unit for u in self.fragile[:20]) + ("等" if n > 20 else "")
        return f"{len(self.units)} 个单位中有 {n} 个名次或等次不稳健:{names}。"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "assess.sensitivity/1",
            "runs": self.runs,
            "seed": self.seed,
            "vary": dict(self.vary),
            "method": self.method_text(),
            "summary": self.summary_text(),
            "units": [u.to_dict() for u in self.units],
            "leave_one_out": [x.to_dict() for x in self.leave_out],
            "parameters": self.parameters,
        }

    def rows(self) -> list[list[str]]:
        out = []
        for u in self.units:
            shares = "、".join(f"{g} {_share(v)}" for g, v in u.grades.items() if v > 0)
            out.append(
                [
                    self.groups.get(u.group or "", "") or "—",
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

    HEADERS: ClassVar[list[str]] = [
        "分组",
        "单位",
        "名次",
        "名次中位数",
        "5%—95% 区间",
        "名次不变",
        "等次",
        "各等次比例",
        "结论",
    ]
    LEAVE_HEADERS: ClassVar[list[str]] = [
        "编码",
        "指标",
        "平均名次变化",
        "最大名次变化",
        "名次变化的单位数",
        "等次变化的单位数",
    ]

    def leave_rows(self) -> list[list[str]]:
        return [
            [x.id, x.name, f"{x.mean_shift:.2f}", str(x.max_shift), str(x.changed), str(x.grade_changed)]
            for x in self.leave_out
        ]

    def table(self) -> str:
        from tabulate import tabulate

        lines = ["【排名稳健性分析】", self.method_text(), self.summary_text(), ""]
        lines.append(tabulate(self.rows(), headers=self.HEADERS, tablefmt="simple", disable_numparse=True))
        lines += ["", "【逐一去掉一项指标后的名次变化】(按平均名次变化从大到小;去掉的指标按缺项折算)"]
        lines.append(
            tabulate(
                self.leave_rows()[:15], headers=self.LEAVE_HEADERS, tablefmt="simple", disable_numparse=True
            )
        )
        if len(self.leave_out) > 15:
            lines.append(f"……共 {len(self.leave_out)} 项指标,完整列表见 JSON 或 HTML 输出。")
        return "\n".join(lines) + "\n"

    def parameters_table(self) -> str:
        from tabulate import tabulate

        keys: list[str] = []
        for p in self.parameters[:1]:
            for kind in ("weights", "targets", "bands"):
                keys += [f"{kind}:{k}" for k in p.get(kind, {})]
        rows = [
            [p["run"]] + [f"{p[k.split(':')[0]][k.split(':', 1)[1]]:.4f}" for k in keys]
            for p in self.parameters
        ]
        return tabulate(rows, headers=["运行", *keys], tablefmt="simple", disable_numparse=True) + "\n"


def _share(v: float) -> str:
    return "<1%" if 0 < v < 0.005 else f"{v * 100:.0f}%"


def render_sensitivity(
    plan: Plan,
    report: SensitivityReport,
    fmt_name: str = "html",
    *,
    title: str | None = None,
    issuer: str | None = None,
    date: str | None = None,
) -> str | bytes:
    """The analysis as a Word-ready HTML note (``fmt_name`` ``doc`` for the MHT package)."""
    from assess import __version__
    from assess.render.env import render_document

    title = title or f"{plan.scheme.year} 年度考核排名稳健性分析"
    chart = [
        {"label": x.name if len(x.name) <= 16 else x.name[:15] + "…", "value": round(x.mean_shift, 2)}
        for x in report.leave_out[:15]
    ]
    context = {
        "method": report.method_text(),
        "summary": report.summary_text(),
        "headers": SensitivityReport.HEADERS,
        "rows": report.rows(),
        "leave_headers": SensitivityReport.LEAVE_HEADERS,
        "leave_rows": report.leave_rows(),
        "chart": chart,
        "fragile": [f"{u.unit}:{';'.join(u.reasons)}。" for u in report.fragile],
        "provenance": (
            f"由 assess {__version__} 生成;方案 {plan.scheme.id}(SHA-256 {plan.sha256[:16]}…);"
            f"随机数种子 {report.seed},每次运行的参数见 JSON 输出的 parameters。"
        ),
    }
    html = render_document(
        "sensitivity.html.j2", context, title=title, issuer=issuer, date=date, landscape=True
    )
    if fmt_name == "doc":
        from assess.render.mht import to_mht

        return to_mht(html, title=title)
    return html
