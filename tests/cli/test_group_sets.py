"""Each group's own indicators and points (分类考核) through the commands: a template per
group asks only for its set, a summary template greys what a group does not fill, ``check``
says where a value was given for an indicator the group does not have (and not for the blanks
there), ``score`` / ``rank`` / ``explain`` / ``diff`` follow each group's set."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from tests.cli.conftest import invoke

SETS = (Path(__file__).resolve().parents[1] / "scoring" / "schemes" / "group_sets.yaml").read_text(
    encoding="utf-8"
)
UNITS = """\
units:
  - {name: 芙蓉区, group: 城区}
  - {name: 天心区, group: 城区}
  - {name: 望城区, group: 涉农区}
  - {name: 长沙县, group: 涉农区}
"""
DATA = {
    "芙蓉区": {"1.1": 100, "1.2": 95, "2.1": 55, "2.2": 30, "B1": "否", "B2": "是"},
    "天心区": {"1.1": 98, "1.2": 100, "2.1": 50, "2.2": 33, "B1": "否", "B2": "否"},
    "望城区": {"1.1": 100, "1.2": 99, "1.3": 100, "2.1": 58, "B1": "是"},
    "长沙县": {"1.1": 100, "1.2": 92, "1.3": 90, "2.1": 52, "B1": "否"},
}


def _scheme(tmp_path: Path) -> Path:
    path = tmp_path / "方案.yaml"
    path.write_text(SETS.replace("categories:\n", UNITS + "categories:\n", 1), encoding="utf-8")
    return path


def _county_books(tmp_path: Path, runner: CliRunner, scheme: Path) -> Path:
    folder = tmp_path / "各区"
    folder.mkdir()
    for name, values in DATA.items():
        book = folder / f"{name}.xlsx"
        assert invoke(runner, "template", "-s", str(scheme), "--unit", name, "-o", str(book)).exit_code == 0
        wb = load_workbook(book)
        ws = wb["指标数据"]
        for row in range(3, ws.max_row + 1):
            code = ws.cell(row, 1).value
            if code in values:
                ws.cell(row, 4).value = values[code]
        wb.save(book)
    return folder


def _codes(book: Path) -> list[str]:
    ws = load_workbook(book)["指标数据"]
    return [str(ws.cell(r, 1).value) for r in range(3, ws.max_row + 1)]


def test_each_group_template_asks_for_its_own_set(tmp_path: Path) -> None:
    runner = CliRunner()
    scheme = _scheme(tmp_path)
    folder = _county_books(tmp_path, runner, scheme)
    assert _codes(folder / "芙蓉区.xlsx") == ["1.1", "1.2", "2.1", "2.2", "B1", "B2"]
    assert _codes(folder / "望城区.xlsx") == ["1.1", "1.2", "1.3", "2.1", "B1"]


def test_summary_template_greys_what_a_group_does_not_fill(tmp_path: Path) -> None:
    runner = CliRunner()
    scheme = _scheme(tmp_path)
    out = tmp_path / "汇总.xlsx"
    assert invoke(runner, "template", "-s", str(scheme), "--layout", "summary", "-o", str(out)).exit_code == 0
    ws = load_workbook(out)["汇总表"]
    heads = [c.value for c in ws[1]]
    col = heads.index("高标准农田(%)") + 1
    rows = {ws.cell(r, 1).value: r for r in range(2, 6)}
    urban = ws.cell(rows["芙蓉区"], col)
    assert urban.fill.fgColor.rgb.endswith("BFBFBF")
    assert urban.comment is not None and urban.comment.text == "城区组不考核此项,不填"
    assert ws.cell(rows["望城区"], col).comment is None


def test_rank_follows_each_group_and_check_says_what_is_not_scored(tmp_path: Path) -> None:
    runner = CliRunner()
    scheme = _scheme(tmp_path)
    folder = _county_books(tmp_path, runner, scheme)
    # A 城区 workbook that still has a row for 1.3 (last year's template): said, not scored.
    wb = load_workbook(folder / "芙蓉区.xlsx")
    ws = wb["指标数据"]
    ws.append(["1.3", "高标准农田", "%", 80, None])
    wb.save(folder / "芙蓉区.xlsx")
    ws_row = ws.max_row
    checked = invoke(runner, "check", "--wide", "-s", str(scheme), str(folder))
    assert checked.exit_code == 0, checked.output
    assert f"指标数据!D{ws_row}" in checked.output
    assert "单位“芙蓉区”属城区组,该组不考核指标 1.3“高标准农田”,填报的 80.00% 未计分" in checked.output
    assert "未填写" not in checked.output  # the blanks 城区 leaves for 1.3 are no finding

    out = tmp_path / "排名.json"
    ranked = invoke(runner, "rank", "-s", str(scheme), str(folder), "-o", str(out), "--format", "json")
    assert ranked.exit_code == 0, ranked.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    units = {u["unit"]: u for u in doc["units"]}
    fr = units["芙蓉区"]
    assert [(c["id"], c["points"], c["score"]) for c in fr["categories"]] == [("1", 6, 3.5), ("2", 94, 85)]
    assert (fr["total"], fr["rank"]) == (90.5, 1)
    assert {i["id"]: i["status"] for i in fr["indicators"]}["1.3"] == "outside"
    assert [(c["id"], c["points"]) for c in units["望城区"]["categories"]] == [("1", 40), ("2", 60)]

    html = tmp_path / "排名.html"
    assert invoke(runner, "rank", "-s", str(scheme), str(folder), "-o", str(html)).exit_code == 0
    text = html.read_text(encoding="utf-8")
    # the category's points differ by group: headed by name, each unit's sheet saying its own
    assert "<th>粮食安全</th>" in text.replace(" ", "") or ">粮食安全<" in text
    assert "粮食安全(40)" not in text and "粮食安全(6)" not in text

    screen = invoke(runner, "score", "-s", str(scheme), str(folder / "芙蓉区.xlsx"))
    assert "1.3" not in screen.output.split("总分")[0].split("\n", 3)[3]
    assert "  1 粮食安全:3.50 / 6" in screen.output
    assert "  附加分:+2.00" in screen.output  # the scheme calls its bonus 附加分
    sheet = tmp_path / "得分表.html"
    assert (
        invoke(runner, "score", "-s", str(scheme), str(folder / "芙蓉区.xlsx"), "-o", str(sheet)).exit_code
        == 0
    )
    page = sheet.read_text(encoding="utf-8")
    assert "附加分2.00分" in page and "城市更新试点" in page
    assert "城区组不考核此项" not in page  # no row for 1.3
    assert "填报的80.00%未计分" in page  # but the value sent for it is said


def test_explain_counts_a_group_own_points(tmp_path: Path) -> None:
    runner = CliRunner()
    scheme = _scheme(tmp_path)
    folder = _county_books(tmp_path, runner, scheme)
    got = invoke(runner, "explain", "-s", str(scheme), str(folder), "--unit", "芙蓉区")
    assert got.exit_code == 0, got.output
    assert "[1.2] 粮食播种面积需由 95.00% 提高到 100.00% 方可得满分,可增" in got.output
    assert "[1.3]" not in got.output  # not assessed in 城区


def test_diff_reports_a_group_own_points(tmp_path: Path) -> None:
    runner = CliRunner()
    old = _scheme(tmp_path)
    new = tmp_path / "新方案.yaml"
    new.write_text(
        old.read_text(encoding="utf-8").replace(
            'points: {"1.1": 1, "1.2": 5}', 'points: {"1.1": 2, "1.2": 4}'
        ),
        encoding="utf-8",
    )
    got = invoke(runner, "diff", str(old), str(new))
    assert got.exit_code == 0, got.output
    lines = [" ".join(line.split()) for line in got.output.splitlines()]
    assert "分组分值 1.1 耕地保有量 1 分 2 分 城区组" in lines
    assert "分组分值 1.2 粮食播种面积 5 分 4 分 城区组" in lines
