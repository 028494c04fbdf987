"""``--provenance``: the technical line (assess version, SHA-256) closes a document only when
asked for, as a 附注 under the date; the JSON always carries the provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main
from tests.documents.builders import EXAMPLES, ranking_html


def _rank(tmp: Path, *extra: str) -> str:
    out = tmp / "排名.html"
    result = CliRunner().invoke(
        main,
        ["rank", "-s", "county-2024", str(EXAMPLES / "counties"), "-q", "-o", str(out), "--force", *extra],
    )
    assert out.is_file(), result.output
    return out.read_text(encoding="utf-8")


def test_no_technical_line_by_default(tmp_path: Path) -> None:
    html = _rank(tmp_path)
    assert "SHA-256" not in html and "class=Remark" not in html


def test_provenance_option_adds_it_after_the_date(tmp_path: Path) -> None:
    html = _rank(tmp_path, "--provenance", "--date", "2025-01-20")
    remark = html.index("<p class=Remark>（由 assess")
    assert html.index("2025年1月20日</p>") < remark < html.index("<p class=Attachment>")
    assert "SHA-256" in html[remark : html.index("</p>", remark)]
    # The option does not stick to the next command run in the same process.
    assert "class=Remark" not in _rank(tmp_path)


def test_json_always_has_provenance(tmp_path: Path) -> None:
    out = tmp_path / "排名.json"
    CliRunner().invoke(main, ["rank", "-s", "county-2024", str(EXAMPLES / "counties"), "-q", "-o", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["provenance"]["inputs"] and all(i.get("sha256") for i in doc["provenance"]["inputs"])


@pytest.mark.parametrize("show", [False, True])
def test_render_document_argument(show: bool) -> None:
    from assess.render.options import SHOW_PROVENANCE

    token = SHOW_PROVENANCE.set(show)
    try:
        html = ranking_html()
    finally:
        SHOW_PROVENANCE.reset(token)
    assert ("class=Remark" in html) is show
