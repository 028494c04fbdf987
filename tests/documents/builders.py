"""The example documents as the tests and scripts/refresh_goldens.py see them.

Rendered in-process from examples/counties with a fixed date; normalised so a
version bump or an edit of the scheme file's bytes does not change a golden.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATE = "2025-01-20"
SHEET_UNITS = ("浏阳市", "保靖县", "古丈县")


def normalise(html: str) -> str:
    html = re.sub(r"assess \d+\.\d+\.\d+\S*", "assess", html)
    return re.sub(r"\b[0-9a-f]{16,64}\b", "<sha256>", html)


@lru_cache(maxsize=1)
def cohort() -> tuple[Any, list[Any], dict[str, Any]]:
    from assess.commands.common import document, load_plan, locate, read_inputs
    from assess.commands.rank import RANK_FORMAT, default_title
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import indicator_statistics, rank_cohort

    plan = load_plan("county-2024")
    counties = [EXAMPLES / "counties"]  # its other sources are found beside it, as the commands find them
    data = read_inputs(plan, counties, jobs=1, located=locate(plan, counties))
    results = score_units(plan, data.units)
    rank_cohort(plan, results)
    ordered = sorted(results, key=lambda r: (r.group or "", r.rank or 0, r.unit))
    extra = {
        "title": default_title(plan),
        "issuer": plan.scheme.issuer,
        "overall": False,
        "previous": None,
        "groups": [{"id": g.id, "name": g.name} for g in plan.scheme.groups],
        "statistics": indicator_statistics(plan, results),
        "refused": [],
    }
    doc = document(plan, ordered, data.files, report_date=DATE, kind=RANK_FORMAT, extra=extra)
    return plan, ordered, doc


def ranking_html() -> str:
    from assess.render.ranking import render_ranking

    plan, ordered, doc = cohort()
    out = render_ranking(plan, ordered, doc, "html")
    assert isinstance(out, str)
    return out


def scoresheet_html(unit: str) -> str:
    from assess.render.scoresheet import render_score_sheet

    plan, ordered, _doc = cohort()
    result = next(r for r in ordered if r.unit == unit)
    out = render_score_sheet(plan, result, "html", report_date=DATE, cohort=ordered)
    assert isinstance(out, str)
    return out


COMPOSITION = Path(__file__).resolve().parent / "composition.yaml"
# Each unit's 日常考核得分 (the field part) and its two indicators' scores (the categories part).
COMPOSITION_DATA: dict[str, tuple[float, float, float]] = {
    "浏阳市": (90, 50, 30),
    "宁乡市": (80, 55, 35),
    "韶山市": (95, 40, 30),
    "湘潭县": (85.5, 52.5, 33.3),
}
COMPOSITION_KEYS = ("日常考核得分", "1.1", "2.1")


@lru_cache(maxsize=1)
def composition_cohort() -> tuple[Any, list[Any], dict[str, Any]]:
    """The composition scheme (日常考核 30% + 年终考核 70%) scored on values given in memory
    (no workbook: the golden shows the part columns, not the reading of files)."""
    from assess.commands.common import document
    from assess.commands.rank import RANK_FORMAT, default_title
    from assess.scheme.load import load_scheme
    from assess.scheme.plan import compile_plan
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import indicator_statistics, rank_cohort
    from assess.workbook.data import UnitData, Value

    plan = compile_plan(load_scheme(COMPOSITION))
    units = [
        UnitData(
            name,
            None,
            2024,
            {
                key: Value(float(v), where=f"汇总!{col}{row}", file="汇总表.xlsx")
                for key, v, col in zip(COMPOSITION_KEYS, values, "BCD", strict=True)
            },
            file="汇总表.xlsx",
        )
        for row, (name, values) in enumerate(COMPOSITION_DATA.items(), start=2)
    ]
    results = score_units(plan, units)
    rank_cohort(plan, results)
    ordered = sorted(results, key=lambda r: (r.rank or 0, r.unit))
    extra = {
        "title": default_title(plan),
        "issuer": None,
        "overall": False,
        "previous": None,
        "groups": [],
        "statistics": indicator_statistics(plan, results),
        "refused": [],
    }
    doc = document(plan, ordered, [], report_date=DATE, kind=RANK_FORMAT, extra=extra)
    return plan, ordered, doc


def composition_documents() -> dict[str, str]:
    """The ranking with one column per part, and a score sheet with its 加权合成 rows."""
    from assess.render.ranking import render_ranking
    from assess.render.scoresheet import render_score_sheet

    plan, ordered, doc = composition_cohort()
    ranking = render_ranking(plan, ordered, doc, "html")
    unit = next(r for r in ordered if r.unit == "湘潭县")
    sheet = render_score_sheet(plan, unit, "html", report_date=DATE, cohort=ordered)
    assert isinstance(ranking, str) and isinstance(sheet, str)
    return {"ranking-composition.html": ranking, "scoresheet-composition-湘潭县.html": sheet}


# The bundled schemes of other levels: (scheme, the units' folder, units whose score sheets are kept)
LEVEL_ROUNDS = {
    "township": ("township-2024", EXAMPLES / "township" / "乡镇填报", ("杨林乡", "青山街道")),
    "department": (
        "department-2024",
        EXAMPLES / "departments" / "部门填报",
        ("市住房和城乡建设局", "市文化旅游广电体育局"),
    ),
}


@lru_cache(maxsize=2)
def level_cohort(level: str) -> tuple[Any, list[Any], dict[str, Any]]:
    """A bundled round of another level read and ranked as ``assess rank`` does."""
    from assess.commands.common import document, load_plan, locate, read_inputs
    from assess.commands.rank import RANK_FORMAT, default_title
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import indicator_statistics, rank_cohort

    scheme, folder, _units = LEVEL_ROUNDS[level]
    plan = load_plan(scheme)
    data = read_inputs(plan, [folder], jobs=1, located=locate(plan, [folder]))
    results = score_units(plan, data.units)
    rank_cohort(plan, results)
    order = list(plan.group_names)
    ordered = sorted(
        results, key=lambda r: (order.index(r.group) if r.group in order else 99, r.rank or 0, r.unit)
    )
    extra = {
        "title": default_title(plan),
        "issuer": plan.scheme.issuer,
        "overall": False,
        "previous": None,
        "groups": [{"id": g.id, "name": g.name} for g in plan.scheme.groups],
        "statistics": indicator_statistics(plan, results),
        "refused": [],
    }
    doc = document(plan, ordered, data.files, report_date=DATE, kind=RANK_FORMAT, extra=extra)
    return plan, ordered, doc


def level_documents() -> dict[str, str]:
    """The ranking notice and two score sheets (one per group) of each bundled level."""
    from assess.render.ranking import render_ranking
    from assess.render.scoresheet import render_score_sheet

    docs: dict[str, str] = {}
    for level, (_scheme, _folder, units) in LEVEL_ROUNDS.items():
        plan, ordered, doc = level_cohort(level)
        ranking = render_ranking(plan, ordered, doc, "html")
        assert isinstance(ranking, str)
        docs[f"ranking-{level}.html"] = ranking
        for unit in units:
            result = next(r for r in ordered if r.unit == unit)
            sheet = render_score_sheet(plan, result, "html", report_date=DATE, cohort=ordered)
            assert isinstance(sheet, str)
            docs[f"scoresheet-{level}-{unit}.html"] = sheet
    return docs


def documents() -> dict[str, str]:
    """Every document kind assess renders, normalised, by golden file name."""
    docs = {"ranking.html": normalise(ranking_html())}
    for name, html in level_documents().items():
        docs[name] = normalise(html)
    for unit in SHEET_UNITS:
        docs[f"scoresheet-{unit}.html"] = normalise(scoresheet_html(unit))
    for name, html in composition_documents().items():
        docs[name] = normalise(html)
    for name, html in cli_documents().items():
        docs[name] = normalise(html)
    return docs


@lru_cache(maxsize=1)
def cli_documents() -> dict[str, str]:
    """Checklist, progress report, explain, diff and sensitivity documents, made by the commands."""
    import tempfile

    from click.testing import CliRunner

    from assess.cli import main

    counties = str(EXAMPLES / "counties")
    runs = {
        "explain": [
            "explain",
            "-s",
            "county-2024",
            counties,
            "--unit",
            "花垣县",
            "--format",
            "html",
            "-o",
            "{out}/explain.html",
            "--date",
            DATE,
        ],
        "diff": [
            "diff",
            "county-2023",
            "county-2024",
            "--data",
            counties,
            "--format",
            "html",
            "-o",
            "{out}/diff.html",
            "--date",
            DATE,
        ],
        "sensitivity": [
            "rank",
            "-s",
            "county-2024",
            counties,
            "--sensitivity",
            "40",
            "--seed",
            "3",
            "--format",
            "html",
            "-o",
            "{out}/rank.html",
            "--date",
            DATE,
            "-q",
        ],
        "rectify": [
            "rectify",
            "-s",
            "county-2024",
            counties,
            "--findings",
            str(EXAMPLES / "督查发现问题清单.xlsx"),
            "--as-of",
            "2025-03-31",
            "-o",
            "{out}/zg",
        ],
    }
    docs: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in runs.items():
            result = CliRunner().invoke(main, [a.format(out=tmp) for a in args])
            # 1: the examples hold two blank cells, which score and rank list as findings
            assert result.exit_code in (0, 1), (name, result.output)
        out = Path(tmp)
        docs["explain.html"] = (out / "explain.html").read_text(encoding="utf-8")
        docs["diff.html"] = (out / "diff.html").read_text(encoding="utf-8")
        docs["sensitivity.html"] = (out / "rank_稳健性分析.html").read_text(encoding="utf-8")
        docs["checklist-保靖县.html"] = (out / "zg" / "整改清单_保靖县.html").read_text(encoding="utf-8")
        docs["progress.html"] = (out / "zg" / "整改进展情况.html").read_text(encoding="utf-8")
    return docs


# A checklist whose long columns (问题, 责任单位, 整改措施) all compete for the width of the page, as
# in a county's ledger filled in over a few months: 整改时限 and 状态 must still print whole.
CHECKLIST_DEADLINES = ("2025年12月31日", "2025年4月30日", "立行立改", "长期坚持")


def checklist_html() -> str:
    import datetime as dt

    from assess.rectify.model import (
        C_DEADLINE,
        C_DEPARTMENT,
        C_DESCRIPTION,
        C_MEASURE,
        C_OWNER,
        C_STATUS,
        Row,
    )
    from assess.rectify.progress import Tally
    from assess.render.rectify_docs import checklist_document

    deadlines: list[Any] = [dt.date(2025, 12, 31), dt.date(2025, 4, 30), "立行立改", "长期坚持"]
    statuses = ["整改中", "已完成（待认定）", "未开始", "已销号"]
    rows = [
        Row(
            f"ZG-{n:08d}",
            "浏阳市",
            {
                C_DESCRIPTION: f"第{n}项：衔接资金支持的产业项目同质化，部分项目经营效益不佳，联农带农机制不健全，"
                "与脱贫户利益联结松散",
                C_DEPARTMENT: "县人力资源和社会保障局、县农业农村局",
                C_OWNER: "张海燕",
                C_MEASURE: "逐个项目开展效益评估，建立健全联农带农机制，对经营不善的项目限期整改，"
                "整改不到位的收回资金",
                C_DEADLINE: deadlines[n % 4],
                C_STATUS: statuses[n % 4],
            },
        )
        for n in range(1, 13)
    ]
    tally = Tally("浏阳市", total=len(rows), done=6, in_progress=3, not_started=3)
    doc = checklist_document(
        "浏阳市",
        rows,
        tally,
        dt.date(2025, 5, 31),
        title="浏阳市问题整改清单",
        issuer="省委农村工作领导小组办公室",
    )
    out = doc.content("html")
    assert isinstance(out, str)
    return out
