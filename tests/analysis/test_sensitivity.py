"""Uncertainty analysis of the ranking: zero variation, seeds, parameters, leave-one-out."""

from __future__ import annotations

import json

import pytest

from assess.analysis.sensitivity import parse_vary, run_sensitivity
from assess.errors import UsageError
from assess.render.sensitivity import render_sensitivity, sensitivity_table
from assess.scoring.engine import score_prepared
from assess.scoring.ranking import rank_cohort


def test_zero_variation_gives_every_unit_its_exact_rank(county_plan, county_prepared) -> None:  # type: ignore[no-untyped-def]
    results = score_prepared(county_plan, county_prepared)
    rank_cohort(county_plan, results)
    nominal = {r.unit: (r.rank, r.grade) for r in results}
    rep = run_sensitivity(county_plan, county_prepared, 25, ["weights=±0%", "targets=±0%", "bands=±0%"], 3)
    assert len(rep.units) == 14
    for u in rep.units:
        assert (u.nominal_rank, u.nominal_grade) == nominal[u.unit]
        assert u.p5 == u.p95 == u.nominal_rank and u.median_rank == u.nominal_rank
        assert u.same_rank == 1.0 and u.grades[u.nominal_grade or ""] == 1.0 and u.robust
    assert rep.fragile == []
    assert "均稳健" in rep.summary_text()


def test_same_seed_same_result_and_every_run_listed(county_plan, county_prepared) -> None:  # type: ignore[no-untyped-def]
    vary = ["weights=±20%", "targets=±5%", "bands=±5%"]
    a = run_sensitivity(county_plan, county_prepared, 40, vary, 11).to_dict()
    b = run_sensitivity(county_plan, county_prepared, 40, vary, 11).to_dict()
    c = run_sensitivity(county_plan, county_prepared, 40, vary, 12).to_dict()
    assert a == b
    assert a["parameters"] != c["parameters"]
    assert len(a["parameters"]) == 40 and a["parameters"][0]["run"] == 1
    first = a["parameters"][0]
    assert set(first["weights"]) == {"1", "2", "3", "4", "5", "6"}
    assert all(0.8 <= f <= 1.2 for f in first["weights"].values())
    assert "1.5" in first["targets"] and "6.1" in first["bands"]
    # A target of 100% never rises above 100%.
    assert all(p["targets"]["3.6"] <= 1.0 + 1e-12 for p in a["parameters"])
    json.dumps(a, ensure_ascii=False, allow_nan=False)


def test_variation_moves_places_and_summaries_are_consistent(county_plan, county_prepared) -> None:  # type: ignore[no-untyped-def]
    rep = run_sensitivity(county_plan, county_prepared, 200, ["weights=±30%"], 5)
    assert rep.fragile  # the sample cohort has close totals
    for u in rep.units:
        assert 1 <= u.p5 <= u.median_rank <= u.p95
        assert sum(u.grades.values()) == pytest.approx(1.0)
        assert u.robust == (u.same_rank >= 0.9 and u.grades.get(u.nominal_grade or "", 1.0) >= 0.9)
    text = sensitivity_table(rep)
    assert "名次中位数" in text and "5%—95% 区间" in text and "逐一去掉一项指标" in text
    html = render_sensitivity(county_plan, rep)
    assert "排名稳健性分析" in html and "决定排名的指标" in html


def test_leave_one_out_names_the_deciding_indicators(county_plan, county_prepared) -> None:  # type: ignore[no-untyped-def]
    rep = run_sensitivity(county_plan, county_prepared, 1, ["weights=0%"], 1)
    assert len(rep.leave_out) == len(county_plan.indicators)
    shifts = [x.mean_shift for x in rep.leave_out]
    assert shifts == sorted(shifts, reverse=True) and shifts[0] > 0
    top = rep.leave_out[0]
    assert top.changed > 0 and top.moves and top.max_shift >= 1


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["weights=±10%"], {"weights": 0.1}),
        (["weights=10%", "targets=±5%"], {"weights": 0.1, "targets": 0.05}),
        (["权重=±10%,目标=±5%"], {"weights": 0.1, "targets": 0.05}),
        (["bands=0.05"], {"bands": 0.05}),
        ([], {"weights": 0.1}),
    ],
)
def test_parse_vary(texts: list[str], expected: dict[str, float]) -> None:
    assert parse_vary(texts) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["weight=10%", "weights", "weights=±abc", "weights=±100%", "targets=-5%x"])
def test_parse_vary_refuses(text: str) -> None:
    with pytest.raises(UsageError, match="--vary"):
        parse_vary([text])


def test_needs_two_units_and_one_run(county_plan, county_prepared) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="至少需要 2 个单位"):
        run_sensitivity(county_plan, county_prepared[:1], 10, [], 1)
    with pytest.raises(UsageError, match="至少为 1"):
        run_sensitivity(county_plan, county_prepared, 0, [], 1)
