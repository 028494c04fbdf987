"""What calamine leaves out of an .xlsx, recovered from the sheet XML by byte scans.

Error values (``#DIV/0!`` reads as an empty string), formulas saved
without a result (also empty) and percent formats (82.3% reads as 0.823).
:class:`~assess.workbook.read.Book` runs these scans lazily, only for the
cells a reader needs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from pathlib import Path

from assess.workbook.values import EXCEL_ERRORS, NO_CACHED_VALUE


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based index: 0 → A, 25 → Z, 26 → AA."""
    out = ""
    n = index + 1
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def column_index(letters: str) -> int:
    """0-based index of spreadsheet column letters: A → 0, AA → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REF_RE = re.compile(rb'r="([A-Z]{1,3})([0-9]{1,7})"')
_NOVALUE_RE = re.compile(rb"(?:</f>|<f\b[^>]*/>)(?:<v\s*/>|<v></v>)?</c>")
_V_RE = re.compile(rb"<v>([^<]*)</v>")
_CHUNK = 8 * 1024 * 1024


class XlsxFacts:
    """Recovers error cells, result-less formulas and percent formats from an xlsx's XML."""

    def __init__(self, path: Path) -> None:
        self.zf = zipfile.ZipFile(path)
        names = {n.lower(): n for n in self.zf.namelist()}
        self.names = names
        wb = ET.fromstring(self.zf.read(names["xl/workbook.xml"]))
        rels_name = names.get("xl/_rels/workbook.xml.rels")
        targets: dict[str, str] = {}
        if rels_name:
            for rel in ET.fromstring(self.zf.read(rels_name)):
                target = rel.get("Target", "")
                target = target[1:] if target.startswith("/") else "xl/" + target
                targets[rel.get("Id", "")] = target.lower()
        self.parts: dict[str, str] = {}
        for el in wb.iter():
            if el.tag.endswith("}sheet") and el.get("name") is not None:
                part = targets.get(el.get(_NS_REL, ""), "")
                if part in names:
                    self.parts[el.get("name", "")] = names[part]
        self.percent_styles = self._percent_styles()

    def _percent_styles(self) -> list[bytes]:
        name = self.names.get("xl/styles.xml")
        if not name:
            return []
        root = ET.fromstring(self.zf.read(name))
        custom: dict[str, str] = {}
        xfs: list[str] = []
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "numFmt":
                custom[el.get("numFmtId", "")] = el.get("formatCode", "")
            elif tag == "cellXfs":
                xfs = [xf.get("numFmtId", "0") for xf in el]
        out = []
        for i, fid in enumerate(xfs):
            code = re.sub(r'"[^"]*"|\\.', "", custom.get(fid, ""))
            if fid in ("9", "10") or "%" in code:
                out.append(b"%d" % i)
        return out

    def scan(self, sheet: str, percent_columns: Iterable[int] | None = None) -> SheetFacts:
        """Read the sheet's XML once, in chunks cut at row ends, collecting the facts.

        Without ``percent_columns`` it collects error cells and result-less
        formulas; with ``percent_columns`` only the percent-formatted rows of
        those columns.
        """
        facts = SheetFacts()
        part = self.parts.get(sheet)
        if part is None:
            return facts
        style_re = None
        if self.percent_styles and percent_columns is not None:
            cols = b"|".join(column_letter(c).encode() for c in percent_columns)
            alts = b"|".join(self.percent_styles)
            style_re = re.compile(rb'<c r="(' + cols + rb')([0-9]{1,7})" s="(?:' + alts + rb')"')
        only_percent = percent_columns is not None
        if only_percent and style_re is None:
            return facts
        with self.zf.open(part) as f:
            tail = b""
            while True:
                data = f.read(_CHUNK)
                buf = tail + data
                cut = buf.rfind(b"</row>") + 6 if data else len(buf)
                if cut < 6 and data:
                    tail = buf
                    continue
                self._scan(buf[:cut], facts, style_re, only_percent)
                if not data:
                    return facts
                tail = buf[cut:]

    @staticmethod
    def _scan(buf: bytes, facts: SheetFacts, style_re: re.Pattern[bytes] | None, only_percent: bool) -> None:
        if style_re is not None:
            percent = facts.percent
            for letters, row in style_re.findall(buf):
                col = percent.get(letters)
                if col is None:
                    col = percent[letters] = []
                col.append(int(row) - 1)
            if only_percent:
                return
        if b't="e"' in buf:
            for m in re.finditer(rb't="e"', buf):
                start, end = buf.rfind(b"<c ", 0, m.start()), buf.find(b"</c>", m.end())
                v = _V_RE.search(buf, m.end(), end if end >= 0 else len(buf))
                text = v.group(1).decode("utf-8", "replace") if v else "#VALUE!"
                facts.add(buf, start, text if text in EXCEL_ERRORS else "#VALUE!")
        if any(mark in buf for mark in _NOVALUE_MARKS):
            for m in _NOVALUE_RE.finditer(buf):
                facts.add(buf, buf.rfind(b"<c ", 0, m.start()), NO_CACHED_VALUE)


_NOVALUE_MARKS = (b"</f></c>", b"<v></v>", b"<v/>", b"/></c>")


class SheetFacts:
    """What the XML scan found: replaced cells, and percent-formatted rows by column letters."""

    __slots__ = ("cells", "error", "percent")

    def __init__(self) -> None:
        self.cells: list[tuple[int, int, object]] = []
        self.percent: dict[bytes, list[int]] = {}
        self.error: BaseException | None = None

    def add(self, buf: bytes, start: int, value: object) -> None:
        if start < 0:
            return
        m = _REF_RE.search(buf, start, buf.find(b">", start))
        if m:
            self.cells.append((int(m.group(2)) - 1, column_index(m.group(1).decode()), value))
