"""The rule types published 评分细则 need: base (基本分加减), ladder (按等次比例) and item overrides
(得分调整), each saying in the basis how the score came about.

Exact basis strings for every edge (caps both ways, exactly at the target, the lower direction,
steps counted whole or started), a property (base is monotone in the value, within its caps),
the array path scoring them exactly as the engine, explain/what-if/diff/rectify reading them, and
the command line on workbooks.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import textwrap
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.scheme import model as m
from assess.scheme.load import load_scheme
from assess.scheme.plan import Plan, compile_plan
from assess.scoring import rules as R
from assess.scoring.array.columns import brief_columns
from assess.scoring.array.support import array_support
from assess.scoring.engine import prepare, score_units
from assess.scoring.result import IndicatorResult, UnitResult
from assess.workbook.data import MISSING, UnitData, Value
from assess.workbook.values import parse_rating
from tests.cli.conftest import invoke
from tests.scoring.test_contract import check_contract

SCHEME = """\
id: nr
title: 新计分规则测试
year: 2024
full_score: 20
fields:
  - {id: 重大舆情, name: 是否发生重大涉贫舆情, kind: bool, required: false}
  - {id: 进度, name: 项目建设进度}
categories:
  - id: "1"
    name: 衔接推进
    points: 20
    indicators:
      - id: "1.1"
        name: 衔接资金支出进度
        points: 8
        unit: "%"
        rule: {type: base, target: 100, base: 6, above: 0.2, below: 0.5, per: 1, max: 8, min: 0}
        override:
          - {when: 重大舆情 == 1, score: 0, reason: 发生造成恶劣影响的涉贫舆情事件}
      - id: "1.2"
        name: 重点任务完成情况
        points: 4
        rule: {type: ladder, levels: {已完成: 1, 基本完成: 0.6, 未完成: 0}}
      - id: "1.3"
        name: 项目建设
        points: 8
        field: 进度
        rule: {type: ladder, levels: {已完成: 1, 基本完成: 0.6, 未完成: 0}}
"""
LEVELS = (("已完成", 1.0), ("基本完成", 0.6), ("未完成", 0.0))


def _plan(tmp_path: Path, text: str = SCHEME) -> Plan:
    path = tmp_path / "方案.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_plan(load_scheme(path))


def _word(word: str | None, cell: str, file: str) -> Value:
    number, status, note = parse_rating(word, LEVELS)
    return Value(number, status, raw=word, where=f"指标数据!{cell}", file=file, note=note)


def _unit(
    name: str, rate: float | None, task: str | None, progress: str | None, opinion: float | None
) -> UnitData:
    file = f"/data/{name}.xlsx"
    values = {
        "1.1": Value(rate, where="指标数据!D4", file=file) if rate is not None else Value(None, MISSING),
        "1.2": _word(task, "D5", file),
        "进度": _word(progress, "D6", file),
        "重大舆情": Value(opinion)
        if opinion is not None
        else Value(None, MISSING, where="指标数据!D7", file=file),
    }
    return UnitData(name, None, 2024, values, {}, file=file)


def _ind(result: UnitResult, ident: str) -> IndicatorResult:
    return next(i for i in result.indicators if i.id == ident)


def _base(**kw: Any) -> m.Base:
    data = {
        "type": "base",
        "target": 100,
        "base": 6,
        "above": 0.2,
        "below": 0.5,
        "per": 1,
        "max": 8,
        "min": 0,
    }
    return m.Base.model_validate({**data, **kw})


# ---- base: every edge, with its basis -------------------------------------------------------

# fmt: off
BASE_CASES = [
    # (value, rule changes, direction, unit, points, score, basis)
    (103.5, {}, "higher", "%", 8, 6.7,
     "实际值 103.50%,高于目标 100% 3.5 个百分点,每 1 个百分点加 0.2 分,得 6 + 0.7 = 6.7 分"),
    (100, {}, "higher", "%", 8, 6,
     "实际值 100.00%,等于目标 100%,得基本分 6 分"),
    (115, {}, "higher", "%", 8, 8,
     "实际值 115.00%,高于目标 100% 15 个百分点,每 1 个百分点加 0.2 分,加 3 分,得 8 分(最高 8 分)"),
    (110, {}, "higher", "%", 8, 8,
     "实际值 110.00%,高于目标 100% 10 个百分点,每 1 个百分点加 0.2 分,得 6 + 2 = 8 分"),
    (96, {}, "higher", "%", 8, 4,
     "实际值 96.00%,低于目标 100% 4 个百分点,每 1 个百分点扣 0.5 分,得 6 − 2 = 4 分"),
    (80, {}, "higher", "%", 8, 0,
     "实际值 80.00%,低于目标 100% 20 个百分点,每 1 个百分点扣 0.5 分,扣 10 分,得 0 分(最低 0 分)"),
    (90, {"min": 2}, "higher", "%", 8, 2,
     "实际值 90.00%,低于目标 100% 10 个百分点,每 1 个百分点扣 0.5 分,扣 5 分,得 2 分(最低 2 分)"),
    (103.5, {"count": "whole"}, "higher", "%", 8, 6.6,
     "实际值 103.50%,高于目标 100% 3.5 个百分点,按 3 个百分点计,每 1 个百分点加 0.2 分,得 6 + 0.6 = 6.6 分"),
    (96.5, {"count": "started"}, "higher", "%", 8, 4,
     "实际值 96.50%,低于目标 100% 3.5 个百分点,按 4 个百分点计,每 1 个百分点扣 0.5 分,得 6 − 2 = 4 分"),
    (105, {"above": 0, "max": None}, "higher", "%", 6, 6,
     "实际值 105.00%,高于目标 100% 5 个百分点,不加分,得基本分 6 分"),
    (3, {"target": 5, "base": 3, "above": 0.5, "below": 1, "max": None}, "lower", "%", 4, 4,
     "实际值 3.00%,低于目标 5% 2 个百分点,每 1 个百分点加 0.5 分,得 3 + 1 = 4 分"),
    (6.5, {"target": 5, "base": 3, "above": 0.5, "below": 1, "max": None}, "lower", "%", 4, 1.5,
     "实际值 6.50%,高于目标 5% 1.5 个百分点,每 1 个百分点扣 1 分,得 3 − 1.5 = 1.5 分"),
    (12, {"target": 5, "base": 3, "above": 0.5, "below": 1, "max": None}, "lower", "%", 4, 0,
     "实际值 12.00%,高于目标 5% 7 个百分点,每 1 个百分点扣 1 分,扣 7 分,得 0 分(最低 0 分)"),
    (5, {"target": 5, "base": 3, "above": 0.5, "below": 1, "max": None}, "lower", "%", 4, 3,
     "实际值 5.00%,等于目标 5%,得基本分 3 分"),
    (1250, {"target": 1000, "per": 100, "above": 0.5, "max": None}, "higher", "万元", 8, 7.25,
     "实际值 1250 万元,高于目标 1000 万元 250 万元,每 100 万元加 0.5 分,得 6 + 1.25 = 7.25 分"),
    (27, {"target": 20, "per": 5, "above": 1, "max": None}, "higher", None, 8, 7.4,
     "实际值 27,高于目标 20 7,每 5 加 1 分,得 6 + 1.4 = 7.4 分"),
]
# fmt: on


@pytest.mark.parametrize(("value", "change", "direction", "unit", "points", "score", "basis"), BASE_CASES)
def test_base_basis(
    value: float,
    change: dict[str, Any],
    direction: str,
    unit: str | None,
    points: float,
    score: float,
    basis: str,
) -> None:
    got = R.base(value, points, _base(**change), direction, unit)
    assert got == (pytest.approx(score), basis)


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0, 200, allow_nan=False),
    st.floats(0, 200, allow_nan=False),
    st.floats(0, 10),
    st.floats(0, 2),
    st.floats(0, 2),
    st.sampled_from([0.1, 0.5, 1, 2.5]),
    st.sampled_from(["exact", "whole", "started"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.sampled_from(["higher", "lower"]),
)
def test_base_is_monotone_and_within_its_caps(
    a: float,
    b: float,
    base: float,
    above: float,
    below: float,
    per: float,
    count: str,
    up: float,
    down: float,
    direction: str,
) -> None:
    points = 10.0
    top = base + up * (points - base)
    bottom = base * down
    rule = m.Base(
        type="base",
        target=100,
        base=base,
        above=above,
        below=below,
        per=per,
        max=top,
        min=bottom,
        count=count,
    )
    lo, hi = sorted((a, b))
    s_lo, _ = R.base(lo, points, rule, direction, "%")
    s_hi, _ = R.base(hi, points, rule, direction, "%")
    if direction == "higher":
        assert s_lo <= s_hi + 1e-9
    else:
        assert s_hi <= s_lo + 1e-9
    for s in (s_lo, s_hi):
        assert bottom - 1e-9 <= s <= top + 1e-9


# ---- the engine: ladder words, overrides, a base against the unit's own target ---------------


def test_ladder_and_override_bases(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    got = {
        r.unit: r
        for r in score_units(
            plan,
            [
                _unit("浏阳市", 103.5, "基本完成", "已完成", 0),
                _unit("醴陵市", 92.0, "未完成", " 基本 完成", 1),
                _unit("宁乡市", 92.0, "已完成", "未完成", None),
            ],
        )
    }
    liuyang, liling, ningxiang = got["浏阳市"], got["醴陵市"], got["宁乡市"]
    assert [(i.score, i.basis) for i in liuyang.indicators] == [
        (6.7, "实际值 103.50%,高于目标 100% 3.5 个百分点,每 1 个百分点加 0.2 分,得 6 + 0.7 = 6.7 分"),
        (2.4, "“基本完成”,按 60% 计 2.4 分"),
        (8.0, "“已完成”,得满分 8 分"),
    ]
    assert [i.value for i in liuyang.indicators] == [103.5, 0.6, 1.0]
    from assess.render.scoresheet import value_text

    # the sheet's 实际值 of a ladder is the word reported, not its share
    assert [value_text(i) for i in liuyang.indicators] == ["103.50%", "基本完成", "已完成"]
    assert [(i.score, i.basis) for i in liling.indicators] == [
        (
            0.0,
            "发生造成恶劣影响的涉贫舆情事件,该项不得分(原得分 2 分);原计分依据:"
            "实际值 92.00%,低于目标 100% 8 个百分点,每 1 个百分点扣 0.5 分,得 6 − 4 = 2 分",
        ),
        (0.0, "“未完成”,不得分"),
        (4.8, "“基本完成”,按 60% 计 4.8 分"),  # the word as listed, whatever the spaces typed
    ]
    assert _ind(liling, "1.1").lost == 8.0
    # a condition that cannot be judged: not applied, said in the basis and as a warning
    assert _ind(ningxiang, "1.1").score == 2.0
    assert _ind(ningxiang, "1.1").basis.endswith(
        ";“发生造成恶劣影响的涉贫舆情事件”无法判断(重大舆情 缺失),未调整得分"
    )
    warned = [f for f in ningxiang.findings if f["code"] == "override-unknown"]
    assert [(f["severity"], f["message"]) for f in warned] == [
        (
            "warning",
            "宁乡市的指标 1.1 得分调整条件“重大舆情 == 1”(发生造成恶劣影响的涉贫舆情事件)无法判断"
            "(重大舆情 缺失),未调整得分;请核实后补报",
        )
    ]
    assert not liuyang.findings and not liling.findings


def test_a_word_not_in_the_ladder_is_a_data_error(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    (r,) = score_units(plan, [_unit("浏阳市", 100, "很好", "已完成", 0)])
    assert _ind(r, "1.2").status == "error"
    assert _ind(r, "1.2").basis == (
        "数据有误(应填“已完成”“基本完成”“未完成”之一,实际为“很好”),方案未规定缺数据如何计分,暂计 0 分"
    )


OVERRIDES = """\
id: ov
title: 得分调整测试
year: 2024
full_score: 12
missing: zero
fields:
  - {id: 舆情, name: 是否发生舆情, kind: bool}
  - {id: 推广, name: 是否被推广, kind: bool}
categories:
  - id: "1"
    name: 类
    points: 12
    indicators:
      - id: "1.1"
        name: 风险消除率
        points: 4
        unit: "%"
        rule: {type: linear, floor: 60, target: 90}
        override:
          - {when: 舆情 == 1, score: 0, reason: 发生舆情}
          - {when: 推广 == 1, share: 1, reason: 经验被国家层面推广}
          - {when: 'value("1.1") < 65', share: 0.25, reason: 消除率过低}
      - {id: "1.2", name: 排名项, points: 4, rule: {type: rank, scores: [4, 3], others: 1}, override: [{when: 舆情 == 1, score: 0.5, reason: 发生舆情}]}
      - {id: "1.3", name: 其他, points: 4, rule: {type: threshold, target: 1}}
"""


def _ov_unit(name: str, rate: float | None, opinion: float, spread: float, rank: float = 1) -> UnitData:
    values = {
        "1.1": Value(rate) if rate is not None else Value(None, MISSING),
        "1.2": Value(rank),
        "1.3": Value(1.0),
        "舆情": Value(opinion),
        "推广": Value(spread),
    }
    return UnitData(name, None, 2024, values, {}, file=f"{name}.xlsx")


def test_overrides_first_holding_wins_after_the_rule(tmp_path: Path) -> None:
    plan = _plan(tmp_path, OVERRIDES)
    units = [
        _ov_unit("甲", 75, 0, 1, 3),
        _ov_unit("乙", 75, 1, 1, 2),
        _ov_unit("丙", 62, 0, 0, 1),
        _ov_unit("丁", None, 0, 1),
        _ov_unit("戊", 80, 0, 0),
    ]
    got = {r.unit: r for r in score_units(plan, units)}
    assert _ind(got["甲"], "1.1").basis == (
        "经验被国家层面推广,该项得满分 4 分(原得分 2 分);原计分依据:"
        "实际值 75.00% 介于 60%(0 分)与 90%(满分)之间,按比例得 2 分"
    )
    assert _ind(got["乙"], "1.1").basis.startswith("发生舆情,该项不得分(原得分 2 分)")  # the first that holds
    assert _ind(got["丙"], "1.1").basis.startswith("消除率过低,该项得 1 分(原得分 0.27 分)")
    # the missing policy scored it, then the fact decided
    assert (
        _ind(got["丁"], "1.1").basis
        == "经验被国家层面推广,该项得满分 4 分(原得分 0 分);原计分依据:未填报,按方案计 0 分"
    )
    assert _ind(got["戊"], "1.1").score == 2.67 and "原得分" not in _ind(got["戊"], "1.1").basis
    # a cohort rule: applied after the cohort pass
    assert _ind(got["乙"], "1.2").basis.startswith(
        "发生舆情,该项得 0.5 分(原得分 3 分);原计分依据:实际值 2,全体第 2 名"
    )
    assert [_ind(got[u], "1.2").score for u in "甲丙丁戊"] == [4.0, 1.0, 1.0, 1.0]
    # scored alone, a cohort rule has no score: nothing to adjust
    (alone,) = score_units(plan, [units[1]])
    assert _ind(alone, "1.2").score is None and "原得分" not in _ind(alone, "1.2").basis


def test_base_against_the_units_own_target(tmp_path: Path) -> None:
    text = """\
    id: own
    title: 测试
    year: 2024
    full_score: 8
    fields:
      - {id: 面积, name: 粮食播种面积, unit: 万亩}
      - {id: 任务, name: 粮食播种面积下达任务, unit: 万亩}
    categories:
      - id: "1"
        name: 类
        points: 8
        indicators:
          - {id: "1.1", name: 播种面积, points: 8, unit: 万亩, field: 面积, rule: {type: base, target: 任务, base: 6, above: 1, below: 2}}
    """
    plan = _plan(tmp_path, text)
    units = [
        UnitData(
            name,
            None,
            2024,
            {"面积": Value(area), "任务": Value(task, where="指标数据!D5", file=f"{name}.xlsx")},
            {},
            file=f"{name}.xlsx",
        )
        for name, area, task in (("浏阳市", 96.5, 95), ("醴陵市", 93, 95))
    ]
    got = {r.unit: _ind(r, "1.1") for r in score_units(plan, units)}
    assert got["浏阳市"].basis == (
        "实际值 96.5 万亩,高于本单位目标任务 95 万亩(浏阳市.xlsx 指标数据!D5) 1.5 万亩,每 1 万亩加 1 分,"
        "得 6 + 1.5 = 7.5 分"
    )
    assert got["醴陵市"].basis == (
        "实际值 93 万亩,低于本单位目标任务 95 万亩(醴陵市.xlsx 指标数据!D5) 2 万亩,每 1 万亩扣 2 分,得 6 − 4 = 2 分"
    )
    assert got["醴陵市"].target == 95.0
    assert array_support(plan) == ["指标 1.1 按本单位目标计分(目标取自各单位的数据)"]


# ---- the array path: the same figures, or refused in one place ------------------------------


def _random_units(plan: Plan, rng: random.Random, n: int) -> list[UnitData]:
    units = []
    for k in range(n):
        opinion = rng.choice([Value(0.0), Value(0.0), Value(1.0), Value(None, MISSING)])
        values = {
            "1.1": Value(rng.choice([100.0, 92.0, 103.5, 120.0, round(rng.uniform(70, 125), 2)])),
            "1.2": Value(rng.choice(LEVELS)[1]),
            "进度": Value(rng.choice(LEVELS)[1]),
            "重大舆情": opinion,
        }
        units.append(UnitData(f"县{k:02d}", None, 2024, values, {}, file=f"{k}.xlsx"))
    return units


@pytest.mark.parametrize("seed", range(5))
def test_the_array_path_scores_them_as_the_engine(tmp_path: Path, seed: int) -> None:
    plan = _plan(tmp_path)
    assert array_support(plan, columns=True, units=10) == []
    check_contract(plan, _random_units(plan, random.Random(seed), 12))


def test_a_condition_with_text_sends_brief_to_the_engine(tmp_path: Path) -> None:
    text = SCHEME.replace("when: 重大舆情 == 1,", "when: '进度 == \"停工\"',")
    plan = _plan(tmp_path, text)
    assert array_support(plan, columns=True) == ["指标 1.1 的得分调整条件含文字,无法按列计算"]
    assert array_support(plan) == []  # --sensitivity takes the engine's values: no refusal
    assert brief_columns(plan, _random_units(plan, random.Random(1), 5)) is None


# ---- explain, what-if, diff, rectify ----------------------------------------------------------


def test_explain_aims_and_says_what_an_override_decides(tmp_path: Path) -> None:
    from assess.analysis.gaps import explain_unit
    from assess.analysis.rescore import Rescorer
    from assess.analysis.suggest import unit_suggestions

    plan = _plan(tmp_path)
    units = [
        _unit("浏阳市", 103.5, "基本完成", "已完成", 0),
        _unit("醴陵市", 92.0, "未完成", "未完成", 1),
        _unit("宁乡市", 92.0, None, "基本完成", 0),
    ]
    rs = Rescorer(plan, [prepare(plan, u) for u in units])
    said = [s.text for s in unit_suggestions(plan, rs, 0, rs.results[0])]
    assert said == [
        "衔接资金支出进度需由 103.50% 提高到 110.00% 方可得满分,可增 1.30 分",
        "重点任务完成情况需由“基本完成”提高到“已完成”方可得满分,可增 1.60 分",
    ]
    third = [s.text for s in unit_suggestions(plan, rs, 2, rs.results[2])]
    assert third == [
        "衔接资金支出进度需由 92.00% 提高到 100.00% 方可得基本分,可增 4.00 分",
        "衔接资金支出进度需由 92.00% 提高到 110.00% 方可得满分,可增 6.00 分",
        "重点任务完成情况(未填报)需达到“基本完成”方可进入上一档,可增 2.40 分",
        "重点任务完成情况(未填报)需达到“已完成”方可得满分,可增 4.00 分",
        "项目建设需由“基本完成”提高到“已完成”方可得满分,可增 3.20 分",
    ]
    second = explain_unit(plan, rs, 1)
    assert "1.1" not in [s.id for s in second.suggestions]
    assert (
        "指标 1.1“衔接资金支出进度”因“发生造成恶劣影响的涉贫舆情事件”按得分调整计 0 分,提高该项数值不能增加得分"
        in (second.notes)
    )


def test_base_aims_with_steps_counted_whole_or_started() -> None:
    from assess.analysis.aims import aims
    from assess.scheme.plan import PlanIndicator

    ind = PlanIndicator(
        id="1.1",
        name="甲",
        points=8,
        unit="%",
        kind="percent",
        direction="higher",
        category=0,
        parent=None,
        department=None,
        source_note=None,
        nature=None,
        standard=None,
        key="1.1",
        formula=None,
        rule=_base(),
        rules_by_group={},
        missing="zero",
        rectify=None,
        position=0,
    )
    for count, want in (("exact", (110.0, False)), ("whole", (110.0, False)), ("started", (109.0, True))):
        rule = _base(count=count)
        found = aims(ind, rule, 96.0, 4.0, 8)
        assert [(a.value, a.strict, a.label) for a in found] == [(100, False, "达到目标"), (*want, "满分")]
        assert R.base(want[0] + (0.01 if want[1] else 0), 8, rule, "higher", "%")[0] == 8
    # a cap below the points: the value reaching the cap
    found = aims(ind, _base(max=7), 96.0, 4.0, 8)
    assert [(a.value, a.label) for a in found] == [(100, "达到目标"), (105.0, "最高分")]


def test_what_if_takes_a_word(tmp_path: Path) -> None:
    from assess.analysis.whatif import parse_assignments

    plan = _plan(tmp_path)
    got = parse_assignments(plan, ["1.2=基本完成", "项目建设进度=已完成", "1.1=99"])
    assert [(a.target, a.value) for a in got] == [("1.2", 0.6), ("进度", 1.0), ("1.1", 99.0)]


def test_diff_describes_the_rules_and_overrides(tmp_path: Path) -> None:
    from assess.analysis.diff import diff_schemes

    new = _plan(tmp_path)
    old_text = (
        SCHEME.replace(
            "rule: {type: base, target: 100, base: 6, above: 0.2, below: 0.5, per: 1, max: 8, min: 0}",
            "rule: {type: ratio, target: 100}",
        )
        .replace(
            '基本完成: 0.6, 未完成: 0}}\n      - id: "1.3"', '基本完成: 0.5, 未完成: 0}}\n      - id: "1.3"'
        )
        .replace(
            "        override:\n          - {when: 重大舆情 == 1, score: 0, reason: 发生造成恶劣影响的涉贫舆情事件}\n",
            "",
        )
    )
    (tmp_path / "old").mkdir()
    old = _plan(tmp_path / "old", old_text)
    changes = [(c.kind, c.id, c.old, c.new, c.note) for c in diff_schemes(old.scheme, new.scheme).changes]
    assert changes == [
        (
            "计分规则",
            "1.1",
            "按完成比例计分(目标值 100%)",
            "基本分加减计分(目标值 100%,基本分 6 分,每优于 1 个百分点加 0.2 分,每差于 1 个百分点扣 0.5 分)",
            "计分方法改变",
        ),
        (
            "计分规则",
            "1.1",
            "无",
            "发生造成恶劣影响的涉贫舆情事件(重大舆情 == 1)计 0 分",
            "得分调整(override)改变",
        ),
        (
            "计分规则",
            "1.2",
            "等次及得分比例:已完成 100%、基本完成 50%、未完成 0%",
            "等次及得分比例:已完成 100%、基本完成 60%、未完成 0%",
            "等次及得分比例调整",
        ),
    ]


def test_rectify_target_of_a_base_rule(tmp_path: Path) -> None:
    from assess.rectify.problems import problems_from_results

    text = SCHEME.replace(
        "        override:\n",
        "        rectify: {problem: '{name}为 {value},未达到目标 {target},失分 {lost} 分'}\n        override:\n",
    )
    plan = _plan(tmp_path, text)
    results = score_units(plan, [_unit("浏阳市", 96.0, "已完成", "已完成", 0)])
    problems = problems_from_results(plan, [r.to_dict() for r in results], dt.date(2025, 3, 31))
    assert [p.description for p in problems if p.indicator == "1.1 衔接资金支出进度"] == [
        "衔接资金支出进度为 96.00%,未达到目标 100%,失分 4 分"
    ]


# ---- the command line on workbooks -----------------------------------------------------------


def _county(folder: Path, unit: str, rate: Any, task: Any, progress: Any, opinion: Any) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标数据"
    ws.append(["单位名称", unit])
    ws.append(["年度", 2024])
    ws.append(["指标编码", "指标名称", "计量单位", "本年数值"])
    ws.append(["1.1", "衔接资金支出进度", "%", rate])
    ws.append(["1.2", "重点任务完成情况", "", task])
    ws.append(["", "项目建设进度", "", progress])
    ws.append(["", "是否发生重大涉贫舆情", "", opinion])
    wb.save(folder / f"{unit}.xlsx")


@pytest.fixture()
def runner() -> Any:
    from click.testing import CliRunner

    return CliRunner()


def test_score_rank_and_explain_on_workbooks(runner: Any, tmp_path: Path) -> None:
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    folder = tmp_path / "报表"
    folder.mkdir()
    _county(folder, "浏阳市", 103.5, "基本完成", "已完成", "否")
    _county(folder, "醴陵市", 92, "未完成", "基本完成", "是")
    _county(folder, "宁乡市", 100, "很好", "已完成", "否")
    result = invoke(runner, "score", "-s", str(scheme), str(folder), "--format", "json")
    assert result.exit_code == 1  # a word not in the ladder is a data problem
    units = {u["unit"]: u for u in json.loads(result.stdout)["units"]}
    first = {i["id"]: i for i in units["浏阳市"]["indicators"]}
    assert [first[k]["basis"] for k in ("1.1", "1.2", "1.3")] == [
        "实际值 103.50%,高于目标 100% 3.5 个百分点,每 1 个百分点加 0.2 分,得 6 + 0.7 = 6.7 分",
        "“基本完成”,按 60% 计 2.4 分",
        "“已完成”,得满分 8 分",
    ]
    second = {i["id"]: i for i in units["醴陵市"]["indicators"]}
    assert second["1.1"]["basis"].startswith("发生造成恶劣影响的涉贫舆情事件,该项不得分(原得分 2 分)")
    bad = [f for f in units["宁乡市"]["findings"] if f["code"] == "bad-value"]
    assert [(f["location"]["sheet"], f["location"]["cell"]) for f in bad] == [("指标数据", "D5")]
    assert "应填“已完成”“基本完成”“未完成”之一,实际为“很好”" in bad[0]["message"]
    ranked = invoke(runner, "rank", "-s", str(scheme), str(folder), "--format", "json", "-q")
    brief = invoke(runner, "rank", "-s", str(scheme), str(folder), "--brief", "--format", "json", "-q")
    totals = {u["unit"]: u["total"] for u in json.loads(ranked.stdout)["units"]}
    assert totals == {"浏阳市": 17.1, "醴陵市": 4.8, "宁乡市": 14.0}
    assert {u["unit"]: u["total"] for u in json.loads(brief.stdout)["units"]} == totals
    explained = invoke(
        runner,
        "explain",
        "-s",
        str(scheme),
        str(folder),
        "--unit",
        "醴陵市",
        "--set",
        "1.2=已完成",
        "--format",
        "json",
    )
    assert explained.exit_code == 0, explained.output
    doc = json.loads(explained.stdout)
    text = json.dumps(doc, ensure_ascii=False)
    assert "因“发生造成恶劣影响的涉贫舆情事件”按得分调整计 0 分" in text
    assert "重点任务完成情况需由“未完成”提高到“已完成”方可得满分" in text
    table = invoke(runner, "explain", "-s", str(scheme), str(folder), "--unit", "浏阳市")
    assert "重点任务完成情况需由“基本完成”提高到“已完成”方可得满分" in table.stdout


def test_check_points_at_a_bad_override(runner: Any, tmp_path: Path) -> None:
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(
        SCHEME.replace("when: 重大舆情 == 1, score: 0", "when: 舆情 == 1, score: 9"), encoding="utf-8"
    )
    result = invoke(runner, "check", str(scheme), "--format", "json")
    assert result.exit_code == 1
    found = [
        (f["code"], f["location"]["line"], f["location"]["column"], f["message"])
        for f in json.loads(result.stdout)["findings"]
    ]
    assert found == [
        ("unknown-name", 19, 14, "得分调整条件“舆情 == 1”引用了未定义的“舆情”"),
        ("override", 19, 29, "指标 1.1 的得分调整“发生造成恶劣影响的涉贫舆情事件”得分 9 大于分值 8"),
    ]
