"""The documents through a real office suite: LibreOffice to .docx and .pdf.

LibreOffice stands in for the clerk's Word or WPS: what it reads from the
HTML (tables, header rows, page set-up, fonts, page numbers) is checked in
the .docx with python-docx and in the PDF with poppler.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from assess.render.office import convert, pdf_page_count, pdf_text, pdf_to_png
from tests.office_support import require_poppler, require_soffice
from tests.render.conftest import ISSUER, TITLE, render_sample

docx = pytest.importorskip("docx", reason="python-docx is needed: pip install python-docx")

pytestmark = pytest.mark.office

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DECLARED_FONTS = {
    "方正小标宋简体",
    "方正小标宋_GBK",
    "华文中宋",
    "STZhongsong",
    "宋体",
    "SimSun",
    "Noto Serif CJK SC",
}


def _convert_both(tmp: Path, html: str, name: str) -> tuple[Path, Path]:
    require_soffice()
    src = tmp / f"{name}.html"
    src.write_text(html, encoding="utf-8")
    return convert(src, tmp / "out", "docx"), convert(src, tmp / "out", "pdf")


@pytest.fixture(scope="module")
def portrait(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _convert_both(tmp_path_factory.mktemp("portrait"), render_sample(), "portrait")


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _convert_both(tmp_path_factory.mktemp("landscape"), render_sample(landscape=True), "landscape")


def _mm(length: object) -> float:
    return float(length.mm)  # type: ignore[attr-defined]


def test_tables_are_real_tables(portrait: tuple[Path, Path]) -> None:
    doc = docx.Document(str(portrait[0]))
    assert len(doc.tables) >= 2
    scores = doc.tables[0]
    assert len(scores.rows) == 8 and len(scores.columns) == 5
    assert [c.text for c in scores.rows[0].cells] == ["序号", "县（市、区）", "得分", "上年得分", "等次"]
    assert [c.text for c in scores.rows[1].cells] == ["1", "第1县", "86.83", "94.00", "良好"]
    assert scores.rows[2].cells[1].text == "县2<script>alert(1)</script>"  # text, not markup
    header = scores.rows[0]._tr
    assert header.find(f"{W}trPr/{W}tblHeader") is not None, "header row must repeat on each page"
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                assert "<td" not in cell.text and "<p" not in cell.text and "&lt;" not in cell.text


def test_numbers_right_aligned(portrait: tuple[Path, Path]) -> None:
    doc = docx.Document(str(portrait[0]))
    para = doc.tables[0].rows[1].cells[2].paragraphs[0]
    xml = para._p.xml
    assert (
        'w:jc w:val="right"' in xml
        or 'w:jc w:val="end"' in xml
        or (para.style is not None and "TableNum" in para.style.name)
    )


def test_portrait_page_setup(portrait: tuple[Path, Path]) -> None:
    section = docx.Document(str(portrait[0])).sections[0]
    assert _mm(section.page_width) == pytest.approx(210, abs=0.5)
    assert _mm(section.page_height) == pytest.approx(297, abs=0.5)
    assert _mm(section.top_margin) == pytest.approx(37, abs=0.5)
    assert _mm(section.bottom_margin) == pytest.approx(35, abs=0.5)
    assert _mm(section.left_margin) == pytest.approx(28, abs=0.5)
    assert _mm(section.right_margin) == pytest.approx(26, abs=0.5)


def test_landscape_page_setup(landscape: tuple[Path, Path]) -> None:
    section = docx.Document(str(landscape[0])).sections[0]
    assert section.page_width > section.page_height
    assert _mm(section.page_width) == pytest.approx(297, abs=0.5)
    assert _mm(section.top_margin) == pytest.approx(28, abs=0.5)
    assert _mm(section.bottom_margin) == pytest.approx(26, abs=0.5)
    assert _mm(section.left_margin) == pytest.approx(35, abs=0.5)
    assert _mm(section.right_margin) == pytest.approx(37, abs=0.5)


def _east_asia_font(doc: object, para: object) -> str | None:
    """The run's eastAsia font, else its paragraph style's (LibreOffice puts it there)."""
    for run in para.runs:  # type: ignore[attr-defined]
        fonts = run._r.find(f"{W}rPr/{W}rFonts")
        if fonts is not None and fonts.get(f"{W}eastAsia"):
            return str(fonts.get(f"{W}eastAsia"))
    style = para.style  # type: ignore[attr-defined]
    while style is not None:
        fonts = style.element.find(f"{W}rPr/{W}rFonts")
        if fonts is not None and fonts.get(f"{W}eastAsia"):
            return str(fonts.get(f"{W}eastAsia"))
        style = style.base_style
    return None


def test_title_and_its_font_survive(portrait: tuple[Path, Path]) -> None:
    doc = docx.Document(str(portrait[0]))
    title = next(p for p in doc.paragraphs if p.text.strip())
    assert title.text == TITLE
    font = _east_asia_font(doc, title)
    assert font in DECLARED_FONTS, font
    body = next(p for p in doc.paragraphs if p.text.startswith("根据"))
    assert _east_asia_font(doc, body) == "仿宋_GB2312"


def test_no_font_is_named_gb2312_or_a_list(portrait: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(portrait[0]) as z:
        xml = "".join(
            z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")
        )
    names = set(re.findall(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"', xml))
    names |= set(re.findall(r'<w:font w:name="([^"]+)"', xml))
    assert "GB2312" not in names
    assert not [n for n in names if ";" in n], names
    assert "仿宋_GB2312" in names and "黑体" in names and "楷体_GB2312" in names


def test_page_number_footer(portrait: tuple[Path, Path]) -> None:
    doc = docx.Document(str(portrait[0]))
    footer = doc.sections[0].footer
    xml = footer._element.xml
    assert "PAGE" in xml  # a page-number field, not fixed text
    assert footer.paragraphs[0].text.replace(" ", "").startswith("—")
    body_text = "\n".join(p.text for p in doc.paragraphs)
    assert "—1—" not in body_text.replace(" ", ""), "footer must not show as body text"


def test_pdf_text_and_pages(portrait: tuple[Path, Path], tmp_path: Path) -> None:
    require_poppler()
    pdf = portrait[1]
    text = pdf_text(pdf)
    assert TITLE in text.replace(" ", "").replace("\n", "") or TITLE in text
    assert ISSUER in text
    assert "<script>" in text  # the evil unit name printed as text
    pages = pdf_page_count(pdf)
    assert 2 <= pages <= 6
    assert re.search(r"—\s*1\s*—", text)
    assert re.search(rf"—\s*{pages}\s*—", text)
    png = pdf_to_png(pdf, tmp_path / "page1.png", page=1, dpi=40)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_landscape_pdf(landscape: tuple[Path, Path]) -> None:
    require_poppler()
    text = pdf_text(landscape[1])
    assert "关于2024年度乡村振兴实绩考核结果的通报" in text.replace(" ", "").replace("\n", "")
    assert 1 <= pdf_page_count(landscape[1]) <= 5


def test_concurrent_conversions_do_not_collide(tmp_path: Path) -> None:
    """Each call has its own profile, so parallel runs both produce output."""
    require_soffice()
    from concurrent.futures import ThreadPoolExecutor

    sources = []
    for i in range(2):
        src = tmp_path / f"doc{i}.html"
        src.write_text(render_sample(), encoding="utf-8")
        sources.append(src)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda s: convert(s, tmp_path / "out", "pdf"), sources))
    assert all(r.is_file() and r.stat().st_size > 1000 for r in results)


def test_convert_reports_missing_soffice(tmp_path: Path) -> None:
    from assess.render.office import OfficeError

    src = tmp_path / "a.html"
    src.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(OfficeError):
        convert(src, tmp_path, "pdf", soffice=str(tmp_path / "no-such-soffice"))
