"""Print layout decided in the markup and the figures (no office suite needed):

- page numbers for Word at the outer edge (GB/T 9704 7.5): odd pages on the right, even pages
  on the left, in the .html and in the .doc (MHT) package; LibreOffice keeps its one centred
  footer (the .docx/.pdf get theirs from ``assess.render.office.number_pages``);
- the ranking notice's tables on a page of their own, kept short (0.5 pt rules, 12 pt lines);
- the statistics attachment's figures with each indicator's own decimals;
- the ranking workbook's 指标数据 sheet in the scheme's unit order.
"""

from __future__ import annotations

import email
import io
import re
from pathlib import Path

import pytest

from tests.documents.builders import cohort, ranking_html

NUMBER = "— <span style='mso-field-code:\" PAGE \"'>1</span> —"


def _style(html: str) -> str:
    return html.split("<style>", 1)[1].split("</style>", 1)[0]


def _rule(css: str, selector: str) -> str:
    m = re.search(r"(?:^|\n)\s*" + re.escape(selector) + r"\s*\{(.*?)\}", css, re.S)
    assert m, f"no rule {selector}"
    return m.group(1)


def _footer(html: str, fid: str) -> str:
    m = re.search(r"<div style='mso-element:footer' id=" + fid + r">(.*?)</div>", html, re.S)
    assert m, f"no Word footer {fid}"
    return m.group(1)


# ------------------------------------------------------------------ page numbers


def test_word_odd_and_even_footers_in_html() -> None:
    html = ranking_html()
    css = _style(html)
    # 奇偶页不同: a document setting, which Word keeps in the page rule without a name
    assert "mso-facing-pages:yes;" in _rule(css, "@page")
    section = _rule(css, "@page Section1")
    assert "mso-even-footer:ef1;" in section and "mso-footer:f1;" in section
    odd, even = _footer(html, "f1"), _footer(html, "ef1")
    # odd pages: on the right, one character (4号, 14 pt) in; even pages: on the left
    assert "align=right style='text-align:right;margin-right:14.0pt'" in odd
    assert "align=left style='text-align:left;margin-left:14.0pt'" in even
    for div in (odd, even):
        assert NUMBER in div and "font-size:14.0pt" in div and "宋体" in div
    # both in the one Word-only block, pushed off the page (never shown as body text)
    block = html.split("<!--assess:word-footer-->", 1)[1].split("<!--/assess:word-footer-->", 1)[0]
    assert block.count("mso-element:footer") == 2 and "<table id=hrdftrtbl" in block
    assert block.startswith("\n<!--[if gte mso 9]>")
    # LibreOffice's footer: one for every page, centred
    assert "<div title=footer class=PageFooter><p class=LoFooter style='margin-top:0.5cm'>— <sdfield" in html
    assert "text-align:center" in _rule(css, "p.LoFooter")


def test_word_odd_and_even_footers_in_doc() -> None:
    from assess.render.mht import BASE, HEADER, MAIN, to_mht

    msg = email.message_from_bytes(to_mht(ranking_html(), title="排名"))
    parts = {str(p["Content-Location"]): p for p in msg.walk() if p["Content-Location"]}
    main = parts[BASE + MAIN].get_payload(decode=True).decode("utf-8")
    header = parts[BASE + HEADER].get_payload(decode=True).decode("utf-8")
    section = _rule(_style(main), "@page Section1")
    assert f'mso-even-footer:url("{HEADER}") ef1;' in section
    assert f'mso-footer:url("{HEADER}") f1;' in section
    assert "mso-facing-pages:yes;" in _rule(_style(main), "@page")
    assert "mso-element:footer" not in main
    assert "text-align:right" in _footer(header, "f1") and "text-align:left" in _footer(header, "ef1")


# ------------------------------------------------------------------ the ranking notice's tables


def test_ranking_section_starts_a_page() -> None:
    html = ranking_html()
    assert "<p class=h1 style='page-break-before:always'>二、考核结果排名</p>" in html
    assert "<p class=h1>一、总体情况</p>" in html  # only the ranking section breaks


def test_compact_tables() -> None:
    """Cell rules of 0.5 pt (what Word draws: LibreOffice took the 1 pt for browsers) and 12 pt
    lines of 五号 text; headings and paragraphs with no space after them in LibreOffice either
    (it reads a class's margin of 0 as none given, and adds 0.5 cm)."""
    html = ranking_html()
    css = _style(html)
    for cls in ("p.TableText", "p.TableTextLeft", "p.TableNum", "p.TableHead"):
        rule = _rule(css, cls)
        assert "line-height:12.0pt;" in rule and "font-size:10.5pt;" in rule
    for cls in ("p.MsoNormal", "p.h1", "p.h2", "p.h3", "p.NoIndent", "p.Signature"):
        assert "margin-bottom:0.1pt;" in _rule(css, cls)
    cells = re.findall(r"<td[^>]*style='([^']*)'", html)
    assert cells and all("border:solid windowtext 0.5pt" in c for c in cells if "border:solid" in c)


# ------------------------------------------------------------------ statistics decimals


def _stats() -> dict[str, list[str]]:
    from assess.render.ranking import ranking_context

    plan, ordered, doc = cohort()
    context = ranking_context(plan, ordered, doc)  # the cells' text, as the template prints it
    out = {}
    for row in context["stats"]:
        out[row[0]] = [c["text"] if isinstance(c, dict) else c for c in row]
    return out


@pytest.mark.parametrize(
    ("code", "average", "best", "worst", "worse"),
    [
        ("1.3", "99.85%", "100.00%", "99.50%", "浏阳市 99.50%"),  # a percentage: 2 decimals, as 64.30%
        ("1.4", "20.2 天", "9.5 天", "27.3 天", "花垣县 23.0 天"),  # reported with one decimal
        ("1.10", "2.6 个", "0 个", "5 个", "宁乡市 5 个"),  # a count: whole numbers, its average 1 decimal
        ("2.1", "2.20", "2.65", "1.69", "浏阳市 1.69"),  # a ratio of two decimals: 2.20, not 2.2
        ("4.5", "87.7", "97.1", "80.9", "安化县 80.9"),  # 满意度 reported with one decimal
    ],
)
def test_statistics_figures_by_indicator(code: str, average: str, best: str, worst: str, worse: str) -> None:
    row = _stats()[code]
    assert row[-4:-1] == [average, best, worst]
    assert worse in row[-1]


def test_statistics_places() -> None:
    from types import SimpleNamespace

    from assess.render.ranking import figure_text, value_places

    def ind(unit: str | None, kind: str = "number") -> SimpleNamespace:
        return SimpleNamespace(unit=unit, kind=kind)

    assert value_places(ind("%"), [50.0, 12.5]) == 2
    assert value_places(ind("人", "count"), [3.0, 4.0]) == 0
    assert value_places(ind("天"), [27.3, 23.0, None]) == 1
    assert value_places(ind(None), [1.666666, 2.0]) == 2
    assert value_places(ind("万元"), []) == 0
    assert figure_text(30398.284, "万元", 2) == "30,398.28 万元"
    assert figure_text(64.3, "%", 2) == "64.30%"
    assert figure_text(2.675, None, 2) == "2.68"  # half up, as the scores
    assert figure_text(None, "天", 1) == "—"


# ------------------------------------------------------------------ workbook unit order


def test_workbook_data_sheet_in_scheme_order(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from assess.render.ranking import render_ranking
    from assess.render.ranking_xlsx import DATA_SHEET, read_ranking_xlsx

    plan, ordered, doc = cohort()
    data = render_ranking(plan, ordered, doc, "xlsx")
    assert isinstance(data, bytes)
    wb = load_workbook(io.BytesIO(data))
    groups = [g.name for g in plan.scheme.groups]
    assert wb.sheetnames == [*groups, DATA_SHEET, "指标统计", "说明"]
    ws = wb[DATA_SHEET]
    units = [row[0] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert units == [u.name for u in plan.scheme.units]  # the scheme's order, not the ranking's
    heads = [c.value for c in ws[2]]
    assert heads[:3] == ["单位", "分组", "1.1 监测对象风险消除率(%)"]
    liuyang = next(r for r in ordered if r.unit == "浏阳市")
    value = next(i.value for i in liuyang.indicators if i.id == "1.1")
    assert ws.cell(row=3, column=3).value == pytest.approx(value)
    assert ws.cell(row=3, column=3).number_format == '0.00"%"'
    # a ranking sheet stays in rank order
    first = wb[groups[0]]
    ranked = [row[1] for row in first.iter_rows(min_row=3, values_only=True)]
    assert ranked == [r.unit for r in ordered if r.group == plan.scheme.groups[0].id]
    # read back as an earlier year's results: the data sheet is no ranking
    path = tmp_path / "排名.xlsx"
    path.write_bytes(data)
    assert set(read_ranking_xlsx(path)) == {r.unit for r in ordered}


def test_scheme_order_then_as_given() -> None:
    from types import SimpleNamespace

    from assess.render.ranking_xlsx import scheme_order

    plan = SimpleNamespace(scheme=SimpleNamespace(units=[SimpleNamespace(name=n) for n in ("乙", "甲")]))
    results = [SimpleNamespace(unit=n) for n in ("丁", "甲", "丙", "乙")]
    assert [r.unit for r in scheme_order(plan, results)] == ["乙", "甲", "丁", "丙"]  # type: ignore[arg-type]
