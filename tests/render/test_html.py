"""The Office-HTML conventions of base.html.j2 and the macros, checked on the text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from assess.render import env as render_env
from assess.render.env import cjk_date, cn_num, num, pct, render_document, templates_dir
from tests.render.conftest import EVIL, TEMPLATES, TITLE, render_sample


def style_block(html: str) -> str:
    m = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    assert m, "no <style> block"
    css = m.group(1)
    css = css.replace("<!--", "").replace("-->", "")
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


def css_rules(css: str) -> list[tuple[str, str]]:
    """(selector, body) pairs; @media blocks are opened, other at-rules kept whole."""
    rules: list[tuple[str, str]] = []
    i = 0
    while True:
        start = css.find("{", i)
        if start < 0:
            break
        selector = css[i:start].strip()
        depth, j = 1, start + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        body = css[start + 1 : j - 1]
        if selector.startswith("@media"):
            rules.extend(css_rules(body))
        else:
            rules.append((selector, body))
        i = j
    return rules


SIMPLE = re.compile(r"^(?:[a-z][a-z0-9]*)?(?:\.[A-Za-z][\w-]*|#[A-Za-z][\w-]*)?$")


# ---------------------------------------------------------------- conventions


def test_office_namespaces_and_meta(portrait_html: str) -> None:
    head = portrait_html[: portrait_html.index("<head>")]
    for ns in (
        'xmlns:v="urn:schemas-microsoft-com:vml"',
        'xmlns:o="urn:schemas-microsoft-com:office:office"',
        'xmlns:w="urn:schemas-microsoft-com:office:word"',
        'xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"',
        'xmlns="http://www.w3.org/TR/REC-html40"',
    ):
        assert ns in head
    assert '<meta http-equiv=Content-Type content="text/html; charset=utf-8">' in portrait_html
    assert "<meta name=ProgId content=Word.Document>" in portrait_html
    assert '<meta name=Generator content="Microsoft Word 15">' in portrait_html


def test_word_xml_block_right_after_title(portrait_html: str) -> None:
    after = portrait_html.split("</title>", 1)[1]
    assert after.startswith(
        "\n<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View>"
        "<w:Zoom>100</w:Zoom><w:DoNotOptimizeForBrowser/></w:WordDocument></xml><![endif]-->"
    )
    assert f"<title>{TITLE}</title>" in portrait_html


def test_page_setup_portrait(portrait_html: str) -> None:
    css = style_block(portrait_html)
    rules = dict(css_rules(css))
    section = rules["@page Section1"]
    assert "size:595.3pt 841.9pt" in section
    assert "margin:104.9pt 73.7pt 99.2pt 79.4pt" in section  # 37 26 35 28 mm
    assert "mso-page-orientation:portrait" in section
    assert "mso-footer:f1" in section
    assert "mso-footer-margin" in section and "mso-header-margin" in section
    pages = [body for sel, body in css_rules(css) if sel == "@page"]
    assert any("size:A4;" in p and "margin:37mm 26mm 35mm 28mm" in p for p in pages)
    assert rules["div.Section1"].strip() == "page:Section1;"
    assert "<div class=Section1>" in portrait_html


def test_page_setup_landscape(landscape_html: str) -> None:
    css = style_block(landscape_html)
    section = dict(css_rules(css))["@page Section1"]
    assert "size:841.9pt 595.3pt" in section
    assert "mso-page-orientation:landscape" in section
    pages = [body for sel, body in css_rules(css) if sel == "@page"]
    assert all("size:A4 landscape" in p for p in pages)


def test_footer_for_word_and_libreoffice(portrait_html: str) -> None:
    word = re.search(
        r"<!--assess:word-footer-->\n<!--\[if gte mso 9\]>(.*?)<!\[endif\]-->\n<!--/assess:word-footer-->",
        portrait_html,
        re.DOTALL,
    )
    assert word, "Word footer must sit in a Word-only conditional comment"
    block = word.group(1)
    assert "<table id=hrdftrtbl" in block  # pushed off the page so Word shows it only as footer
    assert "<div style='mso-element:footer' id=f1>" in block
    assert "<p class=MsoFooter align=right" in block  # odd pages; even pages (ef1) on the left
    assert "— <span style='mso-field-code:\" PAGE \"'>1</span> —" in block
    # LibreOffice's footer: hidden from Word, hidden from browsers by CSS.
    assert "<!--[if !mso]><!--><div title=footer class=PageFooter>" in portrait_html
    assert "<sdfield type=PAGE" in portrait_html
    media = re.search(r"@media all\s*\{(.*)\}", style_block(portrait_html), re.DOTALL)
    assert media and "div.PageFooter {display:none;}" in media.group(1)


# ---------------------------------------------------------------- CSS rules


def test_only_simple_selectors(portrait_html: str) -> None:
    for selector, _ in css_rules(style_block(portrait_html)):
        if selector.startswith(("@font-face", "@page")):
            continue
        for part in selector.split(","):
            assert SIMPLE.match(part.strip()), f"not a single simple selector: {selector!r}"


def test_no_css_layout(portrait_html: str) -> None:
    text = portrait_html.lower()
    for banned in ("display:flex", "display:grid", "float:", "position:", "var(--", "max-width"):
        assert banned not in text.replace(" ", ""), banned


def _font_lists(html: str) -> list[str]:
    found = re.findall(r"(?:font-family|mso-font-alt|mso-[a-z]+-font-family):([^;}']+)", html)
    return [f.strip() for f in found]


def test_every_cjk_font_name_is_quoted(portrait_html: str) -> None:
    lists = _font_lists(portrait_html)
    assert len(lists) > 20
    for value in lists:
        for name in value.split(","):
            name = name.strip()
            if re.search(r"[^\x00-\x7f]", name):
                assert re.fullmatch(r'"[^"]+"', name), f"unquoted CJK font name {name!r} in {value!r}"


def test_declared_fonts_have_fallbacks(portrait_html: str) -> None:
    css = style_block(portrait_html)
    for selector, body in css_rules(css):
        m = re.search(r"font-family:([^;]+);", body)
        if not m or selector.startswith("@font-face"):
            continue
        names = [n.strip() for n in m.group(1).split(",")]
        assert len(names) >= 3, selector
        assert names[-1] in ("serif", "sans-serif"), selector
        if re.search(r"[^\x00-\x7f]", names[0]):
            assert "mso-font-alt" in body, selector
    for face in ("仿宋_GB2312", "楷体_GB2312", "黑体", "宋体", "方正小标宋简体"):
        assert f'@font-face\n\t{{font-family:"{face}";' in css


def test_gbt9704_typography(portrait_html: str) -> None:
    rules = dict(css_rules(style_block(portrait_html)))
    assert "font-size:22.0pt" in rules["p.MsoTitle"] and '"方正小标宋简体"' in rules["p.MsoTitle"]
    assert "text-align:center" in rules["p.MsoTitle"]
    body = rules["p.MsoNormal"]
    assert "font-size:16.0pt" in body and '"仿宋_GB2312"' in body
    assert "line-height:28.9pt" in body and "mso-line-height-rule:exactly" in body
    assert '"黑体"' in rules["p.h1"] and '"楷体_GB2312"' in rules["p.h2"]
    assert "font-size:14.0pt" in rules["p.MsoFooter"] and '"宋体"' in rules["p.MsoFooter"]
    assert "font-size:10.5pt" in rules["p.TableText"]  # 五号, as 公文 tables are set


# ---------------------------------------------------------------- escaping, tables


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list]] = []
        self.stack: list[dict[str, list]] = []
        self.section = "body"
        self.cell_text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            t: dict[str, list] = {"attrs": [a], "head": [], "body": []}
            self.stack.append(t)
            self.tables.append(t)
        elif tag in ("thead", "tbody"):
            self.section = "head" if tag == "thead" else "body"
        elif tag == "tr" and self.stack:
            self.stack[-1][self.section].append({"style": a.get("style", ""), "cells": []})
        elif tag in ("td", "th") and self.stack:
            self.stack[-1][self.section][-1]["cells"].append({"attrs": a, "text": ""})
            self.cell_text = []
        elif tag == "p" and self.stack and self.cell_text is not None:
            self.stack[-1][self.section][-1]["cells"][-1]["p"] = a.get("class")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.stack:
            self.stack.pop()
            self.section = "body"
        elif tag in ("td", "th") and self.stack and self.cell_text is not None:
            self.stack[-1][self.section][-1]["cells"][-1]["text"] = "".join(self.cell_text)
            self.cell_text = None

    def handle_data(self, data: str) -> None:
        if self.cell_text is not None:
            self.cell_text.append(data)


def parse_tables(html: str) -> list[dict[str, list]]:
    p = _Tables()
    p.feed(html)
    return p.tables


def test_unit_names_are_escaped(portrait_html: str) -> None:
    assert EVIL not in portrait_html
    assert "县2&lt;script&gt;alert(1)&lt;/script&gt;" in portrait_html
    cells = [c["text"] for c in parse_tables(portrait_html)[0]["body"][1]["cells"]]
    assert cells[1] == f"县2{EVIL}"  # shows as text


def test_title_is_escaped() -> None:
    html = render_sample(doc_title="A&B <i>x</i>")
    assert "<title>A&amp;B &lt;i&gt;x&lt;/i&gt;</title>" in html


def test_table_macro_structure(portrait_html: str) -> None:
    t = parse_tables(portrait_html)[0]
    assert t["attrs"][0]["class"] == "MsoTableGrid"
    assert t["attrs"][0]["border"] == "1" and t["attrs"][0]["cellspacing"] == "0"
    style = t["attrs"][0]["style"]
    assert "border-collapse:collapse" in style and "mso-border-alt:solid windowtext 0.5pt" in style
    assert len(t["head"]) == 1 and len(t["body"]) == 7
    head = t["head"][0]
    assert "mso-yfti-firstrow:yes" in head["style"] and "mso-yfti-irow:0" in head["style"]
    assert "page-break-inside:avoid" in head["style"]
    assert [c["text"] for c in head["cells"]] == ["序号", "县（市、区）", "得分", "上年得分", "等次"]
    widths = [float(c["attrs"]["width"].rstrip("%")) for c in head["cells"]]
    # Widths from the content: the numbers get what they need on one line, the long unit name
    # (with its <script>) the rest of the page.
    assert abs(sum(widths) - 100) < 0.5 and max(widths) == widths[1]
    assert all(w < 15 for w in widths[2:])
    for row in t["head"] + t["body"]:
        assert "page-break-inside:avoid" in row["style"]
        for cell in row["cells"]:
            s = cell["attrs"]["style"]
            assert "border:solid windowtext 0.5pt" in s
            assert "mso-border-alt:solid windowtext 0.5pt" in s
            assert "padding:0cm 2.8pt 0cm 2.8pt" in s
    first = t["body"][0]["cells"]
    assert [c["text"] for c in first] == ["1", "第1县", "86.83", "94.00", "良好"]
    assert first[2]["p"] == "TableNum" and first[1]["p"] == "TableText"
    assert "mso-yfti-lastrow:yes" in t["body"][-1]["style"]


def _env() -> jinja2.Environment:
    return render_env.get_environment((TEMPLATES,))


def _macro(call: str, **ctx: object) -> str:
    src = '{% import "_macros.html.j2" as m %}' + call
    return _env().from_string(src).render(**ctx)


def test_table_options() -> None:
    html = _macro(
        "{{ m.table(h, r, num_cols=(1,), decimals={1: 1}) }}",
        h=[[{"text": "单位", "rowspan": 2}, {"text": "得分", "colspan": 2}], ["本年", "上年"]],
        r=[
            ["甲", 2.25, {"text": "—", "align": "left"}],
            {"cells": ["合计", None, 3], "bold": True},
        ],
    )
    t = parse_tables(html)[0]
    assert len(t["head"]) == 2
    assert t["head"][0]["cells"][0]["attrs"]["rowspan"] == "2"
    assert t["head"][0]["cells"][1]["attrs"]["colspan"] == "2"
    assert t["body"][0]["cells"][1]["text"] == "2.3"  # half-up
    assert t["body"][1]["cells"][1]["text"] == "—"
    assert "<b>合计</b>" in html


def test_empty_table_says_none() -> None:
    t = parse_tables(_macro('{{ m.table(["甲", "乙"], []) }}'))[0]
    assert t["body"][0]["cells"][0]["attrs"]["colspan"] == "2"
    assert t["body"][0]["cells"][0]["text"] == "无"


def test_headings_notes_signature() -> None:
    html = _macro(
        '{{ m.h1("总体情况", 1) }}{{ m.h2("得分", 12) }}{{ m.note("说明") }}'
        '{{ m.signature("某局", d) }}{{ m.attachment_label(2) }}',
        d=dt.date(2025, 1, 5),
    )
    assert "<p class=h1>一、总体情况</p>" in html
    assert "<p class=h2>（十二）得分</p>" in html
    assert "<p class=Note>注：说明</p>" in html
    assert ">2025年1月5日</p>" in html and ">某局</p>" in html
    assert "<p class=Attachment>附件2</p>" in html


def test_bar_chart() -> None:
    html = _macro(
        '{{ m.bar_chart(items, max_value=100, headers=["单位", "得分率", "%"]) }}',
        items=[("甲", 80), {"label": "乙", "value": 120}, ("丙", None), ("丁", -5)],
    )
    assert "data:" not in html and "<img" not in html
    shares = re.findall(
        r"<td width=\"([\d.]+)%\" style='width:[\d.]+%;border:solid windowtext 0.5pt;background:#808080", html
    )
    assert shares == ["80.0", "100.0"]  # clipped at the maximum; none for missing or negative
    assert html.count("background:#808080") == 2
    assert ">80.0</p>" in html and ">—</p>" in html


# ---------------------------------------------------------------- filters, env


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (2.675, 2, "2.68"),
        (2.665, 2, "2.67"),
        (Decimal("0.125"), 2, "0.13"),
        (-0.004, 2, "0.00"),
        (-1.005, 2, "-1.01"),
        (3, 0, "3"),
        (2.5, 0, "3"),
        (None, 2, "—"),
        (float("nan"), 2, "—"),
        ("12.345", 2, "12.35"),
        ("不适用", 2, "不适用"),
        (True, 2, "True"),
    ],
)
def test_num(value: object, places: int, expected: str) -> None:
    assert num(value, places) == expected


def test_pct_and_dates() -> None:
    assert pct(0.12345) == "12.3%"
    assert pct(12.345, 2, ratio=False) == "12.35%"
    assert pct(None) == "—"
    assert num(1234567.891, 2, thousands=True) == "1,234,567.89"
    assert cjk_date(dt.date(2024, 12, 31)) == "2024年12月31日"
    assert cjk_date(dt.datetime(2024, 1, 2, 10, 0)) == "2024年1月2日"
    assert cjk_date("2024-12-31") == "2024年12月31日"
    assert cjk_date(None) == "—"
    assert cjk_date("年底") == "年底"
    assert [cn_num(n) for n in (1, 10, 11, 20, 21, 99)] == ["一", "十", "十一", "二十", "二十一", "九十九"]


def test_strict_undefined() -> None:
    with pytest.raises(jinja2.UndefinedError):
        _env().from_string("{{ missing }}").render()


def test_autoescape_on_for_templates() -> None:
    assert _env().from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    tmpl = _env().get_template("base.html.j2")
    assert tmpl.environment.autoescape


def test_templates_dir_found() -> None:
    folder = templates_dir()
    assert (folder / "base.html.j2").is_file()
    assert (folder / "_macros.html.j2").is_file()


def test_templates_dir_prefers_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "site" / "assess"
    bundled = pkg / "bundled" / "templates"
    bundled.mkdir(parents=True)
    (bundled / "base.html.j2").write_text("x", encoding="utf-8")
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(render_env.assess, "__file__", str(pkg / "__init__.py"))
    assert render_env.templates_dir() == bundled.resolve()


def test_render_document_context_wins() -> None:
    html = render_document(
        "sample.html.j2",
        {
            **__import__("tests.render.conftest", fromlist=["sample_context"]).sample_context(),
            "doc_issuer": "另一局",
        },
        title="T",
        issuer="某局",
        date="2024-06-30",
        extra_dirs=(TEMPLATES,),
    )
    assert "另一局" in html and "2024年6月30日" in html


def test_env_module_not_imported_by_package() -> None:
    import assess

    src = Path(assess.__file__).read_text(encoding="utf-8")
    assert "render" not in src and "jinja2" not in src


def test_column_widths_from_content() -> None:
    """Numbers and short texts keep one line (nowrap); long text takes the room left over."""
    heads = [[render_env._cell(h, is_num=False, decimals=None) for h in ["编码", "问题", "整改时限", "分值"]]]
    body = [
        [render_env._cell(c, is_num=i == 3, decimals=None) for i, c in enumerate(row)]
        for row in [["1.10", "问题" * 20, "2025年6月30日", "10.0"], ["2.1", "短", "立行立改", "0"]]
    ]
    grid = render_env.placed([*heads, *body], 4)
    heads, body = grid[:1], grid[1:]
    token = render_env._PAGE_EM.set(60.0)
    try:
        pct, keep = render_env.column_widths(heads, body, [1, 1, 1, 1], 4)
    finally:
        render_env._PAGE_EM.reset(token)
    assert keep == {0, 2, 3}
    em = [p * 60 / 100 for p in pct]
    assert em[2] >= render_env.text_em("2025年6月30日") + 1 and em[3] >= render_env.text_em("10.0") + 1
    assert em[1] == max(em)
    # Outside render_document the template's widths are used as given.
    assert render_env.column_widths(heads, body, [1, 1, 1, 1], 4) == ([25.0, 25.0, 25.0, 25.0], set())


def test_placed_follows_rowspans() -> None:
    """A cell spanning rows pushes the cells of the rows below to the right."""
    cell = render_env._cell
    rows = [
        [
            cell({"text": "类", "rowspan": 2}, is_num=False, decimals=None),
            cell("a", is_num=False, decimals=None),
        ],
        [cell("b", is_num=False, decimals=None)],
        [cell("c", is_num=False, decimals=None), cell("d", is_num=False, decimals=None)],
    ]
    cols = [[i for i, _ in r] for r in render_env.placed(rows, 2)]
    assert cols == [[0, 1], [1], [0, 1]]
