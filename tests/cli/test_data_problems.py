"""Nothing silently zero: blank required cells, words in numeric fields, values out of range,
likely fractions and rating words not in the scheme are findings at their cells in `check`,
`score` and `rank` alike; score and rank exit 1 and list them (docs/workbooks.md section 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.cli.conftest import COHORT_EXIT, invoke

SCHEME = """\
id: t
title: 测试方案
year: 2024
full_score: 100
{missing}
fields:
  - {{id: 监测人数, name: 监测对象人数, unit: 人}}
categories:
  - id: "1"
    name: 综合
    points: 100
    indicators:
      - {{id: "1.1", name: 农村自来水普及率, points: 40, unit: "%", rule: {{type: threshold, target: 85}}}}
      - id: "1.2"
        name: 部门评价
        points: 40
        levels: {{好: 100, 较好: 85, 一般: 70, 较差: 50}}
        rule: {{type: direct, scale: 100}}
      - {{id: "1.3", name: 监测工作量, points: 20, field: 监测人数, rule: {{type: linear, floor: 0, target: 100}}}}
"""

UNITS: dict[str, tuple[Any, Any, Any]] = {
    "甲县": (0.85, "较好", -3),  # a fraction for 85 %, a good word, a negative count of people
    "乙县": (90, "很好", 12),  # a word the scheme does not list
    "丙县": (None, "好", 50),  # a blank required cell
}


def _scheme(tmp_path: Path, missing: str = "missing: zero") -> Path:
    path = tmp_path / "方案.yaml"
    path.write_text(SCHEME.format(missing=missing), encoding="utf-8")
    return path


def _county(folder: Path, unit: str, values: tuple[Any, Any, Any]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标数据"
    ws.append(["单位名称", unit])
    ws.append(["年度", 2024])
    ws.append(["指标编码", "指标名称", "计量单位", "本年数值"])
    ws.append(["1.1", "农村自来水普及率", "%", values[0]])
    ws.append(["1.2", "部门评价", "", values[1]])
    ws.append(["", "监测对象人数", "人", values[2]])
    path = folder / f"{unit}.xlsx"
    wb.save(path)
    return path


@pytest.fixture()
def returns(tmp_path: Path) -> Path:
    folder = tmp_path / "报表"
    folder.mkdir()
    for unit, values in UNITS.items():
        _county(folder, unit, values)
    return folder


EXPECTED = [
    (
        "甲县.xlsx 指标数据!D4",
        "likely-fraction",
        "“农村自来水普及率”填为 0.85,按 0.85% 计明显偏低(本项计分以 85% 为界),"
        "多半是把 85% 写成了小数;如本意为 85%,请填写 85",
    ),
    ("甲县.xlsx 指标数据!D6", "out-of-range", "“监测对象人数”为 -3,数量不能为负数"),
    (
        "乙县.xlsx 指标数据!D5",
        "bad-value",
        "“部门评价”的值无效:应填“好”“较好”“一般”“较差”之一,实际为“很好”",
    ),
    ("丙县.xlsx 指标数据!D4", "missing-value", "“农村自来水普及率”未填写(不适用的请填“不适用”)"),
]


def _found(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted(
        (Path(f["where"].split(" ")[0]).name + " " + f["where"].split(" ", 1)[1], f["code"], f["message"])
        for f in findings
        if f["severity"] == "error"
    )


def test_check_lists_every_problem_at_its_cell(runner, tmp_path, returns):
    result = invoke(runner, "check", "-s", str(_scheme(tmp_path)), str(returns), "--format", "json")
    assert result.exit_code == 1
    assert _found(json.loads(result.stdout)["findings"]) == sorted(EXPECTED)


def test_rank_exits_1_and_names_the_same_problems(runner, tmp_path, returns):
    result = invoke(runner, "rank", "-s", str(_scheme(tmp_path)), str(returns), "--format", "json", "-q")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    per_unit = [f for u in doc["units"] for f in u["findings"]]
    assert _found(per_unit) == sorted(EXPECTED)
    said = result.stderr.splitlines()
    assert said[0] == "  有 4 处数据问题,所涉指标按方案的缺数据规则计分(见计分依据);请核实更正后重新评分:"
    assert f"  数据问题:{returns / '乙县.xlsx'} 指标数据!D5:{EXPECTED[2][2]}" in said
    head = "有 4 处数据问题,所涉指标已按考核方案的缺数据规则计分,核实更正并重新评分前,本排名不宜印发:"
    notes = doc["notes"][doc["notes"].index(head) + 1 :]
    assert sorted(notes) == sorted(f"{where}:{message}" for where, _code, message in EXPECTED)
    units = {u["unit"]: {i["id"]: i for i in u["indicators"]} for u in doc["units"]}
    rated = units["甲县"]["1.2"]
    assert (rated["value"], rated["score"]) == (85.0, 34.0)
    assert rated["basis"].startswith("评价为“较好”,按方案折合 85;")
    assert units["乙县"]["1.2"]["basis"] == (
        "数据有误(应填“好”“较好”“一般”“较差”之一,实际为“很好”),按方案计 0 分"
    )
    assert (units["丙县"]["1.1"]["score"], units["丙县"]["1.1"]["basis"]) == (0.0, "未填报,按方案计 0 分")
    # the brief table (scored on columns) carries the same findings
    brief = invoke(
        runner, "rank", "-s", str(_scheme(tmp_path)), str(returns), "--brief", "--format", "json", "-q"
    )
    assert brief.exit_code == 1
    assert _found([f for u in json.loads(brief.stdout)["units"] for f in u["findings"]]) == sorted(EXPECTED)


def test_without_a_stated_policy_the_zero_is_provisional(runner, tmp_path, returns):
    result = invoke(runner, "score", "-s", str(_scheme(tmp_path, "")), str(returns), "--format", "json")
    assert result.exit_code == 1
    units = {u["unit"]: {i["id"]: i for i in u["indicators"]} for u in json.loads(result.stdout)["units"]}
    assert units["丙县"]["1.1"]["basis"] == "未填报,方案未规定缺数据如何计分,暂计 0 分"
    assert "  数据问题:" in result.stderr


def test_score_sheet_lists_the_problems(runner, tmp_path, returns):
    out = tmp_path / "得分表"
    result = invoke(
        runner, "score", "-s", str(_scheme(tmp_path)), str(returns), "--format", "html", "-o", str(out)
    )
    assert result.exit_code == 1
    html = (out / "乙县.html").read_text(encoding="utf-8")
    assert "实际为“很好”" in html


def test_a_clean_return_exits_0(runner, tmp_path):
    folder = tmp_path / "报表"
    folder.mkdir()
    _county(folder, "甲县", (85, "一般", 10))
    _county(folder, "乙县", ("0.5%", "较差", 0))  # a small percent written with its sign is fine
    result = invoke(runner, "rank", "-s", str(_scheme(tmp_path)), str(folder), "--format", "json", "-q")
    assert result.exit_code == 0, result.output
    units = {u["unit"]: {i["id"]: i for i in u["indicators"]} for u in json.loads(result.stdout)["units"]}
    assert units["乙县"]["1.2"]["score"] == 20.0


def test_the_sample_cohort_names_its_two_blank_cells(runner, cohort):
    result = invoke(runner, "rank", "-s", "county-2024", str(cohort), "-q")
    assert result.exit_code == COHORT_EXIT
    lines = [line for line in result.stderr.splitlines() if "数据问题:" in line]
    assert [line.split(":", 1)[1].split(" ", 1)[1] for line in lines] == [
        "指标数据!D14:“监测对象识别纳入平均时限”未填写(不适用的请填“不适用”)",
        "指标数据!D20:“新型农业经营主体数量增长率”未填写(不适用的请填“不适用”)",
    ]


def test_a_summary_table_gives_the_same_findings(runner, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位名称", "农村自来水普及率(%)", "部门评价", "监测对象人数(人)"])
    for unit, values in UNITS.items():
        ws.append([unit, *values])
    path = tmp_path / "汇总表.xlsx"
    wb.save(path)
    result = invoke(runner, "check", "-s", str(_scheme(tmp_path)), str(path), "--format", "json")
    assert result.exit_code == 1
    found = sorted(
        (f["where"].split("!")[1], f["code"], f["message"]) for f in json.loads(result.stdout)["findings"]
    )
    assert found == sorted(
        [
            ("B2", EXPECTED[0][1], EXPECTED[0][2]),
            ("D2", EXPECTED[1][1], EXPECTED[1][2]),
            ("C3", EXPECTED[2][1], EXPECTED[2][2]),
            ("B4", EXPECTED[3][1], EXPECTED[3][2]),
        ]
    )
    scored = invoke(runner, "rank", "-s", str(_scheme(tmp_path)), str(path), "--format", "json", "-q")
    assert scored.exit_code == 1
    units = {u["unit"]: {i["id"]: i for i in u["indicators"]} for u in json.loads(scored.stdout)["units"]}
    assert units["甲县"]["1.2"]["basis"].startswith("评价为“较好”,按方案折合 85;")


def test_the_template_offers_the_rating_words_as_a_dropdown(runner, tmp_path):
    out = tmp_path / "模板.xlsx"
    assert invoke(runner, "template", "-s", str(_scheme(tmp_path)), "-o", str(out)).exit_code == 0
    ws = openpyxl.load_workbook(out)["指标数据"]
    lists = [(dv.formula1, dv.prompt) for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists == [('"好,较好,一般,较差"', "从下拉列表选择:好、较好、一般、较差")]
