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
import stat
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


# --------------------------------------------------------------------------
# Temporary files: recognisable, locked while in use, cleaned after a crash
#
# A temporary file is ``.<target name, cut>.assess-<8 random>.tmp`` beside the
# target.  While its run is alive it is held open with a kernel lock
# (``flock`` on POSIX); the operating system drops the lock when the process
# dies (``kill -9``, power loss), so a temporary file whose lock can be taken
# belongs to no live run and is removed by the next run writing into the same
# folder.  The remover takes the lock first and unlinks while holding it; the
# creator locks its new file and checks that the name still leads to it (it
# could have been removed in the instant between creating and locking), and
# starts again with a new name if not.  On Windows a file held open by a live
# run cannot be deleted (Python opens files without delete sharing), and a
# file is only removed when it is also older than STALE_AGE, which covers the
# instant between closing it and renaming it.  Nothing but files of exactly
# this shape is touched.

TEMP_MARK = ".assess-"
TEMP_SUFFIX = ".tmp"
_TEMP_RE = re.compile(r"^\..*\.assess-[a-z0-9_]{8}\.tmp$", re.DOTALL)
STALE_AGE = 60.0  # seconds; Windows only (see above)
_CREATE_TRIES = 10
_cleaned: set[str] = set()


def is_temp_name(name: str) -> bool:
    """Whether ``name`` is the name of one of assess's temporary files."""
    return bool(_TEMP_RE.match(name))


def _try_lock(fd: int, *, wait: bool) -> bool:
    """Take an exclusive kernel lock on ``fd`` (POSIX); True when held."""
    if os.name != "posix":
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
            return False
        if exc.errno in (errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOLCK):
            return wait  # no locks on this file system: a creator goes on, a cleaner leaves the file
        raise
    return True


def _remove_if_stale(path: Path) -> bool:
    """Remove one leftover temporary file unless a live run still holds it."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if os.name != "posix":
        if time.time() - st.st_mtime < STALE_AGE:
            return False
        try:
            os.unlink(path)  # fails while a live run holds it open
        except OSError:
            return False
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        if not _try_lock(fd, wait=False):
            return False
        try:
            if not os.path.samestat(os.fstat(fd), os.lstat(path)):
                return False
        except OSError:
            return False
        try:
            os.unlink(path)  # while holding the lock: a creator re-checks its name after locking
        except OSError:
            return False
        return True
    finally:
        os.close(fd)


def clean_stale_temps(folder: Path) -> list[Path]:
    """Remove temporary files left in ``folder`` by interrupted runs; the removed paths.

    Only names of the shape :func:`is_temp_name` recognises are looked at,
    and only those no live run holds are removed.  Errors are ignored: a
    leftover that cannot be removed does no harm.
    """
    removed: list[Path] = []
    try:
        names = [e.name for e in os.scandir(folder) if is_temp_name(e.name)]
    except OSError:
        return removed
    for name in names:
        path = Path(folder) / name
        if _remove_if_stale(path):
            removed.append(path)
    return removed


def _clean_once(folder: Path) -> None:
    key = os.path.realpath(folder)
    if key in _cleaned:
        return
    _cleaned.add(key)
    clean_stale_temps(folder)


def _new_temp(path: Path, folder: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path``, open and locked: (fd, path)."""
    prefix = f".{_truncate(path.name, 40, 120)}{TEMP_MARK}"
    for _ in range(_CREATE_TRIES):
        try:
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=folder)
        except OSError as exc:
            raise _os_error(exc, path) from exc
        try:
            _try_lock(fd, wait=True)
            same = os.path.samestat(os.fstat(fd), os.stat(name))
        except OSError:
            same = False
        if same:
            return fd, Path(name)
        os.close(fd)  # removed by a cleaner between creation and locking: take another name
    raise OutputError(f"无法在“{folder}”中创建临时文件", Location(file=str(path)))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    Write the whole file to the yielded path (open it yourself, or hand it
    to a library).  If the block raises, the temporary file is removed and
    ``path`` is left as it was.  Temporary files left in the folder by
    interrupted runs are removed first (once per folder and process).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"输出文件夹“{folder}”不存在" if not folder.exists() else f"“{folder}”不是文件夹",
            Location(file=str(path)),
        )
    _clean_once(folder)
    fd, tmp = _new_temp(path, folder)
    held: int | None = fd
    try:
        _set_mode(tmp, path)
        yield tmp
        try:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        except FileNotFoundError:
            raise OutputError(f"临时文件“{tmp}”在写入过程中消失", Location(file=str(path))) from None
        if os.name != "posix":  # Windows cannot rename a file this process holds open
            os.close(fd)
            held = None
        try:
            _replace(tmp, path)
        except OSError as exc:
            raise _os_error(exc, path) from exc
        _fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        if held is not None:
            with contextlib.suppress(OSError):
                os.close(held)


def free_name(beside: Path, stem: str, suffix: str) -> Path:
    """``stem + suffix`` beside ``beside``, or ``stem-2``, ``stem-3`` … when taken: a backup
    never replaces an earlier one."""
    candidate = beside.with_name(f"{stem}{suffix}")
    n = 2
    while candidate.exists():
        candidate = beside.with_name(f"{stem}-{n}{suffix}")
        n += 1
    return candidate


def copy_atomic(source: Path, target: Path, refusal: str) -> None:
    """Copy ``source`` to a new ``target`` (a backup) whole or not at all.

    ``refusal`` is the Chinese message when the copy fails, with ``{error}``
    where the system's reason goes: a failed backup stops what it protects.
    """
    import shutil

    with atomic_path(target) as tmp:
        try:
            shutil.copyfile(source, tmp)
        except OSError as exc:
            raise OutputError(refusal.format(error=exc.strerror or exc), Location(file=str(source))) from None


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
