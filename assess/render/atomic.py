"""Atomic writes and safe file names for output documents.

A document is written to a temporary file in the same folder, flushed to
disk, then moved over the target with ``os.replace``: a reader (or a crash)
sees the old file or the new one, never half of one.  On Windows a target
open in Excel or WPS cannot be replaced; that becomes a Chinese OutputError
asking the user to close it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from assess.errors import Location, OutputError

_REPLACE_TRIES = 5
_REPLACE_WAIT = 0.2  # seconds; antivirus and indexers hold new files briefly


def _locked(path: Path) -> OutputError:
    return OutputError(
        f"无法写入“{path}”:文件可能正在被 Excel 或 WPS 打开,请关闭后重试",
        Location(file=str(path)),
    )


def _os_error(exc: OSError, path: Path) -> OutputError:
    if isinstance(exc, PermissionError):
        if path.exists():
            return _locked(path)
        return OutputError(f"无法写入“{path}”:没有写入该文件夹的权限", Location(file=str(path)))
    if exc.errno == errno.ENOSPC or getattr(exc, "winerror", None) == 112:
        return OutputError(f"磁盘空间不足,无法写入“{path}”", Location(file=str(path)))
    if exc.errno == errno.ENOENT:
        return OutputError(f"输出文件夹“{path.parent}”不存在", Location(file=str(path)))
    if exc.errno == errno.ENOTDIR:
        return OutputError(f"“{path.parent}”不是文件夹", Location(file=str(path)))
    if exc.errno in (errno.EROFS, errno.EACCES):
        return OutputError(f"无法写入“{path}”:该位置只读或没有权限", Location(file=str(path)))
    return OutputError(f"无法写入“{path}”:{exc.strerror or exc}", Location(file=str(path)))


def _replace(src: Path, dst: Path) -> None:
    for attempt in range(_REPLACE_TRIES):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == _REPLACE_TRIES - 1:
                raise
            time.sleep(_REPLACE_WAIT * (attempt + 1))


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _set_mode(tmp: Path, path: Path) -> None:
    """Give the temporary file the permissions the target would have had.

    ``mkstemp`` creates it readable by its owner only; without this every
    document, and a ledger replaced on a shared folder, would become
    unreadable to colleagues.  A replaced file keeps its mode; a new one
    gets the usual ``0o666`` less the umask.
    """
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    Write the whole file to the yielded path (open it yourself, or hand it
    to a library).  If the block raises, the temporary file is removed and
    ``path`` is left as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"输出文件夹“{folder}”不存在" if not folder.exists() else f"“{folder}”不是文件夹",
            Location(file=str(path)),
        )
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _os_error(exc, path) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        _set_mode(tmp, path)
        yield tmp
        try:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        except FileNotFoundError:
            raise OutputError(f"临时文件“{tmp}”在写入过程中消失", Location(file=str(path))) from None
        try:
            _replace(tmp, path)
        except OSError as exc:
            raise _os_error(exc, path) from exc
        _fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(path: Path, data: bytes | str | Iterable[str], encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically; text is encoded with ``encoding``.

    ``data`` may be an iterable of text pieces, written as they come (a large
    JSON document is then never whole in memory).
    """
    path = Path(path)
    pieces: Iterable[bytes]
    if isinstance(data, bytes):
        pieces = (data,)
    elif isinstance(data, str):
        pieces = (data.encode(encoding),)
    else:
        pieces = (piece.encode(encoding) for piece in data)
    with atomic_path(path) as tmp:
        try:
            with open(tmp, "wb", buffering=1 << 20) as fh:
                for payload in pieces:
                    fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise _os_error(exc, path) from exc
    return path


# --------------------------------------------------------------------------
# Safe file names

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$"}
_WINDOWS_RESERVED |= {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
_WINDOWS_RESERVED |= {"COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³"}
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME_CHARS = 80  # leaves room for a suffix and a deep folder on Windows (MAX_PATH 260)
MAX_NAME_BYTES = 180  # Linux allows 255 bytes a name; CJK is 3 bytes a character
DEFAULT_NAME = "未命名"


def _truncate(name: str, chars: int, max_bytes: int) -> str:
    name = name[:chars]
    while len(name.encode("utf-8")) > max_bytes:
        name = name[:-1]
    return name


def safe_filename(name: str, taken: set[str] | None = None, *, max_chars: int = MAX_NAME_CHARS) -> str:
    """A file name (without suffix) made from a unit name, safe on Windows and Linux.

    Path separators and characters Windows refuses become "_", leading and
    trailing dots and spaces go, reserved device names (CON, NUL, COM1…) get
    a "_" appended, long names are cut, and an empty result becomes
    "未命名".  When ``taken`` is given, the name is made unique against it
    case-insensitively (Windows file names ignore case) by appending
    "(2)", "(3)"…, and the chosen name is added to ``taken``.
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.sub(r"\s+", " ", text)
    text = _BAD_CHARS.sub("_", text).strip(" .")
    text = re.sub(r"_{2,}", "_", text)
    text = re.sub(r"\.{2,}", ".", text)  # no ".." anywhere
    text = text.strip(" ._") or DEFAULT_NAME
    text = _truncate(text, max_chars, MAX_NAME_BYTES).rstrip(" .") or DEFAULT_NAME
    if text.split(".")[0].upper().rstrip() in _WINDOWS_RESERVED:
        text += "_"
    if taken is None:
        return text
    lowered = {t.casefold() for t in taken}
    candidate = text
    n = 2
    while candidate.casefold() in lowered:
        tail = f"({n})"
        candidate = _truncate(text, max_chars - len(tail), MAX_NAME_BYTES - len(tail)).rstrip(" .")
        candidate += tail
        n += 1
    taken.add(candidate)
    return candidate
