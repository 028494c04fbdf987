"""How big a grid calamine will build for a worksheet, decided before it builds it.

calamine turns a sheet into a dense grid from its first to its last cell with
a value, and :class:`~assess.workbook.read.Book` asks for it from A1.  One
number typed at XFD1048576 (Ctrl+End, Ctrl+Down, a slip of the hand) asks for
17 billion cells: the allocation fails inside Rust and the process aborts,
with no exception and no message — a crash where the user needs a sentence.

Every office suite writes the used range near the top of the sheet's XML
(``<dimension ref="A1:H152"/>``), in the bytes the safety check inflates
anyway, so an ordinary workbook costs next to nothing more.  Only a sheet
whose declared range is too big, or that declares none, is counted, and only
when it is read: from the cells calamine keeps (at least those), because a
range swollen by formatting alone reads fine and must not be refused.

A range that is declared wrong (some libraries always write "A1"), a large
sheet that declares none and worksheets stored outside ``xl/worksheets/``
are not counted: proving every cell's position would mean inflating and
scanning every sheet of every workbook, about a fifth of the reading time
(see docs/security.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assess.workbook.xlsx_facts import column_letter

Grid = tuple[int, int]  # (rows, columns) from A1

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
_T_ATTR = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
# Cell types whose empty value calamine keeps (an empty string, a formula giving "").
_KEPT_EMPTY = (b"str", b"d", b"inlineStr")
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
# A sheet is counted only up to this size (about 200,000 cells, a second at most);
# a larger one is refused on its declared range, or read uncounted if it declares none
# (the writers that leave the range out are programs, not people; see docs/security.md).
SCAN_MAX = 8 << 20


def _column(letters: bytes) -> int:
    """1-based column number of spreadsheet letters: A → 1, AA → 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n


def is_worksheet(lname: str) -> bool:
    """Whether a (lower-cased) zip member is a worksheet where office suites put them."""
    return _WORKSHEET.fullmatch(lname) is not None


def declared_grid(head: bytes) -> Grid | None:
    """The grid from A1 to the last cell of the declared range; None if not declared."""
    m = _DIMENSION.search(head)
    return None if m is None else (int(m.group(2)), _column(m.group(1)))


def grid_unsettled(lname: str, head: bytes, max_cells: int) -> tuple[bool, Grid | None]:
    """(whether the head settles the member's grid, the declared grid): a member that
    is no worksheet, or a worksheet declaring a grid within the limit, is settled."""
    if not is_worksheet(lname):
        return True, None
    grid = declared_grid(head)
    return grid is not None and grid[0] * grid[1] <= max_cells, grid


def grid_bound(xml: bytes) -> Grid | None:
    """The grid to the last cell, empty cells included, when every cell states its
    position first (``<c r="H152"``, as every office suite writes); else None.

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


def used_grid(xml: bytes) -> Grid:
    """The grid to the last cell calamine keeps, placed as calamine places it; never smaller.

    A row without ``r`` follows the row before it (cells do not move the row
    count); a cell without ``r`` follows the cell before it, in the current
    row.  A cell counts when its ``<v>`` has anything in it, when it holds an
    inline string, or when it is of a type whose empty value calamine keeps
    (a formula giving "" is saved as ``t="str"`` with an empty ``<v>``).
    """
    rows = cols = 0
    row = col = 0  # the current <row>'s number; the last cell's column
    cell: Grid | None = None
    kept_empty = False
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
            here = row
            if r:
                here, col = int(r.group(2)), _column(r.group(1))
            else:
                col += 1
            t = _T_ATTR.search(attrs)
            kept_empty = t is not None and t.group(1) in _KEPT_EMPTY
            cell = None if empty else (here, col)
        elif cell is not None and (
            name == b"is" or kept_empty or (not empty and xml[m.end() : m.end() + 2] != b"</")
        ):
            rows, cols = max(rows, cell[0]), max(cols, cell[1])
    return rows, cols


def refusal(
    sheet: str, size: int, declared: Grid | None, read: Callable[[], bytes], max_cells: int
) -> str | None:
    """Why ``sheet`` (``size`` bytes of XML, read by ``read``) must not reach calamine; None to read it."""
    if size > SCAN_MAX:
        if declared is None:
            return None
        rows, cols = declared
        return (
            f"工作表“{sheet}”声明的数据范围到 {_cell(rows, cols)} 单元格为止,从 A1 算起共 {_cells(rows * cols)},"
            f"超过上限 {max_cells:,} 个(表很大,不逐格核对);通常是远处的单元格误填了内容或设置了格式,"
            "请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
        )
    xml = read()
    grid = grid_bound(xml)
    if grid is None or grid[0] * grid[1] > max_cells:
        grid = used_grid(xml)
    rows, cols = grid
    if rows * cols <= max_cells:
        return None
    return (
        f"工作表“{sheet}”的内容一直延伸到 {_cell(rows, cols)} 单元格,从 A1 算起共 {_cells(rows * cols)},"
        f"超过上限 {max_cells:,} 个;通常是远处的单元格误填了内容,"
        "请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
    )


def _cell(rows: int, cols: int) -> str:
    return f"{column_letter(cols - 1)}{rows}"


def _cells(n: int) -> str:
    """A count exactly, and in 亿 as a Chinese reader says a large one."""
    return f"{n:,} 个单元格" + (f"(约 {n / 100_000_000:.1f} 亿个)" if n >= 100_000_000 else "")
