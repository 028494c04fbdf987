"""``rank --brief``: the same places, totals and grades as the full ranking, in a brief table."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.render.brief_json import number_texts
from tests.cli.conftest import COHORT_EXIT, EXAMPLES, invoke
from tests.sample_round import copy_sources

SUMMARY = EXAMPLES / "汇总表.xlsx"
KEYS = [
    "unit",
    "group",
    "group_id",
    "rank",
    "overall_rank",
    "total",
    "grade",
    "bonus_total",
    "penalty_total",
    "categories",
    "scores",
    "vetoes",
    "barred",
    "flags",
    "findings",
]


def _rank(runner, *args: str) -> dict:
    result = invoke(runner, "rank", "-s", "county-2024", *args, "--format", "json", "-q")
    assert result.exit_code == COHORT_EXIT, result.output
    return json.loads(result.stdout)


def test_brief_agrees_with_the_full_ranking(runner, cohort):
    for source in (str(cohort), str(SUMMARY)):  # county workbooks (with village tables) and a summary table
        full = {u["unit"]: u for u in _rank(runner, source)["units"]}
        brief = _rank(runner, source, "--brief")
        assert brief["format"] == "assess.rank-brief/1"
        assert [i["id"] for i in brief["indicators"]][:3] == ["1.1", "1.2", "1.3"]
        assert brief["categories"][0]["name"] == "巩固拓展脱贫攻坚成果"
        assert len(brief["units"]) == len(full) == 14
        for u in brief["units"]:
            assert list(u) == KEYS
            f = full[u["unit"]]
            for key in ("rank", "overall_rank", "total", "grade", "bonus_total", "penalty_total", "flags"):
                assert u[key] == f[key], (u["unit"], key)
            assert u["group"] == f["group"]
            assert u["categories"] == [c["score"] for c in f["categories"]]
            leaves = [i for i in f["indicators"] if i["rule"] != "sum"]
            assert u["scores"] == [i["score"] for i in leaves]
            assert u["vetoes"] == [v["name"] for v in f["vetoes"]]
        assert brief["statistics"] == _rank(runner, source)["statistics"]


def test_brief_of_workbooks_the_same_when_the_engine_must_score(runner, cohort, tmp_path):
    """A scheme columns cannot score (text in a veto's formula) sends the workbooks, village
    tables and all, through the engine as they are read: the same brief table as on columns."""
    from assess.scheme.load import load_scheme
    from assess.scheme.plan import compile_plan
    from assess.scoring.array.support import array_support

    scheme = (Path(__file__).resolve().parents[2] / "indicators" / "county-2024.yaml").read_text(
        encoding="utf-8"
    )
    on_columns = tmp_path / "columns.yaml"
    on_columns.write_text(scheme, encoding="utf-8")
    by_engine = tmp_path / "engine.yaml"
    by_engine.write_text(
        scheme.replace("when: 规模性返贫 == 1", 'when: 规模性返贫 == 1 and "是" == "是"', 1), encoding="utf-8"
    )
    assert array_support(compile_plan(load_scheme(on_columns)), columns=True) == []
    assert array_support(compile_plan(load_scheme(by_engine)), columns=True)

    def brief(path: Path) -> list[dict]:
        result = invoke(runner, "rank", "-s", str(path), str(cohort), "--brief", "--format", "json", "-q")
        assert result.exit_code == COHORT_EXIT, result.output
        return json.loads(result.stdout)["units"]

    fast, slow = brief(on_columns), brief(by_engine)
    assert len(fast) == 14 and any(u["scores"] != [None] * len(u["scores"]) for u in fast)
    assert fast == slow


def test_village_incomes_too_large_to_add_up(runner, cohort):
    """Two incomes of 1e308 (each a valid number) sum to infinity: the full JSON crashed with an
    internal error, and the brief table took the sum as a number.  Now both call it an error."""
    import openpyxl

    path = cohort / "古丈县.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["村级明细"]
    assert ws.cell(1, 2).value == "村集体经济经营性收入(万元)"
    ws.cell(2, 2).value = ws.cell(3, 2).value = 1e308
    wb.save(path)
    scheme = (EXAMPLES.parent / "indicators" / "county-2024.yaml").read_text(encoding="utf-8")
    summed = cohort.parent / "summed.yaml"
    summed.write_text(
        scheme.replace("op: count_where, where: 集体经济收入 >= 10}", "op: sum, column: 集体经济收入}"),
        "utf-8",
    )
    full = invoke(runner, "rank", "-s", str(summed), str(cohort), "--format", "json", "-q")
    assert full.exit_code == COHORT_EXIT, full.output
    units = {u["unit"]: u for u in json.loads(full.stdout)["units"]}
    (share,) = [i for i in units["古丈县"]["indicators"] if i["id"] == "2.4"]
    assert share["basis"] == "数据有误(达标村数:明细表汇总结果超出数值范围(明细中的数过大)),按方案计 0 分"
    brief = invoke(runner, "rank", "-s", str(summed), str(cohort), "--brief", "--format", "json", "-q")
    assert brief.exit_code == COHORT_EXIT, brief.output
    for u in json.loads(brief.stdout)["units"]:
        assert (u["rank"], u["total"], u["grade"]) == tuple(
            units[u["unit"]][k] for k in ("rank", "total", "grade")
        )


def test_brief_table_on_screen_is_the_ranking_table(runner):
    brief = invoke(runner, "rank", "-s", "county-2024", str(SUMMARY), "--brief")
    full = invoke(runner, "rank", "-s", "county-2024", str(SUMMARY))
    assert brief.exit_code == full.exit_code == COHORT_EXIT
    assert brief.stdout == full.stdout
    assert brief.stdout.splitlines()[0] == "【示范创建县】"
    assert "已评分 14 个单位;0 个输入未计入。" in brief.stderr


def test_brief_last_year_from_a_brief_file(runner, tmp_path):
    last = tmp_path / "上年精简.json"
    result = invoke(
        runner,
        "rank",
        "-s",
        "county-2024",
        str(SUMMARY),
        "--brief",
        "--format",
        "json",
        "-o",
        str(last),
        "-q",
    )
    assert result.exit_code == COHORT_EXIT
    # written by the 2024 scheme: given as 2023's results (the year written wins, with a warning)
    doc = _rank(runner, str(SUMMARY), "--brief", "--previous", f"2023={last}")
    assert {u["rank_change"] for u in doc["units"]} == {"持平"}
    assert all(u["total_change"] == 0 for u in doc["units"])
    assert list(doc["units"][0])[-6:] == [
        "previous_rank",
        "previous_total",
        "previous_grade",
        "rank_change",
        "total_change",
        "history",
    ]


@pytest.mark.parametrize("fmt", ["html", "doc", "xlsx"])
def test_brief_documents_are_the_ranking_documents(runner, tmp_path, fmt):
    """A ranking document shows no basis text: the brief table makes the very same document."""
    previous = tmp_path / "上年.json"
    last = _rank(runner, str(SUMMARY))
    for k, u in enumerate(last["units"]):
        u["rank"] = k % 5 + 1  # places that differ from this year's
    previous.write_text(json.dumps(last, ensure_ascii=False), encoding="utf-8")
    for n, source in enumerate((str(SUMMARY), str(EXAMPLES / "counties"))):
        outs = []
        for brief in ((), ("--brief",)):
            out = tmp_path / f"排名{n}-{len(outs)}.{fmt}"
            args = ("rank", "-s", "county-2024", source, *brief, "--format", fmt, "-o", str(out))
            result = invoke(runner, *args, "--date", "2025-01-20", "--previous", f"2023={previous}", "-q")
            assert result.exit_code == COHORT_EXIT, result.output
            outs.append(out)
        if fmt == "xlsx":
            assert _cells(outs[0]) == _cells(outs[1])
        else:
            assert outs[0].read_bytes() == outs[1].read_bytes()


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def test_brief_refuses_sensitivity_and_huge_documents(runner, tmp_path, monkeypatch):
    result = invoke(runner, "rank", "-s", "county-2024", str(SUMMARY), "--brief", "--sensitivity", "10")
    assert result.exit_code == 2
    assert result.output == "错误:--brief 不能与 --sensitivity 同时使用:稳健性分析需要完整评分\n"
    import assess.commands.rank_brief as rank_brief

    monkeypatch.setattr(rank_brief, "DOCUMENT_LIMIT", 10)
    out = tmp_path / "排名.xlsx"
    result = invoke(
        runner, "rank", "-s", "county-2024", str(SUMMARY), "--brief", "--format", "xlsx", "-o", str(out)
    )
    assert result.exit_code == 2
    message = "错误:单位过多(14 个):屏幕表格、Word 文档和 xlsx 最多列 10 个单位,请改用 --format json -o 文件(可加 --brief)\n"
    assert result.stderr == message
    assert not out.exists()
    for args in (("--brief",), ()):  # the screen table too, with or without --brief
        result = invoke(runner, "rank", "-s", "county-2024", str(SUMMARY), *args)
        assert (result.exit_code, result.stderr) == (2, message)


def test_a_large_full_ranking_suggests_brief(runner, tmp_path, monkeypatch):
    import assess.commands.rank as rank

    monkeypatch.setattr(rank, "SUGGEST_FROM", 10)
    result = invoke(runner, "rank", "-s", "county-2024", str(SUMMARY), "--format", "json")
    assert result.exit_code == COHORT_EXIT
    assert "  单位较多(14 个):加 --brief 可输出精简排名表(不写计分依据),快得多、文件小得多" in result.stderr


@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
            st.integers(0, 300_000).map(lambda k: k / 100),
            st.just(math.nan),
        ),
        max_size=40,
    )
)
def test_number_texts_are_what_json_writes(values: list[float]) -> None:
    texts = number_texts(np.array(values, dtype=float), 2)
    assert list(texts) == ["null" if math.isnan(v) else json.dumps(v) for v in values]


def test_brief_json_on_disk_is_one_unit_a_line(runner, tmp_path: Path):
    out = tmp_path / "精简.json"
    result = invoke(
        runner, "rank", "-s", "county-2024", str(SUMMARY), "--brief", "--format", "json", "-o", str(out)
    )
    assert result.exit_code == COHORT_EXIT
    assert result.stderr.splitlines()[-1] == f"已写入:{out}"
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert sum(1 for line in lines if line.startswith('    {"unit": ')) == 14
    assert lines[-2:] == ["  ]", "}"]
    assert len(json.loads(text)["units"]) == 14


def test_nothing_to_rank_says_why(runner, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["单位名称", "分组", "农村居民人均可支配收入"])
    ws.append(["浏阳市", "示范创建县", 30000])
    ws.append(["浏阳市", "示范创建县", 31000])
    wb.save(tmp_path / "重复.xlsx")
    result = invoke(runner, "rank", "-s", "county-2024", str(tmp_path / "重复.xlsx"))
    assert result.exit_code == 2
    assert result.stderr == (
        "错误:没有可排名的单位:所有输入都无法读取\n"
        "  重复.xlsx:无法读取“重复.xlsx”:未找到明细表“村级明细”(没有同名工作表,也没有含其列名的表头);"
        "该文件被当作明细表读取(有“所属县”一类的列,或同一单位名称出现多行),若它是汇总表,请检查表头和重复的单位名称\n"
    )


@pytest.mark.parametrize("brief", [(), ("--brief",)])
def test_a_refused_gap_in_a_duplicate_does_not_stop_the_ranking(runner, tmp_path, brief):
    """Early scoring meets the duplicate before it is dropped: the ranking still goes on."""
    from openpyxl import load_workbook

    text = (EXAMPLES.parent / "indicators" / "county-2024.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "        rule: {type: linear, floor: 0, target: 10}\n",
        "        rule: {type: linear, floor: 0, target: 10}\n        missing: refuse\n",
        1,
    )
    scheme = tmp_path / "方案.yaml"
    scheme.write_text(text, encoding="utf-8")
    data = tmp_path / "县"
    data.mkdir()
    for name in ("浏阳市", "宁乡市", "韶山市"):
        shutil.copy(EXAMPLES / "counties" / f"{name}.xlsx", data / f"{name}.xlsx")
    copy_sources(tmp_path)  # the other sources beside 县/
    wb = load_workbook(data / "浏阳市.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            if row[0].value == "2.5" or (len(row) > 1 and row[1].value == "新型农业经营主体数量增长率"):
                for cell in row[2:]:
                    if isinstance(cell.value, (int, float)):
                        cell.value = None
    wb.save(data / "浏阳市_重报.xlsx")
    result = invoke(runner, "rank", "-s", str(scheme), str(data), *brief, "--format", "json")
    assert result.exit_code == 1, result.output
    assert len(json.loads(result.stdout)["units"]) == 3
    assert "单位“浏阳市”重复出现" in result.stderr


def test_nothing_to_rank_from_a_detail_table_alone(runner, tmp_path):
    alone = tmp_path / "村级明细(全省).xlsx"  # away from the example round's other sources
    shutil.copy(EXAMPLES / "村级明细(全省).xlsx", alone)
    result = invoke(runner, "rank", "-s", "county-2024", str(alone))
    assert result.exit_code == 2
    assert result.stderr == (
        "错误:没有可排名的单位:输入中没有单位的填报数据\n"
        "  村级明细(全省).xlsx:按明细表读取(有“所属县”一类的列,或同一单位名称出现多行),其中没有单位的填报数据\n"
    )


def test_nothing_to_rank_beside_the_round_sources_names_only_the_detail_table(runner):
    """In the example round the other sources are found beside the table: their files are read
    as those sources, not listed as detail tables without unit data."""
    result = invoke(runner, "rank", "-s", "county-2024", str(EXAMPLES / "村级明细(全省).xlsx"))
    assert result.exit_code == 2
    assert result.stderr == (
        "错误:没有可排名的单位:输入中没有单位的填报数据\n"
        "  村级明细(全省).xlsx:按明细表读取(有“所属县”一类的列,或同一单位名称出现多行),其中没有单位的填报数据\n"
    )
