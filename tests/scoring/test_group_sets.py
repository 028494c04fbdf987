"""Each group's own indicators and points (分类考核: groups, drop, points).

The scheme here is modelled on a published one that gives 耕地保有量 1 point to its urban
districts and 3 to the others, and 稳定粮食生产 5 against 35: 城区 drops 1.3, has its own
points for 1.1 and 1.2 and alone has 2.2 and the bonus item B2; 涉农区 is the scheme as written.
Both groups total 100.  The differential test scores each group's units on the scheme written
out for that group alone (``flat``) and requires the same figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scoring_support import by_unit, ind, plan_from_text, unit

from assess.scoring.array.support import array_support
from assess.scoring.engine import score_units
from assess.scoring.ranking import rank_cohort
from assess.scoring.result import OUTSIDE

URBAN, RURAL = "城区", "涉农区"

SETS = (Path(__file__).resolve().parent / "schemes" / "group_sets.yaml").read_text(encoding="utf-8")

# The same scheme written out for one group alone: what a 城区 unit is assessed on.
FLAT_URBAN = """\
id: flat-u
title: 城区
year: 2024
full_score: 100
categories:
  - id: "1"
    name: 粮食安全
    points: 6
    indicators:
      - {id: "1.1", name: 耕地保有量, points: 1, unit: "%", rule: {type: threshold, target: 100}}
      - {id: "1.2", name: 粮食播种面积, points: 5, unit: "%", rule: {type: linear, floor: 90, target: 100}}
  - id: "2"
    name: 乡村治理
    points: 94
    indicators:
      - {id: "2.1", name: 人居环境, points: 60, unit: 分, rule: {type: direct}}
      - {id: "2.2", name: 城乡融合, points: 34, unit: 分, rule: {type: direct}}
bonus:
  cap: 5
  items:
    - {id: B1, name: 示范创建, points: 3, rule: {type: boolean}}
    - {id: B2, name: 城市更新试点, points: 2, rule: {type: boolean}}
grades:
  - {name: 好, min: 90}
  - {name: 较好, min: 80}
  - {name: 一般, min: 60}
  - {name: 较差, min: 0}
"""

FLAT_RURAL = """\
id: flat-r
title: 涉农区
year: 2024
full_score: 100
categories:
  - id: "1"
    name: 粮食安全
    points: 40
    indicators:
      - {id: "1.1", name: 耕地保有量, points: 3, unit: "%", rule: {type: threshold, target: 100}}
      - {id: "1.2", name: 粮食播种面积, points: 35, unit: "%", rule: {type: linear, floor: 90, target: 100}}
      - {id: "1.3", name: 高标准农田, points: 2, unit: "%", rule: {type: rank, first: 2, step: 0.5}}
  - id: "2"
    name: 乡村治理
    points: 60
    indicators:
      - {id: "2.1", name: 人居环境, points: 60, unit: 分, rule: {type: direct}}
bonus:
  cap: 5
  items:
    - {id: B1, name: 示范创建, points: 3, rule: {type: boolean}}
grades:
  - {name: 好, min: 90}
  - {name: 较好, min: 80}
  - {name: 一般, min: 60}
  - {name: 较差, min: 0}
"""


def _urban(name: str, **v: Any) -> Any:
    values = {"1.1": 100, "1.2": 95, "2.1": 55, "2.2": 30, "B1": 0, "B2": 1} | v
    return unit(name, values, URBAN)


def _rural(name: str, **v: Any) -> Any:
    values = {"1.1": 100, "1.2": 99, "1.3": 90, "2.1": 58, "B1": 1} | v
    return unit(name, values, RURAL)


def test_each_group_is_scored_on_its_own_set(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SETS)
    results = by_unit(
        score_units(plan, [_urban("芙蓉区"), _rural("望城区"), _rural("长沙县", **{"1.3": 80})])
    )
    fr = results["芙蓉区"]
    assert (ind(fr, "1.1").points, ind(fr, "1.1").score) == (1, 1)
    assert (ind(fr, "1.2").points, ind(fr, "1.2").score) == (5, 2.5)  # half way from 90 to 100
    outside = ind(fr, "1.3")
    assert (outside.status, outside.points, outside.score, outside.applicable) == (OUTSIDE, 0, None, False)
    assert outside.basis == "城区组不考核此项"
    assert [(c.id, c.points, c.score) for c in fr.categories] == [("1", 6, 3.5), ("2", 94, 85)]
    assert [(b.id, b.score) for b in fr.bonus] == [("B1", 0), ("B2", 2)]
    assert (fr.base_total, fr.total) == (88.5, 90.5)  # no rescaling for what the group does not have
    wc = results["望城区"]
    assert (ind(wc, "1.2").points, ind(wc, "2.2").status) == (35, OUTSIDE)
    assert [(c.id, c.points) for c in wc.categories] == [("1", 40), ("2", 60)]
    assert [b.id for b in wc.bonus] == ["B1"]  # B2 is 城区's alone
    assert ind(wc, "1.3").score == 2 and ind(results["长沙县"], "1.3").score < 2  # ranked among 涉农区


def test_a_value_for_an_indicator_the_group_does_not_have_is_a_finding(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SETS)
    [r] = score_units(plan, [_urban("芙蓉区", **{"1.3": 80})])
    assert ind(r, "1.3").score is None
    assert [(f["code"], f["message"], f["severity"]) for f in r.findings] == [
        (
            "not-in-set",
            "单位“芙蓉区”属城区组,该组不考核指标 1.3“高标准农田”,填报的 80.00% 未计分",
            "warning",
        )
    ]


def test_a_unit_without_a_group_is_a_finding_not_a_silent_set(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SETS)
    [r] = score_units(plan, [unit("某区", {"1.1": 100, "1.2": 100, "1.3": 1, "2.1": 60, "2.2": 34})])
    assert [(f["code"], f["severity"]) for f in r.findings] == [("no-group", "error")]
    assert r.findings[0]["message"].startswith("单位“某区”没有分组,方案各组考核的指标或分值不同")


def test_the_array_path_refuses_group_sets_in_its_one_gate(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SETS)
    reasons = array_support(plan, columns=True, units=3)
    assert "各分组考核的指标或分值不同(groups、drop、points)" in reasons


_value = st.one_of(
    st.none(), st.floats(min_value=80, max_value=105, allow_nan=False).map(lambda x: round(x, 1))
)
_score = st.one_of(st.none(), st.integers(min_value=0, max_value=34))


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    urban=st.lists(
        st.tuples(_value, _value, _score, _score, st.booleans(), st.booleans()), min_size=1, max_size=5
    ),
    rural=st.lists(st.tuples(_value, _value, _value, _score, st.booleans()), min_size=2, max_size=5),
)
def test_sets_score_as_each_group_written_out_alone(
    tmp_path: Path, urban: list[Any], rural: list[Any]
) -> None:
    """The differential: a unit scored on its group's set equals the unit scored on a scheme
    that writes that set out, blanks, cohort ranks within the group and bonus caps included."""
    sets = plan_from_text(tmp_path, SETS)
    flat_u = plan_from_text(tmp_path, FLAT_URBAN)
    flat_r = plan_from_text(tmp_path, FLAT_RURAL)
    us = [{"1.1": a, "1.2": b, "2.1": c, "2.2": d, "B1": int(e), "B2": int(f)} for a, b, c, d, e, f in urban]
    rs = [{"1.1": a, "1.2": b, "1.3": c, "2.1": d, "B1": int(e)} for a, b, c, d, e in rural]
    mixed = [unit(f"城{i}", v, URBAN) for i, v in enumerate(us)] + [
        unit(f"农{i}", v, RURAL) for i, v in enumerate(rs)
    ]
    got = score_units(sets, mixed)
    rank_cohort(sets, got)
    want_u = score_units(flat_u, [unit(f"城{i}", v) for i, v in enumerate(us)])
    want_r = score_units(flat_r, [unit(f"农{i}", v) for i, v in enumerate(rs)])
    rank_cohort(flat_u, want_u)
    rank_cohort(flat_r, want_r)
    by = by_unit(got)
    for want in (*want_u, *want_r):
        r = by[want.unit]
        mine = {i.id: (i.points, i.score, i.lost) for i in r.indicators if i.status != OUTSIDE}
        theirs = {i.id: (i.points, i.score, i.lost) for i in want.indicators}
        assert mine == theirs, want.unit
        assert [(c.points, c.score) for c in r.categories if c.points] == [
            (c.points, c.score) for c in want.categories
        ]
        assert (r.base_total, r.bonus_total, r.total, r.rank, r.grade) == (
            want.base_total,
            want.bonus_total,
            want.total,
            want.rank,
            want.grade,
        ), want.unit
