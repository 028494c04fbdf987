"""A sheet whose grid would exhaust memory is refused before calamine builds it (assess.workbook.extent).

calamine allocates the whole grid from A1 to the last cell with a value and
aborts the process when it cannot: these tests pin the refusal message, that
formatting alone never causes a refusal, and that the counting agrees with
calamine on generated sheets.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font
from wbfixtures import minimal_xlsx, patch_xlsx

from assess.errors import WorkbookError
from assess.workbook import extent, safety
from assess.workbook.extent import declared_grid, grid_bound, used_grid
from assess.workbook.read import open_book
from assess.workbook.safety import Limits

FAR = (
    "工作表“数据”的内容一直延伸到 XFD1048576 单元格,从 A1 算起共 17,179,869,184 个单元格(约 171.8 亿个),"
    "超过上限 50,000,000 个;通常是远处的单元格误填了内容,请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
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


def _refused(path: Path, sheet: str = "数据", **kw: object) -> str:
    with open_book(path, **kw) as book, pytest.raises(WorkbookError) as e:  # type: ignore[arg-type]
        book.rows(sheet)
    assert e.value.location.file == str(path)
    return e.value.message


@pytest.mark.parametrize("in_memory", [True, False])
def test_far_value_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: bool) -> None:
    if not in_memory:  # the path of files over 8 MiB: zipfile instead of the in-memory directory
        monkeypatch.setattr(safety, "_IN_MEMORY", 0)
    p = _book(tmp_path / "远处.xlsx")
    assert _refused(p) == f"无法读取“远处.xlsx”:{FAR}"


def test_far_value_refused_without_declared_range(tmp_path: Path) -> None:
    p = _book(tmp_path / "无范围.xlsx")
    patch_xlsx(p, "xl/worksheets/sheet1.xml", '<dimension ref="A1:XFD1048576"/>', "")
    assert _refused(p) == f"无法读取“无范围.xlsx”:{FAR}"


def test_far_formula_giving_empty_text_refused(tmp_path: Path) -> None:
    """Excel saves a formula that gives "" as t="str" with an empty value; calamine keeps it."""
    p = _book(tmp_path / "公式.xlsx", far_value=False, far_style=True)
    patch_xlsx(
        p,
        "xl/worksheets/sheet1.xml",
        '<c r="XFD1048576" s="1" t="n"></c>',
        '<c r="XFD1048576" t="str"><f>""</f><v></v></c>',
    )
    assert _refused(p) == f"无法读取“公式.xlsx”:{FAR}"


def test_far_formatting_alone_reads(tmp_path: Path) -> None:
    """A range swollen by a formatted empty cell is what calamine reads without trouble."""
    p = _book(tmp_path / "格式.xlsx", far_value=False, far_style=True)
    with open_book(p) as book:
        assert book.rows("数据") == [["编码", "数值"], ["A01", 3.0]]


def test_only_the_sheets_read_are_refused(tmp_path: Path) -> None:
    p = _book(tmp_path / "两张.xlsx", far_value=False)
    wb = openpyxl.load_workbook(p)
    far = wb.create_sheet("草稿")
    far["XFD1048576"] = 1
    far.sheet_state = "hidden"
    wb.save(p)
    with open_book(p) as book:
        assert book.rows("数据") == [["编码", "数值"], ["A01", 3.0]]
    assert _refused(p, "草稿").startswith(
        "无法读取“两张.xlsx”:工作表“草稿”的内容一直延伸到 XFD1048576 单元格"
    )


def test_a_large_sheet_is_refused_on_its_declared_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extent, "SCAN_MAX", 10)  # the sheet counts as too large to count cell by cell
    p = _book(tmp_path / "大表.xlsx", far_value=False, far_style=True)
    assert _refused(p) == (
        "无法读取“大表.xlsx”:工作表“数据”声明的数据范围到 XFD1048576 单元格为止,从 A1 算起共 17,179,869,184 个单元格"
        "(约 171.8 亿个),超过上限 50,000,000 个(表很大,不逐格核对);通常是远处的单元格误填了内容或设置了格式,"
        "请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
    )
    _book(p, far_value=False)  # a large sheet that declares a small range is read uncounted
    with open_book(p) as book:
        assert len(book.rows("数据")) == 2


def test_same_bytes_elsewhere_do_not_vouch_for_a_sheet(tmp_path: Path) -> None:
    """The cache of checked parts is keyed by what was checked: a copy of the sheet's bytes
    passed as another part says nothing about the sheet's grid."""
    p = _book(tmp_path / "诱饵.xlsx")
    with zipfile.ZipFile(p) as z:
        members = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/decoy.xml", members["xl/worksheets/sheet1.xml"])
        for n, d in members.items():
            z.writestr(n, d)
    assert _refused(p) == f"无法读取“诱饵.xlsx”:{FAR}"


def test_limit_is_a_setting(tmp_path: Path) -> None:
    p = _book(tmp_path / "小.xlsx", far_value=False)
    assert _refused(p, limits=Limits(max_cells=3)) == (
        "无法读取“小.xlsx”:工作表“数据”的内容一直延伸到 B2 单元格,从 A1 算起共 4 个单元格,超过上限 3 个;"
        "通常是远处的单元格误填了内容,请在 Excel 或 WPS 中删除多余的行和列后另存再提交"
    )
    with open_book(p, limits=Limits(max_cells=4)) as book:
        assert len(book.rows("数据")) == 2


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


_KINDS = {  # (type, content); content None: a formatted cell without content, <c s="0"/>
    "number": ("", "<v>7</v>"),
    "text": ("inlineStr", "<is><t>文字</t></is>"),
    "empty text": ("inlineStr", "<is/>"),
    "empty": ("", "<v></v>"),
    "formula giving empty text": ("str", '<f>""</f><v></v>'),
    "formula without a value": ("", "<f>1+1</f>"),
    "style": ("", None),
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
            t, content = _KINDS[draw(st.sampled_from(sorted(_KINDS)))]
            ref = f' r="{openpyxl.utils.get_column_letter(col)}{row}"' if placed else ""
            typ = f' t="{t}"' if t else ""
            cells.append(f'<c{ref}{typ} s="0"/>' if content is None else f"<c{ref}{typ}>{content}</c>")
        number = f' r="{row}"' if numbered else ""
        rows.append(f"<row{number}>{''.join(cells)}</row>")
    body = "".join(rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def _calamine_grid(path: Path) -> tuple[int, int]:
    """(rows, columns) of the grid calamine gives for the sheet, from A1."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name("表").to_python(skip_empty_area=False)
    return (len(rows), len(rows[0])) if rows else (0, 0)


@settings(max_examples=60, deadline=None)
@given(_sheets())
def test_counting_agrees_with_calamine(tmp_path_factory: pytest.TempPathFactory, xml: bytes) -> None:
    path = tmp_path_factory.mktemp("grid") / "手写.xlsx"
    path.write_bytes(minimal_xlsx(xml))
    grid = _calamine_grid(path)
    assert used_grid(xml) == grid
    bound = grid_bound(xml)
    if bound is not None:  # every cell placed: all cells, empty ones too, bound the grid
        assert bound[0] >= grid[0] and bound[1] >= grid[1]


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="9"><c r="A1"><v>2</v></c></row><row><c><v>3</v></c></row>',  # a row counts from the row before
        '<row r="9"><c r="A1"><v>2</v></c><c><v>5</v></c></row>',  # a cell from the cell before, in its row
        '<row r="3"><c r="C3" t="str"><v/></c></row>',
        '<row r="3"><c r="C3" t="d"><v></v></c></row>',
        '<row r="3"><c r="C3" t="str"><v><![CDATA[x]]></v></c></row>',
        '<row r="3"><c r="C3" t="s"><v></v></c><c r="B2" t="e"><v></v></c></row>',
    ],
)
def test_hand_written_cases_agree_with_calamine(tmp_path: Path, rows: str) -> None:
    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()
    path = tmp_path / "手写.xlsx"
    path.write_bytes(minimal_xlsx(xml))
    grid = _calamine_grid(path)
    assert used_grid(xml) == grid
