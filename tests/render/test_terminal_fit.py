"""Screen tables: display width (CJK), fitting the terminal, --wide, colours, dates as users write them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import wcwidth
from click.testing import CliRunner
from tabulate import tabulate

from assess.cli import main
from assess.cli_options import parse_date
from assess.errors import Finding, Location, UsageError
from assess.render import fit, terminal

ROOT = Path(__file__).resolve().parents[2]
COUNTIES = ROOT / "examples" / "counties"
ONE = COUNTIES / "浏阳市.xlsx"

FULL = [
    "排名", "单位", "巩固拓展脱贫攻坚成果", "乡村产业发展", "乡村建设", "乡村治理", "耕地保护和粮食安全",
    "问题整改", "加分", "扣分", "总分", "等次", "标记",
]  # fmt: skip
AT_100 = ["排名", "单位", "1", "2", "3", "4", "5", "6", "总分", "等次", "标记"]
AT_80 = ["排名", "单位", "总分", "等次", "标记"]
LEGEND = (
    "一级指标:1 巩固拓展脱贫攻坚成果;2 乡村产业发展;3 乡村建设;4 乡村治理;5 耕地保护和粮食安全;6 问题整改"
)


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def ranking() -> dict[str, Any]:
    """The sample round's plan and results, caught on their way to the screen table."""
    got: dict[str, Any] = {}
    real = terminal.ranking_table

    def spy(plan: Any, results: Any, **kw: Any) -> str:
        got.update(plan=plan, results=results, kw=kw)
        return real(plan, results, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(terminal, "ranking_table", spy)
        result = CliRunner().invoke(main, ["rank", "-s", "county-2024", str(COUNTIES), "-q"])
    assert result.exit_code in (0, 1), result.output
    return got


def table_at(ranking: dict[str, Any], width: int | None, color: bool = False) -> str:
    with fit.use(fit.Screen(width, color)):
        return terminal.ranking_table(ranking["plan"], ranking["results"], **ranking["kw"])


def headers(text: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith("排名"))
    return line.split()


def starts(line: str) -> set[int]:
    """The display columns where a cell's text starts (after the line start or two spaces)."""
    out, col, prev = set(), 0, "  "
    for c in line:
        if c != " " and (col == 0 or prev.endswith("  ")):
            out.add(col)
        col += max(wcwidth.wcwidth(c), 0)
        prev = (prev + c)[-2:]
    return out


def rule_starts(rule: str) -> set[int]:
    return {i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")}


# -- display width ---------------------------------------------------------------------------


def test_tabulate_measures_display_width() -> None:
    assert fit._tabulate.WIDE_CHARS_MODE  # set by assess.render.fit
    text = tabulate(
        [["浏阳市", "81.31", "较好"], ["湘西土家族苗族自治州", "9.89", "一般"], ["A县", "100.00", "较差"]],
        headers=["单位", "总分", "等"],  # the last column as wide in every row (tabulate strips the end)
        tablefmt="simple",
        disable_numparse=True,
    )
    rule, *rows = text.splitlines()[1:]  # (the header's end is stripped: "等" is narrower than its column)
    assert [wcwidth.wcswidth(line) for line in rows] == [len(rule)] * 3  # every row as wide as the rule


def test_every_cell_of_the_full_ranking_starts_under_its_rule(ranking: dict[str, Any]) -> None:
    text = table_at(ranking, None)
    lines = text.splitlines()
    rule = lines[2]
    assert set(rule) == {"-", " "}
    for line in lines[1:]:
        if line.startswith(("【", "一级指标")) or not line.strip():
            continue
        if set(line) <= {"-", " "}:
            rule = line
            continue
        assert starts(line) <= rule_starts(rule), line
        assert wcwidth.wcswidth(line) <= len(rule)


# -- fitting ---------------------------------------------------------------------------------


def test_full_and_200_columns_show_every_column(ranking: dict[str, Any]) -> None:
    for width in (None, 200):
        text = table_at(ranking, width)
        assert headers(text) == FULL
        assert LEGEND not in text


def test_100_columns_head_categories_by_id_with_a_legend(ranking: dict[str, Any]) -> None:
    text = table_at(ranking, 100)
    assert headers(text) == AT_100
    assert text.rstrip().splitlines()[-1] == LEGEND
    assert max(fit.display_width(line) for line in text.splitlines() if line != LEGEND) <= 100


def test_80_columns_keep_place_total_grade_and_marks(ranking: dict[str, Any]) -> None:
    text = table_at(ranking, 80)
    assert headers(text) == AT_80
    assert LEGEND not in text
    assert max(fit.display_width(line) for line in text.splitlines()) <= 80
    assert "3       保靖县  66.00   较差    一票否决(发生规模性返贫)" in text.splitlines()


def test_the_marks_wrap_on_a_narrow_screen(ranking: dict[str, Any]) -> None:
    text = table_at(ranking, 40)
    assert headers(text) == AT_80
    lines = text.splitlines()
    at = lines.index(next(line for line in lines if "保靖县" in line))
    assert lines[at].endswith("一票否决") and lines[at + 1].strip() == "(发生规"


def test_the_marks_name_vetoes_consequences_and_provisional_grades() -> None:
    r = SimpleNamespace(
        awards=["先进县"],
        flags=["约谈"],
        vetoes=[SimpleNamespace(name="发生规模性返贫")],
        provisional="单独评分",
    )
    assert terminal.marks(r) == "先进县、约谈、一票否决(发生规模性返贫)、暂定"
    assert terminal.marks(SimpleNamespace(awards=None, flags=[], vetoes=[], provisional="")) == ""


def test_steps_in_order() -> None:
    cols = [
        fit.Column("排名"),
        fit.Column("单位"),
        fit.Column("乡村产业发展", "category", "2"),
        fit.Column("日常考核(折算 30 分)", "part"),
        fit.Column("加分", "adjust"),
        fit.Column("总分"),
        fit.Column("上年排名", "previous"),
        fit.Column("排名变化"),
        fit.Column("标记", "mark"),
    ]
    row = ["1", "浏阳市", "16.26", "25.65", "2.00", "81.31", "3", "↑2", "约谈"]
    got = [fit.fit_columns(cols, [row], w).headers for w in (None, 98, 80, 70, 62, 58, 54, 48)]
    assert got == [
        [c.header for c in cols],
        ["排名", "单位", "乡村产业发展", "加分", "总分", "上年排名", "排名变化", "标记"],  # 1. parts
        ["排名", "单位", "乡村产业发展", "加分", "总分", "上年排名", "排名变化", "标记"],
        ["排名", "单位", "乡村产业发展", "加分", "总分", "排名变化", "标记"],  # 2. 上年排名
        ["排名", "单位", "乡村产业", "加分", "总分", "排名变化", "标记"],  # 3. four characters
        ["排名", "单位", "2", "加分", "总分", "排名变化", "标记"],  # 4. ids
        ["排名", "单位", "2", "总分", "排名变化", "标记"],  # 5. 加分、扣分
        ["排名", "单位", "总分", "排名变化", "标记"],  # 6. categories
    ]
    assert fit.fit_columns(cols, [row], 58).legend and not fit.fit_columns(cols, [row], 48).legend


def test_the_score_sheet_wraps_its_basis_to_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    heights = {}
    for width in (80, 100, 200):
        monkeypatch.setattr(fit, "PIPE_WIDTH", width)  # what a pipe gets, so CliRunner sees it
        out = CliRunner().invoke(main, ["score", "-s", "county-2024", str(ONE)]).stdout
        lines = out.splitlines()
        table = lines[2 : lines.index("", 3)]
        assert table[0].split() == ["编码", "指标", "分值", "实际值", "得分", "失分", "计分依据"]
        assert max(fit.display_width(line) for line in table) <= width
        heights[width] = len(table)
    assert heights[80] > heights[100] > heights[200]


# -- the CLI: width and --wide -----------------------------------------------------------------


def test_a_pipe_gets_100_columns_and_wide_the_full_table() -> None:
    args = ["rank", "-s", "county-2024", str(COUNTIES), "-q"]
    assert headers(CliRunner().invoke(main, args).stdout) == AT_100
    assert headers(CliRunner().invoke(main, [*args, "--wide"]).stdout) == FULL


# -- colours ----------------------------------------------------------------------------------


def test_no_escape_codes_in_pipes_or_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["rank", "-s", "county-2024", str(COUNTIES), "-q"]
    # color=True: click keeps any escape code, so only assess's own choice is tested
    assert "\x1b" not in CliRunner().invoke(main, args, color=True).stdout  # not a terminal
    monkeypatch.setattr(fit, "_isatty", lambda _stream: True)  # a terminal from here on
    assert "\x1b[" in CliRunner().invoke(main, args, color=True, env={"NO_COLOR": None}).stdout
    assert "\x1b" not in CliRunner().invoke(main, args, color=True, env={"NO_COLOR": "1"}).stdout
    assert "\x1b" not in CliRunner().invoke(main, [*args, "--no-color"], color=True).stdout


def test_colours_only_where_the_screen_takes_them() -> None:
    tty, pipe = FakeTTY(), io.StringIO()
    assert fit.wants_color(tty, env={})
    assert fit.wants_color(tty, env={"NO_COLOR": ""})  # no-color.org: set and not empty
    assert not fit.wants_color(tty, env={"NO_COLOR": "1"})
    assert not fit.wants_color(tty, env={"TERM": "dumb"})
    assert not fit.wants_color(tty, no_color=True, env={})
    assert not fit.wants_color(pipe, env={})
    assert fit.screen_for(stream=pipe, env={}) == fit.Screen(100, False)
    assert fit.screen_for(stream=tty, env={}, wide=True) == fit.Screen(None, True)


def test_grades_and_errors_coloured_on_a_terminal(ranking: dict[str, Any]) -> None:
    text = table_at(ranking, None, color=True)
    assert "\x1b[33m较好\x1b[0m" in text and "\x1b[31m较差\x1b[0m" in text
    assert "\x1b" not in table_at(ranking, None, color=False)
    finding = Finding("bad", "坏了", Location(file="a.xlsx"), "error")
    with fit.use(fit.Screen(None, True)):
        assert "\x1b[1;31m错误\x1b[0m" in terminal.findings_table([finding], ["a.xlsx"], "文件")
    assert "\x1b" not in terminal.findings_table([finding], ["a.xlsx"], "文件")


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["2025-01-20", "2025/1/20", "2025.1.20", "2025年1月20日"])
def test_the_date_as_users_write_it(written: str) -> None:
    result = CliRunner().invoke(
        main, ["score", "-s", "county-2024", str(ONE), "--format", "json", "--date", written]
    )
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["provenance"]["report_date"] == "2025-01-20"


def test_a_bad_date_names_the_option_and_the_forms() -> None:
    result = CliRunner().invoke(main, ["score", "-s", "county-2024", str(ONE), "--date", "2025-13-45"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "错误:--date 的日期“2025-13-45”无效,应写成 2025-01-20、2025/1/20、2025.1.20 或 2025年1月20日 的形式"
    )
    with pytest.raises(UsageError, match="--as-of 的日期“下周一”无效"):
        parse_date("下周一", "--as-of")
    assert str(parse_date("2025年3月31日", "--as-of")) == "2025-03-31"
