"""``assess export`` (向上级报送); registered on the main group.

Its own command, not an option of ``rectify``: see :mod:`assess.commands.export`.
"""

from __future__ import annotations

from pathlib import Path

import click

from assess.cli import CONTEXT, echo_run, main
from assess.cli_options import force_option, parse_date


@main.command("export", context_settings=CONTEXT)
@click.option(
    "--ledger",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="台账.xlsx",
    help="要报送的整改台账(assess rectify 生成的台账)。",
)
@click.option(
    "--mapping",
    "-m",
    required=True,
    metavar="报送格式",
    help="报送格式:YAML 文件的路径,或内置报送格式的名称(如 省级整改台账)。",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="报送表.xlsx",
    help="要写出的报送表;不能是台账本身或其他输入文件。",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="日期",
    help="标题中 {截至日期} 的日期,如 2025-03-31、2025年3月31日(默认为台账最近一次统计的截止日期)。",
)
@click.option("--title", metavar="标题", help="报送表的标题(默认取报送格式中的 title)。")
@force_option
def export_cmd(
    ledger: Path,
    mapping: str,
    output: Path,
    as_of: str | None,
    title: str | None,
    force: bool,
) -> None:
    """按上级要求的格式导出整改台账,用于向上级报送。

    报送格式(YAML)规定报送表的列名和顺序、每行相同的固定内容、整改状态的说法和只报送哪些问题;
    只读取台账,不改动台账。

    \b
    示例:
      assess export --ledger 整改/整改台账.xlsx -m 省级整改台账 -o 整改/报送省级.xlsx
    """
    from assess.commands.export import run_export

    day = parse_date(as_of, "--as-of")
    echo_run(run_export(ledger, mapping, output, as_of=day, title=title, force=force))
