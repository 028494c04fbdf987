"""The lock file: exclusive, timed out with a clear message, stale locks cleared, no lost update."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import socket
from pathlib import Path

import openpyxl
import pytest

from assess.errors import OutputError
from assess.rectify.lock import LedgerLock, lock_path

from .conftest import SCHEME, write_findings


def test_second_holder_times_out_with_message(tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    with LedgerLock(target):
        assert lock_path(target).exists()
        with pytest.raises(OutputError) as exc:
            LedgerLock(target, timeout=0.3).acquire()
    assert exc.value.message == (
        f"台账 台账.xlsx 正被另一个 assess 进程(进程号 {os.getpid()})更新,等待 0.3 秒后仍未结束。"
        "请稍后重试;如确认没有其他 assess 在运行,可删除锁文件 台账.xlsx.lock 后重试"
    )
    assert not lock_path(target).exists()  # released on exit


def test_stale_lock_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    proc = multiprocessing.get_context("spawn").Process(target=int)
    proc.start()
    proc.join()
    lock_path(target).write_text(
        json.dumps({"pid": proc.pid, "host": socket.gethostname()}), encoding="utf-8"
    )
    with LedgerLock(target, timeout=0.5):
        data = json.loads(lock_path(target).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid()


def _update(args: tuple[str, str, str]) -> int:
    from assess.commands.rectify import run_rectify

    ledger, findings, out = args
    report = run_rectify(
        SCHEME,
        [],
        [Path(findings)],
        Path(ledger),
        Path(out),
        dt.date(2025, 4, 30),
        formats=set(),
        lock_timeout=60,
    )
    return len(report.stats.added)


def test_two_processes_lose_no_update(tmp_path: Path) -> None:
    from assess.commands.rectify import run_rectify

    base = write_findings(
        tmp_path / "base.xlsx",
        [[1, "浏阳市", "审计", "资金", "起始问题", "县财政局", None]],
    )
    ledger = run_rectify(
        SCHEME, [], [base], None, tmp_path / "out", dt.date(2025, 3, 31), formats=set()
    ).ledger
    jobs = []
    for n in range(4):
        rows = [[i, "宁乡市", f"督查{n}", "作风", f"第 {n} 批问题 {i}", "县委办", None] for i in range(1, 6)]
        path = write_findings(tmp_path / f"批次{n}.xlsx", rows)
        jobs.append((str(ledger), str(path), str(tmp_path / f"out{n}")))
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        added = pool.map(_update, jobs)
    assert added == [5, 5, 5, 5]
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    descriptions = {ws.cell(r, 5).value for r in range(2, ws.max_row + 1)}
    assert len(descriptions) == 21 and "起始问题" in descriptions
    assert not lock_path(ledger).exists()
    backups = {p.name for p in ledger.parent.glob("*.bak.xlsx")}
    assert backups == {
        "整改台账.20250430.bak.xlsx",
        "整改台账.20250430-2.bak.xlsx",
        "整改台账.20250430-3.bak.xlsx",
        "整改台账.20250430-4.bak.xlsx",
    }
