"""No input is modified, outputs are never read as data, ``-o`` means what it says.

Each case of ``cases.yaml`` runs the installed ``assess`` in a real process
(as a clerk would) in a fresh folder, and checks the exit code, one exact
line of what it said, and that every file present before the run still has
its bytes — the promise is about files on disk, so only a real run proves it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.sample_round import copy_sources

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CASES = yaml.safe_load((Path(__file__).with_name("cases.yaml")).read_text(encoding="utf-8"))


def assess_command() -> list[str]:
    """The installed console script beside this Python, else ``python -m assess``."""
    folder = Path(sys.executable).parent
    for name in ("assess", "assess.exe"):
        if (folder / name).is_file():
            return [str(folder / name)]
    return [sys.executable, "-m", "assess"]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ASSESS_DEBUG"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        assess_command() + args,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture()
def workplace(tmp_path: Path) -> Path:
    """The examples with their two deliberately blank cells filled: a cohort that exits 0."""
    from openpyxl import load_workbook

    shutil.copytree(EXAMPLES / "counties", tmp_path / "data")
    copy_sources(tmp_path)  # the round's other sources, beside data/
    for name, cell, value in (("永顺县", "D14", 21.5), ("泸溪县", "D20", 6.2)):
        path = tmp_path / "data" / f"{name}.xlsx"
        wb = load_workbook(path)
        wb["指标数据"][cell] = value
        wb.save(path)
    shutil.copy(EXAMPLES / "村级明细(全省).xlsx", tmp_path / "明细.xlsx")
    shutil.copy(EXAMPLES / "督查发现问题清单.xlsx", tmp_path / "问题清单.xlsx")
    return tmp_path


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str, workplace: Path) -> None:
    case = CASES[name]
    if case.get("posix") and os.name != "posix":
        pytest.skip("links made here need POSIX")
    for given in case.get("given", []):
        done = run(shlex.split(given), workplace)
        assert done.returncode == 0, (given, done.stderr)
    for target, content in (case.get("write") or {}).items():
        path = workplace / target
        source = workplace / content
        path.parent.mkdir(parents=True, exist_ok=True)
        if source.is_file():
            shutil.copy(source, path)
        else:
            path.write_text(content, encoding="utf-8")
    link = case.get("link")
    if link:
        if "hard" in link:
            os.link(workplace / link["to"], workplace / link["hard"])
        else:
            (workplace / link["symbolic"]).symlink_to(workplace / link["to"])
    before = snapshot(workplace)
    done = run(shlex.split(case["run"]), workplace)
    said = done.stdout if "stdout" in case else done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == case["exit"], done.stderr
    assert case.get("stdout", case.get("says")) in said.splitlines(), said
    after = snapshot(workplace)
    changes = set(case.get("changes", []))
    for path, digest in before.items():
        if path not in changes:
            assert after.get(path) == digest, f"{path} 被修改或删除"
    if "backup" in case:
        assert list(workplace.glob(case["backup"])), "替换前没有保留旧版本"
    for path, kind in (case.get("writes") or {}).items():
        head = (workplace / path).read_bytes()[:512]
        assert head.startswith(b"PK") if kind == "xlsx" else b"<html" in head.lower()


def test_a_ranking_in_the_data_folder_changes_nothing(workplace: Path) -> None:
    """Writing the ranking into the data folder and ranking again gives the same table."""
    first = run(["rank", "-s", "county-2024", "data", "--format", "json"], workplace)
    assert first.returncode == 0
    for out in ("data/排名.xlsx", "data/排名.json", "data/排名.html", "data/排名.doc"):
        assert run(["rank", "-s", "county-2024", "data", "-o", out], workplace).returncode == 0
    assert (
        run(
            ["score", "-s", "county-2024", "data", "-o", "data/得分", "--format", "xlsx"], workplace
        ).returncode
        == 0
    )
    for sheet in (workplace / "data" / "得分").iterdir():  # score sheets beside the workbooks too
        shutil.copy(sheet, workplace / "data" / f"得分表-{sheet.name}")
    assert run(["template", "-s", "county-2024", "-o", "data/模板.xlsx"], workplace).returncode == 0
    again = run(["rank", "-s", "county-2024", "data", "--format", "json"], workplace)
    assert again.returncode == 0, again.stderr
    units = [(u["unit"], u["total"], u["rank"]) for u in json.loads(again.stdout)["units"]]
    assert units == [(u["unit"], u["total"], u["rank"]) for u in json.loads(first.stdout)["units"]]


def test_a_filled_template_is_read(workplace: Path) -> None:
    """The template's mark survives a clerk's save: once filled it is a unit like any other."""
    from openpyxl import load_workbook

    assert (
        run(["template", "-s", "county-2024", "-o", "新县.xlsx", "--unit", "新县"], workplace).returncode == 0
    )
    wb = load_workbook(workplace / "新县.xlsx")
    wb["指标数据"]["D3"] = 120
    wb.save(workplace / "新县.xlsx")
    done = run(["score", "-s", "county-2024", "新县.xlsx", "--format", "json"], workplace)
    assert done.returncode == 1, done.stderr  # read as a unit: its many blanks are data problems
    assert "数据问题:新县.xlsx 指标数据!D4:“已消除风险监测对象人数”未填写" in done.stderr
    assert [u["unit"] for u in json.loads(done.stdout)["units"]] == ["新县"]


def test_every_written_workbook_is_marked(workplace: Path) -> None:
    from assess.commands.output import own_output

    for args in (
        ["rank", "-s", "county-2024", "data", "-o", "排名.xlsx"],
        ["rank", "-s", "county-2024", "data", "-o", "精简.xlsx", "--brief"],
        ["score", "-s", "county-2024", "data/浏阳市.xlsx", "-o", "得分.xlsx"],
        ["template", "-s", "county-2024", "-o", "模板.xlsx"],
        ["rank", "-s", "county-2024", "data", "-o", "排名.html"],
        ["rank", "-s", "county-2024", "data", "-o", "排名.doc"],
        ["rank", "-s", "county-2024", "data", "-o", "排名.json"],
        ["schema", "-o", "方案格式.json"],
    ):
        assert run(args, workplace).returncode == 0, args
        assert own_output(workplace / args[args.index("-o") + 1]), args


def test_names_the_system_refuses(workplace: Path) -> None:
    """A name too long for the file system is the user's, not a bug: exit 2, the name cut short."""
    from assess.errors import shorten

    long = "长" * 100 + ".json"  # 300 bytes in UTF-8, over every file system's 255
    done = run(["rank", "-s", "county-2024", "data", "-o", long], workplace)
    assert done.returncode == 2
    assert (
        done.stderr
        == f"错误:无法使用输出路径“{shorten(long)}”:文件名或路径过长,请用较短的名称或较浅的文件夹\n"
    )
    done = run(["rank", "-s", "county-2024", "长" * 100 + ".xlsx"], workplace)
    assert done.returncode == 2
    assert (
        done.stderr
        == f"错误:“{shorten('长' * 100 + '.xlsx')}”:文件名或路径过长,请用较短的名称或较浅的文件夹\n"
    )


def test_shorten_keeps_head_tail_and_length() -> None:
    from assess.errors import shorten

    assert shorten("短") == "短"
    cut = shorten("a" * 100 + "b" * 100)
    assert cut.startswith("a" * 53 + "…") and cut.endswith("b" * 26 + "(共 200 个字符)")
