"""The command line as a user meets it: Chinese help, exit codes 0/1/2, outputs."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from assess import __version__
from tests.cli.conftest import COHORT_EXIT, EXAMPLES, ROOT, invoke


def test_version(runner):
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.output == f"assess {__version__}\n"


def test_help_is_chinese_and_lists_commands(runner):
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    assert result.output.startswith("用法:")
    for command in ("check", "score", "rank", "rectify", "template", "schemes", "schema"):
        assert f"  {command} " in result.output
    assert "显示本帮助并退出。" in result.output
    assert "Show this message" not in result.output


def test_help_does_not_import_heavy_modules():
    import subprocess

    code = (
        "import sys; from assess.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('openpyxl', 'jinja2', 'python_calamine', 'assess.scoring.engine') if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_unknown_option_is_a_usage_error_in_chinese(runner):
    result = invoke(runner, "rank", "--bogus")
    assert result.exit_code == 2
    assert "错误:没有选项 '--bogus'。" in result.output


def test_schemes_lists_bundled(runner):
    result = invoke(runner, "schemes")
    assert result.exit_code == 0
    assert "county-2024" in result.output
    assert "2024 年度县市区乡村振兴实绩考核评分细则" in result.output


def test_check_valid_scheme(runner):
    result = invoke(runner, "check", str(ROOT / "indicators" / "county-2024.yaml"))
    assert result.exit_code == 0
    assert result.output == "已检查 1 个方案,未发现问题。\n"


def test_check_invalid_scheme_lists_every_problem_with_position(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\ntitle: t\nyear: 2024\ncategories:\n  - id: '1'\n    name: 甲\n    points: 10\n"
        "    indicators:\n      - {id: '1.1', name: 乙, points: 5, rule: {type: threshold, target: 1}}\n"
        "      - {id: '1.1', name: 丙, points: 5, rule: {type: linear, floor: 3, target: 3}}\n",
        encoding="utf-8",
    )
    result = invoke(runner, "check", "--wide", str(bad))  # the full table: messages unwrapped
    assert result.exit_code == 1
    assert "指标编码“1.1”重复(第 9 行已使用)" in result.output
    assert "指标 1.1 的 floor 与 target 相等(3),无法按比例计分" in result.output
    assert f"{bad}:10:" in result.output


def test_missing_scheme_file_is_exit_2(runner, tmp_path):
    result = invoke(runner, "check", str(tmp_path / "none.yaml"))
    assert result.exit_code == 2
    assert "找不到方案文件" in result.output


def test_check_data_reports_problems_with_cells(runner, cohort):
    result = invoke(runner, "check", "--scheme", "county-2024", str(cohort))
    assert result.exit_code == 1
    assert "永顺县.xlsx" in result.output
    assert "指标数据!D14" in result.output
    assert "已检查 19 个数据文件" in result.output  # 14 workbooks and the 5 other sources


def test_check_data_json(runner, cohort):
    result = invoke(runner, "check", "--scheme", "county-2024", str(cohort), "--format", "json")
    doc = json.loads(result.output)
    assert result.exit_code == 1
    assert doc["errors"] >= 1
    assert all({"code", "message", "location", "severity"} <= set(f) for f in doc["findings"])


def test_score_single_unit_says_what_needs_a_cohort(runner, cohort):
    result = invoke(runner, "score", "-s", "county-2024", str(cohort / "浏阳市.xlsx"))
    assert result.exit_code == 0
    assert "须与其他单位一并评分" in result.output
    assert "总分:" in result.output


def test_score_json_is_deterministic_and_has_provenance(runner, cohort):
    first = invoke(runner, "score", "-s", "county-2024", str(cohort), "--format", "json")
    second = invoke(runner, "score", "-s", "county-2024", str(cohort), "--format", "json")
    assert first.exit_code == COHORT_EXIT
    assert first.output == second.output
    doc = json.loads(first.stdout)
    assert doc["format"] == "assess.score/1"
    assert doc["provenance"]["scheme"]["id"] == "county-2024"
    assert len(doc["provenance"]["scheme"]["sha256"]) == 64
    assert len(doc["provenance"]["inputs"]) == 19  # 14 workbooks and the files of the 5 other sources
    unit = doc["units"][0]
    for key in ("unit", "group", "total", "grade", "vetoes", "categories", "indicators"):
        assert key in unit
    for key in ("id", "name", "value", "unit", "points", "score", "lost", "basis", "source"):
        assert key in unit["indicators"][0]


def test_score_html_one_file_per_unit_and_no_silent_overwrite(runner, cohort, tmp_path):
    out = tmp_path / "得分表"
    result = invoke(runner, "score", "-s", "county-2024", str(cohort), "--format", "html", "-o", str(out))
    assert result.exit_code == COHORT_EXIT
    assert len(list(out.glob("*.html"))) == 14
    again = invoke(runner, "score", "-s", "county-2024", str(cohort), "--format", "html", "-o", str(out))
    assert again.exit_code == 2
    assert "已存在;如需替换请加 --force" in again.output


def test_score_one_document_names_the_file_written(runner, cohort, tmp_path):
    target = tmp_path / "浏阳市得分表.doc"
    args = ["score", "-s", "county-2024", str(cohort / "浏阳市.xlsx"), "--format", "doc", "-o", str(target)]
    result = invoke(runner, *args)
    assert result.exit_code == 0
    assert target.is_file()
    assert f"已写入:{target}" in result.output


def test_rank_json_structure(runner, cohort):
    result = invoke(runner, "rank", "-s", "county-2024", str(cohort), "--format", "json", "-q")
    assert result.exit_code == COHORT_EXIT
    doc = json.loads(result.stdout)
    assert doc["format"] == "assess.rank/1"
    assert len(doc["units"]) == 14
    ranks = {}
    for u in doc["units"]:
        ranks.setdefault(u["group"], []).append(u["rank"])
        for key in ("rank", "unit", "group", "total", "grade", "categories", "flags"):
            assert key in u
    assert sorted(ranks) == ["示范创建县", "重点帮扶县", "面上县"]
    assert all(sorted(r)[0] == 1 for r in ranks.values())
    vetoed = next(u for u in doc["units"] if u["unit"] == "保靖县")
    assert vetoed["grade"] == "较差"
    assert vetoed["vetoes"][0]["name"] == "发生规模性返贫"


def test_rank_survives_a_broken_file(runner, cohort):
    (cohort / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    result = invoke(runner, "rank", "-s", "county-2024", str(cohort), "--format", "json")
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)["units"]) == 14
    assert "坏文件.xlsx" in result.stderr


def test_rank_strict_stops(runner, cohort):
    (cohort / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    result = invoke(runner, "rank", "-s", "county-2024", str(cohort), "--strict", "-q")
    assert result.exit_code == 2
    assert "--strict" in result.output


def test_duplicate_unit_names_both_places(runner, cohort):
    shutil.copy(cohort / "浏阳市.xlsx", cohort / "浏阳市(重报).xlsx")
    result = invoke(runner, "rank", "-s", "county-2024", str(cohort), "--format", "json")
    assert result.exit_code == 1
    line = next(x for x in result.stderr.splitlines() if "重复出现" in x)
    assert "单位“浏阳市”重复出现:" in line
    assert "浏阳市.xlsx 基本信息!B1" in line
    assert "浏阳市(重报).xlsx 基本信息!B1" in line


def test_rank_previous_adds_changes(runner, cohort, tmp_path):
    last = tmp_path / "上年.json"
    result = invoke(
        runner, "rank", "-s", "county-2024", str(cohort), "--format", "json", "-o", str(last), "-q"
    )
    assert result.exit_code == COHORT_EXIT
    doc = json.loads(last.read_text(encoding="utf-8"))
    doc["units"] = [u for u in doc["units"] if u["unit"] != "浏阳市"]
    for u in doc["units"]:
        if u["unit"] == "醴陵市":
            u["rank"] = 3
    last.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    given = f"2023={last}"  # written by the 2024 scheme: given as 2023's results
    result = invoke(
        runner, "rank", "-s", "county-2024", str(cohort), "--previous", given, "--format", "json", "-q"
    )
    units = {u["unit"]: u for u in json.loads(result.stdout)["units"]}
    assert units["浏阳市"]["rank_change"] == "新增"
    assert units["醴陵市"]["previous_rank"] == 3
    assert units["醴陵市"]["rank_change"] == f"↑{3 - units['醴陵市']['rank']}"
    assert units["宁乡市"]["total_change"] == 0


@pytest.mark.parametrize("fmt", ["html", "doc", "xlsx"])
def test_rank_documents(runner, cohort, tmp_path, fmt):
    out = tmp_path / f"排名.{fmt}"
    result = invoke(runner, "rank", "-s", "county-2024", str(cohort), "--format", fmt, "-o", str(out), "-q")
    assert result.exit_code == COHORT_EXIT
    assert out.stat().st_size > 1000


def test_rank_previous_from_xlsx(runner, cohort, tmp_path):
    out = tmp_path / "上年.xlsx"
    invoke(runner, "rank", "-s", "county-2024", str(cohort), "--format", "xlsx", "-o", str(out), "-q")
    given = f"2023={out}"  # written by the 2024 scheme: given as 2023's results
    result = invoke(
        runner, "rank", "-s", "county-2024", str(cohort), "--previous", given, "--format", "json", "-q"
    )
    assert result.exit_code == COHORT_EXIT
    assert {u["rank_change"] for u in json.loads(result.stdout)["units"]} == {"持平"}


def test_summary_table_and_details_give_the_same_totals(runner, tmp_path):
    by_files = json.loads(
        invoke(
            runner, "rank", "-s", "county-2024", str(EXAMPLES / "counties"), "--format", "json", "-q"
        ).stdout
    )
    summary = invoke(
        runner,
        "rank",
        "-s",
        "county-2024",
        str(EXAMPLES / "汇总表.xlsx"),
        "--details",
        str(EXAMPLES / "村级明细(全省).xlsx"),
        "--format",
        "json",
        "-q",
    )
    assert summary.exit_code == COHORT_EXIT, summary.output
    totals = {u["unit"]: u["total"] for u in json.loads(summary.stdout)["units"]}
    assert totals == {u["unit"]: u["total"] for u in by_files["units"]}


def test_template_round_trip(runner, tmp_path):
    out = tmp_path / "模板.xlsx"
    result = invoke(runner, "template", "-s", "county-2024", "-o", str(out), "--unit", "浏阳市")
    assert result.exit_code == 0
    assert out.exists()
    again = invoke(runner, "template", "-s", "county-2024", "-o", str(out))
    assert again.exit_code == 2
    assert "已存在" in again.output


def test_summary_template_instructions_name_only_columns_it_has(runner, tmp_path):
    import openpyxl

    units = tmp_path / "单位清单.csv"
    units.write_text("单位名称,分组\n浏阳市,示范创建县\n", encoding="gb18030")
    out = tmp_path / "汇总模板.xlsx"
    args = ["template", "-s", "county-2024", "--layout", "summary", "--units", str(units), "-o", str(out)]
    assert invoke(runner, *args).exit_code == 0
    wb = openpyxl.load_workbook(out)
    heads = [c.value for c in wb["汇总表"][1]]
    assert "说明或佐证" not in heads and "单位" not in heads
    text = "\n".join(str(c.value) for row in wb["填报说明"].iter_rows(max_row=7) for c in row if c.value)
    assert "“说明或佐证”列" not in text and "“单位”列" not in text
    assert all("说明或佐证" not in dv.error for dv in wb["汇总表"].data_validations.dataValidation)


def test_inputs_are_not_modified(runner, cohort, tmp_path):
    before = {p.name: p.read_bytes() for p in cohort.iterdir()}
    invoke(
        runner,
        "rank",
        "-s",
        "county-2024",
        str(cohort),
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "r.xlsx"),
        "-q",
    )
    invoke(runner, "score", "-s", "county-2024", str(cohort), "--format", "json")
    assert {p.name: p.read_bytes() for p in cohort.iterdir()} == before


def test_missing_input_is_exit_2(runner, tmp_path):
    result = invoke(runner, "rank", "-s", "county-2024", str(tmp_path / "无此文件.xlsx"))
    assert result.exit_code == 2
    assert "找不到输入文件" in result.output


def test_schema_command_outputs_json(runner):
    result = invoke(runner, "schema")
    assert result.exit_code == 0
    assert json.loads(result.output)["title"]


def test_internal_error_has_no_traceback(tmp_path):
    import subprocess

    code = (
        "import assess.commands.rank as r\n"
        "def boom(*a, **k): raise ValueError('x')\n"
        "r.run_rank = boom\n"
        "import sys; sys.argv = ['assess', 'rank', '-s', 'county-2024', 'examples/counties']\n"
        "from assess.__main__ import main; main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 3
    assert "Traceback" not in out.stderr
    assert "程序内部错误(ValueError: x)" in out.stderr


def test_rank_sensitivity_is_seeded_and_listed(runner, cohort):
    args = [
        "rank",
        "-s",
        "county-2024",
        str(cohort),
        "--sensitivity",
        "30",
        "--vary",
        "weights=±10%",
        "--format",
        "json",
        "-q",
    ]
    first = invoke(runner, *args, "--seed", "7")
    again = invoke(runner, *args, "--seed", "7")
    other = invoke(runner, *args, "--seed", "8")
    assert first.exit_code == COHORT_EXIT, first.output
    assert first.output == again.output
    doc = json.loads(first.stdout)
    assert len(doc["sensitivity"]["parameters"]) == 30
    assert json.loads(other.stdout)["sensitivity"]["parameters"] != doc["sensitivity"]["parameters"]


def test_rank_sensitivity_bad_vary_is_usage_error(runner, cohort):
    result = invoke(
        runner, "rank", "-s", "county-2024", str(cohort), "--sensitivity", "5", "--vary", "weights=lots"
    )
    assert result.exit_code == 2
    assert "错误:" in result.output


@pytest.mark.parametrize("last_overall", [False, True])
@pytest.mark.parametrize("now_overall", [False, True])
@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_previous_compares_places_on_the_same_basis(
    runner, cohort, tmp_path, last_overall, now_overall, suffix
):
    """Group places are compared with group places and overall with overall, whatever last year's file held."""
    last = tmp_path / f"上年{suffix}"
    fmt = suffix[1:]
    args = ["rank", "-s", "county-2024", str(cohort), "--format", fmt, "-o", str(last), "-q"]
    assert invoke(runner, *args, *(["--overall"] if last_overall else [])).exit_code == COHORT_EXIT
    now = ["rank", "-s", "county-2024", str(cohort), "--previous", f"2023={last}", "--format", "json", "-q"]
    result = invoke(runner, *now, *(["--overall"] if now_overall else []))
    assert result.exit_code == COHORT_EXIT, result.output
    assert {u["rank_change"] for u in json.loads(result.stdout)["units"]} == {"持平"}
