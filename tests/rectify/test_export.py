"""``assess export``: the ledger in a higher office's layout (向上级报送), through the CLI."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from assess.cli import main
from assess.rectify.model import C_STATUS, COLUMNS, STATUS_ALIASES, STATUSES

from .conftest import Run

MAPPING = """\
title: "{截至日期}问题整改情况报送表"
note: "填报单位:县委农村工作领导小组办公室"
date_format: yyyy年m月d日
columns:
  - {name: 序号, serial: true}
  - {name: 市州, value: 长沙市}
  - {name: 县市区, from: 单位名称}
  - {name: 存在问题, from: 问题描述}
  - {name: 整改时限, from: 整改时限}
  - {name: 进展, from: 整改状态}
statuses:
  未开始: 未整改
  整改中: 正在整改
filter:
  问题来源: [督查暗访, 第三方评估]
"""


@pytest.fixture
def ledger(run: Run, findings_file: Path) -> Path:
    """Three problems (浏阳市 督查暗访 and 审计, 平江县 第三方评估); the 督查暗访 one is 整改中."""
    path: Path = run(findings=[findings_file]).ledger
    wb = openpyxl.load_workbook(path)
    ws = wb["整改台账"]
    head = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, head["问题来源"]).value == "督查暗访":
            ws.cell(r, head[C_STATUS]).value = "整改中"
    wb.save(path)
    return path


def _mapping(tmp_path: Path, text: str, name: str = "报送格式.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _export(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["export", *map(str, args)])


def test_export(ledger: Path, tmp_path: Path) -> None:
    from assess.commands.output import _xlsx_kind

    out = tmp_path / "报送" / "报送长沙.xlsx"
    before = ledger.read_bytes()
    result = _export("--ledger", ledger, "-m", _mapping(tmp_path, MAPPING), "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"报送 2 条(台账共 3 条,按报送格式筛选)\n已写入:{out}\n"
    assert ledger.read_bytes() == before  # the ledger is only read
    assert _xlsx_kind(out) == "ledger-report"
    ws = openpyxl.load_workbook(out)["整改台账"]
    assert ws["A1"].value == "2025年3月31日问题整改情况报送表"  # the ledger's last as-of date
    assert ws["A2"].value == "填报单位:县委农村工作领导小组办公室"
    assert [c.value for c in ws[3]] == ["序号", "市州", "县市区", "存在问题", "整改时限", "进展"]
    rows = sorted([c.value for c in row] for row in ws.iter_rows(min_row=4))
    assert rows == [
        [1, "长沙市", "浏阳市", "部分产业项目联农带农机制不健全", dt.datetime(2025, 3, 15), "正在整改"],
        [2, "长沙市", "平江县", "个别监测户风险消除程序不规范", "立行立改", "未整改"],
    ]
    assert ws["E4"].number_format == 'yyyy"年"m"月"d"日"'
    assert ws.column_dimensions["E"].width >= 15  # 2025年12月31日 does not wrap
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "A4"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    # --title and --as-of
    again = tmp_path / "报送2.xlsx"
    result = _export(
        "--ledger", ledger, "-m", tmp_path / "报送格式.yaml", "-o", again, "--as-of", "2025-04-30"
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(again).active["A1"].value == "2025年4月30日问题整改情况报送表"
    result = _export(
        "--ledger", ledger, "-m", tmp_path / "报送格式.yaml", "-o", again, "--force", "--title", "专报"
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(again).active["A1"].value == "专报"


def test_bundled_mapping(ledger: Path, tmp_path: Path) -> None:
    from assess.commands.export import bundled_formats
    from assess.rectify.export import load_format

    assert [p.stem for p in bundled_formats()] == ["省级整改台账"]
    spec = load_format(bundled_formats()[0])  # still fits the ledger's columns and statuses
    out = tmp_path / "报送省级.xlsx"
    result = _export("--ledger", ledger, "-m", "省级整改台账", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"报送 3 条\n已写入:{out}\n"
    ws = openpyxl.load_workbook(out)["整改情况"]
    assert ws["A1"].value == "乡村振兴考核反馈问题整改情况台账"
    assert ws["A2"].value.endswith("统计截止日期:2025年3月31日")
    assert [c.value for c in ws[3]] == [c.name for c in spec.columns]
    progress = [c.value for c in ws[3]].index("整改进展") + 1
    assert sorted(ws.cell(r, progress).value for r in range(4, 7)) == ["未整改", "未整改", "正在整改"]


def test_mapping_errors_are_listed_with_their_lines(ledger: Path, tmp_path: Path) -> None:
    bad = _mapping(
        tmp_path,
        "titel: 报送\n"
        "columns:\n"
        "  - name: 序号\n"
        "    serial: true\n"
        "  - name: 问题\n"
        "    from: 问题描诉\n"
        "  - name: 县\n"
        "    from: 单位名称\n"
        "    value: 浏阳市\n"
        "statuses:\n"
        "  已整改: 整改完成\n",
        "省级.yaml",
    )
    result = _export("--ledger", ledger, "-m", bad, "-o", tmp_path / "报送.xlsx")
    assert result.exit_code == 2
    assert result.stderr == (
        "错误:报送格式文件“省级.yaml”有 4 处错误:\n"
        f"  {bad}:1:1 titel: 未知的键“titel”;是否应为“title”?\n"
        f"  {bad}:6:5 columns[1].from: 台账中没有“问题描诉”列;是否应为“问题描述”?"
        f"台账的列为:{'、'.join(COLUMNS)}\n"
        f"  {bad}:7:5 columns[2]: 列“县”须写 from(取台账中的列)、value(固定内容)、serial: true(序号)三者之一,"
        "不能同时写几项\n"
        f"  {bad}:11:3 statuses.已整改: “已整改”不是台账的整改状态;是否指“{STATUS_ALIASES['已整改']}”?"
        f"台账的整改状态为:{'、'.join(STATUSES)}\n"
    )
    assert not (tmp_path / "报送.xlsx").exists()


def test_mapping_yaml_syntax(ledger: Path, tmp_path: Path) -> None:
    bad = _mapping(tmp_path, "title: 报送\ncolumns:\n\t- name: 序号\n")
    result = _export("--ledger", ledger, "-m", bad, "-o", tmp_path / "报送.xlsx")
    assert result.exit_code == 2
    assert result.stderr == f"错误:{bad}:3:1: YAML 语法错误:含有制表符 Tab;YAML 只能用空格缩进\n"
    bad = _mapping(tmp_path, "title: 报送\ncolumns: [{name: 序号, serial: true}\n")
    result = _export("--ledger", ledger, "-m", bad, "-o", tmp_path / "报送.xlsx")
    assert result.stderr == (
        f"错误:{bad}:3:1: YAML 语法错误:列表的方括号“[”未闭合,或缺少逗号(始于第 2 行第 10 列)\n"
    )
    bad = _mapping(tmp_path, "- 序号\n- 问题\n")
    result = _export("--ledger", ledger, "-m", bad, "-o", tmp_path / "报送.xlsx")
    assert result.stderr == f"错误:{bad}:1:1: 报送格式文件的顶层应为映射(键: 值),如 title: …、columns: …\n"
    result = _export("--ledger", ledger, "-m", "省级", "-o", tmp_path / "报送.xlsx")
    assert result.stderr == "错误:找不到报送格式文件“省级”(内置的报送格式:省级整改台账)\n"


def test_never_writes_over_the_ledger(ledger: Path, tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, MAPPING)
    before = ledger.read_bytes()
    result = _export("--ledger", ledger, "-m", mapping, "-o", ledger, "--force")
    assert result.exit_code == 2
    assert result.stderr == (
        f"错误:输出文件“{ledger}”与输入的整改台账是同一个文件;"
        "assess 从不改写输入文件(--force 也不行),请用 -o 换一个输出位置\n"
    )
    link = tmp_path / "链接.xlsx"
    link.symlink_to(ledger)
    result = _export("--ledger", ledger, "-m", mapping, "-o", link, "--force")
    assert result.stderr == (
        f"错误:输出文件“{link}”与输入的整改台账“{ledger}”是同一个文件;"
        "assess 从不改写输入文件(--force 也不行),请用 -o 换一个输出位置\n"
    )
    other = tmp_path / "另一本台账.xlsx"
    shutil.copy(ledger, other)
    result = _export("--ledger", ledger, "-m", mapping, "-o", other, "--force")
    assert (
        result.stderr == f"错误:“{other}”是一本整改台账,assess export 不会写入台账;请用 -o 换一个输出位置\n"
    )
    assert ledger.read_bytes() == before and other.read_bytes() == before


def test_report_is_never_read_back(run: Run, ledger: Path, tmp_path: Path) -> None:
    from assess.errors import LedgerError

    out = tmp_path / "报送.xlsx"
    assert _export("--ledger", ledger, "-m", _mapping(tmp_path, MAPPING), "-o", out).exit_code == 0
    with pytest.raises(LedgerError) as caught:
        run(findings=[out], out_dir=tmp_path / "again")
    assert caught.value.message == (
        "“报送.xlsx”是 assess 生成的报送台账,不是督查发现问题清单,不作为问题清单读取;更新台账请用 --ledger 指定台账"
    )


def test_nothing_to_report(ledger: Path, tmp_path: Path) -> None:
    mapping = _mapping(tmp_path, MAPPING.replace("[督查暗访, 第三方评估]", "巡视"))
    out = tmp_path / "报送.xlsx"
    result = _export("--ledger", ledger, "-m", mapping, "-o", out)
    assert result.exit_code == 0
    assert (
        result.stderr
        == f"提示:{mapping} filter: 台账的 3 条问题都不符合筛选条件,报送表中只有表头\n已写入:{out}\n"
    )
    assert openpyxl.load_workbook(out).active.max_row == 3
