"""``-o 文件.docx`` / ``-o 文件.pdf`` from every document, through the CLI, and the xlsx outputs.

The .docx must carry GB/T 9704 page numbers: different odd and even footers,
“— PAGE —” in 宋体 4 号, odd pages right, even pages left; the PDF, made from
that .docx, a page number on every page.  Without LibreOffice the command says
so in Chinese (exit 2) and the HTML is written beside the asked-for file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.office_support import require_poppler, require_soffice

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
COUNTIES = str(EXAMPLES / "counties")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _invoke(args: list[str]) -> tuple[int, str]:
    from assess.cli import main

    result = CliRunner().invoke(main, args, catch_exceptions=False)
    return result.exit_code, result.output


def _office() -> None:
    require_soffice()
    require_poppler()
    pytest.importorskip("docx", reason="需要 python-docx:pip install python-docx")


def _footer_field(footer: object) -> tuple[str, object]:
    """The footer's text with the PAGE field as ``{PAGE}``, and its paragraph's alignment."""
    paras = footer.paragraphs  # type: ignore[attr-defined]
    assert len(paras) == 1
    p = paras[0]
    text = ""
    for el in p._p.iter():
        if el.tag == f"{W}t" and el.text:
            text += el.text
        elif el.tag == f"{W}instrText":
            text += "{" + (el.text or "").strip() + "}"
    text = text.replace("{PAGE}1", "{PAGE}")  # the cached result of the field
    for run in p.runs:
        assert run.font.size.pt == 14
        assert run.font.name == "宋体"
    return text, p.alignment


def check_docx(path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document(str(path))
    assert doc.settings.odd_and_even_pages_header_footer
    assert doc.core_properties.keywords.startswith("assess ")
    for section in doc.sections:
        odd_text, odd_align = _footer_field(section.footer)
        even_text, even_align = _footer_field(section.even_page_footer)
        assert odd_text == even_text == "— {PAGE} —"
        assert odd_align == WD_ALIGN_PARAGRAPH.RIGHT
        assert even_align == WD_ALIGN_PARAGRAPH.LEFT


def check_pdf(path: Path, *, minimum: int = 1) -> int:
    """Every page ends with its own number “— N —”; odd ones right of the middle, even ones left."""
    import subprocess

    from assess.render.office import pdf_page_count

    pages = pdf_page_count(path)
    assert pages >= minimum
    for n in range(1, pages + 1):
        box = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        width = float(re.search(r'<page width="([\d.]+)"', box).group(1))  # type: ignore[union-attr]
        words = [
            (float(x), float(y), w)
            for x, y, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', box)
        ]
        bottom = max(y for _, y, _ in words)
        footer = sorted((x, w) for x, y, w in words if y > bottom - 2)  # the lowest line of the page
        assert [w for _, w in footer] == ["—", str(n), "—"], (path.name, n, footer)
        x = footer[1][0]
        assert (x > width / 2) if n % 2 else (x < width / 2), (path.name, n, x, width)
    return pages


@pytest.mark.office
def test_rank_docx_and_pdf(tmp_path: Path) -> None:
    _office()
    code, out = _invoke(["rank", "-s", "county-2024", COUNTIES, "-o", str(tmp_path / "排名.docx"), "-q"])
    assert code in (0, 1), out
    check_docx(tmp_path / "排名.docx")
    code, out = _invoke(
        ["rank", "-s", "county-2024", COUNTIES, "--format", "pdf", "-o", str(tmp_path / "排名.pdf"), "-q"]
    )
    assert code in (0, 1), out
    assert check_pdf(tmp_path / "排名.pdf", minimum=2) >= 2
    assert not (tmp_path / "排名.html").exists()
    # --force replaces a .docx/.pdf assess wrote, keeping the old one
    code, out = _invoke(
        ["rank", "-s", "county-2024", COUNTIES, "-o", str(tmp_path / "排名.pdf"), "-q", "--force"]
    )
    assert code in (0, 1), out
    assert list(tmp_path.glob("排名.备份-*.pdf"))


@pytest.mark.office
@pytest.mark.parametrize(
    "args",
    [
        ["score", "-s", "county-2024", str(EXAMPLES / "counties" / "浏阳市.xlsx"), "-o", "{out}/得分表.pdf"],
        ["explain", "-s", "county-2024", COUNTIES, "--unit", "花垣县", "-o", "{out}/差距.pdf"],
        ["diff", "county-2023", "county-2024", "--data", COUNTIES, "-o", "{out}/对照.pdf"],
        ["rank", "-s", "county-2024", COUNTIES, "--sensitivity", "20", "--seed", "3", "-o", "{out}/排名.pdf"],
    ],
    ids=["score", "explain", "diff", "sensitivity"],
)
def test_documents_pdf(args: list[str], tmp_path: Path) -> None:
    _office()
    code, out = _invoke([a.replace("{out}", str(tmp_path)) for a in args])
    assert code in (0, 1), out
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert pdfs, out
    if args[0] == "rank":
        assert [p.name for p in pdfs] == ["排名.pdf", "排名_稳健性分析.pdf"]
    for pdf in pdfs:
        check_pdf(pdf)


@pytest.mark.office
def test_rectify_docx(tmp_path: Path) -> None:
    """Checklists and the progress report as .docx (one LibreOffice run per unit: .docx only)."""
    _office()
    findings = str(EXAMPLES / "督查发现问题清单.xlsx")
    code, out = _invoke(
        ["rectify", "-s", "county-2024", COUNTIES, "--findings", findings, "--as-of", "2025-03-31"]
        + ["--format", "docx", "-o", str(tmp_path / "zg")]
    )
    assert code in (0, 1), out
    made = sorted((tmp_path / "zg").glob("*.docx"))
    assert any(p.name.startswith("整改清单_") for p in made)
    assert (tmp_path / "zg" / "整改进展情况.docx") in made
    for path in made[:2] + [tmp_path / "zg" / "整改进展情况.docx"]:
        check_docx(path)


NO_OFFICE = (
    "错误:未找到 LibreOffice,无法生成 .docx/.pdf;已改为写入 HTML:{html}"
    "(可用 Word/WPS 打开后另存为 .docx 或 PDF)。要直接得到 .docx/.pdf,请安装 LibreOffice"
    "(https://zh-cn.libreoffice.org/,Linux 上 apt-get install libreoffice-writer-nogui),"
    "或用环境变量 ASSESS_SOFFICE 指明 soffice 的位置。"
)


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_without_libreoffice(suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.render import office

    monkeypatch.setattr(office, "find_soffice", lambda: None)
    target = tmp_path / f"排名{suffix}"
    code, out = _invoke(["rank", "-s", "county-2024", COUNTIES, "-o", str(target), "-q"])
    assert code == 2
    html = tmp_path / "排名.html"
    assert out.strip().splitlines()[-1] == NO_OFFICE.format(html=html)
    assert not target.exists()
    assert 'name=Originator content="assess ' in html.read_text(encoding="utf-8")


def test_without_libreoffice_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.render import office

    monkeypatch.setattr(office, "find_soffice", lambda: None)
    code, out = _invoke(
        ["score", "-s", "county-2024", COUNTIES, "--format", "pdf", "-o", str(tmp_path / "表")]
    )
    assert code == 2
    kept = sorted((tmp_path / "表").glob("*.html"))
    assert len(kept) == 14
    assert f"已改为写入 14 个 HTML 文件到文件夹:{tmp_path / '表'}" in out
    assert not list((tmp_path / "表").glob("*.pdf"))


def test_format_by_suffix() -> None:
    from assess.commands.output import resolve_format

    formats = ["table", "json", "html", "doc", "docx", "pdf", "xlsx"]
    assert resolve_format(None, Path("排名.docx"), formats, "rank") == "docx"
    assert resolve_format(None, Path("排名.PDF"), formats, "rank") == "pdf"
    assert resolve_format("pdf", Path("排名.pdf"), formats, "rank") == "pdf"


# ---- xlsx: numbers as numbers, a title row, print setup ----------------------------------------

NUMBER_AS_TEXT = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?%?$")


def _check_sheet(ws: object, title_words: str) -> int:
    """The sheet's title row, print setup and numeric cells; returns how many numbers it holds."""
    first = ws.cell(row=1, column=1).value  # type: ignore[attr-defined]
    assert isinstance(first, str) and title_words in first
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)  # type: ignore[attr-defined]
    setup = ws.page_setup  # type: ignore[attr-defined]
    assert setup.orientation in ("landscape", "portrait")
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage  # type: ignore[attr-defined]
    assert ws.print_title_rows == "$2:$2"  # type: ignore[attr-defined]
    assert ws.freeze_panes and ws.freeze_panes.endswith("3")  # type: ignore[attr-defined]
    assert ws.oddFooter.center.text  # type: ignore[attr-defined]
    numbers = 0
    codes = {c.column for c in ws[2] if c.value == "编码"}  # type: ignore[index]  # “1.1” is a code
    for row in ws.iter_rows(min_row=3):  # type: ignore[attr-defined]
        for cell in row:
            if isinstance(cell.value, bool) or cell.column in codes:
                continue
            if isinstance(cell.value, (int, float)):
                assert cell.number_format != "General", cell.coordinate
                numbers += 1
            elif isinstance(cell.value, str):
                assert not NUMBER_AS_TEXT.match(cell.value.strip()), (cell.coordinate, cell.value)
    return numbers


def test_ranking_xlsx() -> None:
    import io

    from openpyxl import load_workbook

    from assess.render.ranking_xlsx import ranking_xlsx
    from tests.documents.builders import cohort

    plan, ordered, doc = cohort()
    wb = load_workbook(io.BytesIO(ranking_xlsx(plan, ordered, doc)))
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert [ws.title for ws in sheets[-2:]] == ["指标数据", "指标统计"]
    assert _check_sheet(sheets[-2], "各单位指标实际值") > 0  # units in the scheme's order
    for ws in sheets[:-2]:
        assert _check_sheet(ws, "排名") > 0
        assert ws.page_setup.orientation == "landscape"  # too wide for portrait A4
        assert ws.cell(row=3, column=1).number_format == "0"
    assert _check_sheet(sheets[-1], "指标完成情况统计") > 0


def test_scoresheet_xlsx() -> None:
    import io

    from openpyxl import load_workbook

    from assess.render.scoresheet_xlsx import score_sheet_xlsx
    from tests.documents.builders import cohort

    plan, ordered, _doc = cohort()
    r = next(u for u in ordered if u.unit == "浏阳市")
    ws = load_workbook(io.BytesIO(score_sheet_xlsx(plan, r))).active
    assert _check_sheet(ws, "得分表") > 0
    measured = [ws.cell(row=n, column=5) for n in range(3, ws.max_row + 1)]
    numeric = [c for c in measured if isinstance(c.value, float)]
    assert numeric, "实际值 written as text"
    assert any(c.number_format == '0.00"%"' for c in numeric)
