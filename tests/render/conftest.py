"""Fixtures for the rendering tests: a sample document through base.html.j2."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
sys.path.insert(0, str(HERE.parent))  # tests/office_support.py

TITLE = "关于2024年度乡村振兴实绩考核结果的通报"
ISSUER = "某市乡村振兴局"
EVIL = "<script>alert(1)</script>"


def sample_context(n_rows: int = 7, paragraphs: int = 4) -> dict[str, Any]:
    rows = [
        [i, f"县{i}{EVIL}" if i == 2 else f"第{i}县", 90.125 - i * 3.3, 95 - i, "良好"]
        for i in range(1, n_rows + 1)
    ]
    return {
        "scheme_name": "2024年度乡村振兴实绩考核方案",
        "year": 2024,
        "summary": "全市共考核7个县（市、区），平均得分85.12分。",
        "headers": ["序号", "县（市、区）", "得分", "上年得分", "等次"],
        "rows": rows,
        "decimals": 2,
        "caption": "表1  各县得分",
        "bars": [(f"第{i}县", 100 - i * 7.5) for i in range(1, 8)],
        "extra_paragraphs": ["正文段落，用于检验行距与分页。" * 8] * paragraphs,
    }


def render_sample(*, landscape: bool = False, **overrides: Any) -> str:
    from assess.render.env import render_document

    ctx = sample_context()
    ctx.update(overrides)
    return render_document(
        "sample.html.j2",
        ctx,
        title=TITLE,
        issuer=ISSUER,
        date=dt.date(2024, 12, 31),
        landscape=landscape,
        extra_dirs=(TEMPLATES,),
    )


@pytest.fixture(scope="session")
def portrait_html() -> str:
    return render_sample()


@pytest.fixture(scope="session")
def landscape_html() -> str:
    return render_sample(landscape=True)
