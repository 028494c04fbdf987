"""The options several commands share, declared once so that they read the same everywhere.

``cli.py`` and ``cli_analysis.py`` both build their commands from these; an
option used by one command only stays with that command.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from assess.errors import UsageError

FORMATS = ["table", "json", "html", "doc", "docx", "pdf", "xlsx"]

scheme_option = click.option(
    "--scheme",
    "-s",
    required=True,
    metavar="方案",
    help="方案 YAML 文件的路径,或内置方案的编号(见 assess schemes)。",
)
inputs_argument = click.argument(
    "inputs", nargs=-1, type=click.Path(path_type=Path), metavar="[数据文件或文件夹...]"
)
details_option = click.option(
    "--details",
    "details",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="明细表",
    help="全省(全市)汇总的明细表文件(每行一个村、户或项目,含所属单位列),可多次指定。",
)
data_option = click.option(
    "--data",
    "data",
    multiple=True,
    metavar="来源=文件",
    help="方案中某个数据来源(部门报表、第三方评分、问题清单、目标任务表、评议表)的文件或文件夹,"
    "如 --data 财政=支付进度.xlsx;可多次指定。不写时在填报表所在文件夹中找以来源命名的子文件夹。",
)
previous_option = click.option(
    "--previous",
    "previous",
    multiple=True,
    metavar="[年份=]往年结果",
    help="往年 assess rank 输出的 JSON 或 xlsx,或存放它们的文件夹,用于较上年的排名变化、历年得分和"
    "“连续两年/三年”的情形;可多次指定。文件中看不出年份时写成 --previous 2023=文件。",
)
date_option = click.option(
    "--date",
    "report_date",
    metavar="日期",
    callback=lambda _ctx, _param, value: iso_date(value, "--date"),
    help="文档落款日期,如 2024-12-31、2024/12/31、2024年12月31日(默认不写日期)。",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="路径",
    help="输出文件或文件夹;不指定时表格和 JSON 输出到屏幕。",
)
force_option = click.option("--force", is_flag=True, help="允许覆盖已存在的输出文件。")


def format_option(choices: list[str], help: str) -> Any:
    """``--format`` into the parameter ``fmt``: None when not given, so that the suffix of
    ``-o`` can decide (``resolve_format``); the screen table without ``-o``."""
    tail = "不指定时由 -o 的扩展名决定,不写 -o 时为 table。" if "html" in choices or "json" in choices else ""
    return click.option("--format", "fmt", type=click.Choice(choices), default=None, help=help + tail)


DATE_FORMS = "2025-01-20、2025/1/20、2025.1.20 或 2025年1月20日"


def parse_date(text: str | None, option: str) -> date | None:
    """A date option's value, checked before any file is read: written as users write dates
    (``2025-01-20``, ``2025/1/20``, ``2025.1.20``, ``2025年1月20日``), one parser for every
    option and for the ledger's cells (``parse_date_text``)."""
    if text is None:
        return None
    from assess.rectify.model import parse_date_text

    day = parse_date_text(text)
    if day is None:
        from assess.workbook.names import shown

        raise UsageError(f"{option} 的日期“{shown(text)}”无效,应写成 {DATE_FORMS} 的形式")
    return day


def iso_date(text: str | None, option: str) -> str | None:
    """A ``--date`` as ``2025-01-20`` for the documents, however it was written."""
    day = parse_date(text, option)
    return None if day is None else day.isoformat()


_wide_option = click.option(
    "--wide",
    is_flag=True,
    help="屏幕表格完整列出全部列,不按终端宽度省略或折行(见 docs/output.md)。",
)
_no_color_option = click.option(
    "--no-color",
    "no_color",
    is_flag=True,
    help="屏幕表格不用颜色(设置环境变量 NO_COLOR 亦可;输出到文件或管道时从不用颜色)。",
)


def screen_options(*, wide: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--wide`` (unless ``wide=False``) and ``--no-color`` for a command printing tables:
    the command runs inside ``assess.render.fit.use`` with the screen they give, so its
    tables fit the terminal and colour only there (a command with ``-o`` gets the full,
    uncoloured table).  The options never reach the command's own parameters."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            from assess.render import fit

            full = kwargs.pop("wide", False)
            no_color = kwargs.pop("no_color", False)
            if kwargs.get("output") is not None:
                chosen = fit.Screen()
            else:
                chosen = fit.screen_for(wide=full, no_color=no_color)
            with fit.use(chosen):
                return command(*args, **kwargs)

        run = _no_color_option(run)
        return _wide_option(run) if wide else run

    return decorate
