"""The options several commands share, declared once so that they read the same everywhere.

``cli.py`` and ``cli_analysis.py`` both build their commands from these; an
option used by one command only stays with that command.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from assess.errors import UsageError

FORMATS = ["table", "json", "html", "doc", "xlsx"]

scheme_option = click.option(
    "--scheme",
    "-s",
    required=True,
    metavar="方案",
    help="方案 YAML 文件的路径,或内置方案的编号(见 assess schemes)。",
)
inputs_argument = click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="数据文件或文件夹..."
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
    "--date", "report_date", metavar="日期", help="文档落款日期,如 2024-12-31(默认不写日期)。"
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


def parse_date(text: str | None, option: str) -> date | None:
    """A date option's value, checked before any file is read."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        from assess.workbook.names import shown

        raise UsageError(f"{option} 的日期“{shown(text)}”无效,应写成 2024-12-31 的形式") from None
