"""Quotas as numbers of units, awards (places and named lists), units graded but not ranked,
a veto that bars every award and commendation, and consequences triggered by facts.

Every scheme here is the same small one: total = 1.1 (direct, 60) + 2.1 (direct, 40);
groups 示范创建县 (a) and 重点帮扶县 (b); veto V1 (规模性返贫风险 == 1) caps the grade at 好,
so a unit under it may still be graded 好 and ranked first; tie_break ["1"]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scoring_support import by_unit, plan_from_text, unit

from assess.render.terminal import ranking_table
from assess.scheme.plan import Plan
from assess.scoring.array.columns import brief_columns
from assess.scoring.array.support import array_support
from assess.scoring.brief import Brief
from assess.scoring.conditions import columnar_refusal
from assess.scoring.engine import score_units
from assess.scoring.ranking import rank_cohort
from assess.scoring.result import UnitResult
from tests.scheme.support import messages

A, B = "示范创建县", "重点帮扶县"

HEAD = """\
id: awards-test
title: 奖项与名额测试方案
year: 2024
full_score: 100
groups:
  - {id: a, name: 示范创建县}
  - {id: b, name: 重点帮扶县}
fields:
  - {id: 规模性返贫风险, name: 是否存在规模性返贫风险, kind: bool, required: false}
  - {id: 问题个数, name: 督查发现问题个数, unit: 个, required: false}
categories:
  - id: "1"
    name: 巩固成果
    points: 60
    indicators:
      - {id: "1.1", name: 巩固得分, points: 60, unit: 分, rule: {type: direct}}
  - id: "2"
    name: 乡村建设
    points: 40
    indicators:
      - {id: "2.1", name: 建设得分, points: 40, unit: 分, rule: {type: direct}}
vetoes:
  - {id: V1, name: 发生规模性返贫, when: 规模性返贫风险 == 1, effect: cap_grade, grade: 好}
"""
GRADES = """\
grades:
  - {name: 好, min: 90}
  - {name: 较好, min: 80}
  - {name: 一般, min: 60}
  - {name: 较差, min: 0}
"""


def scheme(tmp_path: Path, tail: str, grades: str = GRADES, ties: str = "shared") -> Plan:
    return plan_from_text(tmp_path, HEAD + grades + f'ranking: {{tie_break: ["1"], ties: {ties}}}\n' + tail)


def county(name: str, c1: float, c2: float, group: str = A, *, risk: int = 0, problems: Any = None) -> Any:
    values = {"1.1": c1, "2.1": c2, "规模性返贫风险": risk}
    if problems is not None:
        values["问题个数"] = problems
    return unit(name, values, group)


def ranked(plan: Plan, units: list[Any]) -> tuple[dict[str, UnitResult], list[str]]:
    results = score_units(plan, units)
    notes = rank_cohort(plan, results)
    return by_unit(results), notes


# ---- quotas as numbers of units ---------------------------------------------------------


def test_quota_count_per_group(tmp_path: Path) -> None:
    grades = GRADES.replace("{name: 好, min: 90}", "{name: 好, min: 90, quota_count: {示范创建县: 2, b: 1}}")
    plan = scheme(tmp_path, "", grades)
    units = [
        county("A1", 58, 40),  # 98
        county("A2", 57, 38),  # 95
        county("A3", 56, 36),  # 92
        county("A4", 50, 30),  # 80
        county("B1", 60, 35, B),  # 95
        county("B2", 55, 36, B),  # 91
    ]
    res, notes = ranked(plan, units)
    assert {k: r.grade for k, r in res.items()} == {
        "A1": "好",
        "A2": "好",
        "A3": "较好",
        "A4": "较好",
        "B1": "好",
        "B2": "较好",
    }
    assert res["A3"].grade_basis[-1] == (
        "“好”等次名额为本组 2 个,本单位在达到“好”等次的 3 个单位中按排名列第 3 位,降为“较好”"
    )
    assert res["B2"].grade_basis[-1] == (
        "“好”等次名额为本组 1 个,本单位在达到“好”等次的 2 个单位中按排名列第 2 位,降为“较好”"
    )
    assert notes == []
    fast = brief_columns(plan, units)  # numbers of units are honoured on columns too
    assert fast is not None and fast.grades == [res[u.unit].grade for u in units]


def test_quota_count_tie_at_the_line_keeps_the_grade(tmp_path: Path) -> None:
    grades = GRADES.replace("{name: 好, min: 90}", "{name: 好, min: 90, quota_count: 2}")
    plan = scheme(tmp_path, "", grades)
    units = [county("A1", 58, 40), county("A2", 57, 38), county("A3", 57, 38), county("A4", 50, 40)]
    res, notes = ranked(plan, units)  # 98, 95, 95 (tied), 90: four reach 好, two places
    assert [res[k].grade for k in ("A1", "A2", "A3", "A4")] == ["好", "好", "好", "较好"]
    note = (
        "示范创建县:“好”等次名额为本组 2 个;A2、A3的总分及各同分比较项均相同,在名额线上并列,"
        "按考核方案一并评为“好”,实际 3 个,超出名额 1 个。"
    )
    assert notes == [note]
    fast = brief_columns(plan, units)
    assert fast is not None and fast.notes == [note]


def test_quota_count_over_the_cohort(tmp_path: Path) -> None:
    grades = GRADES.replace(
        "{name: 好, min: 90}", "{name: 好, min: 90, quota_count: 2, quota_within: cohort}"
    )
    plan = scheme(tmp_path, "", grades)
    units = [county("A1", 58, 40), county("B1", 60, 35, B), county("A2", 55, 38)]  # 98, 95, 93
    res, _notes = ranked(plan, units)
    assert [res[k].grade for k in ("A1", "B1", "A2")] == ["好", "好", "较好"]
    assert res["A2"].grade_basis[-1] == (
        "“好”等次名额为全体 2 个,本单位在达到“好”等次的 3 个单位中按排名列第 3 位,降为“较好”"
    )
    fast = brief_columns(plan, units)
    assert fast is not None and fast.grades == ["好", "好", "较好"]


# ---- awards ----------------------------------------------------------------------------

SIX = [
    ("A1", 58, 40),  # 98
    ("A2", 57, 38),  # 95
    ("A3", 57, 38),  # 95, tied with A2 on the total and the tie-break
    ("A4", 50, 40),  # 90
    ("A5", 50, 35),  # 85
    ("A6", 40, 30),  # 70
]


def test_places_and_lists_in_sequence_with_a_tie_at_the_line(tmp_path: Path) -> None:
    plan = scheme(
        tmp_path,
        "awards:\n"
        "  - {name: 第一名, places: [1]}\n"
        "  - {name: 标兵县, count: 2}\n"
        "  - {name: 先进县, count: 2}\n",  # the next 2 after the 标兵县
    )
    res, notes = ranked(plan, [county(*row) for row in SIX])
    assert {k: r.awards for k, r in res.items()} == {
        "A1": ["第一名", "标兵县"],
        "A2": ["标兵县"],
        "A3": ["标兵县"],
        "A4": ["先进县"],
        "A5": ["先进县"],
        "A6": [],
    }
    assert notes == [
        "示范创建县:“标兵县”名单为本组 2 个;A2、A3的总分及各同分比较项均相同,在名单线上并列,"
        "按考核方案一并授予“标兵县”,实际 3 个,超出 1 个。"
    ]
    assert res["A1"].to_dict()["awards"] == ["第一名", "标兵县"]
    assert "标兵县" in ranking_table(plan, list(res.values()), overall=False, with_previous=False)


def test_a_tie_for_a_place_shares_the_prize(tmp_path: Path) -> None:
    plan = scheme(tmp_path, "awards:\n  - {name: 第一名, places: [1]}\n")
    units = [county("A1", 58, 40), county("A2", 58, 40), county("A3", 50, 40)]
    res, notes = ranked(plan, units)
    assert [res[k].awards for k in ("A1", "A2", "A3")] == [["第一名"], ["第一名"], []]
    assert notes == ["示范创建县:“第一名”授予第 1 名;A1、A2并列第 1 名,按考核方案一并授予,实际 2 个。"]


def test_places_over_the_cohort_with_dense_ties(tmp_path: Path) -> None:
    # dense places 1, 1, 2, 3, 4: places [1, 2, 3] are held by four units
    plan = scheme(tmp_path, "awards:\n  - {name: 一等奖, places: [1, 2, 3], within: cohort}\n", ties="dense")
    units = [
        county("A1", 58, 40),
        county("B1", 58, 40, B),
        county("A2", 55, 40),
        county("B2", 50, 40, B),
        county("A3", 45, 40),
    ]
    res, notes = ranked(plan, units)
    assert [k for k, r in res.items() if r.awards] == ["A1", "B1", "A2", "B2"]
    assert notes == ["“一等奖”授予第 1、2、3 名;A1、B1并列第 1 名,按考核方案一并授予,实际 4 个。"]


def test_lists_by_share_grade_and_total(tmp_path: Path) -> None:
    plan = scheme(
        tmp_path,
        "awards:\n"
        "  - {name: 标兵县, quota: 0.5, grade: 好}\n"  # ⌊0.5 × 4⌋ = 2, of those graded 好
        "  - {name: 先进县, count: 5, min: 86}\n",  # then the others with a total of 86 or more
    )
    units = [county("A1", 58, 40), county("A2", 52, 40), county("A3", 50, 38), county("A4", 50, 35)]
    res, notes = ranked(plan, units)  # 98 好, 92 好, 88 较好, 85 较好
    assert [res[k].awards for k in ("A1", "A2", "A3", "A4")] == [["标兵县"], ["标兵县"], ["先进县"], []]
    assert notes == []


def test_lists_per_group_and_over_the_cohort(tmp_path: Path) -> None:
    plan = scheme(
        tmp_path,
        "awards:\n"
        "  - {name: 标兵县, count: {示范创建县: 1, b: 2}}\n"
        "  - {name: 全省先进, count: 2, within: cohort}\n",  # a sequence of its own: the cohort's
    )
    units = [county("A1", 58, 40), county("A2", 55, 40), county("B1", 57, 40, B), county("B2", 50, 40, B)]
    res, _notes = ranked(plan, units)
    assert {k: r.awards for k, r in res.items()} == {
        "A1": ["标兵县", "全省先进"],
        "A2": [],
        "B1": ["标兵县", "全省先进"],
        "B2": ["标兵县"],
    }


def test_a_unit_under_a_veto_gets_no_award_and_no_commendation(tmp_path: Path) -> None:
    plan = scheme(
        tmp_path,
        "consequences:\n  - {name: 通报表扬, top: 1}\n"
        "awards:\n  - {name: 第一名, places: [1]}\n  - {name: 标兵县, count: 2}\n",
    )
    units = [county(*row) for row in SIX]
    units[0] = county("A1", 58, 40, risk=1)  # first, graded 好 (the veto caps at 好), but vetoed
    units[4] = county("A5", 50, 35, risk=1)  # fifth: not on any list, so nothing to withhold
    res, notes = ranked(plan, units)
    assert res["A1"].grade == "好" and res["A1"].rank == 1
    assert res["A1"].awards == [] and res["A1"].flags == []
    assert res["A1"].notes == [
        "有一票否决事项,不授予“第一名”",
        "有一票否决事项,不授予“标兵县”",
        "有一票否决事项,不列入“通报表扬”",
    ]
    assert res["A1"].to_dict()["notes"] == res["A1"].notes
    assert res["A5"].notes == [] and "notes" not in res["A5"].to_dict()
    # nobody else holds place 1: no 第一名, no 通报表扬; the list passes over to the next units
    assert {k: r.awards for k, r in res.items() if r.awards} == {"A2": ["标兵县"], "A3": ["标兵县"]}
    assert [k for k, r in res.items() if r.flags] == []
    assert notes == [
        "A1有一票否决事项,不授予“第一名”。",
        "A1有一票否决事项,不授予“标兵县”。",
        "A1有一票否决事项,不列入“通报表扬”。",
    ]


def test_a_withheld_commendation_is_said_alike_on_columns(tmp_path: Path) -> None:
    plan = scheme(tmp_path, "consequences:\n  - {name: 通报表扬, top: 2}\n  - {name: 约谈, bottom: 1}\n")
    units = [county(*row) for row in SIX]
    units[1] = county("A2", 57, 38, risk=1)
    res, notes = ranked(plan, units)
    assert notes == ["A2有一票否决事项,不列入“通报表扬”。"]
    assert [k for k, r in res.items() if "通报表扬" in r.flags] == ["A1", "A3"]
    assert array_support(plan, columns=True) == []
    fast = brief_columns(plan, units)
    assert fast is not None
    assert fast.notes == notes
    want = Brief.from_results(plan, list(res.values()))
    assert {fast.units[u]: f for u, f in fast.flags.items()} == {
        want.units[u]: f for u, f in want.flags.items()
    }


# ---- units graded but not ranked ----------------------------------------------------------


def test_a_unit_not_ranked_takes_no_place_quota_award_or_place_consequence(tmp_path: Path) -> None:
    grades = GRADES.replace("{name: 好, min: 90}", "{name: 好, min: 90, quota_count: 1}")
    plan = scheme(
        tmp_path,
        "units:\n"
        "  - {name: 新区, group: a, ranked: false}\n"
        "  - {name: 新城, group: a, ranked: false}\n"
        "  - {name: A1, group: a}\n  - {name: A2, group: a}\n  - {name: A3, group: a}\n"
        "consequences:\n"
        "  - {name: 通报表扬, top: 1}\n"
        "  - {name: 末位约谈, bottom: 1}\n"
        "  - {name: 约谈, grade: 较差}\n"
        "awards:\n  - {name: 第一名, places: [1]}\n  - {name: 标兵县, count: 1}\n",
        grades,
    )
    units = [
        county("新区", 60, 39),  # 99: the best total, but no place
        county("新城", 30, 20),  # 50: 较差
        county("A1", 58, 40),  # 98
        county("A2", 55, 40),  # 95
        county("A3", 50, 25),  # 75
    ]
    res, notes = ranked(plan, units)
    new = res["新区"]
    assert (new.rank, new.overall_rank, new.ranked, new.grade) == (None, None, False, "好")
    assert new.awards == [] and new.flags == []
    assert [res[k].rank for k in ("A1", "A2", "A3")] == [1, 2, 3]
    # the quota of one 好 goes to A1: 新区 is neither counted nor admitted
    assert [res[k].grade for k in ("A1", "A2", "A3")] == ["好", "较好", "一般"]
    assert res["A1"].awards == ["第一名", "标兵县"] and res["A1"].flags == ["通报表扬"]
    assert res["A3"].flags == ["末位约谈"]
    assert res["新城"].flags == ["约谈"]  # a condition on the grade alone holds without a place
    assert notes == []
    out = new.to_dict()
    assert (out["rank"], out["ranked"], out["awards"]) == (None, False, [])
    assert "ranked" not in res["A1"].to_dict()
    table = ranking_table(plan, list(res.values()), overall=False, with_previous=False)
    rows = [line.split()[:2] for line in table.splitlines()[3:8]]
    assert rows == [["1", "A1"], ["2", "A2"], ["3", "A3"], ["不排名", "新区"], ["不排名", "新城"]]
    assert array_support(plan) == ["不排名的单位(ranked: false:新区、新城)"]


# ---- consequences triggered by facts ------------------------------------------------------

FACTS = """\
consequences:
  - {name: 约谈, when: "规模性返贫风险 == 1"}
  - {name: 挂牌督办, veto: V1}
  - {name: 通报批评, when: '问题个数 >= 3', grade: 一般及以下}
  - {name: 提醒, when: 'value("2.1") < 30 and score("1.1") < 50'}
  - {name: 表扬, veto: false, grade: 好}
  - {name: 末位督查, when: '问题个数 >= 3', bottom: 2}
  - name: 督办
    any:
      - {veto: [发生规模性返贫]}
      - {when: 问题个数 >= 5}
"""


def test_consequences_triggered_by_facts(tmp_path: Path) -> None:
    plan = scheme(tmp_path, FACTS)
    units = [
        county("A1", 58, 40, risk=1),  # 98 好 under veto V1
        county("A2", 55, 38, problems=4),  # 93 好
        county("A3", 40, 25, problems=3),  # 65 一般
        county("A4", 45, 30),  # 75 一般; no finding count: formulas on it cannot be judged, not met
        county("A5", 30, 20, problems=6),  # 50 较差
    ]
    res, _notes = ranked(plan, units)
    assert {k: r.flags for k, r in res.items()} == {
        "A1": ["约谈", "挂牌督办", "督办"],
        "A2": ["表扬"],  # 4 problems, but 好: 通报批评 needs 一般及以下 as well
        "A3": ["通报批评", "提醒", "末位督查"],  # 4th of 5: within the last 2, with 3 problems
        "A4": [],  # 3rd
        "A5": ["通报批评", "提醒", "末位督查", "督办"],
    }
    why = "结果运用“约谈”的条件(公式 when、一票否决 veto)不支持按列计算"
    assert columnar_refusal(plan) == why and why in array_support(plan, columns=True)
    assert array_support(plan) == []  # places and grades on arrays (--sensitivity) are unaffected
    assert brief_columns(plan, units) is None


# ---- validation -----------------------------------------------------------------------------

INVALID = """\
id: t
title: 测试
year: 2024
full_score: 100
groups:
  - {id: a, name: 示范创建县}
  - {id: b, name: 重点帮扶县}
units:
  - {name: 甲, group: a}
  - {name: 乙, group: a}
  - {name: 丙, group: b}
  - {name: 丁, group: b, ranked: false}
fields:
  - {id: 返贫, name: 规模性返贫风险, kind: bool, required: false}
categories:
  - id: "1"
    name: 类
    points: 100
    indicators:
      - {id: "1.1", name: 甲, points: 100, unit: 分, rule: {type: direct}}
vetoes:
  - {id: V1, name: 返贫, when: 返贫 == 1}
grades:
  - {name: 好, min: 90, quota_count: {示范创建县: 3, b: 1, 面上县: 1}}
  - {name: 较好, min: 80, quota: 0.3, quota_count: 2}
  - {name: 一般, min: 60, quota_count: {a: 1}, quota_within: cohort}
  - {name: 较差, min: 0}
consequences:
  - {name: 约谈, when: "规模性返贫风险 == 1 and 返贫风险 > 0"}
  - {name: 挂牌督办, veto: V9}
  - {name: 通报批评, when: 'value("6.3") >= 3', grade: 一般及以下}
  - {name: 空}
awards:
  - {name: 第一名, places: [1, 2]}
  - {name: 标兵县, count: 3}
  - {name: 先进县, count: {示范创建县: 3}, places: [1]}
  - {name: 全省先进, count: 5, within: cohort, grade: 优秀}
  - {name: 无名单}
"""


def test_validation_messages(tmp_path: Path) -> None:
    assert messages(tmp_path, INVALID) == [
        "24:38 grades[0].quota_count.示范创建县: 等次“好”的名额 3 个多于分组“示范创建县”参与排名的 2 个单位",
        "24:54 grades[0].quota_count.面上县: 等次“好”的名额个数中分组“面上县”未定义",
        "25:37 grades[1].quota_count: 等次“较好”不能同时写 quota(名额比例)和 quota_count(名额个数)",
        "25:37 grades[1].quota_count: 等次“较好”的名额 2 个多于分组“重点帮扶县”参与排名的 1 个单位",
        "26:25 grades[2].quota_count: 等次“一般”按全体计算(within: cohort),名额个数应为一个数,不能按分组写",
        "29:16 consequences[0].when: 结果运用条件“规模性返贫风险 == 1 and 返贫风险 > 0”引用了未定义的“返贫风险”",
        "30:18 consequences[1].veto: 结果运用“挂牌督办”的 veto“V9”不是已定义的一票否决事项(vetoes 的 id 或 name)",
        '31:18 consequences[2].when: 结果运用条件“value("6.3") >= 3”中 value() 引用了不存在的指标“6.3”',
        "32:5 consequences[3]: 结果运用“空”须写 grade、bottom、top、when、veto、any 或 all 中至少一项",
        "34:29 awards[0].places[1]: 奖项“第一名”的名次 2 超出分组“重点帮扶县”参与排名的 1 个单位",
        "35:17 awards[1].count: 奖项“标兵县”的名单 3 个多于分组“示范创建县”参与排名的 2 个单位",
        "36:5 awards[2]: 奖项“先进县”须写 places(名次)、count(名单个数)或 quota(名单比例)中的一项,"
        "不能同时写 places 和 count",
        "36:25 awards[2].count.示范创建县: 奖项“先进县”的名单 3 个多于分组“示范创建县”参与排名的 2 个单位",
        "37:18 awards[3].count: 奖项“全省先进”的名单 5 个多于全体参与排名的 3 个单位",
        "37:44 awards[3].grade: 等次“优秀”未在 grades 中定义",
        "38:5 awards[4]: 奖项“无名单”须写 places(名次)、count(名单个数)或 quota(名单比例)中的一项",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '{name: 好, min: 90, quota_count: "5 个"}',
            "24:24 grades[0].quota_count: 应为个数(整数),或按分组写的映射,如 {示范创建县: 2, 重点帮扶县: 3},实际为“5 个”",
        ),
        (
            "{name: 好, min: 90, quota_count: true}",
            "24:24 grades[0].quota_count: 应为个数(整数),或按分组写的映射,如 {示范创建县: 2, 重点帮扶县: 3},实际为“true”",
        ),
        ("{name: 好, min: 90, quota_count: -1}", "24:24 grades[0].quota_count: 个数应至少为 0,实际为 -1"),
        (
            "{name: 好, min: 90, quota_count: {a: 1.5}}",
            "24:24 grades[0].quota_count: 分组“a”的个数应为整数,实际为“1.5”",
        ),
    ],
)
def test_counts_are_whole_numbers(tmp_path: Path, line: str, expected: str) -> None:
    text = INVALID[: INVALID.index("grades:")] + f"grades:\n  - {line}\n  - {{name: 较差, min: 0}}\n"
    assert messages(tmp_path, text) == [expected]


def test_an_award_list_within_the_groups_is_valid(tmp_path: Path) -> None:
    text = INVALID[: INVALID.index("grades:")] + (
        "grades:\n  - {name: 好, min: 90, quota_count: {示范创建县: 2, b: 1}}\n  - {name: 较差, min: 0}\n"
        "consequences:\n  - {name: 挂牌督办, veto: [V1, 返贫], grade: 较差}\n"
        "  - {name: 约谈, when: 规模性返贫风险 == 1 and veto}\n"
        "awards:\n  - {name: 第一名, places: [1]}\n  - {name: 标兵县, count: {a: 2, 重点帮扶县: 1}}\n"
        "  - {name: 先进县, quota: 0.5, within: cohort, grade: 好及以上, min: 85}\n"
    )
    assert messages(tmp_path, text) == []
