"""Every sentence the ranking and score documents and ``explain`` print, over generated cohorts:
no doubled words or punctuation ("低于平均平均", "。。"), numbers set close to Chinese in the
documents (公文 style), thousands separated, differences of percentages in 个百分点, and statistics that follow
each indicator's direction (issue 20, "Statistics and sentences")."""

from __future__ import annotations

import html
import re
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assess.scheme.load import load_scheme
from assess.scheme.plan import Plan, compile_plan
from assess.workbook.data import MISSING, NOT_APPLICABLE, UnitData, Value

NAMES = ["甲县", "乙县", "丙县", "丁县", "戊县", "己县"]
HAN = "\u4e00-\u9fff"
DOUBLED_WORD = re.compile(rf"([{HAN}]{{2,4}})\1")
DOUBLED_PUNCT = re.compile(r"([。，,、；;：:])\1|[。，；：][。，；：]")
HAN_SPACE_NUMBER = re.compile(rf"[{HAN}] +[-+]?\d")
NUMBER_SPACE_HAN = re.compile(rf"(?<=[{HAN}])[-+]?\d[\d,.]*%? +[{HAN}]")
# Five or more digits in a row (not a date, a code or a decimal tail): 47093 where 47,093 is meant.
UNSEPARATED = re.compile(r"(?<![\d,.\w/-])\d{5,}(?![\d/\w-])")
PERCENT_GAP_AS_PERCENT = re.compile(r"(?:高于|低于|多|少)[^，。；（）]{0,8}平均 ?[\d.]+ ?%")
PERCENT_GAP_WITHOUT_POINTS = re.compile(r"\d%（(?:高于|低于)平均[\d.]++(?!个百分点)")


def _scheme(groups: bool, grades: bool, rate: str, pct: str, days: str, ratio_unit: str) -> str:
    grade_block = "grades:\n  - {name: 好, min: 80, quota: 0.5}\n  - {name: 一般, min: 0}\n" if grades else ""
    group_block = "groups:\n  - {id: key, name: 重点县}\n  - {id: other, name: 其他县}\n" if groups else ""
    unit = f'"{ratio_unit}"' if ratio_unit else '""'
    return (
        group_block
        + grade_block
        + textwrap.dedent(
            f"""\
        id: sentences
        title: 测试方案
        year: 2024
        full_score: 100
        fields:
          - {{id: 完成数, name: 已完成数, unit: 个, kind: count, part_of: 任务数}}
          - {{id: 任务数, name: 任务数, unit: 个, kind: count}}
        categories:
          - id: "1"
            name: 一类
            points: 100
            indicators:
              - {{id: "1.1", name: 完成率, points: 20, unit: "%", formula: 完成数 / 任务数 * 100,
                  average: {rate}, rule: {{type: ratio, target: 100}}}}
              - {{id: "1.2", name: 发生率, points: 20, unit: "%", direction: {pct},
                  rule: {{type: threshold, target: 50}}}}
              - {{id: "1.3", name: 办理时限, points: 20, unit: 天, direction: {days},
                  rule: {{type: threshold, target: 15}}}}
              - {{id: "1.4", name: 产值比, points: 15, unit: {unit}, rule: {{type: ratio, target: 2}}}}
              - {{id: "1.5", name: 完成确权, points: 10, kind: bool, rule: {{type: boolean}}}}
              - {{id: "1.6", name: 发现问题, points: 15, unit: 个, rule: {{type: deduct, per_item: 5}}}}
        """
        )
    )


_value = st.one_of(
    st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 3)),
    st.sampled_from([None, "na", 0.0, 50.0]),
)
_unit_values = st.fixed_dictionaries(
    {
        "完成数": st.integers(0, 50),
        "任务数": st.integers(50, 120),
        "1.2": _value,
        "1.3": _value,
        "1.4": st.one_of(st.floats(0, 4, allow_nan=False).map(lambda v: round(v, 2)), st.just("na")),
        "1.5": st.sampled_from([True, False, "na"]),
        "1.6": st.one_of(st.integers(0, 5), st.just("na")),
    }
)
_case = st.fixed_dictionaries(
    {
        "groups": st.booleans(),
        "grades": st.booleans(),
        "previous": st.booleans(),
        "rate": st.sampled_from(["pooled", "mean", "55.5"]),
        "pct": st.sampled_from(["higher", "lower"]),
        "days": st.sampled_from(["higher", "lower"]),
        "ratio_unit": st.sampled_from(["", "倍"]),
        "units": st.lists(_unit_values, min_size=1, max_size=6),
    }
)


def _data(name: str, raw: dict[str, Any], group: str | None) -> UnitData:
    values: dict[str, Value] = {}
    for key, v in raw.items():
        if v is None:
            values[key] = Value(None, MISSING)
        elif v == "na":
            values[key] = Value(None, NOT_APPLICABLE)
        elif isinstance(v, bool):
            values[key] = Value(1.0 if v else 0.0, raw=v)
        else:
            values[key] = Value(float(v), raw=v)
    return UnitData(unit=name, group=group, year=2024, values=values, file=f"{name}.xlsx")


def _plan(case: dict[str, Any]) -> Plan:
    text = _scheme(
        case["groups"], case["grades"], case["rate"], case["pct"], case["days"], case["ratio_unit"]
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scheme.yaml"
        path.write_text(text, encoding="utf-8")
        return compile_plan(load_scheme(path))


def _text(document: str) -> list[str]:
    """The visible text of a document, one paragraph or cell a line."""
    body = re.sub(r"<(style|script)\b.*?</\1>", "", document, flags=re.S)
    parts = re.split(r"<[^>]+>", body)
    return [t for t in (html.unescape(p).strip() for p in parts) if t]


def _check_sentences(lines: list[str], *, document: bool) -> None:
    for line in lines:
        assert not DOUBLED_WORD.search(line), line
        assert not DOUBLED_PUNCT.search(line), line
        assert not PERCENT_GAP_AS_PERCENT.search(line), line
        if document:
            if line.startswith("由 assess") or line.startswith("assess"):
                continue
            assert not HAN_SPACE_NUMBER.search(line), line
            assert not NUMBER_SPACE_HAN.search(line), line
            assert not PERCENT_GAP_WITHOUT_POINTS.search(line), line
            assert not UNSEPARATED.search(line), line


def _check_statistics(plan: Plan, stats: list[dict[str, Any]], results: list[Any]) -> None:
    by_id = {i.id: i for i in plan.indicators}
    for s in stats:
        values = [
            i.value
            for r in results
            for i in r.indicators
            if i.id == s["id"] and i.value is not None and i.applicable
        ]
        assert s["count"] == len(values)
        if s["count"] < 2:
            assert s["best"] is None and s["worst"] is None
        if s.get("yes") is not None:
            assert s["average"] is None and s["yes"] == sum(1 for v in values if v)
            continue
        if s["count"] >= 2:
            lower = s["direction"] == "lower"
            assert s["best"] == (min(values) if lower else max(values))
            assert s["worst"] == (max(values) if lower else min(values))
        if s["id"] == "1.6" and values:
            assert s["direction"] == "lower"  # a count of problems deducted from
        if by_id[s["id"]].average == "pooled" and values:
            assert s["average_basis"] == "pooled"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case)
def test_every_sentence_reads_right(case: dict[str, Any]) -> None:
    from assess.analysis.rescore import Rescorer
    from assess.analysis.whatif import explain_unit
    from assess.render.explain import explanation_text
    from assess.render.ranking import render_ranking
    from assess.render.scoresheet import render_score_sheet
    from assess.scoring.engine import prepare, score_units
    from assess.scoring.ranking import rank_cohort
    from assess.scoring.statistics import indicator_statistics

    plan = _plan(case)
    groups = ["key", "other"] if case["groups"] else [None]
    units = [_data(NAMES[k], raw, groups[k % len(groups)]) for k, raw in enumerate(case["units"])]
    previous = (
        {
            u.unit: {"rank": k + 1, "total": 60.0 + k, "grade": None, "group": u.group}
            for k, u in enumerate(units)
        }
        if case["previous"]
        else None
    )
    results = score_units(plan, units)
    rank_cohort(plan, results, previous)
    stats = indicator_statistics(plan, results)
    _check_statistics(plan, stats, results)
    doc = {
        "title": "测试排名",
        "previous": "上年.json" if previous else None,
        "overall": False,
        "statistics": stats,
        "provenance": {"inputs": [{"file": f"{u.unit}.xlsx"} for u in units], "report_date": "2025-01-20"},
    }
    page = render_ranking(plan, results, doc, "html")
    assert isinstance(page, str)
    _check_sentences(_text(page), document=True)
    for r in results:
        sheet = render_score_sheet(plan, r, "html", report_date="2025-01-20", cohort=results)
        assert isinstance(sheet, str)
        _check_sentences(_text(sheet), document=True)
    rs = Rescorer(plan, [prepare(plan, u) for u in units])
    e = explain_unit(plan, rs, 0)
    _check_sentences(explanation_text(plan, rs, e, None).splitlines(), document=False)


def test_the_golden_documents_read_right() -> None:
    """The example documents of every command (diff, sensitivity, rectification too) pass the same checks."""
    folder = Path(__file__).resolve().parents[1] / "golden" / "documents"
    pages = sorted(folder.glob("*.html"))
    assert len(pages) >= 9
    for page in pages:
        _check_sentences(_text(page.read_text(encoding="utf-8")), document=True)
