"""Data sources: the scheme's ``sources:``, ``--data`` and subfolders, merging, the receipt.

Every input here is a real workbook written by the test; every message is pinned.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import main

SCHEME = """\
schema_version: 1
id: src-test
title: 来源测试方案
year: 2024
level: county
full_score: 10
groups:
  - {id: g, name: 一组}
units:
  - {name: 甲县, group: g}
  - {name: 乙县, group: g}
  - {name: 丙县, group: g}
sources:
  - {id: 县级填报, kind: unit, name: 县级填报表}
  - {id: 财政, name: 衔接资金支付进度表, department: 市财政局, fields: [到位资金, 已支付资金]}
fields:
  - {id: 到位资金, code: A01, name: 衔接资金到位额, unit: 万元, kind: amount}
  - {id: 已支付资金, code: A02, name: 衔接资金已支付金额, unit: 万元, kind: amount, part_of: 到位资金}
categories:
  - id: "1"
    name: 综合
    points: 10
    indicators:
      - id: "1.1"
        name: 资金支付率
        points: 5
        unit: "%"
        formula: 已支付资金 / 到位资金 * 100
        rule: {type: threshold, target: 80}
      - id: "1.2"
        name: 帮扶措施落实率
        points: 5
        unit: "%"
        rule: {type: threshold, target: 100}
"""

VALUES = {"甲县": 100, "乙县": 90, "丙县": 100}  # 1.2, reported by each county
FUNDS = {"甲县": (1000, 900), "乙县": (2000, 1000), "丙县": (500, 450)}  # 财政's two columns


def county(folder: Path, unit: str, value: object, extra: dict[str, object] | None = None) -> Path:
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "基本信息"
    info.append(["单位名称", unit])
    info.append(["年度", 2024])
    sheet = wb.create_sheet("指标数据")
    sheet.append(["指标编码", "指标名称", "单位", "数值", "说明或佐证"])
    sheet.append(["1.2", "帮扶措施落实率", "%", value, ""])
    for code, v in (extra or {}).items():
        sheet.append([code, "衔接资金到位额", "万元", v, ""])
    path = folder / f"{unit}.xlsx"
    wb.save(path)
    return path


def finance(path: Path, rows: dict[str, tuple[object, object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "支付进度"
    ws.append(["县市区", "衔接资金到位额(万元)", "衔接资金已支付金额(万元)", "备注"])
    for unit, (total, paid) in rows.items():
        ws.append([unit, total, paid, ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture
def round_folder(tmp_path: Path) -> Path:
    """A round as an office keeps it: the counties' workbooks, the department's file in 财政/."""
    (tmp_path / "方案.yaml").write_text(SCHEME, encoding="utf-8")
    data = tmp_path / "填报"
    data.mkdir()
    for unit, value in VALUES.items():
        county(data, unit, value)
    finance(data / "财政" / "支付进度.xlsx", FUNDS)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def scores(stdout: str) -> dict[str, dict[str, float]]:
    doc = json.loads(stdout)
    return {u["unit"]: {i["id"]: i["score"] for i in u["indicators"]} for u in doc["units"]}


def test_subfolder_source_is_found_and_merged(round_folder: Path) -> None:
    code, out, err = run(
        "rank", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报"), "--format", "json"
    )
    assert code == 0, err
    got = scores(out)
    assert got["甲县"] == {"1.1": 5.0, "1.2": 5.0}  # 90 % ≥ 80 %
    assert got["乙县"] == {"1.1": 0.0, "1.2": 0.0}  # 50 %; 90 % < 100 %
    doc = json.loads(out)
    first = next(i for i in doc["units"][0]["indicators"] if i["id"] == "1.1")
    assert "市财政局《衔接资金支付进度表》(支付进度.xlsx 支付进度!" in json.dumps(first, ensure_ascii=False)


def test_data_option_names_the_source_by_id_or_name(round_folder: Path, tmp_path: Path) -> None:
    other = finance(tmp_path / "elsewhere" / "进度.xlsx", dict.fromkeys(VALUES, (100, 10)))
    scheme = str(round_folder / "方案.yaml")
    for name in ("财政", "衔接资金支付进度表"):
        code, out, err = run(
            "rank", "-s", scheme, str(round_folder / "填报"), "--data", f"{name}={other}", "--format", "json"
        )
        assert code == 0, err
        assert {u: s["1.1"] for u, s in scores(out).items()} == {"甲县": 0.0, "乙县": 0.0, "丙县": 0.0}


def test_unknown_source_in_data_option(round_folder: Path) -> None:
    code, _out, err = run(
        "check", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报"), "--data", "统计=x.xlsx"
    )
    assert code == 2
    assert "--data 中的来源“统计”不在方案的数据来源中(方案中的来源:县级填报、财政)" in err


def test_data_option_without_equals(round_folder: Path) -> None:
    code, _out, err = run(
        "check", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报"), "--data", "财政"
    )
    assert code == 2
    assert "--data “财政”的写法不对,应为 --data 来源=文件或文件夹,如 --data 财政=支付进度.xlsx" in err


def test_receipt_names_missing_and_extra_units(round_folder: Path) -> None:
    finance(
        round_folder / "填报" / "财政" / "支付进度.xlsx", {"甲县": (1, 1), "乙县": (1, 1), "丁县": (1, 1)}
    )
    code, out, _err = run(
        "check", "--wide", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报")
    )
    assert code == 1
    assert "数据来源回执(参评单位 3 个):" in out
    assert "  财政(报表)市财政局《衔接资金支付进度表》:支付进度.xlsx;覆盖 2/3 个单位" in out
    assert "    缺少:丙县" in out
    assert (
        "来源“财政”市财政局《衔接资金支付进度表》(支付进度.xlsx)中没有“丙县”的数据;到位资金、已支付资金 按缺失处理"
        in out
    )
    assert "单位“丁县”不在考核方案的单位名单中" in out
    assert "数据不全的单位(1 个):" in out and "  丙县:财政 缺" in out
    code, out, _err = run(
        "check", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报"), "--format", "json"
    )
    receipt = json.loads(out)["receipt"]
    finance_receipt = receipt["sources"][1]
    assert finance_receipt["missing"] == ["丙县"] and finance_receipt["covered"] == 2
    assert {"unit": "丙县", "sources": {"财政": "缺"}} in receipt["by_unit"]


def test_absent_source_is_one_error_and_values_are_missing(tmp_path: Path) -> None:
    (tmp_path / "方案.yaml").write_text(SCHEME, encoding="utf-8")
    for unit, value in VALUES.items():
        county(tmp_path, unit, value)
    code, out, err = run(
        "rank",
        "-s",
        str(tmp_path / "方案.yaml"),
        *(str(tmp_path / f"{u}.xlsx") for u in VALUES),
        "--format",
        "json",
    )
    assert code == 1
    assert (
        "未提供来源“财政”市财政局《衔接资金支付进度表》的文件:用 --data 财政=文件或文件夹 指定,"
        "或放在填报表所在文件夹的“财政”子文件夹中;它提供的 2 项数据按缺失处理"
    ) in err
    doc = json.loads(out)
    first = next(i for i in doc["units"][0]["indicators"] if i["id"] == "1.1")
    assert first["score"] == 0.0 and "缺少 到位资金、已支付资金" in first["basis"]


def test_unit_listed_twice_in_a_source_names_both_cells(round_folder: Path) -> None:
    finance(round_folder / "填报" / "财政" / "二.xlsx", {"甲县": (1000, 100)})
    code, out, _err = run(
        "check", "--wide", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报")
    )
    assert code == 1
    assert (
        "单位“甲县”在来源“财政”市财政局《衔接资金支付进度表》中出现两次(二.xlsx 支付进度!A2 与 支付进度.xlsx 支付进度!A2),"
        "采用前者;两处数据不一致:已支付资金:市财政局《衔接资金支付进度表》(二.xlsx 支付进度!C2) 为 100,"
        "市财政局《衔接资金支付进度表》(支付进度.xlsx 支付进度!C2) 为 900"
    ) in out.replace("\n", "")


def test_missing_column_in_a_source(round_folder: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "支付进度"
    ws.append(["县市区", "衔接资金到位额(万元)"])
    for unit in VALUES:
        ws.append([unit, 100])
    wb.save(round_folder / "填报" / "财政" / "支付进度.xlsx")
    code, out, _err = run("check", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报"))
    assert code == 1
    assert "汇总表缺少指标“衔接资金已支付金额”所在的列" in out


def test_county_row_of_another_source_is_not_taken(round_folder: Path) -> None:
    county(round_folder / "填报", "甲县", 100, {"A01": 99999})
    _code, out, _err = run("check", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报"))
    assert "“衔接资金到位额” 1 项由数据来源“财政”提供,本表中填写的值未采用" in out
    _code, out, _err = run(
        "rank", "-s", str(round_folder / "方案.yaml"), str(round_folder / "填报"), "--format", "json"
    )
    assert scores(out)["甲县"]["1.1"] == 5.0  # 900 / 1000 from 财政, not 900 / 99999


def test_sources_never_overwritten(round_folder: Path) -> None:
    target = round_folder / "填报" / "财政" / "支付进度.xlsx"
    before = target.read_bytes()
    code, _out, err = run(
        "rank",
        "-s",
        str(round_folder / "方案.yaml"),
        str(round_folder / "填报"),
        "-o",
        str(target),
        "--force",
    )
    assert code == 2
    assert "与输入的来源“财政”市财政局《衔接资金支付进度表》的数据是同一个文件" in err
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (
            "  - {id: 县级填报, kind: unit, name: 县级填报表}\n"
            "  - {id: 财政, name: 表一, fields: [到位资金]}\n"
            "  - {id: 统计, name: 表二, fields: [到位资金]}\n",
            "“到位资金”同时由来源“财政”和“统计”提供;每项数据只能有一个来源",
        ),
        (
            "  - {id: 县级填报, kind: unit, name: 县级填报表}\n  - {id: 财政, name: 表一, fields: [资金]}\n",
            "来源“财政”中的“资金”不是方案中的字段、指标或加分扣分项",
        ),
        (
            '  - {id: 县级填报, kind: unit, name: 县级填报表}\n  - {id: 财政, name: 表一, fields: ["1.1"]}\n',
            "“1.1”由公式计算,不能由来源“财政”提供",
        ),
        (
            "  - {id: 财政, name: 表一, fields: [到位资金, 已支付资金]}\n",
            "没有 kind: unit 的来源,以下数据也没有其他来源提供:1.2",
        ),
        (
            "  - {id: 县级填报, kind: unit, name: 县级填报表}\n  - {id: 督查, kind: findings, name: 清单}\n",
            "问题清单来源“督查”没有写 counts(哪些问题计入哪一项)",
        ),
        (
            "  - {id: 县级填报, kind: unit, name: 县级填报表}\n  - {id: 县级填报, name: 表一, fields: [到位资金]}\n",
            "来源编码“县级填报”重复(第 14 行已使用)",
        ),
    ],
)
def test_scheme_errors_point_at_the_line(tmp_path: Path, sources: str, message: str) -> None:
    head, _s, rest = SCHEME.partition("sources:\n")
    body = rest.split("fields:\n", 1)[1]
    path = tmp_path / "方案.yaml"
    path.write_text(head + "sources:\n" + sources + "fields:\n" + body, encoding="utf-8")
    code, out, _err = run("check", "--wide", str(path))
    assert code == 1
    line = next(ln for ln in out.splitlines() if message in ln)
    assert "方案.yaml:1" in line  # every message carries its line (sources sit on lines 13–16)


def test_scheme_without_sources_refuses_data_option(tmp_path: Path) -> None:
    code, _out, err = run("check", "-s", "county-2023", str(tmp_path), "--data", "财政=x.xlsx")
    assert code == 2
    assert "方案没有写数据来源(sources),不能用 --data;填报文件直接写在命令后面" in err
