"""The array core reproduces the engine exactly, and variations behave as documented."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from assess.commands.common import load_plan
from assess.scoring.array.core import FastCohort, Variation
from assess.scoring.engine import prepare, score_prepared
from assess.scoring.ranking import rank_cohort
from assess.workbook.data import TableData, UnitData, Value

ROOT = Path(__file__).resolve().parents[2]


def _cohort(seed: int, n: int) -> list[UnitData]:
    plan = load_plan("county-2024")
    rng = random.Random(seed)
    groups = [g.name for g in plan.scheme.groups]
    units = []
    for k in range(n):
        values: dict[str, Value] = {}
        for spec in plan.read.inputs:
            x = rng.random()
            if x < 0.04:
                values[spec.key] = Value(None, "missing")
                continue
            if x < 0.07:
                values[spec.key] = Value(None, "na")
                continue
            if spec.kind == "percent":
                v = round(rng.uniform(40, 100), rng.choice([0, 1, 2]))
            elif spec.kind == "bool":
                v = float(rng.random() > 0.2)
            elif spec.kind == "score":
                v = round(rng.uniform(60, 100), 1)
            elif spec.kind == "count":
                v = float(rng.randint(0, 6))
            else:
                v = round(rng.uniform(1, 1000), 2)
            values[spec.key] = Value(v)
        values["监测对象人数"] = Value(1000.0)
        values["消除风险人数"] = Value(float(rng.randint(400, 900)))
        values["规模性返贫"] = Value(float(rng.random() < 0.05))
        values["重大舆情"] = Value(float(rng.random() < 0.05))
        values["问题总数"] = Value(100.0)
        values["已整改问题数"] = Value(float(rng.randint(80, 100)))
        table = TableData(
            "villages",
            "x.xlsx",
            "村级明细",
            rows=list(range(2, 22)),
            columns={"集体经济收入": [rng.choice([5.0, 10.0, 20.0]) for _ in range(20)]},
        )
        units.append(UnitData(f"县{k:03d}", groups[k % 3], 2024, values, {"villages": table}, file="x.xlsx"))
    return units


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_core_equals_engine(seed: int) -> None:
    plan = load_plan("county-2024")
    prepared = [prepare(plan, u) for u in _cohort(seed, 90)]
    results = score_prepared(plan, prepared)
    rank_cohort(plan, results)
    fast = FastCohort(plan, prepared, results)
    totals, cats = fast.totals()
    places = fast.places(totals, cats)
    grades = fast.grades(totals, places)
    for u, r in enumerate(results):
        assert totals[u] == pytest.approx(r.total, abs=1e-9), r.unit
        assert places[u] == r.rank, r.unit
        assert plan.grade_names[grades[u]] == r.grade, r.unit
        assert list(cats[u]) == pytest.approx([c.score for c in r.categories], abs=1e-9)


def test_default_weights_change_nothing_and_leaving_out_rescales() -> None:
    plan = load_plan("county-2024")
    prepared = [prepare(plan, u) for u in _cohort(7, 30)]
    results = score_prepared(plan, prepared)
    rank_cohort(plan, results)
    fast = FastCohort(plan, prepared, results)
    base, _ = fast.totals()
    same, _ = fast.totals(Variation(targets=np.ones(fast.m), bands=np.ones(fast.m)))
    assert np.array_equal(base, same)
    left_out, _ = fast.totals(Variation(exclude=frozenset({0})))
    assert not np.array_equal(base, left_out)
    easier, _ = fast.totals(Variation(targets=np.full(fast.m, 0.5)))
    assert (easier >= base - 0.01).mean() > 0.9


def test_fast_core_equals_engine_with_weights_and_lower_relative(tmp_path: Path) -> None:
    from assess.scheme.load import load_scheme
    from assess.scheme.plan import compile_plan

    text = (ROOT / "indicators" / "county-2024.yaml").read_text(encoding="utf-8")
    for cid, weight in (("1", 0.3), ("2", 0.2), ("3", 0.2), ("4", 0.1), ("5", 0.1), ("6", 0.1)):
        text = text.replace(f'  - id: "{cid}"\n', f'  - id: "{cid}"\n    weight: {weight}\n', 1)
    text = text.replace(
        "rule: {type: step, baseline: 3, step: 0.5, deduct: 1}",
        "rule: {type: relative, to: average, at_average: 2, cap: 3, floor: 1, within: cohort}",
    )
    path = tmp_path / "weighted.yaml"
    path.write_text(text, encoding="utf-8")
    plan = compile_plan(load_scheme(path))
    units = _cohort(4, 60)
    for k, unit in enumerate(units):
        if k % 7 == 0:
            unit.values["1.2"] = Value(0.0)
    prepared = [prepare(plan, u) for u in units]
    results = score_prepared(plan, prepared)
    rank_cohort(plan, results)
    fast = FastCohort(plan, prepared, results)
    totals, cats = fast.totals()
    places = fast.places(totals, cats)
    for u, r in enumerate(results):
        assert totals[u] == pytest.approx(r.total, abs=1e-9), r.unit
        assert places[u] == r.rank, r.unit
