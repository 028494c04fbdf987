"""Eight real ``assess rectify`` processes update one ledger at once: nothing is lost, ever.

Before every trial a lock file of a dead process lies beside the ledger and
a 0-byte lock file beside a symlink to it (half the runs go through the
link, so an implementation locking the path as spelt would let two runs in
at once); the ledger carries hand edits.  Every run adds a problem of its
own.  After each trial every row, every run's problem and every hand edit
is there, and the link is still a link.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from .conftest import write_findings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FINDINGS = ROOT / "examples" / "督查发现问题清单.xlsx"
RUNS = 8
TRIALS = int(os.environ.get("ASSESS_TRIALS", "20"))
NAME = "整改台账.xlsx"
# column letters of the columns a clerk fills in (the ledger's standard order)
STATUS, REMARK, OWNER, DESCRIPTION = 12, 15, 9, 5
EDITS = {2: ("整改中", "已约谈分管领导"), 3: ("已完成", "见佐证材料第3页"), 5: ("已销号", "县纪委已核查")}


def _cli(*args: str | Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assess", "rectify", "-s", "county-2024", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], dict[str, tuple[str, ...]]]:
    """A ledger from the bundled findings with hand edits, and one findings file per run."""
    folder = tmp_path_factory.mktemp("base")
    proc = _cli(
        "--findings", EXAMPLE_FINDINGS, "--as-of", "2025-03-31", "-o", folder, "--format", "xlsx", cwd=folder
    )
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    ledger = folder / NAME
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    edits: dict[str, tuple[str, ...]] = {}
    for r, (status, remark) in EDITS.items():
        ws.cell(r, STATUS).value = status
        ws.cell(r, REMARK).value = remark
        edits[str(ws.cell(r, 1).value)] = (status, remark, str(ws.cell(r, DESCRIPTION).value))
    ident = str(ws.cell(6, 1).value)
    ws.cell(6, DESCRIPTION).value = "人工改写的问题描述"
    ws.cell(6, OWNER).value = "李四"
    edits[ident] = ("未开始", "", "人工改写的问题描述", "李四")
    wb.save(ledger)
    extra = [
        write_findings(
            folder / f"新发现{n}.xlsx",
            [[1, "浏阳市", f"第{n}轮暗访", "作风建设", f"第 {n} 个进程发现的问题", "县委办", "2025-06-30"]],
        )
        for n in range(RUNS)
    ]
    return ledger, extra, edits


def _trial(tmp: Path, base: tuple[Path, list[Path], dict[str, tuple[str, ...]]], n: int) -> None:
    ledger_src, extra, edits = base
    folder = tmp / f"trial{n}"
    (folder / "链接").mkdir(parents=True)
    ledger = folder / NAME
    shutil.copyfile(ledger_src, ledger)
    before = {str(r[0].value) for r in openpyxl.load_workbook(ledger)["整改台账"].iter_rows(min_row=2)}
    (folder / f"{NAME}.lock").write_text(
        json.dumps({"pid": _dead_pid(), "host": socket.gethostname()}), encoding="utf-8"
    )
    link = folder / "链接" / NAME
    spellings = [ledger, folder / "." / NAME]
    if os.name == "posix":
        link.symlink_to(ledger)
        (link.parent / f"{NAME}.lock").write_bytes(b"")  # beside the link: a 0-byte lock file
        spellings = [ledger, link]
    procs = []
    for i in range(RUNS):
        args = ["--findings", EXAMPLE_FINDINGS, "--findings", extra[i], "--ledger", spellings[i % 2]]
        args += ["--as-of", "2025-04-30", "-o", folder / f"out{i}", "--format", "xlsx"]
        procs.append(_cli(*args, cwd=folder))
    for i, proc in enumerate(procs):
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, f"trial {n}, run {i}: {err}"
        assert "新增 1 条" in out + err, out + err
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    rows = {str(r[0].value): r for r in ws.iter_rows(min_row=2) if r[0].value is not None}
    assert len(rows) == ws.max_row - 1  # no id twice
    assert before <= set(rows), f"trial {n}: rows lost: {before - set(rows)}"
    added = {str(r[DESCRIPTION - 1].value) for r in rows.values()} & {
        f"第 {i} 个进程发现的问题" for i in range(RUNS)
    }
    assert len(added) == RUNS, f"trial {n}: {RUNS - len(added)} runs' problems lost"
    assert len(rows) == len(before) + RUNS
    for ident, edit in edits.items():
        row = rows[ident]
        assert row[STATUS - 1].value == edit[0], f"trial {n}: status of {ident} lost"
        assert (row[REMARK - 1].value or "") == edit[1]
        assert row[DESCRIPTION - 1].value == edit[2]
        if len(edit) > 3:
            assert row[OWNER - 1].value == edit[3]
    if os.name == "posix":
        assert link.is_symlink() and link.resolve() == ledger.resolve()
    assert len(list(folder.glob("整改台账.20250430*.bak.xlsx"))) == RUNS
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_eight_runs_on_one_ledger_lose_nothing(
    tmp_path: Path, base: tuple[Path, list[Path], dict[str, tuple[str, ...]]]
) -> None:
    for n in range(TRIALS):
        _trial(tmp_path, base, n)
