"""A lock file beside the ledger so that two runs never update it at once.

The lock is a file created with ``O_CREAT | O_EXCL`` (atomic on every local
file system, Windows included) holding the owner's pid, host and start time.
A run waits for it with a timeout; a lock left by a process that no longer
exists on this machine is removed.  No fcntl: this must work on Windows.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from assess.errors import Location, OutputError

DEFAULT_TIMEOUT = 60.0
POLL = 0.1
STALE_CHECK = 2.0  # seconds between checks that the lock's owner still runs


def lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


def _alive(pid: int) -> bool | None:
    """Whether process ``pid`` exists on this machine; None when that cannot be told."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        try:
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
            handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
            if not handle:
                return False
            code = ctypes.c_ulong()
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            kernel32.CloseHandle(handle)
            return bool(ok) and code.value == 259  # STILL_ACTIVE
        except Exception:
            return None
    try:
        os.kill(pid, 0)  # signal 0: existence check only, nothing is sent
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return None
    return True


class LedgerLock:
    """``with LedgerLock(path):`` — hold the lock file ``<path>.lock`` while inside."""

    def __init__(self, target: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.target = Path(target)
        self.path = lock_path(self.target)
        self.timeout = timeout
        self._held = False

    def _owner(self) -> dict[str, object]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _try(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        except PermissionError:
            # Windows reports a file being deleted by its owner as access denied.
            if self.path.exists():
                return False
            raise
        except OSError as e:
            raise OutputError(
                f"无法在台账所在文件夹创建锁文件 {self.path.name}({e.strerror or e}),"
                "请检查文件夹是否存在、是否有写入权限",
                Location(file=str(self.path)),
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(info, f)
        self._held = True
        return True

    def _remove_stale(self) -> None:
        owner = self._owner()
        pid, host = owner.get("pid"), owner.get("host")
        if isinstance(pid, int) and host == socket.gethostname() and _alive(pid) is False:
            try:
                self.path.unlink()
            except OSError:
                pass

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        next_stale_check = 0.0
        while not self._try():
            now = time.monotonic()
            if now >= next_stale_check:  # the holder may have died since we last looked
                self._remove_stale()
                next_stale_check = now + STALE_CHECK
                continue
            if time.monotonic() >= deadline:
                owner = self._owner()
                who = f"(进程号 {owner['pid']})" if "pid" in owner else ""
                raise OutputError(
                    f"台账 {self.target.name} 正被另一个 assess 进程{who}更新,"
                    f"等待 {self.timeout:g} 秒后仍未结束。请稍后重试;"
                    f"如确认没有其他 assess 在运行,可删除锁文件 {self.path.name} 后重试",
                    Location(file=str(self.path)),
                )
            time.sleep(POLL)

    def release(self) -> None:
        if self._held:
            self._held = False
            try:
                self.path.unlink()
            except OSError:
                pass

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


__all__ = ["DEFAULT_TIMEOUT", "LedgerLock", "lock_path"]
