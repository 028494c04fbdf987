"""Scoring reads only ``plan.env_keys`` of a unit's values: the result must be the same as with all of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.commands.common import load_plan
from assess.scoring.engine import prepare, score_prepared
from assess.scoring.ranking import rank_cohort
from assess.workbook.load import read_all

ROOT = Path(__file__).resolve().parents[2]
SCHEMES = sorted((ROOT / "tests" / "scoring" / "schemes").glob("*.yaml"))


def _ranked(plan, units):  # type: ignore[no-untyped-def]
    results = score_prepared(plan, [prepare(plan, u) for u in units], cohort=True)
    rank_cohort(plan, results, None)
    return [r.to_dict() for r in results]


@pytest.mark.parametrize("scheme", ["county-2024", "county-2023"])
def test_bundled_examples_score_the_same_with_every_value(scheme: str) -> None:
    plan = load_plan(scheme)
    files = sorted((ROOT / "examples" / "counties").iterdir())
    units, _ = read_all(files, plan.read, details=[ROOT / "examples" / "村级明细(全省).xlsx"], jobs=1)
    lean = _ranked(plan, units)
    plan.env_keys = tuple(sorted({k for u in units for k in u.values}))
    assert lean == _ranked(plan, units)


def test_a_field_no_rule_reads_is_left_out() -> None:
    plan = load_plan("county-2024")
    assert "value:1.1" not in plan.env_keys  # computed values are never read from the unit
    reported = {f.key for f in plan.read.inputs} | set(plan.fields)
    assert set(plan.env_keys) - reported == {"veto"}  # set by the grading, named by a bar


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.stem)
def test_test_schemes_list_what_they_read(path: Path) -> None:
    """Every field a formula, adjustment, veto, bar or part names is in env_keys."""
    plan = load_plan(str(path))
    for f in plan.read.inputs:
        used = any(
            f.key == ind.key or (ind.formula is not None and f.key in _ids(plan, ind.formula.names))
            for ind in plan.indicators
        )
        if used:
            assert f.key in plan.env_keys
    for name, fid in plan.name_aliases.items():
        if name in {n for ind in plan.indicators if ind.formula for n in ind.formula.names}:
            assert (name, fid) in plan.env_aliases


def _ids(plan, names):  # type: ignore[no-untyped-def]
    return {plan.name_aliases.get(n, n) for n in names}


def test_unit_data_crosses_a_process_boundary_unchanged() -> None:
    """Workers send units back pickled (as tuples, for speed): nothing may be lost on the way."""
    import pickle

    plan = load_plan("county-2024")
    files = sorted((ROOT / "examples" / "counties").iterdir())[:3]
    units, _ = read_all(files, plan.read, details=[ROOT / "examples" / "村级明细(全省).xlsx"], jobs=1)
    assert any(u.tables for u in units) and any(u.findings for u in units)
    assert pickle.loads(pickle.dumps(units)) == units


SMALL = """\
id: env-test
title: 测试方案
year: 2024
full_score: 10
categories:
  - id: "1"
    name: 一类
    points: 10
    indicators:
      - {{id: "1.1", name: 增长, points: 10, unit: "%", formula: "{formula}", rule: {{type: linear, floor: 0, target: 100}}}}
fields:
{fields}
"""


def _small(tmp_path: Path, formula: str, fields: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "方案.yaml"
    path.write_text(SMALL.format(formula=formula, fields=fields), encoding="utf-8")
    return load_plan(str(path))


def test_a_name_that_is_also_another_fields_id_is_refused(tmp_path: Path) -> None:
    """Field x is named "y" and field y exists too: a formula's "y" would be ambiguous, so the
    scheme check refuses it (duplicate-name) rather than pick one silently."""
    from assess.errors import SchemeError

    with pytest.raises(SchemeError) as caught:
        _small(tmp_path, "y / x * 100", "  - {id: x, name: y}\n  - {id: y, name: 上年}")
    assert [f.code for f in caught.value.findings] == ["duplicate-name"]


def test_the_whole_of_a_part_is_in_the_env_for_explain(tmp_path: Path) -> None:
    """explain caps a suggested part at its whole, even when no formula names the whole."""
    from assess.analysis.solve import solve_inputs
    from assess.workbook.data import UnitData, Value

    fields = (
        "  - {id: 问题总数, name: 问题总数, kind: count}\n"
        "  - {id: 已整改, name: 已整改, kind: count, part_of: 问题总数}\n"
        "  - {id: 上年问题数, name: 上年问题数, kind: count}"
    )
    plan = _small(tmp_path, "已整改 / 上年问题数 * 100", fields)
    assert "问题总数" in plan.env_keys
    values = {"问题总数": Value(10.0), "已整改": Value(5.0), "上年问题数": Value(20.0)}
    p = prepare(plan, UnitData("甲县", values=values))
    [change] = solve_inputs(plan, plan.indicators[0], p, 100.0, False, False)
    assert not change.feasible
    assert change.note == "超过问题总数 10,无法达到"
