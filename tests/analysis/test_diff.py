"""Scheme changes between years: every kind of change, and the bundled 2023 → 2024 pair."""

from __future__ import annotations

from pathlib import Path

from assess.analysis.diff import diff_schemes
from assess.commands.common import load_plan
from assess.render.diff import diff_table

from .support import plan_from_text

OLD = """\
    id: old
    title: 旧方案
    year: 2023
    full_score: 10
    groups:
      - {id: key, name: 重点县}
    categories:
      - id: "1"
        name: 一类
        points: 10
        department: 甲局
        indicators:
          - {id: "1.1", name: 资金比重, points: 4, unit: "%", rule: {type: threshold, target: 55, by_group: {重点县: {target: 50}}}}
          - {id: "1.2", name: 旧名称, points: 2, unit: "%", rule: {type: threshold, target: 100}}
          - {id: "1.3", name: 将删除, points: 2, rule: {type: boolean}}
          - {id: "1.4", name: 改编码, points: 1, rule: {type: boolean}}
          - {id: "1.5", name: 问题数, points: 1, unit: 个, department: 乙局, rule: {type: deduct, per_item: 0.5}}
    grades:
      - {name: 好, min: 9, quota: 0.25}
      - {name: 一般, min: 0}
"""
NEW = """\
    id: new
    title: 新方案
    year: 2024
    full_score: 10
    groups:
      - {id: key, name: 重点县}
    categories:
      - id: "1"
        name: 一类
        points: 10
        department: 甲局
        indicators:
          - {id: "1.1", name: 资金比重, points: 3, unit: "%", rule: {type: threshold, target: 60, by_group: {重点县: {target: 55}}}}
          - {id: "1.2", name: 新名称, points: 2, unit: "%", rule: {type: step, baseline: 100, step: 1, deduct: 0.5}}
          - {id: "1.6", name: 新增项, points: 3, rule: {type: boolean}}
          - {id: "1.7", name: 改编码, points: 1, rule: {type: boolean}}
          - {id: "1.5", name: 问题数, points: 1, unit: 个, department: 丙局, rule: {type: deduct, per_item: 1}}
    grades:
      - {name: 好, min: 9.5, quota: 0.3}
      - {name: 一般, min: 0}
"""


def test_every_kind_of_change(tmp_path: Path) -> None:
    old = plan_from_text(tmp_path, OLD).scheme
    new = plan_from_text(tmp_path, NEW).scheme
    d = diff_schemes(old, new)
    kinds = {(c.kind, c.id) for c in d.changes}
    assert ("新增", "1.6") in kinds
    assert ("删除", "1.3") in kinds
    assert ("更名", "1.2") in kinds
    assert ("编码调整", "1.7") in kinds and ("删除", "1.4") not in kinds and ("新增", "1.7") not in kinds
    assert ("分值", "1.1") in kinds
    assert ("计分规则", "1.2") in kinds and ("计分规则", "1.5") in kinds
    assert ("责任单位", "1.5") in kinds
    targets = [c for c in d.changes if c.kind == "目标值"]
    assert [(c.old, c.new, c.note) for c in targets] == [("55%", "60%", "提高"), ("50%", "55%", "重点县提高")]
    grades = {(c.name, c.note) for c in d.changes if c.kind == "等次"}
    assert grades == {("好", "分数线调整"), ("好", "名额比例调整")}
    rule = next(c for c in d.changes if c.kind == "计分规则" and c.id == "1.5")
    assert "每个问题扣分 0.5" in rule.old and "每个问题扣分 1" in rule.new
    assert "共有" in d.summary() and "新增 1 处" in d.summary()
    assert "变化" in diff_table(d)


def test_identical_schemes_have_no_changes(tmp_path: Path) -> None:
    old = plan_from_text(tmp_path, OLD).scheme
    d = diff_schemes(old, old)
    assert d.changes == [] and "相同" in d.summary()


def test_bundled_2023_to_2024_shows_every_kind() -> None:
    d = diff_schemes(load_plan("county-2023").scheme, load_plan("county-2024").scheme)
    kinds = {c.kind for c in d.changes}
    assert {"新增", "删除", "更名", "分值", "目标值", "计分规则", "责任单位", "等次", "其他"} <= kinds
    target = next(c for c in d.changes if c.kind == "目标值" and c.id == "1.5" and c.note == "提高")
    assert (target.old, target.new) == ("55%", "60%")
    dept = next(c for c in d.changes if c.kind == "责任单位")
    assert (dept.id, dept.old, dept.new) == ("3.4", "县住房和城乡建设局", "县生态环境局")


def test_units_side_by_side_in_the_schemes_group_order() -> None:
    # The ranking lists 示范创建县, 重点帮扶县, 面上县 (the scheme's order); the
    # comparison under two schemes must not reorder them by group id.
    from assess.commands.diff import run_diff

    run = run_diff(
        "county-2023",
        "county-2024",
        [Path(__file__).resolve().parents[2] / "examples" / "counties"],
        [],
        fmt="table",
        output=None,
        report_date=None,
        issuer=None,
    )
    assert run.stdout is not None
    lines = run.stdout.splitlines()
    first = {
        g: next(i for i, line in enumerate(lines) if f"  {g}  " in line)
        for g in ("示范创建县", "重点帮扶县", "面上县")
    }
    assert first["示范创建县"] < first["重点帮扶县"] < first["面上县"]
