"""Keep two runs from updating one ledger at once, and keep off a ledger open in Excel.

The lock is a kernel file lock (``flock`` on POSIX, ``LockFileEx`` on
Windows) taken through the ``filelock`` package on ``<ledger>.lock`` beside
the ledger's real path (symlinks resolved, so two spellings of one ledger
share one lock).  The operating system drops it when the holding process
ends, however it ends (``kill -9``, a crash, a power cut): there is no
staleness to guess, so a lock file left behind, empty, holding a dead pid or
garbage, never blocks anybody; its content is only read to name the holder
in the timeout message.

The lock file is never deleted, not by a releasing run and not by a
waiting one.  Deleting it on POSIX would break the lock: a waiter that has
the old file open gets the lock on the unlinked inode while a third run
creates a new file under the same name and locks that one, and two runs
update the ledger at once.  ``filelock`` releases a native lock without
unlinking only when asked to (``preserve_lock_file=True``; versions
3.20.4 to 3.2x unlinked on release), and on a file system without ``flock``
it would fall back to an existence lock, which is exactly the stale-lock
design this replaces; both are switched off here, and a folder without
file locks is refused with a message.

An Office *owner file* beside the ledger (Excel and WPS: ``~$<name>``, with
the first characters of a long name replaced; LibreOffice:
``.~lock.<name>#``) means somebody has it open: writing it then would be
undone when they save, so the run is refused before anything is written.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from assess.errors import Location, OutputError

DEFAULT_TIMEOUT = 60.0
POLL = 0.05
_STAMP_MAX = 4096  # bytes of the lock file read to name the holder


def real_path(target: Path) -> Path:
    """The ledger's path with symlinks resolved (the file a write must go to)."""
    return Path(os.path.realpath(Path(target)))


def lock_path(target: Path) -> Path:
    """``<ledger>.lock`` beside the ledger's real path."""
    real = real_path(target)
    return real.with_name(real.name + ".lock")


def _holder(path: Path) -> str:
    """``(进程号 1234)`` from the lock file's stamp; empty when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            data = json.loads(fh.read(_STAMP_MAX).decode("utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(data, dict):
        return ""
    pid = data.get("pid")
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return ""
    host = data.get("host")
    if isinstance(host, str) and host and host != socket.gethostname():
        return f"(计算机 {host[:40]} 上的进程号 {pid})"
    return f"(进程号 {pid})"


def _stamp(fd: int) -> None:
    """Write who holds the lock into the lock file (information only, never trusted)."""
    info = json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode("utf-8")
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, info)


def _lock_mode(real: Path) -> int | None:
    """Permissions for a new lock file: those of the ledger, so colleagues who may write it may lock it."""
    if os.name != "posix":
        return None
    try:
        return (real.stat().st_mode & 0o666) | 0o600
    except OSError:
        return None


class LedgerLock:
    """``with LedgerLock(path):`` — hold the kernel lock on ``<real path>.lock`` while inside."""

    def __init__(self, target: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.target = Path(target)
        self.real = real_path(self.target)
        self.path = lock_path(self.target)
        self.timeout = timeout
        self._lock: Any = None

    def _error(self, exc: OSError) -> OutputError:
        where = Location(file=str(self.path))
        if exc.errno == errno.ENOSYS:
            return OutputError(
                f"台账 {self.target.name} 所在的文件夹“{self.path.parent}”不支持文件锁,"
                "无法保证几个人同时更新时不丢失内容;请把台账复制到本机磁盘上更新后再放回",
                where,
            )
        if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return OutputError(
                f"无法使用台账的锁文件 {self.path.name}(没有权限);请检查是否有写入文件夹“{self.path.parent}”"
                "和该锁文件的权限(锁文件可能是另一位用户创建的,请其放开写入权限)",
                where,
            )
        if exc.errno == errno.ELOOP:
            return OutputError(
                f"台账的锁文件 {self.path.name} 是一个符号链接,为安全起见不使用它;"
                "请确认没有 assess 在运行后删除它再重试",
                where,
            )
        return OutputError(
            f"无法在台账所在文件夹使用锁文件 {self.path.name}({exc.strerror or exc}),"
            "请检查文件夹是否存在、是否有写入权限",
            where,
        )

    def acquire(self) -> None:
        from filelock import FileLock, Timeout

        options: dict[str, Any] = {
            "thread_local": False,
            "poll_interval": POLL,
            "fallback_to_soft": False,
            "preserve_lock_file": True,
            "on_acquired": _stamp,
        }
        mode = _lock_mode(self.real)
        if mode is not None:
            options["mode"] = mode
        lock = FileLock(str(self.path), timeout=self.timeout, **options)
        try:
            lock.acquire(timeout=self.timeout)
        except Timeout:
            raise OutputError(
                f"台账 {self.target.name} 正被另一个 assess 进程{_holder(self.path)}更新,"
                f"等待 {self.timeout:g} 秒后仍未结束。请等它结束后重试;"
                f"进程结束(包括意外退出)时锁会自动解除,不需要删除锁文件 {self.path.name}",
                Location(file=str(self.path)),
            ) from None
        except OSError as exc:
            raise self._error(exc) from None
        self._lock = lock

    def release(self) -> None:
        lock, self._lock = self._lock, None
        if lock is not None:
            with contextlib.suppress(OSError):
                lock.release()

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


# ---- Office owner files -------------------------------------------------------


def _owner_names(name: str) -> list[tuple[str, str]]:
    """(owner file name, program) pairs that mean ``name`` is open in an office program.

    Excel and WPS write ``~$`` + the name; for a long name Word and Excel
    replace the first one or two characters instead.  LibreOffice (and WPS on
    Linux) write ``.~lock.<name>#``.
    """
    out = [(f"~${name}", "Excel 或 WPS")]
    for cut in (1, 2):
        if len(name) > cut + 1:
            out.append((f"~${name[cut:]}", "Excel 或 WPS"))
    out.append((f".~lock.{name}#", "LibreOffice 或 WPS"))
    return out


def office_owner(target: Path) -> tuple[Path, str] | None:
    """The owner file showing that the ledger is open in Excel, WPS or LibreOffice, if any.

    Looked for beside the path given and beside the real file (a ledger
    reached through a symlink may be opened by either).  A shortened
    ``~$`` name (first characters replaced) counts only when no file of the
    shortened name exists there, whose own owner file it would be.
    """
    for path in dict.fromkeys((Path(target).absolute(), real_path(target))):
        folder, name = path.parent, path.name
        for owner, program in _owner_names(name):
            candidate = folder / owner
            try:
                if not candidate.is_file():
                    continue
            except OSError:
                continue
            if owner.startswith("~$") and owner[2:] != name and (folder / owner[2:]).exists():
                continue  # the owner file of that other workbook
            return candidate, program
    return None


def refuse_if_open(target: Path) -> None:
    """Raise an OutputError when an office program has the ledger open."""
    found = office_owner(target)
    if found is None:
        return
    owner, program = found
    name = Path(target).name
    raise OutputError(
        f"台账 {name} 正在 {program} 中打开(发现其占用标记文件 {owner.name}),为免覆盖正在编辑的内容,"
        f"未作任何修改。请先保存并关闭台账后重试;如确已关闭,可删除文件 {owner.name} 后重试",
        Location(file=str(target)),
    )


__all__ = ["DEFAULT_TIMEOUT", "LedgerLock", "lock_path", "office_owner", "real_path", "refuse_if_open"]
