"""Screen tables fitted to the terminal by steps: the tables of sensitivity, diff, explain, check.

The ranking and the score sheet have their own fitting (:mod:`assess.render.fit`); every
other table printed on the screen is fitted here the same way: by display width (CJK
characters take two columns), giving up width in a fixed, documented order until the table
fits.  Each table lists its :class:`Step`s; a step

- ``short``: shows a column with a shorter header or shorter cells (a file's name without
  its folder);
- ``wrap``: wraps columns of long text, sharing the width the others leave (each at least
  ``least`` columns and never narrower than its header);
- ``drop``: leaves columns out.

The steps are taken one by one only while the table is wider than the screen; the full
table (``--wide``, or ``-o``, or a library call) takes none.  The order of each table is
in its module's docstring and in docs/output.md (终端中的表格).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tabulate import tabulate

from assess.render import fit

_RUN = re.compile(r"[!-~]+|.", re.DOTALL)  # a run of printable ASCII (a number, a name), or one character


@dataclass(frozen=True)
class Step:
    kind: str  # short | wrap | drop
    columns: tuple[int, ...]
    least: int = fit.NAME_NARROW
    header: str | None = None
    cell: Callable[[str], str] | None = None


def short(column: int, *, header: str | None = None, cell: Callable[[str], str] | None = None) -> Step:
    return Step("short", (column,), header=header, cell=cell)


def wrap(*columns: int, least: int = fit.NAME_NARROW) -> Step:
    return Step("wrap", columns, least=least)


def drop(*columns: int) -> Step:
    return Step("drop", columns)


def wrap_text(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` display columns, breaking between any two CJK
    characters but not inside a number or a Latin word that fits on a line of its own, and
    starting no line with a closing mark (,。;)…) nor ending one with an opening mark (“(…)."""
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        line = ""
        for token in _RUN.findall(para):
            if fit.display_width(token) > width:  # longer than a line: cut anywhere
                for c in token:
                    line = _add(lines, line, c, width)
                continue
            line = _add(lines, line, token, width)
        lines.append(line)
    return "\n".join(lines)


_CLOSING = set(",。、;:?!)」』”’》】〉…—,.;:?!)]}%")
_OPENING = set("(「『“‘《【〈([{")


def _add(lines: list[str], line: str, token: str, width: int) -> str:
    """``line`` with ``token`` after it, or the line ended before it (in ``lines``)."""
    if not line or fit.display_width(line + token) <= width:
        return line + token
    if token == " ":
        lines.append(line.rstrip())
        return ""
    carry = ""
    if token[0] in _CLOSING or line[-1] in _OPENING:
        # one character down with the mark, where that still fits on the new line
        k = len(line) - 1
        if k > 0 and fit.display_width(line[k:] + token) <= width and line[k - 1] not in _OPENING:
            line, carry = line[:k], line[k:]
    lines.append(line.rstrip())
    return carry + token


@dataclass
class _Layout:
    headers: list[str]
    rows: list[list[str]]
    keep: list[int]
    least: dict[int, int] = field(default_factory=dict)  # wrapped columns: their least width

    def natural(self) -> list[int]:
        return fit.column_widths(self.headers, self.rows)

    def widths(self, width: int) -> dict[int, int]:
        """Each kept column's width, the wrapped ones sharing what the others leave."""
        natural = self.natural()
        out = {i: natural[i] for i in self.keep if i not in self.least}
        wrapped = [i for i in self.keep if i in self.least]
        room = width - sum(out.values()) - fit.GAP * max(len(self.keep) - 1, 0)
        floor = {
            i: min(natural[i], max(self.least[i], fit.display_width(self.headers[i]) + fit.HEAD_PAD))
            for i in wrapped
        }

        def used(level: int) -> int:
            return sum(min(natural[i], max(floor[i], level)) for i in wrapped)

        lo, hi = 0, max((natural[i] for i in wrapped), default=0)
        while lo < hi:  # the highest level whose widths fit in the room
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if used(mid) <= room else (lo, mid - 1)
        out.update({i: min(natural[i], max(floor[i], lo)) for i in wrapped})
        return out

    def total(self, width: int) -> int:
        return fit.table_width(list(self.widths(width).values()))


def fit_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    steps: Sequence[Step],
    width: int | None,
    *,
    paint: dict[int, Callable[[str], str]] | None = None,
) -> str:
    """The table ("simple" format) as wide as the screen allows: ``steps`` taken in order
    while it is wider than ``width`` (the screen's, ``fit.current().width``; None: the full
    table).  ``paint`` colours a column's cells once the widths are settled."""
    lay = _Layout(
        list(headers), [["" if c is None else str(c) for c in r] for r in rows], [*range(len(headers))]
    )
    if width is not None and lay.rows:
        for step in steps:
            if lay.total(width) <= width:
                break
            _take(lay, step)
    widths = lay.widths(width) if width is not None and lay.least else {}
    natural = lay.natural()
    cut = {i: widths[i] for i in lay.least if i in widths and widths[i] < natural[i]}
    shown = [[wrap_text(r[i], cut[i]) if i in cut else r[i] for i in lay.keep] for r in lay.rows]
    for i, colour in (paint or {}).items():
        if i in lay.keep:
            k = lay.keep.index(i)
            for row in shown:
                row[k] = colour(row[k])
    return tabulate(
        shown, headers=[lay.headers[i] for i in lay.keep], tablefmt="simple", disable_numparse=True
    )


def _take(lay: _Layout, step: Step) -> None:
    if step.kind == "drop":
        lay.keep = [i for i in lay.keep if i not in step.columns]
    elif step.kind == "wrap":
        for i in step.columns:
            lay.least[i] = step.least
    elif step.kind == "short":
        for i in step.columns:
            if step.header is not None:
                lay.headers[i] = step.header
            if step.cell is not None:
                for row in lay.rows:
                    row[i] = step.cell(row[i])
    else:  # pragma: no cover - the steps are made by the functions above
        raise ValueError(step.kind)


__all__ = ["Step", "drop", "fit_table", "short", "wrap", "wrap_text"]
