"""Fitting the screen tables to the terminal: display width, columns given up, colours.

Why: a ranking of six categories with its marks is 150–190 columns wide, and Chinese
characters take two columns each, so tables counted in characters were both too wide and
misaligned.  Widths here are display widths (``wcwidth``; tabulate uses it too, see
``WIDE_CHARS_MODE`` below), and a table wider than the terminal gives up columns in a
fixed order, so that what a user sees on an 80-column screen is predictable:

排名表 (``rank``), step by step until the table fits:

1. 加权合成各部分的列(“日常考核(折算 30 分)”…)去掉;
2. 与上年比较的列只留“排名变化”(去掉“上年排名”“分数变化”);
3. 一级指标列名缩写为名称的前四个字(不唯一时取更长的前缀);
4. 一级指标列名改为其编码(1、2…),表后一行“一级指标:1 巩固拓展脱贫攻坚成果;…”;
5. “加分”“扣分”列去掉;
6. 一级指标列去掉;
7. “标记”列(奖项、结果运用如约谈/通报、一票否决、暂定)折行到剩余宽度。

排名、单位、总分、等次、标记始终保留。

得分表 (``score``): 计分依据折行到剩余宽度(至少 16 列);仍放不下时“指标”名称折行到
12 列。

The other screen tables (``rank --sensitivity``, ``diff``, ``explain``, ``check``) are fitted
by ``assess.render.tables`` in the order their modules state (``render/sensitivity.py``,
``render/diff.py``, ``render/explain.py``, ``render/terminal.py``); docs/output.md lists them all.

The width is the terminal's (``shutil.get_terminal_size``, which honours ``$COLUMNS``) when
stdout is a terminal, else 100.  ``--wide`` prints the full table whatever the width.

Colours (grades; 错误/提示 in ``check``) only when stdout is a terminal, ``NO_COLOR`` is
unset or empty (https://no-color.org), ``TERM`` is not ``dumb`` and ``--no-color`` is not
given; files and pipes never get escape codes.

The screen in force is a context variable set by the CLI around one command (``use``):
it is a property of where stdout goes, not of the command's inputs, and the library
calls (and their tests) keep the full, uncoloured table by default.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TextIO

import tabulate as _tabulate
import wcwidth

_tabulate.WIDE_CHARS_MODE = True  # align by display width (CJK characters are two columns)

PIPE_WIDTH = 100  # the width of a table written to a file or a pipe
GAP = 2  # tabulate's "simple" format: two spaces between columns
HEAD_PAD = 2  # and each column at least two wider than its header (tabulate's MIN_PADDING)
MARK_MIN = 8  # the 标记 column is never wrapped narrower than this
BASIS_MIN = 16  # nor 计分依据
NAME_NARROW = 12  # 指标 names wrap to this on narrow screens


@dataclass(frozen=True)
class Screen:
    """Where tables go: ``width`` None prints the full table; ``color`` adds ANSI colours."""

    width: int | None = None
    color: bool = False


_SCREEN: ContextVar[Screen] = ContextVar("assess_screen", default=Screen())  # noqa: B039 - frozen


def current() -> Screen:
    return _SCREEN.get()


@contextmanager
def use(screen: Screen) -> Iterator[Screen]:
    """``screen`` for the tables rendered inside the block."""
    token = _SCREEN.set(screen)
    try:
        yield screen
    finally:
        _SCREEN.reset(token)


def terminal_width(stream: TextIO | None = None) -> int:
    """The terminal's columns when ``stream`` (stdout) is one, else 100: a file or a pipe gets
    the same table wherever it is made (``$COLUMNS`` is not read for them)."""
    stream = sys.stdout if stream is None else stream
    if _isatty(stream):
        return max(shutil.get_terminal_size((PIPE_WIDTH, 24)).columns, 20)
    return PIPE_WIDTH


def wants_color(
    stream: TextIO | None = None, *, no_color: bool = False, env: dict[str, str] | None = None
) -> bool:
    """Colours only on a terminal that takes them, and never when ``NO_COLOR`` is set."""
    stream = sys.stdout if stream is None else stream
    env = dict(os.environ) if env is None else env
    if no_color or env.get("NO_COLOR", "") != "" or env.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def screen_for(
    *,
    wide: bool = False,
    no_color: bool = False,
    stream: TextIO | None = None,
    env: dict[str, str] | None = None,
) -> Screen:
    """The screen for a command printing to ``stream`` (stdout)."""
    return Screen(
        width=None if wide else terminal_width(stream),
        color=wants_color(stream, no_color=no_color, env=env),
    )


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a file
        return False


# -- display width ------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (the widest of its lines); control characters count 0."""
    best = 0
    for line in str(text).splitlines() or [""]:
        w = wcwidth.wcswidth(line)
        if w < 0:  # a control character somewhere: count the printable ones
            w = sum(max(wcwidth.wcwidth(c), 0) for c in line)
        best = max(best, w)
    return best


def column_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    widths = [display_width(h) + HEAD_PAD for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width("" if cell is None else str(cell)))
    return widths


def table_width(widths: Sequence[int]) -> int:
    """The width of a "simple" tabulate table with these column widths."""
    return sum(widths) + GAP * max(len(widths) - 1, 0)


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` display columns (CJK has no spaces to
    break at, so lines break between any two characters)."""
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        line, used = "", 0
        for c in para:
            w = max(wcwidth.wcwidth(c), 0)
            if used + w > width and line:
                lines.append(line)
                line, used = "", 0
            line += c
            used += w
        lines.append(line)
    return "\n".join(lines)


def abbreviations(names: Sequence[str], length: int = 4) -> list[str]:
    """Each name cut to its first ``length`` characters, longer where two would read the same."""
    k = length
    while k < max((len(n) for n in names), default=0):
        cut = [n[:k] for n in names]
        if len(set(cut)) == len(cut):
            return cut
        k += 1
    return list(names)


# -- colours --------------------------------------------------------------------------------

_RESET = "\x1b[0m"
_CODES = {"green": "\x1b[32m", "yellow": "\x1b[33m", "red": "\x1b[31m", "bold_red": "\x1b[1;31m"}


def paint(text: str, colour: str | None, on: bool) -> str:
    return f"{_CODES[colour]}{text}{_RESET}" if on and colour and text else text


def grade_colour(grade: str | None, names: Sequence[str]) -> str | None:
    """The best grade green, the worst red, those between yellow; no colour for none."""
    if not grade or grade not in names or len(names) < 2:
        return None
    i = list(names).index(grade)
    return "green" if i == 0 else "red" if i == len(names) - 1 else "yellow"


# -- the ranking -----------------------------------------------------------------------------


@dataclass
class Column:
    """One column of a screen table: ``kind`` says when the fitting gives it up; ``short`` is
    a category's id, its header once names no longer fit (a legend line then names them)."""

    header: str
    kind: str = "keep"  # keep | part | previous | category | adjust | mark
    short: str = ""


@dataclass
class Fitted:
    keep: list[int]  # the indices of the columns kept
    headers: list[str]  # their headers
    mark_width: int | None = None  # the width 标记 wraps to (None: not wrapped)
    legend: bool = False  # category columns headed by their ids: say what each id is


STEPS = ("part", "previous", "abbreviate", "ids", "adjust", "category")


def fit_columns(columns: list[Column], rows: Sequence[Sequence[Any]], width: int | None) -> Fitted:
    """The columns of a table no wider than ``width`` where that can be done, giving up in the
    order of ``STEPS`` (the module's docstring says it in Chinese)."""
    keep = list(range(len(columns)))
    heads = [c.header for c in columns]
    if width is None:
        return Fitted(keep, heads)
    widths = column_widths(heads, rows)
    legend = False

    def total() -> int:
        return table_width([widths[i] for i in keep])

    def rehead(i: int, text: str) -> None:
        heads[i] = text
        widths[i] = max([display_width(text) + HEAD_PAD, *(display_width(str(r[i])) for r in rows)])

    for step in STEPS:
        if total() <= width:
            break
        cats = [i for i in keep if columns[i].kind == "category"]
        if step == "abbreviate":
            for i, short in zip(cats, abbreviations([heads[i] for i in cats]), strict=True):
                rehead(i, short)
        elif step == "ids":
            for i in cats:
                rehead(i, columns[i].short or heads[i])
            legend = bool(cats)
        else:
            gone = ("category", "adjust") if step == "category" else (step,)
            keep = [i for i in keep if columns[i].kind not in gone]
            legend = legend and any(columns[i].kind == "category" for i in keep)
    mark_width = None
    if total() > width:
        marks = [i for i in keep if columns[i].kind == "mark"]
        if marks:
            m = marks[0]
            room = width - (total() - widths[m])
            mark_width = max(room, MARK_MIN, display_width(heads[m]) + HEAD_PAD)
    return Fitted(keep, [heads[i] for i in keep], mark_width, legend)


def fitted_rows(
    rows: Sequence[Sequence[Any]], keep: Sequence[int], wrap_at: dict[int, int] | None = None
) -> list[list[Any]]:
    """``rows`` cut to the columns kept, cells of ``wrap_at`` (index → width) wrapped."""
    wrap_at = wrap_at or {}
    return [[wrap(str(r[i]), wrap_at[i]) if i in wrap_at else r[i] for i in keep] for r in rows]
