"""Grade bars (等次限制) in the condition language of consequences (issue 20), on
schemes/grades.yaml: places, shares of the group, any / all with formulas, two years running.

Bars that read places are decided once places are set and before quotas: a unit a bar holds
down frees its place under the quota (docs/scheme.md, “等次的评定顺序”)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring_support import SCHEMES, by_unit, plan_from_text, unit

from assess.scheme.plan import Plan
from assess.scoring.array.columns import brief_columns
from assess.scoring.array.support import array_support
from assess.scoring.coverage import coverage, mark_provisional
from assess.scoring.engine import score_units
from assess.scoring.ranking import rank_cohort
from assess.scoring.result import UnitResult

A = "一类县"
# total = 1.1 + 6.1 × 30 / 100 + 3.1; 好 90 (quota 30 %), 较好 80, 一般 60; tie_break ["1", "6", "3"]
SEVEN = [
    ("A", 40, 100, 28),  # 98
    ("B", 40, 100, 26),  # 96
    ("C", 40, 100, 26),  # 96, tied with B
    ("D", 40, 100, 22),  # 92
    ("E", 40, 100, 15),  # 85
    ("F", 40, 100, 5),  # 75
    ("G", 35, 100, 0),  # 65
]


def county(name: str, c1: float, rate: float, c3: float) -> Any:
    return unit(name, {"1.1": c1, "6.1": rate, "3.1": c3}, A)


def with_bars(tmp_path: Path, block: str) -> Plan:
    text = (SCHEMES / "grades.yaml").read_text(encoding="utf-8")
    head, tail = text[: text.index("bars:")], text[text.index("ranking:") :]
    return plan_from_text(tmp_path, head + ("bars:\n" + block if block else "bars: []\n") + tail)


def ranked(plan: Plan, previous: Any = None) -> tuple[dict[str, UnitResult], list[str]]:
    results = score_units(plan, [county(*row) for row in SEVEN])
    notes = rank_cohort(plan, results, previous)
    return by_unit(results), notes


def grades(res: dict[str, UnitResult]) -> str:
    return "".join(f"{k}{r.grade} " for k, r in res.items()).strip()


def test_without_bars_the_tie_exceeds_the_quota(tmp_path: Path) -> None:
    res, notes = ranked(with_bars(tmp_path, ""))
    assert grades(res) == "A好 B好 C好 D较好 E较好 F一般 G一般"
    assert len(notes) == 1


def test_bottom_places_before_the_quota(tmp_path: Path) -> None:
    # B and C share the 2nd place: fewer than 5 units rank below them, so both are held down,
    # before the quota is counted; the quota then has room and says nothing
    plan = with_bars(tmp_path, "  - {grade: 好, bottom: 5, reason: 排名后 5 名的不得评为“好”}\n")
    res, notes = ranked(plan)
    assert grades(res) == "A好 B较好 C较好 D较好 E较好 F一般 G一般"
    assert notes == []
    assert res["B"].barred == ["排名后 5 名的不得评为“好”"]
    assert res["B"].grade_basis == [
        "总分 96.00 分,达到“好”等次分数线 90 分",
        "排名后 5 名的不得评为“好”,由“好”降为“较好”",
    ]
    assert res["A"].barred == []


def test_bottom_share(tmp_path: Path) -> None:
    # ⌊50 % × 7⌋ = 3: E, F, G; only E is 较好 or better
    plan = with_bars(tmp_path, "  - {grade: 较好, bottom: 50%, reason: 排名后一半的不得评为“较好”及以上}\n")
    res, _notes = ranked(plan)
    assert grades(res) == "A好 B好 C好 D较好 E一般 F一般 G一般"
    assert res["E"].grade_basis[-1] == "排名后一半的不得评为“较好”及以上,由“较好”降为“一般”"


def test_all_with_a_formula(tmp_path: Path) -> None:
    # in the bottom 5 and 建设得分 below 25: D alone; B and C keep 好 together (the tie note)
    plan = with_bars(
        tmp_path,
        "  - grade: 好\n"
        "    reason: 排名靠后且建设得分低于 25 分的不得评为“好”\n"
        "    all:\n"
        "      - {bottom: 5}\n"
        "      - {when: 'value(\"3.1\") < 25'}\n",
    )
    res, notes = ranked(plan)
    assert grades(res) == "A好 B好 C好 D较好 E较好 F一般 G一般"
    assert res["D"].barred == ["排名靠后且建设得分低于 25 分的不得评为“好”"]
    assert len(notes) == 1 and "B、C" in notes[0]


def test_any_with_veto_and_top_level_formula(tmp_path: Path) -> None:
    plan = with_bars(
        tmp_path,
        "  - grade: 好\n"
        "    reason: 末位或建设得分低于 27 分的不得评为“好”\n"
        "    when: 'value(\"1.1\") >= 40'\n"
        "    any:\n"
        "      - {bottom: 1}\n"
        "      - {when: 'value(\"3.1\") < 27'}\n"
        "      - {when: veto}\n",
    )
    res, _notes = ranked(plan)
    assert grades(res) == "A好 B较好 C较好 D较好 E较好 F一般 G一般"


def test_two_years_running(tmp_path: Path) -> None:
    plan = with_bars(
        tmp_path, "  - {grade: 好, bottom: 5, years: 2, reason: 连续两年排名后 5 名的不得评为“好”}\n"
    )
    last = {k: {"rank": p, "group": A} for k, p in zip("ABCDEFG", [2, 1, 6, 7, 3, 4, 5], strict=True)}
    res, notes = ranked(plan, last)
    # bottom 5 this year: B, C, D (…); last year: C, D, E, F, G. B was 1st last year.
    assert grades(res) == "A好 B好 C较好 D较好 E较好 F一般 G一般"
    assert notes == []
    res, notes = ranked(plan, None)  # no previous results: the bar holds nobody
    assert grades(res) == "A好 B好 C好 D较好 E较好 F一般 G一般"


def test_formula_bars_keep_their_place_in_the_basis(tmp_path: Path) -> None:
    plan = with_bars(
        tmp_path,
        "  - {grade: 好, bottom: 6, reason: 后 6 名}\n"
        "  - {grade: 好, when: 'value(\"3.1\") < 27', reason: 建设得分低于 27 分}\n",
    )
    res, _notes = ranked(plan)
    # the formula bar is decided with the unit; the place bar after ranking finds it 较好 already
    assert res["B"].grade_basis[1:] == ["建设得分低于 27 分,由“好”降为“较好”"]
    assert res["B"].barred == ["建设得分低于 27 分"]


def test_array_path_refuses_place_bars(tmp_path: Path) -> None:
    for block, word in (
        ("  - {grade: 好, bottom: 2, reason: 末两名}\n", "末两名"),
        ("  - {grade: 好, bottom: 20%, reason: 后两成}\n", "后两成"),
        ("  - {grade: 好, top: 1, years: 2, reason: 怪}\n", "怪"),
        ("  - {grade: 好, reason: 组合, any: [{when: veto}, {when: 'value(\"3.1\") < 1'}]}\n", "组合"),
    ):
        plan = with_bars(tmp_path, block)
        why = f"等次限制“{word}”的条件(名次、百分比名次、连续年数、any/all)不支持按数组计算"
        assert array_support(plan) == [why]
        assert why in array_support(plan, columns=True)
        assert brief_columns(plan, [county(*row) for row in SEVEN], None) is None
    plain = with_bars(tmp_path, "  - {grade: 好, when: veto, within: cohort, reason: 否决}\n")
    assert array_support(plain, columns=True) == []


def test_one_unit_alone_is_provisional(tmp_path: Path) -> None:
    plan = with_bars(tmp_path, "  - {grade: 好, bottom: 2, reason: 末两名}\n")
    results = score_units(plan, [county(*SEVEN[0])])
    cover = coverage(plan, [(r.unit, r.group) for r in results], ranking=False)
    mark_provisional(plan, results, cover)
    assert cover.notes == [
        "本次只评分了 1 个单位:按名次的等次限制和等次名额须与其他单位一并计算,"
        "单独评分时不能确定,等次为暂定;全部单位一并评分(assess rank)后才能确定。"
    ]
    assert results[0].provisional == (
        "等次限制“末两名”按名次判断,须与其他单位一并排名后确定;“好”等次有名额限制,须与其他单位一并排名后确定"
    )
