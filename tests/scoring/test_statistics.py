"""The statistics appendix on the bundled examples: direction, pooled average, yes/no shares,
and the scheme's ``average`` key (docs/statistics.md quotes these figures)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from assess.errors import SchemeError
from assess.scheme.load import load_scheme
from assess.scheme.rates import rate_parts
from assess.scoring.statistics import basis_note, gap_text, worse_units

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "indicators" / "county-2024.yaml"


@lru_cache(maxsize=1)
def _ranked() -> tuple[Any, list[Any], dict[str, dict[str, Any]]]:
    from assess.commands.common import load_plan, locate, read_inputs
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import rank_cohort
    from assess.scoring.statistics import indicator_statistics

    plan = load_plan("county-2024")
    counties = [ROOT / "examples" / "counties"]
    data = read_inputs(plan, counties, jobs=1, located=locate(plan, counties))
    results = score_units(plan, data.units)
    rank_cohort(plan, results)
    return plan, results, {s["id"]: s for s in indicator_statistics(plan, results)}


def _values(results: list[Any], ident: str) -> list[tuple[str, float | None]]:
    return [(r.unit, next(i.value for i in r.indicators if i.id == ident)) for r in results]


def test_a_rate_of_counts_is_pooled_by_default() -> None:
    _plan, results, stats = _ranked()
    s = stats["1.1"]  # 消除风险人数 / 监测对象人数 * 100: 47,093 of 74,031 people
    assert s["average_basis"] == "pooled"
    assert round(s["average"], 6) == round(47093 / 74031 * 100, 6) == 63.612541
    assert round(sum(v for _u, v in _values(results, "1.1")) / 14, 2) == 64.16  # the plain mean
    assert (round(s["best"], 2), round(s["worst"], 2)) == (79.42, 48.54)
    assert stats["1.2"]["average_basis"] == "mean"


def test_lower_is_better_swaps_best_and_worst_and_who_is_worse() -> None:
    _plan, results, stats = _ranked()
    s = stats["1.2"]  # 返贫风险率, direction: lower
    assert (s["direction"], s["best"], s["worst"]) == ("lower", 0.62, 4.18)
    worse = worse_units(s, _values(results, "1.2"))
    assert worse[:2] == ["平江县 4.18%(高于平均 1.01 个百分点)", "醴陵市 4.12%(高于平均 0.95 个百分点)"]
    assert len(worse) == 8 and worse[-1] == "韶山市 3.61%(高于平均 0.44 个百分点)"  # the worst first


def test_a_deducted_count_of_problems_is_better_when_lower() -> None:
    _plan, results, stats = _ranked()
    s = stats["1.10"]  # deduct rule, no direction written: none of its zero-problem units is "worse"
    assert (s["direction"], s["best"], s["worst"]) == ("lower", 0.0, 5.0)
    worse = worse_units(s, _values(results, "1.10"))
    assert len(worse) == 8 and sorted(worse[:4]) == [
        f"{u} 5 个(比平均多 2.36 个)" for u in ("保靖县", "宁乡市", "安化县", "新化县")
    ]
    assert all(w.endswith(" 3 个(比平均多 0.36 个)") for w in worse[4:])  # none of the eight with 0


def test_yes_no_is_a_count_and_share() -> None:
    _plan, results, stats = _ranked()
    s = stats["1.9"]
    assert (s["yes"], round(s["share"], 4), s["average"], s["best"]) == (11, 0.7857, None, None)
    assert sorted(worse_units(s, _values(results, "1.9"))) == [
        "安化县(填报“否”)",
        "泸溪县(填报“否”)",
        "韶山市(填报“否”)",
    ]


def test_not_applicable_units_are_left_out() -> None:
    _plan, _results, stats = _ranked()
    assert stats["1.4"]["count"] == 13 and stats["3.5"]["count"] == 12


def test_one_unit_gets_no_ranking_words() -> None:
    s = {"count": 1, "average": 50.0, "direction": "higher", "unit": "%", "best": None, "worst": None}
    assert worse_units(s, [("甲县", 40.0)]) == []


def test_the_notes_say_how_each_average_was_taken() -> None:
    _plan, _results, stats = _ranked()
    assert basis_note(list(stats.values())) == [
        "1.1、1.5、1.6、1.8、2.4、5.1、6.1的“平均”为合计比率(各单位分子之和 ÷ 分母之和)。",
        "其余指标的“平均”为各单位算术平均。",
        "1.2、1.4、1.7、1.10、4.4、6.3数值越低越好,“最好”“最差”和“差于平均的单位”按此判断。",
        "1.9、5.2为是否项,列“是”的个数和占比,“差于平均的单位”一栏列不符合要求的单位。",
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("消除风险人数 / 监测对象人数 * 100", ("消除风险人数", "监测对象人数", 100.0)),
        ("a × 100 ÷ b", ("a", "b", 100.0)),
        ("100 * a / b", ("a", "b", 100.0)),
        ("a / b", ("a", "b", 1.0)),
        ("(a + b) / c * 100", None),
        ("a / b * 100 + 1", None),
        ("a / a", None),
    ],
)
def test_rate_formulas(text: str, parts: tuple[str, str, float] | None) -> None:
    got = rate_parts(text)
    assert (tuple(got) if got else None) == parts


def test_gap_words() -> None:
    assert gap_text(4.18, 3.1735714, "%") == "高于平均 1.01 个百分点"
    assert gap_text(27.3, 20.2076923, "天") == "比平均多 7.09 天"
    assert gap_text(1.69, 2.2042857, None, "全省") == "低于全省平均 0.51"


def _scheme_with(tmp_path: Path, old: str, new: str) -> Path:
    text = SCHEME.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_given_average(tmp_path: Path) -> None:
    from assess.scheme.plan import compile_plan

    path = _scheme_with(
        tmp_path, "        direction: lower\n", "        direction: lower\n        average: 2.9\n"
    )
    plan = compile_plan(load_scheme(path))
    assert next(i for i in plan.indicators if i.id == "1.2").average == 2.9
    assert next(i for i in plan.indicators if i.id == "1.1").average == "pooled"


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "        direction: lower\n",
            "        direction: lower\n        average: pooled\n",
            98,
            "average: pooled(合计比率)只用于由两项数据相除得出的指标,须写 formula,形如“分子 / 分母 * 100”",
        ),
        (
            "        direction: lower\n",
            "        direction: lower\n        average: median\n",
            98,
            "average 应为 mean(算术平均)、pooled(合计比率)或一个数,实际为“median”",
        ),
        (
            "        kind: bool\n        standard: 完成确权登记得满分",
            "        kind: bool\n        average: 80\n        standard: 完成确权登记得满分",
            163,
            "是否项在统计中列“是”的个数和占比,不写 average",
        ),
    ],
)
def test_average_key_errors(tmp_path: Path, old: str, new: str, line: int, message: str) -> None:
    with pytest.raises(SchemeError) as err:
        load_scheme(_scheme_with(tmp_path, old, new))
    found = [f for f in err.value.findings if message in f.message]
    assert found and found[0].location.line == line and found[0].location.column == 9


def _rank_json(*args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from assess.cli import main

    runner = CliRunner()
    result = runner.invoke(
        main,
        ["rank", "-s", "county-2024", str(ROOT / "examples" / "counties"), "-q", *args],
        catch_exceptions=False,
    )
    return result.exit_code, result.stdout, result.stderr


def test_average_on_the_command_line() -> None:
    import json

    code, out, _err = _rank_json("--format", "json", "--average", "1.2=2.9", "--average", "1.1=65%")
    assert code in (0, 1)  # 1: the examples hold two blank cells
    stats = {s["id"]: s for s in json.loads(out)["statistics"]}
    assert (stats["1.2"]["average"], stats["1.2"]["average_basis"]) == (2.9, "given")
    assert (stats["1.1"]["average"], stats["1.1"]["average_basis"]) == (65.0, "given")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("1.9=2", "错误:--average 1.9=2:指标 1.9 为是否项,统计中列“是”的个数和占比,不用平均值"),
        ("9.9=2", "错误:--average 9.9=2:应写成“指标编码=数值”,如 --average 1.2=2.9,编码须为方案中的末级指标"),
        ("1.2=abc", "错误:--average 1.2=abc:“abc”不是数值"),
    ],
)
def test_average_on_the_command_line_refused(given: str, message: str) -> None:
    code, _out, err = _rank_json("--average", given)
    assert code == 2 and message in err
