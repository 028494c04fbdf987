"""Findings workbooks: header aliases, title rows, exact messages, cell locations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assess.errors import Finding, LedgerError
from assess.rectify.findings import read_findings
from assess.rectify.model import IMMEDIATE, IN_PROGRESS, finding_problem_id

from .conftest import write_findings


def test_rows_become_problems(findings_file: Path) -> None:
    notes: list[Finding] = []
    problems = read_findings(findings_file, notes)
    assert notes == []
    assert [(p.unit, p.source, p.category) for p in problems] == [
        ("浏阳市", "督查暗访", "产业帮扶"),
        ("浏阳市", "审计", "资金管理"),
        ("平江县", "第三方评估", "防返贫监测"),
    ]
    assert problems[0].deadline == dt.date(2025, 3, 15)
    assert problems[1].department == "县财政局、县乡村振兴局"
    assert problems[2].deadline == IMMEDIATE
    assert problems[0].origin == "findings:督查发现问题清单.xlsx"
    assert problems[0].location is not None and str(problems[0].location).endswith("问题清单 第 2 行")


def test_aliases_title_row_and_optional_columns(tmp_path: Path) -> None:
    head = [
        "县(市、区)",
        "发现渠道",
        "问题类型",
        "存在问题",
        "对应指标",
        "扣分",
        "牵头单位",
        "整改责任人",
        "措施",
        "完成时限",
        "进展情况",
    ]
    path = write_findings(
        tmp_path / "f.xlsx",
        [
            [
                "宁乡市",
                "考核评估",
                "基础设施",
                "部分村组道路未硬化",
                "2.3 村组道路",
                "0.5分",
                "县交通运输局",
                "李明",
                "年内完成硬化",
                "2025年6月30日",
                "正在整改",
            ]
        ],
        head,
        title="2024 年度考核反馈问题清单",
    )
    notes: list[Finding] = []
    (p,) = read_findings(path, notes)
    assert notes == []
    assert (p.unit, p.source, p.category, p.description) == (
        "宁乡市",
        "考核评估",
        "基础设施",
        "部分村组道路未硬化",
    )
    assert (p.indicator, p.lost, p.department, p.owner, p.measure) == (
        "2.3 村组道路",
        0.5,
        "县交通运输局",
        "李明",
        "年内完成硬化",
    )
    assert p.deadline == dt.date(2025, 6, 30)
    assert p.status == IN_PROGRESS


def test_missing_required_columns_exact_message(tmp_path: Path) -> None:
    path = write_findings(tmp_path / "缺列.xlsx", [["浏阳市", "某问题"]], ["单位名称", "问题描述"])
    with pytest.raises(LedgerError) as exc:
        read_findings(path, [])
    assert exc.value.message == (
        "督查发现问题清单 缺列.xlsx 缺少必需的列:问题来源、问题类别(已将工作表“问题清单”第 1 行作为表头)。"
        "必需的列为:单位名称、问题来源、问题类别、问题描述"
    )
    assert exc.value.location.file == str(path)


def test_bad_date_and_unknown_status_are_findings_with_cells(tmp_path: Path) -> None:
    head = ["单位名称", "问题来源", "问题类别", "问题描述", "整改时限", "整改状态"]
    path = write_findings(
        tmp_path / "f.xlsx",
        [
            ["浏阳市", "督查暗访", "作风", "问题一", "下月底", "已整改"],
            ["浏阳市", "督查暗访", "作风", "问题二", "2025-02-30", "快好了"],
        ],
        head,
    )
    notes: list[Finding] = []
    problems = read_findings(path, notes)
    assert len(problems) == 2 and problems[0].deadline is None and problems[1].status is None
    assert [(f.code, f.location.sheet, f.location.cell, f.message) for f in notes] == [
        (
            "bad-date",
            "问题清单",
            "E2",
            "整改时限“下月底”不是日期;应填日期(如 2025-06-30)或“立行立改”“长期坚持”,已按未填处理",
        ),
        (
            "bad-date",
            "问题清单",
            "E3",
            "整改时限“2025-02-30”不是日期;应填日期(如 2025-06-30)或“立行立改”“长期坚持”,已按未填处理",
        ),
        (
            "bad-status",
            "问题清单",
            "F3",
            "整改状态“快好了”不在可选值中(未开始、整改中、已完成（待认定）、已销号、长期坚持、不涉及),已按未开始处理",
        ),
    ]
    assert problems[0].status == "已完成（待认定）"  # 已整改 is an accepted alias


def test_incomplete_row_and_duplicate_row(tmp_path: Path) -> None:
    path = write_findings(
        tmp_path / "f.xlsx",
        [
            [1, "浏阳市", "审计", "资金", "资金闲置", "县财政局", None],
            [2, "浏阳市", "审计", "资金", " 资金闲置。", "县财政局", None],
            [3, "浏阳市", "审计", "", "", "", None],
            [4, None, None, None, None, None, None],
            [None, "合计", None, None, None, None, None],
        ],
    )
    notes: list[Finding] = []
    problems = read_findings(path, notes)
    assert len(problems) == 1
    assert [(f.code, f.location.cell or f.location.row, f.message) for f in notes] == [
        (
            "duplicate-finding",
            3,
            "与问题清单 第 2 行的问题相同(同一单位、来源和描述),已合并为一条",
        ),
        ("finding-incomplete", "D4", "问题类别、问题描述为空,本行未列入台账"),
    ]


def test_finding_ids_ignore_spacing_and_punctuation() -> None:
    a = finding_problem_id("浏阳市", "审计", "资金闲置,未及时使用")
    b = finding_problem_id(" 浏阳市", "审计", "资金闲置, 未及时使用。")
    c = finding_problem_id("浏阳市", "督查暗访", "资金闲置,未及时使用")
    assert a == b != c
