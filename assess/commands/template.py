"""``assess template``: a fill-in workbook for one county or for a summary of many units."""

from __future__ import annotations

from pathlib import Path

from assess.commands.common import load_plan
from assess.errors import UsageError


def read_unit_list(path: Path) -> list[tuple[str, str | None]]:
    """Names (and groups) from a unit list: first column the name, a 分组 column optional."""
    from assess.workbook.names import name_key
    from assess.workbook.read import open_book

    book = open_book(path)
    rows = book.rows(book.sheet_names[0])
    out: list[tuple[str, str | None]] = []
    group_col: int | None = None
    for i, row in enumerate(rows):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not cells or not cells[0]:
            continue
        if i == 0 and name_key(cells[0]) in {
            name_key(k) for k in ("单位名称", "单位", "县市区", "名称", "乡镇", "村")
        }:
            keys = [name_key(c) for c in cells]
            group_col = next((j for j, k in enumerate(keys) if k in ("分组", "考核分组", "组别")), None)
            continue
        group = (
            cells[group_col]
            if group_col is not None and group_col < len(cells) and cells[group_col]
            else None
        )
        out.append((cells[0], group))
    if not out:
        raise UsageError(f"单位清单“{path}”中没有单位名称(第一列)")
    return out


def run_template(
    scheme: str, output: Path, layout: str, units_file: Path | None, unit: str | None, force: bool
) -> tuple[Path, list[str]]:
    """The template written, and what was said about an earlier file it replaced."""
    from assess.commands.common import guard
    from assess.workbook.template import county_template, summary_template

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"模板文件“{output}”的扩展名应为 .xlsx")
    plan = load_plan(scheme)
    outputs = guard(plan, force, 单位清单=[units_file])
    outputs.file(output, "xlsx")
    units = read_unit_list(units_file) if units_file else []
    if layout == "summary":
        if not units and plan.scheme.units:
            groups = plan.group_names
            units = [
                (u.name, groups.get(plan.group_ids.get(u.group or "", ""), u.group))
                for u in plan.scheme.units
            ]
        data = summary_template(plan, units)
    else:
        if len(units) > 1:
            raise UsageError("一县一表的模板只能预填一个单位;多个单位请用 --layout summary,或逐个生成")
        name, group = units[0] if units else (unit, None)
        if name and group is None and name in plan.unit_groups:
            group = plan.group_names.get(plan.unit_groups[name])
        data = county_template(plan, name, group)
    written = outputs.write(output, data)
    return written, outputs.messages
