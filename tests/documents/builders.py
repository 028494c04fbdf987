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
    from assess.commands.common import document, load_plan, read_inputs
    from assess.commands.rank import RANK_FORMAT, default_title
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import indicator_statistics, rank_cohort

    plan = load_plan("county-2024")
    data = read_inputs(plan, [EXAMPLES / "counties"], jobs=1)
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


def documents() -> dict[str, str]:
    """Every document kind assess renders, normalised, by golden file name."""
    docs = {"ranking.html": normalise(ranking_html())}
    for unit in SHEET_UNITS:
        docs[f"scoresheet-{unit}.html"] = normalise(scoresheet_html(unit))
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
