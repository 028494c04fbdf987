"""Each level of unit is called by its own words (assess/levels.py) in the ranking notice, the
score sheets, the fill-in template and messages; a notice ranking several kinds of unit
(市州 and 省直部门) heads each group's table with its own kind.

Every scheme here is written in tmp_path and run through the CLI; every word is pinned."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.commands.output import data_role
from assess.levels import LEVELS, group_words, kinds, mixed, units_title, words

INDICATORS = """\
categories:
  - id: "1"
    name: 综合
    points: 10
    indicators:
      - {id: "1.1", name: 工作落实率, points: 10, unit: "%", rule: {type: threshold, target: 80}}
"""
# Two units of each level, with the words its documents call them by.
CASES = {
    "province": (("湖南省", "湖北省"), "省区市", "省级填报表", "省"),
    "city": (("长沙市", "株洲市"), "市州", "市级填报表", "市州"),
    "county": (("浏阳市", "宁乡市"), "县市区", "县级填报表", "县"),
    "township": (("城关镇", "河口镇"), "乡镇", "乡镇填报表", "乡镇"),
    "village": (("东村", "西村"), "村", "村级填报表", "村"),
    "department": (("市农业农村局", "市财政局"), "市直部门", "部门填报表", "部门"),
}
MIXED = """\
groups:
  - {id: city, name: 市州}
  - {id: dept, name: 省直部门, kind: department}
units:
  - {name: 长沙市, group: city}
  - {name: 株洲市, group: city}
  - {name: 省农业农村厅, group: dept}
  - {name: 省财政厅, group: dept}
"""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def scheme(folder: Path, level: str, extra: str = "") -> Path:
    path = folder / "方案.yaml"
    path.write_text(
        f"schema_version: 1\nid: lv-{level}\ntitle: 乡村振兴实绩考核办法\nyear: 2024\nlevel: {level}\n"
        f"full_score: 10\n{extra}{INDICATORS}",
        encoding="utf-8",
    )
    return path


def summary(folder: Path, values: dict[str, float]) -> Path:
    """A summary table: 单位名称 and the indicator's code, one row per unit."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    ws.append(["单位名称", "1.1"])
    for name, value in values.items():
        ws.append([name, value])
    path = folder / "汇总.xlsx"
    wb.save(path)
    return path


# ---- the words ----------------------------------------------------------------------------------


def test_every_level_of_the_scheme_has_its_words() -> None:
    from typing import get_args

    from assess.scheme.model import Level

    assert sorted(LEVELS) == sorted(get_args(Level))
    assert words("county").header == "县(市、区)"
    assert words("township").header == "乡镇(街道)"
    assert words("village").header == "行政村"
    assert words(None).unit == "单位" and data_role(None) == "填报数据文件"


@pytest.mark.parametrize("level", sorted(CASES))
def test_data_role_follows_the_level(level: str) -> None:
    assert data_role(level) == CASES[level][2]


def test_departments_are_named_after_who_assesses_them() -> None:
    assert words("department").title == "市直部门"
    assert words("department", beside="city").title == "省直部门"
    assert words("department", beside="county").title == "市直部门"
    assert words("department", beside="township").title == "县直部门"
    assert words("department", beside="city").unit == "部门"


def test_group_words_by_id_name_or_alias(tmp_path: Path) -> None:
    from assess.commands.common import load_plan

    path = scheme(
        tmp_path, "city", MIXED.replace("kind: department}", "kind: department, aliases: [部门组]}")
    )
    plan = load_plan(str(path))
    assert group_words(plan, "dept").title == "省直部门"
    assert group_words(plan, "省直部门").header == "部门"
    assert group_words(plan.scheme, "部门组").unit == "部门"
    assert group_words(plan, "city").title == "市州"
    assert group_words(plan, None).title == "市州"  # no group: the scheme's level
    assert [w.title for w in kinds(plan)] == ["市州", "省直部门"]
    assert mixed(plan) and units_title(plan) == "市州和省直部门"


# ---- one level per scheme: rank, score, template ----------------------------------------------


@pytest.mark.parametrize("level", sorted(CASES))
def test_rank_title_names_the_level(tmp_path: Path, level: str) -> None:
    names, title, _role, _unit = CASES[level]
    data = summary(tmp_path, {names[0]: 90, names[1]: 70})
    out = tmp_path / "排名.html"
    code, _out, err = run("rank", "-s", scheme(tmp_path, level), data, "-o", out)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert f"<title>2024年度{title}乡村振兴实绩考核结果排名</title>" in html
    assert f"<p class=MsoTitle align=center>2024年度{title}乡村振兴实绩考核结果排名</p>" in html
    # one kind of unit: the table says 单位, as ever, and its heading counts units
    assert "<p class=h2>（一）全体参评单位（2个）</p>" in html
    assert "<p class=TableHead align=center style='margin:0cm'>单位</p>" in html


@pytest.mark.parametrize("level", sorted(CASES))
def test_score_sheet_compares_with_the_levels_units(tmp_path: Path, level: str) -> None:
    names, title, _role, _unit = CASES[level]
    data = summary(tmp_path, {names[0]: 90, names[1]: 70})
    out = tmp_path / "得分表"
    code, _out, err = run("score", "-s", scheme(tmp_path, level), data, "-o", out, "--format", "html")
    assert code == 0, err
    html = (out / f"{names[0]}.html").read_text(encoding="utf-8")
    assert f"<title>{names[0]}2024年度乡村振兴实绩考核得分表</title>" in html
    assert f"、与参评{title}比较</p>" in html


@pytest.mark.parametrize("level", sorted(CASES))
def test_template_title_and_message_name_the_level(tmp_path: Path, level: str) -> None:
    names, title, _role, unit = CASES[level]
    path = scheme(tmp_path, level)
    out = tmp_path / "模板.xlsx"
    code, _out, err = run("template", "-s", path, "-o", out, "--unit", names[0])
    assert code == 0, err
    ws = openpyxl.load_workbook(out)["指标数据"]
    assert ws["A1"].value == f"2024 年度{title}乡村振兴实绩考核数据填报表"
    listed = tmp_path / "清单.csv"
    listed.write_text("单位名称\n" + "\n".join(names) + "\n", encoding="utf-8")
    code, _out, err = run("template", "-s", path, "-o", tmp_path / "两个.xlsx", "--units", listed)
    assert code == 2
    assert f"一{unit}一表的模板只能预填一个单位;多个单位请用 --layout summary,或逐个生成" in err


def test_a_department_scheme_is_checked_clean(tmp_path: Path) -> None:
    code, out, err = run("check", scheme(tmp_path, "department"))
    assert code == 0, out + err


# ---- several kinds in one notice ----------------------------------------------------------------

VALUES = {"长沙市": 90, "株洲市": 70, "省农业农村厅": 85, "省财政厅": 60}


def test_ranking_of_two_kinds_heads_each_table_with_its_kind(tmp_path: Path) -> None:
    data = summary(tmp_path, VALUES)
    out = tmp_path / "排名.html"
    code, _out, err = run("rank", "-s", scheme(tmp_path, "city", MIXED), data, "-o", out)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "<p class=MsoTitle align=center>2024年度市州和省直部门乡村振兴实绩考核结果排名</p>" in html
    assert "<p class=h2>（一）市州（2个市州）</p>" in html
    assert "<p class=h2>（二）省直部门（2个部门）</p>" in html
    tables = html.split("需要关注的单位", 1)[0]
    city, dept = tables.split("<p class=h2>（二）省直部门", 1)
    city = city.split("<p class=h2>（一）市州", 1)[1]
    assert "<p class=TableHead align=center style='margin:0cm'>市（州）</p>" in city
    assert "<p class=TableHead align=center style='margin:0cm'>部门</p>" not in city
    assert "<p class=TableHead align=center style='margin:0cm'>部门</p>" in dept
    assert "<p class=TableHead align=center style='margin:0cm'>市（州）</p>" not in dept
    assert "<p class=TableHead align=center style='margin:0cm'>单位</p>" not in city + dept


def test_screen_and_xlsx_ranking_of_two_kinds_name_each_kind(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = scheme(tmp_path, "city", MIXED)
    data = summary(tmp_path, VALUES)
    code, out, err = run("rank", "-s", path, data)
    assert code == 0, err
    city, dept = out.split("【省直部门】", 1)
    assert city.split("\n")[1].split()[:2] == ["排名", "市(州)"]
    assert dept.split("\n")[1].split()[:2] == ["排名", "部门"]
    book = tmp_path / "排名.xlsx"
    assert run("rank", "-s", path, data, "-o", book)[0] == 0
    wb = load_workbook(book)
    assert [wb[name].cell(2, 2).value for name in ("市州", "省直部门")] == ["市(州)", "部门"]


def test_overall_ranking_of_two_kinds_keeps_one_table_of_units(tmp_path: Path) -> None:
    data = summary(tmp_path, VALUES)
    out = tmp_path / "排名.html"
    code, _out, err = run("rank", "-s", scheme(tmp_path, "city", MIXED), data, "-o", out, "--overall")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "<p class=h2>（一）全体参评单位（4个）</p>" in html
    assert "<p class=TableHead align=center style='margin:0cm'>单位</p>" in html


def test_score_and_template_of_two_kinds(tmp_path: Path) -> None:
    path = scheme(tmp_path, "city", MIXED)
    data = summary(tmp_path, VALUES)
    out = tmp_path / "得分表"
    code, _out, err = run("score", "-s", path, data, "-o", out, "--format", "html")
    assert code == 0, err
    html = (out / "省财政厅.html").read_text(encoding="utf-8")
    assert "、与参评市州和省直部门比较</p>" in html
    for unit, kind in (("省财政厅", "省直部门"), ("长沙市", "市州")):
        book = tmp_path / f"{unit}.xlsx"
        code, _out, err = run("template", "-s", path, "-o", book, "--unit", unit)
        assert code == 0, err
        ws = openpyxl.load_workbook(book)["指标数据"]
        assert ws["A1"].value == f"2024 年度{kind}乡村振兴实绩考核数据填报表"
    listed = tmp_path / "清单.csv"
    listed.write_text("单位名称\n长沙市\n省财政厅\n", encoding="utf-8")
    code, _out, err = run("template", "-s", path, "-o", tmp_path / "两个.xlsx", "--units", listed)
    assert code == 2
    assert "一单位一表的模板只能预填一个单位;多个单位请用 --layout summary,或逐个生成" in err
