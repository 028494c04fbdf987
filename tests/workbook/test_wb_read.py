"""Book: raw rows as calamine gives them, plus what calamine drops for .xlsx; CSV encodings."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from wbfixtures import county_xlsx, ods, patch_xlsx, sheet_member

from assess.errors import WorkbookError
from assess.workbook.read import column_index, column_letter, open_book
from assess.workbook.values import NO_CACHED_VALUE, PercentCell


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
    assert all(column_index(column_letter(i)) == i for i in range(2000))


def _book_with_formulas(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "数据"
    ws.append(["名称", 1, 2])
    ws["A2"] = "=1/0"  # cached value patched in below
    ws["B2"] = "=SUM(B1:C1)"  # openpyxl writes no cached value
    ws["C2"] = 0.823
    ws["C2"].number_format = "0.0%"
    ws["D2"] = 1
    ws["D2"].number_format = "0%"
    ws["E2"] = 0.5
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "f.xlsx")
    member = sheet_member(tmp_path / "f.xlsx", "数据")
    return patch_xlsx(
        tmp_path / "f.xlsx",
        member,
        '<c r="A2"><f>1/0</f><v></v></c>',
        '<c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F2" t="e"><v>#N/A</v></c>',
    )


def test_xlsx_errors_formulas_and_percent_formats(tmp_path: Path) -> None:
    with open_book(_book_with_formulas(tmp_path)) as book:
        assert [(s.name, s.visible) for s in book.sheets] == [
            ("数据", "visible"),
            ("隐藏", "hidden"),
        ]
        rows = book.rows("数据")
        assert rows[0] == ["名称", 1.0, 2.0, "", "", ""]
        assert rows[1][:2] == ["", ""] and rows[1][5] == ""  # as calamine reads them
        assert book.blank_facts("数据") == {
            (1, 0): "#DIV/0!",
            (1, 1): NO_CACHED_VALUE,
            (1, 5): "#N/A",
        }
        assert book.percent_cells("数据", [2, 3, 4]) == {2: {1}, 3: {1}}
        values, whole = book.refine_column("数据", 2, [0, 1], rows[0][2:3] + rows[1][2:3], percent=True)
        assert values == [2.0, 0.823] and type(values[1]) is PercentCell and not whole
        assert book.refine_column("数据", 2, [1], [0.823], percent=True) == ([0.823], True)
        values, _whole = book.refine_column("数据", 0, [0, 1], ["名称", ""], percent=False)
        assert values == ["名称", "#DIV/0!"]


def test_xlsx_without_percent_formats_is_not_scanned(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["a", 0.5])
    wb.save(tmp_path / "plain.xlsx")
    with open_book(tmp_path / "plain.xlsx") as book:
        rows = book.rows("Sheet")
        assert book.refine_column("Sheet", 1, [0], [rows[0][1]], percent=True) == ([0.5], False)
        assert book.memo == {} and book.percent_cells("Sheet", [1]) == {}


def test_rows_keep_absolute_positions(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["C3"] = "x"
    wb.save(tmp_path / "p.xlsx")
    with open_book(tmp_path / "p.xlsx") as book:
        assert book.rows("Sheet")[2][2] == "x"


def test_sheet_lookup_tolerant_and_ambiguous(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标数据(2024)"
    wb.create_sheet("村级明细（全）")
    wb.create_sheet("村级明细(全)")
    wb.save(tmp_path / "s.xlsx")
    with open_book(tmp_path / "s.xlsx") as book:
        assert book.find_sheet("指标数据（2024）") == ("指标数据(2024)", None)
        assert book.find_sheet("不存在") == (None, None)
        name, finding = book.find_sheet("村级明细 ( 全 )")
        assert name is None and finding is not None
        assert finding.message == (
            "有多个工作表名称仅全角/半角或空格不同(“村级明细（全）”“村级明细(全)”),"
            "无法确定读取哪一个,请删除或改名多余的工作表"
        )
        name, finding = book.find_sheet("村级明细(全)")
        assert name == "村级明细(全)" and finding is not None and finding.severity == "warning"


@pytest.mark.parametrize(
    ("encoding", "prefix"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")]
)
def test_csv_encodings(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    p = tmp_path / "汇总.csv"
    p.write_bytes(prefix + '县(市、区),农村居民人均可支配收入\n甲县,"18,500"\n'.encode(encoding))
    with open_book(p) as book:
        assert book.format == "csv" and book.sheet_names == ["汇总"]
        assert book.rows("汇总") == [["县(市、区)", "农村居民人均可支配收入"], ["甲县", "18,500"]]


def test_ods(tmp_path: Path) -> None:
    p = ods(tmp_path / "表.ods", {"数据": [["名称", 1.5], ["x", "#DIV/0!"]]})
    with open_book(p) as book:
        assert book.format == "ods" and not book.formats_known
        assert book.rows("数据") == [["名称", 1.5], ["x", "#DIV/0!"]]


def test_county_fixture_opens(tmp_path: Path) -> None:
    with open_book(county_xlsx(tmp_path / "县.xlsx")) as book:
        rows = book.rows("指标数据")
        assert rows[0][0] == "2024年度乡村振兴实绩考核数据填报表"
        assert rows[2][:4] == ["指标编码", "指标名称", "计量单位", "本年数值"]


def test_paused_gc_freezes_a_big_read_and_nothing_small() -> None:
    """What a big read left alive is frozen (not walked by the next collection); small reads are not."""
    import gc

    from assess.workbook.read import FREEZE_FROM, paused_gc

    gc.unfreeze()
    try:
        with paused_gc():
            small = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == 0 and gc.isenabled()
        with paused_gc():
            big = [[i] for i in range(FREEZE_FROM + 1000)]
        assert gc.get_freeze_count() >= FREEZE_FROM and gc.isenabled()
        assert len(small) + len(big) == FREEZE_FROM + 2000
    finally:
        gc.unfreeze()


class _Panicking:
    """A calamine workbook whose sheet read panics in Rust (pyo3's PanicException is a BaseException)."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def get_sheet_by_name(self, name: str) -> object:
        raise self.exc


class PanicException(BaseException):  # what pyo3 raises; not importable from python_calamine
    pass


def test_a_panic_in_calamine_is_a_message(tmp_path: Path) -> None:
    book = open_book(county_xlsx(tmp_path / "恐慌.xlsx"))
    book._wb = _Panicking(PanicException("index out of bounds"))
    with pytest.raises(WorkbookError) as e:
        book.rows(book.sheet_names[0])
    assert e.value.message == (
        f"无法读取“恐慌.xlsx”:工作表“{book.sheet_names[0]}”无法读取,文件可能已损坏(技术信息:index out of bounds)"
    )


def test_ctrl_c_while_calamine_reads_is_not_a_message(tmp_path: Path) -> None:
    book = open_book(county_xlsx(tmp_path / "中断.xlsx"))
    book._wb = _Panicking(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        book.rows(book.sheet_names[0])
