"""Awards, a unit graded but not ranked and consequences triggered by facts through the
commands, on a real summary workbook: ``rank`` (JSON, screen, Word-ready HTML, xlsx),
``rank --brief`` (the engine's table: columns refuse awards) and ``--previous`` read back
from the workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.cli.conftest import invoke

SCHEME = """\
id: awards-cli
title: 奖项测试方案
year: 2024
full_score: 100
groups:
  - {id: a, name: 示范创建县}
  - {id: b, name: 重点帮扶县}
units:
  - {name: 浏阳市, group: a}
  - {name: 宁乡市, group: a}
  - {name: 长沙县, group: a}
  - {name: 望城区, group: a}
  - {name: 湘江新区, group: a, ranked: false}
  - {name: 泸溪县, group: b}
  - {name: 花垣县, group: b}
  - {name: 保靖县, group: b}
fields:
  - {id: 规模性返贫风险, name: 是否存在规模性返贫风险, kind: bool, required: false}
categories:
  - id: "1"
    name: 综合
    points: 100
    indicators:
      - {id: "1.1", name: 综合得分, points: 100, unit: 分, rule: {type: direct}}
vetoes:
  - {id: V1, name: 发生规模性返贫, when: 规模性返贫风险 == 1, effect: cap_grade, grade: 好}
grades:
  - {name: 好, min: 90, quota_count: {示范创建县: 2, 重点帮扶县: 1}}
  - {name: 较好, min: 80}
  - {name: 一般, min: 0}
consequences:
  - {name: 通报表扬, top: 1}
  - {name: 约谈, when: 规模性返贫风险 == 1}
awards:
  - {name: 标兵县, count: 2}
  - {name: 先进县, count: 1}
"""
# name, group, score, 规模性返贫风险
ROWS = [
    ("浏阳市", "示范创建县", 96, 0),
    ("宁乡市", "示范创建县", 94, 0),
    ("长沙县", "示范创建县", 97, 1),  # first, but under a veto
    ("望城区", "示范创建县", 85, 0),
    ("湘江新区", "示范创建县", 99, 0),  # not ranked
    ("泸溪县", "重点帮扶县", 91, 0),
    ("花垣县", "重点帮扶县", 88, 0),
    ("保靖县", "重点帮扶县", 70, 0),
]
NOTES = [
    "长沙县有一票否决事项,不授予“标兵县”。",
    "长沙县有一票否决事项,不列入“通报表扬”。",
]


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "分组", "综合得分", "是否存在规模性返贫风险"])
    for row in ROWS:
        ws.append(list(row))
    table = tmp_path / "汇总表.xlsx"
    wb.save(table)
    return scheme, table


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rank_and_brief_give_the_same_awards(runner, files):
    scheme, table = files
    full = _json(invoke(runner, "rank", "-s", str(scheme), str(table), "--format", "json"))
    brief = _json(invoke(runner, "rank", "-s", str(scheme), str(table), "--format", "json", "--brief"))
    assert full["notes"] == brief["notes"] == NOTES
    units = {u["unit"]: u for u in full["units"]}
    assert {k: u["awards"] for k, u in units.items()} == {
        "浏阳市": ["标兵县"],
        "宁乡市": ["标兵县"],
        "长沙县": [],
        "望城区": ["先进县"],
        "湘江新区": [],
        "泸溪县": ["标兵县"],
        "花垣县": ["标兵县"],
        "保靖县": ["先进县"],
    }
    assert units["长沙县"]["flags"] == ["约谈"]
    assert units["长沙县"]["notes"] == ["有一票否决事项,不授予“标兵县”", "有一票否决事项,不列入“通报表扬”"]
    # the commendation of the first does not pass to the second: 浏阳市 has one unit above it
    assert units["浏阳市"]["flags"] == [] and units["泸溪县"]["flags"] == ["通报表扬"]
    assert (units["湘江新区"]["rank"], units["湘江新区"]["ranked"], units["湘江新区"]["grade"]) == (
        None,
        False,
        "好",
    )
    # the absolute quota of 2 in 示范创建县: 长沙县 and 浏阳市 (湘江新区 takes no place in it)
    assert [units[k]["grade"] for k in ("长沙县", "浏阳市", "宁乡市")] == ["好", "好", "较好"]
    assert [u["unit"] for u in full["units"]][:5] == ["长沙县", "浏阳市", "宁乡市", "望城区", "湘江新区"]
    for u in brief["units"]:
        want = units[u["unit"]]
        assert (u["rank"], u["grade"], u["flags"], u["awards"]) == (
            want["rank"],
            want["grade"],
            want["flags"],
            want["awards"],
        )
    assert [u["unit"] for u in brief["units"]] == [u["unit"] for u in full["units"]]


def test_the_screen_table_marks_awards_and_places_none(runner, files):
    scheme, table = files
    result = invoke(runner, "rank", "-s", str(scheme), str(table))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    row = next(line for line in lines if "浏阳市" in line)
    assert row.split()[0] == "2" and row.endswith("标兵县")
    assert next(line for line in lines if "泸溪县" in line).endswith("标兵县、通报表扬")
    assert next(line for line in lines if "湘江新区" in line).split()[0] == "不排名"
    for note in NOTES:
        assert f"  {note}\n" in result.stderr


def test_documents_say_the_awards(runner, files, tmp_path):
    scheme, table = files
    html = tmp_path / "排名.html"
    result = invoke(runner, "rank", "-s", str(scheme), str(table), "-o", str(html), "--date", "2025-01-20")
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert "授予浏阳市、宁乡市、泸溪县、花垣县“标兵县”称号。" in text
    assert "授予望城区、保靖县“先进县”称号。" in text
    assert "长沙县有一票否决事项，不授予“标兵县”。" in text  # punctuation as in documents
    assert ">不排名<" in text
    book = tmp_path / "排名.xlsx"
    result = invoke(runner, "rank", "-s", str(scheme), str(table), "--format", "xlsx", "-o", str(book))
    assert result.exit_code == 0, result.output
    ws = load_workbook(book)["示范创建县"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["浏阳市"][0] == 2 and rows["浏阳市"][-1] == "标兵县"
    assert rows["长沙县"][-1] == "约谈"
    assert rows["湘江新区"][0] == "不排名"
    # read back as last year's results: the unit without a place gets none derived for it
    later = tmp_path / "方案2025.yaml"
    later.write_text(SCHEME.replace("year: 2024", "year: 2025"), encoding="utf-8")
    again = _json(
        invoke(runner, "rank", "-s", str(later), str(table), "--format", "json", "--previous", str(book))
    )
    units = {u["unit"]: u for u in again["units"]}
    assert units["浏阳市"]["previous_rank"] == 2 and units["浏阳市"]["rank_change"] == "持平"
    assert units["湘江新区"]["previous_rank"] is None and units["湘江新区"]["rank_change"] == "—"
