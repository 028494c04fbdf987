"""``assess rectify`` through the installed CLI on hostile ledgers, inputs and folders.

Each case asserts the exit code, the exact Chinese message and that every
input file is byte-for-byte unchanged (the ledger too, unless it is meant
to be updated).  None of them may end in exit 3 (程序内部错误).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from .conftest import SCHEME, standard_results, write_findings, write_results

NAME = "整改台账.xlsx"


def rectify(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assess", "rectify", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


def snapshot(*paths: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in paths}


def assert_unchanged(before: dict[Path, bytes]) -> None:
    for path, data in before.items():
        assert path.read_bytes() == data, f"{path} was changed"


@pytest.fixture
def ledger(tmp_path: Path, findings_file: Path) -> Path:
    """A ledger made from the standard findings, in tmp_path/台账."""
    done = rectify("-s", SCHEME, "--findings", findings_file, "--as-of", "2025-03-31",
                   "-o", tmp_path / "台账", "--format", "xlsx", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return tmp_path / "台账" / NAME


def update(
    tmp_path: Path, ledger: Path, findings: Path, *more: str | Path
) -> subprocess.CompletedProcess[str]:
    return rectify("-s", SCHEME, "--findings", findings, "--ledger", ledger, "--as-of", "2025-04-30",
                   "-o", tmp_path / "out", "--format", "xlsx", *more, cwd=tmp_path)  # fmt: skip


def _new_finding(tmp_path: Path) -> Path:
    return write_findings(
        tmp_path / "4月暗访.xlsx", [[1, "浏阳市", "暗访", "作风建设", "四月新发现的问题", "县委办", None]]
    )


# ---- a ledger open in Excel, WPS or LibreOffice ----------------------------------


@pytest.mark.parametrize(
    ("owner", "program"),
    [
        ("~$整改台账.xlsx", "Excel 或 WPS"),
        ("~$台账.xlsx", "Excel 或 WPS"),
        (".~lock.整改台账.xlsx#", "LibreOffice 或 WPS"),
    ],
)
def test_ledger_open_in_office_is_not_written(tmp_path: Path, ledger: Path, owner: str, program: str) -> None:
    (ledger.parent / owner).write_bytes(b"\x04user")
    findings = _new_finding(tmp_path)
    before = snapshot(ledger, findings, ledger.parent / owner)
    done = update(tmp_path, ledger, findings)
    assert done.returncode == 2
    assert done.stderr == (
        f"错误:{ledger}: 台账 {NAME} 正在 {program} 中打开(发现其占用标记文件 {owner}),"
        "为免覆盖正在编辑的内容,未作任何修改。请先保存并关闭台账后重试;"
        f"如确已关闭,可删除文件 {owner} 后重试\n"
    )
    assert_unchanged(before)
    assert not list(ledger.parent.glob("*.bak.xlsx"))


# ---- a symlinked ledger --------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlinked_ledger_is_updated_through_the_link(tmp_path: Path, ledger: Path) -> None:
    (tmp_path / "共享").mkdir()
    link = tmp_path / "共享" / "台账链接.xlsx"
    link.symlink_to(ledger)
    findings = _new_finding(tmp_path)
    before = snapshot(findings)
    done = update(tmp_path, link, findings)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == ledger.resolve()
    descriptions = {r[4].value for r in openpyxl.load_workbook(ledger)["整改台账"].iter_rows(min_row=2)}
    assert "四月新发现的问题" in descriptions
    # the backup and the lock file go beside the real file
    assert sorted(p.name for p in ledger.parent.iterdir()) == [
        "整改台账.20250430.bak.xlsx",
        NAME,
        f"{NAME}.lock",
    ]
    assert sorted(p.name for p in link.parent.iterdir()) == ["台账链接.xlsx"]
    assert_unchanged(before)


# ---- files left by an interrupted run --------------------------------------------------


def test_left_over_temp_files_are_cleaned_and_nothing_else(tmp_path: Path, ledger: Path) -> None:
    folder = ledger.parent
    leftovers = [
        folder / ".整改台账.xlsx.assess-k3j_x9q2.tmp",  # killed while writing the ledger
        folder / ".整改台账.20250430.bak.xlsx.assess-0abcdefg.tmp",  # killed while copying the backup
    ]
    leftovers[0].write_bytes(b"PK\x03\x04 half a workbook")
    leftovers[1].write_bytes(b"")
    others = [
        folder / "说明.tmp",
        folder / ".整改台账.xlsx.k3j_x9q2.tmp",  # not assess's shape
        folder / ".整改台账.xlsx.assess-short.tmp",
        folder / "整改台账.xlsx.assess-abcdefgh.tmp",  # not hidden
        folder / "~$别的表.xlsx",
    ]
    for p in others:
        p.write_bytes(b"keep me")
    findings = _new_finding(tmp_path)
    before = snapshot(findings, *others)
    done = update(tmp_path, ledger, findings)
    assert done.returncode == 0, done.stderr
    assert not any(p.exists() for p in leftovers)
    assert_unchanged(before)


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_temp_file_of_a_live_run_is_kept(tmp_path: Path) -> None:
    from assess.render.atomic import clean_stale_temps

    live = tmp_path / ".排名.html.assess-live0000.tmp"
    dead = tmp_path / ".排名.html.assess-dead0000.tmp"
    live.write_bytes(b"being written")
    dead.write_bytes(b"left behind")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR); fcntl.flock(fd, fcntl.LOCK_EX);"
         " print('held', flush=True); time.sleep(60)", str(live)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert clean_stale_temps(tmp_path) == [dead]
        assert live.read_bytes() == b"being written"
    finally:
        holder.kill()
        holder.wait()
    assert clean_stale_temps(tmp_path) == [live]  # its run has gone


# ---- dates out of range --------------------------------------------------------------


def test_as_of_far_in_the_future(tmp_path: Path, findings_file: Path) -> None:
    before = snapshot(findings_file)
    done = rectify("-s", SCHEME, "--findings", findings_file, "--as-of", "9999-12-31", "-o", tmp_path / "out",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == (
        "错误:--as-of 的日期“9999-12-31”超出可用范围:统计截止日期应在 2000-01-01 至 2099-12-31 之间,请检查是否写错\n"
    )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert_unchanged(before)


def test_scheme_deadline_of_four_million_days(tmp_path: Path) -> None:
    text = re.sub(r"deadline_days: \d+", "deadline_days: 4000000", SCHEME.read_text(encoding="utf-8"))
    assert "deadline_days: 4000000" in text
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(text, encoding="utf-8")
    results = write_results(tmp_path / "结果.json", standard_results())
    before = snapshot(scheme, results)
    done = rectify("-s", scheme, results, "--as-of", "2025-03-31", "-o", tmp_path / "out", "--format", "json",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "程序内部错误" not in done.stderr
    report = json.loads((tmp_path / "out" / "整改情况.json").read_text(encoding="utf-8"))
    late = [f for f in report["findings"] if f["code"] == "rectify-template"]
    assert late and late[0]["message"].endswith(
        "的整改时限 4,000,000 天超出了日期的范围(最晚 9999-12-31),已按未填处理;请改正方案中的 deadline_days"
    )
    assert_unchanged(before)


def test_findings_with_absurd_deadlines_and_numbers(tmp_path: Path) -> None:
    findings = write_findings(
        tmp_path / "问题.xlsx",
        [
            [1, "浏阳市", "督查", "作风", "时限是个大数", "县委办", 4000000],
            [2, "浏阳市", "督查", "作风", "时限在公元前", "县委办", "0001-01-01"],
            [3, "浏阳市", "督查", "作风", "时限是最后一天", "县委办", "9999-12-31"],
            [4, "浏阳市", "督查", "作风", "扣分不是有限数", "县委办", None, "1e400"],
            [5, "浏阳市", "督查", "作风", "扣分很长", "县委办", None, "9" * 500],
        ],
        head=["序号", "单位名称", "问题来源", "问题类别", "问题描述", "责任单位", "整改时限", "扣分"],
    )
    before = snapshot(findings)
    done = rectify("-s", SCHEME, "--findings", findings.name, "--as-of", "2025-03-31", "-o", "out",
                   "--format", "xlsx", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr
    tail = ";应填日期(如 2025-06-30)或“立行立改”“长期坚持”,已按未填处理"
    assert done.stderr.splitlines()[:4] == [
        f"错误:问题.xlsx 问题清单!G2: 整改时限“4000000”不是日期{tail}",
        f"错误:问题.xlsx 问题清单!G3: 整改时限“0001-01-01”不是日期{tail}",
        "错误:问题.xlsx 问题清单!H5: 扣分“1e400”不是数字,已按空白处理",
        "错误:问题.xlsx 问题清单!H6: 扣分“" + "9" * 40 + "…(共 500 个字符)”不是数字,已按空白处理",
    ]
    ws = openpyxl.load_workbook(tmp_path / "out" / NAME)["整改台账"]
    assert ws.cell(4, 11).value == dt.datetime(9999, 12, 31)
    assert_unchanged(before)


def test_ledger_deadline_beyond_what_excel_can_hold(
    tmp_path: Path, ledger: Path, findings_file: Path
) -> None:
    wb = openpyxl.load_workbook(ledger)
    cell = wb["整改台账"].cell(2, 11)
    cell.value, cell.number_format = 4000000, "yyyy-mm-dd"
    wb.save(ledger)
    before = snapshot(ledger, findings_file)
    done = update(tmp_path, ledger, findings_file)
    assert done.returncode == 2
    assert done.stderr == (
        f"错误:{ledger}: 台账 {NAME} 有 1 处问题,未作任何修改,请改正后重试:\n"
        f"  {ledger} 整改台账!K2: 整改时限“#VALUE!”不是日期,也不是“立行立改”或“长期坚持”"
        "(单元格中是错误值,或日期超出了 Excel 能表示的范围)\n"
    )
    assert_unchanged(before)


# ---- a clerk's own changes to the workbook -------------------------------------------------


def test_merged_cells_in_the_ledger(tmp_path: Path, ledger: Path, findings_file: Path) -> None:
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    ws.insert_rows(1)
    ws.merge_cells("H3:H4")  # 责任单位 of two rows
    ws.merge_cells("A1:P1")  # a title above the header: fine
    ws["A1"] = "2024年度考核反馈问题整改台账"
    wb["变更记录"].merge_cells("A20:E21")
    wb.save(ledger)
    before = snapshot(ledger, findings_file)
    done = update(tmp_path, ledger, findings_file)
    assert done.returncode == 2
    hint = "被合并;台账的表格区域不能有合并单元格,请取消合并后重试(选中这些单元格,在“开始”中再点一次“合并后居中”)"
    assert done.stderr == (
        f"错误:{ledger}: 台账 {NAME} 有 2 处问题,未作任何修改,请改正后重试:\n"
        f"  {ledger} 整改台账!H3:H4: 单元格 H3:H4 {hint}\n"
        f"  {ledger} 变更记录!A20:E21: 单元格 A20:E21 {hint}\n"
    )
    assert_unchanged(before)


def test_clerks_own_sheet_that_looks_like_a_ledger_is_kept(tmp_path: Path, ledger: Path) -> None:
    wb = openpyxl.load_workbook(ledger)
    ids = [r[0].value for r in wb["整改台账"].iter_rows(min_row=2)]
    mine = wb.create_sheet("逾期问题")
    mine.append(["编号", "单位名称", "问题描述", "整改状态", "督办意见"])
    mine.append([ids[0], "浏阳市", "部分产业项目联农带农机制不健全", "未开始", "请于月底前完成"])
    wb.save(ledger)
    findings = _new_finding(tmp_path)
    before = snapshot(findings)
    done = update(tmp_path, ledger, findings)
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(ledger)
    assert [c.value for c in wb["逾期问题"][2]] == [
        ids[0],
        "浏阳市",
        "部分产业项目联农带农机制不健全",
        "未开始",
        "请于月底前完成",
    ]
    assert wb["整改台账"].max_row == len(ids) + 2
    assert_unchanged(before)


def test_a_copy_of_the_ledger_sheet_is_named_once(tmp_path: Path, ledger: Path, findings_file: Path) -> None:
    wb = openpyxl.load_workbook(ledger)
    wb.copy_worksheet(wb["整改台账"]).title = "整改台账 (2)"
    wb.save(ledger)
    before = snapshot(ledger, findings_file)
    done = update(tmp_path, ledger, findings_file)
    assert done.returncode == 2
    assert done.stderr == (
        f"错误:{ledger}: 台账 {NAME} 有 1 处问题,未作任何修改,请改正后重试:\n"
        f"  {ledger} 整改台账 (2) 第 1 行: 工作表“整改台账 (2)”中的编号都已在工作表“整改台账”中出现,"
        "像是台账工作表的副本;请删除这张副本,或把它表头中的“编号”改为别的名称(如“原编号”)后重试\n"
    )
    assert_unchanged(before)


# ---- invisible characters and very long values ---------------------------------------------


def test_control_and_zero_width_characters_and_long_text(tmp_path: Path) -> None:
    # openpyxl refuses control characters; Excel stores them as _xHHHH_, as written here.
    findings = write_findings(
        tmp_path / "问题.xlsx",
        [
            [
                1,
                "浏阳市\u200b",
                "督查_x0007_",
                "作风\u202e",
                "描述_x0001__x001B_[31m红" + "长" * 40000,
                "县委办\ufeff",
                None,
            ],
            [2, "浏阳市", "督查", "作风", "状态乱码", "县委办", None, "进行中_x0007_" + "啊" * 100],
        ],
        head=["序号", "单位名称", "问题来源", "问题类别", "问题描述", "责任单位", "整改时限", "整改状态"],
    )
    before = snapshot(findings)
    done = rectify("-s", SCHEME, "--findings", findings.name, "--as-of", "2025-03-31", "-o", "out",
                   "--format", "xlsx", "--format", "json", "--format", "html", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[0] == (
        "错误:问题.xlsx 问题清单!H3: 整改状态“进行中" + "啊" * 37
        + "…(共 103 个字符)”不在可选值中(未开始、整改中、已完成（待认定）、已销号、长期坚持、不涉及),已按未开始处理"
    )  # fmt: skip
    report = json.loads((tmp_path / "out" / "整改情况.json").read_text(encoding="utf-8"))
    first = report["problems"][0]
    assert (first["unit"], first["source"], first["category"], first["department"]) == (
        "浏阳市",
        "督查",
        "作风",
        "县委办",
    )
    assert first["description"].startswith("描述[31m红长")
    assert len(first["description"]) <= 32767
    assert {p["unit"] for p in report["problems"]} == {"浏阳市"}
    assert "NaN" not in (tmp_path / "out" / "整改情况.json").read_text(encoding="utf-8")
    assert_unchanged(before)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            '[{"unit": "浏阳市", "indicators": [{"id": "1.6", "lost": NaN}]}]',
            "评分结果文件第 1 行第 55 列键“lost”的取值为 NaN(非数或无穷大),JSON 中不允许;请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改",
        ),
        (
            '[{"unit": "浏阳市", "indicators": 5}]',
            "评分结果文件的结构不对:单位“浏阳市”的 indicators 应为对象的列表;请使用 assess score 输出的 JSON",
        ),
        (
            "[" * 100000 + "]" * 100000,
            "评分结果文件中的列表或对象嵌套过深;请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改",
        ),
    ],
    ids=["nan", "indicators-not-a-list", "deep"],
)
def test_hostile_results_json(tmp_path: Path, payload: str, message: str) -> None:
    results = tmp_path / "结果.json"
    results.write_text(payload, encoding="utf-8")
    before = snapshot(results)
    done = rectify("-s", SCHEME, results.name, "--as-of", "2025-03-31", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    where = "结果.json indicators" if "indicators 应为" in message else "结果.json"
    assert done.stderr == f"错误:{where}: {message}\n"
    assert_unchanged(before)


def test_huge_number_in_results_is_refused_by_name(tmp_path: Path) -> None:
    """A 401-digit number is no figure assess wrote: refused with its place, never a crash."""
    data = [r.to_dict() for r in standard_results()]
    data[0]["indicators"][0]["value"] = 10**400
    results = tmp_path / "结果.json"
    results.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = snapshot(results)
    done = rectify("-s", SCHEME, results, "--as-of", "2025-03-31", "-o", tmp_path / "out", "--format", "json",
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert (
        "键“value”的整数“1000000000000000000000000000000000000000…(共 401 个字符)”过长(401 位)" in done.stderr
    )
    assert not (tmp_path / "out" / "整改情况.json").exists()
    assert_unchanged(before)
