"""The ledger lock: a kernel lock released by the OS; left-over lock files never block; never deleted."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from assess.errors import OutputError
from assess.rectify.lock import LedgerLock, lock_path, office_owner, refuse_if_open

from .conftest import SCHEME, write_findings

HOLD = "import sys, time; from pathlib import Path; from assess.rectify.lock import LedgerLock\n" + (
    "with LedgerLock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n"
)


def _holder(target: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_holder_times_out_with_message(tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    with LedgerLock(target):
        assert lock_path(target).exists()
        with pytest.raises(OutputError) as exc:
            LedgerLock(target, timeout=0.3).acquire()
    assert exc.value.message == (
        f"台账 台账.xlsx 正被另一个 assess 进程(进程号 {os.getpid()})更新,等待 0.3 秒后仍未结束。"
        "请等它结束后重试;进程结束(包括意外退出)时锁会自动解除,不需要删除锁文件 台账.xlsx.lock"
    )
    assert lock_path(target).exists()  # never deleted: see assess/rectify/lock.py
    with LedgerLock(target, timeout=0):  # released on exit
        pass


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\xff garbage", b'{"pid": 1, "host": "elsewhere"}', b"[1, 2]"],
    ids=["empty", "garbage", "other-host", "not-a-dict"],
)
def test_left_over_lock_files_never_block(tmp_path: Path, content: bytes) -> None:
    target = tmp_path / "台账.xlsx"
    lock_path(target).write_bytes(content)
    with LedgerLock(target, timeout=0):
        data = json.loads(lock_path(target).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid()


def test_lock_of_a_dead_process_never_blocks(tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    proc = multiprocessing.get_context("spawn").Process(target=int)
    proc.start()
    proc.join()
    lock_path(target).write_text(
        json.dumps({"pid": proc.pid, "host": socket.gethostname()}),
        encoding="utf-8",
    )
    with LedgerLock(target, timeout=0):
        pass


@pytest.mark.skipif(os.name != "posix", reason="kill -9")
def test_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    target = tmp_path / "台账.xlsx"
    proc = _holder(target)
    with pytest.raises(OutputError, match=f"进程号 {proc.pid}"):
        LedgerLock(target, timeout=0.2).acquire()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with LedgerLock(target, timeout=5):
        assert lock_path(target).exists()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_and_real_path_share_one_lock(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "台账.xlsx"
    real.write_bytes(b"x")
    link = tmp_path / "链接.xlsx"
    link.symlink_to(real)
    assert lock_path(link) == lock_path(real) == real.with_name("台账.xlsx.lock")
    with LedgerLock(link), pytest.raises(OutputError):
        LedgerLock(real, timeout=0.2).acquire()


def test_waiter_never_removes_the_file_a_holder_locked(tmp_path: Path) -> None:
    """A waiter and a releaser leave the lock file (its inode) alone: a third run meets the same lock."""
    target = tmp_path / "台账.xlsx"
    proc = _holder(target)
    try:
        inode = lock_path(target).stat().st_ino
        with pytest.raises(OutputError):
            LedgerLock(target, timeout=0.2).acquire()
        assert lock_path(target).stat().st_ino == inode
    finally:
        proc.kill()
        proc.wait()
    with LedgerLock(target, timeout=5):
        pass
    assert lock_path(target).stat().st_ino == inode


@pytest.mark.parametrize(
    ("owner", "program"),
    [
        ("~$整改台账.xlsx", "Excel 或 WPS"),
        ("~$台账.xlsx", "Excel 或 WPS"),  # a long name: Excel replaces the first two characters
        (".~lock.整改台账.xlsx#", "LibreOffice 或 WPS"),
    ],
)
def test_office_owner_files(tmp_path: Path, owner: str, program: str) -> None:
    target = tmp_path / "整改台账.xlsx"
    target.write_bytes(b"x")
    assert office_owner(target) is None
    (tmp_path / owner).write_bytes(b"\x05user")
    assert office_owner(target) == (tmp_path / owner, program)
    with pytest.raises(OutputError) as exc:
        refuse_if_open(target)
    assert exc.value.message == (
        f"台账 整改台账.xlsx 正在 {program} 中打开(发现其占用标记文件 {owner}),为免覆盖正在编辑的内容,"
        f"未作任何修改。请先保存并关闭台账后重试;如确已关闭,可删除文件 {owner} 后重试"
    )


def test_shortened_owner_file_of_another_workbook_is_not_ours(tmp_path: Path) -> None:
    target = tmp_path / "整改台账.xlsx"
    target.write_bytes(b"x")
    (tmp_path / "台账.xlsx").write_bytes(b"y")  # "~$台账.xlsx" is this workbook's owner file
    (tmp_path / "~$台账.xlsx").write_bytes(b"\x05user")
    assert office_owner(target) is None


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
    lock_path(ledger).write_bytes(b"")  # a 0-byte lock file left behind does not block
    start = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        added = pool.map(_update, jobs)
    assert time.monotonic() - start < 60
    assert added == [5, 5, 5, 5]
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    descriptions = {ws.cell(r, 5).value for r in range(2, ws.max_row + 1)}
    assert len(descriptions) == 21 and "起始问题" in descriptions
    backups = {p.name for p in ledger.parent.glob("*.bak.xlsx")}
    assert backups == {
        "整改台账.20250430.bak.xlsx",
        "整改台账.20250430-2.bak.xlsx",
        "整改台账.20250430-3.bak.xlsx",
        "整改台账.20250430-4.bak.xlsx",
    }
