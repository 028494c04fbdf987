"""Completion rates and overdue counts against figures computed by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from assess.rectify.progress import rate

from .conftest import AS_OF, Run, write_findings

HEAD = [
    "单位名称",
    "问题来源",
    "问题类别",
    "问题描述",
    "责任单位",
    "整改时限",
    "整改状态",
]
D = dt.date


@pytest.fixture
def ten(tmp_path: Path) -> Path:
    rows = [
        ["浏阳市", "督查暗访", "产业", "问题1", "县财政局", D(2025, 3, 1), "已完成"],
        ["浏阳市", "督查暗访", "产业", "问题2", "县财政局", D(2025, 3, 1), "已销号"],
        [
            "浏阳市",
            "督查暗访",
            "产业",
            "问题3",
            "县财政局",
            D(2025, 3, 15),
            "整改中",
        ],  # overdue
        [
            "浏阳市",
            "督查暗访",
            "产业",
            "问题4",
            "县财政局、县农业农村局",
            D(2025, 6, 30),
            "整改中",
        ],
        [
            "浏阳市",
            "督查暗访",
            "产业",
            "问题5",
            "",
            D(2025, 3, 31),
            "未开始",
        ],  # due today: not overdue
        [
            "浏阳市",
            "督查暗访",
            "产业",
            "问题6",
            "县农业农村局",
            "立行立改",
            "未开始",
        ],  # no date: never overdue
        ["平江县", "审计", "资金", "问题7", "县乡村振兴局", D(2025, 1, 31), "已完成"],
        ["平江县", "审计", "资金", "问题8", "县乡村振兴局", D(2025, 1, 31), "已完成"],
        ["平江县", "审计", "资金", "问题9", "县乡村振兴局", "长期坚持", "已完成"],
        [
            "平江县",
            "审计",
            "资金",
            "问题10",
            "县乡村振兴局",
            D(2025, 1, 31),
            "未开始",
        ],  # overdue
    ]
    return write_findings(tmp_path / "十条.xlsx", rows, HEAD)


def _evidence(ledger: Path) -> None:
    """Fill what the life cycle asks of 已完成 (完成日期, 佐证材料) and 已销号 (认定单位, 认定日期)."""
    wb = openpyxl.load_workbook(ledger)
    ws = wb["整改台账"]
    col = {c.value: c.column for c in ws[1]}
    for r in range(2, ws.max_row + 1):
        status = ws.cell(r, col["整改状态"]).value
        if status in ("已完成", "已完成（待认定）", "已销号"):
            ws.cell(r, col["完成日期"], D(2025, 3, 20))
            ws.cell(r, col["佐证材料"], "验收报告")
        if status == "已销号":
            ws.cell(r, col["认定单位"], "县乡村振兴局")
            ws.cell(r, col["认定日期"], D(2025, 3, 25))
    wb.save(ledger)


def _with_evidence(run: Run, findings: Path, as_of: dt.date = AS_OF):  # type: ignore[no-untyped-def]
    ledger = run([], [findings], as_of=as_of).ledger
    _evidence(ledger)
    return run([], [], ledger=ledger, as_of=as_of)


def test_figures_by_unit_department_and_overall(run: Run, ten: Path) -> None:
    p = _with_evidence(run, ten).progress
    figures = {t.name: (t.total, t.done, t.in_progress, t.not_started, t.overdue, t.rate) for t in p.units}
    assert figures == {"浏阳市": (6, 2, 2, 2, 1, 33.3), "平江县": (4, 3, 0, 1, 1, 75.0)}
    depts = {
        t.name: (t.total, t.done, t.in_progress, t.not_started, t.overdue, t.rate) for t in p.departments
    }
    assert depts == {
        "县财政局": (4, 2, 2, 0, 1, 50.0),
        "县农业农村局": (2, 0, 1, 1, 0, 0.0),
        "未明确责任单位": (1, 0, 0, 1, 0, 0.0),
        "县乡村振兴局": (4, 3, 0, 1, 1, 75.0),
    }
    o = p.overall
    assert (o.total, o.done, o.in_progress, o.not_started, o.overdue, o.rate) == (
        10,
        5,
        2,
        3,
        2,
        50.0,
    )
    assert o.sentence() == "共 10 条,完成 5 条,正在整改 2 条,尚未开始 3 条,完成率 50.0%,逾期未完成 2 条"
    assert p.overdue_units == ["浏阳市", "平江县"]
    assert [i["description"] for i in p.overdue] == ["问题3", "问题10"]


def test_later_as_of_makes_more_overdue(run: Run, ten: Path) -> None:
    report = _with_evidence(run, ten)
    later = run([], [], ledger=report.ledger, as_of=D(2025, 7, 1)).progress
    assert {t.name: t.overdue for t in later.units} == {"浏阳市": 3, "平江县": 1}
    assert (
        later.overall.sentence()
        == "共 10 条,完成 5 条,正在整改 2 条,尚未开始 3 条,完成率 50.0%,逾期未完成 4 条"
    )


def test_rate_rounds_half_up_to_one_decimal() -> None:
    assert rate(26, 57) == 45.6
    assert rate(2, 3) == 66.7
    assert rate(1, 8) == 12.5
    assert rate(1, 16) == 6.3  # 6.25 → 6.3, not banker's 6.2
    assert rate(0, 0) is None


def test_sentence_like_the_notices(run: Run, tmp_path: Path) -> None:
    rows = [
        [
            "浏阳市",
            "审计",
            "资金",
            f"问题{i}",
            "县财政局",
            D(2025, 12, 31),
            "已完成" if i < 26 else "整改中",
        ]
        for i in range(57)
    ]
    p = _with_evidence(run, write_findings(tmp_path / "57.xlsx", rows, HEAD)).progress
    assert p.overall.sentence() == "共 57 条,完成 26 条,正在整改 31 条,完成率 45.6%"
