"""A findings list (kind: findings) as a data source: rows counted into indicators and penalties.

Every list here is a real xlsx written by the test the way an office sends it (a title row
above the header, a 序号 column); the same file is then given to ``rectify --findings``.
Every message and basis is pinned.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import main

SCHEME = """\
schema_version: 1
id: findings-test
title: 问题清单来源测试方案
year: 2024
level: county
full_score: 20
groups:
  - {id: g, name: 一组}
units:
  - {name: 甲县, group: g}
  - {name: 乙县, group: g}
  - {name: 丙县, group: g}
sources:
  - {id: 县级填报, kind: unit, name: 县级填报表}
  - id: 督查
    kind: findings
    name: 督查暗访发现问题清单
    department: 市委农办督查组
    counts:
      - {field: "1.2", origins: [督查, 暗访]}
      - {field: "1.3", categories: [三保障, 饮水安全], severities: {一般: 1, 较重: 2, 严重: 3}}
      - {field: P1, origins: [审计]}
categories:
  - id: "1"
    name: 综合
    points: 20
    indicators:
      - {id: "1.1", name: 帮扶措施落实率, points: 5, unit: "%", rule: {type: threshold, target: 100}}
      - {id: "1.2", name: 督查暗访发现问题, points: 5, unit: 个, rule: {type: deduct, per_item: 1}}
      - {id: "1.3", name: 三保障和饮水安全问题, points: 10, unit: 个, rule: {type: deduct, per_item: 0.5}}
penalties:
  items:
    - {id: P1, name: 审计发现违规违纪问题, per_item: 1, cap: 5}
"""

HEAD = ["序号", "单位名称", "问题来源", "问题类别", "问题描述", "严重程度", "责任单位", "整改时限"]
# Sheet rows 3 to 15 (a title in row 1, the header in row 2).
PROBLEMS: list[tuple[object, ...]] = [
    ("甲县", "督查", "作风建设", "帮扶干部入户走访流于形式", "一般", "县委组织部", "长期坚持"),  # 3
    ("甲县", "督查", "档案资料", "衔接资金项目档案资料不全", "一般", "县乡村振兴局", "2025-04-15"),  # 4
    ("甲县", "暗访", "防返贫监测", "监测对象识别纳入超过时限", "较重", "县乡村振兴局", "立行立改"),  # 5
    ("甲县", "考核评估", "三保障", "1 户监测户住房经鉴定为 C 级危房", "较重", "县住建局", "2025-04-30"),  # 6
    ("甲县", "第三方评估", "饮水安全", "供水管网漏水", "\u3000一般 ", "县水利局", "2025-04-30"),  # 7: spaces
    ("乙县", "审计", "违规违纪", "挤占挪用衔接资金 36.5 万元", "严重", "县财政局", "2025-06-30"),  # 8
    ("乙县", "审计", "资金管理", "经营性资产未及时确权登记", "一般", "县财政局", "2025-06-30"),  # 9
    ("乙县", "巡视", "其他", "巡视反馈问题整改不到位", "一般", "县委办", "2025-06-30"),  # 10
    ("丙县区", "督查", "作风建设", "村级台账重复填报", "一般", "县委办", "长期坚持"),  # 11
    ("甲县", "督查", "三保障", "1 名适龄儿童辍学未劝返", "严重", "县教育局", "立行立改"),  # 12
    ("甲县", "考核评估", "饮水安全", "出厂水浑浊度超标", "特别严重", "县水利局", "立行立改"),  # 13
    (None, "督查", "作风建设", "填表报数多", "一般", "县委办", "长期坚持"),  # 14
    ("甲县", "督查", "作风建设", "帮扶干部入户走访流于形式", "一般", "县委组织部", "长期坚持"),  # 15
]


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def county(folder: Path, unit: str, value: object = 100) -> Path:
    wb = openpyxl.Workbook()
    info = wb.active
    assert info is not None
    info.title = "基本信息"
    info.append(["单位名称", unit])
    info.append(["年度", 2024])
    sheet = wb.create_sheet("指标数据")
    sheet.append(["指标编码", "指标名称", "单位", "数值", "说明或佐证"])
    sheet.append(["1.1", "帮扶措施落实率", "%", value, ""])
    path = folder / f"{unit}.xlsx"
    wb.save(path)
    return path


def findings_list(path: Path, problems: list[tuple[object, ...]], head: list[str] = HEAD) -> Path:
    """A findings list as an office sends it: a title row, then the header, one row per problem."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    ws.append(["2024 年度督查暗访发现问题清单"])
    ws.append(head)
    for i, problem in enumerate(problems, start=1):
        row = dict(zip(HEAD[1:], problem, strict=True))
        ws.append([i, *(row.get(h) for h in head[1:])])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.fixture
def round_folder(tmp_path: Path) -> Path:
    (tmp_path / "方案.yaml").write_text(SCHEME, encoding="utf-8")
    data = tmp_path / "填报"
    data.mkdir()
    for unit in ("甲县", "乙县", "丙县"):
        county(data, unit)
    findings_list(tmp_path / "清单.xlsx", PROBLEMS)
    return tmp_path


def score(root: Path, listing: Path) -> tuple[int, dict[str, Any], str]:
    code, out, err = run(
        "score", "-s", root / "方案.yaml", "--data", f"督查={listing}", root / "填报", "--format", "json"
    )
    return code, json.loads(out), err


def by_unit(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["unit"]: u for u in doc["units"]}


def bases(unit: dict[str, Any]) -> dict[str, tuple[float, str]]:
    out = {i["id"]: (i["score"], i["basis"]) for i in unit["indicators"]}
    out.update({p["id"]: (p["score"], p["basis"]) for p in unit["penalties"]})
    return out


def findings_of(doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(code, severity, where, message) of every finding: the run's and each unit's."""
    said = list(doc.get("findings", []))
    for unit in doc["units"]:
        said += unit["findings"]
    return [(f["code"], f["severity"], f["where"], f["message"]) for f in said]


# ---- counting ----------------------------------------------------------------------------------


def test_counts_weights_and_bases(round_folder: Path) -> None:
    code, doc, err = score(round_folder, round_folder / "清单.xlsx")
    assert code == 1, err  # the rows with errors (blank unit, unknown severity, unknown unit)
    units = by_unit(doc)
    got = {u: bases(units[u]) for u in ("甲县", "乙县", "丙县")}
    assert got["甲县"] == {
        "1.1": (5.0, "实际值 100.00% ≥ 目标 100%,得满分 5 分"),
        "1.2": (1.0, "发现问题 4 个(督查 3 个、暗访 1 个),每个扣 1 分,扣 4 分"),
        "1.3": (
            7.0,
            "发现问题 6 个(三保障 2 个、饮水安全 1 个,按严重程度折算:一般 1 个计 1 个、"
            "较重 1 个计 2 个、严重 1 个计 3 个),每个扣 0.5 分,扣 3 分",
        ),
    }
    assert got["乙县"]["1.2"] == (5.0, "未发现问题,得满分 5 分")  # rows, but none for 1.2
    assert got["乙县"]["1.3"] == (10.0, "未发现问题,得满分 10 分")
    assert got["乙县"]["P1"] == (
        2.0,
        "审计发现违规违纪问题 2 个(违规违纪 1 个、资金管理 1 个),每个扣 1 分,扣 2 分",
    )
    # 丙县 is named by no row: full marks, and its basis says so
    assert got["丙县"] == {
        "1.1": (5.0, "实际值 100.00% ≥ 目标 100%,得满分 5 分"),
        "1.2": (5.0, "未发现问题,得满分 5 分"),
        "1.3": (10.0, "未发现问题,得满分 10 分"),
    }
    assert [u["total"] for u in doc["units"]] == [20.0, 18.0, 13.0]


def test_where_each_count_was_read(round_folder: Path) -> None:
    _code, doc, _err = score(round_folder, round_folder / "清单.xlsx")
    first = by_unit(doc)["甲县"]
    inputs = {i["id"]: i["source"] for i in first["indicators"]}
    assert inputs["1.2"] == "市委农办督查组《督查暗访发现问题清单》(清单.xlsx 问题清单!B3、B4、B5、B12)"
    assert inputs["1.3"] == "市委农办督查组《督查暗访发现问题清单》(清单.xlsx 问题清单!B6、B7、B12)"
    third = {i["id"]: i["source"] for i in by_unit(doc)["丙县"]["indicators"]}
    assert third["1.2"] == "市委农办督查组《督查暗访发现问题清单》"  # named by no row: no cell to name


def test_every_row_problem_is_said_with_its_cell(round_folder: Path) -> None:
    _code, doc, _err = score(round_folder, round_folder / "清单.xlsx")
    said = [f for f in findings_of(doc) if "清单.xlsx" in f[2]]
    assert sorted(said, key=lambda f: f[2]) == sorted(
        [
            (
                "unknown-unit",
                "error",
                f"{round_folder / '清单.xlsx'} 问题清单!B11",
                "单位“丙县区”不在考核方案的单位名单中,是否为“丙县”?",
            ),
            (
                "finding-unmatched",
                "warning",
                f"{round_folder / '清单.xlsx'} 问题清单!C10",
                "第 10 行的问题(来源“巡视”,类别“其他”,严重程度“一般”)不计入任何指标或扣分项",
            ),
            (
                "finding-severity",
                "error",
                f"{round_folder / '清单.xlsx'} 问题清单!F13",
                "第 13 行的严重程度“特别严重”不是 1.3“三保障和饮水安全问题” 计入的严重程度(一般、较重、严重),"
                "该问题未计入 1.3“三保障和饮水安全问题”",
            ),
            (
                "finding-unit-blank",
                "error",
                f"{round_folder / '清单.xlsx'} 问题清单!B14",
                "第 14 行的单位名称为空,该问题未计入任何单位",
            ),
            (
                "duplicate-finding",
                "warning",
                f"{round_folder / '清单.xlsx'} 问题清单 第 15 行",
                "与问题清单 第 3 行的问题相同(同一单位、来源和描述),已合并为一条",
            ),
        ],
        key=lambda f: f[2],
    )


def test_receipt_summary(round_folder: Path) -> None:
    code, out, _err = run(
        "check",
        "-s",
        round_folder / "方案.yaml",
        "--data",
        f"督查={round_folder / '清单.xlsx'}",
        round_folder / "填报",
    )
    assert code == 1
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("督查(问题清单)"))
    assert line.strip() == (
        "督查(问题清单)市委农办督查组《督查暗访发现问题清单》:清单.xlsx;覆盖 3/3 个单位;"
        "问题 11 条(其中 1 条不计入任何一项),涉及 3 个单位,其余单位未发现问题"
    )


def test_reader_detail_and_values(round_folder: Path) -> None:
    from assess.commands.common import load_plan
    from assess.sources.findings import read_findings

    plan = load_plan(str(round_folder / "方案.yaml"))
    spec = next(s for s in plan.sources if s.id == "督查")
    sd = read_findings(spec, [round_folder / "清单.xlsx"], plan.read)
    assert sd.detail == {
        "summary": "问题 11 条(其中 1 条不计入任何一项),涉及 3 个单位,其余单位未发现问题",
        "rows": 11,
        "units": 3,
    }
    assert list(sd.values) == ["甲县", "乙县", "丙县区"]
    assert {k: v.number for k, v in sd.values["甲县"].items()} == {"1.2": 4.0, "1.3": 6.0, "P1": 0.0}
    assert sd.values["甲县"]["1.2"].note == "督查 3 个、暗访 1 个"
    assert sd.values["甲县"]["P1"].note == "未发现问题"
    assert {k: (v.number, v.status, v.note) for k, v in sd.defaults.items()} == {
        "1.2": (0.0, "ok", "未发现问题"),
        "1.3": (0.0, "ok", "未发现问题"),
        "P1": (0.0, "ok", "未发现问题"),
    }
    assert sd.where == {"甲县": "问题 7 条", "乙县": "问题 3 条", "丙县区": "问题 1 条"}


# ---- a list that cannot be counted -------------------------------------------------------------


def test_missing_severity_column_makes_weighted_key_missing(round_folder: Path) -> None:
    plain = [p[:4] + (None,) + p[5:] for p in PROBLEMS[:6]]
    listing = findings_list(round_folder / "无严重程度.xlsx", plain, [h for h in HEAD if h != "严重程度"])
    code, doc, _err = score(round_folder, listing)
    assert code == 1
    said = [f for f in findings_of(doc) if f[0] == "findings-columns"]
    assert said == [
        (
            "findings-columns",
            "error",
            f"{listing} 问题清单 第 2 行",
            "问题清单 无严重程度.xlsx 的工作表“问题清单”没有严重程度列(也可写作:性质、问题性质、严重性、问题等级、"
            "问题严重程度);1.3“三保障和饮水安全问题” 按严重程度计数,无法计算,按缺失处理",
        )
    ]
    got = {u: bases(unit) for u, unit in by_unit(doc).items()}
    # never 0 problems, hence full marks, for a count that could not be made
    assert got["丙县"]["1.3"] == (
        0.0,
        "未填报(问题清单 无严重程度.xlsx 没有严重程度列,无法计数),方案未规定缺数据如何计分,暂计 0 分",
    )
    # the keys that do not weigh by severity are counted as usual
    assert got["甲县"]["1.2"] == (2.0, "发现问题 3 个(督查 2 个、暗访 1 个),每个扣 1 分,扣 3 分")
    assert got["乙县"]["P1"] == (1.0, "审计发现违规违纪问题 1 个(违规违纪 1 个),每个扣 1 分,扣 1 分")


def test_a_list_without_the_required_columns_counts_nothing(round_folder: Path) -> None:
    listing = findings_list(
        round_folder / "坏清单.xlsx", PROBLEMS[:3], ["序号", "单位名称", "问题描述", "严重程度"]
    )
    code, doc, _err = score(round_folder, listing)
    assert code == 1
    said = [f for f in findings_of(doc) if f[0] == "findings-columns"]
    assert said == [
        (
            "findings-columns",
            "error",
            str(listing),
            "问题清单 坏清单.xlsx 缺少必需的列:问题来源、问题类别(已将工作表“问题清单”第 2 行作为表头)。"
            "必需的列为:单位名称、问题来源、问题类别、问题描述;该文件中的问题未计入,"
            "1.2“督查暗访发现问题”、1.3“三保障和饮水安全问题”、P1“审计发现违规违纪问题” 按缺失处理",
        )
    ]
    units = by_unit(doc)
    assert all(bases(units[u])["1.2"][0] == 0.0 for u in units)
    assert bases(units["丙县"])["1.2"][1].startswith("未填报(问题清单 坏清单.xlsx 缺少必需的列)")


def test_blank_cell_a_rule_needs(round_folder: Path) -> None:
    listing = findings_list(
        round_folder / "空白.xlsx",
        [
            ("甲县", None, "作风建设", "帮扶干部入户走访流于形式", "一般", None, None),
            ("甲县", "考核评估", "三保障", "危房改造未及时实施", None, None, None),
        ],
    )
    _code, doc, _err = score(round_folder, listing)
    said = sorted(f for f in findings_of(doc) if "空白.xlsx" in f[2])
    assert said == [
        (
            "finding-blank",
            "error",
            f"{listing} 问题清单!C3",
            "第 3 行的问题来源为空,无法判断是否计入 1.2“督查暗访发现问题”、P1“审计发现违规违纪问题”,未计入",
        ),
        (
            "finding-blank",
            "error",
            f"{listing} 问题清单!F4",
            "第 4 行的严重程度为空,无法判断是否计入 1.3“三保障和饮水安全问题”(可填:一般、较重、严重),未计入",
        ),
    ]


# ---- the same list feeds rectify -----------------------------------------------------------------


def test_the_same_list_feeds_rectify(round_folder: Path) -> None:
    listing = round_folder / "清单.xlsx"
    code, _out, err = run(
        "rectify",
        "-s",
        round_folder / "方案.yaml",
        "--findings",
        listing,
        "-o",
        round_folder / "整改",
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
    )
    assert code == 1, err  # row 14 has no unit: an error there too
    assert f"错误:{listing} 问题清单!B14: 单位名称为空,本行未列入台账" in err
    report = json.loads((round_folder / "整改" / "整改情况.json").read_text(encoding="utf-8"))
    rows = [(p["unit"], p["description"]) for p in report["problems"]]
    # row 14 has no unit, row 15 repeats row 3; the ledger lists them by unit, then source
    assert sorted(rows) == sorted((p[0], p[3]) for p in PROBLEMS[:11])
    assert [f["code"] for f in report["findings"]] == ["finding-incomplete", "duplicate-finding"]


# ---- penalties and bonus items, validation -----------------------------------------------------


def test_penalty_item_counted_from_findings(round_folder: Path) -> None:
    listing = findings_list(
        round_folder / "审计.xlsx",
        [
            ("乙县", "审计", "违规违纪", f"虚列支出套取资金第 {k} 笔", "严重", "县财政局", "2025-06-30")
            for k in range(1, 8)
        ],
    )
    _code, doc, _err = score(round_folder, listing)
    units = by_unit(doc)
    assert bases(units["乙县"])["P1"] == (
        5.0,
        "审计发现违规违纪问题 7 个(违规违纪 7 个),每个扣 1 分,扣 5 分(该项上限 5 分)",
    )
    assert units["乙县"]["penalty_total"] == 5.0
    assert units["乙县"]["total"] == 15.0
    assert units["甲县"]["penalties"] == []  # nothing found: no penalty line


@pytest.mark.parametrize(
    ("field", "kind", "word"),
    [("重大舆情", "bool", "是否"), ("资金支付率", "percent", "百分比")],
)
def test_count_into_a_value_that_is_not_a_count(tmp_path: Path, field: str, kind: str, word: str) -> None:
    text = SCHEME.replace(
        "      - {field: P1, origins: [审计]}\n",
        f"      - {{field: P1, origins: [审计]}}\n      - {{field: {field}, origins: [巡视]}}\n",
    ).replace(
        "categories:\n  - id",
        "fields:\n"
        "  - {id: 重大舆情, name: 是否发生重大舆情, kind: bool, required: false}\n"
        "  - {id: 资金支付率, name: 衔接资金支付率, unit: '%', required: false}\n"
        "categories:\n  - id",
    )
    path = tmp_path / "方案.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _err = run("check", "--wide", path)
    assert code == 1
    line = next(ln for ln in out.splitlines() if "source-count-kind" in ln or "问题个数只能计入" in ln)
    assert f"方案.yaml:{text.splitlines().index(f'      - {{field: {field}, origins: [巡视]}}') + 1}:" in line
    assert (
        f"问题清单来源“督查”把问题个数计入“{field}”,但它是{word}(kind: {kind});"
        "问题个数只能计入个数或数值(kind: count、number)的字段、直接填报的指标,或加分项、扣分项"
    ) in line
