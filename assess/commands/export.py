"""``assess export``: the ledger as the table a higher office asks for (向上级报送).

A command of its own rather than an option of ``rectify``: ``rectify``
needs a scheme, writes into a folder and updates the ledger, while a report
only reads the ledger (no lock, nothing merged) and writes one file that a
clerk names, any number of times, in as many formats as offices ask for.
Orchestration only: returns a :class:`Run`; prints nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assess.commands.run import Run
from assess.errors import Location, UsageError
from assess.workbook.names import shown

FORMATS_DIR = "exports"  # bundled 报送格式: assess/bundled/exports, or exports/ in a checkout


def bundled_formats() -> list[Path]:
    from assess.resources import bundled_dir

    folder = bundled_dir(FORMATS_DIR)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def resolve_format(spec: str) -> Path:
    """A 报送格式 file that exists, or the name of a bundled one (``省级整改台账``)."""
    path = Path(spec)
    if path.is_file():
        return path
    if path.is_dir():
        raise UsageError(
            f"报送格式“{shown(spec, 80)}”是一个文件夹;请写报送格式 YAML 文件的路径,或内置报送格式的名称"
        )
    if path.exists():
        raise UsageError(f"报送格式“{shown(spec, 80)}”不是普通文件(可能是管道或设备)")
    for candidate in bundled_formats():
        if spec == candidate.stem:
            return candidate
    known = "、".join(p.stem for p in bundled_formats()) or "无"
    raise UsageError(f"找不到报送格式文件“{shown(spec, 80)}”(内置的报送格式:{known})")


def run_export(
    ledger: Path,
    mapping: str,
    output: Path,
    *,
    as_of: dt.date | None = None,
    title: str | None = None,
    force: bool = False,
) -> Run:
    """Write ``output`` from ``ledger`` in the layout of the 报送格式 ``mapping``; see docs/rectify.md."""
    from assess.commands.output import Outputs, _xlsx_kind
    from assess.rectify.export import export_table, load_format
    from assess.rectify.ledger_read import open_ledger
    from assess.rectify.model import parse_iso
    from assess.render.xlsx_print import table_workbook
    from assess.workbook.marker import LEDGER, REPORT

    fmt_path = resolve_format(mapping)
    outputs = Outputs(force=force).read([ledger], "整改台账").read([fmt_path], "报送格式文件")
    target = outputs.file(output, "xlsx")
    if target.exists() and _xlsx_kind(target) == LEDGER:  # another ledger: never replaced, even with --force
        raise UsageError(f"“{target}”是一本整改台账,assess export 不会写入台账;请用 -o 换一个输出位置")
    spec = load_format(fmt_path)
    book = open_ledger(ledger)
    day = as_of or parse_iso(book.updated) or dt.date.today()
    from assess.rectify.lifecycle import evaluate

    made = export_table(spec, list(book.rows), day, title, life=evaluate(book))
    written = outputs.write(target, table_workbook(made.table, REPORT))
    run = Run(written=[written])
    run.messages.extend(outputs.messages)
    for finding in book.warnings:
        run.messages.append(f"提示:{finding}")
    if made.kept == 0:
        where = Location(file=str(fmt_path), key="filter")
        run.messages.append(f"提示:{where}: 台账的 {made.total} 条问题都不符合筛选条件,报送表中只有表头")
    elif made.kept < made.total:
        run.messages.append(f"报送 {made.kept} 条(台账共 {made.total} 条,按报送格式筛选)")
    else:
        run.messages.append(f"报送 {made.kept} 条")
    run.messages.append(f"已写入:{written}")
    return run


__all__ = ["bundled_formats", "resolve_format", "run_export"]
