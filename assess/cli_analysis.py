"""Analysis commands (what-if, scheme differences); registered on the main group."""

from __future__ import annotations

from pathlib import Path

import click

from assess.cli import CONTEXT, echo_run, main
from assess.cli_options import (
    data_option,
    date_option,
    details_option,
    force_option,
    format_option,
    output_option,
    parse_date,
    screen_options,
)
from assess.render.options import provenance_option


@main.command("explain", context_settings=CONTEXT)
@click.option("--scheme", "-s", required=True, metavar="方案", help="方案 YAML 文件的路径,或内置方案的编号。")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path), metavar="[单位数据文件...]")
@click.option(
    "--cohort",
    "cohort",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="参评数据",
    help="同批参评单位的数据文件或文件夹(用于名次和按排名、相对值、极差法计分的指标),可多次指定。",
)
@details_option
@click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="单位名称",
    help="只分析这些单位(默认分析输入中的全部单位),可多次指定。",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="编码=数值",
    help="假设某指标或字段取此值重新评分,如 --set 1.5=62 或 --set 产业资金=1200,可多次指定。",
)
@click.option(
    "--top",
    "top",
    type=click.IntRange(0, 1000),
    default=0,
    metavar="N",
    help="屏幕上只列出可增分最多的 N 项(0 为全部)。",
)
@format_option(
    ["table", "json", "html", "doc", "docx", "pdf"],
    "table 屏幕文字;json;html/doc 可用 Word/WPS 打开的分析报告;docx/pdf 经 LibreOffice 转换。",
)
@output_option
@date_option
@provenance_option
@data_option
@screen_options()
@force_option
def explain_cmd(
    scheme: str,
    inputs: tuple[Path, ...],
    cohort: tuple[Path, ...],
    details: tuple[Path, ...],
    units: tuple[str, ...],
    sets: tuple[str, ...],
    top: int,
    fmt: str | None,
    output: Path | None,
    report_date: str | None,
    data: tuple[str, ...],
    force: bool,
) -> None:
    """得分差距分析:距上一等次、上一名次差多少分,哪些指标最容易补回分数。

    \b
    对每个失分指标给出须达到的数值和可增加的总分,例如
      衔接资金支付率需由 60.20% 提高到 70.00% 方可得满分,可增 1.50 分
    已考虑缺项折算、扣分上限、加分上限、一票否决和“不得评为”条件。
    assess explain -s county-2024 examples/counties/浏阳市.xlsx --cohort examples/counties
    assess explain -s county-2024 examples/counties --unit 花垣县 --set 1.5=56
    退出码:0 正常,1 部分输入未计入,2 用法错误或无法读取。
    """
    from assess.commands.explain import run_explain
    from assess.commands.output import resolve_format

    parse_date(report_date, "--date")
    fmt = resolve_format(fmt, output, ["table", "json", "html", "doc", "docx", "pdf"], "explain")
    run = run_explain(
        scheme,
        list(inputs),
        list(cohort),
        list(details),
        units=list(units),
        sets=list(sets),
        fmt=fmt,
        output=output,
        report_date=report_date,
        limit=top,
        force=force,
        data_opts=list(data),
    )
    echo_run(run)


@main.command("diff", context_settings=CONTEXT)
@click.argument("old", metavar="原方案")
@click.argument("new", metavar="新方案")
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="数据",
    help="同一批填报数据(文件或文件夹),按两个方案分别评分并对照各单位的总分和名次,可多次指定。",
)
@details_option
@format_option(
    ["table", "json", "html", "doc", "docx", "pdf"],
    "table 屏幕表格;json;html/doc 可用 Word/WPS 打开的对照说明;docx/pdf 经 LibreOffice 转换。",
)
@output_option
@date_option
@click.option("--issuer", metavar="发文单位", help="文档落款的发文单位(默认取新方案的 issuer)。")
@provenance_option
@screen_options()
@force_option
def diff_cmd(
    old: str,
    new: str,
    data: tuple[Path, ...],
    details: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    report_date: str | None,
    issuer: str | None,
    force: bool,
) -> None:
    """对照两个方案(如上年与本年的评分细则):新增、删除、更名的指标,分值、目标值、计分规则和责任单位的变化。

    \b
    assess diff county-2023 county-2024
    assess diff 2023.yaml 2024.yaml --data examples/counties --format html -o 对照.html
    方案可写文件路径或内置方案编号。退出码:0 正常,1 部分数据未计入,2 用法错误或方案无效。
    """
    from assess.commands.diff import run_diff
    from assess.commands.output import resolve_format

    parse_date(report_date, "--date")
    fmt = resolve_format(fmt, output, ["table", "json", "html", "doc", "docx", "pdf"], "diff")
    run = run_diff(
        old,
        new,
        list(data),
        list(details),
        fmt=fmt,
        output=output,
        report_date=report_date,
        issuer=issuer,
        force=force,
    )
    echo_run(run)
