"""Every document score and rank write, opened by a real office suite (LibreOffice).

The .docx that Writer's HTML import makes is checked with python-docx, the PDF
with poppler: real tables with repeating header rows, landscape pages with the
GB/T 9704 margins, the title and Chinese text in the declared fonts.
"""

from __future__ import annotations

import email
import re
from pathlib import Path

import pytest

from tests.documents.builders import cohort, ranking_html, scoresheet_html
from tests.office_support import require_poppler, require_soffice

docx = pytest.importorskip("docx", reason="需要 python-docx:pip install python-docx")
pytestmark = pytest.mark.office

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _convert(tmp: Path, name: str, html: str) -> tuple[Path, Path]:
    from assess.render.office import convert

    require_soffice()
    require_poppler()
    src = tmp / f"{name}.html"
    src.write_text(html, encoding="utf-8")
    return convert(src, tmp / "out", "docx"), convert(src, tmp / "out", "pdf")


@pytest.fixture(scope="module")
def ranking(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _convert(tmp_path_factory.mktemp("ranking"), "ranking", ranking_html())


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _convert(tmp_path_factory.mktemp("sheet"), "sheet", scoresheet_html("浏阳市"))


def _landscape_with_margins(path: Path) -> None:
    section = docx.Document(str(path)).sections[0]
    assert section.page_width > section.page_height
    # Landscape GB/T 9704 margins rotate with the page; all four within 0.5 mm of the set values.
    margins = sorted(
        round(float(m.mm))
        for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    )
    assert margins == sorted([28, 26, 37, 35]) or margins == sorted([37, 35, 28, 26])


def _no_markup(doc: object) -> None:
    for table in doc.tables:  # type: ignore[attr-defined]
        for row in table.rows:
            for cell in row.cells:
                assert "<td" not in cell.text and "<p" not in cell.text and "&lt;" not in cell.text


def test_ranking_tables(ranking: tuple[Path, Path]) -> None:
    plan, ordered, _ = cohort()
    doc = docx.Document(str(ranking[0]))
    _no_markup(doc)
    groups = [t for t in doc.tables if t.rows[0].cells[0].text == "排名"]
    assert len(groups) == 3
    assert sum(len(t.rows) - 1 for t in groups) == len(ordered)
    first = groups[0]
    assert [c.text for c in first.rows[0].cells][-2:] == ["总分", "等次"]
    assert first.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    top = min((r for r in ordered if r.group == "demo"), key=lambda r: r.rank)
    assert first.rows[1].cells[1].text == top.unit
    assert first.rows[1].cells[-2].text == plan.round.text(top.total)
    stats = [t for t in doc.tables if t.rows[0].cells[0].text == "编码"]
    assert stats and len(stats[0].rows) > 30


def test_ranking_pages(ranking: tuple[Path, Path]) -> None:
    from assess.render.office import pdf_page_count, pdf_text

    _landscape_with_margins(ranking[0])
    text = pdf_text(ranking[1])
    assert "2024年度县市区乡村振兴实绩考核结果排名" in "".join(text.split())
    assert "— 1 —" in text
    assert 3 <= pdf_page_count(ranking[1]) <= 40


def test_scoresheet(sheet: tuple[Path, Path]) -> None:
    from assess.render.office import pdf_page_count, pdf_text

    doc = docx.Document(str(sheet[0]))
    _no_markup(doc)
    main = doc.tables[0]
    assert [c.text for c in main.rows[0].cells] == [
        "一级指标",
        "二级指标",
        "分值",
        "实际值",
        "得分",
        "失分",
        "计分依据",
    ]
    assert main.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert any("计分" not in r.cells[-1].text and "得" in r.cells[-1].text for r in main.rows[1:])
    _landscape_with_margins(sheet[0])
    title = doc.paragraphs[0]
    fonts = {
        r.element.rPr.rFonts.get(f"{W}eastAsia")
        for r in title.runs
        if r.element.rPr is not None and r.element.rPr.rFonts is not None
    }
    assert "GB2312" not in fonts
    assert "浏阳市2024年度乡村振兴实绩考核得分表" in "".join(pdf_text(sheet[1]).split())
    assert 1 <= pdf_page_count(sheet[1]) <= 30


def test_doc_package_parses_as_mime() -> None:
    from assess.render.ranking import render_ranking

    plan, ordered, doc = cohort()
    data = render_ranking(plan, ordered, doc, "doc")
    assert isinstance(data, bytes)
    message = email.message_from_bytes(data)
    assert message.get_content_type() == "multipart/related"
    locations = {part.get("Content-Location") for part in message.walk() if not part.is_multipart()}
    html = (
        next(p for p in message.walk() if p.get_content_type() == "text/html")
        .get_payload(decode=True)
        .decode("utf-8")
    )
    assert "doc_files/header.htm" in html
    assert any(loc and loc.endswith("doc_files/header.htm") for loc in locations)


LANDSCAPE = {"checklist-保靖县.html", "sensitivity.html", "explain.html", "diff.html"}


@pytest.mark.parametrize(
    "name", ["checklist-保靖县.html", "progress.html", "explain.html", "diff.html", "sensitivity.html"]
)
def test_other_documents_in_writer(name: str, tmp_path: Path) -> None:
    from assess.render.office import pdf_page_count, pdf_text
    from tests.documents.builders import cli_documents

    html = cli_documents()[name]
    docx_path, pdf_path = _convert(tmp_path, Path(name).stem, html)
    doc = docx.Document(str(docx_path))
    _no_markup(doc)
    assert doc.tables, "a document without tables"
    assert doc.tables[0].rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    section = doc.sections[0]
    assert (section.page_width > section.page_height) == (name in LANDSCAPE)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    assert "".join(title.group(1).split()) in "".join(pdf_text(pdf_path).split())
    assert 1 <= pdf_page_count(pdf_path) <= 60
