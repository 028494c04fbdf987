"""A total composed of weighted parts (日常考核 30% + 年终考核 70%): every ranking table shows one
column per part, headed by the most it gives (“日常考核(折算 30 分)”) and holding its weighted
points; the score sheet has a 加权合成 section whose lines add up to the base score.

The scheme is tests/documents/composition.yaml (also behind the composition goldens); the data
is a summary workbook written by the test; the commands run through click.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from assess.cli import main
from tests.documents.builders import COMPOSITION, COMPOSITION_DATA
from tests.render.test_html import parse_tables

HEADERS = ["日常考核(折算 30 分)", "年终考核(折算 70 分)"]
# in documents the punctuation is full-width and no space is left between Chinese and figures
DOC_HEADERS = ["日常考核（折算30分）", "年终考核（折算70分）"]
# place, unit, 乡村建设, 乡村治理, 日常考核 weighted, 年终考核 weighted, 加分, 扣分, 总分, 等次
# 宁乡市: 80 × 30% = 24; (55 + 35) × 70% = 63 → 87
# 湘潭县: 85.5 × 30% = 25.65; (52.5 + 33.3) × 70% = 60.06 → 85.71
# 浏阳市: 90 × 30% = 27; (50 + 30) × 70% = 56 → 83
# 韶山市: 95 × 30% = 28.5; (40 + 30) × 70% = 49 → 77.5
ROWS = [
    ["1", "宁乡市", "55.00", "35.00", "24.00", "63.00", "0.00", "0.00", "87.00", "好"],
    ["2", "湘潭县", "52.50", "33.30", "25.65", "60.06", "0.00", "0.00", "85.71", "好"],
    ["3", "浏阳市", "50.00", "30.00", "27.00", "56.00", "0.00", "0.00", "83.00", "一般"],
    ["4", "韶山市", "40.00", "30.00", "28.50", "49.00", "0.00", "0.00", "77.50", "一般"],
]


def folder(
    tmp_path: Path, data: dict[str, tuple[float, float, float]] | None = None, *, composed: bool = True
) -> Path:
    """The scheme (with or without its ``composition``) and a summary table of the units."""
    text = COMPOSITION.read_text(encoding="utf-8")
    if not composed:
        text = re.sub(r"composition:\n(  - .*\n)+", "", text)
        assert "composition" not in text.split("categories:")[0].split("fields:")[1]
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["县市区", "日常考核得分", "乡村建设得分", "乡村治理得分"])
    for unit, values in (data or COMPOSITION_DATA).items():
        ws.append([unit, *values])
    wb.save(tmp_path / "汇总表.xlsx")
    return tmp_path


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main,
        [args[0], "-s", str(root / "s.yaml"), str(root / "汇总表.xlsx"), *args[1:]],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def screen_table(text: str) -> list[list[str]]:
    """The rows of a tabulate table (columns at least two spaces apart), the rule line left out."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("【")]
    return [re.split(r"\s{2,}", line.strip()) for line in lines if not set(line) <= {"-", " "}]


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return folder(tmp_path)


# -- the ranking -------------------------------------------------------------


@pytest.mark.parametrize("brief", [(), ("--brief",)], ids=["full", "brief"])
def test_screen_table_has_a_column_per_part(root: Path, brief: tuple[str, ...]) -> None:
    rows = screen_table(run(root, "rank", *brief, "-q", "--wide"))  # the full table
    assert rows[0] == [
        "排名",
        "单位",
        "乡村建设",
        "乡村治理",
        *HEADERS,
        "加分",
        "扣分",
        "总分",
        "等次",
        "标记",
    ]
    assert rows[1:] == ROWS


def test_html_ranking_has_a_column_per_part_and_says_what_it_holds(root: Path) -> None:
    out = root / "排名.html"
    run(root, "rank", "-o", str(out), "-q")
    html = out.read_text(encoding="utf-8")
    table = parse_tables(html)[0]
    head = [c["text"] for c in table["head"][0]["cells"]]
    assert head == [
        "排名",
        "单位",
        "乡村建设（60）",
        "乡村治理（40）",
        *DOC_HEADERS,
        "加分",
        "扣分",
        "总分",
        "等次",
    ]
    assert [[c["text"] for c in row["cells"]] for row in table["body"]] == ROWS
    assert (
        "注：“日常考核（折算30分）”“年终考核（折算70分）”为各部分按权重折算的得分"
        "（部分得分 ÷ 该部分满分 × 权重 × 满分100分），各部分相加为基本得分，再计加分、扣分得总分；"
        "各一级指标得分为“年终考核”的组成。"
    ) in html


def test_brief_documents_are_the_full_ranking_documents(root: Path) -> None:
    outs = []
    for brief in ((), ("--brief",)):
        out = root / f"排名{len(outs)}.html"
        run(root, "rank", *brief, "-o", str(out), "--date", "2025-01-20", "-q")
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


@pytest.mark.parametrize("brief", [(), ("--brief",)], ids=["full", "brief"])
def test_xlsx_ranking_has_a_column_per_part(root: Path, brief: tuple[str, ...]) -> None:
    out = root / "排名.xlsx"
    run(root, "rank", *brief, "-o", str(out), "-q")
    ws = openpyxl.load_workbook(out)["全体参评单位"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert list(rows[0]) == [
        "排名", "单位", "分组", "乡村建设", "乡村治理", *HEADERS, "加分", "扣分", "总分", "等次", "标记",
    ]  # fmt: skip
    got = [[r[1], r[5], r[6], r[9]] for r in rows[1:]]
    assert got == [
        ["宁乡市", 24, 63, 87],
        ["湘潭县", 25.65, 60.06, 85.71],
        ["浏阳市", 27, 56, 83],
        ["韶山市", 28.5, 49, 77.5],
    ]
    assert ws.cell(row=3, column=6).number_format == "0.00"


def test_brief_json_lists_the_parts(root: Path) -> None:
    doc = json.loads(run(root, "rank", "--brief", "--format", "json", "-q"))
    assert doc["parts"] == [
        {"id": "日常考核得分", "name": "日常考核", "weight": 0.3, "scale": 100.0},
        {"id": "annual", "name": "年终考核", "weight": 0.7, "scale": 100.0},
    ]
    assert {u["unit"]: u["parts"] for u in doc["units"]} == {
        "宁乡市": [24.0, 63.0],
        "湘潭县": [25.65, 60.06],
        "浏阳市": [27.0, 56.0],
        "韶山市": [28.5, 49.0],
    }
    assert list(doc["units"][0])[9:12] == ["categories", "parts", "scores"]


# -- the score sheet -----------------------------------------------------------


def test_json_parts_carry_score_scale_weight_and_weighted_points(root: Path) -> None:
    doc = json.loads(run(root, "score", "--format", "json"))
    units: dict[str, Any] = {u["unit"]: u for u in doc["units"]}
    assert units["湘潭县"]["parts"] == [
        {
            "id": "日常考核得分",
            "name": "日常考核",
            "weight": 0.3,
            "scale": 100.0,
            "score": 85.5,
            "weighted": 25.65,
        },
        {"id": "annual", "name": "年终考核", "weight": 0.7, "scale": 100.0, "score": 85.8, "weighted": 60.06},
    ]
    assert units["湘潭县"]["base_total"] == 85.71


def test_screen_score_sheet_has_the_composition(root: Path) -> None:
    text = run(root, "score")
    sheet = text[text.index("湘潭县(未分组)") :]
    assert (
        "  加权合成(满分 100 分):\n"
        "    日常考核(权重 30%):85.50(满分 100),折算 25.65 / 30;取自“日常考核得分”;85.50 × 30% = 25.65\n"
        "    年终考核(权重 70%):85.80(满分 100),折算 60.06 / 70;"
        "上列各一级指标得出 85.80 分(满分 100 分);85.80 × 70% = 60.06\n"
        "  基本得分:日常考核 25.65 + 年终考核 60.06 = 85.71\n"
        "总分:85.71    等次:好"
    ) in sheet


def test_html_score_sheet_has_the_composition(root: Path) -> None:
    out = root / "得分表"
    run(root, "score", "--format", "html", "-o", str(out))
    html = (out / "湘潭县.html").read_text(encoding="utf-8")
    assert (
        "总分85.71分（基本得分85.71分，其中日常考核25.65分、年终考核60.06分；加分0.00分，扣分0.00分）" in html
    )
    rows = [[c["text"] for c in row["cells"]] for row in parse_tables(html)[0]["body"]]
    at = next(k for k, r in enumerate(rows) if r[0] == "加权合成（100分）")
    assert rows[at : at + 4] == [
        ["加权合成（100分）", "日常考核（权重30%）", "30", "85.50（满分100）", "25.65", "", "取自“日常考核得分”；85.50 × 30% = 25.65"],
        ["年终考核（权重70%）", "70", "85.80（满分100）", "60.06", "", "上列各一级指标得出85.80分（满分100分）；85.80 × 70% = 60.06"],
        ["基本得分", "100", "", "85.71", "", "日常考核25.65 + 年终考核60.06 = 85.71"],
        ["总分", "", "", "85.71", "", "等次：好；组内第2名"],
    ]  # fmt: skip


def test_xlsx_score_sheet_has_the_composition(root: Path) -> None:
    out = root / "得分表"
    run(root, "score", "--format", "xlsx", "-o", str(out))
    ws = openpyxl.load_workbook(out / "湘潭县.xlsx")["得分表"]
    rows = [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]
    at = next(k for k, r in enumerate(rows) if r[0] == "加权合成")
    assert rows[at : at + 3] == [
        ["加权合成", "日常考核得分", "日常考核(权重 30%)", 30, "85.50(满分 100)", 25.65, None, "取自“日常考核得分”;85.50 × 30% = 25.65", None],
        ["加权合成", "annual", "年终考核(权重 70%)", 70, "85.80(满分 100)", 60.06, None, "上列各一级指标得出 85.80 分(满分 100 分);85.80 × 70% = 60.06", None],
        ["基本得分", None, None, None, None, 85.71, None, "日常考核 25.65 + 年终考核 60.06 = 85.71", None],
    ]  # fmt: skip


def test_a_sum_of_rounded_parts_off_the_base_says_so(tmp_path: Path) -> None:
    """90.05 × 30% = 27.015 → 27.02 and 80.05 × 70% = 56.035 → 56.04 add up to 83.06; the base is
    the unrounded 83.05 rounded once (docs/scheme.md, 舍入)."""
    root = folder(tmp_path, {"浏阳市": (90.05, 50.05, 30), "宁乡市": (80, 55, 35), "韶山市": (95, 40, 30)})
    text = run(root, "score")
    assert "  基本得分:日常考核 27.02 + 年终考核 56.04 = 83.05(各部分按未舍入的加权分相加后舍入)\n" in text


# -- without composition nothing changes -------------------------------------------------


def test_without_composition_no_part_column(tmp_path: Path) -> None:
    root = folder(tmp_path, composed=False)
    rows = screen_table(run(root, "rank", "-q"))
    assert rows[0] == ["排名", "单位", "乡村建设", "乡村治理", "加分", "扣分", "总分", "等次", "标记"]
    out = root / "排名.html"
    run(root, "rank", "-o", str(out), "-q")
    html = out.read_text(encoding="utf-8")
    head = [c["text"] for c in parse_tables(html)[0]["head"][0]["cells"]]
    assert head == ["排名", "单位", "乡村建设（60）", "乡村治理（40）", "加分", "扣分", "总分", "等次"]
    assert "折算" not in html
    book = root / "排名.xlsx"
    run(root, "rank", "-o", str(book), "-q")
    ws = openpyxl.load_workbook(book)["全体参评单位"]
    assert [c.value for c in ws[2]] == [
        "排名",
        "单位",
        "分组",
        "乡村建设",
        "乡村治理",
        "加分",
        "扣分",
        "总分",
        "等次",
        "标记",
    ]
    sheet = run(root, "score")
    assert "加权合成" not in sheet and "折算" not in sheet
    doc = json.loads(run(root, "score", "--format", "json"))
    assert all(u["parts"] == [] for u in doc["units"])
