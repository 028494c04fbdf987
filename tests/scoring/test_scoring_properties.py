"""Property tests: monotone rules, bounded scores, the total's accounting,
order independence and byte-identical output.

Bounded and deterministic: every test runs with ``derandomize=True``.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scoring_support import BLANK, NA, plan_from_file, unit

from assess.scheme import model as m
from assess.scoring import rules as R
from assess.scoring.engine import score_units
from assess.scoring.ranking import rank_cohort

SETTINGS = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

PLAN = plan_from_file("cohort.yaml")
RND = PLAN.round

# numbers as they are reported: two decimals
num = st.integers(-2000, 20000).map(lambda x: x / 100)
pos = st.integers(1, 20000).map(lambda x: x / 100)
pts = st.sampled_from([1, 2, 2.5, 3, 4, 5, 10, 20])


# ---- random valid rules ----------------------------------------------------


@st.composite
def threshold(draw: Any, points: float) -> m.Threshold:
    return m.Threshold(
        type="threshold",
        target=draw(num),
        inclusive=draw(st.booleans()),
        partial=draw(st.integers(0, int(points * 4)).map(lambda x: x / 4)),
    )


@st.composite
def linear(draw: Any, points: float, direction: str) -> m.Linear:
    a, b = draw(num), draw(num)
    if a == b:
        b = a + 1
    lo, hi = min(a, b), max(a, b)
    floor, target = (lo, hi) if direction == "higher" else (hi, lo)
    return m.Linear(type="linear", floor=floor, target=target)


@st.composite
def step(draw: Any, points: float) -> m.Step:
    return m.Step(
        type="step",
        baseline=draw(num),
        step=draw(pos),
        deduct=draw(pos),
        count=draw(st.sampled_from(["whole", "started", "exact"])),
    )


@st.composite
def bands(draw: Any, points: float, direction: str) -> m.Bands:
    """Contiguous bands covering every value, scores rising with the quality of the value."""
    cuts = sorted(set(draw(st.lists(num, min_size=1, max_size=5))))
    scores = sorted(
        draw(
            st.lists(
                st.integers(0, int(points * 10)),
                min_size=len(cuts) + 1,
                max_size=len(cuts) + 1,
            )
        )
    )
    if direction == "lower":
        scores.reverse()
    edges = [None, *cuts, None]
    out = []
    for i in range(len(cuts) + 1):
        lo, hi = edges[i], edges[i + 1]
        upper_closed = draw(st.booleans())  # which side of each cut owns it
        out.append(
            {
                "min": lo,
                "max": hi,
                "include_min": True if lo is None else not out[-1]["include_max"],
                "include_max": upper_closed if hi is not None else False,
                "score": scores[i] / 10,
            }
        )
    return m.Bands(type="bands", bands=[m.Band(**b) for b in out])


@st.composite
def ratio(draw: Any, points: float) -> m.Ratio:
    return m.Ratio(type="ratio", target=draw(pos))


@st.composite
def deduct(draw: Any, points: float) -> m.Deduct:
    cap = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda x: x / 4)))
    return m.Deduct(type="deduct", per_item=draw(pos), cap=cap)


@st.composite
def boolean(draw: Any, points: float) -> m.Boolean:
    return m.Boolean(
        type="boolean",
        partial=draw(st.integers(0, int(points * 4)).map(lambda x: x / 4)),
    )


@st.composite
def direct(draw: Any, points: float) -> m.Direct:
    return m.Direct(type="direct", scale=draw(st.one_of(st.none(), pos)))


@st.composite
def bonus(draw: Any, points: float) -> m.BonusRule:
    return m.BonusRule(type="bonus", per_item=draw(st.one_of(st.none(), pos)))


@st.composite
def unit_rule(draw: Any) -> tuple[Any, float, str]:
    points = draw(pts)
    direction = draw(st.sampled_from(["higher", "lower"]))
    kind = draw(
        st.sampled_from(
            [
                "threshold",
                "linear",
                "step",
                "bands",
                "ratio",
                "deduct",
                "boolean",
                "direct",
                "bonus",
            ]
        )
    )
    if kind == "linear":
        rule = draw(linear(points, direction))
    elif kind == "bands":
        rule = draw(bands(points, direction))
    else:
        rule = draw(globals()[kind](points))
    if kind == "deduct":
        direction = "lower"  # more problems is worse, whatever the indicator says
    if kind in ("boolean", "direct", "bonus"):
        direction = "higher"
    return rule, points, direction


def _score(rule: Any, value: float, points: float, direction: str) -> float:
    raw, basis = R.UNIT_RULES[rule.type](value, points, rule, direction, "%")
    assert isinstance(basis, str) and basis
    return RND(raw)


@SETTINGS
@given(unit_rule(), num, num)
def test_unit_rules_monotone(spec: tuple[Any, float, str], a: float, b: float) -> None:
    rule, points, direction = spec
    if rule.type == "boolean":
        a, b = float(a > 0), float(b > 0)
    worse, better = (min(a, b), max(a, b)) if direction == "higher" else (max(a, b), min(a, b))
    assert _score(rule, better, points, direction) >= _score(rule, worse, points, direction)


@SETTINGS
@given(unit_rule(), num)
def test_unit_rules_bounded(spec: tuple[Any, float, str], value: float) -> None:
    rule, points, direction = spec
    assert 0 <= _score(rule, value, points, direction) <= points


# ---- cohort rules ------------------------------------------------------------


@st.composite
def cohort_rule(draw: Any) -> tuple[Any, float, str]:
    points = draw(pts)
    direction = draw(st.sampled_from(["higher", "lower"]))
    kind = draw(st.sampled_from(["rank_scores", "rank_first", "best", "average", "minmax"]))
    if kind == "rank_scores":
        scores = sorted(
            draw(st.lists(st.integers(0, int(points * 10)), min_size=1, max_size=6)),
            reverse=True,
        )
        others = min(scores) / 10 if draw(st.booleans()) else 0.0
        rule: Any = m.Rank(type="rank", scores=[s / 10 for s in scores], others=others)
    elif kind == "rank_first":
        rule = m.Rank(
            type="rank",
            first=draw(st.integers(0, int(points * 10)).map(lambda x: x / 10)),
            step=draw(st.integers(0, 10).map(lambda x: x / 10)),
        )
    elif kind == "best":
        rule = m.Relative(type="relative", to="best")
    elif kind == "average":
        floor = draw(st.integers(0, int(points * 4)).map(lambda x: x / 4))
        cap = draw(st.integers(0, int(points * 4)).map(lambda x: x / 4))
        floor, cap = min(floor, cap), max(floor, cap)
        rule = m.Relative(
            type="relative",
            to="average",
            at_average=draw(st.integers(0, int(points * 4)).map(lambda x: x / 4)),
            floor=floor,
            cap=cap,
        )
    else:
        base = draw(st.integers(0, 100))
        rule = m.MinMax(type="minmax", base=base, span=draw(st.integers(0, 100 - base)))
    return rule, points, direction


@SETTINGS
@given(cohort_rule(), st.lists(num, min_size=1, max_size=12))
def test_cohort_rules_monotone_and_bounded(spec: tuple[Any, float, str], values: list[float]) -> None:
    rule, points, direction = spec
    if rule.type == "relative" and rule.to == "average":
        # proportional to the average only makes sense for non-negative quantities
        values = [abs(v) for v in values]
    stats = R.cohort_stats(values, direction, "全体")
    scored = [(v, RND(R.COHORT_RULES[rule.type](v, points, rule, direction, "%", stats)[0])) for v in values]
    for _v, s in scored:
        assert 0 <= s <= points
    ordered = sorted(scored, key=lambda vs: vs[0], reverse=direction == "lower")  # worst first
    for (_, worse), (_, better) in itertools.pairwise(ordered):
        assert better >= worse


# ---- whole units: accounting, order, determinism ---------------------------

LEAVES = [i.id for i in PLAN.indicators]
PERCENT = st.integers(0, 10000).map(lambda x: x / 100)


def cell(strategy: Any) -> Any:
    return st.one_of(
        strategy,
        strategy,
        strategy,
        strategy,
        strategy,
        strategy,
        st.just(NA),
        st.just(BLANK),
    )


VALUES: dict[str, Any] = {
    "1.1": cell(PERCENT),
    "1.2": cell(PERCENT),
    "1.3": cell(st.integers(0, 1000).map(lambda x: x / 100)),
    "1.4": cell(PERCENT),
    "2.1": cell(PERCENT),
    "2.2": cell(PERCENT),
    "2.3": cell(PERCENT),
    "2.4": cell(st.integers(0, 2000).map(lambda x: x / 100)),
    "3.1": cell(st.integers(0, 6)),
    "3.2": cell(st.integers(0, 6)),
    "3.3": cell(st.integers(0, 400).map(lambda x: x / 100)),
    "4.1.1": cell(PERCENT),
    "4.1.2": cell(st.booleans()),
    "B1": st.one_of(st.none(), st.integers(0, 4)),
    "B2": st.one_of(st.none(), st.booleans()),
    "P1": st.one_of(st.none(), st.integers(0, 3)),
    "P2": st.one_of(st.none(), st.integers(0, 6)),
    "规模性返贫": st.sampled_from([None, False, False, False, True]),
    "重大舆情": st.sampled_from([None, False, False, False, True]),
}
assert set(LEAVES) <= set(VALUES)


@st.composite
def cohort(draw: Any) -> list[Any]:
    n = draw(st.integers(2, 9))
    units = []
    for i in range(n):
        values = {k: draw(s) for k, s in VALUES.items()}
        values = {k: v for k, v in values.items() if v is not None or k in LEAVES}
        units.append(unit(f"U{i}", values, draw(st.sampled_from(["一类县", "二类县"]))))
    return units


@SETTINGS
@given(cohort())
def test_total_accounting(units: list[Any]) -> None:
    s = PLAN.scheme
    for r in score_units(PLAN, units):
        leaves = [i for i in r.indicators if i.rule != "sum"]
        for i in leaves:
            if i.score is not None:
                assert 0 <= i.score <= i.points
                assert i.lost == RND(i.points - i.score)
        for c in r.categories:
            assert 0 <= c.score <= c.points + 1e-9
        # categories → base, rescaled over the applicable points when some are left out
        full_leaf = sum(i.points for i in leaves)
        categories = sum(c.score for c in r.categories)
        assert r.applicable_points == sum(i.points for i in leaves if i.applicable and i.status != "cohort")
        if 0 < r.applicable_points < full_leaf:
            assert r.base_total == RND(categories / r.applicable_points * s.full_score)
        else:
            assert r.base_total == RND(categories)
        # bonus and penalties after their caps
        assert s.bonus is not None and s.penalties is not None
        items = [b.score for b in r.bonus if b.id != "bonus-cap"]
        assert r.bonus_total == RND(min(sum(items), s.bonus.cap or 0))
        items = [p.score for p in r.penalties if p.id != "penalty-cap"]
        assert r.penalty_total == RND(min(sum(items), s.penalties.cap or 0))
        # total = base + bonus − penalties, clamped at 0
        assert r.total == RND(max(0.0, r.base_total + r.bonus_total - r.penalty_total))
        assert 0 <= r.total <= s.full_score + (s.bonus.cap or 0)


def _by_unit_json(results: list[Any]) -> dict[str, str]:
    return {r.unit: json.dumps(r.to_dict(), ensure_ascii=False) for r in results}


@SETTINGS
@given(cohort(), st.randoms(use_true_random=False))
def test_shuffling_units_changes_nothing(units: list[Any], rng: random.Random) -> None:
    first = score_units(PLAN, units)
    rank_cohort(PLAN, first)
    shuffled = list(units)
    rng.shuffle(shuffled)
    second = score_units(PLAN, shuffled)
    rank_cohort(PLAN, second)
    assert _by_unit_json(first) == _by_unit_json(second)


@SETTINGS
@given(cohort())
def test_same_inputs_byte_identical_json(units: list[Any]) -> None:
    previous = {
        "U0": {"rank": 1, "total": 50.0, "grade": "一般"},
        "U1": {"rank": 2, "total": 60.0, "grade": "一般"},
    }
    outputs = []
    for _ in range(2):
        results = score_units(PLAN, units)
        rank_cohort(PLAN, results, previous)
        outputs.append(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1).encode())
    assert outputs[0] == outputs[1]


def test_json_independent_of_hash_seed(tmp_path: Path) -> None:
    """Two processes with different hash seeds give the same bytes (sets are never printed in their order)."""
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import json, sys
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            from scoring_support import plan_from_file, unit
            from assess.scoring.engine import score_units
            from assess.scoring.ranking import rank_cohort
            from pathlib import Path
            import tempfile
            from scoring_support import plan_from_text
            d = Path(tempfile.mkdtemp())
            rate = plan_from_text(d, '''
            id: t
            title: 测试
            year: 2024
            fields:
              - {{id: 甲, name: 甲}}
              - {{id: 乙, name: 乙}}
              - {{id: 丙, name: 丙}}
              - {{id: 丁, name: 丁}}
            categories:
              - id: "1"
                name: 一类
                points: 5
                indicators:
                  - {{id: "1.1", name: 率, points: 5, unit: "%", formula: (甲 + 乙) / (丙 + 丁) * 100,
                     rule: {{type: threshold, target: 50}}}}
            ''')
            out = [r.to_dict() for r in score_units(rate, [unit("甲县", {{}}), unit("乙县", {{"甲": 1}})])]
            results = score_units(plan_from_file("cohort.yaml"), [unit("U1", {{"1.1": 70}}), unit("U2", {{"1.1": 50}})])
            rank_cohort(plan_from_file("cohort.yaml"), results)
            out += [r.to_dict() for r in results]
            sys.stdout.write(json.dumps(out, ensure_ascii=False))
            """
        ),
        encoding="utf-8",
    )
    outputs = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        env = {
            **os.environ,
            "PYTHONHASHSEED": seed,
            "PYTHONPATH": os.pathsep.join(sys.path),
        }
        done = subprocess.run([sys.executable, str(script)], capture_output=True, env=env, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert "缺少 丁、丙、乙、甲" in outputs.pop().decode()  # sorted, not in hash order
