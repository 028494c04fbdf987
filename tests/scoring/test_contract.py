"""One scoring contract: the array path scores every generated scheme exactly as the engine.

Schemes are generated varying every option the array path honours (rounding decimals and
mode, missing-value policies, not-applicable rescaling, caps shared by deduct indicators,
vetoes of every effect, grade lines, bars, quotas within groups and over the cohort as shares
and as numbers of units (per group too), plain consequences (a commendation withheld from a
unit under a veto), groups with rule variants, bonus and penalties with caps, parts and category weights, tie-breaks,
shared and dense places, every rule type in both directions, overrides of an indicator's score
that hold, fail or cannot be judged), with random data (blanks,
不适用, errors, exact ties).  For each, the engine's results are compared with

* the array core fed with the engine's prepared values (``FastCohort``, as ``--sensitivity``),
* the cohort computed on columns (``brief_columns``, as ``rank --brief``),

on indicator scores, totals, places, grades, flags and notes, exactly (``==`` on floats).
Every generated scheme must be one ``array_support`` accepts: the options varied here are all
honoured.  What the array path does not do (awards, units not ranked, consequences triggered
by formulas or vetoes) it refuses in ``array_support``, and ``rank --brief`` then gives the
engine's table (``test_what_columns_refuse_the_engine_gives``).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.errors import DataError
from assess.scheme.load import load_scheme
from assess.scheme.plan import Plan, compile_plan
from assess.scoring.array.columns import brief_columns
from assess.scoring.array.core import FastCohort
from assess.scoring.array.support import array_support
from assess.scoring.brief import Brief
from assess.scoring.engine import prepare, score_prepared
from assess.scoring.ranking import rank_cohort
from assess.scoring.result import UnitResult
from assess.workbook.data import ERROR, MISSING, NOT_APPLICABLE, UnitData, Value

GROUPS = [("a", "一类县"), ("b", "二类县")]
GRADES = ["好", "较好", "一般", "较差"]


# ---- generated schemes ---------------------------------------------------------------------


def _num(rng: random.Random, lo: float, hi: float) -> float:
    return round(rng.uniform(lo, hi), rng.choice([0, 0, 1, 2]))


def _rule(rng: random.Random, kind: str, points: float, direction: str) -> dict[str, Any]:
    lower = direction == "lower"
    if kind == "threshold":
        return {
            "type": kind,
            "target": _num(rng, 20, 80),
            "inclusive": rng.random() < 0.7,
            "partial": rng.choice([0, 0, 1, points / 2]),
        }
    if kind == "linear":
        a, b = sorted([_num(rng, 0, 45), _num(rng, 55, 100)])
        return {"type": kind, "floor": b if lower else a, "target": a if lower else b}
    if kind == "step":
        return {
            "type": kind,
            "baseline": _num(rng, 30, 70),
            "step": rng.choice([0.5, 1, 2.5, 5]),
            "deduct": rng.choice([0.25, 0.5, 1]),
            "count": rng.choice(["whole", "started", "exact"]),
        }
    if kind == "bands":
        edges = sorted({_num(rng, 5, 95) for _ in range(rng.randint(1, 3))})
        upper = [rng.random() < 0.7 for _ in edges]  # each edge belongs to the band above it, or below
        bands: list[dict[str, Any]] = []
        for b in range(len(edges) + 1):
            band: dict[str, Any] = {}
            if b > 0:
                band["min"], band["include_min"] = edges[b - 1], upper[b - 1]
            if b < len(edges):
                band["max"], band["include_max"] = edges[b], not upper[b]
            if rng.random() < 0.5:
                band["score"] = round(rng.uniform(0, points), rng.choice([0, 1, 2]))
            else:
                band["share"] = rng.choice([0, 0.25, 0.5, 0.6, 0.75, 1])
            bands.append(band)
        return {"type": kind, "bands": bands}
    if kind == "ratio":
        return {"type": kind, "target": _num(rng, 10, 100) or 50}
    if kind == "deduct":
        rule: dict[str, Any] = {"type": kind, "per_item": rng.choice([0.5, 1, 1.5, 0.3])}
        if rng.random() < 0.3:
            rule["cap"] = round(points * rng.choice([0.5, 0.8]), 2)
        if rng.random() < 0.6:
            rule["cap_group"] = "G1"
        return rule
    if kind == "boolean":
        return {"type": kind, "expect": rng.random() < 0.8, "partial": rng.choice([0, 0, 1])}
    if kind == "direct":
        return {"type": kind, "scale": 100} if rng.random() < 0.5 else {"type": kind}
    if kind == "base":  # 基本分加减: base at the target, capped both ways
        base = round(points * rng.choice([0.5, 0.6, 0.75, 1]), 2)
        out_base: dict[str, Any] = {
            "type": kind,
            "target": _num(rng, 30, 70),
            "base": base,
            "above": rng.choice([0, 0.1, 0.2, 0.5]),
            "below": rng.choice([0.25, 0.5, 1, 0.3]),
            "per": rng.choice([0.5, 1, 2.5, 0.1]),
            "count": rng.choice(["exact", "whole", "started"]),
        }
        # both caps always written (null: the points), so that a group's variant replaces them
        out_base["max"] = round(rng.uniform(base, points), 2) if rng.random() < 0.5 else None
        out_base["min"] = round(rng.uniform(0, base), 2) if rng.random() < 0.5 else 0
        return out_base
    if kind == "ladder":
        return {"type": kind, "levels": {"已完成": 1, "基本完成": rng.choice([0.5, 0.6, 0.75]), "未完成": 0}}
    within = rng.choice(["group", "cohort"])
    if kind == "rank":
        if rng.random() < 0.5:
            return {
                "type": kind,
                "scores": [points, round(points * 0.8, 2), round(points * 0.5, 2)],
                "within": within,
            }
        return {
            "type": kind,
            "first": points,
            "step": rng.choice([0.1, 0.25, 0.5]),
            "others": 0,
            "within": within,
        }
    if kind == "relative":
        if rng.random() < 0.5:
            out: dict[str, Any] = {"type": kind, "to": "best", "within": within}
        else:
            out = {"type": kind, "to": "average", "at_average": round(points * 0.8, 2), "within": within}
        if rng.random() < 0.4:
            out["floor"] = round(points * 0.2, 2)
        if rng.random() < 0.4:
            out["cap"] = points
        return out
    assert kind == "minmax"
    return {"type": kind, "base": rng.choice([0, 40, 60]), "span": rng.choice([20, 40]), "within": within}


UNIT_KINDS = [
    "threshold",
    "linear",
    "step",
    "bands",
    "ratio",
    "deduct",
    "boolean",
    "direct",
    "base",
    "ladder",
]
# 得分调整 (override) conditions: a fact always reported, a yes/no sometimes blank (cannot be
# judged: not applied), the indicator's own value
OVERRIDES = [
    {"when": "舆情 == 1", "score": 0, "reason": "发生重大舆情"},
    {"when": "整改 == 1", "share": 0.5, "reason": "未按期完成整改"},
    {"when": 'value("{id}") > 90', "share": 1, "reason": "成效突出"},
]
COHORT_KINDS = ["rank", "relative", "minmax"]


def _indicator(rng: random.Random, ident: str, grouped: bool) -> dict[str, Any]:
    points = rng.choice([2, 3, 4, 5, 6, 10, 12.5])
    kind = rng.choice(UNIT_KINDS + COHORT_KINDS)
    direction = (
        "lower" if kind not in ("boolean", "direct", "deduct", "ladder") and rng.random() < 0.3 else "higher"
    )
    ind: dict[str, Any] = {
        "id": ident,
        "name": f"指标{ident}",
        "points": points,
        "direction": direction,
        "rule": _rule(rng, kind, points, direction),
    }
    if kind == "deduct":
        ind["unit"] = "个"
    elif kind == "ladder":
        pass  # read as its words
    elif kind == "boolean":
        ind["kind"] = "bool"
    elif kind == "direct":
        ind["unit"] = "分"
    else:
        ind["unit"] = rng.choice(["%", "%", None])
        if ind["unit"] is None:
            del ind["unit"]
    if kind != "deduct" and rng.random() < 0.25:  # not with a shared deduction cap (refused)
        picked = rng.sample(OVERRIDES, rng.randint(1, 2))
        ind["override"] = [{**o, "when": o["when"].replace("{id}", ident)} for o in picked]
    if grouped and kind != "ladder" and rng.random() < 0.4:  # other parameters for the second group
        other = _rule(rng, kind, points, direction)
        ind["rule"]["by_group"] = {"b": {k: v for k, v in other.items() if k != "type"}}
    if rng.random() < 0.25:
        ind["missing"] = rng.choice(["zero", "exclude", "refuse"])
    return ind


def _scheme(rng: random.Random) -> dict[str, Any]:
    grouped = rng.random() < 0.6
    categories = []
    all_ids: list[str] = []
    parents: list[str] = []
    for c in range(1, rng.randint(1, 3) + 1):
        indicators = []
        for k in range(1, rng.randint(1, 3) + 1):
            ident = f"{c}.{k}"
            if rng.random() < 0.15:  # a second-level indicator with third-level children
                kids = [_indicator(rng, f"{ident}.{j}", grouped) for j in (1, 2)]
                all_ids += [kid["id"] for kid in kids]
                parents.append(ident)
                indicators.append(
                    {
                        "id": ident,
                        "name": f"指标{ident}",
                        "points": sum(k["points"] for k in kids),
                        "children": kids,
                    }
                )
            else:
                indicators.append(_indicator(rng, ident, grouped))
                all_ids.append(ident)
        categories.append(
            {
                "id": str(c),
                "name": f"类别{c}",
                "points": sum(i["points"] for i in indicators),
                "indicators": indicators,
            }
        )
    full = sum(c["points"] for c in categories)
    scheme: dict[str, Any] = {
        "schema_version": 1,
        "id": "contract",
        "title": "一致性测试方案",
        "year": 2024,
        "full_score": full,
        "rounding": {
            "decimals": rng.choice([0, 1, 2, 2, 3, 4, 6]),
            "mode": rng.choice(["half_up", "half_even", "down"]),
        },
        "missing": rng.choice(["zero", "exclude"]),
        "not_applicable": rng.choice(["rescale_total", "rescale_category", "none"]),
        "fields": [
            {"id": "返贫", "name": "是否发生规模性返贫", "kind": "bool", "required": False},
            {"id": "舆情", "name": "是否发生重大舆情", "kind": "bool", "required": False},
            {"id": "造假", "name": "是否数据造假", "kind": "bool", "required": False},
            {"id": "外部得分", "name": "第三方评估得分", "kind": "score", "unit": "分", "required": False},
            {"id": "整改", "name": "是否未完成整改", "kind": "bool", "required": False},
        ],
        "categories": categories,
    }
    if grouped:
        scheme["groups"] = [{"id": g, "name": n} for g, n in GROUPS]
    if rng.random() < 0.4 and len(categories) > 1:
        raw = [rng.randint(1, 5) for _ in categories]
        weights = [round(r / sum(raw), 2) for r in raw]
        weights[-1] = round(1 - sum(weights[:-1]), 2)
        if all(w > 0 for w in weights):
            for cat, w in zip(categories, weights, strict=True):
                cat["weight"] = w
    if "cap_group" in yaml.safe_dump(categories, allow_unicode=True):
        scheme["deduct_groups"] = [{"id": "G1", "name": "共用扣分", "cap": rng.choice([1, 2, 3.5, 5])}]
    if rng.random() < 0.5:
        items = [
            {
                "id": "B1",
                "name": "创新加分",
                "points": 2,
                "rule": {"type": "bonus", "per_item": 0.5},
                "unit": "项",
            },
            {"id": "B2", "name": "表彰加分", "points": 1, "rule": {"type": "boolean"}},
            {"id": "B3", "name": "评估加分", "points": 1.5, "rule": {"type": "direct", "scale": 10}},
        ]
        scheme["bonus"] = {"items": rng.sample(items, rng.randint(1, 3))}
        if rng.random() < 0.5:
            scheme["bonus"]["cap"] = rng.choice([1, 2.5])
    if rng.random() < 0.5:
        items = [
            {"id": "P1", "name": "督查问题", "per_item": 0.3, "unit": "个"},
            {"id": "P2", "name": "信访问题", "per_item": 1.25, "cap": 2, "unit": "件"},
        ]
        scheme["penalties"] = {"items": rng.sample(items, rng.randint(1, 2))}
        if rng.random() < 0.5:
            scheme["penalties"]["cap"] = 2
    count = rng.randint(2, 4)
    names = GRADES[:count]
    mins = sorted(rng.sample(range(1, 20), count - 1), reverse=True)
    grades = [{"name": n, "min": round(full * m / 20, 1)} for n, m in zip(names, mins, strict=False)]
    grades.append({"name": names[-1], "min": 0})
    for g in grades[:-1]:
        if rng.random() < 0.35:
            g["quota"] = rng.choice([0.1, 0.2, 0.3, 0.5])
            if rng.random() < 0.4:
                g["quota_within"] = "cohort"
        elif rng.random() < 0.25:  # a number of units: for every group alike, or per group
            if grouped and rng.random() < 0.5:
                g["quota_count"] = {"a": rng.randint(0, 3), "二类县": rng.randint(0, 3)}
            else:
                g["quota_count"] = rng.randint(0, 4)
                if rng.random() < 0.4:
                    g["quota_within"] = "cohort"
    scheme["grades"] = grades
    vetoes = []
    if rng.random() < 0.6:
        vetoes.append({"id": "V1", "name": "发生规模性返贫", "when": "返贫 == 1", "effect": "lowest"})
    if rng.random() < 0.5 and count > 2:
        vetoes.append(
            {
                "id": "V2",
                "name": "发生重大舆情",
                "when": "舆情 == 1",
                "effect": "cap_grade",
                "grade": names[-2],
            }
        )
    if rng.random() < 0.3:
        vetoes.append({"id": "V3", "name": "数据造假", "when": "造假 == 1", "effect": "zero"})
    scheme["vetoes"] = vetoes
    bars = []
    if vetoes and rng.random() < 0.5:
        bars.append({"grade": names[0], "when": "veto", "reason": "有一票否决事项的不得评为最高等次"})
    if rng.random() < 0.4:
        ident = rng.choice(all_ids)
        bars.append({"grade": names[0], "when": f'score("{ident}") < 1', "reason": f"指标{ident}得分过低"})
    scheme["bars"] = bars
    ties = []
    if rng.random() < 0.6:
        pool = [c["id"] for c in categories] + all_ids + parents
        ties = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
    scheme["ranking"] = {"tie_break": ties, "ties": rng.choice(["shared", "dense"])}
    if rng.random() < 0.4:  # plain consequences; a commendation never goes to a unit under a veto
        within = rng.choice(["group", "cohort"])
        scheme["consequences"] = [
            {"name": "通报表扬", "top": rng.choice([1, 2, 3]), "within": within},
            {"name": "约谈", "grade": names[-1], "bottom": rng.choice([1, 2])},
        ]
    if rng.random() < 0.25:
        w = rng.choice([0.6, 0.7, 0.8])
        scheme["composition"] = [
            {"id": "A", "name": "考核得分", "weight": w, "source": "categories", "scale": full},
            {"id": "B", "name": "第三方评估", "weight": round(1 - w, 2), "field": "外部得分", "scale": 100},
        ]
    return scheme


def _plan(tmp: Path, scheme: dict[str, Any]) -> Plan:
    path = tmp / "contract.yaml"
    path.write_text(yaml.safe_dump(scheme, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return compile_plan(load_scheme(path))


def _units(rng: random.Random, plan: Plan, n: int) -> list[UnitData]:
    groups = [name for _g, name in GROUPS] if plan.scheme.groups else [None]
    blanks = rng.choice([0.0, 0.05, 0.15])
    units: list[UnitData] = []
    for k in range(n):
        twin = units[rng.randrange(len(units))] if units and rng.random() < 0.12 else None
        values: dict[str, Value] = {}
        for spec in plan.read.inputs:
            x = rng.random()
            if spec.kind == "bool" and spec.key in ("返贫", "舆情", "造假"):
                values[spec.key] = Value(float(rng.random() < 0.08))
            elif x < blanks * 0.5:
                values[spec.key] = Value(None, MISSING)
            elif x < blanks * 0.8:
                values[spec.key] = Value(None, NOT_APPLICABLE, raw="不适用")
            elif x < blanks:
                values[spec.key] = Value(None, ERROR, raw="#DIV/0!")
            elif spec.kind == "bool":
                values[spec.key] = Value(float(rng.random() < 0.7))
            elif spec.levels:  # a ladder's word, read as its share
                word, share = rng.choice(spec.levels)
                values[spec.key] = Value(share, raw=word)
            elif spec.kind == "count" or spec.unit in ("个", "项", "件"):
                values[spec.key] = Value(float(rng.randint(0, 6)))
            elif spec.kind == "score" and spec.key == "B3":
                values[spec.key] = Value(_num(rng, 0, 10))
            elif spec.kind == "score":
                values[spec.key] = Value(_num(rng, 0, 100))
            else:
                values[spec.key] = Value(rng.choice([_num(rng, 0, 100), float(rng.randint(0, 20) * 5)]))
        if twin is not None:  # exact ties: tie-breaks, shared places and quota cut-offs
            values = dict(twin.values)
        group = groups[k % len(groups)]
        units.append(UnitData(f"单位{k:02d}", group, 2024, values, {}, file=f"{k}.xlsx"))
    return units


# ---- the comparison ------------------------------------------------------------------------


def _engine(
    plan: Plan, units: list[UnitData], notes: list[str] | None = None
) -> tuple[list[Any], list[UnitResult]]:
    prepared = [prepare(plan, u) for u in units]
    results = score_prepared(plan, prepared, cohort=True)
    said = rank_cohort(plan, results)
    if notes is not None:
        notes += said
    return prepared, results


def _same_floats(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True))


def check_contract(plan: Plan, units: list[UnitData]) -> None:
    assert array_support(plan, columns=True, units=len(units)) == [], "the generator writes supported schemes"
    notes: list[str] = []
    try:
        prepared, results = _engine(plan, units, notes)
    except DataError:  # a blank the scheme refuses to score: the engine names the unit, columns step aside
        assert brief_columns(plan, units) is None
        return
    m = len(plan.indicators)
    names = plan.grade_names
    want = Brief.from_results(plan, results)
    # 1. the array core on the engine's values (as --sensitivity)
    fast = FastCohort(plan, prepared, results)
    scores = fast.indicator_scores()
    totals, cats = fast.totals(scores=scores)
    places, levels = fast.standing(totals, cats)
    for u, r in enumerate(results):
        got = [None if np.isnan(x) else float(x) for x in scores[u]]
        assert got == [i.score for i in r.indicators[:m]], (r.unit, "indicator scores")
        assert totals[u] == r.total, (r.unit, "total", totals[u], r.total)
        assert [float(c) for c in cats[u]] == [c.score for c in r.categories], (r.unit, "categories")
        assert places[u] == r.rank, (r.unit, "place")
        if names:
            assert names[levels[u]] == r.grade, (r.unit, "grade")
    # 2. values, adjustments and grades on columns too (as rank --brief)
    brief = brief_columns(plan, units)
    assert brief is not None, "columns refused a supported scheme and its data"
    assert _same_floats(brief.scores, want.scores), "indicator scores on columns"
    assert _same_floats(brief.total, want.total), "totals on columns"
    assert _same_floats(brief.categories, want.categories), "category scores on columns"
    assert brief.rank.tolist() == want.rank.tolist(), "places on columns"
    assert brief.overall_rank.tolist() == want.overall_rank.tolist(), "overall places on columns"
    assert brief.grades == want.grades, "grades on columns"
    assert _same_floats(brief.bonus, want.bonus) and _same_floats(brief.penalty, want.penalty)
    assert brief.barred == want.barred and brief.flags == want.flags
    assert brief.notes == notes, "notes on columns (quotas exceeded by a tie, commendations withheld)"


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),  # one random source draws the scheme and its data
)
@given(st.randoms(use_true_random=False), st.integers(min_value=2, max_value=40))
def test_array_path_equals_engine(tmp_path: Path, rng: random.Random, n: int) -> None:
    scheme = _scheme(rng)
    plan = _plan(tmp_path, scheme)
    check_contract(plan, _units(rng, plan, n))


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down"])
def test_every_rounding_mode_on_the_bundled_scheme(mode: str) -> None:
    """The reported case: half-even totals on the array path differed for 87 of 90 units."""
    from tests.scoring.test_fast import _cohort

    source = Path(__file__).resolve().parents[2] / "indicators" / "county-2024.yaml"
    text = source.read_text(encoding="utf-8").replace("mode: half_up}", f"mode: {mode}}}", 1)
    for decimals in (1, 2, 3):
        tmp = Path(__import__("tempfile").mkdtemp())
        (tmp / "s.yaml").write_text(text.replace("decimals: 2", f"decimals: {decimals}", 1), encoding="utf-8")
        plan = compile_plan(load_scheme(tmp / "s.yaml"))
        assert plan.scheme.rounding.mode == mode and plan.scheme.rounding.decimals == decimals
        check_contract(plan, _cohort(5, 90))


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down"])
def test_sensitivity_without_perturbation_changes_nothing(tmp_path: Path, mode: str) -> None:
    """With a zero perturbation every run is the nominal result: every unit robust."""
    from assess.analysis.sensitivity import run_sensitivity
    from tests.scoring.test_fast import _cohort

    source = Path(__file__).resolve().parents[2] / "indicators" / "county-2024.yaml"
    path = tmp_path / "s.yaml"
    path.write_text(
        source.read_text(encoding="utf-8").replace("mode: half_up}", f"mode: {mode}}}", 1), "utf-8"
    )
    plan = compile_plan(load_scheme(path))
    prepared = [prepare(plan, u) for u in _cohort(5, 90)]
    report = run_sensitivity(plan, prepared, 3, ["weights=0", "targets=0", "bands=0"], 1)
    assert [u.unit for u in report.units if not u.robust] == []
    assert all(u.same_rank == 1.0 and u.p5 == u.p95 == u.nominal_rank for u in report.units)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False))
def test_sensitivity_of_generated_schemes_without_perturbation(tmp_path: Path, rng: random.Random) -> None:
    from assess.analysis.sensitivity import run_sensitivity

    plan = _plan(tmp_path, _scheme(rng))
    prepared = [prepare(plan, u) for u in _units(rng, plan, 30)]
    try:
        report = run_sensitivity(plan, prepared, 2, ["weights=0"], 1)
    except DataError:  # a blank the scheme refuses to score: no ranking to analyse
        return
    assert [u.unit for u in report.units if not u.robust] == []


def test_sensitivity_refuses_what_the_array_path_does_not_support(monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.analysis import sensitivity
    from assess.commands.common import load_plan
    from assess.errors import UsageError
    from tests.scoring.test_fast import _cohort

    plan = load_plan("county-2024")
    prepared = [prepare(plan, u) for u in _cohort(1, 10)]
    monkeypatch.setattr(
        "assess.scoring.array.support.array_support",
        lambda plan, **kw: ["进位方式 banker", "指标 1.1 的计分规则 new"],
    )
    with pytest.raises(UsageError) as err:
        sensitivity.run_sensitivity(plan, prepared, 3, [], 1)
    assert "进位方式 banker;指标 1.1 的计分规则 new" in str(err.value)


def test_a_setting_the_array_path_was_not_written_for_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A scheme key the array path does not know (here: quotas, as if new) sends --brief to the
    engine and stops --sensitivity with the reason, rather than being silently ignored."""
    from assess.analysis.sensitivity import run_sensitivity
    from assess.errors import UsageError
    from assess.scoring.array import support
    from tests.scoring.test_columnar import _units as columnar_units

    plan = compile_plan(load_scheme(Path(__file__).resolve().parent / "schemes" / "grades.yaml"))
    units = columnar_units(plan, 1, 20)
    assert brief_columns(plan, units) is not None
    monkeypatch.setitem(support._KNOWN, "Grade", support._KNOWN["Grade"] - {"quota"})
    assert array_support(plan) == ["等次“好”的设置 quota"]
    assert brief_columns(plan, units) is None
    with pytest.raises(UsageError, match="等次“好”的设置 quota"):
        run_sensitivity(plan, [prepare(plan, u) for u in units], 3, [], 1)


RATINGS_SCHEME = """\
schema_version: 1
id: contract-ratings
title: 评分表来源一致性测试方案
year: 2024
full_score: 100
rounding: {decimals: 2, mode: half_even}
fields:
  - {id: 评议得分, name: 交叉评议得分, unit: 分, kind: score, required: false}
  - {id: 日常考核得分, name: 日常考核得分, unit: 分, kind: score, required: false}
  - {id: 建设得分, name: 乡村建设得分, unit: 分, kind: score}
sources:
  - {id: 填报, kind: unit, name: 县市区填报表}
  - {id: 评议, kind: ratings, name: 交叉评议评分表, fields: [评议得分], combine: trimmed_mean}
  - id: 季度
    kind: ratings
    name: 季度督查评分
    fields: [日常考核得分]
    combine: weighted
    raters: [{name: 第一季度, weight: 1}, {name: 第二季度, weight: 2}, {name: 第三季度, weight: 3}]
composition:
  - {id: 日常考核得分, name: 日常考核, weight: 0.3}
  - {id: annual, name: 年终考核, weight: 0.7, source: categories}
categories:
  - id: "1"
    name: 交叉评议
    points: 40
    indicators:
      - {id: "1.1", name: 评议得分, points: 20, unit: 分, field: 评议得分, rule: {type: direct, scale: 100}}
      - id: "1.2"
        name: 评议排名
        points: 10
        field: 评议得分
        rule: {type: rank, scores: [10, 8, 6], others: 4, within: cohort}
      - {id: "1.3", name: 评议极差, points: 10, field: 评议得分, rule: {type: minmax, base: 60, span: 40, within: cohort}}
  - id: "2"
    name: 乡村建设
    points: 60
    indicators:
      - {id: "2.1", name: 建设得分, points: 60, unit: 分, field: 建设得分, rule: {type: linear, floor: 60, target: 95}}
grades:
  - {name: 好, min: 85, quota: 0.3, quota_within: cohort}
  - {name: 较好, min: 75}
  - {name: 一般, min: 0}
"""


def _ratings_round(tmp: Path, rng: random.Random, n: int) -> Path:
    """A round of ``n`` counties: their summary table, four panels' sheets (each missing a county
    now and then, a blank here and there), three quarters in one workbook."""
    import openpyxl

    units = [f"县{k:02d}" for k in range(n)]
    (tmp / "s.yaml").write_text(RATINGS_SCHEME, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["县市区", "乡村建设得分"])
    for u in units:
        ws.append([u, _num(rng, 50, 100)])
    wb.save(tmp / "汇总表.xlsx")
    for sub in ("评议", "季度"):
        (tmp / sub).mkdir()
    for g in ("评议一组", "评议二组", "评议三组", "评议四组"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["县市区", "交叉评议得分"])
        for u in units:
            if rng.random() > 0.15:
                ws.append([u, "" if rng.random() < 0.05 else float(rng.randint(60, 100))])
        wb.save(tmp / "评议" / f"{g}.xlsx")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for q in ("第一季度", "第二季度", "第三季度"):
        ws = wb.create_sheet(q)
        ws.append(["县市区", "日常考核得分"])
        for u in units:
            ws.append([u, _num(rng, 60, 100)])
    wb.save(tmp / "季度" / "季度督查评分.xlsx")
    return tmp


@pytest.mark.parametrize("seed", range(6))
def test_values_combined_from_raters_score_alike(tmp_path: Path, seed: int) -> None:
    """A ratings source (kind: ratings) feeds both paths the same combined values; the engine's
    basis names each rater (the array path writes no basis, so there is nothing to differ)."""
    from assess.commands.common import locate, read_inputs

    rng = random.Random(seed)
    root = _ratings_round(tmp_path, rng, rng.randint(3, 12))
    plan = compile_plan(load_scheme(root / "s.yaml"))
    data = read_inputs(plan, [root / "汇总表.xlsx"], located=locate(plan, [root / "汇总表.xlsx"]))
    assert len(data.units) >= 3
    check_contract(plan, data.units)
    _prepared, results = _engine(plan, data.units)
    for unit, r in zip(data.units, results, strict=True):
        v = unit.values["评议得分"]
        for res in r.indicators[:3]:  # a unit rule and two cohort rules read the combined value
            if v.status == "ok":
                assert v.note and res.basis.endswith(f"({v.note})"), res.basis
            else:
                assert v.note not in res.basis or res.basis.startswith("未填报(")


# ---- lines per unit (按本单位目标计分): the engine alone, refused in one place ---------------


def _with_field_lines(scheme: dict[str, Any]) -> tuple[dict[str, Any], dict[tuple[str, str], str]]:
    """The scheme with every target, floor and baseline (and their by_group overrides) written as
    a data field instead of the number: one field per indicator and line, ``(id, line) → field``."""
    from assess.scheme.model import FIELD_LINES

    out = yaml.safe_load(yaml.safe_dump(scheme, allow_unicode=True))
    named: dict[tuple[str, str], str] = {}

    def leaves(items: list[dict[str, Any]]) -> Any:
        for ind in items:
            yield from leaves(ind.get("children", [])) if ind.get("children") else [ind]

    for cat in out["categories"]:
        for ind in leaves(cat["indicators"]):
            rule = ind["rule"]
            for line in FIELD_LINES.get(rule["type"], ()):
                fid = f"线{ind['id']}{line}"
                named[(ind["id"], line)] = fid
                out["fields"].append({"id": fid, "name": f"{ind['name']}的{line}", "required": False})
                rule[line] = fid
                for override in rule.get("by_group", {}).values():
                    if line in override:
                        override[line] = fid
    return out, named


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.randoms(use_true_random=False), st.integers(min_value=2, max_value=25))
def test_field_lines_score_as_the_numbers_they_hold(tmp_path: Path, rng: random.Random, n: int) -> None:
    """Every unit's own target equal to the scheme's number: the same figures as the number, and
    the array path (which does not take lines per unit) refuses the scheme in ``array_support``."""
    scheme = _scheme(rng)
    plan = _plan(tmp_path, scheme)
    units = _units(rng, plan, n)
    lined, named = _with_field_lines(scheme)
    (tmp_path / "lined").mkdir(exist_ok=True)
    own = _plan(tmp_path / "lined", lined)
    own_units = []
    for u in units:
        values = dict(u.values)
        group = plan.group_of(u.group, u.unit)
        for ind in plan.indicators:
            rule = ind.rule_for(group)
            for (ident, line), fid in named.items():
                if ident == ind.id:
                    values[fid] = Value(float(getattr(rule, line)), where=f"目标任务!B{len(values)}")
        own_units.append(UnitData(u.unit, u.group, u.year, values, {}, file=u.file))
    try:
        _prepared, want = _engine(plan, units)
    except DataError as exc:  # a blank the scheme refuses: refused alike, for the same blank
        with pytest.raises(DataError) as again:
            _engine(own, own_units)
        assert str(again.value) == str(exc)
        return
    _prepared, got = _engine(own, own_units)
    m = len(plan.indicators)
    for a, b in zip(want, got, strict=True):
        assert [i.score for i in a.indicators[:m]] == [i.score for i in b.indicators[:m]], a.unit
        assert [i.target for i in a.indicators[:m]] == [i.target for i in b.indicators[:m]], a.unit
        assert (a.total, a.rank, a.grade) == (b.total, b.rank, b.grade), a.unit
        assert a.findings == b.findings, a.unit
    assert array_support(plan, columns=True, units=n) == []
    refused = [f"指标 {i.id} 按本单位目标计分(目标取自各单位的数据)" for i in own.indicators if i.own_lines]
    assert array_support(own, columns=True, units=n) == refused  # the one gate, naming each
    if refused:
        assert brief_columns(own, own_units) is None  # rank --brief scores with the engine


def test_sensitivity_refuses_field_lines_naming_them(tmp_path: Path) -> None:
    from assess.analysis.sensitivity import run_sensitivity
    from assess.errors import UsageError

    scheme = {
        "id": "lines",
        "title": "本单位目标",
        "year": 2024,
        "full_score": 10,
        "fields": [{"id": "任务", "name": "下达任务"}, {"id": "面积", "name": "播种面积"}],
        "categories": [
            {
                "id": "1",
                "name": "粮食",
                "points": 10,
                "indicators": [
                    {
                        "id": "1.1",
                        "name": "播种面积",
                        "points": 10,
                        "field": "面积",
                        "rule": {"type": "ratio", "target": "任务"},
                    }
                ],
            }
        ],
    }
    plan = _plan(tmp_path, scheme)
    units = [
        UnitData(f"单位{k}", None, 2024, {"面积": Value(90.0 + k), "任务": Value(95.0)}, {}, file=f"{k}.xlsx")
        for k in range(3)
    ]
    assert array_support(plan) == ["指标 1.1 按本单位目标计分(目标取自各单位的数据)"]
    assert brief_columns(plan, units) is None
    with pytest.raises(UsageError) as err:
        run_sensitivity(plan, [prepare(plan, u) for u in units], 3, [], 1)
    assert "指标 1.1 按本单位目标计分(目标取自各单位的数据)" in str(err.value)


FINDINGS_SCHEME = """\
schema_version: 1
id: contract-findings
title: 问题清单来源一致性测试方案
year: 2024
full_score: 100
rounding: {decimals: 2, mode: half_up}
fields:
  - {id: 落实率, name: 帮扶措施落实率, unit: "%"}
  - {id: 问题数, name: 督查暗访发现问题数, unit: 个, kind: count}
sources:
  - {id: 填报, kind: unit, name: 县市区填报表}
  - id: 督查
    kind: findings
    name: 督查暗访发现问题清单
    department: 市委农办
    counts:
      - {field: 问题数, origins: [督查, 暗访]}
      - {field: "1.3", categories: [三保障, 饮水安全], severities: {一般: 1, 较重: 2, 严重: 3}}
      - {field: P1, origins: [审计]}
deduct_groups:
  - {id: G, name: 作风和督查问题扣分, cap: 6}
categories:
  - id: "1"
    name: 综合
    points: 100
    indicators:
      - {id: "1.1", name: 帮扶措施落实率, points: 60, unit: "%", field: 落实率, rule: {type: linear, floor: 80, target: 100}}
      - {id: "1.2", name: 督查暗访发现问题, points: 15, unit: 个, field: 问题数, rule: {type: deduct, per_item: 1, cap_group: G}}
      - {id: "1.3", name: 三保障和饮水安全问题, points: 10, unit: 个, rule: {type: deduct, per_item: 0.5, cap: 4, cap_group: G}}
      - id: "1.4"
        name: 督查问题排名
        points: 15
        field: 问题数
        direction: lower
        rule: {type: rank, scores: [15, 12, 9], others: 6, within: cohort}
penalties:
  cap: 6
  items:
    - {id: P1, name: 审计发现违规违纪问题, per_item: 1.5, cap: 5}
grades:
  - {name: 好, min: 85, quota: 0.3, quota_within: cohort}
  - {name: 较好, min: 70}
  - {name: 一般, min: 0}
"""


def _findings_round(tmp: Path, rng: random.Random, n: int) -> Path:
    """A round of ``n`` counties: their summary table and one findings list (some counties named
    by no row, rows no rule counts, every severity)."""
    import openpyxl

    units = [f"县{k:02d}" for k in range(n)]
    (tmp / "s.yaml").write_text(FINDINGS_SCHEME, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["县市区", "帮扶措施落实率"])
    for u in units:
        ws.append([u, _num(rng, 70, 100)])
    wb.save(tmp / "汇总表.xlsx")
    (tmp / "督查").mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(["2024 年度督查暗访发现问题清单"])
    ws.append(["序号", "单位名称", "问题来源", "问题类别", "问题描述", "严重程度"])
    k = 0
    for u in units:
        for _ in range(rng.choice([0, 0, 1, 2, 3, 5, 8])):
            k += 1
            origin = rng.choice(["督查", "暗访", "审计", "考核评估", "巡视"])
            category = rng.choice(["三保障", "饮水安全", "作风建设", "违规违纪"])
            ws.append([k, u, origin, category, f"问题描述第 {k} 条", rng.choice(["一般", "较重", "严重"])])
    wb.save(tmp / "督查" / "督查暗访发现问题清单.xlsx")
    return tmp


@pytest.mark.parametrize("seed", range(6))
def test_values_counted_from_a_findings_list_score_alike(tmp_path: Path, seed: int) -> None:
    """A findings source (kind: findings) feeds both paths the same counts, deduct rules sharing a
    cap, a cohort rule and a penalty among them; the engine's basis breaks each count down right
    after it (the array path writes no basis, so there is nothing to differ)."""
    from assess.commands.common import locate, read_inputs

    rng = random.Random(seed)
    root = _findings_round(tmp_path, rng, rng.randint(3, 12))
    plan = compile_plan(load_scheme(root / "s.yaml"))
    data = read_inputs(plan, [root / "汇总表.xlsx"], located=locate(plan, [root / "汇总表.xlsx"]))
    assert len(data.units) >= 3
    check_contract(plan, data.units)
    _prepared, results = _engine(plan, data.units)
    for unit, r in zip(data.units, results, strict=True):
        for key, res in (("问题数", r.indicators[1]), ("1.3", r.indicators[2])):
            v = unit.values[key]
            assert v.status == "ok" and v.note
            if v.number == 0:
                assert v.note == "未发现问题" and res.basis.startswith("未发现问题,得满分"), res.basis
            else:
                assert res.basis.startswith(f"发现问题 {v.number:g} 个({v.note}),每个扣 "), res.basis
        v = unit.values["P1"]
        penalty = [a.basis for a in r.penalties if a.id == "P1"]
        if v.number:
            assert penalty[0].startswith(f"审计发现违规违纪问题 {v.number:g} 个({v.note}),每个扣 1.5 分")
        else:
            assert penalty == []


GRADES_SCHEME = Path(__file__).resolve().parent / "schemes" / "grades.yaml"
REFUSED = {
    "awards": (
        "awards:\n  - {name: 第一名, places: [1]}\n  - {name: 标兵县, count: 3}\n  - {name: 先进县, quota: 0.2}\n",
        ["奖项(awards)不支持按列计算"],
        [],
    ),
    "unranked": (
        "units:\n  - {name: 单位003, group: a, ranked: false}\n  - {name: 单位004, group: b}\n",
        ["不排名的单位(ranked: false:单位003)"],
        ["不排名的单位(ranked: false:单位003)"],
    ),
    "facts": (
        "consequences:\n  - {name: 约谈, when: 规模性返贫 == 1}\n  - {name: 挂牌督办, veto: V1, grade: 较差}\n",
        ["结果运用“约谈”的条件(公式 when、一票否决 veto)不支持按列计算"],
        [],
    ),
    # 一类县 has its own points (written into the groups list below): the engine's alone
    "sets": (
        "",
        ["各分组考核的指标或分值不同(groups、drop、points)"],
        ["各分组考核的指标或分值不同(groups、drop、points)"],
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_columns_refuse_the_engine_gives(tmp_path: Path, case: str) -> None:
    """Awards, units not ranked, consequences triggered by facts and group sets are refused on columns in
    ``array_support`` (one place): ``rank --brief`` then takes the engine and gives its table,
    awards and notes included; ``--sensitivity`` refuses only what moves places or grades."""
    from types import SimpleNamespace

    from assess.commands.rank_brief import brief_of
    from tests.scoring.test_columnar import _units as columnar_units

    block, columns, arrays = REFUSED[case]
    text = GRADES_SCHEME.read_text(encoding="utf-8")
    text = text[: text.index("consequences:")] if case == "facts" else text
    if case == "sets":
        text = text.replace("{id: a, name: 一类县}", '{id: a, name: 一类县, points: {"1.1": 30, "3.1": 40}}')
    path = tmp_path / "s.yaml"
    path.write_text(text + block, encoding="utf-8")
    plan = compile_plan(load_scheme(path))
    assert array_support(plan, columns=True) == columns
    assert array_support(plan) == arrays
    for seed in range(4):
        units = columnar_units(plan, seed, 25)
        assert brief_columns(plan, units) is None
        notes: list[str] = []
        _prepared, results = _engine(plan, units, notes)
        want = Brief.from_results(plan, results)
        got = brief_of(plan, SimpleNamespace(units=units), None, overall=False)  # type: ignore[arg-type]
        assert got.grades == want.grades and got.flags == want.flags and got.notes == notes
        assert got.rank.tolist() == want.rank.tolist()
        assert got.awards == want.awards and (got.awards is None) == (case != "awards")
        if case == "unranked":
            assert got.rank[got.units.index("单位003")] == 0
