"""The brief table on columns equals the brief table of the engine's results, line for line."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from assess.commands.common import load_plan
from assess.scheme.load import load_scheme
from assess.scheme.plan import Plan, compile_plan
from assess.scoring.array.columns import brief_columns
from assess.scoring.array.support import array_support
from assess.scoring.brief import Brief
from assess.scoring.engine import prepare, score_prepared
from assess.scoring.ranking import rank_cohort
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, TableData, UnitData, Value

ROOT = Path(__file__).resolve().parents[2]
SCHEMES = Path(__file__).resolve().parent / "schemes"


def _plan(tmp_path: Path, source: Path, *edits: tuple[str, str]) -> Plan:
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{source.stem}-{abs(hash(edits))}.yaml"
    path.write_text(text, encoding="utf-8")
    return compile_plan(load_scheme(path))


def _units(plan: Plan, seed: int, n: int, *, blanks: float = 0.1, low: float = 0.0) -> list[UnitData]:
    """Random units for any scheme: every input by its kind, some blank, 不适用 or bad."""
    rng = random.Random(seed)
    groups = [g.name for g in plan.scheme.groups] or ["甲组", "乙组"]
    units = []
    for k in range(n):
        values: dict[str, Value] = {}
        for spec in plan.read.inputs:
            x = rng.random()
            if x < blanks * 0.5:
                values[spec.key] = Value(None, MISSING)
            elif x < blanks * 0.8:
                values[spec.key] = Value(None, NOT_APPLICABLE, raw="不适用")
            elif x < blanks:
                values[spec.key] = Value(None, ERROR, raw="#DIV/0!")
            elif spec.kind == "bool":
                values[spec.key] = Value(float(rng.random() < (0.15 if not low else 0.02)))
            elif spec.kind == "count":
                values[spec.key] = Value(float(rng.randint(0, 6)))
            elif spec.kind == "percent" or spec.unit == "%":
                values[spec.key] = Value(round(rng.uniform(max(40, low), 100), rng.choice([0, 1, 2])))
            else:
                values[spec.key] = Value(round(rng.uniform(low, 120), rng.choice([0, 1, 2])))
        # a few exact ties, so that tie-breaks, shared places and quota cut-offs are exercised
        twin = units[rng.randrange(len(units))] if units and rng.random() < 0.1 else None
        if twin is not None:
            values = dict(twin.values)
        units.append(UnitData(f"单位{k:03d}", groups[k % len(groups)], 2024, values, {}, file=f"{k}.xlsx"))
    return units


def _engine(plan: Plan, units: list[UnitData], previous: Any = None, overall: bool = False) -> Brief:
    prepared = [prepare(plan, u) for u in units]
    results = score_prepared(plan, prepared, cohort=True)
    rank_cohort(plan, results, previous, overall=overall)
    return Brief.from_results(plan, results)


def _lines(brief: Brief) -> list[str]:
    from assess.render.brief_json import brief_lines

    return list(brief_lines(brief))


def _same(plan: Plan, units: list[UnitData], previous: Any = None, overall: bool = False) -> None:
    fast = brief_columns(plan, units, previous, overall=overall)
    assert fast is not None, "the scheme should be scored on columns"
    slow = _engine(plan, units, previous, overall)
    assert _lines(fast) == _lines(slow)
    assert fast.statistics() == slow.statistics()


VARIANTS: dict[str, tuple[Path, tuple[tuple[str, str], ...]]] = {
    "county": (ROOT / "indicators" / "county-2024.yaml", ()),
    "county-dense-cohort-quota": (
        ROOT / "indicators" / "county-2024.yaml",
        (("ties: shared", "ties: dense"), ("quota: 0.3}", "quota: 0.3, quota_within: cohort}")),
    ),
    "county-rescale-category": (
        ROOT / "indicators" / "county-2024.yaml",
        (("not_applicable: rescale_total", "not_applicable: rescale_category"),),
    ),
    "cohort": (SCHEMES / "cohort.yaml", ()),
    "cohort-no-rescaling": (
        SCHEMES / "cohort.yaml",
        (("not_applicable: rescale_total", "not_applicable: none"),),
    ),
    "grades": (SCHEMES / "grades.yaml", ()),
    "grades-dense": (SCHEMES / "grades.yaml", (("ties: shared", "ties: dense"),)),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
@pytest.mark.parametrize(("seed", "low"), [(1, 0.0), (2, 85.0)])
def test_columns_equal_engine(tmp_path: Path, name: str, seed: int, low: float) -> None:
    """Low values spread the grades; high ones crowd 好, so its quota cuts (ties included)."""
    source, edits = VARIANTS[name]
    plan = _plan(tmp_path, source, *edits)
    _same(plan, _units(plan, seed, 120, low=low))


def test_weights_exclusion_and_overall_places(tmp_path: Path) -> None:
    edits = tuple(
        (f'  - id: "{cid}"\n', f'  - id: "{cid}"\n    weight: {w}\n')
        for cid, w in (("1", 0.3), ("2", 0.2), ("3", 0.2), ("4", 0.1), ("5", 0.1), ("6", 0.1))
    )
    plan = _plan(tmp_path, ROOT / "indicators" / "county-2024.yaml", *edits)
    _same(plan, _units(plan, 5, 90), overall=True)
    for ind in plan.indicators[:4]:
        ind.missing = "exclude"  # type: ignore[misc]
    _same(plan, _units(plan, 6, 90, blanks=0.3))


def test_previous_year_and_two_year_consequences(tmp_path: Path) -> None:
    plan = _plan(tmp_path, SCHEMES / "grades.yaml")
    units = _units(plan, 3, 60)
    previous = {
        u.unit: {"rank": k % 20 + 1, "overall_rank": k + 1, "total": 70.5, "grade": "一般"}
        for k, u in enumerate(units[:40])
    }
    _same(plan, units, previous)
    _same(plan, units, previous, overall=True)


def test_composition_of_categories_and_a_field(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "scoring" / "test_scoring_totals.py").read_text(encoding="utf-8")
    assert "composition:" in text  # the composition scheme of the totals tests, reused here
    plan = _plan(
        tmp_path,
        SCHEMES / "grades.yaml",
        (
            "vetoes:",
            "composition:\n  - {id: 实绩, name: 实绩考核, source: categories, weight: 0.7, scale: 100}\n"
            "  - {id: 评议, name: 满意度评议, source: field, field: 评议, weight: 0.3, scale: 100}\nvetoes:",
        ),
        ("fields:\n", "fields:\n  - {id: 评议, name: 满意度评议得分, kind: score, required: false}\n"),
    )
    _same(plan, _units(plan, 8, 80))


def _with_tables(units: list[UnitData], seed: int) -> list[UnitData]:
    """Each unit given a village table: none, empty, or rows with incomes, blanks and text."""
    rng = random.Random(seed)
    for k, unit in enumerate(units):
        if k % 7 == 3:
            continue  # 未提供明细表
        n = 0 if k % 11 == 5 else rng.randint(1, 30)
        incomes: list[object] = [
            rng.choice([None, "不详", round(rng.uniform(0, 25), rng.choice([0, 2]))])
            if rng.random() < 0.2
            else round(rng.uniform(0, 25), rng.choice([0, 2]))
            for _ in range(n)
        ]
        unit.tables["villages"] = TableData(
            "villages", unit.file, "村级明细", rows=list(range(2, n + 2)), columns={"集体经济收入": incomes}
        )
    return units


@pytest.mark.parametrize(
    "edits",
    [
        (),
        (("op: count}", "op: mean, column: 集体经济收入}"),),
        (("op: count}", "op: sum_where, column: 集体经济收入, where: 集体经济收入 < 5}"),),
        (("op: count}", "op: max, column: 集体经济收入}"),),
    ],
    ids=["count", "mean", "sum_where", "max"],
)
def test_detail_tables_aggregated_then_columns(tmp_path: Path, edits: tuple[tuple[str, str], ...]) -> None:
    """County workbooks carry their village tables: aggregated per unit, the rest on columns."""
    plan = _plan(tmp_path, ROOT / "indicators" / "county-2024.yaml", *edits)
    assert plan.aggregates
    for seed in (1, 2):
        _same(plan, _with_tables(_units(plan, seed, 80), seed))


def test_an_aggregate_too_large_for_a_float_on_columns(tmp_path: Path) -> None:
    """A sum of incomes near 1e308 is infinite: an error on columns as in the engine (it was taken
    as a number, graded and barred differently, and crashed the JSON of a composition part)."""
    plan = _plan(
        tmp_path,
        ROOT / "indicators" / "county-2024.yaml",
        ("op: count}", "op: sum, column: 集体经济收入}"),
        ("bars:\n", "bars:\n  - {grade: 一般, when: 行政村数 > 100, reason: 收入合计过大}\n"),
    )
    units = _with_tables(_units(plan, 3, 40), 3)
    for k in (0, 5, 9):
        table = units[k].tables.get("villages")
        if table is not None and len(table):
            table.columns["集体经济收入"][0] = 1e308
            table.columns["集体经济收入"].append(1e308)
            table.rows.append(table.rows[-1] + 1)
    _same(plan, units)


def test_what_columns_leave_to_the_engine(tmp_path: Path) -> None:
    plan = load_plan("county-2024")
    units = _units(plan, 4, 10)
    assert brief_columns(plan, units[:1]) is None  # one unit: cohort rules cannot be scored
    text = _plan(
        tmp_path,
        ROOT / "indicators" / "county-2024.yaml",
        ("when: 规模性返贫 == 1", 'when: 规模性返贫 == 1 and "是" == "是"'),
    )
    assert brief_columns(text, _units(text, 1, 10)) is None  # text in a formula
    assert array_support(text, columns=True) == ["一票否决事项“发生规模性返贫”的条件含文字,无法按列计算"]
    assert array_support(text) == []  # values from the engine's prepare: the array core can rank
    assert array_support(plan, columns=True) == []  # rank --brief scores nothing early
    half_even = _plan(
        tmp_path, SCHEMES / "grades.yaml", ("full_score: 100", "full_score: 100\nrounding: {mode: half_even}")
    )
    _same(half_even, _units(half_even, 1, 60))  # every rounding mode on columns, as the engine rounds
    refuse = _plan(
        tmp_path, SCHEMES / "grades.yaml", ("rule: {type: direct}}", "rule: {type: direct}, missing: refuse}")
    )
    blank = _units(refuse, 1, 10)
    blank[3].values["1.1"] = Value(None, MISSING)
    assert brief_columns(refuse, blank) is None  # the engine names the unit in its error


def test_summary_table_columns(tmp_path: Path) -> None:
    """Units read from a summary table share its columns; the result is the same as unit by unit."""
    from openpyxl import Workbook

    from assess.workbook.summary import read_summary

    plan = load_plan("county-2024")
    units = _units(plan, 9, 40, blanks=0.0)
    wb = Workbook()
    ws = wb.active
    specs = plan.read.inputs
    ws.append(["单位名称", "分组", *[s.name for s in specs]])
    for k, u in enumerate(units):
        row: list[Any] = [u.unit, u.group]
        for s in specs:
            v = u.values[s.key].number
            row.append(("是" if v else "否") if s.kind == "bool" else v)
        if k == 5:
            row[3] = "不适用"
        if k == 6:
            row[4] = None
        ws.append(row)
    path = tmp_path / "汇总表.xlsx"
    wb.save(path)
    read = list(read_summary(path, plan.read))
    assert read[0].values.column_source() is not None  # type: ignore[attr-defined]
    _same(plan, read)


HEAD = """
schema_version: 1
id: t
title: t
year: 2024
full_score: 100
"""
GROUPS = """
groups:
  - {id: a, name: 一类县}
  - {id: b, name: 二类县}
"""


def _u(name: str, group: str, values: dict[str, float]) -> UnitData:
    return UnitData(name, group, 2024, {k: Value(v) for k, v in values.items()}, {}, file=f"{name}.xlsx")


# Cases found by review, each once scored differently on columns than by the engine.
CASES: dict[str, tuple[str, list[UnitData]]] = {
    "threshold-compared-exactly": (
        HEAD
        + """categories:
  - {id: "1", name: 甲, points: 100, indicators: [
      {id: "1.1", name: 比例, points: 10, unit: "%", rule: {type: threshold, target: 60, partial: 0}},
      {id: "1.2", name: 其他, points: 90, unit: 分, rule: {type: direct}}]}
""",
        [_u("甲县", "", {"1.1": 59.99999999999999, "1.2": 80}), _u("乙县", "", {"1.1": 60.0, "1.2": 70})],
    ),
    "cohort-rule-with-a-group-variant": (
        HEAD
        + GROUPS
        + """categories:
  - {id: "1", name: 甲, points: 100, indicators: [
      {id: "1.1", name: 增速, points: 10, unit: "%", rule: {type: rank, scores: [10, 8, 6], others: 4,
       within: cohort, by_group: {二类县: {others: 5}}}},
      {id: "1.2", name: 均值, points: 10, unit: "%", rule: {type: relative, to: average, at_average: 6,
       within: cohort, by_group: {二类县: {at_average: 7}}}},
      {id: "1.3", name: 其他, points: 80, unit: 分, rule: {type: direct}}]}
""",
        [
            _u("A1", "一类县", {"1.1": 9, "1.2": 3, "1.3": 80}),
            _u("A2", "一类县", {"1.1": 8, "1.2": 5, "1.3": 80}),
            _u("B1", "二类县", {"1.1": 7, "1.2": 7, "1.3": 80}),
            _u("B2", "二类县", {"1.1": 6, "1.2": 9, "1.3": 80}),
        ],
    ),
    "tie-break-by-a-second-level-indicator": (
        HEAD
        + """categories:
  - id: "1"
    name: 甲
    points: 100
    indicators:
      - id: "1.1"
        name: 综合
        points: 50
        children:
          - {id: "1.1.1", name: 子一, points: 25, unit: 分, rule: {type: direct}}
          - {id: "1.1.2", name: 子二, points: 25, unit: 分, rule: {type: direct}}
      - {id: "1.2", name: 其他, points: 50, unit: 分, rule: {type: direct}}
ranking: {tie_break: ["1.1"], ties: shared}
""",
        [
            _u("甲县", "", {"1.1.1": 10, "1.1.2": 10, "1.2": 40}),
            _u("乙县", "", {"1.1.1": 20, "1.1.2": 20, "1.2": 20}),
        ],
    ),
    "step-rounded-as-python-rounds": (
        HEAD
        + """categories:
  - {id: "1", name: 甲, points: 100, indicators: [
      {id: "1.1", name: 阶梯, points: 10, unit: "%", direction: lower,
       rule: {type: step, baseline: 3, step: 0.5, deduct: 1, count: started}},
      {id: "1.2", name: 其他, points: 90, unit: 分, rule: {type: direct}}]}
""",
        [_u("甲县", "", {"1.1": 4.5000000005, "1.2": 80}), _u("乙县", "", {"1.1": 3.5000000015, "1.2": 80})],
    ),
    "quota-with-many-decimals": (
        HEAD
        + """categories:
  - {id: "1", name: 甲, points: 100, indicators: [{id: "1.1", name: 得分, points: 100, unit: 分, rule: {type: direct}}]}
grades:
  - {name: 好, min: 90, quota: 0.3333333333}
  - {name: 一般, min: 0}
""",
        [_u(f"{k}县", "", {"1.1": 95}) for k in "甲乙丙"],
    ),
    "derived-field-naming-another-field": (
        HEAD
        + """fields:
  - {id: 收入, name: 人均收入}
  - {id: 增长, name: 收入增长, formula: "人均收入 - 100"}
categories:
  - {id: "1", name: 甲, points: 100, indicators: [
      {id: "1.1", name: 增长指标, points: 100, field: 增长, rule: {type: linear, floor: 0, target: 50}}]}
""",
        [_u("甲县", "", {"收入": 130}), _u("乙县", "", {"收入": 110})],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_review_cases(tmp_path: Path, name: str) -> None:
    text, units = CASES[name]
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    plan = compile_plan(load_scheme(path))
    _same(plan, units)


def test_a_derived_field_may_name_the_field_it_uses(tmp_path: Path) -> None:
    path = tmp_path / "scheme.yaml"
    text, units = CASES["derived-field-naming-another-field"]
    path.write_text(text, encoding="utf-8")
    p = prepare(compile_plan(load_scheme(path)), units[0])
    assert p.env["增长"] == 30.0
    assert (p.values[0].value, p.values[0].status) == (30.0, "ok")


def test_a_unit_written_to_leaves_the_shared_columns(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from assess.workbook.summary import read_summary, shared_columns

    plan = load_plan("county-2024")
    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "分组", *[s.name for s in plan.read.inputs]])
    for k in range(4):
        ws.append([f"县{k}", "面上县", *[50 + k for _s in plan.read.inputs]])
    wb.save(tmp_path / "汇总表.xlsx")
    units = list(read_summary(tmp_path / "汇总表.xlsx", plan.read))
    assert shared_columns(units) is not None
    key = plan.read.inputs[0].key
    units[1].values[key] = Value(7.0)  # the unit now holds its own values
    assert shared_columns(units) is None
    _same(plan, units)
