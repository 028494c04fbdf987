"""Golden files of the rendered example documents (refresh: python scripts/refresh_goldens.py)."""

from __future__ import annotations

import pytest

from tests.documents.builders import ROOT, documents

GOLDEN = ROOT / "tests" / "golden" / "documents"


@pytest.mark.parametrize("name", sorted(documents()))
def test_matches_golden(name: str) -> None:
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert documents()[name] == expected, (
        f"{name} 与黄金文件不同;检查差异后运行 python scripts/refresh_goldens.py documents"
    )


def test_unit_names_and_texts_are_escaped(tmp_path) -> None:
    from assess.render.scoresheet import render_score_sheet
    from tests.documents.builders import cohort

    plan, ordered, _doc = cohort()
    import copy

    evil = copy.copy(ordered[0])
    evil.unit = "<script>alert(1)</script>县"
    html = render_score_sheet(plan, evil, "html", report_date=None, cohort=None)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;县" in html
