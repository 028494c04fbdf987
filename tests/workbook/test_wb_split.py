"""A big sheet read by two processes gives exactly the rows of one read (assess.workbook.split)."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import signal
import tempfile
import time
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wbfixtures import minimal_xlsx as _xlsx

from assess.commands.common import load_plan
from assess.workbook import read as read_mod
from assess.workbook import split
from assess.workbook.data import UnitData
from assess.workbook.load import read_file
from assess.workbook.xlsx_facts import XlsxFacts

PART = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _split_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sheet counts as big here; splitting is allowed (other tests may have turned it off)."""
    monkeypatch.setattr(split, "SPLIT_FROM", 0)
    split.allow(True)


def _plain(path: Path, sheet: str) -> list[list[object]]:
    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        wb.close()


cells = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(-1e9, 1e9, allow_nan=False).map(lambda x: round(x, 3)),
    st.text("村县甲乙0123 ab<&>\"'", min_size=1, max_size=6),
    st.booleans(),
    st.dates(dt.date(1950, 1, 1), dt.date(2060, 1, 1)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    grid=st.lists(st.lists(cells, min_size=1, max_size=6), min_size=2, max_size=40),
    top=st.integers(0, 3),
    left=st.integers(0, 3),
    share=st.floats(0.05, 0.95),
)
def test_split_equals_one_read(grid: list[list[object]], top: int, left: int, share: float) -> None:
    # openpyxl writes shared strings, styles for dates and a second sheet: what real files have
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "大表.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "汇总表"
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v is not None:
                    ws.cell(row=top + r + 1, column=left + c + 1, value=v)
        wb.create_sheet("说明").append(["填表说明"])
        wb.save(path)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(split, "HEAD_SHARE", share)
            got = split.split_rows(path, PART, "汇总表", {"xl/worksheets/sheet2.xml"})
        want = _plain(path, "汇总表")
        if got is not None:
            assert got == want
        else:  # only a cut past the last row (or an empty sheet) may decline
            assert share > 0.5 or not any(v is not None for row in grid for v in row)


def _sheet(rows: str, ns: str = "") -> bytes:
    p = f"{ns}:" if ns else ""
    xmlns = f"xmlns:{ns}" if ns else "xmlns"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><{p}dimension ref="A1:C9"/><{p}sheetData>{rows}</{p}sheetData>'
        f'<{p}mergeCells count="1"><{p}mergeCell ref="A1:B1"/></{p}mergeCells></{p}worksheet>'
    ).encode()


def _row(r: int | None, values: list[float], ns: str = "") -> str:
    p = f"{ns}:" if ns else ""
    num = f' r="{r}"' if r is not None else ""
    return f"<{p}row{num}>" + "".join(f"<{p}c><{p}v>{v}</{p}v></{p}c>" for v in values) + f"</{p}row>"


def _write(tmp_path: Path, sheet_xml: bytes) -> Path:
    path = tmp_path / "手写.xlsx"
    path.write_bytes(_xlsx(sheet_xml))
    return path


@pytest.mark.parametrize("share", [0.3, 0.5, 0.7])
def test_prefixed_namespace_and_gaps(tmp_path: Path, share: float, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(_row(r, [r, r + 0.5], "x") for r in (1, 2, 3, 7, 8, 9))
    path = _write(tmp_path, _sheet(rows, "x"))
    monkeypatch.setattr(split, "HEAD_SHARE", share)
    got = split.split_rows(path, PART, "表", set())
    assert got is not None
    assert got == _plain(path, "表")
    assert got[3] == ["", ""] and got[6] == [7.0, 7.5]


def test_rows_without_numbers_are_read_in_one_piece(tmp_path: Path) -> None:
    path = _write(tmp_path, _sheet("".join(_row(None, [r]) for r in range(1, 9))))
    assert split.split_rows(path, PART, "表", set()) is None


def test_a_row_number_must_be_the_rows_own_attribute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`` r="1"`` inside another attribute's value was taken for the row's number: calamine numbers
    that row after the one before it (row 30), but in the tail part it became row 1."""
    rows = "".join(f'<row r="{r}"/>' for r in range(1, 30)) + "<row x=' r=\"1\"'><c><v>7</v></c></row>"
    xml = _sheet(rows + "".join(_row(None, [k]) for k in range(30)))
    path = _write(tmp_path, xml)
    assert _plain(path, "表")[29:31] == [[7.0], [0.0]]
    monkeypatch.setattr(split, "HEAD_SHARE", (xml.index(b"<row x=") + 0.5) / len(xml))
    assert split.split_rows(path, PART, "表", set()) is None


def test_rows_out_of_order_are_read_in_one_piece(tmp_path: Path) -> None:
    path = _write(tmp_path, _sheet("".join(_row(r, [r]) for r in (5, 6, 7, 8, 1, 2, 3, 4))))
    assert _plain(path, "表")[0] == [1.0]  # calamine places them; a split would collide
    assert split.split_rows(path, PART, "表", set()) is None


def test_empty_sheet_data_is_not_split(tmp_path: Path) -> None:
    xml = _sheet("").replace(b"<sheetData></sheetData>", b"<sheetData/>")
    assert split.split_rows(_write(tmp_path, xml), PART, "表", set()) is None


def test_small_sheets_and_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, _sheet("".join(_row(r, [r]) for r in range(1, 20))))
    assert split.split_rows(path, PART, "表", set()) is not None
    split.allow(False)
    assert split.split_rows(path, PART, "表", set()) is None
    split.allow(True)
    monkeypatch.setattr(split, "SPLIT_FROM", 1 << 30)
    assert split.split_rows(path, PART, "表", set()) is None


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(1, 30),
    target=st.integers(0, 2000),
    chunk=st.integers(1, 64),
    ns=st.sampled_from(["", "x"]),
    after=st.booleans(),
)
def test_cut_halves_rebuild_the_xml(n: int, target: int, chunk: int, ns: str, after: bool) -> None:
    """Head minus its closing tags plus tail minus its opening is the sheet, at any chunk size;
    never cut at a <row> after the end of <sheetData> (``after``: rows in an extension list)."""
    p = f"{ns}:" if ns else ""
    xml = _sheet("".join(_row(r, [r, -r]) for r in range(1, n + 1)), ns)
    if after:
        ext = f"<{p}extLst>{_row(99, [1], ns)}</{p}extLst></{p}worksheet>"
        xml = xml.replace(f"</{p}worksheet>".encode(), ext.encode())
    stop = xml.index(f"</{p}sheetData>".encode())
    src = zipfile.ZipFile(io.BytesIO(_xlsx(xml)))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(split, "_CHUNK", chunk)
        head, tail = io.BytesIO(), io.BytesIO()
        try:
            first = split._cut(src, PART, target, head, tail=False)
        except split._CannotSplit:
            assert xml.rfind(b"<x:row " if ns else b"<row ", 0, stop) < target
            with pytest.raises(split._CannotSplit):
                split._cut(src, PART, target, tail, tail=True)
            return
        assert split._cut(src, PART, target, tail, tail=True) == first
    close = f"</{p}sheetData></{p}worksheet>".encode()
    opening = xml[: xml.index(f"<{p}sheetData>".encode()) + len(f"<{p}sheetData>")]
    assert head.getvalue().endswith(close)
    assert tail.getvalue().startswith(opening)
    assert head.getvalue()[: -len(close)] + tail.getvalue()[len(opening) :] == xml
    cut = len(head.getvalue()) - len(close)
    assert xml[cut:].startswith(f'<{p}row r="{first}">'.encode())
    assert target <= cut < stop


def test_a_sheet_name_calamine_resolves_to_another_part_is_not_split(tmp_path: Path) -> None:
    """Two sheets named 表: calamine reads the first (sheet1.xml), the caller's name -> part map
    (last one wins) says sheet2.xml.  sheet1.xml, another sheet's part, was packed as an empty
    sheet, and the split gave an empty table; now such parts cannot be read, and the split fails."""
    xml = _sheet("".join(_row(r, [r]) for r in range(1, 40)))
    path = tmp_path / "重名.xlsx"
    path.write_bytes(_xlsx(xml, (("表", 1), ("表", 2), ("别", 1))))
    facts = XlsxFacts(path)
    parts = facts.parts
    facts.zf.close()
    assert parts == {"表": "xl/worksheets/sheet2.xml", "别": PART}
    assert _plain(path, "表")[:2] == [[1.0], [2.0]]
    assert split.split_rows(path, parts["表"], "表", {PART}) is None


def test_members_of_one_name_are_packed_once(tmp_path: Path) -> None:
    """A zip may hold two members of one name (the last one counts, for calamine as for zipfile).
    Each was packed again, with zipfile's "Duplicate name" warning on the terminal, from both
    processes, and the sheet cut twice."""
    xml = _sheet("".join(_row(r, [r]) for r in range(1, 40)))
    path = tmp_path / "重复.xlsx"
    with zipfile.ZipFile(io.BytesIO(_xlsx(xml))) as src, zipfile.ZipFile(path, "w") as z:
        for name in src.namelist():
            z.writestr(name, src.read(name).replace(b"<v>", b"<v>-") if name == PART else src.read(name))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr(PART, xml)
            z.writestr("xl/workbook.xml", src.read("xl/workbook.xml"))
    assert _plain(path, "表")[:2] == [[1.0], [2.0]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # in the child too: it is forked
        assert split.split_rows(path, PART, "表", set()) == _plain(path, "表")


def test_rows_after_the_end_of_sheet_data_are_not_read(tmp_path: Path) -> None:
    """calamine reads the first <sheetData> only: a cut at a row of a second one would add its rows."""
    rows = "".join(_row(r, [r]) for r in range(1, 4))
    later = "".join(_row(r, [-r]) for r in range(20, 60))
    xml = _sheet(rows).replace(b"</sheetData>", f"</sheetData><sheetData>{later}</sheetData>".encode())
    path = _write(tmp_path, xml)
    assert _plain(path, "表") == [[1.0], [2.0], [3.0]]
    assert split.split_rows(path, PART, "表", set()) is None


def test_summary_table_read_split_gives_the_same_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader with splitting on and off: same units, values, cells and findings."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总表"
    ws.append(["村名称", "分组", "字段01", "字段02"])
    for i in range(300):
        ws.append([f"测试村{i:03d}", f"县{i % 7}", i * 1.5, "缺" if i == 250 else i % 11])
    path = tmp_path / "村级汇总.xlsx"
    wb.save(path)
    scheme = tmp_path / "村.yaml"
    scheme.write_text(
        "id: t\ntitle: 测试\nyear: 2024\nlevel: village\nfull_score: 100\n"
        "categories:\n  - id: '1'\n    name: 甲\n    points: 100\n    indicators:\n"
        "      - {id: '1.1', name: 一, points: 50, field: f01, rule: {type: linear, floor: 0, target: 100}}\n"
        "      - {id: '1.2', name: 二, points: 50, field: f02, rule: {type: linear, floor: 0, target: 10}}\n"
        "grades:\n  - {name: 好, min: 60}\n  - {name: 较差, min: 0}\n"
        "fields:\n  - {id: f01, name: 字段01, kind: number}\n  - {id: f02, name: 字段02, kind: number}\n",
        encoding="utf-8",
    )
    plan = load_plan(str(scheme)).read
    monkeypatch.setattr(read_mod, "SPLIT_FILE_FROM", 1 << 40)
    whole = read_file(path, plan)
    monkeypatch.setattr(read_mod, "SPLIT_FILE_FROM", 0)
    calls: list[object] = []
    real = split.split_rows
    monkeypatch.setattr(read_mod, "split_rows", lambda *a: calls.append(a) or real(*a))
    parted = read_file(path, plan)
    assert calls and calls[0][1] == PART
    assert len(parted[0]) == 300
    assert [_unit(u) for u in parted[0]] == [_unit(u) for u in whole[0]]
    assert parted[1:] == whole[1:]


def _unit(u: UnitData) -> tuple[object, ...]:
    return (u.unit, u.group, u.year, u.where, [str(f) for f in u.findings], dict(u.values))


def _calamine(parent: Any, child: Any) -> SimpleNamespace:
    """python_calamine as split sees it, opening workbooks with ``parent`` in this process and
    ``child`` in the forked one (functions of the path; None: the real one)."""
    me, real = os.getpid(), python_calamine.CalamineWorkbook.from_path

    def from_path(p: str) -> Any:
        act = parent if os.getpid() == me else child
        return (act or real)(p)

    return SimpleNamespace(CalamineWorkbook=SimpleNamespace(from_path=from_path))


def _killed(p: str) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _stuck(p: str) -> None:
    time.sleep(60)


def _fails(p: str) -> None:
    raise RuntimeError("head")


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="the fakes reach the child by fork")
@pytest.mark.parametrize(
    ("parent", "child"),
    [(None, _killed), (_fails, _stuck), (None, _fails), (None, _stuck)],
    ids=["child-killed", "head-fails", "tail-fails", "tail-stuck"],
)
def test_failures_leave_no_files_and_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parent: Any, child: Any
) -> None:
    """A child killed (out of memory) left its temporary workbook behind for good; a failed head
    left the child reading on, with its files, after split_rows had given up; a stuck child kept
    the command waiting for ever.  The parent now owns the folder, waits a bounded time and stops
    the child before removing the folder."""
    path = _write(tmp_path, _sheet("".join(_row(r, [r]) for r in range(1, 200))))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(split, "TAIL_WAIT_MIN", 0.5)
    monkeypatch.setattr(split, "python_calamine", _calamine(parent, child))
    started = time.monotonic()
    assert split.split_rows(path, PART, "表", set()) is None
    assert time.monotonic() - started < 30
    assert list(scratch.iterdir()) == []
    assert multiprocessing.active_children() == []


def test_a_missing_sheet_or_part_reads_in_one_piece(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, _sheet("".join(_row(r, [r]) for r in range(1, 200))))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert split.split_rows(path, "xl/worksheets/sheet9.xml", "表", set()) is None
    assert split.split_rows(path, PART, "没有", set()) is None
    assert list(scratch.iterdir()) == []
    assert multiprocessing.active_children() == []
