"""Opening a workbook or CSV file as a :class:`Book` of sheets of raw rows.

python-calamine does the reading; this module adds what it leaves out:
a format decided by content (see :mod:`safety`), every failure turned into a
Chinese :class:`WorkbookError` naming the file, and — for .xlsx/.xlsm — the
cell facts calamine drops: error values (``#DIV/0!`` comes back as an empty
string), formulas saved without a result (also empty) and percent formats
(82.3% comes back as 0.823).  Those are recovered by a byte scan of the
sheet's XML, run lazily: only when a reader meets a blank cell where it
needs a value, or a percent field's number between 0 and 1.  A clean
county workbook is therefore read by calamine alone.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import python_calamine

from assess.errors import AssessError, Finding, Location, WorkbookError
from assess.workbook.extent import refusal
from assess.workbook.names import clean
from assess.workbook.safety import (
    CSV,
    DEFAULT_LIMITS,
    UNZIP_ERRORS,
    XLSX,
    Limits,
    Unsure,
    encrypted,
    fail,
    inspect_file,
)
from assess.workbook.split import split_rows
from assess.workbook.values import PercentCell
from assess.workbook.xlsx_facts import XlsxFacts, column_index, column_letter

Row = list[Any]

FREEZE_FROM = 1_000_000  # objects left from a pause of the collector: frozen, not rescanned
SPLIT_FILE_FROM = 2 << 20  # bytes: a smaller workbook has no sheet worth splitting (see split.SPLIT_FROM)

_EXTENSIONS = {
    XLSX: (".xlsx", ".xlsm"),
    "xlsb": (".xlsb",),
    "xls": (".xls",),
    "ods": (".ods",),
}
_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "very-hidden"}
# What passes through the handlers around calamine.  A panic inside calamine reaches
# Python as pyo3's PanicException, a BaseException, so the handlers catch that class
# and let only these (the user's Ctrl+C, an exit) through.
_NOT_CALAMINES = (KeyboardInterrupt, SystemExit, GeneratorExit)


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big sheet becomes Python objects.

    Reading 500,000 rows allocates millions of lists and objects, none of
    them in reference cycles; the collector would otherwise rescan them over
    and over (a 500,000-row summary table: 8.6 s of work instead of 2.9 s).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] >= FREEZE_FROM:
            # What was read stays alive until the command ends; the first collection after
            # this would walk all of it (0.7 s for 500,000 rows).  Frozen objects are still
            # freed by reference counting; only the cycle search skips them.
            gc.freeze()
        gc.enable()


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """A sheet's name and visibility: "visible", "hidden" or "very-hidden"."""

    name: str
    visible: str = "visible"


class Book:
    """An open workbook: sheet names and raw rows, read lazily and cached per sheet.

    Rows are lists of python values as calamine returns them (float, str,
    bool, date/datetime, '' for empty), with absolute positions: ``rows[0]``
    is sheet row 1 and ``rows[r][0]`` is column A.  For .xlsx,
    :meth:`blank_facts` tells what a blank cell really holds (an error text
    such as ``"#DIV/0!"`` or :data:`NO_CACHED_VALUE`) and
    :meth:`percent_cells` which numbers are formatted as percentages.
    """

    def __init__(
        self,
        path: Path,
        fmt: str,
        sheets: list[SheetInfo],
        wb: Any = None,
        csv_rows: list[Row] | None = None,
        unsure: Unsure | None = None,
        max_cells: int = DEFAULT_LIMITS.max_cells,
    ) -> None:
        self.path = path
        self.file = str(path)
        self.format = fmt
        self.sheets = sheets
        self._wb = wb
        self._csv_rows = csv_rows
        self._cache: dict[str, list[Row]] = {}
        self._xlsx: XlsxFacts | None = None
        self._blanks: dict[str, dict[tuple[int, int], object]] = {}
        self._percent: dict[str, dict[int, set[int]]] = {}
        self.memo: dict[object, object] = {}  # readers' per-book results (header rows)
        self.format_facts = fmt == XLSX  # error cells and percent formats can be recovered
        self._unsure = unsure or {}  # worksheet parts whose grid is counted before calamine builds it
        self._max_cells = max_cells
        self.output_kind: str | None = None  # what assess wrote this as (workbook.marker), if it did

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    @property
    def formats_known(self) -> bool:
        """Whether a number's percent format is visible to us (xlsx) or irrelevant (csv text)."""
        return self.format in (XLSX, CSV)

    def rows(self, sheet: str) -> list[Row]:
        """All rows of ``sheet`` as calamine reads them (cached).

        Error cells and formulas without a result read as '' here and
        percent-formatted numbers as plain floats; readers ask
        :meth:`blank_facts` and :meth:`percent_cells` about the few cells
        where that matters (:meth:`refine_column` does both); nothing is
        scanned up front.
        """
        cached = self._cache.get(sheet)
        if cached is not None:
            return cached
        if self._csv_rows is not None:
            rows = self._csv_rows
        else:
            if self._unsure:
                self._check_grid(sheet)
            collecting = gc.isenabled()  # paused_gc(), without a generator per sheet
            try:
                if collecting:
                    gc.disable()
                rows = self._split(sheet) or self._wb.get_sheet_by_name(sheet).to_python(
                    skip_empty_area=False
                )
            except python_calamine.PasswordError:
                raise encrypted(self.path) from None
            except BaseException as e:  # calamine raises many types (a Rust panic too); none may escape
                if isinstance(e, _NOT_CALAMINES):
                    raise
                raise fail(self.path, f"工作表“{sheet}”无法读取,文件可能已损坏(技术信息:{e})") from None
            finally:
                if collecting:
                    gc.enable()
        self._cache[sheet] = rows
        return rows

    def _check_grid(self, sheet: str) -> None:
        """Refuse a sheet whose grid calamine cannot be trusted to allocate (see :mod:`extent`).

        Only sheets the safety check could not settle from their heads are here,
        and only when they are read: a far-out cell on a sheet nobody reads stops nothing.
        """
        extras = self._extras()
        part = extras.parts.get(sheet) if extras is not None else None
        if extras is None or part is None or part not in self._unsure:
            return
        try:
            size = extras.zf.getinfo(part).file_size
            text = refusal(sheet, size, self._unsure[part], lambda: extras.zf.read(part), self._max_cells)
        except (*UNZIP_ERRORS, KeyError):
            raise fail(self.path, f"工作表“{sheet}”无法读取,文件可能已损坏") from None
        if text is not None:
            raise fail(self.path, text)

    def _split(self, sheet: str) -> list[Row] | None:
        """A very large .xlsx sheet read by two processes (see :mod:`split`); None otherwise."""
        if self.format != XLSX or _size(self.path) < SPLIT_FILE_FROM:
            return None
        extras = self._extras()
        part = extras.parts.get(sheet) if extras is not None else None
        if extras is None or part is None:
            return None
        return split_rows(self.path, part, sheet, set(extras.parts.values()) - {part})

    def _extras(self) -> XlsxFacts | None:
        """The xlsx XML reader, opened on first need; None for other formats or unreadable XML."""
        if self.format != XLSX:
            return None
        if self._xlsx is None:
            try:
                self._xlsx = XlsxFacts(self.path)
            except (zipfile.BadZipFile, ET.ParseError, KeyError, OSError, ValueError, EOFError):
                self.format_facts = False  # the extras are a refinement; calamine's values stand
                return None
        return self._xlsx

    def blank_facts(self, sheet: str) -> dict[tuple[int, int], object]:
        """(row, column) → what a cell calamine reads as '' really holds (.xlsx only).

        An error value (``"#DIV/0!"``) or :data:`NO_CACHED_VALUE` for a formula
        saved without its result.  One scan of the sheet's XML, run only when a
        reader meets a blank where it needs a value, and cached.
        """
        found = self._blanks.get(sheet)
        if found is None:
            found = {}
            extras = self._extras() if self.format_facts else None
            if extras is not None:
                try:
                    found = {(r, c): v for r, c, v in extras.scan(sheet).cells}
                except Exception:  # any failure just drops the refinement
                    found = {}
            self._blanks[sheet] = found
        return found

    def percent_cells(self, sheet: str, columns: Iterable[int]) -> dict[int, set[int]]:
        """Column → 0-based rows whose numbers are formatted as percentages (.xlsx only).

        Costs nothing when the workbook has no percent format at all; otherwise
        one scan of the sheet's XML restricted to ``columns``, cached.
        """
        cols = sorted(set(columns))
        extras = self._extras() if cols and self.format_facts else None
        if extras is None or not extras.percent_styles:
            return {}
        known = self._percent.setdefault(sheet, {})
        todo = [c for c in cols if c not in known]
        if todo:
            try:
                found = extras.scan(sheet, todo).percent
            except Exception:  # any failure just drops the refinement
                found = {}
            for c in todo:
                known[c] = set(found.get(column_letter(c).encode(), ()))
        return {c: known[c] for c in cols if known[c]}

    def refine_column(
        self, sheet: str, c: int, rows: list[int], values: list[Any], *, percent: bool
    ) -> tuple[list[Any], bool]:
        """Column ``c``'s ``values`` (at 0-based sheet ``rows``) with what calamine cannot see.

        Blank cells that hold an error value or a formula without a result get
        it back; with ``percent``, percent-formatted numbers become
        :class:`PercentCell`.  Returns the values and whether every row is
        percent-formatted (then the values are left as floats, to be ×100 by
        the caller).  Costs a scan of the sheet's XML only when a blank or a
        percent format is possible; for other formats returns ``values``.
        """
        if not self.format_facts:
            return values, False
        out = values
        if "" in values:
            facts = self.blank_facts(sheet)
            if facts:
                fixed = [facts.get((r, c)) if v == "" else None for r, v in zip(rows, values, strict=True)]
                if any(f is not None for f in fixed):
                    out = [v if f is None else f for v, f in zip(values, fixed, strict=True)]
        if not percent:
            return out, False
        extras = self._extras()
        if extras is None or not extras.percent_styles:
            return out, False
        formatted = self.percent_cells(sheet, [c]).get(c)
        if not formatted:
            return out, False
        if formatted.issuperset(rows):  # the usual case: the whole column is formatted
            return out, True
        return [
            PercentCell(v) if type(v) is float and r in formatted else v
            for r, v in zip(rows, out, strict=True)
        ], False

    def find_sheet(self, *wanted: str) -> tuple[str | None, Finding | None]:
        """The sheet named like one of ``wanted``, tolerant of full-width/half-width and spaces.

        An exact name wins; when only tolerant matches exist and there are
        several (``数据(全)`` and ``数据（全）``) nothing is picked and an error
        finding says so; an exact match that has look-alikes gets a warning.
        """
        names = self.sheet_names
        for w in wanted:
            key = clean(w).casefold()
            similar = [n for n in names if clean(n).casefold() == key]
            if w in names:
                others = [n for n in similar if n != w]
                if others:
                    return w, Finding(
                        "ambiguous-sheet",
                        f"工作表“{w}”与“{'”“'.join(others)}”名称仅全角/半角或空格不同,已读取“{w}”,请删除或改名多余的工作表",
                        Location(file=self.file, sheet=w),
                        "warning",
                    )
                return w, None
            if len(similar) == 1:
                return similar[0], None
            if len(similar) > 1:
                return None, Finding(
                    "ambiguous-sheet",
                    f"有多个工作表名称仅全角/半角或空格不同(“{'”“'.join(similar)}”),无法确定读取哪一个,请删除或改名多余的工作表",
                    Location(file=self.file),
                )
        return None, None

    def close(self) -> None:
        if self._wb is not None:
            with contextlib.suppress(Exception):  # closing twice is harmless
                self._wb.close()
        if self._xlsx is not None:
            self._xlsx.zf.close()
        self._cache.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def open_book(path: Path, limits: Limits = DEFAULT_LIMITS) -> Book:
    """Open a workbook (.xlsx .xlsm .xls .xlsb .ods, decided by content) or a .csv file.

    Raises WorkbookError (or its UnsafeFileError/EncryptedFileError
    subclasses) with a Chinese message naming the file; nothing else escapes.
    """
    path = path if isinstance(path, Path) else Path(path)
    unsure: Unsure = {}
    marks: dict[str, str] = {}
    fmt = inspect_file(path, limits, unsure, marks)
    if fmt == CSV:
        return _open_csv(path)
    try:
        if path.suffix.lower() in _EXTENSIONS.get(fmt, ()):
            wb = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # renamed file: calamine picks its reader by extension for paths, by content for streams
            with path.open("rb") as f:
                wb = python_calamine.CalamineWorkbook.from_filelike(f)
        sheets = [
            SheetInfo(m.name, _VISIBILITY.get(str(m.visible).rsplit(".", 1)[-1], "visible"))
            for m in wb.sheets_metadata
        ]
    except python_calamine.PasswordError:
        raise encrypted(path) from None
    except (AssessError, *_NOT_CALAMINES):
        raise
    except BaseException as e:  # calamine raises many types (a Rust panic too); none may escape
        raise fail(path, f"文件已损坏或格式不受支持(技术信息:{e})") from None
    book = Book(path, fmt, sheets, wb=wb, unsure=unsure, max_cells=limits.max_cells)
    book.output_kind = marks.get("kind")
    return book


def _open_csv(path: Path) -> Book:
    """CSV: UTF-8 (with or without BOM) if it decodes, else UTF-16 by BOM, else GB18030."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise fail(path, f"读取文件时出错({e.strerror or e})") from None
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for enc in encodings:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise fail(path, "文件编码无法识别,请另存为 UTF-8 或 GBK 编码的 CSV 文件")
    sample = text[:8192]
    delimiter = ","
    if sample.count(",") == 0:
        counts = {d: sample.count(d) for d in "\t;|"}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            delimiter = best
    try:
        rows: list[Row] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as e:
        raise fail(path, f"CSV 格式错误({e})") from None
    return Book(path, CSV, [SheetInfo(path.stem)], csv_rows=rows)


__all__ = [
    "Book",
    "SheetInfo",
    "WorkbookError",
    "column_index",
    "column_letter",
    "open_book",
]
