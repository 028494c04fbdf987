"""Three monthly rounds of a realistic ledger (examples/整改/, made by examples/make_rectify.py), through the CLI.

The rounds run in a temp folder exactly as the script runs them: the lists and hand edits come
from the script, the commands are its ``ROUNDS``.  Checked after each round: the figures by source
and of the measures, 本期新完成, overdue per unit, the findings with their cells; that the figures
agree with a recount of the ledger's cells by the rules of docs/rectify.md; that every cell the
clerks typed is still there after every later run; and that the committed example is what the
script makes (cell values, parsed JSON, text — not bytes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from assess.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "整改"
sys.path.insert(0, str(ROOT / "examples"))

import make_rectify as make  # noqa: E402  (examples/make_rectify.py)

UNITS = make.COUNTIES
DONE = {"已完成（待认定）", "已销号", "长期坚持"}
N68 = "提示:整改台账.xlsx 整改台账!N68: 整改状态为“已完成（待认定）”,但未填写佐证材料,按“整改中”统计"
TYPO = (
    "错误:整改台账.xlsx 整改措施!A1034: 问题编号“2024-督察-平江县-001”不在台账中,"
    "这条整改措施未计入进度;请填写台账“编号”列中的编号"
)


@dataclass
class Rounds:
    folder: Path
    results: list[Result] = field(default_factory=list)
    ledgers: list[Path] = field(default_factory=list)  # the ledger as each round left it
    edits: list[make.Edits] = field(default_factory=list)  # April's, May's
    exports: list[Result] = field(default_factory=list)

    def json(self, n: int) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.folder / make.ROUNDS[n][0] / "整改情况.json").read_text(encoding="utf-8")
        )
        return data

    def lines(self, n: int) -> list[str]:
        return self.results[n].output.splitlines()


def _digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> Rounds:
    base = tmp_path_factory.mktemp("realistic")
    folder = base / "整改"
    folder.mkdir()
    inputs = make.write_inputs(folder)
    before = _digest(inputs)
    out = Rounds(folder)
    edits = (None, make.april_edits, make.may_edits)
    with make.inside(folder):
        for n, ((_as_of, args), edit) in enumerate(zip(make.ROUNDS, edits, strict=True)):
            if edit is not None:
                out.edits.append(edit(Path(make.LEDGER)))
            out.results.append(CliRunner().invoke(main, args, catch_exceptions=False))
            kept = base / f"after-{n + 1}.xlsx"
            shutil.copyfile(make.LEDGER, kept)
            out.ledgers.append(kept)
        for args in make.EXPORTS:
            out.exports.append(CliRunner().invoke(main, args, catch_exceptions=False))
    (folder / f"{make.LEDGER}.lock").unlink(missing_ok=True)  # as the script does
    assert _digest(inputs) == before  # no output ever lands on an input
    return out


# ---- round by round ------------------------------------------------------------------------


def test_round_1_makes_the_ledger_from_four_lists_and_splits_the_shared_ones(rounds: Rounds) -> None:
    result = rounds.results[0]
    assert result.exit_code == 0, result.output
    assert rounds.lines(0)[0] == (
        "新增 333 条,更新 0 条,状态变化 0 条,本轮未再发现 0 条;"
        "共 333 条,完成 0 条,正在整改 0 条,尚未开始 333 条,完成率 0.0%"
    )
    data = rounds.json(0)
    assert [s["text"] for s in data["progress"]["sources"]] == [
        "省级考核评估反馈问题 280 条,已完成 0 条,完成率 0.0%",
        "国家考核评估反馈问题 13 条,已完成 0 条,完成率 0.0%",
        "省级督查发现问题 25 条,已完成 0 条,完成率 0.0%",
        "审计发现问题 15 条,已完成 0 条,完成率 0.0%",
    ]
    assert data["findings"] == [] and data["progress"]["newly_done"] == 0
    ids = [p["id"] for p in data["problems"]]
    # the provincial list's 20 problems (单位名称 各县市区) are claimed by each of the 14 counties
    for unit in UNITS:
        shared = [i for i in ids if i.startswith("2024-考核-共性-") and i.endswith(f"-{unit}")]
        assert shared == [f"2024-考核-共性-{n:03d}-{unit}" for n in range(1, 21)]
    # rows in the scheme's unit order, then source in the order the lists were given, then id
    assert [p["unit"] for p in data["problems"]] == sorted(
        (p["unit"] for p in data["problems"]), key=UNITS.index
    )
    shaoshan = [i for i in ids if i.endswith("韶山市") or "-韶山市-" in i]
    assert shaoshan[-2:] == ["2024-考核-韶山市-001", "2024-督查-韶山市-001"]
    ws = openpyxl.load_workbook(rounds.ledgers[0])["整改台账"]
    assert [
        ws.cell(r, 1).value for r in range(2, ws.max_row + 1)
    ] == ids  # the ledger's own order is the same


def test_round_2_counts_the_returns_and_names_the_cells_to_fix(rounds: Rounds) -> None:
    result = rounds.results[1]
    assert result.exit_code == 1, result.output  # the measure with a typo in its 问题编号 is an error
    lines = rounds.lines(1)
    assert N68 in lines and TYPO in lines
    assert (
        "新增 15 条,更新 0 条,状态变化 286 条(改为已完成 77 条、改为已销号 0 条),本轮未再发现 0 条;"
        "共 345 条,完成 76 条,正在整改 207 条,尚未开始 62 条,完成率 22.0%,逾期未完成 5 条,"
        "另有不涉及 3 条未计入"
    ) in lines
    assert "本期(上次统计截至 2025-03-31)新完成 76 条" in lines
    assert "  韶山市:新增 2 条,状态变化 17 条,改为已完成 3 条" in lines
    assert "整改措施 1032 条,已完成 488 条,完成率 47.3%" in lines
    assert [line for line in lines if line.startswith("逾期未完成:")] == [
        "逾期未完成:浏阳市 1 条(2024-督查-浏阳市-003)",
        "逾期未完成:泸溪县 1 条(2024-督查-泸溪县-003)",
        "逾期未完成:花垣县 1 条(2024-督查-花垣县-001)",
        "逾期未完成:保靖县 1 条(2024-督查-保靖县-002)",
        "逾期未完成:平江县 1 条(2024-督查-平江县-002)",
    ]
    data = rounds.json(1)
    progress = data["progress"]
    assert [s["text"] for s in progress["sources"]] == [
        "省级考核评估反馈问题 277 条,已完成 66 条,完成率 23.8%",
        "国家考核评估反馈问题 13 条,已完成 5 条,完成率 38.5%",
        "省级督查发现问题 25 条,已完成 4 条,完成率 16.0%",
        "审计发现问题 15 条,已完成 1 条,完成率 6.7%",
        "暗访发现问题 15 条,已完成 0 条,完成率 0.0%",
    ]
    assert progress["sources"][0]["not_applicable"] == 3
    assert (progress["newly_done"], progress["since"]) == (76, "2025-03-31")
    assert progress["measures"]["text"] == "整改措施 1032 条,已完成 488 条,完成率 47.3%"
    assert [(x["id"], x["reason"]) for x in progress["not_applicable"]] == [
        ("2024-考核-共性-009-宁乡市", "本市易地扶贫搬迁均为分散安置,无集中安置区"),
        ("2024-考核-共性-009-韶山市", "本市无易地扶贫搬迁集中安置区,经市发改局核实不涉及"),
        ("2024-考核-共性-019-韶山市", "经市农业农村局全面排查,本市无撂荒耕地"),
    ]
    problems = {p["id"]: p for p in data["problems"]}
    # 已完成 typed without its evidence: counted 整改中, and the finding names the cell to fill in
    row = problems["2024-考核-韶山市-001"]
    assert (row["status"], row["counted_as"], row["evidence"]) == ("已完成（待认定）", "整改中", None)
    assert {(f["code"], f["location"]["sheet"], f["location"]["cell"]) for f in data["findings"]} == {
        ("ledger-incomplete", "整改台账", "N68"),
        ("measure-unknown-problem", "整改措施", "A1034"),
    }
    # the visit's list came in this round: its rows are appended, numbered per county
    assert [i for i in problems if i.startswith("2024-暗访-韶山市")] == [
        "2024-暗访-韶山市-001",
        "2024-暗访-韶山市-002",
    ]


def test_round_3_reports_completions_closures_and_overdue_per_unit(rounds: Rounds) -> None:
    result = rounds.results[2]
    assert result.exit_code == 1, result.output
    lines = rounds.lines(2)
    assert N68 in lines and TYPO in lines
    assert (
        "新增 0 条,更新 0 条,状态变化 175 条(改为已完成 105 条、改为已销号 44 条),本轮未再发现 0 条;"
        "共 345 条,完成 181 条(其中长期坚持 18 条),正在整改 144 条,尚未开始 20 条,完成率 52.5%,"
        "逾期未完成 37 条,另有不涉及 3 条未计入"
    ) in lines
    assert "本期(上次统计截至 2025-04-30)新完成 105 条" in lines
    assert "  凤凰县:状态变化 14 条,改为已完成 5 条,改为已销号 7 条" in lines
    assert "整改措施 1063 条,已完成 722 条,完成率 67.9%" in lines
    overdue = [line for line in lines if line.startswith("逾期未完成:")]
    assert [line.split(" ")[0] for line in overdue] == [f"逾期未完成:{u}" for u in UNITS]
    assert (
        overdue[0]
        == "逾期未完成:浏阳市 3 条(2024-考核-共性-005-浏阳市、2024-考核-共性-012-浏阳市、2024-督查-浏阳市-003)"
    )
    assert overdue[7] == (
        "逾期未完成:保靖县 4 条(2024-考核-共性-001-保靖县、2024-督查-保靖县-001、2024-督查-保靖县-002、2024-审计-保靖县-001)"
    )
    progress = rounds.json(2)["progress"]
    assert [s["text"] for s in progress["sources"]] == [
        "省级考核评估反馈问题 277 条,已完成 143 条,完成率 51.6%",
        "国家考核评估反馈问题 13 条,已完成 8 条,完成率 61.5%",
        "省级督查发现问题 25 条,已完成 13 条,完成率 52.0%",
        "审计发现问题 15 条,已完成 5 条,完成率 33.3%",
        "暗访发现问题 15 条,已完成 12 条,完成率 80.0%",
    ]
    assert [(s["long_term"], s["closed"]) for s in progress["sources"]] == [
        (15, 35),
        (0, 3),
        (3, 2),
        (0, 0),
        (0, 4),
    ]
    assert [(g["unit"], g["count"]) for g in progress["overdue_by_unit"]] == [
        ("浏阳市", 3), ("宁乡市", 1), ("韶山市", 3), ("醴陵市", 3), ("泸溪县", 3), ("凤凰县", 2), ("花垣县", 2),
        ("保靖县", 4), ("古丈县", 3), ("永顺县", 4), ("平江县", 3), ("新化县", 3), ("安化县", 2), ("城步县", 1),
    ]  # fmt: skip
    assert (progress["newly_done"], progress["since"]) == (105, "2025-04-30")
    assert [(t["name"], t["total"], t["done"]) for t in progress["unit_measures"][:3]] == [
        ("浏阳市", 76, 58), ("宁乡市", 65, 47), ("韶山市", 62, 39),
    ]  # fmt: skip
    # the document says the same, and each county has its printable copy
    html = (rounds.folder / "2025-05-31" / "整改进展情况.html").read_text(encoding="utf-8")
    assert "2025年4月30日以来，本期新完成105条。" in html
    assert "暗访发现问题15条，已完成12条，完成率80.0%" in html
    assert sorted(p.name for p in (rounds.folder / "2025-05-31").glob("整改台账_*.xlsx")) == sorted(
        f"整改台账_{u}.xlsx" for u in UNITS
    )


def test_reports_upward_from_the_final_ledger(rounds: Rounds) -> None:
    province, city = rounds.exports
    assert province.exit_code == 0 and "报送 345 条(台账共 348 条,按报送格式筛选)" in province.output
    assert city.exit_code == 0 and "报送 290 条(台账共 348 条,按报送格式筛选)" in city.output
    ws = openpyxl.load_workbook(rounds.folder / "报送" / "市级报送表.xlsx").active
    assert ws is not None
    values = [[c.value for c in row] for row in ws.iter_rows()]
    head = values.index(
        [
            "序号",
            "市州",
            "县（市、区）",
            "问题编号",
            "反馈来源",
            "存在问题",
            "整改时限",
            "整改进展",
            "完成时间",
            "佐证材料",
        ]
    )
    body = values[head + 1 :]
    assert len(body) == 290 and {r[1] for r in body} == {"长沙市"}
    assert {r[7] for r in body} <= {"未整改", "正在整改", "已完成待验收", "已验收销号", "长期坚持"}


def test_next_years_score_reads_the_ledger(rounds: Rounds, tmp_path: Path) -> None:
    with make.inside(rounds.folder):
        result = CliRunner().invoke(
            main,
            ["score", "-s", "下年度方案_问题整改.yaml", "--data", "整改=整改台账.xlsx", ".",
             "--format", "json", "-o", str(tmp_path / "得分.json")],
            catch_exceptions=False,
        )  # fmt: skip
    assert result.exit_code == 1, result.output  # the measure with the typo is a data problem here too
    units = json.loads((tmp_path / "得分.json").read_text(encoding="utf-8"))
    units = units["units"] if isinstance(units, dict) else units
    got = {u["unit"]: {i["id"]: i for i in u["indicators"]} for u in units}
    assert got["浏阳市"]["6.1"]["basis"].endswith(
        "(整改台账(整改台账.xlsx,截至 2025-05-31):问题 24 条,已完成 14 条,完成率 58.33%)"
    )
    ledger = {t["name"]: t for t in rounds.json(2)["progress"]["units"]}
    for unit in UNITS:  # the score's completion rate is the ledger's own
        assert got[unit]["6.1"]["value"] == pytest.approx(100 * ledger[unit]["done"] / ledger[unit]["total"])


# ---- the figures are the ledger's cells, counted by the documented rules ---------------------------------


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def _status(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return {"": "未开始", "已完成": "已完成（待认定）"}.get(text, text)


def recount(ledger: Path, as_of: dt.date) -> dict[str, tuple[int, int, int, int]]:
    """(total, done, overdue, not applicable) by source: docs/rectify.md, 整改状态与认定 and 整改措施表."""
    wb = openpyxl.load_workbook(ledger)
    rows = [dict(zip([c.value for c in wb["整改台账"][1]], r, strict=False))
            for r in wb["整改台账"].iter_rows(min_row=2, values_only=True)]  # fmt: skip
    measures: dict[str, list[str]] = {}
    for m in wb["整改措施"].iter_rows(min_row=2, values_only=True):
        ident, status, done, evidence = m[0], _status(m[5]), m[6], m[7]
        if status == "已完成（待认定）" and (_blank(done) or _blank(evidence)):
            status = "整改中"
        measures.setdefault(str(ident), []).append(status)
    out: dict[str, list[int]] = {}
    for row in rows:
        status = counted = _status(row["整改状态"])
        needs = {"已完成（待认定）": ("完成日期", "佐证材料"), "已销号": ("认定单位", "认定日期"),
                 "不涉及": ("不涉及理由",)}.get(status, ())  # fmt: skip
        if any(_blank(row[c]) for c in needs):
            counted = "未开始" if status == "不涉及" else "整改中"
        own = [s for s in measures.get(str(row["编号"]), []) if s != "不涉及"]
        if own and counted == status and status != "不涉及":
            if all(s in DONE for s in own):
                counted = status if status in DONE else "已完成（待认定）"
            elif status in DONE or any(s != "未开始" for s in own):
                counted = "整改中"
        tally = out.setdefault(str(row["问题来源"]), [0, 0, 0, 0])
        if counted == "不涉及":
            tally[3] += 1
            continue
        tally[0] += 1
        tally[1] += counted in DONE
        deadline = _date(row["整改时限"])
        tally[2] += deadline is not None and deadline < as_of and counted not in DONE
    return {k: (v[0], v[1], v[2], v[3]) for k, v in out.items()}


@pytest.mark.parametrize("n", [0, 1, 2])
def test_figures_agree_with_a_recount_of_the_cells(rounds: Rounds, n: int) -> None:
    as_of = dt.date.fromisoformat(make.ROUNDS[n][0])
    sources = rounds.json(n)["progress"]["sources"]
    assert {
        s["name"]: (s["total"], s["done"], s["overdue"], s["not_applicable"]) for s in sources
    } == recount(rounds.ledgers[n], as_of)


# ---- hand edits survive ----------------------------------------------------------------------


def _cells(ledger: Path) -> tuple[dict[tuple[str, str], Any], list[list[Any]]]:
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    head = [c.value for c in ws[1]]
    cells = {
        (str(r[0]), str(name)): _date(v) or v
        for r in ws.iter_rows(min_row=2, values_only=True)
        for name, v in zip(head, r, strict=False)
        if name
    }
    measures = [[_date(v) or v for v in r] for r in wb["整改措施"].iter_rows(min_row=2, values_only=True)]
    return cells, measures


def test_every_hand_edit_survives_every_later_run(rounds: Rounds) -> None:
    april, may = rounds.edits
    assert len(april.ledger) > 600 and len(april.measures) == 1033  # 责任人 of every row, statuses, dates …
    for n, typed in ((1, dict(april.ledger)), (2, {**april.ledger, **may.ledger})):
        cells, measures = _cells(rounds.ledgers[n])
        lost = {k: (v, cells.get(k)) for k, v in typed.items() if cells.get(k) != (_date(v) or v)}
        assert lost == {}, f"round {n + 1}"
        wanted = april.measures if n == 1 else may.measures
        assert measures == [[_date(v) or v for v in r] for r in wanted]  # the 整改措施 sheet untouched
    assert ("2024-考核-共性-001-浏阳市", make.OWN_COLUMN) in april.ledger  # the clerk's own column
    _cells_after, _ = _cells(rounds.ledgers[2])
    assert _cells_after["2024-考核-共性-001-浏阳市", make.OWN_COLUMN] == "刘副县长"


# ---- the committed example is what the script makes ------------------------------------------------


def _xlsx(path: Path) -> dict[str, list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def test_the_committed_example_is_what_the_script_makes(rounds: Rounds) -> None:
    def files(root: Path) -> list[str]:
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    assert files(EXAMPLE) == files(rounds.folder)
    for name in files(EXAMPLE):
        ours, made = EXAMPLE / name, rounds.folder / name
        if name.endswith(".xlsx"):
            assert _xlsx(ours) == _xlsx(made), name
        elif name.endswith(".json"):
            assert json.loads(ours.read_text(encoding="utf-8")) == json.loads(
                made.read_text(encoding="utf-8")
            ), name
        else:
            assert ours.read_text(encoding="utf-8") == made.read_text(encoding="utf-8"), name
