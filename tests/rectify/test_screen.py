"""Which lost points become problems (docs/rectify.md "失分问题的筛选").

Every test runs ``assess rectify`` through click (or ``problems_from_results``
directly) on results made here, and pins the one line that counts what was left off.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.rectify.problems import Omitted, Screen, problems_from_results
from assess.scheme.load import load_scheme
from assess.scheme.plan import compile_plan
from assess.scoring.result import Adjustment

from .conftest import AS_OF, SCHEME, indicator, unit_result, write_results

LINE = (
    "另有 3 项指标失分未列入整改清单(失分不足 0.5 分或不足该项分值的 10%,合计 1.5 分),"
    "可用 --all-lost 全部列出"
)


def results() -> list[Any]:
    """浏阳市: 1.6 lost 1.5 (listed), 1.4 lost 0.5 of 2 (listed: the limit itself), 1.2 lost 0.3
    (left off), 2.2 lost 0.8 of 10 (left off: 8 %), 1.3 without data (listed), penalty 0.2 (listed);
    凤凰县: 1.1 lost 0.4 (left off) and a veto (listed)."""
    return [
        unit_result(
            "浏阳市",
            [
                indicator("1.6", "衔接资金支付率", 60.2, 1.5),
                indicator("1.4", "监测对象识别纳入平均时限", 25, 0.5, points=2, unit="天"),
                indicator("1.2", "返贫风险率", 3.5, 0.3, points=3),
                indicator("2.2", "农村居民人均可支配收入增速", 6.1, 0.8, points=10),
                indicator("1.3", "帮扶措施落实率", None, 0.2, points=3, status="missing"),
            ],
            penalties=[
                Adjustment("P1", "数据弄虚作假", 1, 0.2, "数据弄虚作假 1 个,扣 0.2 分", "县乡村振兴局")
            ],
        ),
        unit_result(
            "凤凰县",
            [indicator("1.1", "监测对象风险消除率", 68, 0.4, points=5)],
            vetoes=[
                Adjustment("V1", "发生规模性返贫", 1, 0, "发生规模性返贫,一票否决", "县乡村振兴局", "lowest")
            ],
        ),
    ]


def write(path: Path, statistics: list[dict[str, Any]] | None = None) -> Path:
    write_results(path, results())
    if statistics is not None:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["statistics"] = statistics
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def rectify(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["rectify", *map(str, args)], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def listed(folder: Path) -> list[tuple[str, str]]:
    data = json.loads((folder / "整改情况.json").read_text(encoding="utf-8"))
    return sorted((p["unit"], (p["indicator"] or "").split()[0]) for p in data["problems"])


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return compile_plan(load_scheme(SCHEME))


def test_default_keeps_material_losses_penalties_vetoes_and_missing_data(plan) -> None:  # type: ignore[no-untyped-def]
    omitted = Omitted()
    units = [u.to_dict() for u in results()]
    kept = problems_from_results(plan, units, AS_OF, screen=Screen(), omitted=omitted)
    assert [(p.unit, p.indicator.split()[0]) for p in kept] == [
        ("浏阳市", "1.6"),
        ("浏阳市", "1.4"),
        ("浏阳市", "1.3"),
        ("浏阳市", "P1"),
        ("凤凰县", "V1"),
    ]
    assert [(p.unit, p.indicator.split()[0], p.lost) for p in omitted.problems] == [
        ("浏阳市", "1.2", 0.3),
        ("浏阳市", "2.2", 0.8),
        ("凤凰县", "1.1", 0.4),
    ]
    # no screen: every lost point, as before
    assert len(problems_from_results(plan, units, AS_OF)) == 8


def test_rectify_says_what_it_left_off_and_all_lost_lists_it(tmp_path: Path) -> None:
    res = write(tmp_path / "结果.json")
    code, _out, err = rectify(
        "-s", SCHEME, res, "-o", tmp_path / "整改", "--as-of", "2025-03-31", "--format", "json"
    )
    assert code == 0, err
    assert LINE in err.splitlines()
    assert listed(tmp_path / "整改") == [
        ("凤凰县", "V1"),
        ("浏阳市", "1.3"),
        ("浏阳市", "1.4"),
        ("浏阳市", "1.6"),
        ("浏阳市", "P1"),
    ]
    report = json.loads((tmp_path / "整改" / "整改情况.json").read_text(encoding="utf-8"))
    assert report["omitted"]["count"] == 3 and report["omitted"]["sentence"] == LINE

    code, _out, err = rectify(
        "-s", SCHEME, res, "-o", tmp_path / "全部", "--as-of", "2025-03-31", "--format", "json", "--all-lost"
    )
    assert code == 0, err
    assert "另有" not in err
    assert len(listed(tmp_path / "全部")) == 8


def test_the_checklist_says_it_in_one_sentence(tmp_path: Path) -> None:
    res = write(tmp_path / "结果.json")
    code, _out, err = rectify("-s", SCHEME, res, "-o", tmp_path / "整改", "--as-of", "2025-03-31")
    assert code == 0, err
    html = (tmp_path / "整改" / "整改清单_浏阳市.html").read_text(encoding="utf-8")
    assert "另有2项指标失分未列入本清单（失分不足0.5分或不足该项分值的10%，合计1.1分）。" in html
    assert "--all-lost" not in html  # a document for the county names no command option
    html = (tmp_path / "整改" / "整改清单_凤凰县.html").read_text(encoding="utf-8")
    assert "另有1项指标失分未列入本清单（失分不足0.5分或不足该项分值的10%，合计0.4分）。" in html


def test_options_move_the_limits(tmp_path: Path) -> None:
    res = write(tmp_path / "结果.json")
    code, _out, err = rectify(
        "-s",
        SCHEME,
        res,
        "-o",
        tmp_path / "a",
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
        "--min-lost",
        "1",
    )
    assert code == 0, err
    assert (
        "另有 4 项指标失分未列入整改清单(失分不足 1 分或不足该项分值的 10%,合计 2 分),可用 --all-lost 全部列出"
        in err
    )
    code, _out, err = rectify(
        "-s",
        SCHEME,
        res,
        "-o",
        tmp_path / "b",
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
        "--min-lost",
        "0",
        "--min-share",
        "0.1",
    )
    assert code == 0, err
    assert (
        "另有 2 项指标失分未列入整改清单(失分不足该项分值的 10%,合计 1.2 分),可用 --all-lost 全部列出" in err
    )
    assert ("浏阳市", "1.2") in listed(tmp_path / "b")  # 0.3 of 3 points is 10 %


def test_below_average_compares_with_the_ranking_statistics(tmp_path: Path) -> None:
    stats = [
        {"id": "1.6", "direction": "higher", "average": 55.0},  # 60.2 is better: left off
        {"id": "1.4", "direction": "lower", "average": 20.0},  # 25 days is worse: listed
    ]
    res = write(tmp_path / "排名.json", stats)
    code, _out, err = rectify(
        "-s",
        SCHEME,
        res,
        "-o",
        tmp_path / "整改",
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
        "--below-average",
    )
    assert code == 0, err
    assert (
        "另有 4 项指标失分未列入整改清单(失分不足 0.5 分、不足该项分值的 10% 或实际值不差于平均值,合计 3 分),"
        "可用 --all-lost 全部列出" in err
    )
    assert [u for u in listed(tmp_path / "整改") if u[1].startswith("1.")] == [
        ("浏阳市", "1.3"),
        ("浏阳市", "1.4"),
    ]

    plain = write(tmp_path / "结果.json")  # assess score output: no averages to compare with
    code, _out, err = rectify(
        "-s",
        SCHEME,
        plain,
        "-o",
        tmp_path / "无",
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
        "--below-average",
    )
    assert code == 0, err
    assert (
        "提示:" + str(plain) + ": 评分结果中没有各指标的平均值(assess rank 输出的 JSON 才有),"
        "“差于平均值”的列入标准未起作用,这些指标按失分列入" in err
    )
    assert (
        "另有 3 项指标失分未列入整改清单(失分不足 0.5 分、不足该项分值的 10% 或实际值不差于平均值,合计 1.5 分),"
        "可用 --all-lost 全部列出" in err
    )


def test_a_problem_already_in_the_ledger_stays(tmp_path: Path) -> None:
    res = write(tmp_path / "结果.json")
    out = tmp_path / "整改"
    code, _out, err = rectify(
        "-s", SCHEME, res, "-o", out, "--as-of", "2025-03-31", "--format", "json", "--all-lost"
    )
    assert code == 0, err
    code, _out, err = rectify(
        "-s",
        SCHEME,
        res,
        "-o",
        out,
        "--ledger",
        out / "整改台账.xlsx",
        "--as-of",
        "2025-04-30",
        "--format",
        "json",
    )
    assert code == 0, err
    report = json.loads((out / "整改情况.json").read_text(encoding="utf-8"))
    assert report["changes"]["added"] == 0 and report["changes"]["not_seen"] == 0
    assert len(report["problems"]) == 8
    assert report["omitted"]["count"] == 0 and "另有" not in err


def scheme_with(tmp_path: Path, top: str, own: str) -> Path:
    """county-2024 with a top-level ``rectify:`` and 1.6's own limits added to its rectify."""
    text = SCHEME.read_text(encoding="utf-8")
    text = text.replace("\nsources:\n", f"\n{top}\nsources:\n", 1)
    text = text.replace("          deadline_days: 30\n", f"          deadline_days: 30\n{own}", 1)
    path = tmp_path / "方案.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_scheme_sets_the_limits_and_an_indicator_its_own(tmp_path: Path) -> None:
    scheme = scheme_with(tmp_path, "rectify: {min_lost: 0.25, min_share: 0}", "          min_lost: 2\n")
    res = write(tmp_path / "结果.json")
    code, _out, err = rectify(
        "-s", scheme, res, "-o", tmp_path / "a", "--as-of", "2025-03-31", "--format", "json"
    )
    assert code == 0, err
    assert (
        "另有 1 项指标失分未列入整改清单(失分不足 0.25 分;部分指标按方案的规定,合计 1.5 分),可用 --all-lost 全部列出"
        in err
    )
    assert ("浏阳市", "1.6") not in listed(tmp_path / "a")  # its own limit: 2 points
    # the command line replaces the scheme's top level, never an indicator's own limits
    code, _out, err = rectify(
        "-s",
        scheme,
        res,
        "-o",
        tmp_path / "b",
        "--as-of",
        "2025-03-31",
        "--format",
        "json",
        "--min-lost",
        "0",
    )
    assert code == 0, err
    assert (
        "另有 1 项指标失分未列入整改清单(按方案对这些指标的规定,合计 1.5 分),可用 --all-lost 全部列出" in err
    )
    assert ("浏阳市", "1.6") not in listed(tmp_path / "b")


def check(path: Path) -> str:
    result = CliRunner().invoke(main, ["check", "--wide", str(path)])  # messages unwrapped
    assert result.exit_code == 1, result.output
    return result.stdout + result.stderr


def at(path: Path, text: str) -> str:
    """``方案.yaml:行:列`` of ``text``'s first character."""
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(n for n, line in enumerate(lines) if text in line)
    return f"{path.name}:{n + 1}:{lines[n].index(text) + 1}"


def test_limits_out_of_range_or_on_a_penalty_are_scheme_errors_at_their_line(tmp_path: Path) -> None:
    bad = scheme_with(tmp_path, "rectify: {min_lost: 0.5, min_share: 10}", "")
    said = check(bad)
    assert at(bad, "min_share: 10") in said
    assert "rectify.min_share" in said and "取值 10 超出范围;应 ≤ 1" in said

    bad = scheme_with(tmp_path, "", "")
    text = bad.read_text(encoding="utf-8").replace(
        'rectify: {problem: "发现数据弄虚作假问题 {value},扣 {lost} 分",',
        'rectify: {min_lost: 1, problem: "发现数据弄虚作假问题 {value},扣 {lost} 分",',
    )
    bad.write_text(text, encoding="utf-8")
    said = check(bad)
    assert at(bad, "min_lost: 1") in said
    assert "扣分项“数据弄虚作假”总是列入整改清单,不能写 min_lost;列入标准只用于指标的失分" in said
