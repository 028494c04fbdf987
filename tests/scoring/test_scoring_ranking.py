"""Grades, vetoes, bars, quotas, ties and tie-breaks, consequences and the
comparison with last year, on schemes/grades.yaml.

Total = 1.1 (direct, 40) + 6.1 rate × 30 / 100 + 3.1 (direct, 30).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scoring_support import (
    SCHEMES,
    by_unit,
    one_indicator,
    plan_from_file,
    plan_from_text,
    unit,
)

from assess.scheme.plan import Plan
from assess.scoring.engine import score_units
from assess.scoring.ranking import rank_cohort
from assess.scoring.result import UnitResult

A, B = "一类县", "二类县"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_from_file("grades.yaml")


def county(name: str, c1: float, rate: float, c3: float, group: str = A, **flags: bool):  # type: ignore[no-untyped-def]
    return unit(name, {"1.1": c1, "6.1": rate, "3.1": c3, **flags}, group)


def ranked(plan: Plan, units, previous=None) -> dict[str, UnitResult]:  # type: ignore[no-untyped-def]
    results = score_units(plan, units)
    rank_cohort(plan, results, previous)
    return by_unit(results)


def variant(tmp_path: Path, old: str, new: str) -> Plan:
    text = (SCHEMES / "grades.yaml").read_text(encoding="utf-8")
    assert old in text
    return plan_from_text(tmp_path, text.replace(old, new))


# ---- grades by score, vetoes and bars ---------------------------------------


def test_grade_lines(plan: Plan) -> None:
    [good, fair] = score_units(plan, [county("甲", 30, 100, 30), county("乙", 29.99, 100, 30)])
    # 30 + 30 + 30 = 90 → exactly at the 好 line; 89.99 → 较好
    assert (good.total, good.grade, good.band_grade) == (90.0, "好", "好")
    assert good.grade_basis == ["总分 90.00 分,达到“好”等次分数线 90 分"]
    assert (fair.total, fair.grade) == (89.99, "较好")
    assert fair.grade_basis == ["总分 89.99 分,达到“较好”等次分数线 80 分"]


def test_grade_below_every_line(tmp_path: Path) -> None:
    plan = one_indicator(
        tmp_path,
        "{type: direct}",
        points=100,
        unit_="分",
        extra="""
        grades:
          - {name: 好, min: 90}
          - {name: 较好, min: 80}
          - {name: 一般, min: 60}
        """,
    )
    [res] = score_units(plan, [unit("甲县", {"1.1": 50})])
    # below the lowest line: the lowest grade, and the basis must not claim the line was reached
    assert res.grade == "一般"
    assert res.grade_basis == ["总分 50.00 分,未达到“一般”等次分数线 60 分,定为最低等次“一般”"]


def test_veto_lowest(plan: Plan) -> None:
    [res] = score_units(plan, [county("甲", 40, 100, 25, 规模性返贫=True)])
    # 40 + 30 + 25 = 95: 好 by score, 较差 by the veto; the total is kept
    assert (res.total, res.band_grade, res.grade) == (95.0, "好", "较差")
    assert [(v.id, v.effect, v.basis) for v in res.vetoes] == [
        ("V1", "lowest", "发生规模性返贫(规模性返贫 == 1),一票否决:等次定为最低等次")
    ]
    assert res.grade_basis == [
        "总分 95.00 分,达到“好”等次分数线 90 分",
        "发生一票否决事项“发生规模性返贫”,等次定为“较差”",
    ]


def test_veto_cap_grade(plan: Plan) -> None:
    [res] = score_units(plan, [county("甲", 40, 100, 25, 重大舆情=True)])
    assert res.grade == "一般"
    assert res.grade_basis[-1] == "发生一票否决事项“发生重大舆情”,等次最高为“一般”"


def test_veto_zero(plan: Plan) -> None:
    [res] = score_units(plan, [county("甲", 40, 100, 25, 数据造假=True)])
    assert (res.base_total, res.total, res.grade) == (95.0, 0.0, "较差")
    assert res.grade_basis == [
        "总分 0.00 分,达到“较差”等次分数线 0 分",
        "发生一票否决事项“数据造假”,总分计为 0",
    ]


def test_veto_not_triggered_when_false(plan: Plan) -> None:
    [res] = score_units(plan, [county("甲", 40, 100, 25, 规模性返贫=False)])
    assert (res.vetoes, res.grade) == ([], "好")


def test_bar_on_veto(plan: Plan) -> None:
    # V4 caps the grade at 好 (no change), but the bar "veto" keeps the unit out of 好
    [res] = score_units(plan, [county("甲", 40, 100, 25, 安全事故=True)])
    assert res.grade == "较好"
    assert res.barred == ["有一票否决事项的不得评为“好”"]
    assert res.grade_basis[-1] == "有一票否决事项的不得评为“好”,由“好”降为“较好”"


def test_bar_on_value(plan: Plan) -> None:
    [barred, kept] = score_units(plan, [county("甲", 40, 89, 30), county("乙", 40, 90, 30)])
    # 40 + 89 × 0.3 + 30 = 96.7 → 好 by score, but 6.1 = 89 < 90 → 较好; exactly 90 is not barred
    assert (barred.total, barred.grade) == (96.7, "较好")
    assert barred.grade_basis[-1] == "问题整改完成率低于 90% 的不得评为“好”,由“好”降为“较好”"
    assert (kept.total, kept.grade, kept.barred) == (97.0, "好", [])


# ---- quotas ----------------------------------------------------------------


def test_quota_floor_of_group(plan: Plan) -> None:
    # 7 units in one group, 4 at 好 by score; 30% of 7 = 2.1 → 2 places
    units = [
        county("A", 40, 100, 28),  # 98
        county("B", 40, 100, 26),  # 96
        county("C", 40, 100, 24),  # 94
        county("D", 40, 100, 22),  # 92
        county("E", 40, 100, 15),  # 85
        county("F", 40, 100, 5),  # 75
        county("G", 35, 100, 0),  # 65
    ]
    res = ranked(plan, units)
    assert [res[k].grade for k in "ABCDEFG"] == [
        "好",
        "好",
        "较好",
        "较好",
        "较好",
        "一般",
        "一般",
    ]
    assert res["C"].band_grade == "好"
    assert res["C"].grade_basis[-1] == (
        "“好”等次名额为本组 7 个单位的 30%(2 个),本单位在达到“好”等次的 4 个单位中按排名列第 3 位,降为“较好”"
    )


def test_quota_counts_only_units_still_holding_the_grade(plan: Plan) -> None:
    units = [
        county("A", 40, 89, 30),  # 96.7, barred from 好 by 6.1 < 90
        county("B", 40, 100, 26),  # 96
        county("C", 40, 100, 24),  # 94
        county("D", 40, 100, 22),  # 92
        county("E", 40, 100, 10),  # 80
        county("F", 40, 100, 5),  # 75
        county("G", 35, 100, 0),  # 65
    ]
    res = ranked(plan, units)
    assert [res[k].grade for k in "ABCD"] == ["较好", "好", "好", "较好"]
    assert res["D"].rank == 4
    # D is 4th in the group but 3rd among the units holding 好; the text must not call it 第 3 名 of the group
    assert res["D"].grade_basis[-1] == (
        "“好”等次名额为本组 7 个单位的 30%(2 个),本单位在达到“好”等次的 3 个单位中按排名列第 3 位,降为“较好”"
    )


def test_quota_ten_units(plan: Plan) -> None:
    # 30% of 10 = 3 exactly (0.3 × 10 is 3.0000000000000004 in floats: still 3)
    units = [county(f"U{i}", 40, 100, 29 - i) for i in range(4)]  # 99, 98, 97, 96
    units += [county(f"V{i}", 30, 100, 20 + i) for i in range(6)]  # 80 … 85
    res = ranked(plan, units)
    assert [res[f"U{i}"].grade for i in range(4)] == ["好", "好", "好", "较好"]


def test_quota_within_cohort(tmp_path: Path) -> None:
    plan = variant(
        tmp_path,
        "{name: 好, min: 90, quota: 0.3}",
        "{name: 好, min: 90, quota: 0.3, quota_within: cohort}",
    )
    units = [county(f"A{i}", 40, 100, 29 - i, A) for i in range(2)]  # 99, 98
    units += [county(f"B{i}", 40, 100, 27 - i, B) for i in range(2)]  # 97, 96
    units += [county(f"C{i}", 30, 100, 20 + i, B) for i in range(6)]  # 80 … 85
    res = ranked(plan, units)
    # 10 units overall → 3 places; B1 (96) is the 4th 好 overall
    assert [res[k].grade for k in ("A0", "A1", "B0", "B1")] == [
        "好",
        "好",
        "好",
        "较好",
    ]
    assert res["B1"].grade_basis[-1] == (
        "“好”等次名额为全体 10 个单位的 30%(3 个),本单位在达到“好”等次的 4 个单位中按排名列第 4 位,降为“较好”"
    )


# ---- places, ties and tie-breaks --------------------------------------------


def test_shared_places(plan: Plan) -> None:
    res = ranked(
        plan,
        [
            county("A", 40, 100, 30),
            county("C", 35, 100, 30),
            county("B", 35, 100, 30),
            county("D", 30, 100, 30),
        ],
    )
    # 100, 95, 95, 90 with identical category scores → 1, 2, 2, 4
    assert [res[k].rank for k in "ABCD"] == [1, 2, 2, 4]
    assert [res[k].overall_rank for k in "ABCD"] == [1, 2, 2, 4]


def test_dense_places(tmp_path: Path) -> None:
    plan = variant(tmp_path, "ties: shared", "ties: dense")
    res = ranked(
        plan,
        [
            county("A", 40, 100, 30),
            county("B", 35, 100, 30),
            county("C", 35, 100, 30),
            county("D", 30, 100, 30),
        ],
    )
    assert [res[k].rank for k in "ABCD"] == [1, 2, 2, 3]


def test_tie_break_by_category(plan: Plan) -> None:
    res = ranked(
        plan,
        [
            county("E", 40, 80, 26),  # 40 + 24 + 26 = 90
            county("F", 39, 100, 21),  # 39 + 30 + 21 = 90
            county("G", 40, 70, 29),  # 40 + 21 + 29 = 90
        ],
    )
    # tie_break ["1", "6", "3"]: E and G lead F on 巩固成果 (40 > 39); E leads G on 问题整改 (24 > 21)
    assert [res[k].rank for k in "EGF"] == [1, 2, 3]


def test_groups_ranked_apart(plan: Plan) -> None:
    res = ranked(
        plan,
        [
            county("A1", 40, 100, 20, A),
            county("A2", 40, 100, 10, A),
            county("B1", 40, 100, 25, B),
            county("B2", 40, 100, 15, B),
        ],
    )
    assert {k: (r.rank, r.overall_rank, r.group, r.group_name) for k, r in res.items()} == {
        "A1": (1, 2, "a", A),
        "A2": (2, 4, "a", A),
        "B1": (1, 1, "b", B),
        "B2": (2, 3, "b", B),
    }


# ---- consequences and last year ------------------------------------------------

FIVE = [
    ("A", 40, 100, 25),  # 95 好
    ("B", 40, 100, 15),  # 85 较好
    ("C", 40, 100, 5),  # 75 一般
    ("D", 40, 100, 0),  # 70 一般
    ("E", 35, 100, 0),  # 65 一般
]


def test_consequences(plan: Plan) -> None:
    res = ranked(plan, [county(*row) for row in FIVE])
    assert [res[k].grade for k in "ABCDE"] == ["好", "较好", "一般", "一般", "一般"]
    # 通报表扬: 好 and top 2 → A; 约谈: 一般 and bottom 2 → D, E; 通报批评 needs last year's grade
    assert {k: r.flags for k, r in res.items()} == {
        "A": ["通报表扬"],
        "B": [],
        "C": [],
        "D": ["约谈"],
        "E": ["约谈"],
    }


def test_consequence_two_years(plan: Plan) -> None:
    previous = {
        "C": {"grade": "一般", "rank": 3},
        "D": {"grade": "较好", "rank": 2},
        "E": {"grade": "一般", "rank": 5},
    }
    res = ranked(plan, [county(*row) for row in FIVE], previous)
    # 通报批评: 一般 this year and last, bottom 3 (C, D, E) → C and E; D was 较好 last year
    assert {k: r.flags for k, r in res.items()} == {
        "A": ["通报表扬"],
        "B": [],
        "C": ["通报批评"],
        "D": ["约谈"],
        "E": ["约谈", "通报批评"],
    }


def test_rank_change(plan: Plan) -> None:
    previous = {
        "A": {"rank": 3, "total": 90.0, "grade": "好"},
        "B": {"rank": 1, "total": 88.5, "grade": "好"},
        "C": {"rank": 3, "total": 75.0, "grade": "一般"},
        "E": {"rank": None, "total": 60.0},
    }
    res = ranked(plan, [county(*row) for row in FIVE], previous)
    # now A 1, B 2, C 3, D 4 (new), E 5
    assert {k: r.previous["rank_change"] for k, r in res.items() if r.previous} == {
        "A": "↑2",
        "B": "↓1",
        "C": "持平",
        "D": "新增",
        "E": "—",
    }
    assert res["A"].previous["total_change"] == 5.0
    assert res["B"].previous["total_change"] == -3.5
    assert res["D"].previous == {
        "previous_rank": None,
        "previous_total": None,
        "previous_grade": None,
        "rank_change": "新增",
        "total_change": None,
    }
    assert res["A"].to_dict()["rank_change"] == "↑2"
