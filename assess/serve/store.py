"""Submissions kept as versions, and the latest accepted one exposed to the command line.

Every uploaded file is written once under a generated name
(``20250120-101502-3f9a1c2e.xlsx``) and never written over; the name the
sender gave is kept as data in the record beside it (``提交记录.json``).
Records are rewritten atomically (:func:`assess.render.atomic.write_atomic`)
under the kernel lock the ledger uses (:class:`assess.rectify.lock.LedgerLock`),
so two uploads of one unit at once both end up in the record.  The latest
accepted version of each unit is copied atomically to ``已通过/`` (see
:mod:`.layout`), where ``assess rank`` and the page's ranking read it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assess.serve import layout as L
from assess.serve.audit import now_text
from assess.serve.receipts import ACCEPTED, MISSING, PROBLEMS, Checked, finding_dict

DATA_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv")
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def _thread_lock(key: str) -> threading.Lock:
    """One lock per record inside this process (the file lock covers other processes)."""
    with _GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


class _Locked:
    """The record's file lock and its in-process lock, taken together."""

    def __init__(self, path: Path) -> None:
        from assess.rectify.lock import LedgerLock

        self.inner = _thread_lock(str(path))
        self.file = LedgerLock(path)

    def __enter__(self) -> _Locked:
        self.inner.acquire()
        try:
            self.file.acquire()
        except BaseException:
            self.inner.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.release()
        self.inner.release()


def locked(path: Path) -> _Locked:
    return _Locked(path)


def generated_name(suffix: str) -> str:
    """A name no request chose: time and 32 random bits."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}{suffix}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def write_json(path: Path, data: Any) -> None:
    from assess.render.atomic import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


@dataclass(frozen=True)
class Slot:
    """Where one unit's or one source's submissions go."""

    key: str  # "unit:浏阳市", "source:财政", "unknown"
    title: str  # 浏阳市, 来源“财政”…
    folder: Path  # 提交/浏阳市
    accepted: Path | None  # 已通过/浏阳市 (suffix added), 已通过/财政/财政; None: never counted


def _whole(record: Any) -> bool:
    """A record that can be rewritten without dropping anything it holds."""
    versions = record.get("versions", []) if isinstance(record, dict) else None
    return isinstance(versions, list) and all(isinstance(v, dict) for v in versions)


class Store:
    """The working folder's submissions, settings and accepted copies."""

    def __init__(self, root: Path) -> None:
        self.layout = L.Layout(root)
        self.layout.make()

    # ---- settings -------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        data = read_json(self.layout.settings, {})
        return data if isinstance(data, dict) else {}

    def update_settings(self, **changes: Any) -> dict[str, Any]:
        with locked(self.layout.settings):
            data = self.settings()
            data.update(changes)
            write_json(self.layout.settings, data)
        return data

    def scheme_ref(self) -> str | None:
        """What ``--scheme`` the commands get: a bundled id, or the folder's 方案.yaml."""
        ref = self.settings().get("scheme")
        if ref == L.SCHEME_FILE:
            return str(self.layout.scheme_file) if self.layout.scheme_file.is_file() else None
        return ref if isinstance(ref, str) and ref else None

    @property
    def published(self) -> bool:
        return bool(self.settings().get("published"))

    # ---- slots ----------------------------------------------------------
    def unit_slot(self, unit: str) -> Slot:
        from assess.render.atomic import safe_filename

        name = safe_filename(unit)
        return Slot(f"unit:{unit}", unit, self.layout.submitted / name, self.layout.accepted / name)

    def source_slot(self, source_id: str) -> Slot:
        from assess.render.atomic import safe_filename

        name = safe_filename(source_id)
        folder = self.layout.submitted / f"{L.SOURCE_PREFIX}{name}"
        return Slot(f"source:{source_id}", f"来源“{source_id}”", folder, self.layout.accepted / name / name)

    def unknown_slot(self) -> Slot:
        return Slot("unknown", "未识别", self.layout.submitted / L.UNKNOWN, None)

    # ---- files ----------------------------------------------------------
    def receive(self, data: bytes, suffix: str) -> Path:
        """Write an upload to the inbox under a generated name (before it is checked)."""
        from assess.render.atomic import write_atomic

        inbox = self.layout.submitted / L.INBOX
        inbox.mkdir(parents=True, exist_ok=True)
        target = inbox / generated_name(suffix)
        while target.exists():  # 32 random bits in the same second: practically never
            target = inbox / generated_name(suffix)
        return write_atomic(target, data)

    def record(self, slot: Slot, *, strict: bool = False) -> dict[str, Any]:
        """The slot's record; with ``strict`` (before it is rewritten) a damaged one is refused.

        A record that cannot be read is shown as empty, but never written over:
        that would drop the list of every earlier version.
        """
        path = slot.folder / L.RECORD
        data = read_json(path, None) if path.exists() else {}
        if strict and not _whole(data):
            from assess.errors import DataError

            raise DataError(
                f"提交记录“{path}”已损坏,无法读取;为免丢失其中的历次提交,本次上传未保存。"
                "请从备份恢复这个文件,或把它移到别处后重新上传(已保存的文件都还在同一文件夹中)"
            )
        if not isinstance(data, dict):
            data = {}
        data.setdefault("title", slot.title)
        versions = data.get("versions")
        data["versions"] = [v for v in versions if isinstance(v, dict)] if isinstance(versions, list) else []
        return data

    def file_of(self, slot: Slot, version: dict[str, Any]) -> Path | None:
        """The stored file of a version, found by the record's own generated name."""
        name = str(version.get("stored", ""))
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        path = slot.folder / name
        return path if path.is_file() else None

    def file_by_id(self, slot: Slot, version_id: str) -> tuple[dict[str, Any], Path] | None:
        for version in self.record(slot)["versions"]:
            if version.get("id") == version_id:
                path = self.file_of(slot, version)
                return (version, path) if path is not None else None
        return None

    def keep(
        self, slot: Slot, received: Path, checked: Checked, *, original: str, who: str, sha256: str, size: int
    ) -> dict[str, Any]:
        """Move a checked upload into its slot as a new version; the accepted copy follows."""
        slot.folder.mkdir(parents=True, exist_ok=True)
        target = slot.folder / received.name
        with locked(slot.folder / L.RECORD):
            record = self.record(slot, strict=True)  # refused before the upload is moved in
            os.replace(received, target)
            version = {
                "id": target.stem,
                "stored": target.name,
                "original": original,
                "sha256": sha256,
                "size": size,
                "time": now_text(),
                "who": who,
                "state": checked.state,
                "units": checked.units,
                "summary": checked.summary,
                "errors": checked.errors,
                "warnings": checked.warnings,
                "findings": [finding_dict(f, original) for f in checked.findings],
            }
            record["versions"].append(version)
            if checked.state == ACCEPTED and slot.accepted is not None:
                self._expose(slot.accepted, target)
                record["accepted"] = version["id"]
            write_json(slot.folder / L.RECORD, record)
        return version

    def _expose(self, accepted: Path, stored: Path) -> None:
        """Copy the accepted version to 已通过/, then drop a copy of another suffix (.xls → .xlsx)."""
        from assess.render.atomic import copy_atomic

        accepted.parent.mkdir(parents=True, exist_ok=True)
        target = accepted.with_name(accepted.name + stored.suffix.lower())
        copy_atomic(stored, target, f"无法更新“{target.name}”({{error}})")
        for suffix in DATA_SUFFIXES:
            other = accepted.with_name(accepted.name + suffix)
            if other != target and other.exists():
                other.unlink()

    # ---- views ----------------------------------------------------------
    def status(self, slot: Slot) -> dict[str, Any]:
        """未提交 / 有问题 / 已通过 with the last submission's time and sender."""
        record = self.record(slot)
        versions = record["versions"]
        if not versions:
            return {"state": MISSING, "time": "", "who": "", "versions": 0, "accepted": None, "last": None}
        last = versions[-1]
        accepted = next((v for v in reversed(versions) if v.get("id") == record.get("accepted")), None)
        return {
            "state": ACCEPTED if last.get("state") == ACCEPTED else PROBLEMS,
            "time": last.get("time", ""),
            "who": last.get("who", ""),
            "versions": len(versions),
            "accepted": accepted,
            "last": last,
        }

    def accepted_units(self) -> list[str]:
        """Names of the unit files in 已通过/ (the ranking's inputs)."""
        folder = self.layout.accepted
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)

    def accepted_file(self, slot: Slot) -> Path | None:
        if slot.accepted is None:
            return None
        for suffix in DATA_SUFFIXES:
            path = slot.accepted.with_name(slot.accepted.name + suffix)
            if path.is_file():
                return path
        return None


__all__ = ["ACCEPTED", "MISSING", "PROBLEMS", "Slot", "Store", "locked", "sha256_bytes"]
