"""A quota exceeded by a tie at its line (issue 20): ``rank``, ``rank --brief`` (on columns
and through the engine) and ``score`` over several units say it in the same words, in the
summary on stderr and in the JSON notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.cli.conftest import invoke

SCHEME = Path(__file__).resolve().parents[1] / "scoring" / "schemes" / "grades.yaml"
# total = 1.1 + 6.1 × 30 / 100 + 3.1; 好 90 (quota 30 %), tie_break ["1", "6", "3"]
SEVEN = [
    ("A", 40, 100, 28),  # 98
    ("B", 40, 100, 26),  # 96
    ("C", 40, 100, 26),  # 96, tied with B on the total and every tie-break
    ("D", 40, 100, 22),  # 92
    ("E", 40, 100, 15),  # 85
    ("F", 40, 100, 5),  # 75
    ("G", 35, 100, 0),  # 65
]
SEEN = (
    "名次、等次名额和结果运用按本次一并评分的 7 个单位计算(一类县 7 个);"
    "方案未写明应参评的单位(units)或各组单位数(groups 的 count),无法核对是否齐全。"
)
NOTE = (
    "一类县:“好”等次名额为本组 7 个单位的 30%(2 个);B、C的总分及各同分比较项均相同,在名额线上并列,"
    "按考核方案一并评为“好”,实际 3 个,超出名额 1 个。"
)


def _summary(folder: Path, rows: list[tuple[Any, ...]]) -> Path:
    from assess.scheme.load import load_scheme
    from assess.scheme.plan import compile_plan

    plan = compile_plan(load_scheme(SCHEME))
    specs = plan.read.inputs
    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "分组", *[s.name for s in specs]])
    for name, c1, rate, c3 in rows:
        by_key = {"1.1": c1, "6.1": rate, "3.1": c3}
        ws.append([name, "一类县", *[by_key.get(s.key) for s in specs]])
    path = folder / "汇总表.xlsx"
    wb.save(path)
    return path


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture()
def table(tmp_path: Path) -> Path:
    return _summary(tmp_path, SEVEN)


def test_rank_and_brief_say_the_same_tie(runner, table, tmp_path):
    full = _json(invoke(runner, "rank", "-s", str(SCHEME), str(table), "--format", "json"))
    brief = _json(invoke(runner, "rank", "-s", str(SCHEME), str(table), "--format", "json", "--brief"))
    assert full["notes"] == brief["notes"] == [SEEN, NOTE]
    assert {u["unit"]: u["grade"] for u in brief["units"]} == {u["unit"]: u["grade"] for u in full["units"]}
    # through the engine as well: a veto's formula with text keeps the brief table off columns
    text = SCHEME.read_text(encoding="utf-8").replace(
        "when: 规模性返贫 == 1,", 'when: 规模性返贫 == 1 and "是" == "是",', 1
    )
    engine = tmp_path / "engine.yaml"
    engine.write_text(text, encoding="utf-8")
    from assess.scheme.load import load_scheme
    from assess.scheme.plan import compile_plan
    from assess.scoring.array.support import array_support

    assert array_support(compile_plan(load_scheme(engine)), columns=True) != []
    assert array_support(compile_plan(load_scheme(SCHEME)), columns=True) == []
    slow = _json(invoke(runner, "rank", "-s", str(engine), str(table), "--format", "json", "--brief"))
    assert slow["notes"] == [SEEN, NOTE]


def test_the_summary_on_stderr_is_the_same(runner, table):
    outs = [
        invoke(runner, "rank", "-s", str(SCHEME), str(table), *extra).stderr for extra in ([], ["--brief"])
    ]
    for err in outs:
        assert f"  {NOTE}\n" in err
    assert [line for line in outs[0].splitlines() if "名额" in line] == [
        line for line in outs[1].splitlines() if "名额" in line
    ]


def test_score_over_several_units_says_it_too(runner, table, tmp_path):
    result = invoke(runner, "score", "-s", str(SCHEME), str(table), "--format", "json")
    assert NOTE in result.stderr
    doc = _json(result)
    assert doc["notes"] == [SEEN, NOTE]


def test_no_note_without_a_tie(runner, tmp_path):
    rows = list(SEVEN)
    rows[2] = ("C", 39, 100, 27)  # 96 as well, but 巩固成果 39 < 40: C ranks 3rd
    path = _summary(tmp_path, rows)
    for extra in ([], ["--brief"]):
        doc = _json(invoke(runner, "rank", "-s", str(SCHEME), str(path), "--format", "json", *extra))
        assert doc["notes"] == [SEEN]


def test_place_bars_the_same_on_rank_and_brief(runner, table, tmp_path):
    """A bar on places is refused on columns: ``rank --brief`` takes the engine and agrees."""
    text = SCHEME.read_text(encoding="utf-8").replace(
        "bars:\n", "bars:\n  - {grade: 好, bottom: 5, reason: 排名后 5 名的不得评为“好”}\n", 1
    )
    scheme = tmp_path / "bars.yaml"
    scheme.write_text(text, encoding="utf-8")
    full = _json(invoke(runner, "rank", "-s", str(scheme), str(table), "--format", "json"))
    brief = _json(invoke(runner, "rank", "-s", str(scheme), str(table), "--format", "json", "--brief"))
    grades = {u["unit"]: u["grade"] for u in full["units"]}
    assert grades == {u["unit"]: u["grade"] for u in brief["units"]}
    assert grades == {"A": "好", "B": "较好", "C": "较好", "D": "较好", "E": "较好", "F": "一般", "G": "一般"}
    assert (
        full["notes"]
        == brief["notes"]
        == [SEEN.replace("名次、等次名额", "名次、按名次的等次限制、等次名额")]
    )
