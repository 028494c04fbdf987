"""Shared builders: score results made from UnitResult objects, findings workbooks made with openpyxl."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from assess.scoring.result import Adjustment, IndicatorResult, UnitResult

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "indicators" / "county-2024.yaml"
AS_OF = dt.date(2025, 3, 31)
FINDING_HEAD = [
    "序号",
    "单位名称",
    "问题来源",
    "问题类别",
    "问题描述",
    "责任单位",
    "整改时限",
]


def indicator(
    ident: str,
    name: str,
    value: float | None,
    lost: float,
    *,
    unit: str | None = "%",
    points: float = 4,
    target: float | None = None,
    status: str = "ok",
    basis: str = "",
    category: str = "巩固拓展脱贫攻坚成果",
) -> IndicatorResult:
    return IndicatorResult(
        id=ident,
        name=name,
        category=category,
        points=points,
        unit=unit,
        value=value,
        status=status,
        score=points - lost,
        lost=lost,
        basis=basis,
        rule="threshold",
        target=target,
    )


def unit_result(
    unit: str,
    indicators: list[IndicatorResult],
    penalties: list[Adjustment] | None = None,
    vetoes: list[Adjustment] | None = None,
) -> UnitResult:
    return UnitResult(
        unit=unit,
        group=None,
        group_name=None,
        file=f"{unit}.xlsx",
        indicators=indicators,
        categories=[],
        bonus=[],
        bonus_total=0.0,
        penalties=penalties or [],
        penalty_total=sum(p.score for p in penalties or []),
        vetoes=vetoes or [],
        base_total=90.0,
        total=90.0,
        applicable_points=100.0,
    )


def write_results(path: Path, units: list[UnitResult], *, wrapped: bool = True) -> Path:
    docs = [u.to_dict() for u in units]
    data: Any = (
        {"format": "assess.score/1", "scheme": {"id": "county-2024"}, "units": docs} if wrapped else docs
    )
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def write_findings(
    path: Path,
    rows: list[list[Any]],
    head: list[str] | None = None,
    *,
    title: str | None = None,
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    if title:
        ws.append([title])
    ws.append(head or FINDING_HEAD)
    for row in rows:
        ws.append(row)
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # the test means text, as a clerk pasting it would
    wb.save(path)
    return path


def standard_results() -> list[UnitResult]:
    """Two units: 浏阳市 loses on 1.6 and has a penalty; 凤凰县 loses on 1.5 and 1.6 and has a veto."""
    return [
        unit_result(
            "浏阳市",
            [
                indicator("1.6", "衔接资金支付率", 60.2, 1.5, target=70),
                indicator("1.2", "返贫风险率", 1.0, 0, points=3),
            ],
            penalties=[
                Adjustment(
                    "P1",
                    "数据弄虚作假",
                    1,
                    5,
                    "数据弄虚作假 1 个,扣 5 分",
                    "县乡村振兴局",
                )
            ],
        ),
        unit_result(
            "凤凰县",
            [
                indicator("1.5", "衔接资金用于产业发展比重", 52.5, 2, target=60),
                indicator("1.6", "衔接资金支付率", 55.0, 2.5, target=70),
            ],
            vetoes=[
                Adjustment(
                    "V1",
                    "发生规模性返贫",
                    1,
                    0,
                    "发生规模性返贫,一票否决",
                    "县乡村振兴局",
                    "lowest",
                )
            ],
        ),
    ]


@pytest.fixture
def results_file(tmp_path: Path) -> Path:
    return write_results(tmp_path / "结果.json", standard_results())


@pytest.fixture
def findings_file(tmp_path: Path) -> Path:
    return write_findings(
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
            [
                3,
                "平江县",
                "第三方评估",
                "防返贫监测",
                "个别监测户风险消除程序不规范",
                "县乡村振兴局",
                "立行立改",
            ],
        ],
    )


Run = Callable[..., Any]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """run_rectify with the bundled scheme, the test's out folder and AS_OF unless given."""
    from assess.commands.rectify import run_rectify

    def call(results: list[Path] | None = None, findings: list[Path] | None = None, **kw: Any) -> Any:
        kw.setdefault("ledger", None)
        kw.setdefault("out_dir", tmp_path / "out")
        kw.setdefault("as_of", AS_OF)
        kw.setdefault("formats", {"xlsx"})
        return run_rectify(SCHEME, results or [], findings or [], **kw)

    return call
