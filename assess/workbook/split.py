"""One very large .xlsx sheet read by two processes.

calamine parses a sheet's XML on one thread: a province's 500,000-row village
table (470 MB of XML) keeps one core busy for eight seconds while the other
waits.  Here the sheet's XML is cut at a row boundary; each part is packed
into a temporary workbook beside the parts calamine reads with it (workbook,
relations, styles, shared strings) and parsed by its own process.  The rows
are joined at their absolute positions, so the caller gets exactly what one
read of the whole sheet gives (tests compare the two on generated sheets).

Whenever something does not fit that picture — rows without numbers, rows out
of order, a child process that fails — :func:`split_rows` returns None and
the caller reads the sheet the usual way.  Nothing here is needed for
correctness; it only saves time.
"""

from __future__ import annotations

import gc
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import python_calamine

from assess.runtime import process_context

Row = list[Any]
Tail = tuple[int, tuple[int, int] | None, list[Row]]  # (first row number, calamine start, rows)

SPLIT_FROM = 32 << 20  # bytes of sheet XML below which a second process saves too little
HEAD_SHARE = 0.58  # the main process's share: the child also inflates the part it skips
_CHUNK = 8 << 20
_PREFIX_MAX = 16 << 20  # a sheet whose <sheetData> starts later than this is not split
# How long the head's process waits for the tail once its own part is parsed: the tail is the
# smaller part, so a child still at work after four times the head's time (and at least a
# minute) is stuck, and the sheet is read in one piece rather than the command hanging.
TAIL_WAIT_MIN = 60.0
TAIL_WAIT_FACTOR = 4.0

_allowed = [True]

_SHEETDATA = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?worksheet)\b")
_ATTRIBUTE = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# What the other sheets' parts hold in a part's workbook: calamine never opens them to read this
# sheet, and if it did (the sheet's name resolved to another part than ours: two sheets of one
# name) the read fails instead of giving that part's rows, and the sheet is read in one piece.
_UNREADABLE = b"<"


class _CannotSplit(Exception):
    """The sheet's XML is not in the shape this module relies on."""


def allow(flag: bool) -> None:
    """Switch splitting on or off for this process (off in pool workers: the cores are taken)."""
    _allowed[0] = flag


def split_rows(path: Path, part: str, sheet: str, others: set[str]) -> list[Row] | None:
    """The rows of ``sheet`` (XML ``part`` of the .xlsx ``path``) as
    ``to_python(skip_empty_area=False)`` gives them, read by two processes; or
    None when the sheet is small, the machine has one core, or the sheet
    cannot be cut safely.  ``others`` are the workbook's other sheet parts
    (not copied: they are not read).
    """
    if not _allowed[0] or (os.cpu_count() or 1) < 2:
        return None
    try:
        with zipfile.ZipFile(path) as src:
            size = src.getinfo(part).file_size
            if size < SPLIT_FROM:
                return None
            target = int(size * HEAD_SHARE)
            # The folder is this process's: whatever becomes of the child (killed for its memory,
            # or stopped below because the head failed), its workbook is removed with the folder.
            with (
                tempfile.TemporaryDirectory(prefix="assess-") as tmp,
                _Child(_read_tail, (str(path), part, sheet, target, others, tmp)) as child,
            ):
                started = time.monotonic()
                first, head = _read_part(src, part, sheet, target, others, tmp, tail=False)
                spent = time.monotonic() - started
                got: Tail = child.result(max(TAIL_WAIT_MIN, TAIL_WAIT_FACTOR * spent))
    except Exception:  # any failure: the caller reads the sheet in one piece
        return None
    return _join(head, first, got)


class _Child:
    """``fn(*args)`` in a process of its own; on leaving the block the process is stopped if it
    is still at work (the result is no longer wanted) and waited for, so that it leaves nothing
    behind: no process, no open file in the folder about to be removed."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        ctx = process_context()
        self._conn, send = ctx.Pipe(duplex=False)
        try:
            self._proc = ctx.Process(target=_child_main, args=(send, fn, args), daemon=True)
            self._proc.start()
        except BaseException:
            self._conn.close()
            raise
        finally:
            send.close()  # the child's end: once the child is gone, recv() sees the end of the pipe

    def __enter__(self) -> _Child:
        return self

    def result(self, timeout: float) -> Any:
        """What ``fn`` returned; raises if it raised, if the process died (EOFError), or if
        nothing came within ``timeout`` seconds (TimeoutError; the process is stopped on exit)."""
        if not self._conn.poll(timeout):
            raise TimeoutError(f"no result in {timeout:.0f} s")
        ok, value = self._conn.recv()
        if not ok:
            raise RuntimeError(value)
        return value

    def __exit__(self, *exc: object) -> None:
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        self._proc.close()
        self._conn.close()


def _child_main(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """The child process: send (True, result) or (False, the error as text), then exit at once
    (no traceback on the terminal, and no time spent freeing millions of rows one by one)."""
    try:
        out = (True, fn(*args))
    except BaseException as e:
        out = (False, f"{type(e).__name__}: {e}")
    try:
        send.send(out)
        send.close()
    finally:
        os._exit(0)


def _read_tail(path: str, part: str, sheet: str, target: int, others: set[str], folder: str) -> Tail:
    """The child's work: the rows from the cut on, without the empty area before them."""
    with zipfile.ZipFile(path) as src:
        return _read_part(src, part, sheet, target, others, folder, tail=True)


def _read_part(
    src: zipfile.ZipFile, part: str, sheet: str, target: int, others: set[str], folder: str, *, tail: bool
) -> Any:
    """Pack one side of the cut into a workbook in ``folder`` and parse it with calamine.

    The head comes back as (first row number of the tail, rows from A1); the
    tail as (first row number, calamine's start, rows from that start).
    """
    dest = Path(folder) / ("tail.xlsx" if tail else "head.xlsx")
    try:
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED, allowZip64=True) as out:
            first = 0
            for name in dict.fromkeys(src.namelist()):  # a name twice: zipfile and calamine read the last
                if name == part:
                    with out.open(zipfile.ZipInfo(name), "w", force_zip64=True) as sink:
                        first = _cut(src, part, target, sink, tail=tail)
                elif name in others:
                    out.writestr(name, _UNREADABLE)
                elif not name.endswith("/"):
                    out.writestr(name, src.read(name))
        wb = python_calamine.CalamineWorkbook.from_path(str(dest))
        collecting = gc.isenabled()
        gc.disable()  # millions of new objects, no cycles among them
        try:
            found = wb.get_sheet_by_name(sheet)
            rows = found.to_python(skip_empty_area=tail)
            start = found.start if tail else None
        finally:
            if collecting:
                gc.enable()
            wb.close()
    finally:
        dest.unlink(missing_ok=True)  # the disk space back while the other side may still be at work
    if tail:
        return first, start, rows
    return first, rows


def _cut(src: zipfile.ZipFile, part: str, target: int, sink: IO[bytes], *, tail: bool) -> int:
    """Write the head (XML up to the first row starting at or after byte ``target``,
    then the closing tags) or the tail (the XML's opening up to ``<sheetData>``,
    then everything from that row on) to ``sink``; return that row's number.

    Both processes inflate the same bytes and find the same row.
    """
    with src.open(part) as f:
        buf = b""
        while (m := _SHEETDATA.search(buf)) is None:
            data = f.read(_CHUNK)
            if not data or len(buf) > _PREFIX_MAX:
                raise _CannotSplit
            buf += data
        root = _ROOT.search(buf, 0, m.start())
        if m.group(2) or root is None:
            raise _CannotSplit  # <sheetData/>: nothing to share out
        ns = m.group(1) + b":" if m.group(1) else b""
        tag = b"<" + ns + b"row"
        close = b"</" + ns + b"sheetData"
        prefix = buf[: m.end()]
        # buf[0] is byte `base` of the XML; look for the row from buf[frm]; buf[:seen] holds no
        # end of <sheetData> (a <row> after it, in an extension list or a second <sheetData>
        # that calamine does not read, is no row of the sheet)
        base, frm, seen = 0, m.end(), m.end()
        while True:
            i = _row_tag(buf, tag, max(frm, target - base))
            if buf.find(close, seen, i if i >= 0 else len(buf)) >= 0:
                raise _CannotSplit  # the target is past the sheet's last row
            end = buf.find(b">", i) if i >= 0 else -1
            if end >= 0:
                break
            data = f.read(_CHUNK)
            if not data:
                raise _CannotSplit  # fewer rows after the target than worth a process
            seen = max(seen, i if i >= 0 else len(buf) - len(close) + 1)
            keep = max(0, min(seen, (i if i >= 0 else len(buf) - len(tag)) - 1))
            if not tail:
                sink.write(buf[:keep])
            base, frm, seen, buf = base + keep, max(0, frm - keep), seen - keep, buf[keep:] + data
        number = _row_number(buf, i + len(tag), end)
        if number is None:
            raise _CannotSplit  # rows numbered by position only: the tail would start at row 1
        if tail:
            sink.write(prefix)
            sink.write(buf[i:])
            while data := f.read(_CHUNK):
                sink.write(data)
        else:
            sink.write(buf[:i])
            sink.write(b"</" + ns + b"sheetData></" + root.group(1) + b">")
        return number


def _row_number(buf: bytes, pos: int, end: int) -> int | None:
    """The ``r`` attribute of the start tag whose attributes are ``buf[pos:end]``; None without one
    (`` r="5"`` inside another attribute's value is no number; nor is a quoted ``>`` understood)."""
    while (m := _ATTRIBUTE.match(buf, pos, end)) is not None:
        if m.group(1) == b"r":
            value = m.group(2) if m.group(2) is not None else m.group(3)
            return int(value) if value.isdigit() else None
        pos = m.end()
    return None


def _row_tag(buf: bytes, tag: bytes, frm: int) -> int:
    """Index of the first ``<row`` start tag at or after ``frm`` (not ``<rowBreaks``), or -1."""
    n = len(tag)
    i = buf.find(tag, frm)
    while i >= 0 and i + n < len(buf) and buf[i + n] not in b" \t\r\n/>":
        i = buf.find(tag, i + 1)
    return i if i >= 0 and i + n < len(buf) else -1


def _join(head: list[Row], first: int, got: Tail) -> list[Row] | None:
    """Head rows (from A1) and the tail placed at its absolute position; None if they overlap."""
    tail_first, start, rows = got
    if first != tail_first:
        return None
    if not rows or start is None:
        return head
    r0, c0 = start
    if r0 < first - 1 or len(head) > first - 1:
        return None  # rows out of order in the XML: positions would collide
    width = max(len(head[0]) if head else 0, c0 + len(rows[0]))
    if head and len(head[0]) < width:
        pad = [""] * (width - len(head[0]))
        head = [row + pad for row in head]
    lead, trail = [""] * c0, [""] * (width - c0 - len(rows[0]))
    if lead or trail:
        rows = [lead + row + trail for row in rows]
    head.extend([""] * width for _ in range(r0 - len(head)))
    head.extend(rows)
    return head
