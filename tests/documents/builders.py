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
    """Every document kind of score and rank, normalised, by golden file name."""
    docs = {"ranking.html": normalise(ranking_html())}
    for unit in SHEET_UNITS:
        docs[f"scoresheet-{unit}.html"] = normalise(scoresheet_html(unit))
    return docs
