"""Gap to the next grade and place, worked out by hand on small schemes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.analysis.rescore import Rescorer
from assess.analysis.whatif import explain_unit, parse_assignments, what_if
from assess.errors import UsageError
from assess.scoring.engine import score_prepared

from .support import plan_from_text, rescorer, unit

SCHEME_A = """\
    id: t
    title: 测试方案
    year: 2024
    full_score: 10
    fields:
      - {id: a, name: 已完成数, unit: 个, kind: count, part_of: b}
      - {id: b, name: 任务数, unit: 个, kind: count}
      - {id: v, name: 是否发生否决事项, kind: bool}
    categories:
      - id: "1"
        name: 一类
        points: 10
        indicators:
          - {id: "1.1", name: 完成率, points: 4, unit: "%", formula: a / b * 100, rule: {type: threshold, target: 70}}
          - id: "1.2"
            name: 覆盖率
            points: 3
            unit: "%"
            max: 100
            rule:
              type: bands
              bands:
                - {min: 90, score: 3}
                - {min: 80, max: 90, score: 2}
                - {max: 80, score: 0}
          - {id: "1.3", name: 问题数, points: 3, unit: 个, rule: {type: deduct, per_item: 1}}
    vetoes:
      - {id: V1, name: 发生否决事项, when: v == 1, effect: lowest}
    grades:
      - {name: 好, min: 9}
      - {name: 较好, min: 7}
      - {name: 一般, min: 0}
"""


def test_gap_to_next_grade_by_hand(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_A)
    rs = rescorer(plan, unit("甲县", {"a": 60, "b": 100, "1.2": 75, "1.3": 1, "v": 0}))
    e = explain_unit(plan, rs, 0)
    # 0 (60% < 70%) + 0 (75% < 80%) + 2 (one problem) = 2 points: 一般; 较好 needs 7.
    assert e.total == 2.0 and e.grade == "一般"
    assert e.grade_gap.needed == 5.0 and e.grade_gap.reachable
    assert e.max_total == 10.0
    by = {(s.id, s.aim): s for s in e.suggestions}
    full = by[("1.1", "满分")]
    assert full.needed == 70 and full.gain == 4.0
    assert full.text.startswith("完成率需由 60.00% 提高到 70.00% 方可得满分,可增 4.00 分")
    assert [(c.key, c.needed) for c in full.changes] == [
        ("a", 70.0)
    ]  # the numerator, never a smaller denominator
    assert by[("1.2", "下一档")].needed == 80 and by[("1.2", "下一档")].gain == 2.0
    assert by[("1.2", "满分")].needed == 90 and by[("1.2", "满分")].gain == 3.0
    assert by[("1.3", "满分")].needed == 0 and by[("1.3", "满分")].gain == 1.0
    # Largest gain first; no single step closes 5 points, 1.1 and 1.2 together do.
    assert [s.id for s in e.suggestions][:3] == ["1.1", "1.2", "1.2"]
    assert e.grade_gap.route == ["1.1", "1.2"]
    assert "距“较好”等次(分数线 7 分)差 5.00 分" in e.grade_gap.text


def test_a_veto_no_points_can_lift(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_A)
    rs = rescorer(plan, unit("乙县", {"a": 80, "b": 100, "1.2": 95, "1.3": 0, "v": 1}))
    e = explain_unit(plan, rs, 0)
    assert e.total == 10.0 and e.grade == "一般"
    assert not e.grade_gap.reachable
    assert "一票否决" in e.grade_gap.text and "任何得分都无法改变" in e.grade_gap.text
    assert e.suggestions == []


SCHEME_CAPS = """\
    id: t2
    title: 测试方案
    year: 2024
    full_score: 10
    categories:
      - id: "1"
        name: 一类
        points: 10
        indicators:
          - {id: "1.1", name: 达标, points: 10, unit: "%", rule: {type: threshold, target: 100}}
    bonus:
      cap: 1
      items:
        - {id: B1, name: 经验推广, points: 2, unit: 项, rule: {type: bonus, per_item: 1}}
    penalties:
      items:
        - {id: P1, name: 数据作假, per_item: 3}
    grades:
      - {name: 好, min: 9.5}
      - {name: 一般, min: 0}
"""


def test_a_cap_makes_the_gap_unreachable(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_CAPS)
    rs = rescorer(plan, unit("丙县", {"1.1": 100, "B1": 2, "P1": 1}))
    e = explain_unit(plan, rs, 0)
    # 10 + min(2, cap 1) - 3 = 8: every indicator is full and the bonus is at its cap.
    assert e.total == 8.0 and e.grade == "一般"
    assert e.grade_gap.needed == 1.5
    assert not e.grade_gap.reachable
    assert e.max_total == 8.0
    assert "差距无法弥补" in e.grade_gap.text
    assert any("加分已达合计上限 1 分" in n for n in e.notes)
    assert any("扣分项共扣 3 分" in n for n in e.notes)


SCHEME_GROUP = """\
    id: t3
    title: 测试方案
    year: 2024
    full_score: 10
    deduct_groups:
      - {id: g, name: 作风问题扣分, cap: 2}
    categories:
      - id: "1"
        name: 一类
        points: 10
        indicators:
          - {id: "1.1", name: 甲类问题, points: 2, unit: 个, rule: {type: deduct, per_item: 1, cap_group: g}}
          - {id: "1.2", name: 乙类问题, points: 2, unit: 个, rule: {type: deduct, per_item: 1, cap_group: g}}
          - {id: "1.3", name: 达标, points: 6, unit: "%", rule: {type: threshold, target: 100}}
    grades:
      - {name: 好, min: 9}
      - {name: 一般, min: 0}
"""


def test_a_shared_deduction_cap_takes_the_gain_away(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_GROUP)
    rs = rescorer(plan, unit("丁县", {"1.1": 2, "1.2": 2, "1.3": 100}))
    e = explain_unit(plan, rs, 0)
    assert e.total == 8.0  # 2 + 2 problems, but the group deducts at most 2
    s = next(s for s in e.suggestions if s.id == "1.1")
    assert s.gain == 0.0
    assert "受“作风问题扣分”合计扣分上限 2 分约束" in s.text
    group = next(s for s in e.suggestions if s.kind == "group")
    assert group.gain == 2.0 and "须同时减少到 0 个" in group.text
    assert e.grade_gap.route == ["g"] and e.grade_gap.reachable
    assert e.max_total == 10.0


SCHEME_RULES = """\
    id: t4
    title: 测试方案
    year: 2024
    full_score: 10
    categories:
      - id: "1"
        name: 一类
        points: 10
        indicators:
          - {id: "1.1", name: 落实率, points: 3, unit: "%", rule: {type: step, baseline: 100, step: 0.1, deduct: 1}}
          - {id: "1.2", name: 纳入时限, points: 2, unit: 天, direction: lower, rule: {type: linear, floor: 30, target: 15}}
          - {id: "1.3", name: 完成确权, points: 2, kind: bool, rule: {type: boolean}}
          - {id: "1.4", name: 产值比, points: 3, rule: {type: ratio, target: 2.5}}
    grades:
      - {name: 好, min: 9}
      - {name: 一般, min: 0}
"""


def test_needed_values_of_each_rule(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_RULES)
    rs = rescorer(plan, unit("戊县", {"1.1": 99.5, "1.2": 27, "1.3": False, "1.4": 2}))
    e = explain_unit(plan, rs, 0)
    by = {(s.id, s.aim): s for s in e.suggestions}
    # step: 0.5 points below in steps of 0.1 = 5 steps, 3 points lost; one step back needs > 99.7.
    one = by[("1.1", "少扣一档")]
    assert one.needed == pytest.approx(99.7) and one.strict and one.gain == 1.0
    assert "99.70% 以上(不含 99.70%)" in one.text
    assert by[("1.1", "满分")].needed == 100 and by[("1.1", "满分")].gain == 3.0
    lin = by[("1.2", "满分")]
    assert lin.needed == 15 and "降低到 15 天" in lin.text and lin.gain == pytest.approx(1.6)
    assert by[("1.3", "满分")].text.startswith("完成确权需由“否”改为“是”")
    assert by[("1.4", "满分")].needed == 2.5 and by[("1.4", "满分")].gain == pytest.approx(0.6)


def test_rescorer_fast_path_equals_the_engine(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_A)
    units = [
        unit("甲县", {"a": 60, "b": 100, "1.2": 75, "1.3": 1, "v": 0}),
        unit("乙县", {"a": 90, "b": 100, "1.2": 85, "1.3": 4, "v": 0}),
    ]
    rs = rescorer(plan, *units)
    for i, p in enumerate(rs.prepared):
        assert rs.unit(i, p).total == rs.results[i].total
    assert [r.total for r in score_prepared(plan, rs.prepared)] == [r.total for r in rs.results]


def test_what_if_by_indicator_and_field(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_A)
    rs = rescorer(
        plan,
        unit("甲县", {"a": 60, "b": 100, "1.2": 75, "1.3": 1, "v": 0}),
        unit("乙县", {"a": 65, "b": 100, "1.2": 79, "1.3": 0, "v": 0}),
    )
    assert [r.rank for r in rs.results] == [2, 1]
    w = what_if(plan, rs, 0, parse_assignments(plan, ["已完成数=70", "1.2=92%"]))
    assert w.after.total == 2 + 4 + 3 and w.after.rank == 1
    assert {row["id"] for row in w.rows} == {"1.1", "1.2"}
    assert w.others == [
        {"unit": "乙县", "total_before": 3.0, "total_after": 3.0, "rank_before": 1, "rank_after": 2}
    ]
    # A formula indicator can be set directly too.
    w2 = what_if(plan, rs, 0, parse_assignments(plan, ["1.1=70"]))
    assert w2.after.total == 6.0


def test_set_refuses_what_it_cannot_mean(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_A)
    with pytest.raises(UsageError, match=r"没有编码或名称为“9\.9”"):
        parse_assignments(plan, ["9.9=1"])
    with pytest.raises(UsageError, match="应写成 编码=数值"):
        parse_assignments(plan, ["1.2"])
    with pytest.raises(UsageError, match="不是数字"):
        parse_assignments(plan, ["1.2=很多"])
    assert parse_assignments(plan, ["v=是"])[0].value == 1.0


def test_sample_cohort_explanations_are_consistent(county_plan, county_prepared) -> None:  # type: ignore[no-untyped-def]
    rs = Rescorer(county_plan, county_prepared)
    for i in range(len(county_prepared)):
        e = explain_unit(county_plan, rs, i)
        assert e.max_total >= e.total
        for s in e.suggestions:
            assert s.gain >= 0 and s.text
        if e.grade_gap.reachable and e.grade_gap.route:
            assert e.grade_gap.needed is not None
    # 保靖县 has 规模性返贫: its grade cannot be lifted by points.
    e = explain_unit(county_plan, rs, rs.index_of("保靖县"))
    assert not e.grade_gap.reachable and "规模性返贫" in e.grade_gap.text
