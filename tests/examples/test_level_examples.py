"""The bundled example rounds of the township and department schemes, through the commands.

``examples/township/`` (青山市's 8 农业乡镇 and 4 城郊街道, scheme ``township-2024``) and
``examples/departments/`` (its 5 牵头部门 and 6 参与部门, scheme ``department-2024``) are
made by ``examples/make_township.py`` and ``examples/make_departments.py``.  Each round has
two planted data problems, reported at their cells; every other file reads cleanly.  The
figures asserted below were computed by hand from the example files (docs/worked-example-levels.md
shows the working), not copied from the tool's output.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from assess.scheme.formula import compile_formula
from tests.cli.conftest import invoke

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TOWNSHIP = ROOT / "indicators" / "township-2024.yaml"
DEPARTMENT = ROOT / "indicators" / "department-2024.yaml"
TOWNSHIPS = EXAMPLES / "township" / "乡镇填报"
DEPARTMENTS = EXAMPLES / "departments" / "部门填报"
DOC = (ROOT / "docs" / "worked-example-levels.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| ([0-9.]+) \| .*\| `([^`]+)` \| ([0-9.]+) \|$", re.M)
TOTAL = re.compile(r"^\| ([^|]+) \| `([^`]+)` \| ([0-9.]+) \|$", re.M)


@pytest.fixture(scope="module")
def township_rank() -> dict[str, Any]:
    result = invoke(CliRunner(), "rank", "-s", str(TOWNSHIP), str(TOWNSHIPS), "--format", "json", "-q")
    assert result.exit_code == 1  # the blank cell of 梅溪乡 is a data problem
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def department_rank() -> dict[str, Any]:
    result = invoke(CliRunner(), "rank", "-s", str(DEPARTMENT), str(DEPARTMENTS), "--format", "json", "-q")
    assert result.exit_code == 1  # the blank cell of 市民政局 is a data problem
    return json.loads(result.stdout)


def _unit(doc: dict[str, Any], name: str) -> dict[str, Any]:
    (unit,) = [u for u in doc["units"] if u["unit"] == name]
    return unit


def _categories(unit: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Each category's (points for the unit's group, score)."""
    return {c["id"]: (c["points"], c["score"]) for c in unit["categories"]}


def _bonus(unit: dict[str, Any]) -> dict[str, float]:
    return {b["id"]: b["score"] for b in unit["bonus"]}


def _findings(doc: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {
        (
            f["severity"],
            f["code"],
            Path(f["location"]["file"]).name,
            f"{f['location']['sheet']}!{f['location']['cell']}",
        )
        for f in doc["findings"]
    }


@pytest.mark.parametrize("scheme", [TOWNSHIP, DEPARTMENT], ids=["township", "department"])
def test_bundled_scheme_is_clean_even_when_strict(scheme: Path) -> None:
    result = invoke(CliRunner(), "check", "--strict", str(scheme))
    assert result.exit_code == 0, result.output
    assert result.output == "已检查 1 个方案,未发现问题。\n"


def test_schemes_are_listed_and_found_by_id(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = invoke(runner, "schemes").output
    assert "township-2024" in listed and "department-2024" in listed
    assert "青山市 2024 年度乡镇(街道)乡村振兴实绩考核评分细则" in listed
    book = tmp_path / "青山街道.xlsx"
    made = invoke(runner, "template", "-s", "township-2024", "--unit", "青山街道", "-o", str(book))
    assert made.exit_code == 0
    ws = load_workbook(book)["指标数据"]
    codes = [ws.cell(r, 1).value for r in range(3, ws.max_row + 1)]
    assert "2.7" in codes and "B5" in codes and "B4" not in codes  # the 街道 set


# ------------------------------------------------------------------ township-2024


def test_township_check_reports_the_planted_problems_at_their_cells() -> None:
    result = invoke(CliRunner(), "check", "-s", str(TOWNSHIP), str(TOWNSHIPS), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert (doc["errors"], doc["warnings"]) == (1, 1)
    assert _findings(doc) == {
        ("error", "missing-value", "梅溪乡.xlsx", "指标数据!D14"),
        ("warning", "not-in-set", "粮食生产和人居环境整治考核数据表.xlsx", "考核数据!E14"),
    }
    messages = {f["code"]: f["message"] for f in doc["findings"]}
    assert messages["missing-value"] == "“矛盾纠纷调处化解率”未填写(不适用的请填“不适用”)"
    assert messages["not-in-set"] == (
        "单位“城南街道”属城郊街道组,该组不考核指标 2.2“高标准农田建设任务完成率”,填报的 100.00% 未计分"
    )
    sources = doc["receipt"]["sources"]
    assert [s["id"] for s in sources] == ["乡镇填报", "乡村振兴", "财政", "农业农村", "生态环境", "统计"]
    assert all(s["covered"] == 12 and s["missing"] == [] and s["extra"] == [] for s in sources)


def test_township_rank_reports_the_planted_problems(township_rank: dict[str, Any]) -> None:
    found = {u["unit"]: _findings(u) for u in township_rank["units"] if u["findings"]}
    assert found == {
        "梅溪乡": {("error", "missing-value", "梅溪乡.xlsx", "指标数据!D14")},
        "城南街道": {("warning", "not-in-set", "粮食生产和人居环境整治考核数据表.xlsx", "考核数据!E14")},
    }
    basis = {i["id"]: i["basis"] for i in _unit(township_rank, "梅溪乡")["indicators"]}
    assert basis["4.2"].startswith("未填报")


def test_township_farm_unit_by_hand(township_rank: dict[str, Any]) -> None:
    """杨林乡: base 81.44 + 附加分 9 = 90.44, over the 好 line but third of three in a quota of two."""
    unit = _unit(township_rank, "杨林乡")
    assert (unit["group"], unit["total"], unit["base_total"], unit["bonus_total"]) == (
        "农业乡镇",
        90.44,
        81.44,
        9.0,
    )
    assert (unit["grade"], unit["rank"]) == ("较好", 3)
    assert (
        unit["grade_basis"][1]
        == "“好”等次名额为本组 2 个,本单位在达到“好”等次的 3 个单位中按排名列第 3 位,降为“较好”"
    )
    assert _categories(unit) == {
        "1": (25.0, 21.89),
        "2": (25.0, 17.80),  # the farm set: 2.1 and 2.2, no 2.7
        "3": (25.0, 18.53),
        "4": (15.0, 13.22),
        "5": (10.0, 10.0),
    }
    scores = {i["id"]: i["score"] for i in unit["indicators"]}
    assert (scores["2.1"], scores["2.5"], scores["3.3"], scores["1.4"]) == (3.51, 2.0, 3.23, 2.62)
    assert scores["2.7"] is None
    assert _bonus(unit) == {"B1": 5.0, "B2": 4.0, "B3": 0.0, "B4": 0.0}


def test_township_street_unit_by_hand(township_rank: dict[str, Any]) -> None:
    """青山街道: the 街道 set (no 2.1/2.2, 2.4 8 分, 3.1 10 分, 3.3 7 分, 2.7), 附加分 12 capped at 10."""
    unit = _unit(township_rank, "青山街道")
    assert (unit["group"], unit["total"], unit["base_total"], unit["bonus_total"]) == (
        "城郊街道",
        91.44,
        81.44,
        10.0,
    )
    assert (unit["grade"], unit["rank"], unit["flags"], unit["awards"]) == (
        "好",
        1,
        ["通报表扬"],
        ["乡村振兴先进乡镇(街道)"],
    )
    assert _categories(unit) == {
        "1": (25.0, 18.91),
        "2": (21.0, 15.97),
        "3": (29.0, 27.23),
        "4": (15.0, 11.33),
        "5": (10.0, 8.0),
    }
    indicators = {i["id"]: i for i in unit["indicators"]}
    assert indicators["2.1"]["status"] == indicators["2.2"]["status"] == "outside"
    assert (indicators["2.4"]["points"], indicators["2.4"]["score"]) == (8.0, 4.8)
    assert (indicators["3.3"]["points"], indicators["3.3"]["score"]) == (7.0, 6.54)
    assert indicators["2.7"]["score"] == 2.67
    assert _bonus(unit) == {"B1": 5.0, "B2": 2.0, "B3": 3.0, "B5": 2.0, "bonus-cap": -2.0}


def test_township_grades_follow_each_groups_quota(township_rank: dict[str, Any]) -> None:
    got = {u["unit"]: (u["total"], u["grade"]) for u in township_rank["units"]}
    assert [u for u, (_t, g) in got.items() if g == "好"] == ["石门镇", "白泉镇", "青山街道"]
    assert got["城南街道"] == (91.26, "较好")  # over the line, second in a 街道 quota of one
    assert got["柳塘镇"][1] == "一般"  # 3.1 scores 0: 人居环境 exposed by the media (override)
    basis = {i["id"]: i["basis"] for i in _unit(township_rank, "柳塘镇")["indicators"]}
    assert basis["3.1"].startswith("农村人居环境问题被中央或省级媒体曝光,该项不得分")


# ---------------------------------------------------------------- department-2024


def test_department_check_reports_the_planted_problems_at_their_cells() -> None:
    result = invoke(CliRunner(), "check", "-s", str(DEPARTMENT), str(DEPARTMENTS), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert (doc["errors"], doc["warnings"]) == (1, 1)
    assert _findings(doc) == {
        ("error", "missing-value", "市民政局.xlsx", "指标数据!D9"),
        ("warning", "not-in-set", "市直部门乡村振兴重点任务完成情况核定表.xlsx", "任务核定!E9"),
    }
    messages = {f["code"]: f["message"] for f in doc["findings"]}
    assert messages["missing-value"] == "“按季度报送配合工作进展次数”未填写(不适用的请填“不适用”)"
    assert messages["not-in-set"].startswith(
        "单位“市教育局”属参与部门组,该组不考核指标 2.2“牵头任务推进成效评价”"
    )
    sources = {s["id"]: s for s in doc["receipt"]["sources"]}
    assert list(sources) == ["部门填报", "农办", "评议", "督查"]
    assert all(s["covered"] == 11 and s["missing"] == [] for s in sources.values())
    assert sources["评议"]["detail"]["raters"] == ["市委农办", "市委督查室", "乡镇(街道)评议"]


def test_department_rank_reports_the_planted_problems(department_rank: dict[str, Any]) -> None:
    found = {u["unit"]: _findings(u) for u in department_rank["units"] if u["findings"]}
    assert found == {
        "市民政局": {("error", "missing-value", "市民政局.xlsx", "指标数据!D9")},
        "市教育局": {("warning", "not-in-set", "市直部门乡村振兴重点任务完成情况核定表.xlsx", "任务核定!E9")},
    }


def test_department_lead_unit_by_hand(department_rank: dict[str, Any]) -> None:
    """市住房和城乡建设局: 牵头部门 set (综合评价 25 分), base 89.54 + 2 = 91.54, 好 quota of one taken."""
    unit = _unit(department_rank, "市住房和城乡建设局")
    assert (unit["group"], unit["total"], unit["base_total"]) == ("牵头部门", 91.54, 89.54)
    assert (unit["grade"], unit["rank"]) == ("较好", 2)
    assert unit["grade_basis"][1] == (
        "“好”等次名额为本组 5 个单位的 30%(1 个),本单位在达到“好”等次的 3 个单位中按排名列第 2 位,降为“较好”"
    )
    assert _categories(unit) == {
        "1": (10.0, 10.0),
        "2": (40.0, 36.86),
        "3": (0.0, 0.0),  # 配合落实: not in the 牵头 set
        "4": (10.0, 7.56),
        "5": (15.0, 13.0),
        "6": (25.0, 22.12),
    }
    indicators = {i["id"]: i for i in unit["indicators"]}
    assert indicators["6.1"]["value"] == 88.49  # 89.5 × 0.5 + 90 × 0.2 + 85.8 × 0.3
    assert indicators["5.1"]["basis"] == "发现问题 1 个(督查 1 个),每个扣 2 分,扣 2 分"
    assert (indicators["2.5"]["score"], indicators["4.2"]["score"]) == (4.36, 2.0)
    assert _bonus(unit) == {"B1": 0.0, "B2": 2.0, "B4": 0.0}


def test_department_support_unit_by_hand(department_rank: dict[str, Any]) -> None:
    """市文化旅游广电体育局: 参与部门 set, base 88.00 + 加分 5 (at the cap) = 93.00, 好."""
    unit = _unit(department_rank, "市文化旅游广电体育局")
    assert (unit["group"], unit["total"], unit["base_total"], unit["bonus_total"]) == (
        "参与部门",
        93.0,
        88.0,
        5.0,
    )
    assert (unit["grade"], unit["rank"], unit["flags"]) == ("好", 1, ["通报表扬"])
    assert _categories(unit) == {
        "1": (15.0, 13.0),
        "2": (0.0, 0.0),
        "3": (35.0, 35.0),
        "4": (15.0, 11.92),
        "5": (15.0, 10.8),
        "6": (20.0, 17.28),
    }
    indicators = {i["id"]: i for i in unit["indicators"]}
    assert indicators["6.1"]["value"] == 86.4  # 85.7 × 0.5 + 84.4 × 0.2 + 88.9 × 0.3
    assert indicators["5.2"]["score"] == 2.8
    assert _bonus(unit) == {"B1": 2.0, "B3": 2.0, "B4": 1.0}


# ------------------------------------------------------------ the worked examples


def _worked(unit: str) -> str:
    """The doc's section working out ``unit`` by hand: from its heading to the next one."""
    start = DOC.index(f"### {unit}逐项计算")
    end = DOC.find("\n#", start + 1)
    return DOC[start:end]


def _by_hand(expression: str) -> Decimal:
    """As the tool rounds (docs/scheme.md 舍入): to 9 decimals half-even, then 2 half-up."""
    value, why = compile_formula(expression).evaluate({})
    assert value is not None, why
    nine = Decimal(repr(float(value))).quantize(Decimal("1e-9"), ROUND_HALF_EVEN)
    return nine.quantize(Decimal("0.01"), ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("unit", "ranked"), [("杨林乡", "township_rank"), ("市住房和城乡建设局", "department_rank")]
)
def test_worked_example_in_docs(unit: str, ranked: str, request: pytest.FixtureRequest) -> None:
    """docs/worked-example-levels.md: every indicator of the unit's set worked by hand, each
    expression equal to its score and to the tool's; the totals add up to the tool's total."""
    tool = _unit(request.getfixturevalue(ranked), unit)
    section = _worked(unit)
    rows = ROW.findall(section)
    scored = {i["id"]: i["score"] for i in tool["indicators"] if i["status"] != "outside"}
    assert [code for code, _e, _s in rows] == list(scored)
    for code, expression, score in rows:
        assert _by_hand(expression) == Decimal(score), code
        assert Decimal(repr(scored[code])).quantize(Decimal("0.01")) == Decimal(score), code
    totals = TOTAL.findall(section)
    for label, expression, result in totals:
        assert _by_hand(expression) == Decimal(result), label
    assert totals[-1][0] == "总分" and Decimal(totals[-1][2]) == Decimal(repr(tool["total"])).quantize(
        Decimal("0.01")
    )


# ------------------------------------------------------------------ the scripts


def _values(folder: Path) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    for path in sorted(folder.rglob("*.xlsx")):
        wb = load_workbook(path)
        for ws in wb.worksheets:
            out[f"{path.relative_to(folder)}!{ws.title}"] = list(ws.iter_rows(values_only=True))
    return out


@pytest.fixture()
def scripts(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The example scripts importable as they run (their helpers beside them), then forgotten."""
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield
    for name in ("fill_templates", "make_sources"):
        sys.modules.pop(name, None)


@pytest.mark.usefixtures("scripts")
@pytest.mark.parametrize(
    ("script", "folder"), [("make_township", "township"), ("make_departments", "departments")]
)
def test_scripts_make_the_bundled_files(
    script: str, folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled files are what the scripts write: same sheets, same cells."""
    spec = importlib.util.spec_from_file_location(script, EXAMPLES / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "OUT", tmp_path / folder)
    module.main()
    assert _values(tmp_path / folder) == _values(EXAMPLES / folder)
