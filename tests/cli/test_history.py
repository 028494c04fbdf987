"""Several earlier years (``--previous`` given more than once, or as a folder): real results
made by ``assess rank`` with 2022, 2023 and 2024 variants of schemes/grades.yaml, then the
rank change, each unit's ``history``, ``years: 3`` applied only with both earlier years, the
note naming a missing year, and the errors and warnings about the files given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.cli.conftest import invoke

GRADES = Path(__file__).resolve().parents[1] / "scoring" / "schemes" / "grades.yaml"
# total = 1.1 + 6.1 × 30 / 100 + 3.1; 好 90 (quota 30 %), 较好 80, 一般 60; E is last every year
ROWS = {
    2022: [("A", 40, 100, 28), ("B", 40, 100, 20), ("C", 40, 100, 10), ("D", 35, 100, 0), ("E", 30, 100, 0)],
    2023: [("A", 40, 100, 27), ("B", 40, 100, 21), ("C", 40, 100, 10), ("D", 35, 100, 1), ("E", 30, 100, 1)],
    2024: [("A", 40, 100, 26), ("B", 40, 100, 22), ("C", 40, 100, 10), ("D", 35, 100, 2), ("E", 30, 100, 2)],
}
RUNNING_LAST = "  - {name: 通报批评, grade: 一般, bottom: 1, years: 3}\n"
MISSING_2022 = (
    "结果运用“通报批评”的“连续三年”须有 2022、2023 年结果,缺 2022 年,未判定(本年符合条件的单位:E)。"
)


def scheme(folder: Path, year: int, consequences: str = RUNNING_LAST, scheme_id: str | None = None) -> Path:
    """schemes/grades.yaml as the scheme of ``year`` (id ``grades-<year>``)."""
    text = GRADES.read_text(encoding="utf-8")
    text = text.replace("id: grades-test", f"id: {scheme_id or f'grades-{year}'}", 1)
    text = text.replace("year: 2024", f"year: {year}", 1)
    text = text[: text.index("consequences:")] + "consequences:\n" + consequences
    path = folder / f"方案{year}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def table(folder: Path, year: int, rows: list[tuple[Any, ...]] | None = None) -> Path:
    """The summary table of ``year``: one row per unit, all in 一类县."""
    from assess.scheme.load import load_scheme
    from assess.scheme.plan import compile_plan

    specs = compile_plan(load_scheme(GRADES)).read.inputs
    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "分组", *[s.name for s in specs]])
    for name, c1, rate, c3 in rows or ROWS[year]:
        by_key = {"1.1": c1, "6.1": rate, "3.1": c3}
        ws.append([name, "一类县", *[by_key.get(s.key) for s in specs]])
    path = folder / f"汇总表{year}.xlsx"
    wb.save(path)
    return path


def earlier(runner: Any, folder: Path, year: int, target: Path, **kw: Any) -> Path:
    """``target`` written by ``assess rank`` on the scheme and data of ``year``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    result = invoke(
        runner,
        "rank",
        "-s",
        str(scheme(folder, year, **kw)),
        str(table(folder, year)),
        "-o",
        str(target),
        "-q",
    )
    assert result.exit_code == 0, result.output
    return target


def rank_2024(runner: Any, folder: Path, *args: str, consequences: str = RUNNING_LAST) -> Any:
    data = table(folder, 2024)
    return invoke(runner, "rank", "-s", str(scheme(folder, 2024, consequences)), str(data), *args)


def doc_of(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def notes(doc: dict[str, Any]) -> list[str]:
    """The notes but the one saying the cohort was not checked complete (the scheme lists no units)."""
    return [n for n in doc.get("notes", []) if not n.startswith("名次、")]


def units_of(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {u["unit"]: u for u in doc["units"]}


@pytest.fixture()
def years(runner: Any, tmp_path: Path) -> dict[int, Path]:
    """2022's results as JSON, 2023's as the xlsx ranking."""
    return {
        2022: earlier(runner, tmp_path, 2022, tmp_path / "历年" / "2022.json"),
        2023: earlier(runner, tmp_path, 2023, tmp_path / "历年" / "2023排名.xlsx"),
    }


def test_both_earlier_years_apply_three_years_running(runner, tmp_path, years):
    both = ("--previous", str(years[2022]), "--previous", str(years[2023]))
    doc = doc_of(rank_2024(runner, tmp_path, *both, "--format", "json", "-q"))
    units = units_of(doc)
    assert [k for k, u in units.items() if u["flags"]] == ["E"]
    assert units["E"]["flags"] == ["通报批评"]
    assert units["E"]["history"] == [
        {"year": 2022, "score": 60.0, "place": 5, "grade": "一般"},
        {"year": 2023, "score": 61.0, "place": 5, "grade": "一般"},
        {"year": 2024, "score": 62.0, "place": 5, "grade": "一般"},
    ]
    assert (units["E"]["previous_rank"], units["E"]["rank_change"], units["E"]["total_change"]) == (
        5,
        "持平",
        1.0,
    )
    assert doc["previous"] == "2023排名.xlsx"  # “较上年”: the latest earlier year
    assert doc["history"] == [
        {"year": 2022, "file": "2022.json", "scheme": "grades-2022"},
        {"year": 2023, "file": "2023排名.xlsx", "scheme": "grades-2023"},
    ]
    assert notes(doc) == []
    assert doc["findings"] == []  # grades-2022 and grades-2024 differ by the year only: no warning


def test_brief_table_says_the_same(runner, tmp_path, years):
    args = ("--previous", str(years[2022]), "--previous", str(years[2023]), "--format", "json", "-q")
    full = doc_of(rank_2024(runner, tmp_path, *args))
    brief = doc_of(rank_2024(runner, tmp_path, *args, "--brief"))
    for name, u in units_of(brief).items():
        assert (u["flags"], u["history"]) == (units_of(full)[name]["flags"], units_of(full)[name]["history"])
    one = doc_of(rank_2024(runner, tmp_path, "--previous", str(years[2023]), "--format", "json", "-q"))
    one_brief = doc_of(
        rank_2024(runner, tmp_path, "--previous", str(years[2023]), "--format", "json", "--brief")
    )
    assert MISSING_2022 in one["notes"] and one["notes"] == one_brief["notes"]


def test_a_missing_year_is_named_and_the_consequence_not_applied(runner, tmp_path, years):
    result = rank_2024(runner, tmp_path, "--previous", str(years[2023]), "--format", "json")
    doc = doc_of(result)
    assert units_of(doc)["E"]["flags"] == []
    assert notes(doc) == [MISSING_2022]
    assert f"  {MISSING_2022}\n" in result.stderr
    assert units_of(doc)["E"]["history"] == [
        {"year": 2023, "score": 61.0, "place": 5, "grade": "一般"},
        {"year": 2024, "score": 62.0, "place": 5, "grade": "一般"},
    ]
    # 2022 alone: 2023 is missing, and “较上年” compares with 2022, said so
    doc = doc_of(rank_2024(runner, tmp_path, "--previous", str(years[2022]), "--format", "json", "-q"))
    assert notes(doc) == [
        "结果运用“通报批评”的“连续三年”须有 2022、2023 年结果,缺 2023 年,未判定(本年符合条件的单位:E)。",
        "“较上年”按 2022 年的结果比较(没有给出 2023 年的结果)。",
    ]
    assert units_of(doc)["E"]["previous_total"] == 60.0


def test_a_year_that_says_no_decides_even_with_a_year_missing(runner, tmp_path):
    # E was 较好 in 2023 (a condition with a grade reads the earlier years' grades): whatever
    # 2022 says, 连续三年 does not hold, and nothing is undecided
    rows = [("A", 40, 100, 27), ("B", 40, 100, 21), ("C", 40, 100, 10), ("D", 30, 100, 0), ("E", 40, 100, 12)]
    made = tmp_path / "2023.json"
    result = invoke(
        runner, "rank", "-s", str(scheme(tmp_path, 2023)), str(table(tmp_path, 2023, rows)), "-o", str(made)
    )
    assert result.exit_code == 0, result.output
    doc = doc_of(rank_2024(runner, tmp_path, "--previous", str(made), "--format", "json", "-q"))
    assert units_of(doc)["E"]["flags"] == [] and notes(doc) == []


def test_without_previous_the_screen_says_it_only(runner, tmp_path):
    result = rank_2024(runner, tmp_path, "--format", "json")
    doc = doc_of(result)
    assert notes(doc) == [] and "history" not in units_of(doc)["E"]
    said = (
        "  结果运用“通报批评”的“连续三年”须有 2022、2023 年结果,缺 2022、2023 年,未判定"
        "(本年符合条件的单位:E);往年结果用 --previous 给出。"
    )
    assert said in result.stderr.splitlines()


def test_a_folder_of_earlier_results(runner, tmp_path, years):
    folder = years[2022].parent
    (folder / "说明.txt").write_text("历年考核结果", encoding="utf-8")
    earlier(runner, tmp_path, 2024, folder / "2024.json")  # this year's own results: passed over
    result = rank_2024(runner, tmp_path, "--previous", str(folder), "--format", "json")
    doc = doc_of(result)
    assert units_of(doc)["E"]["flags"] == ["通报批评"]
    assert [h["year"] for h in doc["history"]] == [2022, 2023]
    skipped = (
        "上年结果文件夹“历年”中跳过 2 个文件:说明.txt(不是 .json 或 .xlsx)、"
        "2024.json(2024 年的结果,不早于本方案的年度)"
    )
    assert [(f["code"], f["severity"], f["message"]) for f in doc["findings"]] == [
        ("previous-skipped", "warning", skipped)
    ]
    assert f"  提示:{skipped}" in result.stderr.splitlines()


def test_the_ranking_workbook_has_a_column_per_earlier_year(runner, tmp_path, years):
    out = tmp_path / "排名2024.xlsx"
    result = rank_2024(
        runner, tmp_path, "--previous", str(years[2022]), "--previous", str(years[2023]), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert rows[0][-6:] == ("等次", "标记", "2022 年名次", "2023 年名次", "排名变化", "分数变化")
    assert rows[-1][1] == "E" and rows[-1][-4:] == (5, 5, "持平", 1)
    meta = dict(load_workbook(out)["说明"].iter_rows(values_only=True))
    assert meta["year"] == 2024  # read back as 2024's results next year
    table_out = rank_2024(
        runner, tmp_path, "--previous", str(years[2022]), "--previous", str(years[2023]), "--wide"
    )
    head = next(line for line in table_out.stdout.splitlines() if line.startswith("排名"))
    assert head.split()[-4:] == ["上年排名", "排名变化", "分数变化", "标记"]  # the screen: 较上年 only


def test_score_sheets_show_the_trend(runner, tmp_path, years):
    plan = str(scheme(tmp_path, 2024))
    both = ("--previous", str(years[2022]), "--previous", str(years[2023]))
    result = invoke(runner, "score", "-s", plan, str(table(tmp_path, 2024)), *both)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "历年得分:2022 年 60.00(第 5 名,一般)、2023 年 61.00(第 5 名,一般)、2024 年 62.00" in lines
    assert "历年得分:2022 年 98.00(第 1 名,好)、2023 年 97.00(第 1 名,好)、2024 年 96.00" in lines
    (tmp_path / "一个").mkdir()
    alone = table(tmp_path / "一个", 2024, [("E", 30, 100, 2)])  # one unit: its own trend still
    html, sheet = tmp_path / "E.html", tmp_path / "E.xlsx"
    for out in (html, sheet):
        got = invoke(runner, "score", "-s", plan, str(alone), "--previous", str(years[2023]), "-o", str(out))
        assert got.exit_code == 0, got.output
    # documents take full-width punctuation and no space between Chinese and figures
    assert "历年得分：2023年61.00（第5名，一般）、2024年62.00" in html.read_text(encoding="utf-8")
    cells = [c for row in load_workbook(sheet).active.iter_rows(values_only=True) for c in row if c]
    assert "历年得分:2023 年 61.00(第 5 名,一般)、2024 年 62.00" in cells


def test_a_bar_of_three_years_running(runner, tmp_path):
    bar = "  - {grade: 较好, bottom: 1, years: 3, reason: 连续三年排名末位的不得评为“较好”及以上}\n"
    rows = [
        ("A", 40, 100, 28),
        ("B", 40, 100, 20),
        ("C", 40, 100, 15),
        ("D", 40, 100, 12),
        ("E", 40, 100, 10),
    ]
    files = []
    for year in (2022, 2023, 2024):
        text = scheme(tmp_path, year).read_text(encoding="utf-8").replace("bars:\n", "bars:\n" + bar, 1)
        (tmp_path / f"方案{year}.yaml").write_text(text, encoding="utf-8")
        files.append((tmp_path / f"方案{year}.yaml", table(tmp_path, year, rows)))
    for year, (path, data) in zip((2022, 2023), files, strict=False):
        made = invoke(runner, "rank", "-s", str(path), str(data), "-o", str(tmp_path / f"{year}.json"), "-q")
        assert made.exit_code == 0, made.output
    now = ["rank", "-s", str(files[2][0]), str(files[2][1]), "--format", "json", "-q"]
    both = units_of(
        doc_of(
            invoke(
                runner,
                *now,
                "--previous",
                str(tmp_path / "2022.json"),
                "--previous",
                str(tmp_path / "2023.json"),
            )
        )
    )
    assert both["E"]["grade"] == "一般" and both["E"]["grade_basis"][-1] == (
        "连续三年排名末位的不得评为“较好”及以上,由“较好”降为“一般”"
    )
    doc = doc_of(invoke(runner, *now, "--previous", str(tmp_path / "2023.json")))
    assert units_of(doc)["E"]["grade"] == "较好"
    assert notes(doc) == [
        "等次限制“连续三年排名末位的不得评为“较好”及以上”的“连续三年”须有 2022、2023 年结果,缺 2022 年,"
        "未判定(本年符合条件的单位:E)。"
    ]


# ---- the files given: their years, duplicates, another scheme ---------------------


def test_two_files_of_one_year(runner, tmp_path, years):
    other = earlier(runner, tmp_path, 2023, years[2022].parent / "2023.json")
    result = rank_2024(runner, tmp_path, "--previous", str(years[2022].parent))
    assert result.exit_code == 2
    assert result.stderr == f"错误:2023 年的结果有两个:{other}、{years[2023]};每年只能给一个\n"
    result = rank_2024(runner, tmp_path, "--previous", str(years[2022]), "--previous", str(years[2022]))
    assert result.stderr == f"错误:上年结果“{years[2022]}”给出了两次;每个文件只给一次\n"


def test_a_year_not_earlier_is_refused(runner, tmp_path):
    this = earlier(runner, tmp_path, 2024, tmp_path / "本年.json")
    result = rank_2024(runner, tmp_path, "--previous", str(this))
    assert result.exit_code == 2
    assert result.stderr == (
        f"错误:{this}: 上年结果“本年.json”是 2024 年的结果,不早于本方案的年度(2024 年);--previous 只能给往年的结果\n"
    )
    result = rank_2024(runner, tmp_path, "--previous", f"2025={this}")
    assert "是 2025 年的结果,不早于本方案的年度(2024 年)" in result.stderr


def test_an_unknown_year_is_asked_for(runner, tmp_path, years):
    doc = json.loads(years[2022].read_text(encoding="utf-8"))
    bare = tmp_path / "去年.json"
    bare.write_text(json.dumps({"units": doc["units"]}, ensure_ascii=False), encoding="utf-8")
    result = rank_2024(runner, tmp_path, "--previous", str(bare))
    assert result.exit_code == 2
    assert result.stderr == (
        f"错误:{bare}: 看不出上年结果“去年.json”是哪一年的结果(文件中的方案年度 scheme.year、排名表的标题中都没有年份);"
        f"请写明年份,如 --previous 2023={bare}\n"
    )
    doc = doc_of(rank_2024(runner, tmp_path, "--previous", f"2023={bare}", "--format", "json", "-q"))
    assert units_of(doc)["E"]["history"][0] == {"year": 2023, "score": 60.0, "place": 5, "grade": "一般"}
    assert doc["findings"] == []  # the file said no year: nothing to contradict


def test_a_wrong_year_in_the_file_is_located(runner, tmp_path, years):
    doc = json.loads(years[2022].read_text(encoding="utf-8"))
    doc["scheme"]["year"] = "二〇二二"
    years[2022].write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = rank_2024(runner, tmp_path, "--previous", str(years[2022]))
    assert result.exit_code == 2
    assert result.stderr == (
        f"错误:{years[2022]}: 上年结果中“scheme.year”应为年份(如 2023),实际为文字“二〇二二”;"
        "请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改\n"
    )


def test_the_year_written_wins_with_a_warning(runner, tmp_path, years):
    doc = doc_of(rank_2024(runner, tmp_path, "--previous", f"2021={years[2022]}", "--format", "json", "-q"))
    assert [(f["code"], f["message"]) for f in doc["findings"]] == [
        ("previous-year", "上年结果“2022.json”写明是 2022 年的结果,按 --previous 所写作为 2021 年的结果")
    ]
    assert units_of(doc)["E"]["history"][0]["year"] == 2021


def test_results_of_another_scheme_are_a_warning(runner, tmp_path):
    made = earlier(runner, tmp_path, 2023, tmp_path / "2023.json", scheme_id="township-2023")
    result = rank_2024(runner, tmp_path, "--previous", str(made), "--format", "json")
    message = (
        "上年结果“2023.json”(2023 年)由方案 township-2023 生成,本次方案为 grades-2024;"
        "名次和等次照常比较,请确认是同一类考核的结果"
    )
    assert [(f["code"], f["severity"], f["message"]) for f in doc_of(result)["findings"]] == [
        ("previous-scheme", "warning", message)
    ]
    assert f"  提示:{message}" in result.stderr.splitlines()


def test_a_year_in_the_title_of_a_workbook(runner, tmp_path, years):
    """A workbook without the hidden sheet's year (an older assess) gives its year by its title."""
    from openpyxl import load_workbook as load

    wb = load(years[2023])
    wb["说明"].delete_rows(5)
    wb.save(years[2023])
    doc = doc_of(rank_2024(runner, tmp_path, "--previous", str(years[2023]), "--format", "json", "-q"))
    assert doc["history"][0]["year"] == 2023  # “2023 年度县市区乡村振兴实绩考核结果排名(一类县)”
