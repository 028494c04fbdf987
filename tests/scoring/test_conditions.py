"""Quota ties at the boundary and the condition language of consequences (issue 20), on
schemes/grades.yaml: total = 1.1 (direct, 40) + 6.1 rate × 30 / 100 + 3.1 (direct, 30);
grades 好 90 (quota 30 %), 较好 80, 一般 60, 较差 0; tie_break ["1", "6", "3"]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring_support import SCHEMES, by_unit, plan_from_file, plan_from_text, unit

from assess.scheme.plan import Plan
from assess.scoring.array.columns import brief_columns
from assess.scoring.array.core import FastCohort
from assess.scoring.array.support import array_support
from assess.scoring.brief import Brief
from assess.scoring.conditions import columnar_refusal, grade_choice, places_of
from assess.scoring.engine import prepare, score_prepared, score_units
from assess.scoring.ranking import quota_cut, rank_cohort
from assess.scoring.result import UnitResult

A, B = "一类县", "二类县"


def county(name: str, c1: float, rate: float, c3: float, group: str = A) -> Any:
    return unit(name, {"1.1": c1, "6.1": rate, "3.1": c3}, group)


def ranked(plan: Plan, units: list[Any], previous: Any = None) -> tuple[dict[str, UnitResult], list[str]]:
    results = score_units(plan, units)
    notes = rank_cohort(plan, results, previous)
    return by_unit(results), notes


def with_consequences(tmp_path: Path, block: str) -> Plan:
    text = (SCHEMES / "grades.yaml").read_text(encoding="utf-8")
    head = text[: text.index("consequences:")]
    return plan_from_text(tmp_path, head + "consequences:\n" + block)


# ---- quotas: a tie at the boundary keeps the grade together -----------------------

SEVEN = [
    ("A", 40, 100, 28),  # 98
    ("B", 40, 100, 26),  # 96
    ("C", 40, 100, 26),  # 96, tied with B on the total and every tie-break
    ("D", 40, 100, 22),  # 92
    ("E", 40, 100, 15),  # 85
    ("F", 40, 100, 5),  # 75
    ("G", 35, 100, 0),  # 65
]


def test_quota_cut() -> None:
    assert quota_cut([1, 2, 3, 4], 2) == 2
    assert quota_cut([1, 2, 2, 4], 2) == 3  # the tie at the line keeps the grade
    assert quota_cut([1, 1, 1, 4], 1) == 3
    assert quota_cut([1, 1], 0) == 0  # a quota of 0 admits nobody
    assert quota_cut([1, 2], 5) == 2


def test_quota_tie_at_the_boundary_keeps_the_grade() -> None:
    plan = plan_from_file("grades.yaml")
    res, notes = ranked(plan, [county(*row) for row in SEVEN])
    # 30 % of 7 = 2 places; B and C are tied for the 2nd: both keep 好, the quota is exceeded by 1
    assert [res[k].grade for k in "ABCDEFG"] == ["好", "好", "好", "较好", "较好", "一般", "一般"]
    assert [res[k].rank for k in "ABCD"] == [1, 2, 2, 4]
    assert res["B"].grade_basis == ["总分 96.00 分,达到“好”等次分数线 90 分"]
    assert res["C"].grade_basis[-1] == (
        "“好”等次名额为本组 7 个单位的 30%(2 个),本单位与名额内最后一名B并列(总分及各同分比较项均相同),"
        "并列单位一并保留“好”等次,超出名额 1 个"
    )
    assert res["D"].grade_basis[-1] == (
        "“好”等次名额为本组 7 个单位的 30%(2 个),本单位在达到“好”等次的 4 个单位中按排名列第 4 位,降为“较好”"
    )
    assert notes == [
        "一类县:“好”等次名额为本组 7 个单位的 30%(2 个);B、C的总分及各同分比较项均相同,在名额线上并列,"
        "按考核方案一并评为“好”,实际 3 个,超出名额 1 个。"
    ]


def test_quota_tie_broken_by_tie_break_order() -> None:
    plan = plan_from_file("grades.yaml")
    units = [county(*row) for row in SEVEN]
    units[2] = county("C", 39, 100, 27)  # 96 as well, but 巩固成果 39 < 40: C ranks 3rd
    res, notes = ranked(plan, units)
    assert [res[k].rank for k in "ABC"] == [1, 2, 3]
    assert [res[k].grade for k in "ABC"] == ["好", "好", "较好"]
    assert notes == []


def test_quota_tie_same_on_arrays() -> None:
    plan = plan_from_file("grades.yaml")
    units = [county(*row) for row in SEVEN]
    prepared = [prepare(plan, u) for u in units]
    results = score_prepared(plan, prepared, cohort=True)
    rank_cohort(plan, results)
    fc = FastCohort(plan, prepared, results)
    totals, cats = fc.totals(None)
    _places, levels = fc.standing(totals, cats, None)
    names = plan.grade_names
    assert [names[k] for k in levels.tolist()] == [r.grade for r in results]
    fast = brief_columns(plan, units, None)
    assert fast is not None
    assert fast.grades == Brief.from_results(plan, results).grades
    assert fast.notes == ranked(plan, units)[1] != []


def test_quota_tie_notes_same_on_arrays_in_input_order_of_groups() -> None:
    # 二类县 comes first in the input: its note comes first on both paths
    plan = plan_from_file("grades.yaml")
    units = [county(name + "2", *rest, group=B) for name, *rest in SEVEN[1:]]  # type: ignore[misc]
    units += [county(*row) for row in SEVEN]
    _res, notes = ranked(plan, units)
    assert notes[0] == (
        "二类县:“好”等次名额为本组 6 个单位的 30%(1 个);B2、C2的总分及各同分比较项均相同,在名额线上并列,"
        "按考核方案一并评为“好”,实际 2 个,超出名额 1 个。"
    )
    assert notes[1].startswith("一类县:") and len(notes) == 2
    fast = brief_columns(plan, units, None)
    assert fast is not None
    assert fast.notes == notes


# ---- the condition language -------------------------------------------------------

FIVE = [
    ("A", 40, 100, 25),  # 95 好
    ("B", 40, 100, 15),  # 85 较好
    ("C", 40, 100, 5),  # 75 一般
    ("D", 40, 100, 0),  # 70 一般
    ("E", 20, 100, 0),  # 50 较差
]


def test_grade_choice() -> None:
    names = ["好", "较好", "一般", "较差"]
    assert grade_choice("一般及以下", names) == ({"一般", "较差"}, [])
    assert grade_choice("较好及以上", names) == ({"好", "较好"}, [])
    assert grade_choice(["好", "差"], names) == ({"好"}, ["差"])
    assert [places_of("10%", n) for n in (0, 5, 10, 19, 20)] == [0, 1, 1, 1, 2]
    assert places_of(3, 10) == 3


def test_grade_or_worse_catches_the_last_ranked(tmp_path: Path) -> None:
    # 约谈 for 一般 alone lets the last-ranked 较差 county escape; 一般及以下 does not.
    old = with_consequences(tmp_path, "  - {name: 约谈, grade: 一般, bottom: 2}\n")
    res, _ = ranked(old, [county(*row) for row in FIVE])
    assert res["E"].grade == "较差"
    assert [k for k, r in res.items() if "约谈" in r.flags] == ["D"]
    new = with_consequences(tmp_path, "  - {name: 约谈, grade: 一般及以下, bottom: 2}\n")
    res, _ = ranked(new, [county(*row) for row in FIVE])
    assert [k for k, r in res.items() if "约谈" in r.flags] == ["D", "E"]


def test_bottom_share_and_any(tmp_path: Path) -> None:
    plan = with_consequences(
        tmp_path,
        "  - {name: 约谈, bottom: 20%}\n"  # ⌊20 % × 5⌋ = 1 → E
        "  - {name: 通报表扬, top: 40%, grade: 好及以上}\n"  # top 2 and 好 → A
        "  - name: 提醒谈话\n"
        "    any:\n"
        "      - {grade: 较差}\n"
        "      - {grade: 一般, bottom: 3}\n",  # C, D (一般 in the bottom 3) and E (较差)
    )
    res, _ = ranked(plan, [county(*row) for row in FIVE])
    assert {k: r.flags for k, r in res.items()} == {
        "A": ["通报表扬"],
        "B": [],
        "C": ["提醒谈话"],
        "D": ["提醒谈话"],
        "E": ["约谈", "提醒谈话"],
    }


def test_all_and_nested(tmp_path: Path) -> None:
    plan = with_consequences(
        tmp_path,
        "  - name: 约谈\n"
        "    grade: 一般及以下\n"
        "    all:\n"
        "      - {bottom: 3}\n"
        "      - any: [{grade: 较差}, {bottom: 2}]\n",
    )
    res, _ = ranked(plan, [county(*row) for row in FIVE])
    assert [k for k, r in res.items() if r.flags] == ["D", "E"]


def test_two_years_running_with_places(tmp_path: Path) -> None:
    # 连续两年排名倒数第一: last year's place is judged within last year's group, from the file
    plan = with_consequences(tmp_path, "  - {name: 约谈, bottom: 1, years: 2}\n")
    previous = {
        "A": {"rank": 1, "group": A, "grade": "好"},
        "B": {"rank": 2, "group": A, "grade": "较好"},
        "C": {"rank": 3, "group": A, "grade": "一般"},
        "D": {"rank": 4, "group": A, "grade": "一般"},
        "E": {"rank": 5, "group": A, "grade": "较差"},
    }
    res, _ = ranked(plan, [county(*row) for row in FIVE], previous)
    assert [k for k, r in res.items() if r.flags] == ["E"]
    previous["E"]["rank"], previous["D"]["rank"] = 4, 5  # E was not last last year
    res, _ = ranked(plan, [county(*row) for row in FIVE], previous)
    assert [k for k, r in res.items() if r.flags] == []
    res, _ = ranked(plan, [county(*row) for row in FIVE], None)  # no previous results: nobody
    assert [k for k, r in res.items() if r.flags] == []


def test_two_years_running_with_grade_or_worse(tmp_path: Path) -> None:
    plan = with_consequences(tmp_path, "  - {name: 通报批评, grade: 一般及以下, years: 2}\n")
    previous = {"C": {"grade": "较差"}, "D": {"grade": "较好"}, "E": {"grade": "一般"}}
    res, _ = ranked(plan, [county(*row) for row in FIVE], previous)
    assert [k for k, r in res.items() if r.flags] == ["C", "E"]


def test_array_path_refuses_new_conditions(tmp_path: Path) -> None:
    plain = plan_from_file("grades.yaml")
    assert columnar_refusal(plain) is None and array_support(plain, columns=True) == []
    plan = with_consequences(tmp_path, "  - {name: 约谈, grade: 一般及以下, bottom: 2}\n")
    assert columnar_refusal(plan) == (
        "结果运用“约谈”的条件(等次及以下/及以上、等次列表、百分比名次、any/all、无等次的连续年数)不支持按列计算"
    )
    assert columnar_refusal(plan) in array_support(plan, columns=True)
    units = [county(*row) for row in FIVE]
    assert brief_columns(plan, units, None) is None  # rank --brief falls back to the engine
