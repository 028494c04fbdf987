"""`explain` proposes only values a unit can reach (issue 20): within each field's bounds,
whole numbers for counts, a count never above its total; otherwise it says why not."""

from __future__ import annotations

from pathlib import Path

from assess.analysis.whatif import explain_unit

from .support import plan_from_text, rescorer, unit

SCHEME = """\
    id: t
    title: 测试方案
    year: 2024
    full_score: 10
    fields:
      - {id: a, name: 已完成, unit: 个, kind: count}
      - {id: u, name: 未完成, unit: 个, kind: count}
      - {id: p, name: 参保率, unit: "%", kind: percent, max: 100}
      - {id: n, name: 已参保人数, unit: 人, kind: count, part_of: t}
      - {id: t, name: 应参保人数, unit: 人, kind: count}
      - {id: c, name: 已建成个数, unit: 个, kind: count, part_of: m}
      - {id: m, name: 计划个数, unit: 个, kind: count}
    categories:
      - id: "1"
        name: 一类
        points: 10
        indicators:
          - {id: "1.1", name: 完成率, points: 3, unit: "%", formula: a / (a + u) * 100,
             rule: {type: threshold, target: 100}}
          - {id: "1.2", name: 参保率, points: 2, unit: "%", field: p,
             rule: {type: threshold, target: 100, inclusive: false}}
          - {id: "1.3", name: 人数占比, points: 3, unit: "%", formula: n / t * 100,
             rule: {type: threshold, target: 95}}
          - {id: "1.4", name: 建成数, points: 2, unit: 个, field: c, rule: {type: threshold, target: 12}}
    grades:
      - {name: 好, min: 9}
      - {name: 一般, min: 0}
"""


def test_only_reachable_values(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME)
    values = {"a": 27, "u": 33, "p": 96, "n": 30, "t": 33, "c": 8, "m": 10}
    e = explain_unit(plan, rescorer(plan, unit("甲县", values)), 0)
    by = {s.id: s for s in e.suggestions}
    # 27 ÷ (27 + 33): more done brings the rate nearer 100 % but never to it (was: 已完成 → 351,680,699 个)
    assert not by["1.1"].feasible
    assert by["1.1"].text == (
        "完成率需由 45.00% 提高到 100.00% 方可得满分,可增 3.00 分(完成率随已完成增加只能趋近 100.00%,无法达到)"
    )
    assert by["1.1"].changes[0].to_dict()["needed"] is None
    # a percent field with max 100 cannot be above 100 %
    assert not by["1.2"].feasible
    assert by["1.2"].text.endswith("(超过取值上限 100.00%,无法达到)")
    # a whole number of people, never above the people who should be insured (33)
    assert by["1.3"].feasible and by["1.3"].changes[0].needed == 32.0
    # 12 built is more than the 10 planned: out of reach, and why
    assert not by["1.4"].feasible
    assert (
        by["1.4"].text == "建成数需由 8 个 提高到 12 个 方可得满分,可增 2.00 分(超过计划个数 10 个,无法达到)"
    )
    # nothing out of reach is counted in the best total: only 1.3 can be won
    assert e.max_total == 3.0
    assert "差距无法弥补" in e.grade_gap.text


def test_count_above_its_total_through_a_formula(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME)
    values = {"a": 60, "u": 0, "p": 99, "n": 20, "t": 21, "c": 12, "m": 12}
    e = explain_unit(plan, rescorer(plan, unit("乙县", values)), 0)
    by = {s.id: s for s in e.suggestions}
    # 95 % of 21 is 19.95 → 20 people already: full points; so ask for 1.3 with fewer insured
    assert "1.3" not in by
    values["n"], values["t"] = 18, 19
    e = explain_unit(plan, rescorer(plan, unit("乙县", values)), 0)
    change = next(s for s in e.suggestions if s.id == "1.3").changes[0]
    assert (change.needed, change.feasible) == (19.0, True)
