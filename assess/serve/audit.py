"""The audit log: one JSON line per action (who, what, when, which file, its sha256).

Lines are appended under the same kernel file lock the ledger uses
(:class:`assess.rectify.lock.LedgerLock` on ``审计日志.jsonl.lock``), so two
requests never interleave half lines, and each line is flushed to disk
before the request answers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def now_text() -> str:
    """Local time with its offset, to the second: 2025-01-20T10:15:02+08:00."""
    import datetime as dt

    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def write(
        self,
        who: str,
        action: str,
        *,
        file: str | None = None,
        sha256: str | None = None,
        stored: str | None = None,
        ip: str | None = None,
        **more: Any,
    ) -> dict[str, Any]:
        from assess.rectify.lock import LedgerLock

        entry: dict[str, Any] = {"time": now_text(), "who": who, "action": action}
        if file is not None:
            entry["file"] = file
        if stored is not None:
            entry["stored"] = stored
        if sha256 is not None:
            entry["sha256"] = sha256
        if ip is not None:
            entry["ip"] = ip
        entry.update({k: v for k, v in more.items() if v is not None})
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with LedgerLock(self.path):
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    def tail(self, n: int = 200) -> list[dict[str, Any]]:
        """The last ``n`` entries, newest first (a damaged line is passed over)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        out: list[dict[str, Any]] = []
        for text in reversed(lines):
            try:
                entry = json.loads(text)
            except ValueError:
                continue
            if isinstance(entry, dict):
                out.append(entry)
            if len(out) >= n:
                break
        return out
