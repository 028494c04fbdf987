"""One test (or a small table of cases) per rule type, with hand-computed expectations.

Every expected score is worked out in the comment next to it; the basis
strings (计分依据) are part of the contract and asserted verbatim for a
representative subset.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scoring_support import BAD, BLANK, by_unit, ind, one_indicator, plan_from_text, score_one, unit

from assess.scoring.engine import score_units

# ---- threshold -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        # 64.3 ≥ 60 → full 5
        (64.3, 5.0, "实际值 64.30% ≥ 目标 60%,得满分 5 分"),
        # exactly at target, inclusive by default → full 5
        (60, 5.0, "实际值 60.00% ≥ 目标 60%,得满分 5 分"),
        # 59.99 < 60 → partial 1
        (59.99, 1.0, "实际值 59.99% < 目标 60%,未达标,得 1 分"),
    ],
)
def test_threshold_higher(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, "{type: threshold, target: 60, partial: 1}")
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)
    assert res.lost == 5.0 - score
    assert res.target == 60


def test_threshold_not_inclusive(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: threshold, target: 60, inclusive: false}")
    # exactly 60 does not pass "> 60" → partial 0
    res = score_one(plan, 60)
    assert (res.score, res.basis) == (0.0, "实际值 60.00% ≤ 目标 60%,未达标,不得分")
    assert score_one(plan, 60.01).score == 5.0


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        # lower is better: 1.00 ≤ 1 → full 2
        (1.0, 2.0, "实际值 1.00% ≤ 目标 1%,得满分 2 分"),
        # 1.01 > 1 → 0
        (1.01, 0.0, "实际值 1.01% > 目标 1%,未达标,不得分"),
        (0, 2.0, "实际值 0.00% ≤ 目标 1%,得满分 2 分"),
    ],
)
def test_threshold_lower(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, "{type: threshold, target: 1}", points=2, direction="lower")
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


def test_threshold_by_group(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: threshold, target: 60, by_group: {重点帮扶县: {target: 55}}}",
        points=4,
        head="""
        groups:
          - {id: key, name: 重点帮扶县}
          - {id: general, name: 面上县}
        """,
    )
    # 57 ≥ 55 in the key group → full 4; 57 < 60 elsewhere → 0
    key = score_one(plan, 57, group="重点帮扶县")
    other = score_one(plan, 57, group="面上县")
    assert (key.score, key.target, key.basis) == (
        4.0,
        55,
        "实际值 57.00% ≥ 目标 55%,得满分 4 分",
    )
    assert (other.score, other.target, other.basis) == (
        0.0,
        60,
        "实际值 57.00% < 目标 60%,未达标,不得分",
    )


RATE_SCHEME = """
id: t
title: 测试
year: 2024
fields:
  - {id: 已消除, name: 已消除风险人数, kind: count}
  - {id: 监测对象, name: 监测对象人数, kind: count}
categories:
  - id: "1"
    name: 一类
    points: 5
    indicators:
      - id: "1.1"
        name: 风险消除率
        points: 5
        unit: "%"
        formula: 已消除 / 监测对象 * 100
        rule: {type: threshold, target: 57}
"""


def test_threshold_formula_value_exactly_at_target(tmp_path: Path) -> None:
    # 57 / 100 * 100 is 56.99999999999999 in binary floats; the clerk's 57% meets 57%.
    plan = plan_from_text(tmp_path, RATE_SCHEME)
    [res] = score_units(plan, [unit("甲县", {"已消除": 57, "监测对象": 100})])
    r = ind(res, "1.1")
    assert r.value == 57.0
    assert (r.score, r.basis) == (5.0, "实际值 57.00% ≥ 目标 57%,得满分 5 分")
    assert r.source == "已消除 / 监测对象 * 100"
    assert [(i["name"], i["value"]) for i in r.inputs] == [
        ("已消除", 57.0),
        ("监测对象", 100.0),
    ]


def test_formula_zero_denominator_is_missing_with_reason(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, RATE_SCHEME)
    [res] = score_units(plan, [unit("甲县", {"已消除": 0, "监测对象": 0})])
    r = ind(res, "1.1")
    assert (r.value, r.status, r.score) == (None, "missing", 0.0)
    assert r.basis == "无法计算(分母为 0),方案未规定缺数据如何计分,暂计 0 分"


def test_formula_missing_input_names_it(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, RATE_SCHEME)
    [res] = score_units(plan, [unit("甲县", {"已消除": 5})])
    r = ind(res, "1.1")
    assert (r.status, r.score, r.basis) == (
        "missing",
        0.0,
        "未填报(缺少 监测对象),方案未规定缺数据如何计分,暂计 0 分",
    )


def test_formula_wrong_input_says_what_is_wrong(tmp_path: Path) -> None:
    """A wrong cell was reported as 缺少 (missing), sending the clerk looking for a blank."""
    plan = plan_from_text(tmp_path, RATE_SCHEME)
    wrong = {"已消除": 5, "监测对象": BAD}
    wrong_noted = {"已消除": BLANK, "监测对象": 5}
    [a, b] = score_units(plan, [unit("甲县", wrong), unit("乙县", wrong_noted)])
    assert ind(a, "1.1").basis == "数据有误(监测对象 有误),方案未规定缺数据如何计分,暂计 0 分"
    units = [unit("丙县", {"已消除": BAD, "监测对象": BLANK})]
    units[0].values["已消除"].note = "单元格为错误值 #DIV/0!(除数为零)"
    [c] = score_units(plan, units)
    assert (
        ind(c, "1.1").basis
        == "数据有误(缺少 监测对象;已消除:单元格为错误值 #DIV/0!(除数为零)),方案未规定缺数据如何计分,暂计 0 分"
    )
    assert ind(b, "1.1").basis == "未填报(缺少 已消除),方案未规定缺数据如何计分,暂计 0 分"


def test_an_aggregate_too_large_for_a_float_is_an_error(tmp_path: Path) -> None:
    """Two villages' incomes near 1e308, each a valid cell, sum to infinity: the full JSON
    crashed on it (exit 3) and the brief table on columns scored it as a number."""
    from assess.workbook.data import TableData

    plan = plan_from_text(
        tmp_path,
        """
        id: t
        title: 测试
        year: 2024
        tables:
          - id: villages
            name: 村级明细
            columns:
              - {id: 收入, name: 集体经济收入}
        fields:
          - {id: 收入合计, name: 集体经济收入合计, aggregate: {table: villages, op: sum, column: 收入}}
        categories:
          - id: "1"
            name: 一类
            points: 10
            indicators:
              - {id: "1.1", name: 收入合计, points: 5, field: 收入合计, rule: {type: threshold, target: 10}}
              - {id: "1.2", name: 收入合计加一, points: 5, formula: 收入合计 + 1, rule: {type: threshold, target: 10}}
        """,
    )
    units = [unit("甲县"), unit("乙县")]
    for u, incomes in zip(units, ([1e308, 1e308], [12.0]), strict=True):
        u.tables["villages"] = TableData(
            "villages", u.file, "村级明细", rows=[2, 3][: len(incomes)], columns={"收入": incomes}
        )
    a, b = score_units(plan, units)
    too_large = "明细表汇总结果超出数值范围(明细中的数过大)"
    assert (ind(a, "1.1").status, ind(a, "1.1").basis) == (
        "error",
        f"数据有误({too_large}),方案未规定缺数据如何计分,暂计 0 分",
    )
    assert ind(a, "1.2").basis == f"数据有误(收入合计:{too_large}),方案未规定缺数据如何计分,暂计 0 分"
    assert (ind(b, "1.1").value, ind(b, "1.1").score) == (12.0, 5.0)


def test_formula_negative_denominator_is_computed_and_flagged_where_typed(tmp_path: Path) -> None:
    """Formulas are arithmetic: a negative denominator gives a negative rate, scored as it is.

    A negative head count is an error finding at its cell when the workbook is
    read (test_county_negative_count_is_an_error_where_it_was_typed), so
    ``check`` exits 1, ``rank --strict`` refuses, and the unit's findings say
    it; the engine does not second-guess a formula whose inputs were reported.
    """
    plan = plan_from_text(tmp_path, RATE_SCHEME)
    [res] = score_units(plan, [unit("甲县", {"已消除": 5, "监测对象": -10})])
    r = ind(res, "1.1")
    assert (r.value, r.status, r.score) == (-50.0, "ok", 0.0)


# ---- linear ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        (85, 4.0, "实际值 85.00% 达到满分值 85%,得满分 4 分"),
        (90, 4.0, "实际值 90.00% 达到满分值 85%,得满分 4 分"),
        (60, 0.0, "实际值 60.00% 达到不得分值 60%,不得分"),
        (50, 0.0, "实际值 50.00% 达到不得分值 60%,不得分"),
        # 4 × (72.5 − 60) / (85 − 60) = 4 × 12.5 / 25 = 2
        (72.5, 2.0, "实际值 72.50% 介于 60%(0 分)与 85%(满分)之间,按比例得 2 分"),
        # 4 × (70 − 60) / 25 = 1.6
        (70, 1.6, "实际值 70.00% 介于 60%(0 分)与 85%(满分)之间,按比例得 1.6 分"),
    ],
)
def test_linear_higher(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, "{type: linear, floor: 60, target: 85}", points=4)
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        (15, 2.0, "实际值 15 天 达到满分值 15 天,得满分 2 分"),
        (30, 0.0, "实际值 30 天 达到不得分值 30 天,不得分"),
        # 2 × (20 − 30) / (15 − 30) = 2 × 10 / 15 = 1.333… → 1.33
        (20, 1.33, "实际值 20 天 介于 30 天(0 分)与 15 天(满分)之间,按比例得 1.33 分"),
        # 2 × (30 − 17) / 15 = 1.7333… → 1.73
        (17, 1.73, "实际值 17 天 介于 30 天(0 分)与 15 天(满分)之间,按比例得 1.73 分"),
    ],
)
def test_linear_lower(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: linear, floor: 30, target: 15}",
        points=2,
        unit_="天",
        direction="lower",
    )
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


# ---- step ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        (100, 3.0, "实际值 100.00% 达到基准 100%,得满分 3 分"),
        # gap 0.15 → 1.5 steps, whole → 1 step → 3 − 1 = 2
        (
            99.85,
            2.0,
            "实际值 99.85% 低于基准 100% 0.15 个百分点,计 1 档,每档扣 1 分,扣 1 分,得 2 分",
        ),
        # gap 0.2 → exactly 2 steps (no float artefact: 0.19999… would be 1) → 1
        (
            99.8,
            1.0,
            "实际值 99.80% 低于基准 100% 0.2 个百分点,计 2 档,每档扣 1 分,扣 2 分,得 1 分",
        ),
        # gap 0.05 → 0 whole steps → full, no deduction
        (
            99.95,
            3.0,
            "实际值 99.95% 低于基准 100% 0.05 个百分点,计 0 档,每档扣 1 分,扣 0 分,得 3 分",
        ),
        # gap 0.5 → 5 steps → 5 points > 3 → floored at zero
        (
            99.5,
            0.0,
            "实际值 99.50% 低于基准 100% 0.5 个百分点,计 5 档,每档扣 1 分,扣 3 分,扣完为止,不得分",
        ),
    ],
)
def test_step_whole(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, "{type: step, baseline: 100, step: 0.1, deduct: 1}", points=3)
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (100, 3.0),
        (96, 2.0),  # gap 4 → 0.8 step, started → 1 → 3 − 1 = 2
        (95, 2.0),  # gap 5 → exactly 1 step → 2
        (90, 1.0),  # gap 10 → exactly 2 steps (not 3) → 1
        (89.99, 0.0),  # gap 10.01 → 2.002 → 3 steps → 0
    ],
)
def test_step_started(tmp_path: Path, value: float, score: float) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: step, baseline: 100, step: 5, deduct: 1, count: started}",
        points=3,
    )
    assert score_one(plan, value).score == score


def test_step_exact(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: step, baseline: 100, step: 2, deduct: 1, count: exact}",
        points=3,
    )
    # gap 3 → 1.5 steps × 1 = 1.5 → 3 − 1.5 = 1.5
    res = score_one(plan, 97)
    assert (res.score, res.basis) == (
        1.5,
        "实际值 97.00% 低于基准 100% 3 个百分点,计 1.5 档,每档扣 1 分,扣 1.5 分,得 1.5 分",
    )
    # gap 1 → 0.5 step → 2.5
    assert score_one(plan, 99).score == 2.5


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        (3, 3.0, "实际值 3.00% 达到基准 3%,得满分 3 分"),
        (2.1, 3.0, "实际值 2.10% 达到基准 3%,得满分 3 分"),
        # gap 1.2 → 2.4 steps, whole 2 → 3 − 2 = 1
        (
            4.2,
            1.0,
            "实际值 4.20% 超过基准 3% 1.2 个百分点,计 2 档,每档扣 1 分,扣 2 分,得 1 分",
        ),
        # gap 7 → 14 steps → capped at the 3 points
        (
            10,
            0.0,
            "实际值 10.00% 超过基准 3% 7 个百分点,计 14 档,每档扣 1 分,扣 3 分,扣完为止,不得分",
        ),
    ],
)
def test_step_lower(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: step, baseline: 3, step: 0.5, deduct: 1}",
        points=3,
        direction="lower",
    )
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


def test_step_without_unit_has_no_stray_space(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: step, baseline: 10, step: 1, deduct: 0.5}",
        points=2,
        unit_=None,
    )
    # gap 3 → 3 steps × 0.5 = 1.5 → 0.5
    res = score_one(plan, 7)
    assert (res.score, res.basis) == (
        0.5,
        "实际值 7 低于基准 10 3,计 3 档,每档扣 0.5 分,扣 1.5 分,得 0.5 分",
    )


# ---- bands -----------------------------------------------------------------

BANDS_1_1 = (
    "{type: bands, bands: [{min: 70, score: 5}, {min: 60, max: 70, score: 4},"
    " {min: 50, max: 60, score: 3}, {max: 50, score: 1}]}"
)


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        (70, 5.0, "实际值 70.00% 在“≥ 70%”档,得 5 分"),  # min inclusive by default
        (
            69.99,
            4.0,
            "实际值 69.99% 在“60%(含)—70%”档,得 4 分",
        ),  # max exclusive by default
        (60, 4.0, "实际值 60.00% 在“60%(含)—70%”档,得 4 分"),
        (59.99, 3.0, "实际值 59.99% 在“50%(含)—60%”档,得 3 分"),
        (50, 3.0, "实际值 50.00% 在“50%(含)—60%”档,得 3 分"),
        (49.99, 1.0, "实际值 49.99% 在“< 50%”档,得 1 分"),
    ],
)
def test_bands_default_edges(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, BANDS_1_1)
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        # 90 belongs to the lower band (include_max: true), not the upper (include_min: false)
        (90, 2.0, "实际值 90.00% 在“≤ 90%”档,得 2 分"),
        (90.01, 5.0, "实际值 90.01% 在“90%—100%(含)”档,得 5 分"),
        (100, 5.0, "实际值 100.00% 在“90%—100%(含)”档,得 5 分"),
        (100.5, 0.0, "实际值 100.50% 不在任何一档内,不得分"),
    ],
)
def test_bands_inclusive_flags(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: bands, bands: [{min: 90, max: 100, include_min: false, include_max: true, score: 5},"
        " {max: 90, include_max: true, score: 2}]}",
    )
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


def test_bands_share(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: bands, bands: [{min: 95, share: 1}, {min: 90, max: 95, share: 0.8},"
        " {min: 85, max: 90, share: 0.6}, {max: 85, share: 0.2}]}",
    )
    assert score_one(plan, 92).score == 4.0  # 0.8 × 5
    assert score_one(plan, 86).score == 3.0  # 0.6 × 5 (3.0000000000000004 in floats)
    assert score_one(plan, 10).score == 1.0  # 0.2 × 5


# ---- ratio -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        # 4 × 2 / 2.5 = 3.2
        (2, 3.2, "实际值 2 ÷ 目标 2.5 × 4 分 = 3.2 分,得 3.2 分"),
        (2.5, 4.0, "实际值 2.5 ÷ 目标 2.5 × 4 分 = 4 分,得 4 分"),
        # 4 × 3 / 2.5 = 4.8 → capped at 4
        (3, 4.0, "实际值 3 ÷ 目标 2.5 × 4 分 = 4.8 分(以分值为限),得 4 分"),
        (0, 0.0, "实际值 0 ÷ 目标 2.5 × 4 分 = 0 分,不得分"),
    ],
)
def test_ratio_higher(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, "{type: ratio, target: 2.5}", points=4, unit_=None)
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        # 4 × 1 / 2 = 2
        (2, 2.0, "目标 1% ÷ 实际值 2.00% × 4 分 = 2 分,得 2 分"),
        # 4 × 1 / 0.5 = 8 → capped at 4
        (0.5, 4.0, "目标 1% ÷ 实际值 0.50% × 4 分 = 8 分(以分值为限),得 4 分"),
        (0, 4.0, "实际值 0.00%,得满分 4 分"),
    ],
)
def test_ratio_lower(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, "{type: ratio, target: 1}", points=4, direction="lower")
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


# ---- deduct ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "score", "basis"),
    [
        (0, 2.0, "未发现问题,得满分 2 分"),
        # 3 × 0.5 = 1.5 → 2 − 1.5 = 0.5
        (3, 0.5, "发现问题 3 个,每个扣 0.5 分,扣 1.5 分"),
        # 4 × 0.5 = 2 = points: reaches the cap without exceeding it
        (4, 0.0, "发现问题 4 个,每个扣 0.5 分,扣 2 分"),
        # 5 × 0.5 = 2.5 > 2 → 2
        (5, 0.0, "发现问题 5 个,每个扣 0.5 分,扣 2 分(该项上限 2 分)"),
    ],
)
def test_deduct(tmp_path: Path, value: float, score: float, basis: str) -> None:
    plan = one_indicator(tmp_path, "{type: deduct, per_item: 0.5}", points=2, unit_="个")
    res = score_one(plan, value)
    assert (res.score, res.basis) == (score, basis)


def test_deduct_item_cap(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: deduct, per_item: 0.5, cap: 1}", points=2, unit_="户")
    # 3 × 0.5 = 1.5 > cap 1 → deduct 1 → 1
    res = score_one(plan, 3)
    assert (res.score, res.lost, res.basis) == (
        1.0,
        1.0,
        "发现问题 3 户,每户扣 0.5 分,扣 1 分(该项上限 1 分)",
    )


DEDUCT_GROUP = """
id: t
title: 测试
year: 2024
deduct_groups:
  - {id: conduct, name: 作风和督查问题扣分, cap: 4}
categories:
  - id: "4"
    name: 乡村治理
    points: 2
    indicators:
      - {id: "4.4", name: 移风易俗问题, points: 2, unit: 个, rule: {type: deduct, per_item: 0.5, cap_group: conduct}}
  - id: "6"
    name: 问题整改
    points: 3
    indicators:
      - {id: "6.3", name: 督查暗访发现问题, points: 3, unit: 个, rule: {type: deduct, per_item: 1, cap_group: conduct}}
"""


def test_deduct_shared_cap_group(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, DEDUCT_GROUP)
    [res] = score_units(plan, [unit("甲县", {"4.4": 4, "6.3": 3})])
    # 4.4: 4 × 0.5 = 2 (its own cap 2); 6.3: 3 × 1 = 3; together 5 > group cap 4 →
    # 4.4 (first in the scheme) keeps 2, 6.3 may deduct only 4 − 2 = 2 → 3 − 2 = 1
    a, b = ind(res, "4.4"), ind(res, "6.3")
    assert (a.score, a.lost) == (0.0, 2.0)
    assert (b.score, b.lost) == (1.0, 2.0)
    assert b.basis == "发现问题 3 个,每个扣 1 分,扣 3 分;与同组指标合计扣分达上限 4 分,本项实扣 2 分"
    assert res.total == 1.0  # 0 + 1


def test_deduct_shared_cap_group_not_reached(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, DEDUCT_GROUP)
    [res] = score_units(plan, [unit("甲县", {"4.4": 2, "6.3": 3})])
    # 1 + 3 = 4 = cap: nothing given back
    assert (ind(res, "4.4").score, ind(res, "6.3").score) == (1.0, 0.0)
    assert ind(res, "6.3").basis == "发现问题 3 个,每个扣 1 分,扣 3 分"


# ---- boolean and direct ----------------------------------------------------


def test_boolean(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: boolean}", points=2, unit_=None)
    yes, no = score_one(plan, True), score_one(plan, False)
    assert (yes.score, yes.basis) == (2.0, "填报“是”,符合要求,得满分 2 分")
    assert (no.score, no.basis) == (0.0, "填报“否”,不符合要求,不得分")
    plan = one_indicator(tmp_path, "{type: boolean, expect: false, partial: 0.5}", points=2, unit_=None)
    assert score_one(plan, False).score == 2.0
    assert score_one(plan, True).basis == "填报“是”,不符合要求,得 0.5 分"


def test_direct(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: direct, scale: 100}", points=2, unit_="分")
    # 85 / 100 × 2 = 1.7
    res = score_one(plan, 85)
    assert (res.score, res.basis) == (1.7, "直接采信得分 85 分(满分 100),折算为 1.7 分")
    plan = one_indicator(tmp_path, "{type: direct}", points=2, unit_="分")
    assert score_one(plan, 1.5).basis == "直接采信得分 1.5 分"
    res = score_one(plan, 2.5)
    assert (res.score, res.basis) == (2.0, "直接采信得分 2.5 分(超出分值,按 2 分计)")


def test_direct_rounds_half_up_in_score_and_basis(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: direct, scale: 100}", points=5, unit_="分")
    # 53.5 / 100 × 5 = 2.675 (2.67499… in binary) → half-up 2.68 in the score and in the text
    res = score_one(plan, 53.5)
    assert res.score == 2.68
    assert res.basis == "直接采信得分 53.5 分(满分 100),折算为 2.68 分"


# ---- cohort rules: rank, relative, minmax ----------------------------------


def _cohort(plan, values: dict[str, float], groups: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    units = [unit(name, {"1.1": v}, (groups or {}).get(name)) for name, v in values.items()]
    return {name: ind(r, "1.1") for name, r in by_unit(score_units(plan, units)).items()}


def test_rank_scores_with_shared_places(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: rank, scores: [4, 3.6, 3.2, 2.8, 2.4], others: 2}", points=4)
    res = _cohort(plan, {"A": 10, "B": 9, "C": 9, "D": 8, "E": 7, "F": 6, "G": 5})
    # places 1, 2, 2, 4, 5, 6, 7 → 4, 3.6, 3.6, 2.8, 2.4, others 2, 2
    assert {k: r.score for k, r in res.items()} == {
        "A": 4.0,
        "B": 3.6,
        "C": 3.6,
        "D": 2.8,
        "E": 2.4,
        "F": 2.0,
        "G": 2.0,
    }
    assert res["B"].basis == "实际值 9.00%,全体第 2 名(共 7 个单位),得 3.6 分"


def test_rank_first_step_lower_within_group(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: rank, first: 6, step: 0.5, others: 4.5}",
        points=6,
        direction="lower",
        head="""
        groups:
          - {id: a, name: 一类县}
          - {id: b, name: 二类县}
        """,
    )
    groups = {
        "A1": "一类县",
        "A2": "一类县",
        "A3": "一类县",
        "A4": "一类县",
        "A5": "一类县",
        "B1": "二类县",
        "B2": "二类县",
    }
    res = _cohort(plan, {"A1": 1, "A2": 2, "A3": 3, "A4": 4, "A5": 5, "B1": 9, "B2": 3}, groups)
    # lower is better; within 一类县: places 1..5 → 6, 5.5, 5, 4.5, max(4.5, 4) = 4.5
    assert [res[k].score for k in ("A1", "A2", "A3", "A4", "A5")] == [
        6.0,
        5.5,
        5.0,
        4.5,
        4.5,
    ]
    # 二类县 ranked apart: 3 is 1st, 9 is 2nd
    assert (res["B2"].score, res["B1"].score) == (6.0, 5.5)
    assert res["B1"].basis == "实际值 9.00%,二类县组内第 2 名(共 2 个单位),得 5.5 分"


def test_relative_to_best(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: relative, to: best}", points=4)
    res = _cohort(plan, {"A": 80, "B": 100, "C": 50})
    # 4 × 80 / 100 = 3.2; 4; 4 × 50 / 100 = 2
    assert [res[k].score for k in "ABC"] == [3.2, 4.0, 2.0]
    assert res["A"].basis == "实际值 80.00% ÷ 全体最好值 100.00% × 4 分,得 3.2 分"


def test_relative_to_best_lower(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: relative, to: best}", points=4, direction="lower")
    res = _cohort(plan, {"A": 2, "B": 4, "C": 8})
    # best (lowest) 2: 4 × 2 / 2 = 4; 4 × 2 / 4 = 2; 4 × 2 / 8 = 1
    assert [res[k].score for k in "ABC"] == [4.0, 2.0, 1.0]
    assert res["B"].basis == "全体最好值 2.00% ÷ 实际值 4.00% × 4 分,得 2 分"


def test_relative_to_best_honours_floor_and_cap(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: relative, to: best, floor: 1.5, cap: 3.5}", points=4)
    res = _cohort(plan, {"A": 100, "B": 80, "C": 10})
    # 4 × 100/100 = 4 → cap 3.5; 4 × 80/100 = 3.2; 4 × 10/100 = 0.4 → floor 1.5
    assert [res[k].score for k in "ABC"] == [3.5, 3.2, 1.5]
    assert res["A"].basis == "实际值 100.00% ÷ 全体最好值 100.00% × 4 分,得 3.5 分(上限 3.5 分)"
    assert res["C"].basis == "实际值 10.00% ÷ 全体最好值 100.00% × 4 分,得 1.5 分(下限 1.5 分)"


def test_relative_to_average(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: relative, to: average, at_average: 2.4, cap: 4, floor: 1.5}",
        points=4,
    )
    res = _cohort(plan, {"A": 20, "B": 100, "C": 180, "D": 300, "E": 150})
    # average (20 + 100 + 180 + 300 + 150) / 5 = 150
    # A 2.4 × 20/150 = 0.32 → floor 1.5; B 2.4 × 100/150 = 1.6; C 2.4 × 180/150 = 2.88;
    # D 2.4 × 300/150 = 4.8 → cap 4; E at the average → 2.4
    assert [res[k].score for k in "ABCDE"] == [1.5, 1.6, 2.88, 4.0, 2.4]
    assert res["B"].basis == "实际值 100.00%,全体平均 150.00%(低于平均),平均值得 2.4 分,按比例得 1.6 分"
    assert (
        res["D"].basis == "实际值 300.00%,全体平均 150.00%(优于平均),平均值得 2.4 分,按比例得 4 分(上限 4 分)"
    )
    assert res["E"].basis == "实际值 150.00%,全体平均 150.00%(等于平均),平均值得 2.4 分,按比例得 2.4 分"


def test_relative_to_average_lower(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: relative, to: average, at_average: 2.4, cap: 4, floor: 1.5}",
        points=4,
        direction="lower",
    )
    res = _cohort(plan, {"A": 0, "B": 1, "C": 2, "D": 5})
    # average (0 + 1 + 2 + 5) / 4 = 2
    # A 0 is the best possible for lower-is-better → cap 4
    # B 2.4 × 2/1 = 4.8 → cap 4; C = average → 2.4; D 2.4 × 2/5 = 0.96 → floor 1.5
    assert [res[k].score for k in "ABCD"] == [4.0, 4.0, 2.4, 1.5]
    assert (
        res["D"].basis == "实际值 5.00%,全体平均 2.00%(高于平均),平均值得 2.4 分,按比例得 1.5 分(下限 1.5 分)"
    )
    assert res["B"].basis == "实际值 1.00%,全体平均 2.00%(优于平均),平均值得 2.4 分,按比例得 4 分(上限 4 分)"


def test_minmax(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: minmax}", points=5)
    res = _cohort(plan, {"A": 2, "B": 5, "C": 8})
    # [(v − 2)/(8 − 2) × 40 + 60] / 100 × 5: A 60/100 × 5 = 3; B (0.5 × 40 + 60)/100 × 5 = 4; C 5
    assert [res[k].score for k in "ABC"] == [3.0, 4.0, 5.0]
    assert res["B"].basis == "[(5.00% − 2.00%)/(8.00% − 2.00%) × 40 + 60] / 100 × 5 = 4 分"


def test_minmax_lower_and_equal(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: minmax, base: 50, span: 50}", points=4, direction="lower")
    res = _cohort(plan, {"A": 2, "B": 5, "C": 8})
    # lower: [(8 − v)/(8 − 2) × 50 + 50] / 100 × 4: A 4; B (0.5 × 50 + 50)/100 × 4 = 3; C 2
    assert [res[k].score for k in "ABC"] == [4.0, 3.0, 2.0]
    assert res["B"].basis == "[(8.00% − 5.00%)/(8.00% − 2.00%) × 50 + 50] / 100 × 4 = 3 分"
    res = _cohort(plan, {"A": 3, "B": 3})
    assert res["A"].score == 4.0
    assert res["A"].basis == "全体各单位数值相同,均按最高值计,得 4 分"


@pytest.mark.parametrize(
    ("rule", "word"),
    [
        ("{type: rank, scores: [4, 3]}", "按排名赋分"),
        ("{type: relative, to: best}", "按相对值计分"),
        ("{type: minmax}", "按极差法计分"),
    ],
)
def test_cohort_rule_scored_alone(tmp_path: Path, rule: str, word: str) -> None:
    plan = plan_from_text(
        tmp_path,
        f"""
        id: t
        title: 测试
        year: 2024
        categories:
          - id: "1"
            name: 一类
            points: 100
            indicators:
              - {{id: "1.1", name: 甲, points: 40, unit: "%", rule: {rule}}}
              - {{id: "1.2", name: 乙, points: 60, unit: "%", rule: {{type: threshold, target: 50}}}}
        """,
    )
    [res] = score_units(plan, [unit("甲县", {"1.1": 9, "1.2": 50})])
    r = ind(res, "1.1")
    assert (r.status, r.score, r.lost) == ("cohort", None, 0.0)
    assert r.basis == f"实际值 9.00%;该指标{word},须与其他单位一并评分,单独评分时无法计算,未计入总分"
    assert res.incomplete == ["1.1"]
    # the cohort indicator stays in the applicable points: 60 of 100 earned, a lower bound,
    # never scaled up as if the indicator did not apply
    assert res.categories[0].applicable_points == 100
    assert res.categories[0].earned == 60
    assert res.total == 60.0


def test_ratio_basis_rounds_like_the_score(tmp_path: Path) -> None:
    plan = one_indicator(tmp_path, "{type: ratio, target: 20}", points=5, unit_=None)
    # 5 × 10.7 / 20 = 2.675, stored as 2.67499999…: half-up to 2.68 in the score and in the text
    res = score_one(plan, 10.7)
    assert res.score == 2.68
    assert res.basis == "实际值 10.7 ÷ 目标 20 × 5 分 = 2.68 分,得 2.68 分"
