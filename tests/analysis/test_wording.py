"""The exact sentences explain writes: numbers as the scoring basis formats them, 组内 only with groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.analysis.rescore import Rescorer
from assess.analysis.whatif import explain_unit
from assess.render.explain import explanation_text

from .support import plan_from_text, rescorer, unit

SCHEME = """\
    id: tw
    title: 测试方案
    year: 2024
    full_score: 10
    {groups}
    categories:
      - id: "1"
        name: 一类
        points: 10
        indicators:
          - {{id: "1.1", name: 污水治理率, points: 4, unit: "%", rule: {{type: relative, to: best}}}}
          - {{id: "1.2", name: 完成确权, points: 3, kind: bool, rule: {{type: boolean}}}}
          - {{id: "1.3", name: 问题数, points: 3, unit: 个, rule: {{type: deduct, per_item: 1}}}}
    grades:
      - {{name: 好, min: 9, quota: 0.3}}
      - {{name: 一般, min: 0}}
"""

GROUPS = """groups:
      - {id: key, name: 重点帮扶县}
      - {id: general, name: 面上县}"""


def _explain(tmp_path: Path, groups: str, of: tuple[str | None, ...]) -> list[str]:
    plan = plan_from_text(tmp_path, SCHEME.format(groups=groups))
    rs = rescorer(
        plan,
        unit("甲县", {"1.1": 40, "1.2": False, "1.3": 1}, of[0]),
        unit("乙县", {"1.1": 50, "1.2": True, "1.3": 0}, of[1]),
        unit("丙县", {"1.1": 60, "1.2": True, "1.3": 0}, of[2]),
    )
    e = explain_unit(plan, rs, 0)
    return explanation_text(plan, rs, e, None).splitlines()


def test_without_groups_the_cohort_is_everyone(tmp_path: Path) -> None:
    lines = _explain(tmp_path, "", (None, None, None))
    assert lines[1] == (
        "甲县总分 4.67 分,等次“一般”,第 3 名(共 3 个);各项可改进指标都得满分时总分最高 10.00 分。"
    )
    assert "另:“好”等次有名额限制(全体单位数的 30%),达到分数线还须在名额之内。" in lines[2]
    assert lines[3].startswith("名次:距第 2 名(乙县,9.33 分)差 4.66 分")
    assert lines[5:8] == [
        "   1. [1.2] 完成确权需由“否”改为“是”方可得满分,可增 3.00 分",
        "   2. [1.1] 污水治理率按相对值计分,取决于其他单位:需由 40.00% 提高到 60.00%"
        "(达到全体最好值 60.00% 方可得满分),按其他单位现有数据可增 1.33 分",
        "   3. [1.3] 问题数需由 1 个 减少到 0 个 方可得满分,可增 1.00 分",
    ]
    assert not any("组内" in line or "本组" in line or "未分组" in line for line in lines)


def test_with_groups_the_cohort_is_the_group(tmp_path: Path) -> None:
    lines = _explain(tmp_path, GROUPS, ("key", "key", "general"))
    assert lines[1] == (
        "甲县(重点帮扶县)总分 5.20 分,等次“一般”,组内第 2 名(共 2 个);"
        "各项可改进指标都得满分时总分最高 10.00 分。"
    )
    assert "另:“好”等次有名额限制(本组单位数的 30%),达到分数线还须在名额之内。" in lines[2]
    assert lines[3].startswith("名次:距组内第 1 名(乙县,10.00 分)差 4.80 分")
    assert (
        "   3. [1.1] 污水治理率按相对值计分,取决于其他单位:需由 40.00% 提高到 50.00%"
        "(达到组内最好值 50.00% 方可得满分),按其他单位现有数据可增 0.80 分"
    ) in lines


SCHEME_LIMIT = """\
    id: tl
    title: 测试方案
    year: 2024
    full_score: 10
    fields:
      - {id: paid, name: 已支付金额, unit: 万元, max: 20000}
      - {id: funds, name: 到位资金, unit: 万元}
    categories:
      - id: "1"
        name: 一类
        points: 10
        indicators:
          - {id: "1.1", name: 支付率, points: 10, unit: "%", formula: paid / funds * 100, rule: {type: threshold, target: 90}}
    grades:
      - {name: 好, min: 9}
      - {name: 一般, min: 0}
"""


def test_a_field_limit_is_written_like_the_values_beside_it(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME_LIMIT)
    rs = rescorer(plan, unit("甲县", {"paid": 15000, "funds": 25000}))
    (s,) = explain_unit(plan, rs, 0).suggestions
    assert s.text == (
        "支付率需由 60.00% 提高到 90.00% 方可得满分,可增 10.00 分"
        "(已支付金额由 15,000 万元 增加到 22,500 万元,超过上限 20,000 万元,无法达到)"
    )


@pytest.fixture(scope="module")
def county_rs(county_plan, county_prepared) -> Rescorer:  # type: ignore[no-untyped-def]
    return Rescorer(county_plan, county_prepared)


def test_sample_sentences(county_plan, county_rs) -> None:  # type: ignore[no-untyped-def]
    huayuan = explain_unit(county_plan, county_rs, county_rs.index_of("花垣县"))
    lines = explanation_text(county_plan, county_rs, huayuan, None).splitlines()
    assert lines[1] == (
        "花垣县(重点帮扶县)总分 59.89 分,等次“较差”,组内第 6 名(共 6 个);"
        "各项可改进指标都得满分时总分最高 99.19 分。"
    )
    texts = {(s.id, s.aim): s.text for s in huayuan.suggestions}
    assert (
        texts[("5.2", "满分")]
        == "耕地保有量和永久基本农田保护任务完成需由“否”改为“是”方可得满分,可增 3.00 分"
    )
    assert texts[("2.2", "满分")].startswith(
        "农村居民人均可支配收入增速按极差法计分,取决于其他单位:需由 6.70% 提高到 8.40%"
        "(达到全体最好值 8.40% 方可得满分)"
    )
    assert texts[("3.4", "满分")].startswith(
        "农村生活污水治理率按相对值计分,取决于其他单位:需由 41.80% 提高到 53.10%"
        "(达到组内最好值 53.10% 方可得满分)"
    )
    baojing = explain_unit(county_plan, county_rs, county_rs.index_of("保靖县"))
    texts = {(s.id, s.aim): s.text for s in baojing.suggestions}
    assert texts[("1.3", "少扣一档")] == (
        "帮扶措施落实率需由 99.50% 提高到 99.70% 以上(不含 99.70%)方可少扣一档,可增 1.00 分"
    )


def test_a_best_total_equal_to_the_unit_above_only_ties(tmp_path: Path) -> None:
    plan = plan_from_text(tmp_path, SCHEME.format(groups=""))
    rs = rescorer(
        plan,
        unit("甲县", {"1.1": 60, "1.2": False, "1.3": 0}, None),
        unit("乙县", {"1.1": 60, "1.2": True, "1.3": 0}, None),
    )
    lines = explanation_text(plan, rs, explain_unit(plan, rs, 0), None).splitlines()
    assert lines[3] == (
        "名次:距第 1 名(乙县,10.00 分)差 3.00 分:再得 3.00 分可与其同分(同分按方案的同分规则比较),"
        "得 3.01 分可超过;但总分最高 10.00 分,至多与其同分,无法超过。"
    )
