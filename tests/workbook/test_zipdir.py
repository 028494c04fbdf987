"""The in-memory zip directory lists what zipfile lists, or steps aside."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from assess.workbook.zipdir import central_directory

ROOT = Path(__file__).resolve().parents[2]


def _listing(data: bytes) -> list[tuple[str, int, int, int, int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [
            (i.filename, i.flag_bits, i.compress_type, i.compress_size, i.file_size, i.header_offset)
            for i in zf.infolist()
        ]


def test_an_example_workbook_is_listed_as_zipfile_lists_it() -> None:
    data = (ROOT / "examples" / "counties" / "浏阳市.xlsx").read_bytes()
    entries = central_directory(data)
    assert entries is not None
    assert [tuple(e)[:6] for e in entries] == _listing(data)
    assert [e.position for e in entries] == list(range(len(entries)))


def _zip(comment: bytes = b"") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.comment = comment
    return buf.getvalue()


def test_unusual_archives_are_left_to_zipfile() -> None:
    assert central_directory(_zip()) is not None
    assert central_directory(_zip(b"exported by a tool")) is None  # an archive comment
    assert central_directory(b"junk" + _zip()) is None  # data before the archive
    assert central_directory(b"PK\x03\x04 truncated") is None
