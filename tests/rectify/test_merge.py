"""Re-running keeps every hand edit, never drops a row, and records changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import PatternFill

from assess.scoring.result import Adjustment

from .conftest import (
    Run,
    indicator,
    standard_results,
    unit_result,
    write_findings,
    write_results,
)

APRIL = dt.date(2025, 4, 30)


def _rows(path: Path, sheet: str = "整改台账") -> dict[str, dict[str, Any]]:
    ws = openpyxl.load_workbook(path)[sheet]
    head = [c.value for c in ws[1]]
    out = {}
    for r in range(2, ws.max_row + 1):
        values = dict(zip(head, [c.value for c in ws[r]], strict=False))
        if values.get("编号"):
            out[values["编号"]] = values | {"_row": r}
    return out


def _find(rows: dict[str, dict[str, Any]], unit: str, text: str) -> dict[str, Any]:
    (hit,) = [
        v
        for v in rows.values()
        if v["单位名称"] == unit
        and ((v["关联指标"] or "").startswith(text + " ") or text in (v["问题描述"] or ""))
    ]
    return hit


def _history(path: Path) -> list[tuple[Any, ...]]:
    ws = openpyxl.load_workbook(path)["变更记录"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2) if row[0].value is not None]


def _edit_like_a_person(path: Path) -> dict[str, str]:
    """Type statuses and text, sort the rows, widen and colour, add a column at the end."""
    wb = openpyxl.load_workbook(path)
    ws = wb["整改台账"]
    rows = _rows(path)
    pay = _find(rows, "浏阳市", "1.6")
    audit = _find(rows, "浏阳市", "资产未及时确权")
    r1, r2 = pay["_row"], audit["_row"]
    ws.cell(r1, 12, "整改中")
    ws.cell(r1, 9, "张三")
    ws.cell(r1, 10, "召开调度会,倒排工期,6 月底前支付率达到 75%")
    ws.cell(r1, 15, "已报分管领导")
    ws.cell(r2, 12, "已完成")
    ws.cell(r2, 13, dt.date(2025, 4, 20))
    ws.cell(r2, 14, "确权登记表、资产台账")
    # a column of their own at the end
    own = ws.max_column + 1
    ws.cell(1, own, "联系电话")
    for r in range(2, ws.max_row + 1):
        ws.cell(r, own, f"0731-{8000 + r}")
    # sort rows: reverse the order of all rows, extra column included
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_col=own)]
    for r, line in enumerate(reversed(values), start=2):
        for c, v in enumerate(line, start=1):
            ws.cell(r, c).value = v  # ws.cell(r, c, None) would leave the old value
    ws.column_dimensions["E"].width = 80
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == pay["编号"]:
            ws.cell(r, 5).fill = PatternFill("solid", fgColor="FFFF00")
    wb.save(path)
    return {"pay": pay["编号"], "audit": audit["编号"]}


def _second_round(tmp_path: Path) -> tuple[Path, Path]:
    units = standard_results()
    # 浏阳市 1.6 got worse; 1.5 newly lost; 凤凰县 no longer has the veto
    units[0].indicators[0] = indicator("1.6", "衔接资金支付率", 58.0, 2, target=70)
    units[0].indicators.append(indicator("1.5", "衔接资金用于产业发展比重", 54.0, 1, target=60))
    units[1].vetoes = []
    results = write_results(tmp_path / "结果4月.json", units)
    findings = write_findings(
        tmp_path / "督查发现问题清单.xlsx",
        [
            [
                1,
                "浏阳市",
                "督查暗访",
                "产业帮扶",
                "部分产业项目联农带农机制不健全",
                "县农业农村局",
                dt.date(2025, 3, 15),
            ],
            [
                2,
                "浏阳市",
                "审计",
                "资金管理",
                "衔接资金项目资产未及时确权登记",
                "县财政局、县乡村振兴局",
                dt.date(2025, 6, 30),
            ],
        ],
    )
    return results, findings


def test_rerun_keeps_hand_edits_and_adds_new_problems(
    run: Run, results_file: Path, findings_file: Path, tmp_path: Path
) -> None:
    first = run([results_file], [findings_file])
    ledger = first.ledger
    ids = _edit_like_a_person(ledger)
    results, findings = _second_round(tmp_path)
    report = run([results], [findings], ledger=ledger, as_of=APRIL)
    assert report.backup is not None and report.backup.exists()

    rows = _rows(ledger)
    assert len(rows) == 9  # 8 + one new, none dropped
    pay, audit = rows[ids["pay"]], rows[ids["audit"]]
    # what the person typed is all there
    assert (pay["整改状态"], pay["责任人"], pay["备注"]) == (
        "整改中",
        "张三",
        "已报分管领导",
    )
    assert pay["整改措施"] == "召开调度会,倒排工期,6 月底前支付率达到 75%"
    assert (audit["整改状态"], audit["完成日期"], audit["佐证材料"]) == (
        "已完成",  # the old word stays as typed; it is read as 已完成（待认定）
        dt.datetime(2025, 4, 20),
        "确权登记表、资产台账",
    )
    # generated text the person left alone follows the new results
    assert pay["问题描述"] == "衔接资金支付率 58.00%,低于全省平均,失分 2 分"
    assert pay["失分"] == 2
    # their column, their colour, their width, their order
    assert all(v["联系电话"] and v["联系电话"].startswith("0731-") for k, v in rows.items() if v["_row"] <= 9)
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    assert ws.cell(pay["_row"], 5).fill.fgColor.rgb == "00FFFF00"
    assert ws.column_dimensions["E"].width == 80
    backup_order = [v["编号"] for v in sorted(_rows(report.backup).values(), key=lambda v: v["_row"])]
    assert [ws.cell(r, 1).value for r in range(2, 10)] == backup_order  # the person's order stands
    new = _find(rows, "浏阳市", "1.5")
    assert new["_row"] == 10 and new["整改状态"] == "未开始" and new["联系电话"] is None
    # absences are marked, not deleted
    veto = _find(rows, "凤凰县", "V1")
    pingjiang = _find(rows, "平江县", "监测户")
    assert veto["核对情况"] == "本轮未再发现(2025-04-30)"
    assert pingjiang["核对情况"] == "本轮未再发现(2025-04-30)"
    assert _find(rows, "凤凰县", "1.6")["核对情况"] is None
    assert _find(rows, "凤凰县", "1.6")["整改时限"] == dt.datetime(2025, 4, 30)  # counted from first seen
    assert new["整改时限"] == dt.datetime(2025, 6, 29)  # 60 days from 4-30
    assert (
        len(report.stats.added),
        len(report.stats.updated),
        len(report.stats.not_seen),
    ) == (1, 1, 2)
    assert report.backup == ledger.with_name("整改台账.20250430.bak.xlsx")


def test_history_records_status_changes_and_updates(
    run: Run, results_file: Path, findings_file: Path, tmp_path: Path
) -> None:
    ledger = run([results_file], [findings_file]).ledger
    ids = _edit_like_a_person(ledger)
    results, findings = _second_round(tmp_path)
    run([results], [findings], ledger=ledger, as_of=APRIL)
    april = [h for h in _history(ledger) if h[0] == dt.datetime(2025, 4, 30)]
    when = dt.datetime(2025, 4, 30)
    assert (when, ids["pay"], "整改状态", "未开始", "整改中") in april
    assert (when, ids["audit"], "整改状态", "未开始", "已完成（待认定）") in april
    assert (
        when,
        ids["pay"],
        "问题描述",
        "衔接资金支付率 60.20%,低于全省平均,失分 1.5 分",
        "衔接资金支付率 58.00%,低于全省平均,失分 2 分",
    ) in april
    assert (when, ids["pay"], "失分", "1.5", "2") in april
    assert not any(h[1] == ids["pay"] and h[2] == "整改措施" for h in april)  # the person's text was kept
    assert sum(h[2] == "新增问题" for h in april) == 1
    assert sum(h[2] == "核对情况" for h in april) == 2
    # first-round history is still there
    assert sum(h[2] == "新增问题" for h in _history(ledger) if h[0] == dt.datetime(2025, 3, 31)) == 8


def test_problem_seen_again_is_unmarked(
    run: Run, results_file: Path, findings_file: Path, tmp_path: Path
) -> None:
    ledger = run([results_file], [findings_file]).ledger
    results, _ = _second_round(tmp_path)
    run([results], [], ledger=ledger, as_of=APRIL)
    veto_id = _find(_rows(ledger), "凤凰县", "V1")["编号"]
    assert _rows(ledger)[veto_id]["核对情况"] == "本轮未再发现(2025-04-30)"
    # findings were not part of that run: their rows are not marked
    assert _find(_rows(ledger), "平江县", "监测户")["核对情况"] is None
    report = run([results_file], [], ledger=ledger, as_of=dt.date(2025, 5, 31))
    assert _rows(ledger)[veto_id]["核对情况"] is None
    assert report.stats.seen_again == [veto_id]


def test_closed_rows_are_frozen(run: Run, results_file: Path, tmp_path: Path) -> None:
    ledger = run([results_file]).ledger
    pay = _find(_rows(ledger), "浏阳市", "1.6")
    wb = openpyxl.load_workbook(ledger)
    wb["整改台账"].cell(pay["_row"], 12, "已销号")
    wb.save(ledger)
    results, _ = _second_round(tmp_path)
    run([results], ledger=ledger, as_of=APRIL)
    assert _rows(ledger)[pay["编号"]]["问题描述"] == pay["问题描述"]


def test_unchanged_rerun_writes_nothing(run: Run, results_file: Path) -> None:
    ledger = run([results_file]).ledger
    before = ledger.read_bytes()
    report = run([results_file], ledger=ledger)
    assert not report.ledger_written and report.backup is None
    assert ledger.read_bytes() == before


def test_manual_row_is_kept_and_counted(run: Run, results_file: Path) -> None:
    ledger = run([results_file]).ledger
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    ws.append(
        [
            "SG-001",
            "浏阳市",
            "自查",
            "作风",
            "自查发现的问题",
            None,
            None,
            "县委办",
            "王五",
            "立即整改",
            "立行立改",
            "整改中",
        ]
    )
    wb.save(ledger)
    report = run([results_file], ledger=ledger, as_of=APRIL)
    assert "SG-001" in _rows(ledger)
    assert report.progress.units[0].name == "浏阳市" and report.progress.units[0].total == 3
    assert _rows(ledger)["SG-001"]["核对情况"] is None


def test_new_unit_in_per_unit_layout_gets_its_own_sheet(run: Run, results_file: Path, tmp_path: Path) -> None:
    ledger = run([results_file], layout="per-unit").ledger
    units = standard_results() + [
        unit_result(
            "花垣县",
            [],
            penalties=[Adjustment("P1", "数据弄虚作假", 1, 5, "", "县乡村振兴局")],
        )
    ]
    run([write_results(tmp_path / "r2.json", units)], ledger=ledger, as_of=APRIL)
    wb = openpyxl.load_workbook(ledger)
    assert wb.sheetnames[:4] == ["汇总", "浏阳市", "凤凰县", "花垣县"]
    assert wb["花垣县"]["B2"].value == "花垣县"


def test_title_row_and_moved_columns_are_understood(run: Run, results_file: Path, tmp_path: Path) -> None:
    ledger = run([results_file]).ledger
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    # move 整改状态 (L) to the front: swap columns A and L, then put a title row above the header
    for r in range(1, ws.max_row + 1):
        a, l_ = ws.cell(r, 1).value, ws.cell(r, 12).value
        ws.cell(r, 1).value, ws.cell(r, 12).value = l_, a
    ws.insert_rows(1)
    ws["A1"] = "2024 年度考核反馈问题整改台账"
    ws["A4"] = "整改中"
    wb.save(ledger)
    changed_id = ws["L4"].value
    results, _ = _second_round(tmp_path)
    report = run([results], ledger=ledger, as_of=APRIL)
    ws = openpyxl.load_workbook(ledger)["整改台账"]
    assert ws["A1"].value == "2024 年度考核反馈问题整改台账" and ws["A2"].value == "整改状态"
    assert ws["L4"].value == changed_id and ws["A4"].value == "整改中"
    new_row = ws.max_row
    assert ws.cell(new_row, 1).value == "未开始" and ws.cell(new_row, 12).value == "2024-考核-浏阳市-003"
    assert report.stats.status_changes == 1


def test_row_deleted_by_a_person_is_not_added_back(run: Run, results_file: Path) -> None:
    ledger = run([results_file]).ledger
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    gone = ws["A2"].value
    ws.delete_rows(2)
    wb.save(ledger)
    report = run([results_file], ledger=ledger, as_of=APRIL)
    assert gone not in _rows(ledger) and report.stats.added == []
    (note,) = [f for f in report.findings if f.code == "ledger-row-deleted"]
    assert note.severity == "warning" and note.message.startswith(
        f"问题 {gone}(浏阳市)曾在台账中,已被人工删除,本次未重新加入"
    )


def test_blank_status_counts_as_not_started_with_a_warning(run: Run, results_file: Path) -> None:
    ledger = run([results_file]).ledger
    wb = openpyxl.load_workbook(ledger)
    wb["整改台账"]["L2"].value = None
    wb.save(ledger)
    report = run([results_file], ledger=ledger, as_of=APRIL)
    (note,) = [f for f in report.findings if f.code == "ledger-blank-status"]
    assert (note.location.cell, note.message) == ("L2", "整改状态为空,按“未开始”统计")
    assert report.progress.overall.not_started == 5
