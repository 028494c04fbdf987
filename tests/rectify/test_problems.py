"""Problems from score results: template wording, defaults, deadlines, stable ids."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from assess.errors import DataError
from assess.rectify.model import IMMEDIATE, stable_id
from assess.rectify.problems import load_results, problems_from_results
from assess.scheme.load import load_scheme
from assess.scheme.plan import compile_plan
from assess.scoring.result import Adjustment

from .conftest import (
    AS_OF,
    SCHEME,
    indicator,
    standard_results,
    unit_result,
    write_results,
)


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return compile_plan(load_scheme(SCHEME))


def test_every_lost_point_penalty_and_veto_becomes_a_problem(plan) -> None:  # type: ignore[no-untyped-def]
    units = [u.to_dict() for u in standard_results()]
    problems = problems_from_results(plan, units, AS_OF)
    got = [(p.unit, p.indicator, p.description) for p in problems]
    assert got == [
        (
            "浏阳市",
            "1.6 衔接资金支付率",
            "衔接资金支付率 60.20%,低于全省平均,失分 1.5 分",
        ),
        ("浏阳市", "P1 数据弄虚作假", "发现数据弄虚作假问题 1 个,扣 5 分"),
        (
            "凤凰县",
            "1.5 衔接资金用于产业发展比重",
            "衔接资金用于产业发展比重 52.50%,低于目标 60%,失分 2 分",
        ),
        (
            "凤凰县",
            "1.6 衔接资金支付率",
            "衔接资金支付率 55.00%,低于全省平均,失分 2.5 分",
        ),
        ("凤凰县", "V1 发生规模性返贫", "发生规模性返贫,实行一票否决"),
    ]
    first = problems[0]
    assert first.department == "县乡村振兴局" or first.department  # from the scheme
    assert first.measure == "加快项目实施和资金支付进度,对支付滞后项目逐个调度"
    assert first.deadline == AS_OF + dt.timedelta(days=30)
    assert first.lost == 1.5
    assert first.source == "考核评估"
    assert first.category == "巩固拓展脱贫攻坚成果"
    assert problems[1].category == "扣分事项" and problems[1].lost == 5
    assert problems[4].deadline == IMMEDIATE and problems[4].category == "一票否决事项"


def test_indicator_without_template_gets_default_wording_and_90_days(plan) -> None:  # type: ignore[no-untyped-def]
    unit = unit_result(
        "韶山市",
        [indicator("1.2", "返贫风险率", 3.5, 1.5, points=3, basis="3.50% 高于 3%,不得分")],
    )
    (p,) = problems_from_results(plan, [unit.to_dict()], AS_OF)
    assert p.description == "返贫风险率失分 1.5 分,3.50% 高于 3%,不得分"
    assert p.measure == "分析失分原因,制定整改方案,明确责任人和完成时限,逐项抓好落实"
    assert p.deadline == dt.date(2025, 6, 29)


def test_missing_value_uses_the_basis_not_the_template(plan) -> None:  # type: ignore[no-untyped-def]
    unit = unit_result(
        "韶山市",
        [
            indicator(
                "1.6",
                "衔接资金支付率",
                None,
                4,
                status="missing",
                basis="未填报,按 0 分计",
            )
        ],
    )
    (p,) = problems_from_results(plan, [unit.to_dict()], AS_OF)
    assert p.description == "衔接资金支付率失分 4 分,未填报,按 0 分计"


def test_penalty_without_template_uses_basis(plan) -> None:  # type: ignore[no-untyped-def]
    unit = unit_result(
        "韶山市",
        [],
        penalties=[
            Adjustment(
                "P2",
                "审计发现违规违纪问题",
                2,
                2,
                "审计发现违规违纪问题 2 个,每个扣 1 分,扣 2 分",
                "县审计局",
            )
        ],
    )
    (p,) = problems_from_results(plan, [unit.to_dict()], AS_OF)
    assert p.description == "审计发现违规违纪问题 2 个,每个扣 1 分,扣 2 分"
    assert p.department == "县审计局"


def test_ids_are_stable_and_depend_on_unit_kind_and_item(plan) -> None:  # type: ignore[no-untyped-def]
    units = [u.to_dict() for u in standard_results()]
    a = problems_from_results(plan, units, AS_OF)
    b = problems_from_results(plan, units, AS_OF + dt.timedelta(days=40))
    assert [p.id for p in a] == [p.id for p in b]
    assert len({p.id for p in a}) == len(a)
    assert all(p.id.startswith("ZG-") and len(p.id) == 11 for p in a)
    assert stable_id("x") == stable_id("x") != stable_id("y")


def test_results_as_list_or_wrapper(tmp_path: Path) -> None:
    units = standard_results()
    wrapped = load_results(write_results(tmp_path / "a.json", units))
    plain = load_results(write_results(tmp_path / "b.json", units, wrapped=False))
    assert wrapped == plain
    assert [u["unit"] for u in plain] == ["浏阳市", "凤凰县"]


def test_newer_results_format_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"format": "assess.score/2", "units": []}), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_results(path)
    assert (
        exc.value.message == "评分结果文件的格式为 assess.score/2,本版本只能读取 assess.score/1,请升级 assess"
    )


def test_wrong_shape_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"units": [1, 2]}', encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_results(path)
    assert (
        exc.value.message
        == "评分结果文件的结构不对:应为 assess score 输出的 JSON(单位列表,或含 units 的对象)"
    )
