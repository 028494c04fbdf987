"""The ledger's life cycle through the command line: statuses and 认定, sources and categories,
overdue per unit, changes since the last run, readable ids, claiming and measures (issue 23)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from assess.cli import main

from .conftest import SCHEME, standard_results, write_findings, write_results

D = dt.date
MARCH, APRIL = "2025-03-31", "2025-04-30"


def rectify(*args: str | Path) -> Result:
    return CliRunner().invoke(
        main, ["rectify", "--scheme", str(SCHEME), *map(str, args)], catch_exceptions=False
    )


def _findings(tmp_path: Path, rows: list[list[Any]] | None = None) -> Path:
    return write_findings(
        tmp_path / "督查发现问题清单.xlsx",
        rows
        or [
            [
                1,
                "浏阳市",
                "督查暗访",
                "产业帮扶",
                "部分产业项目联农带农机制不健全",
                "县农业农村局",
                D(2025, 3, 15),
            ],
            [2, "浏阳市", "审计", "资金管理", "衔接资金项目资产未及时确权登记", "县财政局", D(2025, 6, 30)],
            [
                3,
                "凤凰县",
                "督查暗访",
                "防返贫监测",
                "个别监测户风险消除程序不规范",
                "县乡村振兴局",
                "立行立改",
            ],
        ],
    )


def _first(tmp_path: Path, *inputs: Path, fmt: tuple[str, ...] = ("xlsx",)) -> Path:
    args: list[str | Path] = []
    for p in inputs:
        args += ["--findings", p] if p.suffix == ".xlsx" else [p]
    formats = [a for f in fmt for a in ("--format", f)]
    result = rectify(*args, "-o", tmp_path / "out", "--as-of", MARCH, *formats)
    assert result.exit_code == 0, result.output
    return tmp_path / "out" / "整改台账.xlsx"


def _again(
    ledger: Path, *args: str | Path, as_of: str = APRIL, fmt: tuple[str, ...] = ("json", "html")
) -> Result:
    formats = [a for f in fmt for a in ("--format", f)]
    return rectify(*args, "--ledger", ledger, "-o", ledger.parent, "--as-of", as_of, *formats)


def _summary(result: Result) -> str:
    """The run's one-line summary (findings are printed before it)."""
    return next(line for line in result.output.splitlines() if line.startswith("新增 "))


def _json(ledger: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ledger.parent / "整改情况.json").read_text(encoding="utf-8"))
    return data


def _sheet(ledger: Path, name: str = "整改台账") -> tuple[Any, dict[str, int]]:
    wb = openpyxl.load_workbook(ledger)
    ws = wb[name]
    return wb, {c.value: c.column for c in ws[1] if c.value}


def _row_of(ws: Any, col: dict[str, int], ident: str) -> int:
    (r,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["编号"]).value == ident]
    return r


def _edit(ledger: Path, edits: dict[str, dict[str, Any]], sheet: str = "整改台账") -> None:
    """Type values into the rows with the given ids, as a clerk would in Excel."""
    wb, col = _sheet(ledger, sheet)
    ws = wb[sheet]
    for ident, values in edits.items():
        r = _row_of(ws, col, ident)
        for name, value in values.items():
            ws.cell(r, col[name], value)
    wb.save(ledger)


# ---- 1. life cycle ------------------------------------------------------------------


def test_new_ledger_has_life_cycle_columns_drop_down_and_measures_sheet(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    wb, col = _sheet(ledger)
    ws = wb["整改台账"]
    assert (col["认定单位"], col["认定日期"], col["不涉及理由"]) == (17, 18, 19)
    assert col["完成日期"] == 13  # the clerk's familiar columns stay where they were
    (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert dv.formula1 == '"未开始,整改中,已完成（待认定）,已销号,长期坚持,不涉及"'
    assert [c.value for c in wb["整改措施"][1]] == [
        "问题编号", "整改措施", "责任单位", "责任人", "整改时限", "整改状态", "完成日期", "佐证材料", "备注",
    ]  # fmt: skip
    (mdv,) = [dv for dv in wb["整改措施"].data_validations.dataValidation if dv.type == "list"]
    assert str(mdv.sqref) == "F2:F1048576" and mdv.formula1 == dv.formula1
    measures = wb["整改措施"]  # a clerk types these rows: each column's default style is the 公文 font
    assert {measures.column_dimensions[c].font.name for c in "ABCDEFGHI"} == {"仿宋_GB2312"}
    assert measures["A1"].font.name == "黑体"
    assert wb.sheetnames == ["汇总", "整改台账", "整改措施", "进度", "变更记录", "_assess"]


def test_completion_without_evidence_or_confirmation_counts_as_in_progress(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    _edit(
        ledger,
        {
            "2024-督查-浏阳市-001": {"整改状态": "已完成"},  # the old word, nothing else filled in
            "2024-审计-浏阳市-001": {
                "整改状态": "已销号",
                "完成日期": D(2025, 4, 1),
                "佐证材料": "确权登记表",
            },
            "2024-督查-凤凰县-001": {"整改状态": "不涉及"},
        },
    )
    result = _again(ledger)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        f"提示:{ledger} 整改台账!M2: 整改状态为“已完成（待认定）”,但未填写完成日期和佐证材料,按“整改中”统计"
        in lines
    )
    assert f"提示:{ledger} 整改台账!Q3: 整改状态为“已销号”,但未填写认定单位和认定日期,按“整改中”统计" in lines
    assert f"提示:{ledger} 整改台账!S4: 整改状态为“不涉及”,但未填写不涉及理由,按“未开始”统计" in lines
    overall = _json(ledger)["progress"]["overall"]
    assert (overall["total"], overall["done"], overall["in_progress"], overall["not_started"]) == (3, 0, 2, 1)
    counted = {p["id"]: (p["status"], p["counted_as"]) for p in _json(ledger)["problems"]}
    assert counted["2024-督查-浏阳市-001"] == ("已完成（待认定）", "整改中")

    _edit(
        ledger,
        {
            "2024-督查-浏阳市-001": {"完成日期": D(2025, 4, 20), "佐证材料": "验收报告"},
            "2024-审计-浏阳市-001": {"认定单位": "县乡村振兴局", "认定日期": D(2025, 4, 25)},
            "2024-督查-凤凰县-001": {"整改状态": "长期坚持"},
        },
    )
    result = _again(ledger)
    assert "ledger-incomplete" not in json.dumps(_json(ledger)["findings"])
    sentence = "共 3 条,完成 3 条(其中长期坚持 1 条),正在整改 0 条,完成率 100.0%"
    assert _json(ledger)["progress"]["overall"]["sentence"] == sentence
    problems = {p["id"]: p for p in _json(ledger)["problems"]}
    assert (
        problems["2024-审计-浏阳市-001"]["confirmed_by"],
        problems["2024-审计-浏阳市-001"]["confirmed_on"],
    ) == (
        "县乡村振兴局",
        "2025-04-25",
    )


def test_bad_confirmation_date_refuses_the_ledger(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    _edit(ledger, {"2024-审计-浏阳市-001": {"认定日期": "上周"}})
    before = ledger.read_bytes()
    result = _again(ledger)
    assert result.exit_code == 2
    assert f"{ledger} 整改台账!R3: 认定日期“上周”不是日期(应如 2025-06-30)" in result.output
    assert ledger.read_bytes() == before


# ---- 2. sources and categories, 3. overdue per unit ---------------------------------------------


def test_progress_by_source_category_and_overdue_per_unit(tmp_path: Path) -> None:
    results = write_results(tmp_path / "结果.json", standard_results())
    ledger = _first(tmp_path, results, _findings(tmp_path), fmt=("json", "html"))
    data = _json(ledger)["progress"]
    assert [s["text"] for s in data["sources"]] == [
        "考核评估 5 条,已完成 0 条,完成率 0.0%",
        "督查暗访 2 条,已完成 0 条,完成率 0.0%",
        "审计 1 条,已完成 0 条,完成率 0.0%",
    ]
    assert [(u["unit"], u["source"], u["total"]) for u in data["unit_sources"]] == [
        ("浏阳市", "考核评估", 2),
        ("浏阳市", "督查暗访", 1),
        ("浏阳市", "审计", 1),
        ("凤凰县", "考核评估", 3),
        ("凤凰县", "督查暗访", 1),
    ]
    assert ("凤凰县", "一票否决事项", 1) in [
        (u["unit"], u["category"], u["total"]) for u in data["unit_categories"]
    ]
    assert data["overdue_by_unit"] == [
        {
            "unit": "浏阳市",
            "count": 1,
            "items": [
                {
                    "id": "2024-督查-浏阳市-001",
                    "unit": "浏阳市",
                    "description": "部分产业项目联农带农机制不健全",
                    "deadline": "2025-03-15",
                    "status": "未开始",
                }
            ],
        }
    ]
    html = (ledger.parent / "整改进展情况.html").read_text(encoding="utf-8")
    assert "按问题来源：考核评估5条，已完成0条，完成率0.0%；督查暗访2条，已完成0条，完成率0.0%" in html
    assert "浏阳市逾期未完成1条：2024-督查-浏阳市-001。" in html
    ws = openpyxl.load_workbook(ledger)["进度"]
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert ["督查暗访", None, 2, 0, 0, 0, 2, 1, 0, 0] in cells
    assert ["浏阳市", "审计", 1, 0, 0, 0, 1, 0, 0, 0] in cells


def test_overdue_units_named_on_the_terminal(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    result = _again(ledger, as_of="2025-07-01")
    assert "逾期未完成:浏阳市 2 条(2024-督查-浏阳市-001、2024-审计-浏阳市-001)" in result.output.splitlines()


# ---- 4. change since last time ------------------------------------------------------------------


def test_rerun_after_hand_edits_reports_what_changed(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    ledger = _first(tmp_path, findings)
    _edit(
        ledger,
        {
            "2024-督查-浏阳市-001": {"整改状态": "整改中"},
            "2024-审计-浏阳市-001": {
                "整改状态": "已完成（待认定）",
                "完成日期": D(2025, 4, 2),
                "佐证材料": "登记表",
            },
        },
    )
    wb = openpyxl.load_workbook(ledger)
    wb["整改台账"].append(
        ["SG-001", "凤凰县", "自查", "作风", "自查发现的问题", None, None, None, None, None, None, "整改中"]
    )
    wb.save(ledger)

    result = _again(ledger, "--findings", findings)
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "新增 1 条,更新 0 条,状态变化 2 条(改为已完成 1 条、改为已销号 0 条),本轮未再发现 0 条;共 4 条,完成 1 条"
    )
    assert "本期(上次统计截至 2025-03-31)新完成 1 条" in lines
    assert "  浏阳市:状态变化 2 条,改为已完成 1 条" in lines
    assert "  凤凰县:新增 1 条" in lines
    changes = _json(ledger)["changes"]
    assert changes["since"] == MARCH and changes["completed"] == 1 and changes["added_by_hand"] == 1
    assert {"id": "2024-督查-浏阳市-001", "unit": "浏阳市", "old": "未开始", "new": "整改中"} in changes[
        "status_changed"
    ]
    html = (ledger.parent / "整改进展情况.html").read_text(encoding="utf-8")
    assert "2025年3月31日以来，本期新完成1条。" in html

    # the same day again: nothing changed since the last version, the period's figure stands
    result = _again(ledger, "--findings", findings)
    assert result.output.startswith("新增 0 条,更新 0 条,状态变化 0 条,本轮未再发现 0 条;")
    assert "本期(上次统计截至 2025-03-31)新完成 1 条" in result.output.splitlines()
    # a later month: the completion belongs to the previous period now
    result = _again(ledger, "--findings", findings, as_of="2025-05-31")
    assert "本期(上次统计截至 2025-04-30)新完成 0 条" in result.output.splitlines()


# ---- 5. ids and order ----------------------------------------------------------------------------


def test_readable_ids_stable_and_in_scheme_unit_order(tmp_path: Path) -> None:
    results = write_results(tmp_path / "结果.json", standard_results())
    findings = _findings(tmp_path)
    ledger = _first(tmp_path, results, findings)
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert ids == [
        "2024-考核-浏阳市-001",
        "2024-考核-浏阳市-002",
        "2024-督查-浏阳市-001",
        "2024-审计-浏阳市-001",
        "2024-考核-凤凰县-001",
        "2024-考核-凤凰县-002",
        "2024-考核-凤凰县-003",
        "2024-督查-凤凰县-001",
    ]
    before = {ws.cell(r, 1).value: ws.cell(r, 5).value for r in range(2, ws.max_row + 1)}
    result = _again(ledger, results, "--findings", findings)
    assert result.output.startswith("新增 0 条,")
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    assert {ws.cell(r, 1).value: ws.cell(r, 5).value for r in range(2, ws.max_row + 1)} == before
    # a new problem of a unit continues that unit's numbers, after the existing rows
    more = _findings(
        tmp_path,
        [[1, "浏阳市", "督查暗访", "人居环境", "村庄保洁不到位", "县农业农村局", D(2025, 6, 30)]],
    )
    _again(ledger, "--findings", more)
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    assert ws.cell(ws.max_row, 1).value == "2024-督查-浏阳市-002"


def _format1_ledger(path: Path, findings: Path) -> dict[str, str]:
    """A ledger as assess wrote it before the life cycle (format 1: ``ZG-`` ids, 16 columns),
    with a clerk's column and statuses typed in."""
    from assess.rectify.model import COLUMNS_V1, GENERATED, canonical, finding_problem_id

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "整改台账"
    ws.append([*COLUMNS_V1, "联系电话"])
    rows = [
        (
            "浏阳市",
            "督查暗访",
            "产业帮扶",
            "部分产业项目联农带农机制不健全",
            "县农业农村局",
            D(2025, 3, 15),
            "已完成",
        ),
        (
            "浏阳市",
            "审计",
            "资金管理",
            "衔接资金项目资产未及时确权登记",
            "县财政局",
            D(2025, 6, 30),
            "整改中",
        ),
        (
            "凤凰县",
            "督查暗访",
            "防返贫监测",
            "个别监测户风险消除程序不规范",
            "县乡村振兴局",
            "立行立改",
            "未开始",
        ),
    ]
    meta = wb.create_sheet("_assess")
    meta.sheet_state = "veryHidden"
    for r, pair in enumerate(
        [
            ("format", "assess.ledger/1"),
            ("layout", "single"),
            ("generator", "assess 0.9"),
            ("updated", MARCH),
            ("note", "本工作表由 assess 维护,请勿修改"),
        ],
        start=1,
    ):
        meta.cell(r, 1, pair[0])
        meta.cell(r, 2, pair[1])
    meta.append(["编号", "来源", "单位名称", "整改状态", "首次发现", "最近发现", *GENERATED])
    ids: dict[str, str] = {}
    for unit, source, category, text, dept, deadline, status in rows:
        ident = finding_problem_id(unit, source, text)
        ids[text] = ident
        values = dict.fromkeys(COLUMNS_V1)
        values.update(
            {"编号": ident, "单位名称": unit, "问题来源": source, "问题类别": category, "问题描述": text}
            | {"责任单位": dept, "整改时限": deadline, "整改状态": status}
        )
        ws.append([values[c] for c in COLUMNS_V1] + ["0731-8888"])
        generated = [canonical(values[c]) for c in GENERATED]
        meta.append([ident, f"findings:{findings.name}", unit, status, MARCH, MARCH, *generated])
    history = wb.create_sheet("变更记录")
    history.append(["时间", "编号", "字段", "原值", "新值"])
    wb.save(path)
    return ids


def test_format1_ledger_is_upgraded_in_place_with_a_backup(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    ledger = tmp_path / "out" / "整改台账.xlsx"
    ledger.parent.mkdir()
    ids = _format1_ledger(ledger, findings)
    old = ledger.read_bytes()
    result = _again(ledger, "--findings", findings, "--no-backup")
    assert result.exit_code == 0, result.output
    backup = ledger.with_name("整改台账.20250430.bak.xlsx")
    assert backup.read_bytes() == old  # an upgrade always keeps the old file, --no-backup or not
    note = (
        f"提示:{ledger}: 台账 整改台账.xlsx 已由旧格式(assess.ledger/1)升级为 assess.ledger/2:"
        "增加了认定单位、认定日期、不涉及理由三列和“整改措施”工作表,"
        "整改状态下拉列表增加了“已完成（待认定）”“长期坚持”“不涉及”;"
        f"原有的行、编号和人工填写的内容都没有改变;升级前的台账已备份为 {backup}"
    )
    assert note in result.output.splitlines()
    assert _summary(result).startswith("新增 0 条,更新 0 条,状态变化 0 条,本轮未再发现 0 条;")
    wb, col = _sheet(ledger)
    ws = wb["整改台账"]
    assert col["联系电话"] == 17 and (col["认定单位"], col["认定日期"], col["不涉及理由"]) == (18, 19, 20)
    assert [ws.cell(r, 1).value for r in range(2, 5)] == list(ids.values())  # old ids stay valid
    assert [ws.cell(r, 17).value for r in range(2, 5)] == ["0731-8888"] * 3
    assert ws.cell(2, 12).value == "已完成"  # what the clerk typed is not rewritten
    assert "整改措施" in wb.sheetnames and wb["_assess"]["B1"].value == "assess.ledger/2"
    (dv,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert "长期坚持" in dv.formula1
    # the old 已完成 row was done before this period: not 本期新完成
    assert "本期(上次统计截至 2025-03-31)新完成 0 条" in result.output.splitlines()
    # a second run: no upgrade, no new rows, a new problem gets a readable id
    more = _findings(
        tmp_path, [[1, "浏阳市", "审计", "资金管理", "项目资金拨付滞后", "县财政局", D(2025, 6, 30)]]
    )
    result = _again(ledger, "--findings", findings, "--findings", more, as_of="2025-05-31")
    assert "升级" not in result.output
    assert _summary(result).startswith("新增 1 条,")
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    assert ws.cell(5, 1).value == "2024-审计-浏阳市-001" and ws.max_row == 5


# ---- 6. claiming --------------------------------------------------------------------------------


def test_problem_for_all_units_is_split_and_claimed(tmp_path: Path) -> None:
    findings = _findings(
        tmp_path,
        [
            [1, "各县市区", "督查暗访", "防返贫监测", "监测户识别不精准", "县乡村振兴局", D(2025, 6, 30)],
            [2, "浏阳市、凤凰县", "审计", "资金管理", "项目资产未确权", "县财政局", D(2025, 6, 30)],
        ],
    )
    ledger = _first(tmp_path, findings)
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert len(ids) == 14 + 2  # every unit of the scheme, and the two named ones
    assert ids[:3] == ["2024-督查-共性-001-浏阳市", "2024-审计-共性-001-浏阳市", "2024-督查-共性-001-宁乡市"]
    assert "2024-审计-共性-001-凤凰县" in ids and "2024-审计-共性-001-宁乡市" not in ids
    _edit(
        ledger,
        {
            "2024-督查-共性-001-宁乡市": {"整改状态": "不涉及", "不涉及理由": "本县无监测户"},
            "2024-督查-共性-001-韶山市": {"整改状态": "不涉及"},
        },
    )
    result = _again(ledger, "--findings", findings)
    assert _summary(result).startswith("新增 0 条,")  # a re-run creates no duplicates
    progress = _json(ledger)["progress"]
    assert (progress["overall"]["total"], progress["overall"]["not_applicable"]) == (15, 1)
    assert progress["not_applicable"] == [
        {
            "id": "2024-督查-共性-001-宁乡市",
            "unit": "宁乡市",
            "description": "监测户识别不精准",
            "reason": "本县无监测户",
        }
    ]
    assert progress["overall"]["sentence"].endswith(",另有不涉及 1 条未计入")
    assert "整改状态为“不涉及”,但未填写不涉及理由,按“未开始”统计" in result.output
    html = (ledger.parent / "整改进展情况.html").read_text(encoding="utf-8")
    assert "经各单位认领，以下1条问题不涉及本单位，未计入问题总数。" in html


# ---- 7. measures --------------------------------------------------------------------------------


def test_measures_decide_completion_and_are_counted(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改措施"]
    ws.append(["2024-审计-浏阳市-001", "完成资产确权登记", "县财政局", "李四", D(2025, 5, 31), "已完成（待认定）",
               D(2025, 4, 10), "登记证书"])  # fmt: skip
    ws.append(["2024-审计-浏阳市-001", "建立资产管护制度", "县农业农村局", "王五", D(2025, 4, 15), "整改中"])
    ws.append(["2024-审计-浏阳市-009", "多余的措施", "县财政局", "", None, "未开始"])
    wb.save(ledger)
    _edit(
        ledger,
        {"2024-审计-浏阳市-001": {"整改状态": "已完成", "完成日期": D(2025, 4, 20), "佐证材料": "报告"}},
    )

    result = _again(ledger)
    assert result.exit_code == 1  # a measure that belongs to no problem is an error to fix
    lines = result.output.splitlines()
    assert (
        f"错误:{ledger} 整改措施!A4: 问题编号“2024-审计-浏阳市-009”不在台账中,"
        "这条整改措施未计入进度;请填写台账“编号”列中的编号"
    ) in lines
    assert (
        f"提示:{ledger} 整改台账!L3: 整改状态为“已完成（待认定）”,但其整改措施还有 1 条未完成,按“整改中”统计"
        in lines
    )
    assert "整改措施 2 条,已完成 1 条,完成率 50.0%" in lines
    data = _json(ledger)
    problem = next(p for p in data["problems"] if p["id"] == "2024-审计-浏阳市-001")
    assert problem["counted_as"] == "整改中" and [m["measure"] for m in problem["measures"]] == [
        "完成资产确权登记",
        "建立资产管护制度",
    ]
    assert problem["measures"][1]["overdue"] is True
    assert data["progress"]["measures"]["overdue"] == 1

    # the second measure done: the problem is complete; the measures are all still there
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改措施"]
    ws["F3"], ws["G3"], ws["H3"] = "已完成（待认定）", D(2025, 4, 28), "管护制度文件"
    ws.delete_rows(4)
    wb.save(ledger)
    result = _again(ledger, as_of="2025-05-31")
    assert result.exit_code == 0, result.output
    problem = next(p for p in _json(ledger)["problems"] if p["id"] == "2024-审计-浏阳市-001")
    assert problem["counted_as"] == "已完成（待认定）"
    assert "整改措施 2 条,已完成 2 条,完成率 100.0%" in result.output.splitlines()
    ws = openpyxl.load_workbook(ledger)["整改措施"]
    assert [ws.cell(r, 2).value for r in (2, 3)] == ["完成资产确权登记", "建立资产管护制度"]
    html = (ledger.parent / "整改进展情况.html").read_text(encoding="utf-8")
    assert "整改措施2条，已完成2条，完成率100.0%。" in html
    # and per unit, in a table of its own
    table = html.split("<th", 1)[1].split("</table>", 1)[0]
    assert [c in table for c in ("整改措施", "浏阳市", "100.0%")] == [True, True, True]


@pytest.mark.parametrize("status", ["快好了"])
def test_bad_status_in_measures_refuses_the_ledger(tmp_path: Path, status: str) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    wb = openpyxl.load_workbook(ledger)
    wb["整改措施"].append(["2024-审计-浏阳市-001", "措施", "县财政局", "", None, status])
    wb.save(ledger)
    before = ledger.read_bytes()
    result = _again(ledger)
    assert result.exit_code == 2 and ledger.read_bytes() == before
    assert (
        f"{ledger} 整改措施!F2: 整改状态“快好了”不在可选值中(未开始、整改中、已完成（待认定）、已销号、长期坚持、不涉及)"
        in result.output
    )


def test_merged_cells_in_the_measures_sheet_refuse_the_ledger(tmp_path: Path) -> None:
    """A merged 责任单位 over two measures would read the second one as blank: said at its cells."""
    ledger = _first(tmp_path, _findings(tmp_path))
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改措施"]
    ws.append(["2024-审计-浏阳市-001", "措施一", "县财政局", "", None, "整改中"])
    ws.append(["2024-审计-浏阳市-001", "措施二", None, "", None, "整改中"])
    ws.merge_cells("C2:C3")
    wb.save(ledger)
    before = ledger.read_bytes()
    result = _again(ledger)
    assert result.exit_code == 2 and ledger.read_bytes() == before
    assert f"{ledger} 整改措施!C2:C3: 单元格 C2:C3 被合并;台账的表格区域不能有合并单元格" in result.output


def test_checklist_says_how_a_row_is_counted(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    _edit(ledger, {"2024-督查-浏阳市-001": {"整改状态": "已完成"}})
    _again(ledger, fmt=("html",))
    html = (ledger.parent / "整改清单_浏阳市.html").read_text(encoding="utf-8")
    assert "已完成（待认定）（按整改中统计）（逾期）" in html


def test_upgrade_keeps_a_clerks_own_sheets_named_like_the_new_ones(tmp_path: Path) -> None:
    findings = _findings(tmp_path)
    ledger = tmp_path / "out" / "整改台账.xlsx"
    ledger.parent.mkdir()
    _format1_ledger(ledger, findings)
    wb = openpyxl.load_workbook(ledger)
    wb.create_sheet("进度")["A1"] = "我自己的进度表"
    wb.create_sheet("整改措施")["A1"] = "我自己的笔记"
    wb.save(ledger)
    result = _again(ledger, "--findings", findings)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(ledger)
    assert wb["进度"]["A1"].value == "我自己的进度表" and wb["整改措施"]["A1"].value == "我自己的笔记"
    assert wb["整改措施(2)"]["A1"].value == "问题编号" and wb["进度(2)"]["A1"].value.startswith("整改进度")
    # the next run finds its own sheets again and leaves the clerk's alone
    wb["整改措施(2)"].append([wb["整改台账"]["A2"].value, "措施一"])
    wb.save(ledger)
    result = _again(ledger, "--findings", findings, as_of="2025-05-31")
    assert "整改措施 1 条,已完成 0 条,完成率 0.0%" in result.output.splitlines()
    wb = openpyxl.load_workbook(ledger)
    assert wb["进度"]["A1"].value == "我自己的进度表" and wb["整改措施"]["A1"].value == "我自己的笔记"


def test_renamed_measures_sheet_is_still_read(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改措施"]
    ws.title = "措施清单"
    ws.append(["2024-审计-浏阳市-001", "完成资产确权登记", "县财政局", "李四", D(2025, 5, 31), "整改中"])
    wb.save(ledger)
    result = _again(ledger)
    assert "整改措施 1 条,已完成 0 条,完成率 0.0%" in result.output.splitlines()
    assert "整改措施" not in openpyxl.load_workbook(ledger).sheetnames  # no empty twin made


def test_per_unit_layout_gets_the_new_columns_and_ids(tmp_path: Path) -> None:
    result = rectify(
        "--findings", _findings(tmp_path), "-o", tmp_path / "out", "--as-of", MARCH, "--layout", "per-unit"
    )
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "out" / "整改台账.xlsx")
    assert wb.sheetnames[:3] == ["汇总", "浏阳市", "凤凰县"]
    assert [c.value for c in wb["凤凰县"][1]][-3:] == ["认定单位", "认定日期", "不涉及理由"]
    assert wb["凤凰县"]["A2"].value == "2024-督查-凤凰县-001"


def test_evidence_filled_in_later_counts_the_completion_in_that_period(tmp_path: Path) -> None:
    ledger = _first(tmp_path, _findings(tmp_path))
    _edit(ledger, {"2024-督查-浏阳市-001": {"整改状态": "已完成"}})
    assert "本期(上次统计截至 2025-03-31)新完成 0 条" in _again(ledger).output.splitlines()
    _edit(ledger, {"2024-督查-浏阳市-001": {"完成日期": D(2025, 4, 29), "佐证材料": "验收报告"}})
    result = _again(ledger)  # same as-of, no status typed: only the evidence is new
    assert result.exit_code == 0 and "本期(上次统计截至 2025-03-31)新完成 1 条" in result.output.splitlines()
    assert f"已写入:{ledger}" in result.output.splitlines()  # remembered in the hidden sheet
    assert (
        "本期(上次统计截至 2025-04-30)新完成 0 条" in _again(ledger, as_of="2025-05-31").output.splitlines()
    )
