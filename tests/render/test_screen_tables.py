"""The screen tables of rank --sensitivity, diff, explain and check fitted to 80, 100 and 160
columns by display width (CJK two columns each), with --wide for the full table."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.commands.common import load_plan, locate, read_inputs
from assess.errors import Finding, Location
from assess.render import diff as render_diff
from assess.render import explain as render_explain
from assess.render import fit, tables, terminal
from assess.render import sensitivity as render_sensitivity

ROOT = Path(__file__).resolve().parents[2]
COUNTIES = ROOT / "examples" / "counties"
WIDTHS = (80, 100, 160)
LONG_UNIT = "湘西土家族苗族自治州吉首市乾州街道办事处"  # 40 columns
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours take no room on the screen


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[list[str], int | None, str]]]:
    """Every table the render modules fit: (headers, width asked, the table's text)."""
    got: list[tuple[list[str], int | None, str]] = []
    real = tables.fit_table

    def spy(headers: Any, rows: Any, steps: Any, width: int | None, **kw: Any) -> str:
        text = real(headers, rows, steps, width, **kw)
        got.append((list(headers), width, text))
        return text

    for module in (tables, render_diff, render_explain, render_sensitivity):
        monkeypatch.setattr(module, "fit_table", spy)
    yield got


def head_of(table: str) -> list[str]:
    return table.splitlines()[0].split()


def assert_fits(made: list[tuple[list[str], int | None, str]], width: int, text: str) -> None:
    assert made, "no table was fitted"
    for _headers, asked, table in made:
        assert asked == width
        assert table in text
        for line in table.splitlines():
            assert fit.display_width(ANSI.sub("", line)) <= width, (width, line)


# -- the fitting itself --------------------------------------------------------------------------


def test_wrapped_text_keeps_numbers_whole_and_marks_off_the_line_start() -> None:
    text = "分档:≥100% 3 分;95%(含)—100% 2 分;90%(含)—95% 1 分;<90% 0 分"
    for width in (10, 14, 20, 30):
        lines = tables.wrap_text(text, width).splitlines()
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(fit.display_width(line) <= width for line in lines)
        assert all(line and line[0] not in ";,。)" for line in lines)
        assert not any(re.search(r"\d$", a) and re.match(r"\d", b) for a, b in itertools.pairwise(lines))


def test_steps_are_taken_in_order_and_only_while_too_wide() -> None:
    headers = ["单位", "分组", "说明", "总分"]
    rows = [[LONG_UNIT, "重点帮扶县", "监测对象风险消除率未达到目标值" * 3, "81.31"]]
    steps = (
        tables.short(0, header="名称", cell=lambda name: name[:4]),
        tables.drop(1),
        tables.wrap(2, least=16),
    )
    full = tables.fit_table(headers, rows, steps, None)
    assert head_of(full) == headers and tables.fit_table(headers, rows, steps, 152) == full  # 152 wide
    shortened = tables.fit_table(headers, rows, steps, 151)
    assert head_of(shortened) == ["名称", "分组", "说明", "总分"] and LONG_UNIT not in shortened
    narrow = tables.fit_table(headers, rows, steps, 80)
    assert head_of(narrow) == ["名称", "说明", "总分"]
    assert max(fit.display_width(line) for line in narrow.splitlines()) <= 80
    assert "湘西土家" in narrow.splitlines()[2]  # kept columns are whole; only the wrapped one breaks


# -- rank --sensitivity ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sensitivity() -> Any:
    from assess.analysis.sensitivity import run_sensitivity
    from assess.scoring.engine import prepare

    plan = load_plan("county-2024")
    data = read_inputs(plan, [COUNTIES], located=locate(plan, [COUNTIES]))
    report = run_sensitivity(plan, [prepare(plan, u) for u in data.units], 60, ["weights=±30%"], 5)
    assert report.fragile  # long 结论 cells to wrap
    report.units[0].unit = LONG_UNIT
    return report


@pytest.mark.parametrize("width", WIDTHS)
def test_sensitivity_fits(made: list[Any], sensitivity: Any, width: int) -> None:
    with fit.use(fit.Screen(width)):
        text = render_sensitivity.sensitivity_table(sensitivity)
    assert_fits(made, width, text)
    (_h, _w, units), (_h2, _w2, leave) = made
    assert {"单位", "名次", "5%—95%", "区间", "等次", "结论"} <= set(head_of(units))
    assert {"编码", "指标"} <= set(head_of(leave)) and head_of(leave)[2] in ("平均名次变化", "平均变化")
    assert all(u.unit[:6] in units for u in sensitivity.units)  # the long name wraps at 80
    if width == 160:
        assert "分组" in head_of(units)


def test_sensitivity_full_table_keeps_every_column(made: list[Any], sensitivity: Any) -> None:
    render_sensitivity.sensitivity_table(sensitivity)  # outside a command: the full tables
    assert head_of(made[0][2]) == [
        *render_sensitivity.HEADERS[:4],
        "5%—95%",
        "区间",
        *render_sensitivity.HEADERS[5:],
    ]
    assert head_of(made[1][2]) == render_sensitivity.LEAVE_HEADERS


# -- diff ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheme_diff() -> Any:
    from assess.analysis.diff import diff_schemes

    result = diff_schemes(load_plan("county-2023").scheme, load_plan("county-2024").scheme)
    result.units = [
        {
            "unit": name,
            "group": "重点帮扶县(含深度脱贫地区)",
            "old_total": 80.08 - k,
            "old_rank": k + 1,
            "old_grade": "较好",
            "new_total": 81.31 - 2 * k,
            "new_rank": 3 - k,
            "new_grade": "一般",
            "total_change": 1.23 - k,
        }
        for k, name in enumerate([LONG_UNIT, "浏阳市", "城步苗族自治县"])
    ]
    return result


@pytest.mark.parametrize("width", WIDTHS)
def test_diff_fits(made: list[Any], scheme_diff: Any, width: int) -> None:
    with fit.use(fit.Screen(width)):
        text = render_diff.diff_table(scheme_diff)
    assert_fits(made, width, text)
    (_h, _w, changes), (_h2, _w2, units) = made
    assert {"变化", "编码", "指标", "原方案", "新方案"} <= set(head_of(changes))
    assert {"单位", "新名次", "新等次", "总分变化", "名次变化"} <= set(head_of(units))
    assert LONG_UNIT[:6] in units and "↑2" in units
    if width == 160:
        assert "说明" in head_of(changes) and "分组" in head_of(units)


# -- explain ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explained() -> tuple[Any, ...]:
    from assess.analysis.gaps import explain_unit
    from assess.analysis.rescore import Rescorer
    from assess.analysis.whatif import parse_assignments, what_if
    from assess.scoring.engine import prepare

    plan = copy.deepcopy(load_plan("county-2024"))
    for ind in plan.indicators:  # a long name to wrap
        if ind.id == "1.5":
            ind.name = "衔接资金用于产业发展比重(含到户产业和联农带农经营主体)"
    data = read_inputs(plan, [COUNTIES], located=locate(plan, [COUNTIES]))
    rs = Rescorer(plan, [prepare(plan, u) for u in data.units])
    at = rs.index_of("花垣县")
    w = what_if(plan, rs, at, parse_assignments(plan, ["1.5=62", "5.1=100"]))
    return plan, rs, explain_unit(plan, rs, at), w


@pytest.mark.parametrize("width", WIDTHS)
def test_explain_fits(made: list[Any], explained: tuple[Any, ...], width: int) -> None:
    plan, rs, e, w = explained
    with fit.use(fit.Screen(width)):
        text = render_explain.explanation_text(plan, rs, e, w, 3)
    assert_fits(made, width, text)
    (_h, _w, rates), (_h2, _w2, whatif) = made
    assert {"一级指标", "得分率", "差(个百分点)"} <= set(head_of(rates))
    assert {"编码", "指标", "假设值", "新得分"} <= set(head_of(whatif))
    assert "62.00%" in whatif and "1.5" in whatif
    if width == 160:
        assert head_of(whatif) == render_explain.WHATIF_HEADERS


# -- check -----------------------------------------------------------------------------------------

FOLDER = "/数据/二〇二四年度/湘西土家族苗族自治州"
FINDINGS = [
    Finding(
        "blank",
        "“监测对象识别纳入平均时限”未填写(不适用的请填“不适用”),此项为必填项,请按填报说明补齐后重新报送",
        Location(file=f"{FOLDER}/{LONG_UNIT}.xlsx", sheet="指标数据", cell="D14"),
        "error",
    ),
    Finding(
        "range",
        "“高标准农田建设任务完成率”为 108.9%,不在 0~100% 之间,请核实",
        Location(file=f"{FOLDER}/古丈县.xlsx", sheet="指标数据", row=29),
        "warning",
    ),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_check_fits(made: list[Any], width: int) -> None:
    with fit.use(fit.Screen(width, color=True)):
        text = terminal.findings_table(FINDINGS, ["a", "b"], "数据文件")
    assert_fits(made, width, text)
    table = made[0][2]
    assert head_of(table) == ["级别", "文件", "位置", "问题"]  # check wraps, never drops
    assert "\x1b[1;31m错误\x1b[0m" in table and "\x1b[33m提示\x1b[0m" in table
    assert "指标数据!D14" in table
    if width < 160:
        assert FOLDER not in table and "古丈县.xlsx" in table


# -- the commands: the pipe's 100 columns, and --wide ---------------------------------------------------


def test_diff_and_check_take_wide(made: list[Any]) -> None:
    args = ["diff", "county-2023", "county-2024"]
    piped = CliRunner().invoke(main, args)
    assert piped.exit_code == 0, piped.output
    assert made[0][1] == fit.PIPE_WIDTH
    assert max(fit.display_width(line) for line in made[0][2].splitlines()) <= fit.PIPE_WIDTH
    made.clear()
    wide = CliRunner().invoke(main, [*args, "--wide"])
    assert wide.exit_code == 0, wide.output
    assert head_of(made[0][2]) == render_diff.HEADERS and made[0][1] is None
    assert max(fit.display_width(line) for line in made[0][2].splitlines()) > fit.PIPE_WIDTH
    made.clear()
    check = ["check", "-s", "county-2024", str(COUNTIES / "古丈县.xlsx")]
    CliRunner().invoke(main, check)
    assert made[-1][1] == fit.PIPE_WIDTH
    made.clear()
    CliRunner().invoke(main, [*check, "--wide"])
    assert made[-1][1] is None and str(COUNTIES) in made[-1][2]


def test_explain_on_a_pipe_fits_its_tables(made: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fit, "PIPE_WIDTH", 80)
    args = ["explain", "-s", "county-2024", str(COUNTIES), "--unit", "花垣县", "--set", "1.5=62"]
    out = CliRunner().invoke(main, args).stdout
    assert_fits(made, 80, out)
