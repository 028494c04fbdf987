"""The data argument may be left out only when the units send no workbook of their own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main

ROOT = Path(__file__).resolve().parents[2]
NEEDED = "错误:请给出数据文件或文件夹(各单位的填报表),如 assess rank -s county-2024 examples/counties\n"


@pytest.mark.parametrize("command", ["rank", "score", "explain", "check"])
def test_a_scheme_with_the_units_own_workbooks_needs_them_named(command: str, tmp_path: Path) -> None:
    args = [command, "-s", "county-2024"] + (["--unit", "浏阳市"] if command == "explain" else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.output.endswith(NEEDED), result.output


def test_a_scheme_of_other_sources_only_reads_them_without_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "整改"
    folder.mkdir()
    for name in ("下年度方案_问题整改.yaml", "整改台账.xlsx"):
        shutil.copy(ROOT / "examples" / "整改" / name, folder / name)
    monkeypatch.chdir(folder)
    args = ["score", "-s", "下年度方案_问题整改.yaml", "--data", "整改=整改台账.xlsx", "--format", "json"]
    result = CliRunner().invoke(main, [*args, "-o", "得分.json"])
    assert result.exit_code in (0, 1), result.output  # 1: the example ledger's deliberate mistake
    assert (folder / "得分.json").is_file()
    with_dot = CliRunner().invoke(main, [*args, "-o", "得分2.json", "."])
    assert with_dot.exit_code == result.exit_code
    assert (folder / "得分2.json").read_bytes() == (folder / "得分.json").read_bytes()


def test_check_with_nothing_to_check_says_what_to_give() -> None:
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert (
        result.output
        == "错误:请给出要检查的方案文件(如 assess check 方案.yaml),或用 --scheme 指定方案后给出数据文件\n"
    )
