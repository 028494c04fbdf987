"""How big a grid calamine will build for a worksheet, decided before it builds it.

calamine turns a sheet into a dense grid from its first to its last cell with
a value, and :class:`~assess.workbook.read.Book` asks for it from A1.  One
number typed at XFD1048576 (Ctrl+End, Ctrl+Down, a slip of the hand) asks for
17 billion cells: the allocation fails inside Rust and the process aborts,
with no exception and no message — a crash where the user needs a sentence.

Every office suite writes the used range near the top of the sheet's XML
(``<dimension ref="A1:H152"/>``), in the bytes the safety check inflates
anyway, so an ordinary workbook costs nothing more.  Only a sheet whose
declared range is too big, or that declares none, is scanned: the grid is
counted from the cells calamine keeps (those with a value), because a range
swollen by formatting alone reads fine and must not be refused.

A file made to lie about its range is not caught here: proving every cell's
position would mean inflating and scanning every sheet of every workbook,
about a fifth of the reading time (see docs/security.md).
"""

from __future__ import annotations

import re
from pathlib import Path

_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
# The last cell of the declared range ("A1:H152" → H, 152; a single cell "A1" → A, 1).
_DIMENSION = re.compile(
    rb"<"
    + _PREFIX
    + rb"dimension\b[^>]*?\sref\s*=\s*[\"'](?:[^\"':]*:)?\$?([A-Za-z]{1,4})\$?([0-9]{1,10})[\"']"
)
# Where a worksheet's head has said all it will: the dimension (schema order puts it
# before the data) or the start of the data itself.
HEAD_DONE = re.compile(rb"<" + _PREFIX + rb"(?:sheetData\b|dimension\b[^>]*>)")
_CELL_OPEN = (b"<c ", b"<c>", b"<c/>", b"<c\t", b"<c\n", b"<c\r")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,10})"')
_TAG = re.compile(rb"<(/?)" + _PREFIX + rb"(row|c|v|is)\b([^>]*?)(/?)>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,4})\$?([0-9]{1,10})["']""")
_ROW_ATTR = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,10})["']""")


def _column(letters: bytes) -> int:
    """1-based column number of spreadsheet letters: A → 1, AA → 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def declared_grid(head: bytes) -> tuple[int, int] | None:
    """(rows, columns) from A1 to the last cell of the declared range; None if not declared."""
    m = _DIMENSION.search(head)
    return None if m is None else (int(m.group(2)), _column(m.group(1)))


def grid_bound(xml: bytes) -> tuple[int, int] | None:
    """(rows, columns) from A1 to the last cell, empty cells included, when every cell
    states its position first (``<c r="H152"``, as every office suite writes); else None.

    At C speed but for one list of positions, so a sheet that declares no range
    and holds nothing unusual is settled without :func:`used_grid`.
    """
    refs = _CELL_REF.findall(xml)
    if len(refs) != sum(xml.count(t) for t in _CELL_OPEN) or b":c " in xml or b":c>" in xml:
        return None  # a cell placed by counting, or under a namespace prefix
    if not refs:
        return 0, 0
    longest = max(len(c) for c, _ in refs)
    return max(int(r) for _, r in refs), max(_column(c) for c, _ in refs if len(c) == longest)


def used_grid(xml: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the last cell holding a value, placed as calamine places them.

    A cell without ``r`` follows the one before it; a row without ``r``
    follows the row before it.  A cell counts once it has a non-empty
    ``<v>`` or an inline string; empty and formatted-only cells do not.
    """
    rows = cols = 0
    row, col = 0, 0  # 1-based position of the current row / last cell
    cell: tuple[int, int] | None = None
    for m in _TAG.finditer(xml):
        closing, name, attrs, empty = m.groups()
        if closing:
            if name == b"c":
                cell = None
            continue
        if name == b"row":
            r = _ROW_ATTR.search(attrs)
            row = int(r.group(1)) if r else row + 1
            col = 0
        elif name == b"c":
            r = _R_ATTR.search(attrs)
            if r:
                row, col = int(r.group(2)), _column(r.group(1))
            else:
                col += 1
            cell = None if empty else (row, col)
        elif (
            cell is not None
            and not empty
            and (name == b"is" or xml[m.end() : m.end() + 1] not in (b"<", b""))
        ):
            rows, cols = max(rows, cell[0]), max(cols, cell[1])
    return rows, cols


_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
# A worksheet that declares no range is counted only up to this size: the writers
# that leave it out are programs, not people, and counting a province's table
# would cost seconds (see docs/security.md).
SCAN_UNDECLARED_MAX = 8 << 20


def is_worksheet(lname: str) -> bool:
    """Whether a (lower-cased) zip member is a worksheet where office suites put them."""
    return _WORKSHEET.fullmatch(lname) is not None


def grid_unsettled(lname: str, size: int, head: bytes, max_cells: int) -> bool:
    """Whether a member is a worksheet whose grid must be counted: its declared range
    is too big, or it declares none and is small enough to count."""
    if not is_worksheet(lname):
        return False
    grid = declared_grid(head)
    if grid is None:
        return size <= SCAN_UNDECLARED_MAX
    return grid[0] * grid[1] > max_cells


def oversized(xml: bytes, max_cells: int) -> tuple[int, int] | None:
    """The grid of a sheet that calamine should not be asked to build; None if it is fine.

    All cells first (cheap); only when that is too big, or cannot be told,
    the cells with a value, as calamine counts them.
    """
    grid = grid_bound(xml)
    if grid is None or grid[0] * grid[1] > max_cells:
        grid = used_grid(xml)
    return grid if grid[0] * grid[1] > max_cells else None


def too_big(path: Path, member: str, rows: int, cols: int, max_cells: int) -> str:
    """The refusal, naming the sheet as the user sees it and the cell to clear."""
    from assess.workbook.xlsx_facts import XlsxFacts, column_letter

    try:
        names = {part.lower(): name for name, part in XlsxFacts(path).parts.items()}
    except Exception:  # the sheet's name only helps the message
        names = {}
    sheet = f"工作表“{names[member.lower()]}”" if member.lower() in names else f"工作表 {member} "
    return (
        f"{sheet}的内容一直延伸到 {column_letter(cols - 1)}{rows} 单元格,从 A1 算起共 {_count(rows * cols)}"
        f"个单元格,超过上限 {_count(max_cells)}个;通常是远处的单元格误填了内容,"
        "请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
    )


def _count(n: int) -> str:
    """A large count the way a Chinese reader says it: 171.8 亿, 5000 万."""
    if n >= 100_000_000:
        return f"{n / 100_000_000:.1f} 亿"
    return f"{n // 10_000} 万" if n >= 10_000 else f"{n} "
