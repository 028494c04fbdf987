"""A sheet whose grid would exhaust memory is refused before calamine builds it (assess.workbook.extent).

calamine allocates the whole grid from A1 to the last cell with a value and
aborts the process when it cannot: these tests pin the refusal message, that
formatting alone never causes a refusal, and that the counting agrees with
calamine on generated sheets.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font
from wbfixtures import minimal_xlsx, patch_xlsx

from assess.errors import WorkbookError
from assess.workbook import safety
from assess.workbook.extent import declared_grid, grid_bound, used_grid
from assess.workbook.read import open_book
from assess.workbook.safety import Limits

FAR = (
    "工作表“数据”的内容一直延伸到 XFD1048576 单元格,从 A1 算起共 171.8 亿个单元格,超过上限 5000 万个;"
    "通常是远处的单元格误填了内容,请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
)


def _book(path: Path, far_value: bool = True, far_style: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "数据"
    ws.append(["编码", "数值"])
    ws.append(["A01", 3])
    if far_value:
        ws["XFD1048576"] = 1
    if far_style:
        ws["XFD1048576"].font = Font(bold=True)
    wb.save(path)
    return path


@pytest.mark.parametrize("in_memory", [True, False])
def test_far_value_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: bool) -> None:
    if not in_memory:  # the path of files over 8 MiB: zipfile instead of the in-memory directory
        monkeypatch.setattr(safety, "_IN_MEMORY", 0)
    p = _book(tmp_path / "远处.xlsx")
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert e.value.message == f"无法读取“远处.xlsx”:{FAR}"
    assert e.value.location.file == str(p)


def test_far_value_refused_without_declared_range(tmp_path: Path) -> None:
    p = _book(tmp_path / "无范围.xlsx")
    patch_xlsx(p, "xl/worksheets/sheet1.xml", '<dimension ref="A1:XFD1048576"/>', "")
    with pytest.raises(WorkbookError) as e:
        open_book(p)
    assert e.value.message == f"无法读取“无范围.xlsx”:{FAR}"


def test_far_formatting_alone_reads(tmp_path: Path) -> None:
    """A range swollen by a formatted empty cell is what calamine reads without trouble."""
    p = _book(tmp_path / "格式.xlsx", far_value=False, far_style=True)
    with open_book(p) as book:
        assert book.rows("数据") == [["编码", "数值"], ["A01", 3.0]]


def test_limit_is_a_setting(tmp_path: Path) -> None:
    p = _book(tmp_path / "小.xlsx", far_value=False)
    with pytest.raises(WorkbookError) as e:
        open_book(p, limits=Limits(max_cells=3))
    assert e.value.message == (
        "无法读取“小.xlsx”:工作表“数据”的内容一直延伸到 B2 单元格,从 A1 算起共 4 个单元格,超过上限 3 个;"
        "通常是远处的单元格误填了内容,请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
    )
    open_book(p, limits=Limits(max_cells=4)).close()


@pytest.mark.parametrize(
    ("head", "grid"),
    [
        (b'<worksheet><dimension ref="A1:H152"/><sheetData>', (152, 8)),
        (b'<x:worksheet><x:dimension ref="B3"/><x:sheetData>', (3, 2)),
        (b"<worksheet><dimension ref='$A$1:$AB$10'/>", (10, 28)),
        (b"<worksheet><sheetData>", None),
        (b'<worksheet><dimension ref="?"/>', None),
    ],
)
def test_declared_grid(head: bytes, grid: tuple[int, int] | None) -> None:
    assert declared_grid(head) == grid


_KINDS = {
    "number": "<v>7</v>",
    "text": "<is><t>文字</t></is>",
    "empty": "<v></v>",
    "style": None,  # a formatted cell without content: <c s="0"/>
}


@st.composite
def _sheets(draw: st.DrawFn) -> bytes:
    """Sparse sheets with and without cell and row positions, values and formatted-only cells."""
    rows: list[str] = []
    row = 0
    for _ in range(draw(st.integers(0, 6))):
        numbered = draw(st.booleans())
        row += draw(st.integers(1, 40)) if numbered else 1  # a row without r follows the one before
        cells, col = [], 0
        for _ in range(draw(st.integers(0, 5))):
            placed = draw(st.booleans())
            col += draw(st.integers(1, 30)) if placed else 1
            kind = _KINDS[draw(st.sampled_from(sorted(_KINDS)))]
            ref = f' r="{openpyxl.utils.get_column_letter(col)}{row}"' if placed else ""
            typ = ' t="inlineStr"' if kind and "<is>" in kind else ""
            cells.append(f'<c{ref}{typ} s="0"/>' if kind is None else f"<c{ref}{typ}>{kind}</c>")
        number = f' r="{row}"' if numbered else ""
        rows.append(f"<row{number}>{''.join(cells)}</row>")
    body = "".join(rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    ).encode()


@settings(max_examples=60, deadline=None)
@given(_sheets())
def test_counting_agrees_with_calamine(tmp_path_factory: pytest.TempPathFactory, xml: bytes) -> None:
    path = tmp_path_factory.mktemp("grid") / "手写.xlsx"
    path.write_bytes(minimal_xlsx(xml))
    grid = (
        python_calamine.CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name("表")
        .to_python(skip_empty_area=False)
    )
    assert used_grid(xml) == ((len(grid), len(grid[0])) if grid else (0, 0))
    bound = grid_bound(xml)
    if bound is not None:  # every cell placed: all cells, empty ones too, bound the grid
        assert bound[0] >= len(grid) and bound[1] >= (len(grid[0]) if grid else 0)
