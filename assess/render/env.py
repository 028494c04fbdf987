"""The Jinja2 environment that renders every output document.

Documents are Word-ready HTML (see ``templates/base.html.j2`` and
``docs/output-documents.md``).  This module imports jinja2 at top level, so
it must only be imported by the commands that render documents, never by
``assess/__init__.py`` or ``assess/cli.py``.
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import functools
import itertools
import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

import assess
from assess.render.options import SHOW_PROVENANCE
from assess.render.punct import zh_punct, zh_spacing

DASH = "—"  # shown for a missing value

# GB/T 9704 page set-up, in millimetres: top, right, bottom, left.
PORTRAIT_MARGINS_MM = (37.0, 26.0, 35.0, 28.0)
# Landscape pages keep the same type area rotated a quarter turn clockwise:
# the binding edge (left, 28 mm) becomes the top and the page number keeps
# a margin at the bottom.
LANDSCAPE_MARGINS_MM = (28.0, 37.0, 26.0, 35.0)


def templates_dir() -> Path:
    """The folder holding the bundled templates.

    An installed wheel carries them as ``assess/bundled/templates`` (setup.cfg
    maps the top-level ``templates/`` folder there); a source checkout has them
    in the repository's top-level ``templates/``.
    """
    pkg = Path(assess.__file__).resolve().parent
    for candidate in (pkg / "bundled" / "templates", pkg.parent / "templates"):
        if (candidate / "base.html.j2").is_file():
            return candidate
    raise FileNotFoundError(
        f"找不到文档模板文件夹(已查找 {pkg / 'bundled' / 'templates'} 和 {pkg.parent / 'templates'})"
    )


# --------------------------------------------------------------------------
# Filters


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, float):
        # repr() gives the shortest string that round-trips, so 2.675 stays
        # 2.675 and rounds half-up to 2.68 as a person expects.
        d = Decimal(repr(value))
    else:
        try:
            d = Decimal(str(value).strip())
        except InvalidOperation:
            return None
    if not d.is_finite():
        return None
    return d


def num(value: Any, decimals: int = 2, *, thousands: bool = False) -> str:
    """A number rounded half-up to ``decimals`` places; None or NaN → "—".

    Text that is not a number is returned unchanged (it may be a note such
    as "不适用" that a scorer put in a numeric column).
    """
    d = _to_decimal(value)
    if d is None:
        if value is None or isinstance(value, float):
            return DASH
        text = str(value)
        return text if text.strip() else DASH
    decimals = max(0, min(int(decimals), 12))
    quantum = Decimal(1).scaleb(-decimals)
    try:
        rounded = d.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than Decimal's 28 (a cell holding 1e25): say it in powers of ten
        return f"{float(d):.{decimals}e}"
    if rounded == 0:
        rounded = abs(rounded)  # never show "-0.00"
    return f"{rounded:,.{decimals}f}" if thousands else f"{rounded:.{decimals}f}"


def pct(value: Any, decimals: int = 1, *, ratio: bool = True) -> str:
    """A percentage: ``pct(0.1234)`` → "12.3%"; with ``ratio=False`` the value is already in %."""
    d = _to_decimal(value)
    if d is None:
        return num(value, decimals)
    if ratio:
        d = d * 100
    return num(d, decimals) + "%"


def cjk_date(value: Any) -> str:
    """2024-12-31 (date, datetime or ISO text) → "2024年12月31日"; None → "—"."""
    if value is None or value == "":
        return DASH
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        try:
            value = _dt.date.fromisoformat(text[:10])
        except ValueError:
            return text
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


_CN_DIGITS = "零一二三四五六七八九"


def cn_num(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (for 一、 and （一） headings; 1–99)."""
    n = int(n)
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


def _cell(value: Any, *, is_num: bool, decimals: int | None) -> dict[str, Any]:
    """Normalise one table cell: a plain value or a mapping with options."""
    opts: dict[str, Any] = {}
    if isinstance(value, Mapping):
        opts = dict(value)
        value = opts.pop("text", opts.pop("value", ""))
    is_num = bool(opts.pop("num", is_num))
    places = opts.pop("decimals", decimals)
    if is_num and places is not None and not isinstance(value, str):
        text: Any = num(value, places)
    elif value is None:
        text = DASH if is_num else ""
    else:
        text = value
    return {
        "text": text,
        "num": is_num,
        "colspan": int(opts.pop("colspan", 1)),
        "rowspan": int(opts.pop("rowspan", 1)),
        "bold": bool(opts.pop("bold", False)),
        "align": opts.pop("align", None),
        "shade": bool(opts.pop("shade", False)),
        "wrap": bool(opts.pop("wrap", False)),  # may wrap: left out when the column's width is worked out
        "nowrap": False,
    }


def table_model(
    headers: Any,
    rows: Any,
    widths: Any = None,
    num_cols: Any = (),
    decimals: Any = None,
) -> dict[str, Any]:
    """What the ``table`` macro draws: header rows, body rows and column widths.

    ``headers``: a list of header cells, or a list of such lists for several
    header rows; a cell is text or ``{"text", "colspan", "rowspan"}``.
    ``rows``: a list of rows; a row is a list of cells or ``{"cells": [...],
    "bold": True, "shade": True}``; a cell is a value or ``{"text"|"value",
    "colspan", "rowspan", "num", "decimals", "bold", "align", "shade"}``.
    ``num_cols``: column indexes that hold numbers (right-aligned, and
    formatted with ``decimals`` — an int, or a mapping column → int).
    ``widths``: relative column widths (any numbers); turned into percentages.
    """
    header_rows = list(headers or [])
    if header_rows and not isinstance(header_rows[0], (list, tuple)):
        header_rows = [header_rows]
    heads = [[_cell(c, is_num=False, decimals=None) for c in hr] for hr in header_rows]
    num_set = set(num_cols or ())
    body = []
    for row in rows or []:
        row_opts: dict[str, Any] = {}
        cells = row
        if isinstance(row, Mapping):
            row_opts = dict(row)
            cells = row_opts.pop("cells")
        out = []
        for i, c in enumerate(cells):
            places = decimals.get(i) if isinstance(decimals, Mapping) else decimals
            cell = _cell(c, is_num=i in num_set, decimals=places)
            cell["bold"] = cell["bold"] or bool(row_opts.get("bold"))
            cell["shade"] = cell["shade"] or bool(row_opts.get("shade"))
            out.append(cell)
        body.append(out)
    ncols = 0
    for r in heads[:1] + body[:1]:
        ncols = max(ncols, sum(c["colspan"] for c in r))
    ncols = max(ncols, 1)
    grid = placed([*heads, *body], ncols)
    pct, keep = column_widths(grid[: len(heads)], grid[len(heads) :], widths, ncols)
    for row in grid[len(heads) :]:
        for i, c in row:
            c["nowrap"] = c["colspan"] == 1 and i in keep and not c["wrap"]
    return {"heads": heads, "body": body, "ncols": ncols, "widths": pct}


def placed(rows: list[list[dict[str, Any]]], ncols: int) -> list[list[tuple[int, dict[str, Any]]]]:
    """Each row's cells with the column each starts in, past the cells of rows above that
    reach down into it (``rowspan``)."""
    below = [0] * ncols  # how many more rows a cell above still covers, per column
    out = []
    for row in rows:
        cells = []
        i = 0
        for c in row:
            while i < ncols and below[i] > 0:
                i += 1
            cells.append((i, c))
            for k in range(i, min(i + c["colspan"], ncols)):
                below[k] = c["rowspan"]
            i += c["colspan"]
        below = [max(b - 1, 0) for b in below]
        out.append(cells)
    return out


# Tables are set in 五号 (10.5pt); a cell's padding (2.8pt a side) and borders take about
# half a character; LibreOffice gives a column a little less than its share: 1½ characters of
# room keep a number on one line in Word and LibreOffice alike.
TABLE_PT = 10.5
CELL_OVERHEAD_EM = 1.5
SHORT_EM = 10.0  # text up to ten characters is kept on one line (a name, a date, 整改中)
_PAGE_EM: contextvars.ContextVar[float] = contextvars.ContextVar("page_em", default=0.0)


def _wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80 or ch in "—…“”‘’"


# Word and LibreOffice both put about a quarter of a character between Chinese and a digit or a
# Latin letter next to it (“自动调整中文与西文的间距”): “2025年12月31日” is five such gaps wider.
AUTOSPACE_EM = 0.25


def text_em(text: Any) -> float:
    """Width of ``text`` in characters of the table font: Chinese and full-width forms 1,
    digits, Latin letters and ASCII punctuation a little over ½ (the free stand-in fonts'
    digits are wider than 仿宋's), and a quarter more where Chinese meets a digit or a letter."""
    s = str(text)
    width = sum(1.0 if _wide(ch) else 0.55 for ch in s)
    gaps = sum(1 for a, b in itertools.pairwise(s) if _wide(a) != _wide(b) and (a + b).isalnum())
    return width + AUTOSPACE_EM * gaps


def _head_em(text: Any) -> float:
    """A header of up to four characters stays on one line; a longer one may wrap to three,
    its bracket (“（20）”, “（折算 30 分）”) on a line of its own."""
    t = str(text)
    cut = t.find("（") if "（" in t else t.find("(")
    tail = text_em(t[cut:]) if cut > 0 else 0.0
    name = text_em(t[:cut] if cut > 0 else t)
    return max(tail, min(name, 4.0), float(math.ceil(name / 3)))


def column_widths(
    heads: list[list[tuple[int, dict[str, Any]]]],
    body: list[list[tuple[int, dict[str, Any]]]],
    widths: Any,
    ncols: int,
) -> tuple[list[float], set[int]]:
    """Column widths in % from the content, and the columns whose cells must not wrap: every
    number and every short text fits on one line, and the room left over goes to the columns
    of long text (by the template's ``widths``).

    Without the page width (outside ``render_document``) the template's ``widths`` are used as
    given.  A table wider than the page keeps the proportions of what it needs, and wraps.
    ``heads`` and ``body`` are rows of (column index, cell), as ``placed`` gives them."""
    capacity = _PAGE_EM.get()
    if not capacity:
        if not widths:
            return [], set()
        total = float(sum(widths))
        return [round(100.0 * float(w) / total, 1) for w in widths], set()
    need = [0.0] * ncols  # what the header, and each number and short text, needs on one line
    head_need = [0.0] * ncols
    head_full = [0.0] * ncols
    long = [False] * ncols
    for head, row in [*((True, r) for r in heads), *((False, r) for r in body)]:
        for i, c in row:
            if c["colspan"] != 1 or c["wrap"]:
                continue
            w = _head_em(c["text"]) if head else text_em(c["text"])
            if head:
                head_need[i] = max(head_need[i], w)
                head_full[i] = max(head_full[i], text_em(c["text"]))
            elif not c["num"] and w > SHORT_EM:
                long[i] = True  # long text wraps anyway: its column grows with the room left
            need[i] = max(need[i], w)
    need = [max(head_need[i], 4.0) if long[i] else need[i] for i in range(ncols)]
    need = [n + CELL_OVERHEAD_EM for n in need]
    weights = [float(w) for w in widths] if widths and len(widths) == ncols else [1.0] * ncols
    spare = capacity - sum(need)
    keep = {i for i in range(ncols) if not long[i]} if spare >= 0 else set()
    # First, room for each header to take two lines rather than three (a shorter header row).
    two = [max(head_full[i] / 2 + CELL_OVERHEAD_EM - need[i], 0.0) for i in range(ncols)]
    if spare > 0 and any(two):
        share = min(1.0, spare / sum(two))
        need = [need[i] + two[i] * share for i in range(ncols)]
        spare = capacity - sum(need)
    if spare > 0:
        grow = [i for i in range(ncols) if long[i]] or list(range(ncols))
        total = sum(weights[i] for i in grow) or 1.0
        for i in grow:
            need[i] += spare * weights[i] / total
    total = sum(need)
    return [round(100.0 * n / total, 1) for n in need], keep


def bar_model(items: Any, max_value: Any = None) -> list[dict[str, Any]]:
    """Rows of a table-cell bar chart: label, value and the bar's share in %."""
    rows: list[tuple[Any, Decimal | None, Any]] = []
    for item in items or []:
        if isinstance(item, Mapping):
            label, value = item.get("label", ""), item.get("value")
        else:
            label, value = item[0], item[1]
        rows.append((label, _to_decimal(value), value))
    top = _to_decimal(max_value)
    if top is None:
        values = [v for _, v, _ in rows if v is not None]
        top = max(values) if values else None
    out = []
    for label, d, raw in rows:
        share = 0.0
        if d is not None and top is not None and top > 0:
            share = float(min(max(d / top, Decimal(0)), Decimal(1))) * 100.0
        out.append({"label": label, "value": raw, "share": round(share, 1)})
    return out


# --------------------------------------------------------------------------
# Environment


# Characters XML 1.0 cannot hold: Word refuses a .doc (MHT) or .docx that has one, and in HTML
# they are invisible.  A cell's text may carry them (a bell, an escape from a pasted terminal).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _finalize(value: Any) -> Any:
    """Every value printed into a document gets full-width punctuation in Chinese context and
    no space between Chinese and numbers (公文 style), and loses the control characters no
    document can hold; no number prints as nan or inf."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        if not value.isprintable():
            value = _CONTROL_RE.sub("", value)
        return zh_spacing(zh_punct(value))
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    return value


@functools.lru_cache(maxsize=4)
def _environment(folder: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "j2"), default_for_string=True
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["num"] = num
    env.filters["pct"] = pct
    env.filters["cjk_date"] = cjk_date
    env.filters["cn_num"] = cn_num
    env.globals["table_model"] = table_model
    env.globals["bar_model"] = bar_model
    return env


def get_environment(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The shared environment; ``extra_dirs`` are searched before the bundled templates.

    ``extra_dirs`` lets tests (and a user's own templates) extend ``base.html.j2``.
    """
    folders = [str(Path(d)) for d in extra_dirs] + [str(templates_dir())]
    if len(folders) == 1:
        return _environment(folders[0])
    env = _environment(folders[-1]).overlay(loader=jinja2.FileSystemLoader(folders))
    return env


def _pt(mm: float) -> str:
    return f"{mm * 72 / 25.4:.1f}pt"


# LibreOffice puts a page footer inside the bottom margin and exports it to
# .docx as ``bottom = footer distance + footer band``.  Its footer paragraph
# (class LoFooter) has a 36pt line, LibreOffice's default 0.247 cm spacing
# below it and LibreOffice's default 0.25 cm footer spacing above: a 17.67 mm
# band.  LibreOffice's own page bottom margin is what remains of the GB/T 9704
# margin, so the body still ends 35 mm above the page edge.  (Measured with
# LibreOffice 7.4; tests/render/test_office.py checks it.)
LO_FOOTER_BAND_MM = 36 * 25.4 / 72 + 2.47 + 2.5


def page_context(*, landscape: bool = False) -> dict[str, Any]:
    """Page geometry the base template needs (lengths as CSS strings)."""
    top, right, bottom, left = LANDSCAPE_MARGINS_MM if landscape else PORTRAIT_MARGINS_MM
    width, height = (297.0, 210.0) if landscape else (210.0, 297.0)
    # GB/T 9704 7.5: the page number's top sits 7 mm below the type area.
    # Word measures its footer from the page edge to the footer's bottom; a
    # 14pt line is about 6.5 mm tall.
    word_footer = max(bottom - 7.0 - 6.5, 8.0)
    lo_bottom = max(bottom - LO_FOOTER_BAND_MM, 5.0)
    return {
        "landscape": landscape,
        "orientation": "landscape" if landscape else "portrait",
        "css_size": "A4 landscape" if landscape else "A4",
        "word_size": f"{_pt(width)} {_pt(height)}",
        "margins_mm": (top, right, bottom, left),
        "css_margin": f"{top:g}mm {right:g}mm {bottom:g}mm {left:g}mm",
        "lo_margin": f"{top:g}mm {right:g}mm {lo_bottom:.2f}mm {left:g}mm",
        "word_margin": f"{_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}",
        "word_header_margin": _pt(15.0),
        "word_footer_margin": _pt(word_footer),
    }


def render_document(
    template_name: str,
    context: Mapping[str, Any],
    *,
    title: str,
    issuer: str | None = None,
    date: Any = None,
    landscape: bool = False,
    extra_dirs: tuple[Path, ...] = (),
    provenance: bool | None = None,
) -> str:
    """Render a document template (which extends ``base.html.j2``) to HTML text.

    ``title``, ``issuer``, ``date`` and the page geometry are put into the
    context under those names (``doc_title``, ``doc_issuer``, ``doc_date``,
    ``page``); values in ``context`` with the same names win.  ``provenance`` (default: the
    ``--provenance`` option, ``assess.render.options.SHOW_PROVENANCE``) keeps the context's
    ``provenance`` line; without it the line is left out.
    """
    env = get_environment(extra_dirs)
    full: dict[str, Any] = {
        "doc_title": title,
        "doc_issuer": issuer,
        "doc_date": date,
        "page": page_context(landscape=landscape),
        "generator": f"assess {assess.__version__}",
    }
    full.update(context)
    # The technical line (附注 under the date) only with --provenance; the JSON always has it.
    show = SHOW_PROVENANCE.get() if provenance is None else provenance
    if not show:
        full["provenance"] = ""
    elif not full.get("provenance"):
        full["provenance"] = f"由 assess {assess.__version__} 生成。"
    width_mm = (297.0 if landscape else 210.0) - sum(
        (LANDSCAPE_MARGINS_MM if landscape else PORTRAIT_MARGINS_MM)[1::2]
    )
    token = _PAGE_EM.set(width_mm * 72 / 25.4 / TABLE_PT)
    try:
        return env.get_template(template_name).render(full)
    finally:
        _PAGE_EM.reset(token)
