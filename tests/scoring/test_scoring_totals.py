"""From indicator scores to the total: missing data, 不适用, third-level indicators,
category weights, weighted parts, bonus and penalties (with their caps)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scoring_support import BAD, BLANK, NA, ind, plan_from_text, unit

from assess.errors import DataError
from assess.scoring.engine import score_units

THREE = """
id: t
title: 测试
year: 2024
full_score: 100
not_applicable: {na}
missing: {missing}
categories:
  - id: "1"
    name: 甲类
    points: 50
    indicators:
      - {{id: "1.1", name: 一, points: 30, unit: 分, rule: {{type: direct}}}}
      - {{id: "1.2", name: 二, points: 20, unit: 分, rule: {{type: direct}}}}
  - id: "2"
    name: 乙类
    points: 50
    indicators:
      - {{id: "2.1", name: 三, points: 50, unit: 分, rule: {{type: direct}}}}
"""


def three(tmp_path: Path, na: str = "rescale_total", missing: str = "zero"):  # type: ignore[no-untyped-def]
    return plan_from_text(tmp_path, THREE.format(na=na, missing=missing))


def test_complete_unit_sums_categories(tmp_path: Path) -> None:
    [res] = score_units(three(tmp_path), [unit("甲县", {"1.1": 24, "1.2": 15.5, "2.1": 35})])
    # 甲类 24 + 15.5 = 39.5; 乙类 35; total 74.5
    assert [(c.id, c.score, c.earned, c.applicable_points) for c in res.categories] == [
        ("1", 39.5, 39.5, 50),
        ("2", 35.0, 35.0, 50),
    ]
    assert (res.base_total, res.total, res.applicable_points) == (74.5, 74.5, 100)


# ---- 不适用 -----------------------------------------------------------------


def test_not_applicable_rescale_total(tmp_path: Path) -> None:
    [res] = score_units(three(tmp_path), [unit("甲县", {"1.1": 24, "1.2": NA, "2.1": 35})])
    # earned 24 + 35 = 59 of applicable 30 + 50 = 80 → 59 / 80 × 100 = 73.75
    r = ind(res, "1.2")
    assert (r.applicable, r.score, r.lost, r.status) == (False, None, 0.0, "na")
    assert r.basis == "不适用,按缺项处理,满分折算"
    assert res.applicable_points == 80
    assert res.categories[0].score == 24.0  # the category is not rescaled on its own
    assert res.total == 73.75


def test_not_applicable_rescale_category(tmp_path: Path) -> None:
    [res] = score_units(
        three(tmp_path, na="rescale_category"),
        [unit("甲县", {"1.1": 24, "1.2": NA, "2.1": 35})],
    )
    # 甲类 24 of applicable 30 → 24 / 30 × 50 = 40; 乙类 35 → 75
    assert [(c.score, c.earned, c.applicable_points) for c in res.categories] == [
        (40.0, 24.0, 30),
        (35.0, 35.0, 50),
    ]
    assert res.total == 75.0


def test_not_applicable_none(tmp_path: Path) -> None:
    [res] = score_units(three(tmp_path, na="none"), [unit("甲县", {"1.1": 24, "1.2": NA, "2.1": 35})])
    # no rescaling: 24 + 35 = 59
    assert ind(res, "1.2").basis == "不适用,按缺项处理"
    assert res.total == 59.0


def test_rescale_total_rounds_half_up_once(tmp_path: Path) -> None:
    plan = plan_from_text(
        tmp_path,
        """
        id: t
        title: 测试
        year: 2024
        full_score: 100
        categories:
          - id: "1"
            name: 甲类
            points: 300
            indicators:
              - {id: "1.1", name: 一, points: 200, unit: 分, rule: {type: direct}}
              - {id: "1.2", name: 二, points: 100, unit: 分, rule: {type: direct}}
        grades:
          - {name: 好, min: 90}
          - {name: 较好, min: 0}
        """,
    )
    [res] = score_units(plan, [unit("甲县", {"1.1": 179.99, "1.2": NA})])
    # 179.99 / 200 × 100 = 89.995 → half-up 90.00 → reaches 好
    assert res.total == 90.0
    assert res.grade == "好"
    assert res.grade_basis == ["总分 90.00 分,达到“好”等次分数线 90 分"]


# ---- missing data ----------------------------------------------------------


def test_missing_zero(tmp_path: Path) -> None:
    [res] = score_units(three(tmp_path), [unit("甲县", {"1.1": 24, "1.2": BLANK, "2.1": 35})])
    r = ind(res, "1.2")
    assert (r.status, r.score, r.lost, r.applicable) == ("missing", 0.0, 20, True)
    assert r.basis == "未填报,按方案计 0 分"
    assert res.total == 59.0  # 24 + 0 + 35, no rescaling


def test_error_value_zero(tmp_path: Path) -> None:
    [res] = score_units(three(tmp_path), [unit("甲县", {"1.1": 24, "1.2": BAD, "2.1": 35})])
    assert ind(res, "1.2").basis == "数据有误,按方案计 0 分"


def test_missing_exclude_rescales(tmp_path: Path) -> None:
    [res] = score_units(three(tmp_path, missing="exclude"), [unit("甲县", {"1.1": 24, "2.1": 35})])
    # 1.2 left out like 不适用: 59 / 80 × 100 = 73.75
    r = ind(res, "1.2")
    assert (r.applicable, r.score) == (False, None)
    assert r.basis == "未填报,按缺项处理,满分折算"
    assert res.total == 73.75


def test_missing_exclude_without_rescaling_says_so(tmp_path: Path) -> None:
    [res] = score_units(
        three(tmp_path, na="none", missing="exclude"),
        [unit("甲县", {"1.1": 24, "2.1": 35})],
    )
    # not_applicable: none → nothing is rescaled, so the basis must not promise 满分折算
    assert ind(res, "1.2").basis == "未填报,按缺项处理"
    assert res.total == 59.0


def test_missing_refuse(tmp_path: Path) -> None:
    plan = three(tmp_path, missing="refuse")
    with pytest.raises(DataError) as err:
        score_units(plan, [unit("甲县", {"1.1": 24, "2.1": 35})])
    assert "单位“甲县”的指标 1.2“二”未填报;方案规定缺数据时不予评分" in str(err.value)


def test_missing_policy_per_indicator(tmp_path: Path) -> None:
    text = THREE.format(na="rescale_total", missing="zero").replace(
        "name: 二, points: 20, unit: 分,",
        "name: 二, points: 20, unit: 分, missing: exclude,",
    )
    [res] = score_units(plan_from_text(tmp_path, text), [unit("甲县", {"1.1": 24, "2.1": 35})])
    assert ind(res, "1.2").applicable is False
    assert res.total == 73.75


@pytest.mark.parametrize(("missing", "total"), [("zero", 0.0), ("exclude", 0.0)])
def test_everything_missing(tmp_path: Path, missing: str, total: float) -> None:
    [res] = score_units(three(tmp_path, missing=missing), [unit("甲县")])
    assert res.total == total
    assert res.applicable_points == (100 if missing == "zero" else 0)
    assert all(i.score == (0.0 if missing == "zero" else None) for i in res.indicators)


def test_everything_missing_refuse(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        score_units(three(tmp_path, missing="refuse"), [unit("甲县")])


# ---- third-level indicators ------------------------------------------------

CHILDREN = """
id: t
title: 测试
year: 2024
full_score: 10
categories:
  - id: "2"
    name: 产业
    points: 10
    indicators:
      - id: "2.1"
        name: 产业发展
        points: 6
        children:
          - {id: "2.1.1", name: 龙头企业, points: 4, unit: 分, rule: {type: direct}}
          - {id: "2.1.2", name: 联农带农, points: 2, unit: 分, rule: {type: direct}}
      - {id: "2.2", name: 品牌建设, points: 4, unit: 分, rule: {type: direct}}
"""


def test_children_summed(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, CHILDREN),
        [unit("甲县", {"2.1.1": 3.5, "2.1.2": 1.25, "2.2": 4})],
    )
    parent = ind(res, "2.1")
    # 3.5 + 1.25 = 4.75 of 6 (lost 0.5 + 0.75 = 1.25); category 4.75 + 4 = 8.75
    assert (parent.score, parent.lost, parent.points, parent.rule) == (
        4.75,
        1.25,
        6,
        "sum",
    )
    assert parent.basis == "由 2 项三级指标得分合计"
    assert ind(res, "2.1.1").parent == "2.1"
    assert res.categories[0].score == 8.75
    assert res.total == 8.75
    # the parent's loss is its children's, counted once
    assert res.lost_points == 1.25


def test_children_all_not_applicable(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, CHILDREN),
        [unit("甲县", {"2.1.1": NA, "2.1.2": NA, "2.2": 3})],
    )
    parent = ind(res, "2.1")
    assert (parent.score, parent.applicable, parent.status) == (None, False, "na")
    # 3 of applicable 4 → 3 / 4 × 10 = 7.5
    assert res.total == 7.5


# ---- category weights and weighted parts -----------------------------------

WEIGHTS = """
id: t
title: 测试
year: 2024
full_score: 100
categories:
  - id: "1"
    name: 经济社会发展
    points: 30
    weight: 0.6
    indicators:
      - {id: "1.1", name: 一, points: 20, unit: 分, rule: {type: direct}}
      - {id: "1.2", name: 二, points: 10, unit: 分, rule: {type: direct}}
  - id: "2"
    name: 精准扶贫实绩
    points: 20
    weight: 0.4
    indicators:
      - {id: "2.1", name: 三, points: 20, unit: 分, rule: {type: direct}}
"""


def test_category_weights(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, WEIGHTS),
        [unit("甲县", {"1.1": 16, "1.2": 8, "2.1": 10})],
    )
    # 24 / 30 × 0.6 × 100 = 48; 10 / 20 × 0.4 × 100 = 20 → 68
    assert res.total == 68.0


def test_category_weights_rescale_total(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, WEIGHTS),
        [unit("甲县", {"1.1": 16, "1.2": NA, "2.1": 10})],
    )
    # weighted earned: 16 / 30 × 60 + 10 / 20 × 40 = 32 + 20 = 52
    # weighted applicable: 20 / 30 × 60 + 20 / 20 × 40 = 40 + 40 = 80 → 52 / 80 × 100 = 65
    assert ind(res, "1.2").basis == "不适用,按缺项处理,满分折算"
    assert res.total == 65.0


def test_category_weights_rescale_category(tmp_path: Path) -> None:
    text = WEIGHTS.replace("full_score: 100", "full_score: 100\nnot_applicable: rescale_category")
    [res] = score_units(
        plan_from_text(tmp_path, text),
        [unit("甲县", {"1.1": 16, "1.2": NA, "2.1": 10})],
    )
    # 经济社会发展 16 / 20 × 30 = 24 → 24 / 30 × 60 = 48; + 20 → 68
    assert res.categories[0].score == 24.0
    assert res.total == 68.0


COMPOSITION = """
id: t
title: 测试
year: 2024
full_score: 100
fields:
  - {id: 日常考核, name: 日常考核得分, kind: score, min: 0, max: 100}
categories:
  - id: "1"
    name: 年终考核
    points: 100
    indicators:
      - {id: "1.1", name: 一, points: 100, unit: 分, rule: {type: direct}}
composition:
  - {id: daily, name: 日常考核, weight: 0.3, field: 日常考核}
  - {id: year, name: 年终考核, weight: 0.7, source: categories}
"""


def test_composition(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, COMPOSITION),
        [unit("甲县", {"1.1": 80, "日常考核": 90})],
    )
    # 90 / 100 × 100 × 0.3 = 27; 80 / 100 × 100 × 0.7 = 56 → 83
    assert res.parts == [
        {
            "id": "daily",
            "name": "日常考核",
            "weight": 0.3,
            "scale": 100.0,
            "score": 90.0,
            "weighted": 27.0,
        },
        {
            "id": "year",
            "name": "年终考核",
            "weight": 0.7,
            "scale": 100.0,
            "score": 80.0,
            "weighted": 56.0,
        },
    ]
    assert (res.base_total, res.total) == (83.0, 83.0)


def test_composition_rounds_once(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, COMPOSITION),
        [unit("甲县", {"1.1": 80.01, "日常考核": 90.03})],
    )
    # 90.03 × 0.3 = 27.009; 80.01 × 0.7 = 56.007; sum 83.016 → 83.02
    assert res.total == 83.02


# ---- bonus and penalties ---------------------------------------------------

ADJUST = """
id: t
title: 测试
year: 2024
full_score: 100
categories:
  - id: "1"
    name: 甲类
    points: 100
    indicators:
      - {id: "1.1", name: 一, points: 100, unit: 分, rule: {type: direct}}
bonus:
  cap: 3
  items:
    - {id: B1, name: 工作经验被省级以上推广, points: 2, unit: 项, rule: {type: bonus, per_item: 1}}
    - {id: B2, name: 获国家级表彰, points: 1, rule: {type: boolean}}
    - {id: B3, name: 示范创建成效突出, points: 1, rule: {type: direct}}
penalties:
  cap: 12
  items:
    - {id: P1, name: 数据弄虚作假, per_item: 5, cap: 10}
    - {id: P2, name: 审计发现违规违纪问题, per_item: 1, cap: 5}
"""


def test_bonus_item_and_section_caps(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, ADJUST),
        [unit("甲县", {"1.1": 80, "B1": 3, "B2": True, "B3": 0.5})],
    )
    # B1 3 × 1 = 3 → item cap 2; B2 1; B3 0.5 → 3.5 > section cap 3 → 3
    assert [(b.id, b.score, b.basis) for b in res.bonus] == [
        ("B1", 2.0, "3 项,每项加 1 分,加 2 分(本项上限 2 分)"),
        ("B2", 1.0, "符合加分条件,加 1 分"),
        ("B3", 0.5, "直接采信得分 0.5 分"),
        ("bonus-cap", -0.5, "加分合计 3.5 分,超过上限 3 分,按上限计"),
    ]
    assert res.bonus_total == 3.0
    assert res.total == 83.0  # 80 + 3


def test_bonus_missing_and_not_met(tmp_path: Path) -> None:
    [res] = score_units(plan_from_text(tmp_path, ADJUST), [unit("甲县", {"1.1": 80, "B2": False})])
    assert [(b.id, b.score, b.basis) for b in res.bonus] == [
        ("B1", 0.0, "未填报,不加分"),
        ("B2", 0.0, "不符合加分条件,不加分"),
        ("B3", 0.0, "未填报,不加分"),
    ]
    assert res.bonus_total == 0.0


def test_penalty_item_and_section_caps(tmp_path: Path) -> None:
    [res] = score_units(plan_from_text(tmp_path, ADJUST), [unit("甲县", {"1.1": 80, "P1": 3, "P2": 4})])
    # P1 3 × 5 = 15 → item cap 10; P2 4 × 1 = 4; 14 > section cap 12 → 12
    assert [(p.id, p.score, p.basis) for p in res.penalties] == [
        ("P1", 10.0, "数据弄虚作假 3 个,每个扣 5 分,扣 10 分(该项上限 10 分)"),
        ("P2", 4.0, "审计发现违规违纪问题 4 个,每个扣 1 分,扣 4 分"),
        ("penalty-cap", -2.0, "扣分合计 14 分,超过上限 12 分,按上限计"),
    ]
    assert res.penalty_total == 12.0
    assert res.total == 68.0  # 80 − 12


def test_total_clamped_at_zero(tmp_path: Path) -> None:
    [res] = score_units(
        plan_from_text(tmp_path, ADJUST),
        [unit("甲县", {"1.1": 5, "B2": True, "P1": 2})],
    )
    # 5 + 1 − 10 = −4 → 0
    assert (res.base_total, res.bonus_total, res.penalty_total, res.total) == (
        5.0,
        1.0,
        10.0,
        0.0,
    )
