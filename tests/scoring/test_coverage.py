"""How many units the cohort rules saw (issue 20): a run over fewer units than the scheme
expects is flagged, `score` on one workbook calls the cohort indicators and the grade 暂定."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from scoring_support import SCHEMES, plan_from_text

from assess.cli import main
from assess.scoring.coverage import coverage
from tests.sample_round import copy_sources

ROOT = Path(__file__).resolve().parents[2]
COUNTIES = ROOT / "examples" / "counties"


def test_scheme_units_missing(tmp_path: Path) -> None:
    text = (SCHEMES / "grades.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "fields:",
        "units:\n  - {name: A, group: a}\n  - {name: B, group: a}\n  - {name: C, group: a}\nfields:",
        1,
    )
    plan = plan_from_text(tmp_path, text)
    cover = coverage(plan, [("A", "a"), ("B", "a")], ranking=True)
    assert cover.short and cover.known
    assert cover.notes == [
        "一类县按方案应有 3 个单位,本次只有 2 个(缺C);名次、等次名额和结果运用只按这 2 个单位计算,"
        "为暂定结果,全部单位一并评分后才能确定。"
    ]
    assert coverage(plan, [("A", "a"), ("B", "a"), ("C", "a")], ranking=True).notes == []


def test_group_count(tmp_path: Path) -> None:
    text = (SCHEMES / "grades.yaml").read_text(encoding="utf-8")
    text = text.replace("{id: a, name: 一类县}", "{id: a, name: 一类县, count: 5}")
    text = text.replace("{id: b, name: 二类县}", "{id: b, name: 二类县, count: 1}")
    plan = plan_from_text(tmp_path, text)
    cover = coverage(plan, [("A", "a"), ("B", "a"), ("X", "b")], ranking=True)
    assert cover.notes == [
        "一类县按方案应有 5 个单位,本次只有 2 个;名次、等次名额和结果运用只按这 2 个单位计算,"
        "为暂定结果,全部单位一并评分后才能确定。"
    ]


def test_nothing_expected_says_how_many(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, (SCHEMES / "grades.yaml").read_text(encoding="utf-8"))
    cover = coverage(plan, [("A", "a"), ("B", "a"), ("X", "b")], ranking=True)
    assert not cover.known and not cover.short
    assert cover.notes == [
        "名次、等次名额和结果运用按本次一并评分的 3 个单位计算(一类县 2 个,二类县 1 个);"
        "方案未写明应参评的单位(units)或各组单位数(groups 的 count),无法核对是否齐全。"
    ]


def _copy(tmp_path: Path, names: list[str]) -> list[str]:
    out = []
    for name in names:
        shutil.copy(COUNTIES / f"{name}.xlsx", tmp_path / f"{name}.xlsx")
        out.append(str(tmp_path / f"{name}.xlsx"))
    copy_sources(tmp_path)  # the round's other sources, beside the workbooks
    return out


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_rank_a_few_counties_says_so(tmp_path: Path) -> None:
    files = _copy(tmp_path, ["保靖县", "凤凰县", "古丈县"])
    out = tmp_path / "r.json"
    said = _run("rank", "-s", "county-2024", *files, "--format", "json", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    notes = doc["notes"]
    assert notes[0] == (
        "重点帮扶县按方案应有 6 个单位,本次只有 3 个(缺泸溪县、花垣县、永顺县);按排名、相对值或极差法计分的指标"
        "(1.6、2.2、2.3、3.4)、名次、等次名额和结果运用只按这 3 个单位计算,为暂定结果,全部单位一并评分后才能确定。"
    )
    assert notes[1] == (
        "示范创建县、面上县按方案应有的 8 个单位本次都未参评;全体名次和按全体计算的各项只按本次的 3 个单位计算,"
        "为暂定结果。"
    )
    assert notes[0] in said


def test_score_one_workbook_is_provisional(tmp_path: Path) -> None:
    files = _copy(tmp_path, ["保靖县"])
    out = tmp_path / "s.json"
    _run("score", "-s", "county-2024", *files, "--format", "json", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    unit = doc["units"][0]
    why = (
        "指标 1.6、2.2、2.3、3.4 须与其他单位一并评分,单独评分时未计入总分;"
        "“好”等次有名额限制,须与其他单位一并排名后确定"
    )
    assert unit["provisional"] == why
    assert unit["grade_basis"][-1] == f"等次“较差”为暂定:{why}"
    cohort = {i["id"]: i["basis"] for i in unit["indicators"] if i["id"] in ("1.6", "2.2", "2.3", "3.4")}
    assert all(b.startswith("暂定:") for b in cohort.values())
    assert doc["notes"] == [
        "本次只评分了 1 个单位(方案应有 14 个):按排名、相对值或极差法计分的指标(1.6、2.2、2.3、3.4)和等次名额"
        "须与其他单位一并计算,单独评分时不能确定,等次为暂定;全部单位一并评分(assess rank)后才能确定。"
    ]
