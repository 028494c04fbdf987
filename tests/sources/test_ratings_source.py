"""Ratings sources (kind: ratings): several raters' or quarters' sheets combined into one value per unit.

Every input is a real workbook written by the test, the schemes are YAML text, the commands
run through click; every figure and every message is pinned.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.cli import main
from assess.scheme.load import load_scheme
from assess.scheme.plan import compile_plan
from assess.sources.data import SourceData
from assess.sources.ratings import combine, read_ratings

UNITS = ("浏阳市", "宁乡市", "韶山市")
GROUPS = ("评议一组", "评议二组", "评议三组", "评议四组")
# Each panel's scores of the three counties (rows: 浏阳市, 宁乡市, 韶山市).
SCORES: dict[str, list[object]] = {
    "评议一组": [80, 70, 60],
    "评议二组": [86, 72, 66],
    "评议三组": [92, 74, 62],
    "评议四组": [88, 76, 64],
}
WEIGHTS = {"评议一组": 0.1, "评议二组": 0.2, "评议三组": 0.3, "评议四组": 0.4}

RATERS = """\
    raters:
      - {name: 评议一组, weight: 0.1}
      - {name: 评议二组, weight: 0.2, aliases: [第二组]}
      - {name: 评议三组, weight: 0.3}
      - {name: 评议四组, weight: 0.4}
"""

SCHEME = """\
schema_version: 1
id: ratings-test
title: 交叉评议测试方案
year: 2024
full_score: 100
rounding: {decimals: 2, mode: half_up}
units: [{name: 浏阳市}, {name: 宁乡市}, {name: 韶山市}]
fields:
  - {id: 评议得分, name: 交叉评议得分, unit: 分, kind: score, min: 0, max: 100, required: REQUIRED}
  - {id: 建设得分, name: 乡村建设得分, unit: 分, kind: score, min: 0, max: 100}
sources:
  - {id: 填报, kind: unit, name: 县市区填报表}
  - id: 评议
    kind: ratings
    name: 交叉评议评分表
    fields: [评议得分]
    combine: COMBINE
RATERS\
categories:
  - id: "1"
    name: 交叉评议
    points: 40
    indicators:
      - {id: "1.1", name: 交叉评议得分, points: 40, unit: 分, field: 评议得分, rule: {type: direct, scale: 100}}
  - id: "2"
    name: 乡村建设
    points: 60
    indicators:
      - {id: "2.1", name: 乡村建设得分, points: 60, unit: 分, field: 建设得分, rule: {type: direct, scale: 100}}
grades:
  - {name: 好, min: 90}
  - {name: 一般, min: 0}
"""

QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")
# Each quarter's result of the three counties; 宁乡市 has no fourth-quarter row.
QUARTER_SCORES: dict[str, list[object]] = {
    "第一季度": [85, 80, 70],
    "第二季度": [90, 84, 72],
    "第三季度": [88, 86, 74],
    "第四季度": [93, None, 76],
}

QUARTER_SCHEME = """\
schema_version: 1
id: quarters-test
title: 日常考核与年终考核合成测试方案
year: 2024
full_score: 100
rounding: {decimals: 2, mode: half_up}
units: [{name: 浏阳市}, {name: 宁乡市}, {name: 韶山市}]
fields:
  - {id: 日常考核得分, name: 日常考核得分, unit: 分, kind: score, min: 0, max: 100}
  - {id: 建设得分, name: 乡村建设得分, unit: 分, kind: score, min: 0, max: 100}
sources:
  - {id: 填报, kind: unit, name: 县市区填报表}
  - id: 季度
    kind: ratings
    name: 季度督查评分
    fields: [日常考核得分]
    combine: mean
    raters: [{name: 第一季度}, {name: 第二季度}, {name: 第三季度}, {name: 第四季度}]
composition:
  - {id: 日常考核得分, name: 日常考核, weight: 0.3}
  - {id: annual, name: 年终考核, weight: 0.7, source: categories}
categories:
  - id: "1"
    name: 乡村建设
    points: 100
    indicators:
      - {id: "1.1", name: 乡村建设得分, points: 100, unit: 分, field: 建设得分, rule: {type: direct}}
grades:
  - {name: 好, min: 90}
  - {name: 一般, min: 0}
"""

ANNUAL = {"浏阳市": 80, "宁乡市": 90, "韶山市": 70}  # 建设得分, in the counties' summary table


def scheme_text(combine_method: str = "trimmed_mean", *, raters: bool = True, required: bool = True) -> str:
    return (
        SCHEME.replace("COMBINE", combine_method)
        .replace("RATERS", RATERS if raters else "")
        .replace("REQUIRED", "true" if required else "false")
    )


def rater_book(path: Path, scores: list[object], *, header: str = "交叉评议得分") -> Path:
    """One rater's sheet: a row per county (a ``None`` score: the county's row left out)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws.append(["序号", "县市区", header])
    for i, (unit, score) in enumerate(zip(UNITS, scores, strict=True)):
        if score is not None:
            ws.append([i + 1, unit, "" if score == "" else score])
    wb.save(path)
    return path


def sheets_book(path: Path, sheets: dict[str, list[object]], header: str) -> Path:
    """One workbook with a sheet per rater, and a notes sheet that is no rater's."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["本表由督查室汇总,每季度一张工作表"])
    for name, scores in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(["县市区", header])
        for unit, score in zip(UNITS, scores, strict=True):
            if score is not None:
                ws.append([unit, score])
    wb.save(path)
    return path


def summary(folder: Path, values: dict[str, object]) -> Path:
    """The counties' own summary table (one row per county) holding 建设得分."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["县市区", "乡村建设得分"])
    for unit in UNITS:
        ws.append([unit, values[unit]])
    path = folder / "汇总表.xlsx"
    wb.save(path)
    return path


def round_folder(
    tmp_path: Path,
    text: str,
    scores: dict[str, list[object]] | None = None,
    *,
    names: dict[str, str] | None = None,
) -> Path:
    """A round's folder: the scheme, the counties' summary table, the raters' files in 评议/."""
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    summary(tmp_path, {"浏阳市": 90, "宁乡市": 80, "韶山市": 70})
    folder = tmp_path / "评议"
    folder.mkdir()
    for rater, xs in (SCORES if scores is None else scores).items():
        rater_book(folder / f"{(names or {}).get(rater, rater)}.xlsx", xs)
    return tmp_path


def read(root: Path, source: str = "评议", sub: str = "评议") -> SourceData:
    plan = compile_plan(load_scheme(root / "s.yaml"))
    spec = next(s for s in plan.sources if s.id == source)
    return read_ratings(spec, sorted((root / sub).iterdir()))


def run(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout, then stderr)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def run_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def score_json(root: Path) -> dict[str, dict[str, Any]]:
    doc = run_json("score", "-s", str(root / "s.yaml"), str(root / "汇总表.xlsx"))
    return {u["unit"]: u for u in doc["units"]}


def codes(sd: SourceData) -> list[tuple[str, str, str]]:
    """Every finding of a source, about files and about units: (code, severity, message)."""
    found = list(sd.findings) + [f for fs in sd.unit_findings.values() for f in fs]
    return [(f.code, f.severity, f.message) for f in found]


# ---- each way of combining, with exact figures -------------------------------------------------

LISTED = "评议一组 80、评议二组 86、评议三组 92、评议四组 88"


@pytest.mark.parametrize(
    ("method", "number", "note"),
    [
        ("mean", 86.5, f"平均:{LISTED} → 86.50"),
        (
            "trimmed_mean",
            87.0,
            f"去掉最高分 92(评议三组)和最低分 80(评议一组)后平均:{LISTED} → 87.00",
        ),
        ("median", 87.0, f"取中位数:{LISTED} → 87.00"),
        (
            "weighted",
            88.0,  # (80 × 0.1 + 86 × 0.2 + 92 × 0.3 + 88 × 0.4) / 1.0
            "加权平均:评议一组 80(权重 0.1)、评议二组 86(权重 0.2)、评议三组 92(权重 0.3)、"
            "评议四组 88(权重 0.4) → 88.00",
        ),
        ("sum", 346.0, f"求和:{LISTED} → 346.00"),
    ],
)
def test_each_combine_method(tmp_path: Path, method: str, number: float, note: str) -> None:
    sd = read(round_folder(tmp_path, scheme_text(method)))
    v = sd.values["浏阳市"]["评议得分"]
    assert v.number == number
    assert v.status == "ok"
    assert v.note == note
    assert v.where == "表1!C2 等 4 处"
    assert Path(v.file).name == "评议一组.xlsx"
    assert v.origin == "《交叉评议评分表》"
    assert v.source == "《交叉评议评分表》(评议一组.xlsx 表1!C2 等 4 处)"
    assert codes(sd) == []
    assert sd.detail["raters"] == list(GROUPS)
    assert sd.where["浏阳市"] == "评议一组.xlsx 表1!B2"


def test_trimmed_mean_of_every_unit_and_the_receipt(tmp_path: Path) -> None:
    sd = read(round_folder(tmp_path, scheme_text()))
    assert {u: v["评议得分"].number for u, v in sd.values.items()} == {
        "浏阳市": 87,
        "宁乡市": 73,
        "韶山市": 63,
    }
    assert sd.detail == {
        "summary": "评分方 4 个:评议一组、评议二组、评议三组、评议四组;去掉一个最高分和一个最低分后平均",
        "raters": list(GROUPS),
    }


def test_the_basis_names_every_rater(tmp_path: Path) -> None:
    """The indicator reading the combined field says, after its own basis, how the value was made."""
    root = round_folder(tmp_path, scheme_text())
    units = score_json(root)
    one = {i["id"]: i for i in units["浏阳市"]["indicators"]}
    assert one["1.1"]["basis"] == (
        "直接采信得分 87 分(满分 100),折算为 34.8 分"
        f"(去掉最高分 92(评议三组)和最低分 80(评议一组)后平均:{LISTED} → 87.00)"
    )
    assert one["1.1"]["source"] == "《交叉评议评分表》(评议一组.xlsx 表1!C2 等 4 处)"
    # the unit's own value: its basis as before
    assert one["2.1"]["basis"] == "直接采信得分 90 分(满分 100),折算为 54 分"
    assert units["浏阳市"]["total"] == 88.8


def test_check_prints_the_receipt(tmp_path: Path) -> None:
    root = round_folder(tmp_path, scheme_text())
    code, out = run("check", "-s", str(root / "s.yaml"), str(root / "汇总表.xlsx"))
    assert code == 0, out
    assert (
        "评议(评分表)《交叉评议评分表》:评议一组.xlsx、评议三组.xlsx、评议二组.xlsx、评议四组.xlsx;覆盖 3/3 个单位;"
        "评分方 4 个:评议一组、评议二组、评议三组、评议四组;去掉一个最高分和一个最低分后平均"
    ) in out


def test_data_option_names_the_raters_folder(tmp_path: Path) -> None:
    root = round_folder(tmp_path, scheme_text())
    (root / "评议").rename(root / "收到的评分表")
    code, out = run(
        "check",
        "-s",
        str(root / "s.yaml"),
        str(root / "汇总表.xlsx"),
        "--data",
        f"评议={root / '收到的评分表'}",
    )
    assert code == 0, out
    assert "覆盖 3/3 个单位;评分方 4 个" in out


# ---- raters missing, doubled, not recognised ------------------------------------------------


def test_a_rater_missing_a_unit(tmp_path: Path) -> None:
    scores = {**SCORES, "评议二组": [None, 72, 66]}  # 评议二组 did not rate 浏阳市
    root = round_folder(tmp_path, scheme_text(), scores)
    sd = read(root)
    v = sd.values["浏阳市"]["评议得分"]
    assert v.number == 88  # 80, 92, 88: without 92 and 80
    assert v.note == (
        "去掉最高分 92(评议三组)和最低分 80(评议一组)后平均:评议一组 80、评议三组 92、评议四组 88 → 88.00;"
        "未计入:评议二组(未评此单位)"
    )
    assert v.where == "表1!C2 等 3 处"
    [f] = sd.unit_findings["浏阳市"]
    assert (f.code, f.severity) == ("ratings-unit-missing", "error")
    assert f.message == "评议二组(评议二组.xlsx)没有给“浏阳市”评分;按其余 3 个评分方计算"
    assert Path(f.location.file or "").name == "评议二组.xlsx"
    assert "宁乡市" not in sd.unit_findings
    code, out = run("check", "-s", str(root / "s.yaml"), str(root / "汇总表.xlsx"))
    assert code == 1
    assert "评议二组(评议二组.xlsx)没有给“浏阳市”评分;按其余 3 个评分方计算" in out


def test_a_unit_no_rater_rated_is_left_to_the_merge(tmp_path: Path) -> None:
    scores = {name: [xs[0], xs[1], None] for name, xs in SCORES.items()}  # nobody rated 韶山市
    root = round_folder(tmp_path, scheme_text(), scores)
    assert "韶山市" not in read(root).values
    code, out = run("check", "-s", str(root / "s.yaml"), str(root / "汇总表.xlsx"))
    assert code == 1
    assert "中没有“韶山市”的数据;评议得分 按缺失处理" in out


def test_a_file_no_declared_rater_is_named_in(tmp_path: Path) -> None:
    root = round_folder(tmp_path, scheme_text())
    rater_book(root / "评议" / "评分汇总.xlsx", [1, 2, 3])
    sd = read(root)
    assert codes(sd) == [
        (
            "ratings-unknown-rater",
            "warning",
            "来源“评议”:“评分汇总.xlsx”的文件名中没有方案列出的评分方(评议一组、评议二组、评议三组、评议四组),"
            "未读取;请在文件名或工作表名中写明评分方,或在方案的 raters 中补上它",
        )
    ]
    assert sd.values["浏阳市"]["评议得分"].number == 87  # the stray file changes nothing


def test_a_declared_rater_without_a_file(tmp_path: Path) -> None:
    scores = {k: v for k, v in SCORES.items() if k != "评议四组"}
    sd = read(round_folder(tmp_path, scheme_text(), scores))
    assert codes(sd) == [
        (
            "ratings-rater-missing",
            "error",
            "来源“评议”《交叉评议评分表》中没有评分方“评议四组”的评分表(已读取:评议一组.xlsx、评议三组.xlsx、"
            "评议二组.xlsx);文件名或工作表名中应含“评议四组”;按其余 3 个评分方计算",
        )
    ]
    assert sd.values["浏阳市"]["评议得分"].number == 86  # 80, 86, 92: the middle one
    assert sd.detail["summary"] == (
        "评分方 3 个(缺 评议四组):评议一组、评议二组、评议三组;去掉一个最高分和一个最低分后平均"
    )


def test_two_files_for_one_rater(tmp_path: Path) -> None:
    """An alias names a rater as well as its name: 第二组.xlsx and 评议二组.xlsx are one rater twice."""
    root = round_folder(tmp_path, scheme_text())
    rater_book(root / "评议" / "第二组.xlsx", [50, 50, 50])
    sd = read(root)
    assert codes(sd) == [
        (
            "ratings-rater-twice",
            "error",
            "来源“评议”中评分方“评议二组”有两份评分表:第二组.xlsx 与 评议二组.xlsx,采用前者;"
            "请删去多余的一份,或改正文件名",
        )
    ]
    assert sd.values["浏阳市"]["评议得分"].note.startswith("去掉最高分 92(评议三组)和最低分 50(评议二组)")


def test_a_rater_known_by_its_alias_and_a_longer_file_name(tmp_path: Path) -> None:
    names = {"评议二组": "2024年第二组评分表", "评议三组": "评议三组(修订稿)"}
    sd = read(round_folder(tmp_path, scheme_text(), names=names))
    assert codes(sd) == []
    assert sd.detail["raters"] == list(GROUPS)
    assert sd.values["浏阳市"]["评议得分"].number == 87


# ---- weighted, too few, blank cells ----------------------------------------------------------


def test_weighted_over_the_raters_who_rated_the_unit(tmp_path: Path) -> None:
    scores = {**SCORES, "评议二组": [None, 72, 66]}
    sd = read(round_folder(tmp_path, scheme_text("weighted"), scores))
    v = sd.values["浏阳市"]["评议得分"]
    assert v.number == 88.5  # (80 × 0.1 + 92 × 0.3 + 88 × 0.4) / (0.1 + 0.3 + 0.4)
    assert v.note == (
        "加权平均:评议一组 80(权重 0.1)、评议三组 92(权重 0.3)、评议四组 88(权重 0.4) → 88.50;"
        "未计入:评议二组(未评此单位)"
    )
    assert sd.values["宁乡市"]["评议得分"].number == 74  # 7 + 14.4 + 22.2 + 30.4


def test_trimmed_mean_with_fewer_than_three_ratings(tmp_path: Path) -> None:
    """Without declared raters each file is a rater, named by its file's name."""
    scores = {"评议一组": SCORES["评议一组"], "评议二组": SCORES["评议二组"]}
    sd = read(round_folder(tmp_path, scheme_text(raters=False), scores))
    v = sd.values["浏阳市"]["评议得分"]
    assert v.number == 83
    assert v.note == "有效评分不足 3 个,未去掉最高分和最低分,直接平均:评议一组 80、评议二组 86 → 83.00"
    [f] = sd.unit_findings["浏阳市"]
    assert (f.code, f.severity) == ("ratings-too-few", "warning")
    assert f.message == "“浏阳市”的“交叉评议得分”只有 2 个有效评分,不足 3 个,未去掉最高分和最低分,按平均计算"


def test_a_blank_rating_the_reader_reports(tmp_path: Path) -> None:
    """A required field: the reader's own finding names the cell; the rating is left out and said so."""
    scores = {**SCORES, "评议三组": [92, "", 62]}
    sd = read(round_folder(tmp_path, scheme_text(), scores))
    v = sd.values["宁乡市"]["评议得分"]
    assert v.number == 72  # 70, 72, 76: the middle one
    assert v.note == (
        "去掉最高分 76(评议四组)和最低分 70(评议一组)后平均:评议一组 70、评议二组 72、评议四组 76 → 72.00;"
        "未计入:评议三组(空白)"
    )
    assert [(f.code, f.location.cell) for f in sd.unit_findings["宁乡市"]] == [("missing-value", "C3")]


def test_a_blank_rating_no_one_else_reports(tmp_path: Path) -> None:
    scores = {**SCORES, "评议三组": [92, "", 62]}
    sd = read(round_folder(tmp_path, scheme_text(required=False), scores))
    [f] = sd.unit_findings["宁乡市"]
    assert (f.code, f.severity, f.location.cell) == ("ratings-not-rated", "error", "C3")
    assert f.message == (
        "评议三组(评议三组.xlsx 表1!C3)对“宁乡市”的“交叉评议得分”没有有效评分(空白),不计入;按其余 3 个评分方计算"
    )


def test_text_where_a_rating_belongs(tmp_path: Path) -> None:
    scores = {**SCORES, "评议三组": [92, "优秀", 62]}
    sd = read(round_folder(tmp_path, scheme_text(), scores))
    assert sd.values["宁乡市"]["评议得分"].note.endswith("未计入:评议三组(无效)")
    assert [f.code for f in sd.unit_findings["宁乡市"]] == ["bad-value"]


def test_every_rating_blank(tmp_path: Path) -> None:
    scores = {name: [xs[0], "", xs[2]] for name, xs in SCORES.items()}
    root = round_folder(tmp_path, scheme_text(), scores)
    v = read(root).values["宁乡市"]["评议得分"]
    assert (v.number, v.status) == (None, "missing")
    assert v.note == (
        "各评分方均未给出有效评分;未计入:评议一组(空白)、评议二组(空白)、评议三组(空白)、评议四组(空白)"
    )
    basis = {i["id"]: i["basis"] for i in score_json(root)["宁乡市"]["indicators"]}
    assert basis["1.1"].startswith("未填报(各评分方均未给出有效评分;")


# ---- one workbook, a sheet per rater; quarters into the composition --------------------------


def test_a_workbook_with_a_sheet_per_rater_without_declared_raters(tmp_path: Path) -> None:
    root = round_folder(tmp_path, scheme_text("mean", raters=False), {})
    sheets_book(root / "评议" / "交叉评议汇总.xlsx", SCORES, "交叉评议得分")
    sd = read(root)
    assert sd.detail["raters"] == list(GROUPS)  # the sheets' names; 填表说明 is no rater
    v = sd.values["浏阳市"]["评议得分"]
    assert (v.number, v.note) == (86.5, f"平均:{LISTED} → 86.50")
    assert v.where == "评议一组!B2 等 4 处"


def quarters(tmp_path: Path, one_book: bool) -> Path:
    (tmp_path / "s.yaml").write_text(QUARTER_SCHEME, encoding="utf-8")
    summary(tmp_path, ANNUAL)
    folder = tmp_path / "季度"
    folder.mkdir()
    if one_book:
        sheets_book(folder / "2024年季度督查评分.xlsx", QUARTER_SCORES, "日常考核得分")
    else:
        for q, xs in QUARTER_SCORES.items():
            rater_book(folder / f"2024年{q}督查评分.xlsx", xs, header="日常考核得分")
    return tmp_path


@pytest.mark.parametrize("one_book", [False, True], ids=["four-files", "four-sheets"])
def test_quarters_make_the_routine_part_of_the_composition(tmp_path: Path, one_book: bool) -> None:
    root = quarters(tmp_path, one_book)
    sd = read(root, "季度", "季度")
    assert sd.values["浏阳市"]["日常考核得分"].note == (
        "平均:第一季度 85、第二季度 90、第三季度 88、第四季度 93 → 89.00"
    )
    [f] = sd.unit_findings["宁乡市"]
    assert f.code == "ratings-unit-missing"
    assert f.message.startswith("第四季度(") and f.message.endswith(
        "没有给“宁乡市”评分;按其余 3 个评分方计算"
    )
    units = score_json(root)
    # 浏阳市: 日常 (85 + 90 + 88 + 93) / 4 = 89 → 89 × 0.3 = 26.7; 年终 80 × 0.7 = 56
    parts = {p["id"]: p for p in units["浏阳市"]["parts"]}
    assert parts["日常考核得分"]["score"] == 89 and parts["日常考核得分"]["weighted"] == 26.7
    assert parts["annual"]["weighted"] == 56
    assert units["浏阳市"]["total"] == 82.7
    # 宁乡市: no fourth quarter: (80 + 84 + 86) / 3 = 83.333… → 25; 年终 90 × 0.7 = 63
    assert units["宁乡市"]["total"] == 88
    # 韶山市: (70 + 72 + 74 + 76) / 4 = 73 → 21.9; 年终 70 × 0.7 = 49
    assert units["韶山市"]["total"] == 70.9


def test_rank_brief_agrees_with_rank(tmp_path: Path) -> None:
    """The array path (rank --brief) scores the combined values as the engine does."""
    root = quarters(tmp_path, one_book=False)
    args = ["rank", "-s", str(root / "s.yaml"), str(root / "汇总表.xlsx")]
    full, brief = run_json(*args), run_json(*args, "--brief")
    totals = {u["unit"]: u["total"] for u in full["units"]}
    assert totals == {"浏阳市": 82.7, "宁乡市": 88, "韶山市": 70.9}
    assert {u["unit"]: u["total"] for u in brief["units"]} == totals


# ---- properties ------------------------------------------------------------------------------

figures = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(figures, st.integers(min_value=1, max_value=9))
def test_the_mean_of_identical_ratings_is_the_rating(x: float, n: int) -> None:
    scores = [(f"第{i}组", x, None) for i in range(n)]
    for method in ("mean", "trimmed_mean", "median"):
        assert combine(method, scores).number == round(x, 9)
    weighted = [(f"第{i}组", x, 0.1 * (i + 1)) for i in range(n)]
    assert combine("weighted", weighted).number == round(x, 9)


@settings(max_examples=200, deadline=None)
@given(st.lists(figures, min_size=3, max_size=12))
def test_the_trimmed_mean_lies_between_the_lowest_and_the_highest(xs: list[float]) -> None:
    got = combine("trimmed_mean", [(f"第{i}组", x, None) for i, x in enumerate(xs)])
    assert round(min(xs), 9) <= got.number <= round(max(xs), 9)
    assert got.trimmed
