"""Targets per unit (按本单位目标计分): a rule's target, floor or baseline read from a data field.

Each county is scored against its own 目标任务: the basis says so and where the task was read;
a blank, wrong or unusable task is a finding at its cell and the indicator is scored by the
missing-value policy; a scheme naming a field it does not define is refused at the line and
column of the name; every path that reads rule parameters takes the unit's own value.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.errors import DataError, SchemeError
from assess.scheme.load import load_scheme
from assess.scheme.plan import Plan, compile_plan
from assess.scoring.engine import score_units
from assess.scoring.result import IndicatorResult, UnitResult
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, UnitData, Value
from tests.cli.conftest import invoke
from tests.scheme.support import messages

SCHEME = """\
id: ft
title: 本单位目标任务测试
year: 2024
full_score: 16
{missing}
fields:
  - {{id: 播种面积, name: 粮食播种面积, unit: 万亩}}
  - {{id: 播种任务, name: 粮食播种面积下达任务, unit: 万亩}}
  - {{id: 最低任务, name: 粮食播种面积最低任务, unit: 万亩}}
categories:
  - id: "5"
    name: 粮食安全
    points: 16
    indicators:
      - {{id: "5.1", name: 粮食播种面积, points: 4, unit: 万亩, field: 播种面积, rule: {{type: ratio, target: 播种任务}}}}
      - id: "5.2"
        name: 播种任务完成
        points: 4
        unit: 万亩
        field: 播种面积
        rule: {{type: threshold, target: 粮食播种面积下达任务}}
      - id: "5.3"
        name: 播种面积增长
        points: 4
        unit: 万亩
        field: 播种面积
        rule: {{type: linear, floor: 最低任务, target: 播种任务}}
      - id: "5.4"
        name: 播种面积稳定
        points: 4
        unit: 万亩
        field: 播种面积
        rule: {{type: step, baseline: 播种任务, step: 1, deduct: 1}}
"""


def _plan(tmp_path: Path, text: str = SCHEME, missing: str = "missing: zero") -> Plan:
    path = tmp_path / "方案.yaml"
    path.write_text(text.format(missing=missing), encoding="utf-8")
    return compile_plan(load_scheme(path))


def _value(v: Any, cell: str, file: str) -> Value:
    where = f"指标数据!{cell}"
    if v is None:
        return Value(None, MISSING, where=where, file=file)
    if v == "不适用":
        return Value(None, NOT_APPLICABLE, raw=v, where=where, file=file)
    if isinstance(v, str):
        return Value(None, ERROR, raw=v, where=where, file=file, note=f"“{v}”不是数字")
    return Value(float(v), raw=v, where=where, file=file)


def _unit(name: str, area: Any, task: Any, low: Any = 80, group: str | None = None) -> UnitData:
    file = f"/data/{name}.xlsx"
    values = {
        "播种面积": _value(area, "D4", file),
        "播种任务": _value(task, "D5", file),
        "最低任务": _value(low, "D6", file),
    }
    return UnitData(name, group, 2024, values, {}, file=file)


def _scores(plan: Plan, *units: UnitData) -> dict[str, UnitResult]:
    return {r.unit: r for r in score_units(plan, list(units))}


def _ind(result: UnitResult, ident: str) -> IndicatorResult:
    return next(i for i in result.indicators if i.id == ident)


# ---- each rule against the unit's own target, with its basis ---------------------------------


def test_each_rule_scores_against_the_units_own_task(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    got = _scores(plan, _unit("浏阳市", 96, 95), _unit("醴陵市", 88, 95), _unit("宁乡市", 88, 90))
    liuyang, liling, ningxiang = got["浏阳市"], got["醴陵市"], got["宁乡市"]
    assert [_ind(liuyang, i).basis for i in ("5.1", "5.2", "5.3", "5.4")] == [
        "实际值 96 万亩,本单位目标任务 95 万亩(浏阳市.xlsx 指标数据!D5),完成率 101.05%,得满分 4 分",
        "实际值 96 万亩 ≥ 本单位目标任务 95 万亩(浏阳市.xlsx 指标数据!D5),得满分 4 分",
        "实际值 96 万亩 达到本单位目标任务 95 万亩(浏阳市.xlsx 指标数据!D5),得满分 4 分",
        "实际值 96 万亩 达到本单位基准 95 万亩(浏阳市.xlsx 指标数据!D5),得满分 4 分",
    ]
    assert [_ind(liling, i).basis for i in ("5.1", "5.2", "5.3", "5.4")] == [
        "实际值 88 万亩,本单位目标任务 95 万亩(醴陵市.xlsx 指标数据!D5),完成率 92.63%,按比例得 3.71 分",
        "实际值 88 万亩 < 本单位目标任务 95 万亩(醴陵市.xlsx 指标数据!D5),未达标,不得分",
        "实际值 88 万亩 介于本单位不得分值 80 万亩(醴陵市.xlsx 指标数据!D6,0 分)"
        "与本单位目标任务 95 万亩(醴陵市.xlsx 指标数据!D5,满分)之间,按比例得 2.13 分",
        "实际值 88 万亩 低于本单位基准 95 万亩(醴陵市.xlsx 指标数据!D5) 7 万亩,"
        "计 7 档,每档扣 1 分,扣 4 分,扣完为止,不得分",
    ]
    assert [_ind(liling, i).score for i in ("5.1", "5.2", "5.3", "5.4")] == [3.71, 0.0, 2.13, 0.0]
    # the same 88 against a task of 90: each unit its own line
    assert [_ind(ningxiang, i).score for i in ("5.1", "5.2", "5.3", "5.4")] == [3.91, 0.0, 3.2, 2.0]
    # the target that applied is the unit's own (gaps, rectification's {target})
    assert [_ind(liling, i).target for i in ("5.1", "5.2", "5.3")] == [95.0, 95.0, 95.0]
    assert _ind(ningxiang, "5.1").target == 90.0
    assert all(not r.findings for r in got.values())


def test_a_lower_is_better_ratio_against_the_units_own_limit(tmp_path: Path) -> None:
    text = """\
    id: ft
    title: 测试
    year: 2024
    full_score: 4
    fields:
      - {id: 逾期率, name: 小额信贷逾期率, unit: "%"}
      - {id: 逾期控制, name: 逾期率控制目标, unit: "%"}
    categories:
      - id: "1"
        name: 金融
        points: 4
        indicators:
          - {id: "1.1", name: 逾期率, points: 4, unit: "%", direction: lower, field: 逾期率, rule: {type: ratio, target: 逾期控制}}
    """
    path = tmp_path / "方案.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    plan = compile_plan(load_scheme(path))
    file = "/data/甲县.xlsx"
    units = [
        UnitData(
            name, None, 2024, {"逾期率": Value(v), "逾期控制": Value(2.0, where="指标数据!D9", file=file)}, {}
        )
        for name, v in (("甲县", 2.5), ("乙县", 0.0))
    ]
    got = _scores(plan, *units)
    assert _ind(got["甲县"], "1.1").basis == (
        "实际值 2.50%,本单位目标任务 2.00%(甲县.xlsx 指标数据!D9),目标任务 ÷ 实际值为 80.00%,按比例得 3.2 分"
    )
    assert (
        _ind(got["乙县"], "1.1").basis
        == "实际值 0.00%,本单位目标任务 2.00%(甲县.xlsx 指标数据!D9),得满分 4 分"
    )


def test_by_group_may_take_its_target_from_a_field(tmp_path: Path) -> None:
    text = """\
    id: ft
    title: 测试
    year: 2024
    full_score: 4
    groups:
      - {id: a, name: 一类县}
      - {id: b, name: 二类县}
    fields:
      - {id: 播种面积, name: 粮食播种面积, unit: 万亩}
      - {id: 播种任务, name: 粮食播种面积下达任务, unit: 万亩}
    categories:
      - id: "5"
        name: 粮食
        points: 4
        indicators:
          - id: "5.1"
            name: 粮食播种面积
            points: 4
            unit: 万亩
            field: 播种面积
            rule: {type: threshold, target: 90, by_group: {二类县: {target: 播种任务}}}
    """
    path = tmp_path / "方案.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    plan = compile_plan(load_scheme(path))
    assert plan.indicators[0].own_lines
    file = "/data/乙县.xlsx"
    units = [
        UnitData("甲县", "一类县", 2024, {"播种面积": Value(85.0), "播种任务": Value(80.0)}, {}),
        UnitData(
            "乙县",
            "二类县",
            2024,
            {"播种面积": Value(85.0), "播种任务": Value(80.0, where="表!C3", file=file)},
            {},
        ),
    ]
    got = _scores(plan, *units)
    assert _ind(got["甲县"], "5.1").basis == "实际值 85 万亩 < 目标 90 万亩,未达标,不得分"
    assert (
        _ind(got["乙县"], "5.1").basis
        == "实际值 85 万亩 ≥ 本单位目标任务 80 万亩(乙县.xlsx 表!C3),得满分 4 分"
    )


# ---- a task that cannot be used: a finding at its cell, the missing-value policy ------------


def test_a_blank_task_is_a_finding_and_scores_by_the_missing_policy(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    result = _scores(plan, _unit("浏阳市", 96, None))["浏阳市"]
    res = _ind(result, "5.1")
    assert (res.status, res.score, res.lost, res.target) == (MISSING, 0.0, 4.0, None)
    assert res.basis == (
        "实际值 96 万亩,本单位目标任务“粮食播种面积下达任务”为空,无法按本单位目标计分,按方案计 0 分"
    )
    own = [f for f in result.findings if f["code"] == "own-target"]
    assert [f["message"] for f in own] == [
        "浏阳市的目标任务“粮食播种面积下达任务”为空,5.1 无法按本单位目标计分",
        "浏阳市的目标任务“粮食播种面积下达任务”为空,5.2 无法按本单位目标计分",
        "浏阳市的目标任务“粮食播种面积下达任务”为空,5.3 无法按本单位目标计分",
        "浏阳市的基准“粮食播种面积下达任务”为空,5.4 无法按本单位目标计分",
    ]
    assert own[0]["severity"] == "error"
    assert own[0]["location"] == {"file": "/data/浏阳市.xlsx", "sheet": "指标数据", "cell": "D5"}


def test_scoring_again_says_the_problem_once(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    unit = _unit("浏阳市", 96, None)
    score_units(plan, [unit])
    score_units(plan, [unit])  # explain, what-if: the same unit scored again
    assert len([f for f in unit.findings if f.code == "own-target"]) == 4


def test_the_missing_policy_decides_exclude_and_refuse(tmp_path: Path) -> None:
    excluded = _scores(_plan(tmp_path, missing="missing: exclude"), _unit("浏阳市", 96, None))["浏阳市"]
    res = _ind(excluded, "5.1")
    assert (res.applicable, res.score) == (False, None)
    assert res.basis.endswith("无法按本单位目标计分,按缺项处理,满分折算")
    assert any(f["code"] == "own-target" for f in excluded.findings)
    (tmp_path / "refuse").mkdir()
    refused = _plan(tmp_path / "refuse", missing="missing: refuse")
    with pytest.raises(DataError) as err:
        score_units(refused, [_unit("浏阳市", 96, None)])
    assert str(err.value.message).startswith(
        "单位“浏阳市”的指标 5.1“粮食播种面积”实际值 96 万亩,本单位目标任务“粮食播种面积下达任务”为空"
    )


def test_without_a_stated_policy_the_zero_is_provisional(tmp_path: Path) -> None:
    res = _ind(_scores(_plan(tmp_path, missing=""), _unit("浏阳市", 96, None))["浏阳市"], "5.2")
    assert res.basis.endswith("无法按本单位目标计分,方案未规定缺数据如何计分,暂计 0 分")


def test_a_wrong_task_and_a_task_not_applicable(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    got = _scores(plan, _unit("浏阳市", 96, "九十五"), _unit("宁乡市", 96, "不适用"))
    wrong = got["浏阳市"]
    assert _ind(wrong, "5.2").status == ERROR
    assert [f["message"] for f in wrong.findings if f["code"] == "own-target"][1] == (
        "浏阳市的目标任务“粮食播种面积下达任务”有误(“九十五”不是数字),5.2 无法按本单位目标计分"
    )
    na = _ind(got["宁乡市"], "5.2")
    assert (na.applicable, na.score, na.basis) == (
        False,
        None,
        "实际值 96 万亩,本单位目标任务“粮食播种面积下达任务”不适用,按缺项处理,满分折算",
    )
    assert not [f for f in got["宁乡市"].findings if f["code"] == "own-target"]


def test_a_zero_task_is_a_finding_where_the_rule_divides_by_it(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    result = _scores(plan, _unit("韶山市", 90, 0))["韶山市"]
    ratio = _ind(result, "5.1")
    assert (ratio.status, ratio.score) == (ERROR, 0.0)
    messages_ = [f["message"] for f in result.findings if f["code"] == "own-target"]
    assert messages_ == [
        "韶山市的目标任务“粮食播种面积下达任务”为 0 万亩,按完成比例计分须除以大于 0 的目标任务,"
        "5.1 无法按本单位目标计分",
        "韶山市的不得分值“粮食播种面积最低任务”(80 万亩)高于目标任务“粮食播种面积下达任务”(0 万亩),"
        "与指标越大越好不符,5.3 无法按本单位目标计分",
    ]
    # a threshold and a step divide by nothing: a task of 0 is met by any area
    assert (_ind(result, "5.2").score, _ind(result, "5.4").score) == (4.0, 4.0)


def test_a_floor_equal_to_the_task_draws_no_line(tmp_path: Path) -> None:
    result = _scores(_plan(tmp_path), _unit("韶山市", 90, 80, low=80))["韶山市"]
    assert [f["message"] for f in result.findings if f["code"] == "own-target"] == [
        "韶山市的不得分值“粮食播种面积最低任务”(80 万亩)与目标任务“粮食播种面积下达任务”(80 万亩)相等,"
        "5.3 无法按本单位目标计分"
    ]
    assert _ind(result, "5.3").score == 0.0


# ---- the same score as the number, whatever the number ----------------------------------------

_RULES = {
    "threshold": "{type: threshold, target: %s}",
    "linear": "{type: linear, floor: %s, target: %s}",
    "ratio": "{type: ratio, target: %s}",
    "step": "{type: step, baseline: %s, step: 0.5, deduct: 0.3, count: exact}",
}


def _one(directory: Path, kind: str, direction: str, lines: tuple[str, ...]) -> Plan:
    text = f"""\
    id: p
    title: 测试
    year: 2024
    full_score: 5
    fields:
      - {{id: 值, name: 实际值}}
      - {{id: 目标, name: 目标任务}}
      - {{id: 底线, name: 不得分线}}
    categories:
      - id: "1"
        name: 类
        points: 5
        indicators:
          - {{id: "1.1", name: 甲, points: 5, direction: {direction}, field: 值, rule: {_RULES[kind] % lines}}}
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}-{direction}-{len(list(directory.iterdir()))}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_plan(load_scheme(path))


_LINES = st.floats(min_value=1, max_value=200, allow_nan=False).map(lambda x: round(x, 2))


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(sorted(_RULES)),
    direction=st.sampled_from(["higher", "lower"]),
    value=st.floats(min_value=0, max_value=300, allow_nan=False).map(lambda x: round(x, 3)),
    target=_LINES,
    gap=_LINES,
)
def test_a_field_target_scores_as_the_same_number_written(
    tmp_path_factory: pytest.TempPathFactory,
    kind: str,
    direction: str,
    value: float,
    target: float,
    gap: float,
) -> None:
    floor = target + gap if direction == "lower" else target - gap
    numbers: tuple[str, ...] = (repr(floor), repr(target)) if kind == "linear" else (repr(target),)
    fields: tuple[str, ...] = ("底线", "目标") if kind == "linear" else ("目标",)
    directory = tmp_path_factory.mktemp("p")
    fixed, own = _one(directory, kind, direction, numbers), _one(directory, kind, direction, fields)
    values = {"值": Value(value), "目标": Value(target), "底线": Value(floor)}
    [a] = score_units(fixed, [UnitData("甲县", None, 2024, dict(values), {})])
    [b] = score_units(own, [UnitData("甲县", None, 2024, dict(values), {})])
    assert (b.indicators[0].score, b.total) == (a.indicators[0].score, a.total)
    assert b.indicators[0].target == a.indicators[0].target
    assert not b.findings


# ---- the scheme: a field that exists and holds numbers --------------------------------------


_HEAD = """\
id: t
title: 测试
year: 2024
full_score: 10
fields:
  - {id: 任务, name: 下达任务, unit: 万亩}
  - {id: 说明, name: 任务说明, kind: text}
  - {id: 评价, name: 任务评价, levels: {好: 100, 差: 60}}
  - {id: 亩数, name: 任务亩数, unit: 亩}
categories:
  - id: "1"
    name: 类
    points: 10
    indicators:
"""


def test_an_unknown_field_is_a_scheme_error_at_its_line_and_column(tmp_path: Path) -> None:
    text = (
        _HEAD
        + '      - {id: "1.1", name: 甲, points: 10, unit: 万亩, rule: {type: ratio, target: 播种任务}}\n'
    )
    assert messages(tmp_path, text) == [
        "15:72 categories[0].indicators[0].rule.target: 指标 1.1 的 target“播种任务”不是数字,"
        "也不是已定义的数据字段(按本单位目标计分时写 fields 中字段的 id 或名称);是否应为“任务”?"
    ]
    with pytest.raises(SchemeError) as err:
        load_scheme(tmp_path / "scheme.yaml")
    [finding] = err.value.findings
    assert (finding.code, finding.location.line, finding.location.column) == ("unknown-name", 15, 72)


def test_a_close_name_is_suggested(tmp_path: Path) -> None:
    text = _HEAD + '      - {id: "1.1", name: 甲, points: 10, rule: {type: threshold, target: 下达任物}}\n'
    assert messages(tmp_path, text) == [
        "15:66 categories[0].indicators[0].rule.target: 指标 1.1 的 target“下达任物”不是数字,"
        "也不是已定义的数据字段(按本单位目标计分时写 fields 中字段的 id 或名称);是否应为“下达任务”?"
    ]


UNITS_DIFFER = (
    "17:70 categories[0].indicators[2].rule.baseline: 指标 1.3 的单位是“万亩”,其 baseline 引用的字段“任务亩数”"
    "的单位是“亩”;本单位目标按原数与实际值比较,不换算单位,请核对 [提醒]"
)


def test_a_target_field_must_hold_numbers(tmp_path: Path) -> None:
    text = _HEAD + (
        '      - {id: "1.1", name: 甲, points: 4, rule: {type: threshold, target: 说明}}\n'
        '      - {id: "1.2", name: 乙, points: 3, rule: {type: linear, floor: 评价, target: 任务}}\n'
        '      - {id: "1.3", name: 丙, points: 3, unit: 万亩, rule: {type: step, baseline: 亩数, step: 1, deduct: 1}}\n'
    )
    assert messages(tmp_path, text) == [
        "15:65 categories[0].indicators[0].rule.target: 指标 1.1 的 target 引用的字段“任务说明”是文字(kind: text),"
        "不是数值,不能作为本单位目标",
        "16:62 categories[0].indicators[1].rule.floor: 指标 1.2 的 floor 引用的字段“任务评价”是评价等次(kind: rating),"
        "不是数值,不能作为本单位目标",
        UNITS_DIFFER,
    ]
    warned = text.replace("说明}", "任务}").replace("floor: 评价", "floor: 0")
    assert messages(tmp_path, warned) == [UNITS_DIFFER]


def test_by_group_references_are_checked_and_names_and_numbers_accepted(tmp_path: Path) -> None:
    text = _HEAD.replace("fields:", "groups:\n  - {id: a, name: 一类县}\nfields:") + (
        '      - id: "1.1"\n'
        "        name: 甲\n"
        "        points: 10\n"
        "        rule: {type: threshold, target: 下达任务, by_group: {a: {target: 计划}}}\n"
    )
    assert messages(tmp_path, text) == [
        "20:62 categories[0].indicators[0].rule.by_group.a.target: 指标 1.1 的 target“计划”不是数字,"
        "也不是已定义的数据字段(按本单位目标计分时写 fields 中字段的 id 或名称)"
    ]
    fine = text.replace("target: 计划", 'target: "95"')
    assert messages(tmp_path, fine) == []
    plan = compile_plan(load_scheme(tmp_path / "scheme.yaml"))
    assert plan.indicators[0].rule.target == "下达任务"
    assert plan.indicators[0].rules_by_group["a"].target == 95.0
    assert "下达任务" in plan.env_keys and "任务" in plan.env_keys  # the field scoring reads
    assert "任务" in {spec.key for spec in plan.read.inputs}  # read like any field


def test_a_percent_sign_is_still_a_wrong_number_not_a_field(tmp_path: Path) -> None:
    text = _HEAD + '      - {id: "1.1", name: 甲, points: 10, rule: {type: threshold, target: "60%"}}\n'
    assert messages(tmp_path, text) == ["15:66 categories[0].indicators[0].rule.target: 应为数字,实际为“60%”"]


# ---- what else reads rule parameters --------------------------------------------------------


def test_explain_aims_at_the_units_own_task(tmp_path: Path) -> None:
    from assess.analysis.rescore import Rescorer
    from assess.analysis.suggest import unit_suggestions
    from assess.scoring.engine import prepare

    plan = _plan(tmp_path)
    units = [_unit("醴陵市", 88, 95), _unit("宁乡市", 88, None)]
    rs = Rescorer(plan, [prepare(plan, u) for u in units])
    said = {s.id: s.text for s in unit_suggestions(plan, rs, 0, rs.results[0])}
    assert said["5.2"].startswith("播种任务完成需由 88 万亩 提高到 95 万亩(本单位目标任务)方可得满分")
    assert said["5.4"].startswith("播种面积稳定需由 88 万亩 提高到 95 万亩(本单位基准)方可得满分")
    # a unit with no usable task: nothing to aim at, and nothing raised
    assert unit_suggestions(plan, rs, 1, rs.results[1]) == []
    from assess.analysis.gaps import explain_unit

    explain_unit(plan, rs, 0)
    explain_unit(plan, rs, 1)


def test_statistics_diff_and_rectify_read_a_field_target(tmp_path: Path) -> None:
    from assess.analysis.diff import diff_schemes
    from assess.rectify.problems import problems_from_results
    from assess.scoring.ranking import indicator_statistics, rank_cohort

    plan = _plan(tmp_path)
    results = score_units(plan, [_unit("醴陵市", 88, 95), _unit("宁乡市", 92, 90)])
    rank_cohort(plan, results)
    assert indicator_statistics(plan, results)
    problems = problems_from_results(plan, [r.to_dict() for r in results], dt.date(2025, 3, 31))
    assert any(p.unit == "醴陵市" for p in problems)
    old_text = SCHEME.replace("target: 播种任务}}}}", "target: 95}}}}", 1)
    (tmp_path / "old").mkdir()
    old = _plan(tmp_path / "old", old_text)
    changes = [c for c in diff_schemes(old.scheme, plan.scheme).changes if c.id == "5.1"]
    assert [(c.kind, c.old, c.new, c.note) for c in changes] == [
        ("目标值", "95 万亩", "按本单位目标(取自字段“播种任务”)", "改为按本单位目标计分")
    ]


# ---- the command line: a county's task in its own workbook ----------------------------------


def _county(folder: Path, unit: str, area: Any, task: Any) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标数据"
    ws.append(["单位名称", unit])
    ws.append(["年度", 2024])
    ws.append(["指标编码", "指标名称", "计量单位", "本年数值"])
    ws.append(["", "粮食播种面积", "万亩", area])
    ws.append(["", "粮食播种面积下达任务", "万亩", task])
    ws.append(["", "粮食播种面积最低任务", "万亩", 80])
    path = folder / f"{unit}.xlsx"
    wb.save(path)
    return path


def test_score_and_rank_on_workbooks(runner: Any, tmp_path: Path) -> None:
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(SCHEME.format(missing="missing: zero"), encoding="utf-8")
    folder = tmp_path / "报表"
    folder.mkdir()
    _county(folder, "浏阳市", 96, 95)
    _county(folder, "宁乡市", 90, None)
    result = invoke(runner, "score", "-s", str(scheme), str(folder), "--format", "json")
    assert result.exit_code == 1  # a blank task is a data problem
    units = {u["unit"]: u for u in json.loads(result.stdout)["units"]}
    first = {i["id"]: i for i in units["浏阳市"]["indicators"]}
    assert first["5.1"]["basis"] == (
        "实际值 96 万亩,本单位目标任务 95 万亩(浏阳市.xlsx 指标数据!D5),完成率 101.05%,得满分 4 分"
    )
    assert first["5.1"]["target"] == 95.0
    own = [f for f in units["宁乡市"]["findings"] if f["code"] == "own-target"]
    assert own[0]["message"] == "宁乡市的目标任务“粮食播种面积下达任务”为空,5.1 无法按本单位目标计分"
    assert own[0]["location"]["sheet"] == "指标数据" and own[0]["location"]["cell"] == "D5"
    said = f"  数据问题:{folder / '宁乡市.xlsx'} 指标数据!D5:宁乡市的目标任务“粮食播种面积下达任务”为空,5.1 无法按本单位目标计分"
    assert said in result.stderr.splitlines()
    ranked = invoke(runner, "rank", "-s", str(scheme), str(folder), "--format", "json", "-q")
    brief = invoke(runner, "rank", "-s", str(scheme), str(folder), "--brief", "--format", "json", "-q")
    assert ranked.exit_code == brief.exit_code == 1
    totals = {u["unit"]: u["total"] for u in json.loads(ranked.stdout)["units"]}
    assert totals == {"浏阳市": 16.0, "宁乡市": 0.0}
    # --brief: the array path refuses per-unit targets in array_support; the engine gives the same
    assert {u["unit"]: u["total"] for u in json.loads(brief.stdout)["units"]} == totals


@pytest.fixture()
def runner() -> Any:
    from click.testing import CliRunner

    return CliRunner()


def test_check_names_a_task_the_rule_cannot_use(runner: Any, tmp_path: Path) -> None:
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(SCHEME.format(missing="missing: zero"), encoding="utf-8")
    folder = tmp_path / "报表"
    folder.mkdir()
    _county(folder, "浏阳市", 96, 95)
    _county(folder, "韶山市", 90, 0)
    result = invoke(runner, "check", "-s", str(scheme), str(folder), "--format", "json")
    assert result.exit_code == 1
    own = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "own-target"]
    assert [(f["message"], f["location"]["cell"]) for f in own] == [
        (
            "韶山市的目标任务“粮食播种面积下达任务”为 0 万亩,按完成比例计分须除以大于 0 的目标任务,"
            "5.1 无法按本单位目标计分",
            "D5",
        ),
        (
            "韶山市的不得分值“粮食播种面积最低任务”(80 万亩)高于目标任务“粮食播种面积下达任务”(0 万亩),"
            "与指标越大越好不符,5.3 无法按本单位目标计分",
            "D5",
        ),
    ]
