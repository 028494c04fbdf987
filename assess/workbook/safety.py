"""Checks made before a file reaches calamine: what it really is, and whether it is safe.

Workbooks arrive from thousands of senders.  A file may be renamed (.xls
saved as .xlsx), password-protected (then it is an OLE file, not a zip),
truncated by an upload, a web page exported as "xls", or hostile (a zip bomb,
an XML entity bomb).  Everything here is decided from the file's magic bytes,
its zip directory and the first bytes of its XML parts — never by expanding
the content — so that a refusal costs milliseconds and every refusal has a
Chinese message naming the file.
"""

from __future__ import annotations

import contextlib
import io
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from assess.errors import EncryptedFileError, Location, UnsafeFileError, WorkbookError
from assess.workbook.extent import HEAD_DONE, Grid, grid_unsettled, is_worksheet
from assess.workbook.marker import MEMBER as MARK_MEMBER
from assess.workbook.marker import kind_of
from assess.workbook.zipdir import Entry, central_directory

MiB = 1024 * 1024
# What zipfile raises for a member that cannot be expanded (damaged, an unknown method).
UNZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)

# Formats a file can be read as (by content, not by extension).
XLSX, XLSB, XLS, ODS, CSV = "xlsx", "xlsb", "xls", "ods", "csv"

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_EXTENSIONS = (".csv", ".txt")


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits; frozen so a shared default cannot be changed by accident."""

    max_file_bytes: int = 256 * MiB  # the file as stored
    max_uncompressed_bytes: int = 512 * MiB  # sum of a zip's members once expanded
    max_ratio: float = 200.0  # expanded/compressed size of one member …
    ratio_min_bytes: int = 10 * MiB  # … counted only for members larger than this
    max_members: int = 10_000  # zip members
    xml_head_bytes: int = 64 * 1024  # bytes of each XML part scanned for a DTD
    max_cells: int = 50_000_000  # a sheet's grid from A1 to its last value (calamine builds it whole)


DEFAULT_LIMITS = Limits()


def _name(path: Path) -> str:
    return path.name or str(path)


def fail(path: Path, text: str, cls: type[WorkbookError] = WorkbookError) -> WorkbookError:
    """Build an error whose message names the file, located at the file."""
    return cls(f"无法读取“{_name(path)}”:{text}", Location(file=str(path)))


def encrypted(path: Path) -> EncryptedFileError:
    """The error for a password-protected workbook (also used when calamine reports a password)."""
    err = fail(
        path,
        "文件已加密(设有打开密码),请在 Excel 或 WPS 中取消密码后另存再提交",
        EncryptedFileError,
    )
    assert isinstance(err, EncryptedFileError)
    return err


Unsure = dict[str, Grid | None]  # worksheet member → its declared grid (None: none declared)


def inspect_file(
    path: Path,
    limits: Limits = DEFAULT_LIMITS,
    unsure: Unsure | None = None,
    marks: dict[str, str] | None = None,
) -> str:
    """Return the file's real format (XLSX, XLSB, XLS, ODS or CSV) or raise a WorkbookError.

    Raises UnsafeFileError for oversize files, zip bombs and XML with a DTD,
    EncryptedFileError for password-protected workbooks.  An .xlsx worksheet
    whose grid its head does not settle (see :mod:`extent`) is put in
    ``unsure``; :class:`~assess.workbook.read.Book` counts it if it is read.
    The kind of assess output an .xlsx says it is (:mod:`marker`) goes in
    ``marks["kind"]``.
    """
    unsure = {} if unsure is None else unsure
    marks = {} if marks is None else marks
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise fail(path, "这是一个文件夹,不是文件")
        if not stat.S_ISREG(st.st_mode):  # reading a pipe or a device would block or never end
            raise fail(path, "不是普通文件(可能是管道或设备),请给出工作簿文件")
        size = st.st_size
        if size == 0:
            raise fail(path, "文件为空(0 字节),请重新导出或重新上传")
        if size > limits.max_file_bytes:
            raise fail(
                path,
                f"文件过大({size / MiB:.1f} MiB,上限 {limits.max_file_bytes / MiB:.0f} MiB)",
                UnsafeFileError,
            )
        with path.open("rb") as f:
            block = f.read(_FIRST_READ)  # a county workbook whole, in one read
            head = block[:4096]
            if head.startswith(ZIP_MAGIC):
                if size <= _IN_MEMORY:
                    data = block if len(block) < _FIRST_READ else block + f.read()
                    fmt = _check_small_zip(path, data, limits, unsure, marks)
                    if fmt is not None:
                        return fmt
                return _check_zip(path, f, limits, unsure, marks)
            if head.startswith(OLE_MAGIC):
                return _check_ole(path, f)
    except FileNotFoundError:
        raise fail(path, "文件不存在") from None
    except PermissionError:
        raise fail(path, "没有读取权限") from None
    except OSError as e:
        raise fail(path, f"读取文件时出错({e.strerror or e})") from None
    return _check_other(path, head)


def _check_other(path: Path, head: bytes) -> str:
    """Neither zip nor OLE: CSV by extension, or a clear message about what the file is."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"%pdf"):
        raise fail(path, "文件是 PDF 文档,不是 Excel 工作簿")
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or b"<html" in text[:512]:
        raise fail(
            path,
            "文件实际是网页(HTML)格式,不是真正的 Excel 工作簿,请在 Excel 或 WPS 中打开后另存为 .xlsx",
        )
    if text.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            raise fail(
                path,
                "文件是 Excel 2003 XML 格式,请在 Excel 或 WPS 中打开后另存为 .xlsx",
            )
        raise fail(path, "文件是 XML 文本,不是 Excel 工作簿")
    if path.suffix.lower() in TEXT_EXTENSIONS:
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise fail(path, "文件扩展名为 .csv,但内容不是文本")
        return CSV
    if head.startswith(b"PK"):
        raise fail(path, "文件已损坏或不完整(压缩包结构无法读取),请重新导出或重新上传")
    raise fail(path, "无法识别的文件格式(不是 Excel、WPS 或 CSV 文件),文件可能已损坏")


def _check_zip(path: Path, f: BinaryIO, limits: Limits, unsure: Unsure, marks: dict[str, str]) -> str:
    """Decide xlsx/xlsb/ods from the zip directory; refuse bombs and DTDs without expanding."""
    f.seek(0)
    try:
        zf = zipfile.ZipFile(f)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise _corrupt(path) from None
    with zf:
        names = _check_members(path, zf.infolist(), limits)
        if "xl/workbook.xml" in names:
            fmt = XLSX
        elif "xl/workbook.bin" in names:
            fmt = XLSB
        elif "content.xml" in names:
            manifest = _read_head(
                path, zf, names.get("meta-inf/manifest.xml"), limits.xml_head_bytes
            )  # read whole (up to the limit): encryption-data comes after the root
            if b"encryption-data" in manifest:
                raise encrypted(path)
            fmt = ODS
        elif "word/document.xml" in names:
            raise fail(path, "文件是 Word 文档,不是 Excel 工作簿")
        elif "ppt/presentation.xml" in names:
            raise fail(path, "文件是 PowerPoint 演示文稿,不是 Excel 工作簿")
        else:
            raise fail(path, "压缩包中没有工作簿内容,不是 Excel 或 WPS 表格文件")
        for lname, info in names.items():
            if lname.endswith(_XML_PARTS):
                head = _read_head(path, zf, info, limits.xml_head_bytes, f, _stop(lname))
                _check_xml_head(path, info.filename, head)
                if fmt == XLSX:
                    _note_grid(unsure, lname, info.filename, head, limits)
                    _note_mark(marks, lname, head)
    return fmt


_XML_PARTS = (".xml", ".rels", ".vml")


def _corrupt(path: Path) -> WorkbookError:
    return fail(path, "文件已损坏或不完整(压缩包结构无法读取),请重新导出或重新上传")


_M = TypeVar("_M", bound="_Member")


class _Member(Protocol):
    """What the checks need of a zip member (a :class:`zipfile.ZipInfo` or a :class:`Entry`)."""

    @property
    def filename(self) -> str: ...
    @property
    def flag_bits(self) -> int: ...
    @property
    def compress_type(self) -> int: ...
    @property
    def compress_size(self) -> int: ...
    @property
    def file_size(self) -> int: ...
    @property
    def header_offset(self) -> int: ...


def _check_members(path: Path, infos: Sequence[_M], limits: Limits) -> dict[str, _M]:
    """Refuse too many members, too much expanded data, a bomb's ratio or encryption;
    return the members by lower-cased name (the last of a name wins)."""
    if len(infos) > limits.max_members:
        raise fail(path, f"压缩包内文件过多({len(infos)} 个),疑似恶意文件", UnsafeFileError)
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        raise fail(
            path,
            f"解压后总大小 {total / MiB:.0f} MiB 超过上限 {limits.max_uncompressed_bytes / MiB:.0f} MiB,"
            "疑似压缩炸弹",
            UnsafeFileError,
        )
    for i in infos:
        if i.file_size > limits.ratio_min_bytes and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise fail(
                path,
                f"压缩比异常({ratio:.0f}:1,{i.filename}),疑似压缩炸弹",
                UnsafeFileError,
            )
        if i.flag_bits & 0x1:
            raise encrypted(path)
    return {i.filename.lower(): i for i in infos}


_FIRST_READ = (
    64 * 1024
)  # bytes read first; fewer means the whole file (a regular file's read stops only at its end)

# A zip file up to this size is read once into memory and its directory parsed
# here (a tenth of what zipfile costs); anything unusual goes to zipfile.
_IN_MEMORY = 8 * MiB
# Deflated parts that passed the DTD check, by their exact compressed bytes: the
# theme, styles, relationships and content types of a template recur in every
# county's workbook, and inflating them again would give the same head.
_CLEAN_HEADS: set[tuple[int, int, int, bytes, int]] = set()
_CLEAN_HEADS_MAX = 512
_CLEAN_MAX_BYTES = 4096  # larger parts are checked every time


def _clean_key(data: bytes, info: Entry, n: int, grid_limit: int) -> tuple[int, int, int, bytes, int] | None:
    """What the head check of a small deflated member depends on, or None (not cached).

    (bytes scanned, expanded size, compressed size, the compressed bytes, the
    grid limit for a worksheet or -1): the same key inflates to the same head
    wherever it is found, and is clean for the same reasons — the same bytes
    passed as some other part say nothing of a worksheet's grid.
    """
    if info.compress_type != zipfile.ZIP_DEFLATED or info.compress_size > _CLEAN_MAX_BYTES:
        return None
    off = info.header_offset
    if data[off : off + 4] != b"PK\x03\x04" or off + 30 > len(data):
        return None
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    return n, info.file_size, info.compress_size, data[start : start + info.compress_size], grid_limit


def _check_small_zip(
    path: Path, data: bytes, limits: Limits, unsure: Unsure, marks: dict[str, str]
) -> str | None:
    """:func:`_check_zip` for an .xlsx read whole into ``data``; None sends the file to zipfile.

    The same checks in the same order, with the same messages: the directory
    is parsed here and the XML heads are inflated from memory.
    """
    infos = central_directory(data)
    if infos is None:
        return None
    names = _check_members(path, infos, limits)
    if "xl/workbook.xml" not in names:
        return None  # xlsb, ods and the refusals: see _check_zip
    zf: zipfile.ZipFile | None = None
    n = limits.xml_head_bytes

    def read(pos: int, size: int) -> bytes:
        return data[pos : pos + size]

    try:
        for lname, info in names.items():
            if not lname.endswith(_XML_PARTS):
                continue
            key = _clean_key(data, info, n, limits.max_cells if is_worksheet(lname) else -1)
            if key is not None and key in _CLEAN_HEADS:
                if lname == MARK_MEMBER:  # a clean head still says what the workbook is
                    with _quiet_inflate():
                        _note_mark(marks, lname, _inflate_head(read, info, n, _NEVER))
                continue
            head = None
            stop = _stop(lname)
            if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                try:
                    head = _inflate_head(read, info, n, stop)
                except (zlib.error, struct.error, ValueError, OSError):
                    pass  # let zipfile say what is wrong
            if head is None:
                key = None  # zipfile's verdict depends on more than the member's bytes
                if zf is None:
                    try:
                        zf = zipfile.ZipFile(io.BytesIO(data))
                    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
                        raise _corrupt(path) from None
                head = _read_head(path, zf, zf.infolist()[info.position], n)
            _check_xml_head(path, info.filename, head)
            _note_mark(marks, lname, head)
            if _note_grid(unsure, lname, info.filename, head, limits):
                continue  # not remembered as clean: the next copy is noted again
            if key is not None:
                if len(_CLEAN_HEADS) >= _CLEAN_HEADS_MAX:
                    _CLEAN_HEADS.clear()
                _CLEAN_HEADS.add(key)
    finally:
        if zf is not None:
            zf.close()
    return XLSX


def _read_head(
    path: Path,
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo | None,
    n: int,
    f: BinaryIO | None = None,
    stop: re.Pattern[bytes] | None = None,
) -> bytes:
    """First expanded bytes of a member (up to ``n``, fewer once its root element shows).

    With ``f`` (the open zip file) a stored or deflated member is inflated
    straight from its bytes, which costs a tenth of :meth:`ZipFile.open`;
    a broken member means a broken file either way.
    """
    if info is None:
        return b""
    if f is not None and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        try:
            return _inflate_head(_file_reader(f), info, n, stop)
        except (zlib.error, struct.error, ValueError, OSError):
            pass  # let zipfile say what is wrong
    try:
        with zf.open(info) as m:
            return m.read(n)
    except UNZIP_ERRORS:
        raise fail(path, f"文件已损坏或不完整({info.filename} 无法解压),请重新导出或重新上传") from None


# Expanded bytes that hold the root element of any ordinary XML part (looked at
# first; more only when the root is not there).  Fewer would be cheaper but would
# let a member corrupted just after its root pass this check.  A worksheet is
# read on to its declared range, which Excel writes after a long root tag.
_LOOKS = (512, 4096)

Reader = Callable[[int, int], bytes]  # (offset, size) → the file's bytes there (fewer at the end)


def _file_reader(f: BinaryIO) -> Reader:
    def read(pos: int, size: int) -> bytes:
        f.seek(pos)
        return f.read(size)

    return read


def _inflate_head(read: Reader, info: _Member, n: int, stop: re.Pattern[bytes] | None = None) -> bytes:
    """The first ``n`` expanded bytes of a stored or deflated member, fewer once ``stop``
    (by default its root element) shows."""
    stop = stop or _ROOT_RE
    local = read(info.header_offset, 30)
    if len(local) < 30 or not local.startswith(b"PK\x03\x04"):
        raise ValueError("bad local header")
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    pos = info.header_offset + 30 + name_len + extra_len
    want = min(n, info.file_size)
    if info.compress_type == zipfile.ZIP_STORED:
        return read(pos, want)
    inflater = zlib.decompressobj(-15)
    out = b""
    left = info.compress_size
    for size in (*_LOOKS, want):
        limit = min(size, want)
        while len(out) < limit and (left > 0 or inflater.unconsumed_tail):
            chunk = inflater.unconsumed_tail
            if not chunk:
                chunk = read(pos, min(left, 16 * 1024))
                if not chunk:
                    raise ValueError("truncated member")
                pos += len(chunk)
                left -= len(chunk)
            out += inflater.decompress(chunk, limit - len(out))
        if stop.search(out):
            break
    return out[:want]


_ROOT_RE = re.compile(rb"<[A-Za-z_]")


def _stop(lname: str) -> re.Pattern[bytes] | None:
    """How far a member's head is inflated: a worksheet's to its declared range; the
    custom properties whole (a few hundred bytes), since the mark may follow the root."""
    if lname == MARK_MEMBER:
        return _NEVER
    return HEAD_DONE if is_worksheet(lname) else None


_NEVER = re.compile(rb"(?!)")


def _note_grid(unsure: Unsure, lname: str, member: str, head: bytes, limits: Limits) -> bool:
    """Put a worksheet whose grid must be counted in ``unsure``; whether it was."""
    settled, declared = grid_unsettled(lname, head, limits.max_cells)
    if not settled:
        unsure[member] = declared
    return not settled


def _note_mark(marks: dict[str, str], lname: str, head: bytes) -> None:
    """Remember the assess output kind ``docProps/custom.xml`` declares (see :mod:`marker`)."""
    if lname == MARK_MEMBER:
        kind = kind_of(head)
        if kind is not None:
            marks["kind"] = kind


def _quiet_inflate() -> contextlib.AbstractContextManager[None]:
    return contextlib.suppress(zlib.error, struct.error, ValueError, OSError)


def _check_xml_head(path: Path, member: str, head: bytes) -> None:
    """Refuse a DTD (entity expansion, external entities) in an XML part.

    A DTD may only come before the root element, so scanning the head up to
    the root is enough; a head with no root element at all is refused too.
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("utf-8")
    upper = head.upper()
    root = _ROOT_RE.search(head)
    end = root.start() if root else len(head)
    if b"<!DOCTYPE" in upper[:end] or b"<!ENTITY" in upper[:end]:
        raise fail(
            path,
            f"{member} 含有 DTD/实体声明(可能是 XML 实体攻击),已拒绝读取",
            UnsafeFileError,
        )
    if root is None and len(head) >= 4096:
        raise fail(path, f"{member} 的 XML 文件头异常,已拒绝读取", UnsafeFileError)


def _check_ole(path: Path, f: BinaryIO) -> str:
    """An OLE compound file is .xls/.et — or an encrypted xlsx, or a Word document."""
    try:
        names = ole_stream_names(f)
    except (struct.error, ValueError, OSError):
        return XLS  # let calamine try; it reports a broken file itself
    lowered = {n.lower() for n in names}
    if "encryptedpackage" in lowered or "encryptioninfo" in lowered:
        raise encrypted(path)
    if "workbook" in lowered or "book" in lowered:
        return XLS
    if "worddocument" in lowered:
        raise fail(path, "文件是 Word 文档(.doc),不是 Excel 工作簿")
    if "powerpoint document" in lowered:
        raise fail(path, "文件是 PowerPoint 演示文稿,不是 Excel 工作簿")
    return XLS


_FREE = 0xFFFFFFFA  # sector numbers at or above this are markers (end of chain, free…)


def ole_stream_names(f: BinaryIO, max_sectors: int = 4096) -> set[str]:
    """Names of the entries in an OLE (CFB) directory, read from the header, FAT and directory only."""
    f.seek(0)
    header = f.read(512)
    if len(header) < 512:
        raise ValueError("short header")
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        raise ValueError("bad sector size")
    size = 1 << shift
    (dir_start,) = struct.unpack_from("<I", header, 48)
    difat_start, num_difat = struct.unpack_from("<II", header, 68)
    difat = [s for s in struct.unpack_from("<109I", header, 76) if s < _FREE]
    sec, hops = difat_start, 0
    while sec < _FREE and hops < min(num_difat, max_sectors):
        data = _sector(f, sec, size)
        entries = struct.unpack(f"<{size // 4}I", data)
        difat.extend(s for s in entries[:-1] if s < _FREE)
        sec, hops = entries[-1], hops + 1
    per = size // 4
    fat_cache: dict[int, tuple[int, ...]] = {}

    def next_sector(n: int) -> int:
        k = n // per
        if k >= len(difat):
            raise ValueError("FAT index out of range")
        if k not in fat_cache:
            fat_cache[k] = struct.unpack(f"<{per}I", _sector(f, difat[k], size))
        return fat_cache[k][n % per]

    names: set[str] = set()
    sec, hops = dir_start, 0
    while sec < _FREE and hops < max_sectors:
        data = _sector(f, sec, size)
        for off in range(0, size, 128):
            nlen = struct.unpack_from("<H", data, off + 64)[0]
            if 2 <= nlen <= 64 and data[off + 66] in (1, 2, 5):
                names.add(data[off : off + nlen - 2].decode("utf-16-le", "replace"))
        sec, hops = next_sector(sec), hops + 1
    return names


def _sector(f: BinaryIO, n: int, size: int) -> bytes:
    f.seek((n + 1) * size)
    data = f.read(size)
    if len(data) < size:
        raise ValueError("truncated sector")
    return data
