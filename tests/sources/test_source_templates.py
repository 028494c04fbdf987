"""``assess template`` with data sources: the unit's template asks only for its own inputs, and
each source's template, filled in with openpyxl as a clerk would, reads back cell for cell.

Every workbook is made by the CLI and filled in place (the file's sheets, header and mark
kept); every message is pinned.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.workbook.read import open_book

HEAD = """\
schema_version: 1
id: tpl-test
title: 来源模板测试方案
year: 2024
level: county
full_score: 20
groups:
  - {id: a, name: 一类县}
  - {id: b, name: 二类县}
units:
  - {name: 甲县, group: a}
  - {name: 乙县, group: a}
  - {name: 丙县, group: b}
fields:
  - {id: 到位资金, code: A01, name: 衔接资金到位额, unit: 万元, kind: amount}
  - {id: 已支付资金, code: A02, name: 衔接资金已支付金额, unit: 万元, kind: amount, part_of: 到位资金}
  - {id: 满意度, code: A03, name: 群众满意度得分, unit: 分, kind: score, min: 0, max: 100}
  - {id: 问题数, code: A04, name: 督查暗访发现问题数, unit: 个, kind: count}
  - {id: 评议得分, code: A05, name: 交叉评议得分, unit: 分, kind: score, min: 0, max: 100}
categories:
  - id: "1"
    name: 综合
    points: 20
    indicators:
      - {id: "1.1", name: 资金支付率, points: 4, unit: "%", formula: 已支付资金 / 到位资金 * 100, rule: {type: threshold, target: 80}}
      - {id: "1.2", name: 帮扶措施落实率, points: 4, unit: "%", rule: {type: threshold, target: 100}}
      - {id: "1.3", name: 群众满意度, points: 4, unit: 分, formula: 满意度, rule: {type: threshold, target: 90}}
      - {id: "1.4", name: 督查问题, points: 4, unit: 个, direction: lower, formula: 问题数, rule: {type: threshold, target: 0}}
      - {id: "1.5", name: 交叉评议, points: 4, unit: 分, formula: 评议得分, rule: {type: threshold, target: 80}}
sources:
  - {id: 县级填报, kind: unit, name: 县级填报表}
  - {id: 财政, name: 衔接资金支付进度表, department: 市财政局, fields: [到位资金, 已支付资金]}
  - {id: 第三方, name: 群众满意度测评结果, department: 第三方评估机构, fields: [满意度]}
"""
FINDINGS = """\
  - id: 督查
    kind: findings
    name: 督查暗访问题清单
    department: 市委督查室
    counts:
      - {field: 问题数, origins: [督查, 暗访], severities: {一般: 1, 严重: 2}}
"""
RATINGS = """\
  - id: 评议
    kind: ratings
    name: 交叉评议表
    fields: [评议得分]
    combine: mean
    raters: [{name: 评议一组}, {name: 评议二组}]
"""
UNITS = {"甲县": "一类县", "乙县": "一类县", "丙县": "二类县"}
OWN = {"1.2": {"甲县": 100, "乙县": 90, "丙县": 100}, "A04": 0, "A05": 85}  # what a county reports
FUNDS = {"甲县": (1000, 900), "乙县": (2000, 1000), "丙县": (500, 450)}  # 财政: A01, A02
SATISFACTION = {"甲县": 95, "乙县": 88.5, "丙县": 91}  # 第三方: A03


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write_scheme(folder: Path, *extra: str) -> Path:
    path = folder / "方案.yaml"
    path.write_text(HEAD + "".join(extra), encoding="utf-8")
    return path


def counties(scheme: Path, folder: Path) -> Path:
    """Each county's workbook: the unit template made by the CLI, its value cells filled in."""
    folder.mkdir(exist_ok=True)
    for unit in UNITS:
        path = folder / f"{unit}.xlsx"
        code, _out, err = run("template", "-s", scheme, "-o", path, "--unit", unit)
        assert code == 0, err
        wb = openpyxl.load_workbook(path)
        ws = wb["指标数据"]
        for r in range(3, ws.max_row + 1):
            value = OWN[ws.cell(r, 1).value]
            ws.cell(r, 4).value = value[unit] if isinstance(value, dict) else value
        wb.save(path)
    return folder


def rows(path: Path, sheet: str) -> list[list[object]]:
    wb = openpyxl.load_workbook(path)
    return [list(row) for row in wb[sheet].iter_rows(values_only=True)]


def inputs_of(stdout: str) -> dict[str, dict[str, tuple[float, str]]]:
    """unit → input name → (value, where it was read), from ``score --format json``."""
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for unit in json.loads(stdout)["units"]:
        got = out.setdefault(unit["unit"], {})
        for ind in unit["indicators"]:
            for given in ind["inputs"]:
                got[given["name"]] = (given["value"], given["source"])
    return out


# ---- the unit's own template -------------------------------------------------------------------


def test_unit_template_asks_only_for_the_units_own_inputs(tmp_path: Path) -> None:
    scheme = write_scheme(tmp_path, FINDINGS, RATINGS)
    code, _out, err = run("template", "-s", scheme, "-o", tmp_path / "县.xlsx")
    assert code == 0, err
    codes = [row[0] for row in rows(tmp_path / "县.xlsx", "指标数据")[2:]]
    assert codes == ["1.2"]  # no A01–A05: 财政, 第三方, 督查 and 评议 supply them
    assert err.splitlines() == [
        f"已生成填报模板:{tmp_path / '县.xlsx'}",
        "此模板只含单位自己填报的 1 项;以下数据由方案中的其他来源提供,不在此模板中:",
        "  财政(报表)市财政局《衔接资金支付进度表》:衔接资金到位额、衔接资金已支付金额",
        "  第三方(报表)第三方评估机构《群众满意度测评结果》:群众满意度得分",
        "  督查(问题清单)市委督查室《督查暗访问题清单》:督查暗访发现问题数",
        "  评议(评分表)《交叉评议表》:交叉评议得分",
        f"生成这些来源的模板:assess template -s {scheme} --source 财政 -o 财政.xlsx;"
        "全部来源:--source all -o 文件夹",
    ]
    code, _out, err = run("template", "-s", scheme, "--layout", "summary", "-o", tmp_path / "汇总.xlsx")
    assert code == 0, err
    assert rows(tmp_path / "汇总.xlsx", "汇总表")[0][:3] == ["单位名称", "分组", "帮扶措施落实率(%)"]
    assert len(rows(tmp_path / "汇总.xlsx", "汇总表")[0]) == 3


def test_a_scheme_with_every_value_from_other_sources_has_no_unit_template(tmp_path: Path) -> None:
    keep = ("1.2", "1.4", "1.5", "A04", "A05", "县级填报")  # what the units or other sources report
    text = "".join(ln for ln in HEAD.splitlines(keepends=True) if not any(k in ln for k in keep))
    path = tmp_path / "方案.yaml"
    path.write_text(
        text.replace("full_score: 20", "full_score: 8").replace("points: 20", "points: 8"), encoding="utf-8"
    )
    code, out, _err = run("check", path)
    assert code == 0, out
    code, _out, err = run("template", "-s", path, "-o", tmp_path / "县.xlsx")
    assert code == 2
    assert (
        "方案中的每项数据都由其他来源提供,没有单位自己填报的数据;"
        "请用 --source 生成各来源的模板(方案中的来源:财政、第三方)"
    ) in err


# ---- a department's table ----------------------------------------------------------------------


def test_table_templates_read_back_cell_for_cell(tmp_path: Path) -> None:
    scheme = write_scheme(tmp_path)
    data = counties(scheme, tmp_path / "填报")
    finance, third = tmp_path / "财政.xlsx", tmp_path / "第三方.xlsx"
    code, _out, err = run("template", "-s", scheme, "--source", "财政", "-o", finance)
    assert code == 0, err
    assert err == f"已生成来源“财政”市财政局《衔接资金支付进度表》的填报模板:{finance}\n"
    code, _out, err = run("template", "-s", scheme, "--source", "群众满意度测评结果", "-o", third)
    assert code == 0, err  # a source is named by its id or its name

    assert rows(finance, "衔接资金支付进度表") == [
        ["单位名称", "分组", "衔接资金到位额(万元)", "衔接资金已支付金额(万元)", "备注"],
        ["编码", None, "A01", "A02", None],
        ["甲县", "一类县", None, None, None],
        ["乙县", "一类县", None, None, None],
        ["丙县", "二类县", None, None, None],
    ]
    # One field: no row of codes (the reader would take a lone code for a unit's row).
    assert rows(third, "群众满意度测评结果") == [
        ["单位名称", "分组", "群众满意度得分(分)", "备注"],
        ["甲县", "一类县", None, None],
        ["乙县", "一类县", None, None],
        ["丙县", "二类县", None, None],
    ]
    notes = [row[0] for row in rows(finance, "填报说明") if row[0]]
    assert notes[1] == (
        "1. 本表依据《来源模板测试方案》(方案编号 tpl-test)生成,"
        "是数据来源“财政”市财政局《衔接资金支付进度表》的报表模板,由市财政局填写。"
    )
    wb = openpyxl.load_workbook(finance)
    ws = wb["衔接资金支付进度表"]
    assert ws.protection.sheet and ws["A3"].protection.locked and not ws["C3"].protection.locked

    for r, unit in enumerate(UNITS, start=3):
        ws.cell(r, 3).value, ws.cell(r, 4).value = FUNDS[unit]
    wb.save(finance)
    wb = openpyxl.load_workbook(third)
    ws = wb["群众满意度测评结果"]
    for r, unit in enumerate(UNITS, start=2):
        ws.cell(r, 3).value = SATISFACTION[unit]
    wb.save(third)
    with open_book(finance) as book:
        assert book.output_kind == "template"  # still marked: read as data because it is filled

    given = ["--data", f"财政={finance}", "--data", f"第三方={third}"]
    code, out, err = run("check", "-s", scheme, *given, data)
    assert code == 0, out + err
    assert "  财政(报表)市财政局《衔接资金支付进度表》:财政.xlsx;覆盖 3/3 个单位" in out
    assert "  第三方(报表)第三方评估机构《群众满意度测评结果》:第三方.xlsx;覆盖 3/3 个单位" in out

    code, out, err = run("score", "-s", scheme, *given, data, "--format", "json")
    assert code == 0, err
    got = inputs_of(out)
    for r, unit in enumerate(UNITS, start=3):
        total, paid = FUNDS[unit]
        assert got[unit]["到位资金"] == (
            total,
            f"市财政局《衔接资金支付进度表》(财政.xlsx 衔接资金支付进度表!C{r})",
        )
        assert got[unit]["已支付资金"] == (
            paid,
            f"市财政局《衔接资金支付进度表》(财政.xlsx 衔接资金支付进度表!D{r})",
        )
        assert got[unit]["满意度"] == (
            SATISFACTION[unit],
            f"第三方评估机构《群众满意度测评结果》(第三方.xlsx 群众满意度测评结果!C{r - 1})",
        )
    scores = {u["unit"]: {i["id"]: i["score"] for i in u["indicators"]} for u in json.loads(out)["units"]}
    assert scores["乙县"]["1.1"] == 0.0 and scores["甲县"]["1.1"] == 4.0  # 50 % and 90 % of 80 %
    assert scores["乙县"]["1.3"] == 0.0 and scores["丙县"]["1.3"] == 4.0  # 88.5 and 91 against 90


def test_a_blank_source_template_is_not_the_sources_data(tmp_path: Path) -> None:
    scheme = write_scheme(tmp_path)
    data = counties(scheme, tmp_path / "填报")
    (data / "财政").mkdir()
    blank = data / "财政" / "财政_衔接资金支付进度表.xlsx"
    assert run("template", "-s", scheme, "--source", "财政", "-o", blank)[0] == 0
    third = tmp_path / "第三方.xlsx"
    assert run("template", "-s", scheme, "--source", "第三方", "-o", third)[0] == 0
    code, out, _err = run("check", "--wide", "-s", scheme, data, "--data", f"第三方={third}")
    assert code == 1
    text = out.replace("\n", "")
    assert (
        "“财政_衔接资金支付进度表.xlsx”是尚未填写的填报模板(没有任何数据),不作为来源“财政”的数据读取" in text
    )
    assert "“第三方.xlsx”是尚未填写的填报模板(没有任何数据),不作为来源“第三方”的数据读取" in text
    assert (
        "未提供来源“财政”市财政局《衔接资金支付进度表》的文件:用 --data 财政=文件或文件夹 指定,"
        "或放在填报表所在文件夹的“财政”子文件夹中;它提供的 2 项数据按缺失处理"
    ) in text
    assert "来源“财政”市财政局《衔接资金支付进度表》(财政_衔接资金支付进度表.xlsx)中没有" not in text


# ---- every source at once; errors -------------------------------------------------------------


def test_all_sources_into_a_folder(tmp_path: Path) -> None:
    scheme = write_scheme(tmp_path, FINDINGS, RATINGS)
    folder = tmp_path / "模板"
    code, _out, err = run("template", "-s", scheme, "--source", "all", "-o", folder)
    assert code == 0, err
    names = [
        "县级填报_县级填报表.xlsx",
        "财政_衔接资金支付进度表.xlsx",
        "第三方_群众满意度测评结果.xlsx",
        "督查_督查暗访问题清单.xlsx",
        "评议_交叉评议表_评议一组.xlsx",
        "评议_交叉评议表_评议二组.xlsx",
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)
    assert err.splitlines() == [
        f"已生成来源“县级填报”《县级填报表》的填报模板:{folder / names[0]}",
        f"已生成来源“财政”市财政局《衔接资金支付进度表》的填报模板:{folder / names[1]}",
        f"已生成来源“第三方”第三方评估机构《群众满意度测评结果》的填报模板:{folder / names[2]}",
        f"已生成来源“督查”市委督查室《督查暗访问题清单》的问题清单模板:{folder / names[3]}",
        f"已生成来源“评议”《交叉评议表》的评分表模板(评分方:评议一组):{folder / names[4]}",
        f"已生成来源“评议”《交叉评议表》的评分表模板(评分方:评议二组):{folder / names[5]}",
    ]
    for name in names:
        with open_book(folder / name) as book:
            assert book.output_kind == "template", name
    assert [row[0] for row in rows(folder / names[0], "指标数据")[2:]] == ["1.2"]
    assert rows(folder / names[4], "评议一组")[0] == ["单位名称", "分组", "交叉评议得分(分)", "备注"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--source", "统计", "-o", "x.xlsx"],
            "--source “统计”不在方案的数据来源中(方案中的来源:县级填报、财政、第三方、评议);"
            "写来源的编号或名称,或写 all 生成全部来源的模板",
        ),
        (
            ["--source", "all", "-o", "x.xlsx"],
            "--source all 为每个来源各生成一个模板(共 5 个),-o 应为文件夹(每个模板一个文件)",
        ),
        (
            ["--source", "评议", "-o", "x.xlsx"],
            "来源“评议”有 2 个评分方,每个评分方一个模板,-o 应为文件夹(每个模板一个文件)",
        ),
        (
            ["--source", "财政", "--unit", "甲县", "-o", "x.xlsx"],
            "--unit 只用于单位的填报模板;来源“财政”的模板每行一个单位",
        ),
    ],
)
def test_source_errors(tmp_path: Path, args: list[str], message: str) -> None:
    scheme = write_scheme(tmp_path, RATINGS)
    code, _out, err = run(
        "template", "-s", scheme, *[str(tmp_path / a) if a == "x.xlsx" else a for a in args]
    )
    assert code == 2
    assert message in err
    assert not (tmp_path / "x.xlsx").exists()


def test_source_option_needs_sources(tmp_path: Path) -> None:
    code, _out, err = run("template", "-s", "county-2023", "--source", "财政", "-o", tmp_path / "x.xlsx")
    assert code == 2
    assert "方案没有写数据来源(sources),不能用 --source;不写 --source 即生成单位的填报模板" in err
    code, _out, err = run("template", "-s", "county-2023", "-o", tmp_path / "y.xlsx")
    assert code == 0 and err == f"已生成填报模板:{tmp_path / 'y.xlsx'}\n"  # no sources: nothing more said


# ---- a findings list ---------------------------------------------------------------------------

PROBLEMS = [  # 单位名称, 问题来源, 问题类别, 问题描述, 严重程度
    ("甲县", "督查", "作风问题", "帮扶干部走访台账不实", "一般"),
    ("甲县", "暗访", "政策落实", "监测对象识别滞后", "严重"),
    ("乙县", "审计", "资金管理", "项目资金拨付超期", "严重"),  # 审计: not counted
]


def findings_template(tmp_path: Path) -> tuple[Path, Path]:
    scheme = write_scheme(tmp_path, FINDINGS)
    path = tmp_path / "督查.xlsx"
    code, _out, err = run("template", "-s", scheme, "--source", "督查", "-o", path)
    assert code == 0, err
    assert err == f"已生成来源“督查”市委督查室《督查暗访问题清单》的问题清单模板:{path}\n"
    return scheme, path


def fill_findings(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["问题清单"]
    for r, problem in enumerate(PROBLEMS, start=2):
        for c, value in enumerate(problem, start=1):
            ws.cell(r, c).value = value
    wb.save(path)


def test_findings_template_columns_and_dropdowns(tmp_path: Path) -> None:
    _scheme, path = findings_template(tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填报说明", "问题清单", "选项"]
    assert wb["选项"].sheet_state == "hidden"
    ws = wb["问题清单"]
    assert [c.value for c in ws[1]] == [
        "单位名称",
        "问题来源",
        "问题类别",
        "问题描述",
        "严重程度",
        "关联指标",
        "责任单位",
        "整改时限",
    ]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {
        "A2:A501": "'选项'!$A$2:$A$4",
        "B2:B501": "'选项'!$B$2:$B$3",
        "E2:E501": "'选项'!$D$2:$D$3",
    }
    assert list(wb["选项"].iter_rows(values_only=True)) == [
        ("单位名称", "问题来源", None, "严重程度"),
        ("甲县", "督查", None, "一般"),
        ("乙县", "暗访", None, "严重"),
        ("丙县", None, None, None),
    ]
    notes = [row[0] for row in wb["填报说明"].iter_rows(values_only=True) if row[0]]
    assert (
        "    “督查暗访发现问题数”:问题来源 督查、暗访;问题类别 不限;严重程度 一般每个计 1 个、严重每个计 2 个。"
        in notes
    )


def test_filled_findings_template_reads_as_a_findings_list(tmp_path: Path) -> None:
    from assess.rectify.findings import read_findings

    _scheme, path = findings_template(tmp_path)
    fill_findings(path)
    said: list[object] = []
    problems = read_findings(path, said)  # type: ignore[arg-type]
    assert said == []
    assert [(p.unit, p.source, p.category, p.description) for p in problems] == [row[:4] for row in PROBLEMS]


def test_filled_findings_template_is_counted(tmp_path: Path) -> None:
    pytest.importorskip("assess.sources.findings", reason="the findings source reader has not landed")
    scheme, path = findings_template(tmp_path)
    fill_findings(path)
    data = counties(scheme, tmp_path / "填报")
    given = ["--data", f"督查={path}", "--data", f"财政={_filled_finance(scheme, tmp_path)}"]
    given += ["--data", f"第三方={_filled_third(scheme, tmp_path)}"]
    code, out, err = run("score", "-s", scheme, *given, data, "--format", "json")
    assert code == 0, err
    got = {u: {k: v[0] for k, v in values.items()} for u, values in inputs_of(out).items()}
    assert {u: got[u]["问题数"] for u in UNITS} == {"甲县": 3.0, "乙县": 0.0, "丙县": 0.0}


def _filled_finance(scheme: Path, tmp_path: Path) -> Path:
    path = tmp_path / "财政.xlsx"
    assert run("template", "-s", scheme, "--source", "财政", "-o", path)[0] == 0
    wb = openpyxl.load_workbook(path)
    for r, unit in enumerate(UNITS, start=3):
        wb["衔接资金支付进度表"].cell(r, 3).value, wb["衔接资金支付进度表"].cell(r, 4).value = FUNDS[unit]
    wb.save(path)
    return path


def _filled_third(scheme: Path, tmp_path: Path) -> Path:
    path = tmp_path / "第三方.xlsx"
    assert run("template", "-s", scheme, "--source", "第三方", "-o", path)[0] == 0
    wb = openpyxl.load_workbook(path)
    for r, unit in enumerate(UNITS, start=2):
        wb["群众满意度测评结果"].cell(r, 3).value = SATISFACTION[unit]
    wb.save(path)
    return path


# ---- raters' score sheets ----------------------------------------------------------------------

RATED = {"评议一组": {"甲县": 80, "乙县": 70, "丙县": 90}, "评议二组": {"甲县": 90, "乙县": 75, "丙县": 86}}


def test_rater_templates_read_back_and_combine(tmp_path: Path) -> None:
    scheme = write_scheme(tmp_path, RATINGS)
    folder = tmp_path / "评议"
    code, _out, err = run("template", "-s", scheme, "--source", "评议", "-o", folder)
    assert code == 0, err
    for rater, scores in RATED.items():
        path = folder / f"评议_交叉评议表_{rater}.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb[rater]
        assert [c.value for c in ws[1]] == ["单位名称", "分组", "交叉评议得分(分)", "备注"]
        notes = [row[0] for row in wb["填报说明"].iter_rows(values_only=True) if row[0]]
        assert notes[2] == f"2. 评分方:{rater}。请勿修改文件名中的评分方名称,各评分方各填一份。"
        for r, unit in enumerate(UNITS, start=2):
            ws.cell(r, 3).value = scores[unit]
        wb.save(path)
    data = counties(scheme, tmp_path / "填报")
    given = ["--data", f"评议={folder}", "--data", f"财政={_filled_finance(scheme, tmp_path)}"]
    given += ["--data", f"第三方={_filled_third(scheme, tmp_path)}"]
    code, out, err = run("score", "-s", scheme, *given, data, "--format", "json")
    assert code == 0, err
    got = {u: {k: v[0] for k, v in values.items()} for u, values in inputs_of(out).items()}
    assert {u: got[u]["评议得分"] for u in UNITS} == {"甲县": 85.0, "乙县": 72.5, "丙县": 88.0}
