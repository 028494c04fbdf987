"""The command line: parse options, call the command's module, print, exit.

Each command imports its machinery only when it runs, so ``assess --help``
and ``assess --version`` start without openpyxl, jinja2 or calamine.  Every
user error is an ``AssessError`` (a ``click.ClickException``): click prints
its Chinese message and exits with 2.  Findings exit with 1.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from assess import __version__
from assess.cli_i18n import install as _install_i18n
from assess.cli_options import (
    FORMATS,
    data_option,
    date_option,
    details_option,
    force_option,
    format_option,
    inputs_argument,
    output_option,
    parse_date,
    previous_option,
    scheme_option,
    screen_options,
)
from assess.render.options import provenance_option

_install_i18n()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _exit(code: int) -> None:
    if code:
        sys.exit(code)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="assess", message="%(prog)s %(version)s")
def main() -> None:
    """乡村振兴实绩考核:评分、排名与整改台账。

    \b
    常用流程:
      assess check  --scheme county-2024 examples/counties     检查填报数据
      assess score  --scheme county-2024 examples/counties/浏阳市.xlsx
      assess rank   --scheme county-2024 examples/counties -o 排名.html --format html
      assess rectify --scheme county-2024 排名.json --findings 督查问题.xlsx -o 整改
    """


@main.command("schemes", context_settings=CONTEXT)
def schemes_cmd() -> None:
    """列出内置的考核方案。"""
    from tabulate import tabulate

    from assess.scheme.registry import bundled_schemes

    rows = [(i.id, i.year or "", i.title, i.path.name) for i in bundled_schemes()]
    click.echo(tabulate(rows, headers=["编号", "年度", "名称", "文件"], tablefmt="simple"))


@main.command("schema", context_settings=CONTEXT)
@output_option
@force_option
def schema_cmd(output: Path | None, force: bool) -> None:
    """输出方案格式的 JSON Schema(供编辑器自动补全与校验)。"""
    import json

    from assess.scheme.schema import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        from assess.commands.output import Outputs

        outputs = Outputs(force)
        outputs.write(outputs.file(output, "json"), text)
        for line in outputs.messages:
            click.echo(line, err=True)


@main.command("check", context_settings=CONTEXT)
@click.option("--scheme", "-s", metavar="方案", help="检查数据文件时所用的方案(路径或内置编号)。")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="方案或数据文件...")
@details_option
@data_option
@format_option(["table", "json"], "输出格式。")
@click.option("--strict", is_flag=True, help="把提醒也当作错误(有提醒时退出码为 1)。")
@screen_options()
def check_cmd(
    scheme: str | None,
    paths: tuple[Path, ...],
    details: tuple[Path, ...],
    data: tuple[str, ...],
    fmt: str,
    strict: bool,
) -> None:
    """检查方案文件,或按方案检查填报的数据文件,一次列出全部问题。

    \b
    assess check 方案.yaml                     检查方案本身
    assess check --scheme 方案 数据文件...      按方案检查数据
    退出码:0 无错误(提醒照常列出),1 发现错误(--strict 时提醒也算),
    2 有文件无法读取或用法错误(其余问题照常列出)。
    """
    from assess.commands.check import run_check

    report = run_check(scheme, list(paths), list(details), strict=strict, data=list(data))
    click.echo(report.render(fmt or "table"), nl=False)
    _exit(report.exit_code)


@main.command("score", context_settings=CONTEXT)
@scheme_option
@inputs_argument
@details_option
@data_option
@format_option(
    FORMATS,
    "table 屏幕表格;json;html 可用 Word/WPS 打开的得分表;doc 单文件 Word 文档;"
    "docx/pdf 经 LibreOffice 转换;xlsx 工作簿。",
)
@output_option
@date_option
@click.option("--issuer", metavar="发文单位", help="得分表落款的发文单位(评分单位)。")
@provenance_option
@previous_option
@screen_options()
@force_option
def score_cmd(
    scheme: str,
    inputs: tuple[Path, ...],
    details: tuple[Path, ...],
    data: tuple[str, ...],
    previous: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    report_date: str | None,
    issuer: str | None,
    force: bool,
) -> None:
    """按方案为一个或多个单位评分,输出得分表,每一分都注明依据。

    多个单位(或一张汇总表)作为同一批次评分,按排名、相对值、极差法计分的指标才能计算。
    html、doc、xlsx 格式在评分多个单位时每个单位一个文件,写入 -o 指定的文件夹。
    """
    from assess.commands.score import run_score

    parse_date(report_date, "--date")
    chosen = _score_format(fmt, output)
    run = run_score(
        scheme,
        list(inputs),
        list(details),
        chosen,
        output,
        report_date,
        force,
        issuer,
        data_opts=list(data),
        previous=list(previous),
    )
    echo_run(run)


@main.command("rank", context_settings=CONTEXT)
@scheme_option
@inputs_argument
@details_option
@data_option
@previous_option
@click.option("--overall", is_flag=True, help="分组之外再列出全体单位的总排名。")
@format_option(FORMATS, "输出格式。")
@output_option
@date_option
@click.option("--title", metavar="标题", help="文档标题(默认由方案名称生成)。")
@click.option("--issuer", metavar="发文单位", help="文档落款的发文单位(默认取方案的 issuer)。")
@provenance_option
@click.option("--quiet", "-q", is_flag=True, help="不显示进度条和汇总信息。")
@click.option("--strict", is_flag=True, help="任何输入文件有问题即停止(默认跳过并在最后报告)。")
@click.option(
    "--sensitivity",
    type=click.IntRange(0, 100000),
    default=0,
    metavar="次数",
    help="稳健性分析:在 --vary 给定范围内随机变动权重等参数,重复评分的次数(如 1000)。",
)
@click.option(
    "--vary",
    multiple=True,
    metavar="参数=范围",
    help="变动的参数和范围,如 weights=±10%、targets=±5%、bands=±5%;可多次指定(默认 weights=±10%)。",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="稳健性分析的随机种子;种子相同结果相同。"
)
@click.option(
    "--brief",
    is_flag=True,
    help="精简排名表:JSON 每个单位只列名次、总分、等次和各项得分,不写计分依据(表格和文档与完整排名相同);"
    "适合数万个村的大批次,单个单位的依据用 score 或 explain 查看。",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(0, 64), default=0, metavar="N", help="并行读取的进程数,0 为自动。"
)
@click.option(
    "--average",
    "averages",
    multiple=True,
    metavar="编码=数值",
    help="指标统计中该指标的平均值用给定的数(如公布的全省平均),如 --average 1.2=2.9;可多次指定。",
)
@screen_options()
@force_option
def rank_cmd(
    scheme: str,
    inputs: tuple[Path, ...],
    details: tuple[Path, ...],
    data: tuple[str, ...],
    previous: tuple[str, ...],
    overall: bool,
    fmt: str | None,
    output: Path | None,
    report_date: str | None,
    title: str | None,
    issuer: str | None,
    quiet: bool,
    strict: bool,
    sensitivity: int,
    vary: tuple[str, ...],
    seed: int,
    brief: bool,
    jobs: int,
    averages: tuple[str, ...],
    force: bool,
) -> None:
    """为全部单位评分、排名、定等次,输出年度排名表(通报用)。

    输入可以是文件夹、若干县级填报表、一张汇总表,或兼而有之;同一单位出现两次会报错并指出两处位置。
    """
    from assess.commands.output import resolve_format
    from assess.commands.rank import run_rank

    parse_date(report_date, "--date")
    fmt = resolve_format(fmt, output, FORMATS, "rank")
    bar = _ProgressBar() if not quiet and sys.stderr.isatty() else None
    try:
        run = run_rank(
            scheme,
            list(inputs),
            list(details),
            data_opts=list(data),
            previous=list(previous),
            overall=overall,
            fmt=fmt,
            output=output,
            report_date=report_date,
            title=title,
            issuer=issuer,
            quiet=quiet,
            strict=strict,
            jobs=jobs,
            force=force,
            progress=bar,
            sensitivity=sensitivity,
            vary=list(vary),
            seed=seed,
            brief=brief,
            averages=list(averages),
        )
    finally:
        if bar is not None:
            bar.close()
    echo_run(run)


def _score_format(fmt: str | None, output: Path | None) -> str:
    """A score's format: as for every command, except that ``-o`` without a suffix names the
    folder of per-unit documents and then needs ``--format``."""
    from assess.commands.output import FOLDER_FORMATS, resolve_format

    if output is not None and not output.suffix and fmt in FOLDER_FORMATS:
        return fmt
    return resolve_format(fmt, output, FORMATS, "score")


class _ProgressBar:
    """A click progress bar on stderr, created when the total is known."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="读取", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def echo_run(run: Any) -> None:
    """A command's Run on the terminal: its text, its messages on stderr, then its exit code."""
    if run.stdout:
        click.echo(run.stdout, nl=False)
    for line in run.messages:
        click.echo(line, err=True)
    _exit(run.exit_code)


@main.command("template", context_settings=CONTEXT)
@scheme_option
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="文件.xlsx|文件夹",
    help="要生成的填报模板;--source all 或有多个评分方时为文件夹。",
)
@click.option(
    "--layout",
    type=click.Choice(["county", "summary"]),
    default="county",
    show_default=True,
    help="单位填报模板的样式:county 一县一表;summary 多单位汇总表。",
)
@click.option(
    "--units",
    "units_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="单位清单",
    help="单位清单(xlsx 或 csv,第一列为单位名称,可有分组列);汇总表和来源的模板不写时用方案的单位名单。",
)
@click.option("--unit", "unit_name", metavar="单位名称", help="预先填好的单位名称(一县一表)。")
@click.option(
    "--source",
    metavar="来源",
    help="生成方案中某个数据来源(部门报表、问题清单、评分表)的模板,写来源的编号或名称;"
    "all 生成全部来源的模板(-o 为文件夹)。不写时生成单位自己的填报模板。",
)
@force_option
def template_cmd(
    scheme: str,
    output: Path,
    layout: str,
    units_file: Path | None,
    unit_name: str | None,
    source: str | None,
    force: bool,
) -> None:
    """生成填报模板:填报说明、锁定的编码和名称、数据有效性和数字格式;方案有数据来源时每个来源一个模板。"""
    from assess.commands.template import run_template

    made = run_template(scheme, output, layout, units_file, unit_name, force, source)
    for line in made.messages:
        click.echo(line, err=True)
    for path, what in made.written:
        click.echo(f"已生成{what}:{path}", err=True)
    for line in made.notes:
        click.echo(line, err=True)


@main.command("rectify", context_settings=CONTEXT)
@click.option(
    "--scheme", "-s", required=True, metavar="方案", help="方案(路径或内置编号),提供整改文本模板和责任单位。"
)
@click.argument(
    "results", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[评分结果.json | 数据文件]..."
)
@click.option(
    "--findings",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="问题清单",
    help="督查(审计、评估)发现问题清单,可多次指定。",
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="台账.xlsx",
    help="要更新的整改台账;不指定则在输出文件夹中新建。",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="日期",
    help="统计截止日期,如 2025-03-31、2025/3/31、2025年3月31日(默认今天),用于整改时限和逾期。",
)
@click.option(
    "--layout",
    type=click.Choice(["single", "per-unit"]),
    default="single",
    show_default=True,
    help="single 一张表含单位列;per-unit 每个单位一张表。",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["xlsx", "html", "doc", "docx", "pdf", "json"]),
    default=("xlsx", "html"),
    show_default=True,
    help="输出格式,可多次指定;docx/pdf 经 LibreOffice 转换。",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="文件夹",
    help="输出文件夹。",
)
@data_option
@click.option(
    "--min-lost",
    type=click.FloatRange(min=0),
    metavar="分数",
    help="指标失分至少多少分才列入整改清单(默认 0.5,或方案 rectify 中的 min_lost);0 表示不按失分筛选。",
)
@click.option(
    "--min-share",
    type=click.FloatRange(min=0, max=1),
    metavar="比例",
    help="失分至少占该项分值的比例才列入(0 至 1,默认 0.1 即 10%,或方案中的 min_share);0 表示不按比例筛选。",
)
@click.option(
    "--below-average/--no-below-average",
    "below_average",
    default=None,
    help="只列入实际值差于平均值的指标(平均值取自 assess rank 输出的评分结果);默认按方案,方案未写则不比较。",
)
@click.option(
    "--all-lost", is_flag=True, help="列出全部失分指标,不按上述标准筛选;扣分项和一票否决事项总是列入。"
)
@click.option("--no-backup", is_flag=True, help="更新台账时不保留旧版本备份。")
@click.option(
    "--split-by-unit",
    is_flag=True,
    help="另为每个单位写一份只含本单位问题的台账(整改台账_单位名称.xlsx),版式与台账相同,便于分发和打印。",
)
@click.option("--title", metavar="标题", help="文档标题。")
@click.option("--issuer", metavar="发文单位", help="文档落款的发文单位。")
@provenance_option
def rectify_cmd(
    scheme: str,
    results: tuple[Path, ...],
    findings: tuple[Path, ...],
    ledger: Path | None,
    as_of: str | None,
    layout: str,
    formats: tuple[str, ...],
    output: Path,
    data: tuple[str, ...],
    min_lost: float | None,
    min_share: float | None,
    below_average: bool | None,
    all_lost: bool,
    no_backup: bool,
    split_by_unit: bool,
    title: str | None,
    issuer: str | None,
) -> None:
    """生成整改清单,建立或更新整改台账,统计整改进度。

    已有台账中人工填写的状态、责任人、措施、日期、佐证和备注不会被覆盖,任何一行都不会被删除。
    整改状态:未开始、整改中、已完成（待认定）、已销号、长期坚持、不涉及;“整改措施”表可为一个问题
    填写多条措施。每次运行报告上次以来的变化、本期新完成和各单位逾期问题。
    指标失分较少的(默认不足 0.5 分或不足该项分值的 10%)不新增到台账,在输出中合计说明;
    已在台账中的问题照常更新。
    """
    from assess.commands.rectify_cli import run_rectify_cli
    from assess.rectify.problems import Screen

    day = parse_date(as_of, "--as-of") or date.today()
    run = run_rectify_cli(
        scheme,
        list(results),
        list(findings),
        ledger,
        output,
        day,
        layout,
        set(formats),
        not no_backup,
        issuer,
        title,
        data_opts=list(data),
        screen=Screen(min_lost, min_share, below_average, all_lost),
        split_by_unit=split_by_unit,
    )
    echo_run(run)


@main.command("serve", context_settings=CONTEXT)
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="当前文件夹",
    metavar="文件夹",
    help="工作文件夹:方案、各单位的提交、输出和整改台账都以普通文件保存在这里,命令行也可使用。",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="地址",
    help="监听的地址;本机地址无需登录,其他地址(如 0.0.0.0 或本机的局域网地址)须用访问码登录。",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, metavar="端口", help="端口;0 为自动选择空闲端口。"
)
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器。")
@click.option(
    "--code-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="文件",
    help="办公室访问码文件(第一行为访问码);不写时每次启动生成一个新的访问码。写了则本机访问也须登录。",
)
@click.option(
    "--unit-codes",
    is_flag=True,
    help="为方案中的每个单位生成访问码,写入工作文件夹的 访问码.xlsx(旧的单位访问码作废);"
    "单位凭访问码只能提交本单位的数据、查看本单位的回执。",
)
def serve_cmd(
    folder: Path, host: str, port: int, no_browser: bool, code_file: Path | None, unit_codes: bool
) -> None:
    """启动本机网页版考核工作台:选择方案、收集各单位的填报表并即时回执、评分排名、整改台账。

    \b
    assess serve                          在当前文件夹启动,只供本机使用,自动打开浏览器
    assess serve --folder 2024年度考核    指定工作文件夹
    assess serve --host 0.0.0.0 --unit-codes    供局域网内各单位提交(须用访问码登录)
    """
    from assess.serve.run import serve

    serve(
        folder,
        host,
        port,
        browser=not no_browser,
        code_file=code_file,
        unit_codes=unit_codes,
        echo=lambda line: click.echo(line, err=True),
    )


# Analysis commands (explain, diff) live in their own module and register themselves on `main`.
from assess import cli_analysis as _cli_analysis  # noqa: E402,F401
from assess import cli_export as _cli_export  # noqa: E402,F401  (assess export: 向上级报送)
