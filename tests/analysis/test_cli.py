"""explain and diff through the CLI: exit codes 0/1/2 and Chinese messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main
from tests.sample_round import copy_round

ROOT = Path(__file__).resolve().parents[2]
COUNTIES = ROOT / "examples" / "counties"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_explain_one_unit_in_its_cohort(runner: CliRunner) -> None:
    r = invoke(
        runner, "explain", "-s", "county-2024", str(COUNTIES / "花垣县.xlsx"), "--cohort", str(COUNTIES)
    )
    assert r.exit_code == 0, r.output
    assert "【花垣县】" in r.stdout and "距“一般”等次" in r.stdout and "可增" in r.stdout
    assert "【浏阳市】" not in r.stdout  # only the named input is explained


def test_explain_set_shows_the_difference(runner: CliRunner) -> None:
    r = invoke(
        runner,
        "explain",
        "-s",
        "county-2024",
        str(COUNTIES),
        "--unit",
        "花垣县",
        "--set",
        "1.5=56",
        "--top",
        "3",
    )
    assert r.exit_code == 0, r.output
    assert "假设 1.5=56" in r.stdout and "总分 59.89 →" in r.stdout
    assert "…另有" in r.stdout


def test_explain_json_and_html(runner: CliRunner, tmp_path: Path) -> None:
    r = invoke(runner, "explain", "-s", "county-2024", str(COUNTIES), "--unit", "保靖县", "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["format"] == "assess.explain/1" and doc["cohort_size"] == 14
    unit = doc["units"][0]
    assert unit["unit"] == "保靖县" and unit["grade_gap"]["reachable"] is False
    assert len(unit["categories"]) == 6 and unit["categories"][0]["average"] is not None
    out = tmp_path / "差距.html"
    r = invoke(
        runner,
        "explain",
        "-s",
        "county-2024",
        str(COUNTIES),
        "--unit",
        "保靖县",
        "--unit",
        "浏阳市",
        "--set",
        "规模性返贫=否",
        "--format",
        "html",
        "-o",
        str(out),
    )
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert "得分差距分析" in html and "各类指标得分率" in html and "假设情形" in html and "参评平均" in html


def test_explain_usage_errors_exit_2(runner: CliRunner) -> None:
    r = invoke(runner, "explain", "-s", "county-2024", str(COUNTIES), "--unit", "无此县")
    assert r.exit_code == 2 and "输入中没有单位“无此县”" in r.output
    r = invoke(runner, "explain", "-s", "county-2024", str(COUNTIES), "--set", "9.9=1")
    assert r.exit_code == 2 and "没有编码或名称为“9.9”" in r.output
    r = invoke(runner, "explain", "-s", "county-2024", str(COUNTIES), "--set", "衔接资金用于产业发展比重")
    assert r.exit_code == 2 and "应写成 编码=数值" in r.output
    r = invoke(runner, "explain", "-s", "county-2024", str(COUNTIES), "--format", "html")
    assert r.exit_code == 2 and "-o" in r.output
    assert "Traceback" not in r.output


def test_explain_with_an_unreadable_input_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_round(tmp_path)
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook")
    r = invoke(runner, "explain", "-s", "county-2024", str(folder), "--unit", "浏阳市", "--top", "1")
    assert r.exit_code == 1
    assert "【浏阳市】" in r.stdout and "未计入" in r.stderr


def test_diff_bundled_schemes(runner: CliRunner, tmp_path: Path) -> None:
    r = invoke(runner, "diff", "county-2023", "county-2024")
    assert r.exit_code == 0
    assert "新增" in r.stdout and "删除" in r.stdout and "更名" in r.stdout and "责任单位" in r.stdout
    r = invoke(runner, "diff", "county-2023", "county-2024", "--data", str(COUNTIES), "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["format"] == "assess.diff/1" and len(doc["units"]) == 14
    assert {"old_total", "new_total", "old_rank", "new_rank"} <= set(doc["units"][0])
    out = tmp_path / "对照.doc"
    r = invoke(
        runner,
        "diff",
        "county-2023",
        "county-2024",
        "--data",
        str(COUNTIES),
        "--format",
        "doc",
        "-o",
        str(out),
    )
    assert r.exit_code == 0 and out.stat().st_size > 0


def test_diff_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    r = invoke(runner, "diff", "county-2023", "无此方案")
    assert r.exit_code == 2 and "既不是方案文件" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    r = invoke(runner, "diff", str(bad), "county-2024")
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_bundled_2023_scheme_passes_check(runner: CliRunner) -> None:
    r = invoke(runner, "check", str(ROOT / "indicators" / "county-2023.yaml"))
    assert r.exit_code == 0, r.output
