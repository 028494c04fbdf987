"""Unit profile: strongest and weakest indicators, category rates against the cohort."""

from __future__ import annotations

import pytest

from assess.analysis.profile import category_chart, category_rates, profile, profile_sentence
from assess.scoring.engine import score_prepared
from assess.scoring.ranking import rank_cohort


@pytest.fixture(scope="module")
def results(county_plan, county_prepared):  # type: ignore[no-untyped-def]
    out = score_prepared(county_plan, county_prepared)
    rank_cohort(county_plan, out)
    return out


def test_category_rates_against_the_cohort(county_plan, results) -> None:  # type: ignore[no-untyped-def]
    r = next(x for x in results if x.unit == "花垣县")
    rates = category_rates(county_plan, r, results)
    assert [x["id"] for x in rates] == ["1", "2", "3", "4", "5", "6"]
    for x, c in zip(rates, r.categories, strict=True):
        assert x["rate"] == pytest.approx(c.score / c.points * 100)
        avg = sum(y.categories[int(c.id) - 1].score / c.points * 100 for y in results) / len(results)
        assert x["average"] == pytest.approx(avg)
        assert x["gap"] == pytest.approx(x["rate"] - avg)
    items = category_chart(rates)
    assert (
        len(items) == 12
        and items[0]["label"].endswith("(本单位)")
        and items[1]["label"].endswith("(参评平均)")
    )
    assert category_rates(county_plan, r, [r])[0]["average"] is None
    assert len(category_chart(category_rates(county_plan, r, [r]))) == 6


def test_profile_sentence_names_strengths_and_weaknesses(county_plan, results) -> None:  # type: ignore[no-untyped-def]
    r = next(x for x in results if x.unit == "花垣县")
    p = profile(county_plan, r, results)
    assert p["strong"] and p["weak"]
    assert all(x["gap"] > 0 for x in p["strong"]) and all(x["gap"] < 0 for x in p["weak"])
    text = profile_sentence(county_plan, r, results)
    assert text.startswith("与同批参评的 14 个单位相比") and "优势指标" in text and "短板指标" in text
