"""Failures while running: a killed writer, hostile unit names, text that looks like a formula."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import main

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from pathlib import Path
from assess.render.atomic import write_atomic
target = Path(sys.argv[1])
n = 0
while True:
    n += 1
    write_atomic(target, (str(n % 10) * 4_000_000).encode())
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX; Windows uses the same os.replace path")
def test_killed_writer_leaves_old_or_new_file(tmp_path: Path) -> None:
    target = tmp_path / "排名.html"
    target.write_bytes(b"0" * 4_000_000)
    rng = random.Random(11)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], env=env)
        time.sleep(rng.uniform(0.2, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = target.read_bytes()
        assert len(data) == 4_000_000
        assert data == data[:1] * len(data), "a half-written file was left behind"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != target.name]
    assert all(name.startswith(".") or "tmp" in name for name in leftovers)


HOSTILE = ["../../x", "CON", "a/b", ":*?", "长" * 200, "<script>alert(1)</script>", '=HYPERLINK("http://x")']


def _summary(path: Path, names: list[str]) -> Path:
    """A summary table whose unit names are hostile; values copied from the first sample county."""
    src = openpyxl.load_workbook(ROOT / "examples" / "汇总表.xlsx")
    ws = src.active
    header = [c.value for c in ws[1]]
    first = [c.value for c in ws[2]]
    wb = openpyxl.Workbook()
    out = wb.active
    out.title = "汇总表"
    out.append(header)
    for name in names:
        row = list(first)
        row[0] = name
        cell_row = out.max_row + 1
        for col, value in enumerate(row, start=1):
            cell = out.cell(row=cell_row, column=col, value=value)
            if col == 1:
                cell.data_type = "s"  # keep "=..." as text, as a clerk's file would
    wb.save(path)
    return path


def test_unit_names_make_safe_unique_files_inside_the_folder(tmp_path: Path) -> None:
    data = _summary(tmp_path / "汇总.xlsx", HOSTILE + [""])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["score", "-s", "county-2024", str(data), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code in (0, 1), result.output
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert len(written) == len(HOSTILE)  # the nameless row is refused, not written
    for path in written:
        assert path.parent == out
        assert path.suffix == ".html"
    assert not (tmp_path / "x.html").exists() and not (tmp_path.parent / "x.html").exists()
    html = next(p for p in written if "script" in p.name).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html


def test_formula_like_names_stay_text_in_xlsx(tmp_path: Path) -> None:
    data = _summary(tmp_path / "汇总.xlsx", ['=HYPERLINK("http://x")', "正常县"])
    out = tmp_path / "排名.xlsx"
    result = CliRunner().invoke(
        main, ["rank", "-s", "county-2024", str(data), "--format", "xlsx", "-o", str(out), "-q"]
    )
    assert result.exit_code in (0, 1), result.output
    wb = openpyxl.load_workbook(out)
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells
    assert all(c.data_type == "s" for c in cells)
